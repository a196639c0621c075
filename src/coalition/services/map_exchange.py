"""The interdependence map in and out of exchange formats: GEXF, GraphML, Kumu, CSV and XLSX.

An export holds every actor on the map and every tie (with dates, types and weights), and the
actors' metrics and the custom profile fields the caller may see as attributes. An import
loads a map file into a network, all or nothing. The map itself is read in
:mod:`.interdependence`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..domain import ActorKind, Sector, TieKind
from ..errors import Invalid
from ..i18n import _
from ..store.cache import bump_version
from ..store.tables import Actor, Network, Tie
from .access import Caller, require_role
from .interdependence import (
    METRIC_COLUMNS,
    MapData,
    MapQuery,
    analyse_map,
    cached_map,
    load_map_data,
    member_network,
)
from .networks import get_network

if TYPE_CHECKING:
    from ..io.graph_model import MapEdge, MapGraph, MapNode

__all__ = ["EXPORT_FORMATS", "export_map", "guess_format", "import_map"]

ExportFormat = Literal["gexf", "graphml", "kumu", "csv", "xlsx"]
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "gexf": ("application/gexf+xml", "gexf"),
    "graphml": ("application/graphml+xml", "graphml"),
    "kumu": ("application/json", "kumu.json"),
    "csv": ("application/zip", "csv.zip"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
DIRECTED_KINDS = frozenset({"funded", "referred", "mentored", "influenced", "member_of"})
"""Tie kinds that read from source to target; the others are mutual."""


def _to_map_graph(data: MapData, metrics: dict[str, Any] | None) -> Any:
    from ..io.graph_model import MapEdge, MapGraph, MapNode

    per_actor: dict[str, dict[str, Any]] = {}
    if metrics is not None:
        cols = metrics["actors"]
        for j, actor in enumerate(cols["id"]):
            attrs: dict[str, Any] = {}
            for c in METRIC_COLUMNS:
                v = cols[c][j]
                if v is None:
                    continue
                attrs[c] = (
                    int(v)
                    if c in ("degree", "community", "component", "cross_sector_ties")
                    else float(v)
                )
            per_actor[actor] = attrs
    nodes = tuple(
        MapNode(
            key=data.keys[i],
            label=data.names[i],
            kind=data.kind[i],
            sector=data.sector[i],
            joined=data.joined[i],
            attrs=per_actor.get(str(data.ids[i]), {}),
        )
        for i in range(len(data.ids))
    )
    edges = tuple(
        MapEdge(
            source=data.keys[int(data.src[t])],
            target=data.keys[int(data.dst[t])],
            type=data.tie_kind[t],
            weight=data.weight[t],
            start=data.start[t],
            end=data.end[t],
            direction="directed" if data.tie_kind[t] in DIRECTED_KINDS else "undirected",
            key=f"tie-{data.tie_ids[t]}",
            attrs={"origin": data.origin[t]} if data.origin[t] else {},
        )
        for t in range(len(data.tie_ids))
    )
    return MapGraph(nodes=nodes, edges=edges)


def export_map(
    db: Session, caller: Caller, slug: str, fmt: str, *, with_metrics: bool = True
) -> tuple[bytes, str, str]:
    """The whole map (every actor on it and every tie, with dates, types and weights, and
    the actors' metrics as attributes) in an exchange format: ``(content, media type,
    file name)``."""
    if fmt not in EXPORT_FORMATS:
        raise Invalid(
            _("format is one of %(EXPORT_FORMATS)s")
            % {"EXPORT_FORMATS": ", ".join(EXPORT_FORMATS)},
            field="format",
        )
    from ..io import csv_xlsx, gexf, graphml, kumu

    network = member_network(db, caller, slug)
    data = load_map_data(db, network)
    metrics = None
    if with_metrics:
        query = MapQuery()
        metrics = cached_map(
            db, network, f"analysis|{query.key}", lambda: analyse_map(db, network, data, query)
        )
    graph = _with_custom_fields(db, caller, network, data, _to_map_graph(data, metrics))
    writers: dict[str, Callable[[Any], bytes]] = {
        "gexf": gexf.write_gexf,
        "graphml": graphml.write_graphml,
        "kumu": kumu.write_kumu,
        "csv": csv_xlsx.write_csv_zip,
        "xlsx": csv_xlsx.write_xlsx,
    }
    media, ext = EXPORT_FORMATS[fmt]
    return writers[fmt](graph), media, f"{network.slug}-map.{ext}"


def _with_custom_fields(
    db: Session, caller: Caller, network: Network, data: MapData, graph: Any
) -> Any:
    """The nodes with the network's custom profile fields the caller may see as attributes."""
    from dataclasses import replace

    from ..io.graph_model import RESERVED
    from .profile_fields import map_attributes

    extra = map_attributes(db, caller, network, reserved=(*RESERVED, *METRIC_COLUMNS, "origin"))
    if not extra:
        return graph
    nodes = tuple(
        replace(node, attrs={**node.attrs, **extra[actor_id]}) if actor_id in extra else node
        for node, actor_id in zip(graph.nodes, data.ids, strict=True)
    )
    return replace(graph, nodes=nodes)


