"""Bulk writing of a bundle: rows straight to the driver, fresh ids, and a refusal, not a crash."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import repeat
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from ...errors import Invalid

CHUNK = 5000
SQLITE_BULK_CACHE_KIB = 262_144


def insert(
    db: Session, model: Any, columns: Sequence[str], values: Sequence[Sequence[Any]]
) -> None:
    """Rows (one list of values per column of ``columns``) straight to the driver, in the
    session's transaction.

    SQLAlchemy's per-row parameter handling cost most of a 100,000-actor import, so rows go
    to the DBAPI: ``executemany`` on SQLite, ``COPY … FROM STDIN`` on PostgreSQL. Each value
    still passes through its column type's bind processor (dates and JSON stored exactly as
    the ORM stores them) and columns left out get their defaults (evaluated once: every row of
    one import is created at the same moment).
    """
    count = len(values[0]) if values else 0
    if not count:
        return
    table = model.__table__
    connection = db.connection()
    dialect = connection.dialect
    given = [table.c[name] for name in columns]
    defaults = [
        c for c in table.c if c.name not in columns and c.default is not None and not c.primary_key
    ]
    constants: list[Any] = []
    for column in defaults:
        default: Any = column.default
        value = default.arg if default.is_scalar else default.arg(None)
        processor = column.type.dialect_impl(dialect).bind_processor(dialect)
        constants.append(processor(value) if processor else value)
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in given]
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(c.name) for c in given + defaults)
    raw: Any = connection.connection.driver_connection
    for start in range(0, count, CHUNK):
        chunk_values: list[Any] = []
        for column_values, processor in zip(values, processors, strict=True):
            part = column_values[start : start + CHUNK]
            chunk_values.append([processor(v) for v in part] if processor is not None else part)
        chunk_values.extend(repeat(c) for c in constants)
        chunk = zip(*chunk_values, strict=False)  # the constants repeat without end
        if dialect.name == "postgresql":
            with raw.cursor() as cursor:
                with cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
                    for row in chunk:
                        copy.write_row(row)
        else:
            marks = ", ".join("?" * (len(given) + len(defaults)))
            raw.executemany(f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})", chunk)


def reserve_ids(db: Session, model: Any) -> int:
    """The first of a run of fresh ids for ``model``; the table is locked on PostgreSQL."""
    table = model.__table__
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text(f"LOCK TABLE {table.name} IN EXCLUSIVE MODE"))
    top = db.scalar(select(func.max(table.c.id))) or 0
    return int(top) + 1


def sync_sequence(db: Session, model: Any) -> None:
    """On PostgreSQL, the id sequence moved past the ids written by hand."""
    table = model.__table__
    if db.get_bind().dialect.name == "postgresql":
        db.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))"
            )
        )


def insert_numbered(
    db: Session, model: Any, columns: Sequence[str], values: Sequence[Sequence[Any]]
) -> int:
    """Rows (without their id) under fresh consecutive ids; returns the first id (0: none)."""
    count = len(values[0]) if values else 0
    if not count:
        return 0
    first = reserve_ids(db, model)
    insert(db, model, ("id", *columns), [range(first, first + count), *values])
    sync_sequence(db, model)
    return first


@contextmanager
def bulk_cache(db: Session) -> Iterator[None]:
    """On SQLite, a 256 MiB page cache for this connection while a bundle loads.

    The default 2 MiB cache spilled the indexes of a million ties to the WAL again and again
    (twice the time). Only the cache's size changes (no durability or journal setting), and
    the connection's own size is put back afterwards, as it goes back to the pool.
    """
    connection = db.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    raw: Any = connection.connection.driver_connection
    before = int(raw.execute("PRAGMA cache_size").fetchone()[0])
    raw.execute(f"PRAGMA cache_size=-{SQLITE_BULK_CACHE_KIB}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size={before}")


@contextmanager
def refused_by_database(db: Session) -> Iterator[None]:
    """A rule of the database the checks did not foresee: a refusal (4xx), not a crash.

    The savepoint inside has been rolled back by then, so nothing of the bundle stays.
    """
    dbapi: Any = db.get_bind().dialect.dbapi
    refusals: tuple[type[BaseException], ...] = (sa_exc.IntegrityError, sa_exc.DataError)
    if dbapi is not None:
        refusals += (dbapi.IntegrityError, dbapi.DataError)
    try:
        yield
    except refusals as exc:
        reason = (str(exc).strip().splitlines() or ["refused"])[0][:300]
        raise Invalid(
            f"the database refused the bundle; nothing was imported: {reason}",
            field="bundle",
            details=[{"where": "bundle", "reason": reason}],
        ) from None
