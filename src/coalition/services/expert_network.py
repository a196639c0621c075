"""The classic expert-network task (Lappas, Liu & Terzi, KDD 2009) on a stored network."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any, Literal

import igraph as ig
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..engines.formation import solve_classic
from ..errors import Conflict, Invalid, NotFound
from ..io.json_bundle import import_bundle
from ..store.tables import Actor, ActorCapability, Capability, Network, Tie

# A tie's weight must be positive; a Jaccard similarity of 0 is stored as this.
MIN_WEIGHT = 1e-9


def import_expert_graph(
    db: Session, path: Path, slug: str, *, skills_attr: str = "skills", weight_attr: str = "cc"
) -> dict[str, int]:
    """Load a GML/GraphML expert network as a new network, through the bundle mapping."""
    if not path.exists():
        raise NotFound(f"{path} does not exist")
    if db.scalar(select(Network.id).where(Network.slug == slug)) is not None:
        raise Conflict(f"a network called '{slug}' exists already")
    if not re.match(r"^[a-z0-9][a-z0-9-]{1,78}$", slug):
        raise Invalid("network slugs are lowercase letters, digits and dashes", field="network")
    try:
        graph = (
            ig.Graph.Read_GraphML(str(path))
            if path.suffix.lower() in {".graphml", ".xml"}
            else ig.Graph.Read_GML(str(path))
        )
    except Exception as exc:  # igraph raises its own error types for any parse failure
        raise Invalid(f"{path.name}: not a readable graph ({exc})", field="file") from None
    attrs = set(graph.vs.attributes())
    terms: set[str] = set()
    actors = []
    for v in graph.vs:
        label = str(v["label"]) if "label" in attrs and v["label"] is not None else str(v.index)
        raw = v[skills_attr] if skills_attr in attrs else None
        counts = Counter(s.strip() for s in str(raw or "").split(",") if s.strip())
        terms.update(counts)
        name = v["name"] if "name" in attrs and v["name"] else label
        actors.append(
            {
                "ref": v.index + 1,
                "kind": "person",
                "name": str(name),
                "sector": "independent",
                "external_id": label,
                "capacity_hours": 40.0,
                "visibility": "public",
                "capabilities": [
                    {"term": t, "level": min(5, c)} for t, c in sorted(counts.items())
                ],
            }
        )
    ties = []
    weighted = weight_attr in set(graph.es.attributes())
    for e in graph.es:
        if e.source == e.target:
            continue
        w = float(e[weight_attr]) if weighted and e[weight_attr] is not None else 1.0
        ties.append(
            {
                "source": e.source + 1,
                "target": e.target + 1,
                "kind": "collaborated",
                "weight": max(w, MIN_WEIGHT),
            }
        )
    bundle = {
        "format": "coalition-bundle",
        "version": 1,
        "network": {"slug": slug, "name": slug, "description": f"Expert network from {path.name}"},
        "capabilities": [{"term": t} for t in sorted(terms)],
        "actors": actors,
        "ties": ties,
    }
    import_bundle(db, bundle)
    return {"actors": len(actors), "ties": len(ties), "skills": len(terms)}


def classic_team(
    db: Session,
    slug: str,
    skills: list[str],
    *,
    objective: Literal["sum", "diameter"] = "sum",
    distance: Literal["hops", "weight"] = "hops",
) -> dict[str, Any]:
    """The team covering ``skills`` with the least communication cost, by external ids."""
    network = db.scalars(select(Network).where(Network.slug == slug)).first()
    if network is None:
        raise NotFound(f"no network '{slug}'")
    ids = list(
        db.scalars(select(Actor.id).where(Actor.network_id == network.id).order_by(Actor.id))
    )
    row = {a: i for i, a in enumerate(ids)}
    external = dict(
        db.execute(select(Actor.id, Actor.external_id).where(Actor.network_id == network.id)).all()
    )
    known = set(db.scalars(select(Capability.term).where(Capability.network_id == network.id)))
    unknown = [s for s in skills if s not in known]
    if unknown:
        raise Invalid(f"unknown skill(s) {', '.join(unknown)}", field="skills")
    held: list[set[str]] = [set() for _ in ids]
    for actor_id, term in db.execute(
        select(ActorCapability.actor_id, Capability.term)
        .join(Capability, Capability.id == ActorCapability.capability_id)
        .where(Capability.network_id == network.id)
    ):
        held[row[actor_id]].add(term)
    edges = db.execute(
        select(Tie.source_id, Tie.target_id, Tie.weight).where(Tie.network_id == network.id)
    ).all()
    graph = ig.Graph(n=len(ids), edges=[(row[s], row[t]) for s, t, _ in edges])
    weights = [min(1.0, w if w > MIN_WEIGHT else 0.0) for _, _, w in edges]
    team = solve_classic(
        graph, held, skills, weights=weights, objective=objective, distance=distance
    )
    return {
        "network": slug,
        "objective": "sum-distance" if objective == "sum" else "diameter",
        "distance": distance,
        "members": [external[ids[m]] or str(ids[m]) for m in team.members],
        "covers": {
            str(skill): external[ids[m]] or str(ids[m]) for skill, m in team.assignment.items()
        },
        "cost": team.cost if team.feasible else None,
        "missing": [str(s) for s in team.missing],
        "optimal": team.optimal,
    }
