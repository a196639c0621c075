"""The classic expert-network task (Lappas, Liu & Terzi, KDD 2009) on a stored network."""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path
from typing import Any, Literal, get_args

import igraph as ig
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..engines.formation import solve_classic
from ..errors import Conflict, Invalid, NotFound
from ..i18n import _
from ..io.bundle import import_bundle
from ..io.gml import read_gml
from ..io.graph_model import Problem, check
from ..io.graphml import read_graphml
from ..store.tables import Actor, ActorCapability, Capability, Network, Tie

# A tie's weight must be positive; a Jaccard similarity of 0 is stored as this.
MIN_WEIGHT = 1e-9


def import_expert_graph(
    db: Session, path: Path, slug: str, *, skills_attr: str = "skills", weight_attr: str = "cc"
) -> dict[str, int]:
    """Load a GML/GraphML expert network as a new network, through the bundle mapping.

    The file is read by our own checked readers (:mod:`coalition.io.gml`,
    :mod:`coalition.io.graphml`), never by igraph's, whose C core can abort the process on a
    malformed file; any problem refuses the whole file with its line or element."""
    if not path.exists():
        raise NotFound(_("%(path)s does not exist") % {"path": path})
    if db.scalar(select(Network.id).where(Network.slug == slug)) is not None:
        raise Conflict(_("a network called '%(slug)s' exists already") % {"slug": slug})
    if not re.match(r"^[a-z0-9][a-z0-9-]{1,78}$", slug):
        raise Invalid(_("network slugs are lowercase letters, digits and dashes"), field="network")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Invalid(
            _("%(name)s: cannot be read (%(strerror)s)")
            % {"name": path.name, "strerror": exc.strerror},
            field="file",
        ) from None
    if path.suffix.lower() in {".graphml", ".xml"}:
        people, links = _from_graphml(data, skills_attr, weight_attr)
    else:
        people, links = _from_gml(data, skills_attr, weight_attr)
    terms: set[str] = set()
    actors = []
    for index, (label, name, raw) in enumerate(people):
        counts = Counter(s.strip() for s in str(raw or "").split(",") if s.strip())
        terms.update(counts)
        actors.append(
            {
                "ref": index + 1,
                "kind": "person",
                "name": name,
                "sector": "independent",
                "external_id": label,
                "capacity_hours": 40.0,
                "visibility": "public",
                "capabilities": [
                    {"term": t, "level": min(5, c)} for t, c in sorted(counts.items())
                ],
            }
        )
    ties = [
        {"source": s + 1, "target": t + 1, "kind": "collaborated", "weight": max(w, MIN_WEIGHT)}
        for s, t, w in links
        if s != t
    ]
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


# (label, name, skills) per person; (source index, target index, weight) per tie
_People = list[tuple[str, str, object]]
_Links = list[tuple[int, int, float]]


def _weight(value: object, where: str, attr: str, problems: list[Problem]) -> float:
    """A tie weight: absent is 1; it must be a finite number ≥ 0 (0, a Jaccard similarity of
    nothing shared, is kept as :data:`MIN_WEIGHT`); anything else is refused, not clamped."""
    if value is None:
        return 1.0
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(Problem(where, f"{attr} {value!r} is not a number"))
        return 1.0
    if not math.isfinite(value) or value < 0:
        problems.append(Problem(where, f"{attr} {value!r} is not a finite number ≥ 0"))
        return 1.0
    return float(value)


def _from_gml(data: bytes, skills_attr: str, weight_attr: str) -> tuple[_People, _Links]:
    graph = read_gml(data)
    people: _People = []
    index: dict[object, int] = {}
    for i, node in enumerate(graph.nodes):
        raw_label = node.attrs.get("label")
        label = str(raw_label) if raw_label is not None else str(i)
        people.append((label, str(node.attrs.get("name") or label), node.attrs.get(skills_attr)))
        index[node.attrs["id"]] = i
    problems: list[Problem] = []
    links = [
        (
            index[e.attrs["source"]],
            index[e.attrs["target"]],
            _weight(e.attrs.get(weight_attr), f"line {e.line} edge", weight_attr, problems),
        )
        for e in graph.edges
    ]
    check("GML", problems)
    return people, links


def _from_graphml(data: bytes, skills_attr: str, weight_attr: str) -> tuple[_People, _Links]:
    graph = read_graphml(data)
    people: _People = [
        (n.label, str(n.attrs.get("name") or n.label), n.attrs.get(skills_attr))
        for n in graph.nodes
    ]
    index = {n.key: i for i, n in enumerate(graph.nodes)}
    problems: list[Problem] = []
    links = []
    for i, e in enumerate(graph.edges):
        raw = e.weight if weight_attr == "weight" else e.attrs.get(weight_attr)
        w = _weight(raw, f"edge {i + 1} ({e.source} → {e.target})", weight_attr, problems)
        links.append((index[e.source], index[e.target], w))
    check("GraphML", problems)
    return people, links


#: How far apart two people are: in hops, or by tie weight.
Distance = Literal["hops", "weight"]
DISTANCES: tuple[Distance, ...] = get_args(Distance)


def classic_team(
    db: Session,
    slug: str,
    skills: list[str],
    *,
    objective: Literal["sum", "diameter"] = "sum",
    distance: Distance = "hops",
) -> dict[str, Any]:
    """The team covering ``skills`` with the least communication cost, by external ids."""
    network = db.scalars(select(Network).where(Network.slug == slug)).first()
    if network is None:
        raise NotFound(_("no network '%(slug)s'") % {"slug": slug})
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
        raise Invalid(
            _("unknown skill(s) %(unknown)s") % {"unknown": ", ".join(unknown)}, field="skills"
        )
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
