"""Engines and sessions: one place that knows how to open SQLite and PostgreSQL.

Concurrency, as the web server needs it:

- **Pool = threads.** Sync endpoints run on anyio's worker threads (:data:`WORKER_THREADS`);
  each request holds at most one connection, so the pool has room for every thread and a
  margin for async endpoints; a request never waits on the pool while others wait on it.
- **SQLite** runs in WAL mode with a busy timeout, and every transaction starts with
  ``BEGIN IMMEDIATE``: it takes the write lock at BEGIN, so two read-check-write transactions
  never both hold a read lock and deadlock on the upgrade; a contended writer waits (up to the
  busy timeout) instead of failing, in a first-come first-served queue of this process
  (:class:`_WriteLock`) rather than SQLite's polling.
- **PostgreSQL** connections of the web server carry a server-side ``lock_timeout`` and
  ``statement_timeout``, so a blocked request ends with a clear 503 instead of holding a
  worker thread for ever (web/extensions/busy.py maps the errors).
"""

from __future__ import annotations

import sqlite3
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

# anyio's default limit of worker threads, which run FastAPI's sync endpoints and dependencies.
WORKER_THREADS = 40
# Connections beyond the threads: async endpoints, a dependency's teardown, the CLI.
POOL_MARGIN = 10
# How long a request waits for a connection before it is answered 503.
POOL_TIMEOUT_S = 10.0
# The execution option of sessions that only read (long background reads on SQLite).
READ_ONLY = "coalition_read_only"
# SQLite's busy timeout when none is given (the CLI and jobs may wait long).
DEFAULT_BUSY_TIMEOUT_S = 30.0


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _in_memory(url: str) -> bool:
    return url in ("sqlite://", "sqlite:///") or ":memory:" in url or "mode=memory" in url


class _WriteLock:
    """One writer at a time per SQLite file in this process, waiting in turn (FIFO).

    SQLite lets waiting writers poll (the busy handler sleeps and retries), which under many
    threads is unfair and slow: the holder competes for the GIL with the pollers, and a late
    poller can starve. Queueing in-process first makes the wait a plain, fair, blocking one;
    SQLite's busy timeout still guards against other processes (the CLI, a second server).
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._turns: deque[threading.Event] = deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held and not self._turns:
                self._held = True
                return True
            turn = threading.Event()
            self._turns.append(turn)
        if turn.wait(timeout):
            return True
        with self._mutex:
            if turn.is_set():  # handed over just as the wait gave up: keep it
                return True
            self._turns.remove(turn)
            return False

    def release(self) -> None:
        with self._mutex:
            if self._turns:
                self._turns.popleft().set()  # the lock passes straight to the next in line
            else:
                self._held = False


_WRITE_LOCKS: dict[str, _WriteLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def _write_lock(url: str) -> _WriteLock:
    key = url.split("?", 1)[0]
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(key, _WriteLock())


def _sqlite_engine(url: str, busy_timeout_s: float) -> Engine:
    busy_ms = int(busy_timeout_s * 1000)
    pool: dict[str, Any] = {}
    in_memory = _in_memory(url)
    if not in_memory:
        pool = {
            "pool_size": WORKER_THREADS,
            "max_overflow": POOL_MARGIN,
            "pool_timeout": POOL_TIMEOUT_S,
        }
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": busy_timeout_s}, **pool
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling defers BEGIN; the "begin" event below issues it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.close()

    lock = None if in_memory else _write_lock(url)

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # Take the write lock at BEGIN, so read-check-write sequences are serialised and a
        # transaction never has to upgrade a read lock (which fails at once, whatever the
        # timeout); queue for it in-process first (see _WriteLock). A read-only session
        # (read_only_session) begins deferred: WAL readers block no writer.
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN")
            return
        if lock is not None:
            if not lock.acquire(busy_timeout_s):
                raise OperationalError(
                    "BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked")
                )
            conn.info["coalition_write_lock"] = lock
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _end(conn)
            raise

    def _end(conn: Connection, *_args: Any) -> None:
        held = conn.info.pop("coalition_write_lock", None)
        if held is not None:
            held.release()

    # SQLAlchemy calls these just before the DBAPI commit/rollback: a writer let in during that
    # instant waits for it in SQLite's busy handler, briefly.
    event.listen(engine, "commit", _end)
    event.listen(engine, "rollback", _end)

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_connection: Any, record: Any) -> None:
        held = record.info.pop("coalition_write_lock", None)
        if held is not None:  # a connection given back mid-transaction (invalidated, say)
            held.release()

    return engine


def make_engine(
    url: str,
    lock_timeout_s: float | None = None,
    statement_timeout_s: float | None = None,
    *,
    pool_size: int = 10,
    max_overflow: int = WORKER_THREADS + POOL_MARGIN - 10,
    pre_ping: bool = True,
) -> Engine:
    """A SQLAlchemy engine for ``url`` with the settings each backend needs.

    ``lock_timeout_s`` bounds how long a statement waits for a lock (PostgreSQL's
    ``lock_timeout``; SQLite's busy timeout), ``statement_timeout_s`` how long one statement may
    run (PostgreSQL only). None leaves them unbounded, as the CLI and long jobs need.
    ``pool_size``, ``max_overflow`` and ``pre_ping`` shape a PostgreSQL pool (SQLite's is
    sized by the worker threads).
    """
    url = normalise_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url, lock_timeout_s or DEFAULT_BUSY_TIMEOUT_S)
    options = []
    if lock_timeout_s:
        options.append(f"-c lock_timeout={int(lock_timeout_s * 1000)}")
    if statement_timeout_s:
        options.append(f"-c statement_timeout={int(statement_timeout_s * 1000)}")
    connect_args = {"options": " ".join(options)} if options else {}
    return create_engine(
        url,
        pool_pre_ping=pre_ping,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=POOL_TIMEOUT_S,
        connect_args=connect_args,
    )


@lru_cache(maxsize=16)
def engine_for(
    url: str, lock_timeout_s: float | None = None, statement_timeout_s: float | None = None
) -> Engine:
    return make_engine(url, lock_timeout_s, statement_timeout_s)


@lru_cache(maxsize=16)
def stamps_engine(
    url: str, lock_timeout_s: float | None = None, statement_timeout_s: float | None = None
) -> Engine:
    """The engine the change stamps are read on before every kept answer (web/read_cache.py):
    on PostgreSQL a small pool of its own, without the ping before each checkout (a round trip
    per read; a connection found dead fails that one read, which then keeps nothing, and
    SQLAlchemy replaces it); on SQLite the usual engine (no network, nothing to spare)."""
    if normalise_url(url).startswith("sqlite"):
        return engine_for(url, lock_timeout_s, statement_timeout_s)
    return make_engine(
        url, lock_timeout_s, statement_timeout_s, pool_size=1, max_overflow=4, pre_ping=False
    )


def session_factory(
    url: str, lock_timeout_s: float | None = None, statement_timeout_s: float | None = None
) -> sessionmaker[Session]:
    engine = engine_for(url, lock_timeout_s, statement_timeout_s)
    return sessionmaker(bind=engine, expire_on_commit=False)


def read_only_session(url: str) -> Session:
    """A session for long reads: on SQLite it begins a deferred transaction (a snapshot that
    takes no write lock, so requests keep writing meanwhile); it must not write."""
    engine = engine_for(url).execution_options(**{READ_ONLY: True})
    return Session(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on any error."""
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# Every session moves the change stamps of what it writes (store/stamps.py): imported here, so
# that whatever opens a session (the app, the CLI, a job, a test) has the hooks installed.
from . import stamps as _stamps  # noqa: E402,F401
