"""The interdependence map of a network: its analysis, drawing and changes.

The map is shared by a network's members: it shows every actor whose profile the network
may see (visibility other than ``private``) and former members (anonymised as "Former
member", so the map keeps its shape), with the ties between them. The same actors and ties
go into every member's view, so one cached result serves them all; a private profile is not
on the map for anyone.

Results are cached in ``map_cache`` by the network's ``data_version`` (moved by every write to
actors, ties, engagements…) and by the query; a newer version replaces older entries.

The map in and out of exchange formats (GEXF, GraphML, Kumu, CSV, XLSX) is in
:mod:`.map_exchange`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .. import clock
from ..domain import Sector, TieKind
from ..errors import Invalid
from ..i18n import _
from ..store.cache import ProcessCache, cached_result, store_result, version_key
from ..store.tables import Actor, Affiliation, Engagement, Network, Tie
from ..store.tables_map import MapCache
from .access import Caller
from .networks import get_network
from .ties import active_between

__all__ = [
    "MapQuery",
    "analysis",
    "changes",
    "map_view",
]

Projection = Literal["none", "organisations", "initiatives"]
Freq = Literal["year", "quarter"]
FORMER = "Former member"
PROJECTION_MAX_PAIRS = 20_000_000
"""The most co-membership ties a projection may make (a group of k people makes k(k-1)/2)."""

METRIC_COLUMNS = (
    "degree",
    "weighted_degree",
    "pagerank",
    "betweenness",
    "closeness",
    "constraint",
    "effective_size",
    "coordinator",
    "gatekeeper",
    "representative",
    "consultant",
    "liaison",
    "community",
    "component",
    "cross_sector_ties",
)
"""Per-actor columns carried to the map page and into exports."""


@dataclass(frozen=True)
class MapQuery:
    """Which part of the map: tie types, a time window or period, and a projection.

    ``at`` alone is the network as it stood on that day (ties active then, actors who had
    joined); ``since``..``at`` is a window (ties active at some moment of it); ``period`` is
    a calendar year (``"2024"``) or quarter (``"2024-Q3"``), as on the time slider.
    ``projection`` reads people's shared organisations or initiatives as ties between them
    (a two-mode network projected onto people).
    """

    types: tuple[str, ...] | None = None
    since: dt.date | None = None
    at: dt.date | None = None
    period: str | None = None
    projection: Projection = "none"

    def __post_init__(self) -> None:
        if self.types is not None:
            unknown = sorted(set(self.types) - {k.value for k in TieKind})
            if unknown:
                raise Invalid(
                    _("unknown tie type(s): %(unknown)s") % {"unknown": ", ".join(unknown)},
                    field="types",
                )
            object.__setattr__(self, "types", tuple(sorted(set(self.types))))
        if self.period is not None and (self.since is not None or self.at is not None):
            raise Invalid(_("give a period or a since/at window, not both"), field="period")
        if self.since is not None and self.at is None:
            raise Invalid(_("'since' needs 'at' (the end of the window)"), field="since")
        if self.since is not None and self.at is not None and self.since > self.at:
            raise Invalid(_("'since' is after 'at'"), field="since")
        if self.period is not None:
            _period_window(self.period)  # validates
        if self.projection not in ("none", "organisations", "initiatives"):
            raise Invalid(_("projection is none, organisations or initiatives"), field="projection")

    @property
    def window(self) -> tuple[dt.date | None, dt.date | None] | None:
        if self.period is not None:
            return _period_window(self.period)
        if self.at is not None:
            return (self.since or self.at, self.at)
        return None

    @property
    def key(self) -> str:
        types = ",".join(self.types) if self.types is not None else "*"
        win = self.window
        w = "*" if win is None else f"{win[0] or ''}..{win[1] or ''}"
        return f"types={types}|window={w}|projection={self.projection}"

    def to_dict(self) -> dict[str, Any]:
        win = self.window
        return {
            "types": list(self.types) if self.types is not None else None,
            "since": self.since.isoformat() if self.since else None,
            "at": self.at.isoformat() if self.at else None,
            "period": self.period,
            "projection": self.projection,
            "window": None if win is None else [d.isoformat() if d else None for d in win],
        }


def tie_types(values: Iterable[str] | None) -> tuple[str, ...] | None:
    """Tie types as people write them: repeated and/or comma-separated (None = all)."""
    if values is None:
        return None
    return tuple(t.strip() for value in values for t in value.split(",") if t.strip())


def _period_window(label: str) -> tuple[dt.date, dt.date]:
    from ..engines.network.timeline import periods

    try:
        if "-Q" in label:
            year, q = label.split("-Q")
            quarter = int(q)
            if not 1 <= quarter <= 4:
                raise ValueError
            day = dt.date(int(year), 3 * quarter - 2, 1)
            _unused, start, end = periods(day, day, "quarter")[0]
        else:
            day = dt.date(int(label), 1, 1)
            _unused, start, end = periods(day, day, "year")[0]
    except ValueError:
        raise Invalid(
            _("period '%(label)s' is not a year (2024) or a quarter (2024-Q3)") % {"label": label},
            field="period",
        ) from None
    return start, end


# --- loading the map's actors and ties -------------------------------------------------------


@dataclass(frozen=True)
class MapData:
    network_id: int
    ids: list[int]
    names: list[str]
    keys: list[str]
    kind: list[str]
    sector: list[str]
    joined: list[dt.date | None]
    tie_ids: list[int]
    src: np.ndarray
    dst: np.ndarray
    tie_kind: list[str]
    weight: list[float]
    start: list[dt.date | None]
    end: list[dt.date | None]
    origin: list[str]


def _on_map(network_id: int) -> Any:
    return (Actor.network_id == network_id) & (
        (Actor.visibility != "private") | (Actor.anonymised == 1)
    )


def load_map_data(db: Session, network: Network) -> MapData:
    rows = db.execute(
        select(
            Actor.id,
            Actor.name,
            Actor.external_id,
            Actor.kind,
            Actor.sector,
            Actor.joined_on,
            Actor.anonymised,
        )
        .where(_on_map(network.id))
        .order_by(Actor.id)
    ).all()
    ids = [r[0] for r in rows]
    on_map = select(Actor.id).where(_on_map(network.id))
    ties = db.execute(
        select(
            Tie.id,
            Tie.source_id,
            Tie.target_id,
            Tie.kind,
            Tie.weight,
            Tie.start_date,
            Tie.end_date,
            Tie.origin,
        )
        .where(
            Tie.network_id == network.id,
            Tie.source_id.in_(on_map),
            Tie.target_id.in_(on_map),
        )
        .order_by(Tie.id)
    ).all()
    id_arr = np.asarray(ids, dtype=np.int64)
    src = np.searchsorted(id_arr, np.asarray([t[1] for t in ties], dtype=np.int64))
    dst = np.searchsorted(id_arr, np.asarray([t[2] for t in ties], dtype=np.int64))
    return MapData(
        network_id=network.id,
        ids=ids,
        names=[FORMER if r[6] else r[1] for r in rows],
        keys=[r[2] or f"actor-{r[0]}" for r in rows],
        kind=[r[3] for r in rows],
        sector=[r[4] for r in rows],
        joined=[r[5] for r in rows],
        tie_ids=[t[0] for t in ties],
        src=src,
        dst=dst,
        tie_kind=[t[3] for t in ties],
        weight=[float(t[4]) for t in ties],
        start=[t[5] for t in ties],
        end=[t[6] for t in ties],
        origin=[t[7] for t in ties],
    )


def _opportunity(db: Session, network: Network, data: MapData) -> dict[str, np.ndarray]:
    """Engagements and invitations per actor, aligned with the map's actor table."""
    from ..store.tables_invitations import Invitation

    pos = {a: i for i, a in enumerate(data.ids)}
    out: dict[str, np.ndarray] = {}
    for name, table in (("engagements", Engagement), ("invitations", Invitation)):
        counts = np.zeros(len(data.ids))
        rows = db.execute(
            select(table.actor_id, func.count())
            .where(table.network_id == network.id)
            .group_by(table.actor_id)
        ).all()
        for actor_id, n in rows:
            if actor_id in pos:
                counts[pos[actor_id]] = n
        out[name] = counts
    return out