READERS = ("gexf", "graphml", "kumu", "csv", "xlsx")


def _read(fmt: str, content: bytes) -> Any:
    from ..io import csv_xlsx, gexf, graphml, kumu

    readers: dict[str, Callable[[bytes], Any]] = {
        "gexf": gexf.read_gexf,
        "graphml": graphml.read_graphml,
        "kumu": kumu.read_kumu,
        "csv": csv_xlsx.read_csv_zip,
        "xlsx": csv_xlsx.read_xlsx,
    }
    if fmt not in readers:
        raise Invalid(
            _("format is one of %(readers)s") % {"readers": ", ".join(readers)}, field="format"
        )
    return readers[fmt](content)


def guess_format(filename: str) -> str | None:
    """The exchange format a file name suggests (``.gexf``, ``.graphml``, ``.json``, ``.zip``
    or ``.csv``, ``.xlsx``), or None."""
    name = filename.lower()
    for suffix, fmt in (
        (".gexf", "gexf"),
        (".graphml", "graphml"),
        (".json", "kumu"),
        (".zip", "csv"),
        (".xlsx", "xlsx"),
    ):
        if name.endswith(suffix):
            return fmt
    return None


def import_map(db: Session, caller: Caller, slug: str, fmt: str, content: bytes) -> dict[str, Any]:
    """Load a map file into a network, all or nothing.

    Nodes are matched to the network's actors by key (an actor's external id, or
    ``actor-<id>`` as exports write it); other nodes become new actors (kind ``person`` or
    ``organisation`` and a known sector are required). Every edge becomes a tie of a known
    type between two nodes of the file or actors of the network. Any problem anywhere —
    in the file, or in the mapping to the domain — rejects the whole file with a report
    naming each element and why; nothing is written.
    """
    network = get_network(db, caller, slug, public_ok=False)
    require_role(caller, network, "steward")
    graph: MapGraph = _read(fmt, content)
    resolve = _resolver(db, network)
    new_nodes = _check_map(graph, resolve)
    created, ties = _write_map(db, network, graph, new_nodes, resolve)
    return {
        "network": network.slug,
        "format": fmt,
        "actors_created": created,
        "actors_matched": len(graph.nodes) - created,
        "ties_created": ties,
    }


