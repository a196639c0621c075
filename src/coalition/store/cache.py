"""Derived results kept by data version: the one bump, the database cache, the process cache.

A network carries ``data_version``; every write that changes what derived analytics read (map
metrics, layouts, the formation index) calls :func:`bump_version`. Results are kept under the
version they were computed from, so a stale result is never served and nothing is invalidated
by hand: a new version simply misses.

- :func:`cached_result` / :func:`store_result` keep JSON results in a cache table (``map_cache``,
  ``ground_cache``) whose rows name their owner, their ``data_version`` and a key.
- :class:`ProcessCache` keeps the few latest objects that cannot go to a table (indexes,
  encoded views) in this process, keyed by :func:`version_key`.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .tables import Network

V = TypeVar("V")


def bump_version(db: Session, network_id: int) -> None:
    """Mark derived analytics (map metrics, groups, the formation index) of a network as stale."""
    db.execute(
        update(Network)
        .where(Network.id == network_id)
        .values(data_version=Network.data_version + 1)
    )


def cached_result(db: Session, table: Any, version: int, **columns: Any) -> dict[str, Any] | None:
    """The result kept in ``table`` for the row named by ``columns`` at ``version``, if any."""
    where = [getattr(table, column) == value for column, value in columns.items()]
    hit = db.scalars(select(table.result).where(table.data_version == version, *where)).first()
    return None if hit is None else dict(hit)


def store_result(
    db: Session,
    table: Any,
    version: int,
    result: dict[str, Any],
    owner: dict[str, Any],
    **columns: Any,
) -> None:
    """Keep ``result`` in the row of ``owner`` and ``columns`` at ``version``; the owner's rows
    of any other version go. A concurrent request that stored the same row first wins: same
    version, same result."""
    scope = [getattr(table, column) == value for column, value in owner.items()]
    # Rows another request is dropping or replacing right now are left to it (SKIP LOCKED on
    # PostgreSQL): waiting for its commit would queue every request that computes a version.
    stale = select(table.id).where(*scope, table.data_version != version)
    db.execute(delete(table).where(table.id.in_(stale.with_for_update(skip_locked=True))))
    try:
        with db.begin_nested():
            db.add(table(**owner, **columns, data_version=version, result=result))
    except IntegrityError:
        pass


def version_key(db: Session, network: Network, *extra: Hashable) -> tuple[Hashable, ...]:
    """A process-cache key for ``network`` as it is now: its database, id, creation time (a
    network re-created under a reused id in a wiped database is another network), version."""
    where = db.get_bind().engine.url.render_as_string(hide_password=True)
    return (where, network.id, network.created_at, network.data_version, *extra)


#: Every process cache, so that :func:`clear_process_caches` reaches them all.
_CACHES: weakref.WeakSet[ProcessCache[Any]] = weakref.WeakSet()


def clear_process_caches() -> None:
    """Forget every value kept in this process (a test that wipes its database and rebuilds
    the deterministic demo gets the same keys again: ids, creation times and versions)."""
    for cache in list(_CACHES):
        cache.clear()


@dataclass
class _Pending:
    """A value being computed by one thread while others wait for it."""

    done: threading.Event = field(default_factory=threading.Event)
    value: Any = None
    failed: bool = False


class ProcessCache(Generic[V]):
    """The ``size`` most recently used values in this process, safe across request threads.

    Single flight: threads that miss a key another thread is computing wait for its value
    instead of computing it too (a cold start under load would otherwise compute a network's
    map once per waiting request). A waiter that has waited :data:`WAIT_S` (or whose owner
    failed) computes the value itself, so a wait can never hang a request. With ``size`` 0
    nothing is kept: only the single flight (callers that keep results elsewhere).
    """

    WAIT_S = 60.0

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._pending: dict[Hashable, _Pending] = {}
        self._lock = threading.Lock()
        _CACHES.add(self)

    def get(self, key: Hashable, compute: Callable[[], V]) -> V:
        """The value kept for ``key``, computed (by one thread at a time) and kept when missing."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            pending = self._pending.get(key)
            owner = pending is None
            if pending is None:
                pending = self._pending[key] = _Pending()
        if not owner:
            if pending.done.wait(self.WAIT_S) and not pending.failed:
                return cast(V, pending.value)
            return compute()
        try:
            value = compute()
        except BaseException:
            pending.failed = True
            raise
        else:
            pending.value = value
            with self._lock:
                self._items[key] = value
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        finally:
            with self._lock:
                self._pending.pop(key, None)
            pending.done.set()
        return value

    def peek(self, key: Hashable) -> V | None:
        """The value kept for ``key``, if any (nothing is computed)."""
        with self._lock:
            return self._items.get(key)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
