"""The map service on both databases: who is on the map, caching by data version, filters,
changes over time, exports, and imports that are all or nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from coalition.errors import Invalid, NotFound
from coalition.io.bundle import import_bundle
from coalition.io.gexf import read_gexf
from coalition.services import interdependence as svc
from coalition.services import map_exchange
from coalition.services.access import Caller
from coalition.store.cache import clear_process_caches
from coalition.store.tables import Actor, Network, Tie
from coalition.store.tables_map import MapCache
from tests.conftest import small_bundle

OP = Caller.operator()


def _network(db: Session) -> Network:
    network = import_bundle(db, small_bundle(actors=40, seed=5), slug="small")
    db.flush()
    return network


def _ties_on_map(db: Session, network: Network) -> list[Any]:
    """Ties between actors whose profile is not private (the map's actors), read directly."""
    shown = {
        a
        for a, vis, anon in db.execute(
            select(Actor.id, Actor.visibility, Actor.anonymised).where(
                Actor.network_id == network.id
            )
        ).all()
        if vis != "private" or anon
    }
    return [
        t
        for t in db.scalars(select(Tie).where(Tie.network_id == network.id))
        if t.source_id in shown and t.target_id in shown
    ]


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> None:
    """Each test starts with empty process caches: the wiped test database and the
    deterministic demo give an earlier test's map the same key (ids, creation time, version),
    and these tests change rows directly, without a service's version bump."""
    clear_process_caches()


def _member(network: Network) -> Caller:
    return Caller(account_id=1, actor_ids=frozenset(), roles={network.id: "member"})


def test_the_map_shows_the_network_but_no_private_profile(db: Session) -> None:
    network = _network(db)
    ids = list(db.scalars(select(Actor.id).where(Actor.network_id == network.id)))
    private, former = ids[0], ids[1]
    private_name = db.scalar(select(Actor.name).where(Actor.id == private))
    former_name = db.scalar(select(Actor.name).where(Actor.id == former))
    db.execute(update(Actor).where(Actor.id == private).values(visibility="private"))
    db.execute(update(Actor).where(Actor.id == former).values(anonymised=1, visibility="private"))
    db.flush()
    view = svc.map_view(db, _member(network), "small", svc.MapQuery())
    nodes = view["nodes"]
    assert str(private) not in nodes["id"]
    assert private_name not in nodes["name"]
    assert str(former) in nodes["id"]
    assert former_name not in nodes["name"]
    assert nodes["name"][nodes["id"].index(str(former))] == svc.FORMER
    assert str(private) not in view["edges"]["source"] + view["edges"]["target"]
    # the drawing's edges are exactly the ties between actors on the map, merged per pair
    on_map = {int(i) for i in nodes["id"]}
    pairs = {
        tuple(sorted((s, t)))
        for s, t in db.execute(
            select(Tie.source_id, Tie.target_id).where(Tie.network_id == network.id)
        ).all()
        if s in on_map and t in on_map and s != t
    }
    drawn = {
        tuple(sorted((int(s), int(t))))
        for s, t in zip(view["edges"]["source"], view["edges"]["target"], strict=True)
    }
    assert drawn == pairs
    # every actor drawn has a position in [-1, 1] and every metric column
    assert all(-1.0 <= v <= 1.0 for v in nodes["x"] + nodes["y"])
    for col in svc.METRIC_COLUMNS:
        assert len(nodes[col]) == len(nodes["id"])
    text = svc.dumps(svc.analysis(db, _member(network), "small", svc.MapQuery()))
    assert private_name not in text and former_name not in text


def test_only_members_read_the_map(db: Session) -> None:
    network = _network(db)
    outsider = Caller(account_id=9, roles={network.id + 1000: "steward"})
    for caller in (Caller.anonymous(), outsider):
        with pytest.raises(NotFound):
            svc.map_view(db, caller, "small", svc.MapQuery())
        with pytest.raises(NotFound):
            map_exchange.export_map(db, caller, "small", "gexf")


def test_results_are_cached_by_data_version(db: Session) -> None:
    network = _network(db)
    first = svc.analysis(db, OP, "small", svc.MapQuery())
    assert db.scalar(select(func.count()).select_from(MapCache)) == 1
    again = svc.analysis(db, OP, "small", svc.MapQuery())
    assert again == first
    # a tie recorded through the service moves the version: the next read recomputes
    a, b = db.scalars(select(Actor.id).where(Actor.network_id == network.id).limit(2)).all()
    from coalition.schemas.initiatives import TieIn
    from coalition.services.ties import record_tie

    before = first["network"]["n_ties"]
    record_tie(db, OP, network, TieIn(source_id=a, target_id=b, kind="referred"))
    db.refresh(network)
    fresh = svc.analysis(db, OP, "small", svc.MapQuery())
    assert fresh["data_version"] == first["data_version"] + 1
    assert fresh["network"]["n_ties"] == before + 1
    versions = set(db.scalars(select(MapCache.data_version)))
    assert versions == {network.data_version}  # older entries were dropped


def test_filters_by_type_window_and_period(db: Session) -> None:
    network = _network(db)
    everything = svc.analysis(db, OP, "small", svc.MapQuery())["network"]
    ties = _ties_on_map(db, network)
    kinds: dict[str, int] = {}
    for t in ties:
        kinds[t.kind] = kinds.get(t.kind, 0) + 1
    kind = max(kinds, key=lambda k: kinds[k])
    only = svc.analysis(db, OP, "small", svc.MapQuery(types=(kind,)))["network"]
    assert only["n_ties"] == kinds[kind] < everything["n_ties"]
    assert only["types"] == [kind]
    starts = [t.start_date for t in ties if t.start_date is not None]
    year = str(max(starts).year)
    in_year = svc.analysis(db, OP, "small", svc.MapQuery(period=year))["network"]
    lo, hi = dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
    expected = sum(
        1
        for t in ties
        if (t.start_date is None or t.start_date <= hi) and (t.end_date is None or t.end_date >= lo)
    )
    assert in_year["n_ties"] == expected
    assert in_year["window"] == [lo.isoformat(), hi.isoformat()]
    with pytest.raises(Invalid):
        svc.MapQuery(types=("friendship",))
    with pytest.raises(Invalid):
        svc.MapQuery(period="2024-Q5")
    with pytest.raises(Invalid):
        svc.MapQuery(since=dt.date(2025, 1, 1), at=dt.date(2024, 1, 1))


def test_projections_put_people_together(db: Session) -> None:
    _network(db)
    result = svc.analysis(db, OP, "small", svc.MapQuery(projection="organisations"))
    assert set(result["actors"]["kind"]) == {"person"}
    assert result["network"]["n_ties"] > 0


def test_a_projection_too_large_is_refused_with_a_reason(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _network(db)
    monkeypatch.setattr(svc, "PROJECTION_MAX_PAIRS", 1)
    with pytest.raises(Invalid) as err:
        svc.analysis(db, OP, "small", svc.MapQuery(projection="organisations"))
    assert err.value.field == "projection" and "max_pairs" in err.value.message


def test_changes_year_by_year(db: Session) -> None:
    _network(db)
    out = svc.changes(db, OP, "small", freq="year")
    labels = [s["label"] for s in out["snapshots"]]
    assert labels == sorted(labels) and len(labels) >= 2
    assert [c["to"] for c in out["changes"]] == labels[1:]
    for change in out["changes"]:
        assert {"centrality", "sectors", "communities"} <= set(change)


@pytest.mark.parametrize("fmt", ["gexf", "graphml", "kumu", "csv", "xlsx"])
def test_export_then_import_into_an_empty_network_gives_the_same_map(db: Session, fmt: str) -> None:
    network = _network(db)
    content, media, name = map_exchange.export_map(db, OP, "small", fmt, with_metrics=False)
    assert name.startswith("small-map.")
    empty = Network(slug="copy", name="Copy")
    db.add(empty)
    db.flush()
    report = map_exchange.import_map(db, OP, "copy", fmt, content)
    n_actors = db.scalar(
        select(func.count()).where(
            Actor.network_id == network.id,
            (Actor.visibility != "private") | (Actor.anonymised == 1),
        )
    )
    n_ties = len(_ties_on_map(db, network))
    assert report["actors_created"] == n_actors and report["ties_created"] == n_ties
    again, _, _ = map_exchange.export_map(db, OP, "copy", fmt, with_metrics=False)
    if fmt == "gexf":
        a, b = read_gexf(content), read_gexf(again)
        strip = lambda g: [(e.source, e.target, e.type, e.weight, e.start, e.end) for e in g.edges]  # noqa: E731
        assert a.nodes == b.nodes
        assert strip(a) == strip(b)


def _gexf(nodes: str, edges: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<gexf xmlns="http://gexf.net/1.3" version="1.3"><graph defaultedgetype="undirected">'
        f"<nodes>{nodes}</nodes><edges>{edges}</edges></graph></gexf>"
    ).encode()


def test_a_bad_import_names_every_problem_and_writes_nothing(db: Session) -> None:
    network = _network(db)
    before = db.scalar(select(func.count()).select_from(Tie))
    actors_before = db.scalar(select(func.count()).select_from(Actor))
    content, _, _ = map_exchange.export_map(db, OP, "small", "kumu", with_metrics=False)
    import json

    doc: dict[str, Any] = json.loads(content)
    doc["elements"].append({"id": "z-1", "label": "Zed", "type": "robot", "sector": "space"})
    doc["connections"].append({"from": "z-1", "to": doc["elements"][0]["id"], "type": "friendship"})
    with pytest.raises(Invalid) as err:
        map_exchange.import_map(db, OP, "small", "kumu", json.dumps(doc).encode())
    problems = err.value.details
    assert isinstance(problems, list)
    whys = " ".join(p["why"] for p in problems)
    assert "kind must be one of" in whys and "sector must be one of" in whys
    assert "friendship" in whys
    assert db.scalar(select(func.count()).select_from(Tie)) == before
    assert db.scalar(select(func.count()).select_from(Actor)) == actors_before
    # a malformed file: the element and the reason, nothing imported
    with pytest.raises(Invalid) as err:
        map_exchange.import_map(
            db, OP, "small", "gexf", _gexf('<node id="a" label="A"/>', '<edge source="a"/>')
        )
    assert err.value.details and any("edge" in p["where"] for p in err.value.details)
    assert db.scalar(select(func.count()).select_from(Tie)) == before
    # only stewards import
    with pytest.raises(Exception) as err2:
        map_exchange.import_map(db, _member(network), "small", "kumu", content)
    assert getattr(err2.value, "status", None) == 403


def test_views_are_served_from_many_threads_at_once(clean_url: str) -> None:
    """Requests run in a thread pool: the in-process cache of assembled views holds under
    concurrent reads and evictions (more distinct queries than it keeps)."""
    from concurrent.futures import ThreadPoolExecutor

    from coalition.store.session import session_scope

    with session_scope(clean_url) as db:
        _network(db)
    kinds = ["collaborated", "funded", "referred", "shared_knowledge", "partnered", "mentored"]
    queries = [svc.MapQuery(types=(k,)) for k in kinds] + [svc.MapQuery()] * 3
    queries = queries * 4  # 36 reads of 7 distinct views > VIEWS_KEPT

    def read(query: svc.MapQuery) -> int:
        with session_scope(clean_url) as db:
            return len(svc.map_view_json(db, OP, "small", query))

    with ThreadPoolExecutor(max_workers=6) as pool:
        sizes = list(pool.map(read, queries))
    assert all(size > 0 for size in sizes)
    assert len(svc._VIEWS) <= svc.VIEWS_KEPT
