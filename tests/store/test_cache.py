"""The versioned caches of store/cache.py: one bump, the database layer, the process layer."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.store.cache import (
    ProcessCache,
    bump_version,
    cached_result,
    store_result,
    version_key,
)
from coalition.store.tables import Network
from coalition.store.tables_map import MapCache


def _network(db: Session) -> Network:
    network = Network(slug="cache", name="Cache")
    db.add(network)
    db.flush()
    return network


def test_a_result_is_read_back_only_at_its_version(db: Session) -> None:
    network = _network(db)
    owner = {"network_id": network.id}
    store_result(db, MapCache, 0, {"n": 1}, owner, key="metrics")
    store_result(db, MapCache, 0, {"n": 1}, owner, key="metrics")  # a concurrent twin is fine
    assert cached_result(db, MapCache, 0, network_id=network.id, key="metrics") == {"n": 1}
    assert cached_result(db, MapCache, 0, network_id=network.id, key="layout") is None

    bump_version(db, network.id)
    db.refresh(network)
    assert network.data_version == 1
    assert cached_result(db, MapCache, 1, network_id=network.id, key="metrics") is None
    store_result(db, MapCache, 1, {"n": 2}, owner, key="metrics")
    # Storing a new version drops the owner's older ones.
    assert db.scalar(select(func.count()).select_from(MapCache)) == 1
    assert cached_result(db, MapCache, 1, network_id=network.id, key="metrics") == {"n": 2}


def test_process_cache_keeps_the_most_recently_used(db: Session) -> None:
    network = _network(db)
    calls: list[str] = []
    cache: ProcessCache[str] = ProcessCache(2)

    def compute(name: str) -> str:
        calls.append(name)
        return name

    def get(name: str) -> str:
        return cache.get(version_key(db, network, name), lambda: compute(name))

    assert [get("a"), get("b"), get("a"), get("c")] == ["a", "b", "a", "c"]
    assert calls == ["a", "b", "c"] and len(cache) == 2
    get("a")  # still kept: it was used after "b"
    get("b")  # "b" was the least recently used, so it is computed again
    assert calls == ["a", "b", "c", "b"]

    bump_version(db, network.id)
    db.refresh(network)
    get("a")  # a new data version is a new key
    assert calls[-1] == "a"
    cache.clear()
    assert len(cache) == 0