def _resolver(db: Session, network: Network) -> Callable[[str], int | None]:
    """The network's actor a node key names (its external id, or ``actor-<id>``), or None."""
    existing = {
        key: actor_id
        for actor_id, key in db.execute(
            select(Actor.id, Actor.external_id).where(
                Actor.network_id == network.id, Actor.external_id.is_not(None)
            )
        ).all()
    }
    all_ids = set(db.scalars(select(Actor.id).where(Actor.network_id == network.id)))

    def resolve(key: str) -> int | None:
        if key in existing:
            return existing[key]
        if key.startswith("actor-") and key[6:].isdigit() and int(key[6:]) in all_ids:
            return int(key[6:])
        return None

    return resolve


def _check_map(graph: MapGraph, resolve: Callable[[str], int | None]) -> list[MapNode]:
    """The nodes that are to be new actors; raises ``Invalid`` naming every problem if any."""
    problems: list[dict[str, str]] = []
    new_nodes = []
    for i, node in enumerate(graph.nodes):
        if resolve(node.key) is not None:
            continue
        where = f"node {i + 1} ({node.key})"
        problems.extend({"where": where, "why": why} for why in _node_problems(node))
        new_nodes.append(node)
    file_keys = {n.key for n in graph.nodes}
    for i, edge in enumerate(graph.edges):
        where = f"edge {i + 1} ({edge.key or f'{edge.source}→{edge.target}'})"
        whys = _edge_problems(edge, file_keys, resolve)
        problems.extend({"where": where, "why": why} for why in whys)
    if problems:
        raise Invalid(
            _(
                "the map file has %(problems)s problem(s); nothing was imported. "
                "First: %(where)s: %(why)s"
            )
            % {"problems": len(problems), "where": problems[0]["where"], "why": problems[0]["why"]},
            details=problems[:200],
        )
    return new_nodes


def _node_problems(node: MapNode) -> list[str]:
    """Why a node of the file cannot become a new actor (nothing when it can)."""
    kinds = {k.value for k in ActorKind}
    sectors = {s.value for s in Sector}
    whys = []
    if node.kind not in kinds:
        whys.append(f"kind must be one of {sorted(kinds)}")
    if node.sector not in sectors:
        whys.append(f"sector must be one of {sorted(sectors)}")
    if not node.label.strip() or len(node.label) > 200:
        whys.append("a name of 1 to 200 characters is needed")
    if len(node.key) > 120:
        whys.append("keys are at most 120 characters")
    return whys


def _edge_problems(
    edge: MapEdge, file_keys: set[str], resolve: Callable[[str], int | None]
) -> list[str]:
    """Why an edge of the file cannot become a tie (nothing when it can)."""
    tie_kinds = {k.value for k in TieKind}
    whys = []
    if edge.type not in tie_kinds:
        whys.append(f"type '{edge.type}' is not one of {sorted(tie_kinds)}")
    for end in (edge.source, edge.target):
        if end not in file_keys and resolve(end) is None:
            whys.append(f"'{end}' is no node of the file")
    return whys


def _write_map(
    db: Session,
    network: Network,
    graph: MapGraph,
    new_nodes: list[MapNode],
    resolve: Callable[[str], int | None],
) -> tuple[int, int]:
    """Add the new actors and every edge as a tie; how many of each were written."""
    created: dict[str, int] = {}
    for node in new_nodes:
        actor = Actor(
            network_id=network.id,
            external_id=node.key,
            kind=node.kind or "person",
            name=node.label,
            sector=node.sector or "independent",
            joined_on=node.joined,
        )
        db.add(actor)
        db.flush()
        created[node.key] = actor.id

    def actor_id(key: str) -> int:
        found = created.get(key) or resolve(key)
        assert found is not None  # checked above
        return found

    ties = [
        {
            "network_id": network.id,
            "source_id": actor_id(e.source),
            "target_id": actor_id(e.target),
            "kind": e.type,
            "weight": e.weight,
            "start_date": e.start,
            "end_date": e.end,
            "origin": "imported",
            "note": "",
            "initiative_id": None,
        }
        for e in graph.edges
    ]
    if ties:
        db.execute(insert(Tie), ties)
    bump_version(db, network.id)
    return len(created), len(ties)