def _engine_tables(db: Session, data: MapData, query: MapQuery) -> tuple[Any, Any]:
    from ..engines.network import Actors, Affiliations, Ties, project_two_mode

    actors = Actors.create(
        [str(i) for i in data.ids], sector=data.sector, kind=data.kind, joined=data.joined
    )
    if query.projection == "none":
        ties = Ties.create(
            data.src,
            data.dst,
            type=data.tie_kind,
            weight=data.weight,
            start=data.start,
            end=data.end,
            n_actors=len(actors),
        )
        return actors, ties
    # a two-mode network (people in organisations or initiatives) projected onto people
    people = [i for i, k in enumerate(data.kind) if k == "person"]
    actors = Actors.create(
        [str(data.ids[i]) for i in people],
        sector=[data.sector[i] for i in people],
        kind=[data.kind[i] for i in people],
        joined=[data.joined[i] for i in people],
    )
    pos = {data.ids[i]: j for j, i in enumerate(people)}
    rows: Sequence[Any]
    if query.projection == "organisations":
        rows = db.execute(
            select(
                Affiliation.actor_id,
                Affiliation.organisation_id,
                Affiliation.start_date,
                Affiliation.end_date,
            )
            .join(Actor, Actor.id == Affiliation.actor_id)
            .where(Actor.network_id == data.network_id)
        ).all()
    else:
        rows = db.execute(
            select(
                Engagement.actor_id,
                Engagement.initiative_id,
                Engagement.start_date,
                Engagement.end_date,
            ).where(Engagement.network_id == data.network_id)
        ).all()
    kept = [r for r in rows if r[0] in pos]
    groups = {g: i for i, g in enumerate(sorted({r[1] for r in kept}))}
    aff = Affiliations.create(
        [pos[r[0]] for r in kept],
        [groups[r[1]] for r in kept],
        start=[r[2] for r in kept],
        end=[r[3] for r in kept],
    )
    tie_type = "shared_organisation" if query.projection == "organisations" else "shared_initiative"
    try:
        return actors, project_two_mode(aff, tie_type=tie_type, max_pairs=PROJECTION_MAX_PAIRS)
    except ValueError as exc:  # too many pairs to project: say so, do not fail
        raise Invalid(
            _("this projection cannot be drawn: %(exc)s") % {"exc": exc}, field="projection"
        ) from None


# --- cache ------------------------------------------------------------------------------------


def cached_map(
    db: Session, network: Network, key: str, compute: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """The map result ``key`` of the network as it is now: kept in ``map_cache`` by data version,
    and computed by one request of this process at a time (the others wait for it)."""

    def load() -> dict[str, Any]:
        hit = cached_result(db, MapCache, network.data_version, network_id=network.id, key=key)
        if hit is not None:
            return hit
        result = compute()
        owner = {"network_id": network.id}
        store_result(db, MapCache, network.data_version, result, owner, key=key)
        return result

    return _MAPS.get(version_key(db, network, "map", key), load)


#: One computation per key at a time in this process; nothing is kept (size 0: the table
#: keeps results).
_MAPS: ProcessCache[dict[str, Any]] = ProcessCache(0)


def member_network(db: Session, caller: Caller, slug: str) -> Network:
    """The network, for its members (others are told it is not there)."""
    return get_network(db, caller, slug, public_ok=False)


# --- analysis, drawing, changes ---------------------------------------------------------------


def analyse_map(db: Session, network: Network, data: MapData, query: MapQuery) -> dict[str, Any]:
    from ..engines.network import analyze, build_graph

    actors, ties = _engine_tables(db, data, query)
    types = query.types if query.projection == "none" else None
    graph = build_graph(actors, ties, types=types, window=query.window)
    result = analyze(
        graph,
        opportunity=_opportunity(db, network, data),
        as_of=query.at or (query.window[1] if query.window else None) or clock.today(),
    ).to_dict()
    name_of = dict(zip((str(i) for i in data.ids), data.names, strict=True))
    result["actors"]["name"] = [name_of[i] for i in result["actors"]["id"]]
    result["edges"] = {
        "source": [str(x) for x in graph.ids[graph.pairs.u]],
        "target": [str(x) for x in graph.ids[graph.pairs.v]],
        "weight": [round(float(w), 6) for w in graph.pairs.weight],
    }
    return result


def _span(data: MapData) -> tuple[dt.date, dt.date] | None:
    """The first and last day the data speaks of (tie starts and ends, days joined), the last
    no later than today unless everything lies ahead; None without any date."""
    days = [d for d in (*data.start, *data.end, *data.joined) if d is not None]
    if not days:
        return None
    first, last, today = min(days), max(days), clock.today()
    return first, (min(last, today) if first <= today else last)


def _periods(data: MapData, freq: Freq = "year") -> list[dict[str, str]]:
    from ..engines.network.timeline import periods

    span = _span(data)
    if span is None:
        return []
    return [
        {"label": label, "start": s.isoformat(), "end": e.isoformat()}
        for label, s, e in periods(*span, freq)
    ]


def analysis(db: Session, caller: Caller, slug: str, query: MapQuery) -> dict[str, Any]:
    """Every metric of the map for ``query`` (per actor, per network, and how obtained)."""
    network = member_network(db, caller, slug)
    result = cached_map(
        db,
        network,
        f"analysis|{query.key}",
        lambda: analyse_map(db, network, load_map_data(db, network), query),
    )
    return {
        "slug": network.slug,
        "data_version": network.data_version,
        "query": query.to_dict(),
        **{k: v for k, v in result.items() if k != "edges"},
    }


def _layout(db: Session, network: Network, data: MapData) -> dict[str, list[Any]]:
    def compute() -> dict[str, Any]:
        from ..engines.network import Actors, Ties, build_graph
        from ..engines.network.layout import layout

        actors = Actors.create([str(i) for i in data.ids])
        ties = Ties.create(data.src, data.dst, weight=data.weight, n_actors=len(actors))
        pos = layout(build_graph(actors, ties), seed=network.id)
        return {
            "id": [str(i) for i in data.ids],
            "x": [round(float(v), 5) for v in pos[:, 0]],
            "y": [round(float(v), 5) for v in pos[:, 1]],
        }

    return cached_map(db, network, "layout", compute)


VIEWS_KEPT = 8
"""Assembled map views kept in this process (the drawing's JSON for the latest versions), so
that the page and its data request do not re-read and re-encode the cached results."""
_VIEWS: ProcessCache[tuple[dict[str, Any], bytes]] = ProcessCache(VIEWS_KEPT)


def _view(db: Session, network: Network, query: MapQuery) -> tuple[dict[str, Any], bytes]:
    def assemble() -> tuple[dict[str, Any], bytes]:
        view = _assemble_view(db, network, query)
        return view, dumps(view).encode()

    return _VIEWS.get(version_key(db, network, query.key), assemble)


def map_view(db: Session, caller: Caller, slug: str, query: MapQuery) -> dict[str, Any]:
    """What the map page draws: actors with positions and metrics, linked pairs, summary.

    Positions come from one layout of the whole network (cached), so actors keep their
    place when the tie-type filter or the time slider changes what is drawn.
    """
    return _view(db, member_network(db, caller, slug), query)[0]


def map_view_json(db: Session, caller: Caller, slug: str, query: MapQuery) -> bytes:
    """:func:`map_view` as compact JSON bytes (what the page fetches)."""
    return _view(db, member_network(db, caller, slug), query)[1]


def _short(values: list[Any]) -> list[Any]:
    """Floats to 5 significant digits (what a drawing and its side panel need)."""
    return [float(f"{v:.5g}") if isinstance(v, float) else v for v in values]


def _assemble_view(db: Session, network: Network, query: MapQuery) -> dict[str, Any]:
    loaded: list[MapData] = []

    def data() -> MapData:
        if not loaded:
            loaded.append(load_map_data(db, network))
        return loaded[0]

    result = cached_map(
        db, network, f"analysis|{query.key}", lambda: analyse_map(db, network, data(), query)
    )
    periods_ = cached_map(db, network, "periods", lambda: {"year": _periods(data(), "year")})
    pos = _layout(db, network, data())
    where = {k: i for i, k in enumerate(pos["id"])}
    cols = result["actors"]
    at = [where[i] for i in cols["id"]]
    return {
        "network": {"slug": network.slug, "name": network.name},
        "data_version": network.data_version,
        "query": query.to_dict(),
        "types": [k.value for k in TieKind],
        "sectors": [s.value for s in Sector],
        "periods": periods_["year"],
        "nodes": {
            "id": cols["id"],
            "name": cols["name"],
            "sector": cols["sector"],
            "kind": cols["kind"],
            "x": [pos["x"][j] for j in at],
            "y": [pos["y"][j] for j in at],
            **{c: _short(cols[c]) for c in METRIC_COLUMNS},
        },
        "edges": result["edges"],
        "summary": _summary(result["network"]),
        "method": result["method"],
    }


def _summary(net: dict[str, Any]) -> dict[str, Any]:
    keep = (
        "n_actors",
        "n_ties",
        "n_edges",
        "density",
        "n_components",
        "largest_component",
        "n_communities",
        "modularity",
        "sectors",
        "mixing_counts",
        "assortativity",
        "cross_sector_edges",
        "cross_sector_share",
        "bridge_holders",
        "isolates",
        "newcomers_unconnected",
        "opportunity",
    )
    return {k: net[k] for k in keep if k in net}


def changes(
    db: Session,
    caller: Caller,
    slug: str,
    *,
    freq: Freq = "year",
    types: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The map at each year (or quarter) and what changed from one to the next: who became
    central, which sectors drew closer, which communities merged or split."""
    if freq not in ("year", "quarter"):
        raise Invalid(_("freq is year or quarter"), field="freq")
    query = MapQuery(types=tuple(types) if types is not None else None)
    network = member_network(db, caller, slug)

    def compute() -> dict[str, Any]:
        from ..engines.network import compare_snapshots, snapshots

        data = load_map_data(db, network)
        actors, ties = _engine_tables(db, data, query)
        span = _span(data)
        if span is None:
            return {"snapshots": [], "changes": []}
        snaps = snapshots(actors, ties, freq=freq, types=query.types, first=span[0], last=span[1])
        name_of = dict(zip((str(i) for i in data.ids), data.names, strict=True))
        out_snaps = []
        for s in snaps:
            net = s.analysis.network
            out_snaps.append(
                {
                    "label": s.label,
                    "start": s.start.isoformat(),
                    "end": s.end.isoformat(),
                    "n_actors": net.n_actors,
                    "n_edges": net.n_edges,
                    "density": _finite(net.density),
                    "n_communities": net.n_communities,
                    "assortativity": _finite(net.assortativity),
                    "cross_sector_share": _finite(net.cross_sector_share),
                }
            )
        out_changes = []
        for before, after in zip(snaps, snaps[1:], strict=False):
            change = compare_snapshots(before, after).to_dict()
            for block in change["centrality"]:
                for part in ("entered", "left", "risers"):
                    for entry in block.get(part, []):
                        entry["name"] = name_of.get(str(entry["id"]), "")
            out_changes.append({"from": before.label, "to": after.label, **change})
        return {"snapshots": out_snaps, "changes": out_changes}

    result = cached_map(db, network, f"changes|freq={freq}|{query.key}", compute)
    return {
        "slug": network.slug,
        "data_version": network.data_version,
        "freq": freq,
        **result,
    }


def _finite(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def actor_ties(
    db: Session, caller: Caller, slug: str, actor_id: int, query: MapQuery
) -> list[dict[str, Any]]:
    """The ties of one actor on the map (for the map's side panel), newest first."""
    network = member_network(db, caller, slug)
    on_map = select(Actor.id).where(_on_map(network.id))
    stmt = select(Tie).where(
        Tie.network_id == network.id,
        or_(Tie.source_id == actor_id, Tie.target_id == actor_id),
        Tie.source_id.in_(on_map),
        Tie.target_id.in_(on_map),
    )
    if query.types is not None:
        stmt = stmt.where(Tie.kind.in_(query.types))
    if query.window is not None:
        stmt = stmt.where(*active_between(*query.window))
    rows = db.scalars(stmt.order_by(Tie.start_date.desc(), Tie.id.desc()).limit(500)).all()
    other_ids = {t.target_id if t.source_id == actor_id else t.source_id for t in rows}
    label = {
        a: (FORMER if anon else name)
        for a, name, anon in db.execute(
            select(Actor.id, Actor.name, Actor.anonymised).where(Actor.id.in_(other_ids))
        ).all()
    }
    return [
        {
            "id": t.id,
            "kind": t.kind,
            "weight": t.weight,
            "start": t.start_date.isoformat() if t.start_date else None,
            "end": t.end_date.isoformat() if t.end_date else None,
            "other_id": (other := t.target_id if t.source_id == actor_id else t.source_id),
            "other_name": label.get(other, ""),
            "direction": "out" if t.source_id == actor_id else "in",
        }
        for t in rows
    ]


def dumps(payload: dict[str, Any]) -> str:
    """Compact JSON for large payloads (no spaces)."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
