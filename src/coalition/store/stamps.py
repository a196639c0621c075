"""Change stamps: one counter per kind of data, moved by every transaction that writes it.

A reader that keeps something derived from the database (a rendered answer: web/read_cache.py)
keys it by the stamps it read *before* reading the data; a write moves its stamp in the same
transaction as the data, so any process that reads the new stamp misses and reads the new data,
and a crash leaves both as they were. Nothing needs to remember to call anything: every session
notes the tables it writes (ORM flushes and DML statements alike) and moves their stamps as
its last statement before COMMIT, after every row lock it takes, so it adds no lock-order
deadlock and holds the stamp's row only for the commit itself.

Kinds (:data:`SCOPES`): ``votes`` (a vote is the most frequent write, and only views of a
conversation's votes read them), ``analysis`` (a conversation's stored results), the rest of
``deliberation``, and ``site`` (everything else). Bookkeeping that no answer shows as data
(derived caches, sign-in failures, job progress) moves nothing.

A vote moves its conversation's ``data_version`` already (services/conversations.py), in the
statement that takes the conversation's row lock; the ``votes`` stamp read is that row's
counter summed over conversations beside the stamp's own row, so a vote that moved its
conversation's counter (:data:`COUNTED`) adds no second row lock to the busiest write there is.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import BigInteger, Engine, String, event, func, select, update
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from .tables import Base
from .tables_deliberation import Conversation

#: The kinds of data that carry a stamp, in the order a key lists them.
SCOPES: tuple[str, ...] = ("site", "deliberation", "analysis", "votes")
#: What a table's writes move; a table not named here moves ``site``.
TABLE_SCOPES: dict[str, str | None] = {
    "votes": "votes",
    "ground_results": "analysis",
    "ground_history": "analysis",
    "conversations": "deliberation",
    "conversation_participants": "deliberation",
    "statements": "deliberation",
    "conversation_links": "deliberation",
    "link_participants": "deliberation",
    # bookkeeping: shown as data nowhere, or only on routes that are never kept (a job's
    # progress is read on its own page; an API token's last use moves at most once a minute
    # and is site data like the rest of the token)
    "change_stamps": None,
    "map_cache": None,
    "login_failures": None,
    "jobs": None,
}
#: An execution option that names the scope of one DML statement, for a statement whose
#: table's scope is wider than what it changes (a conversation's vote counter moves ``votes``).
SCOPE_OPTION = "coalition_scope"
#: The scope a conversation's vote counter moves: ``votes``, read as the sum of the counters.
COUNTED = "votes:counted"
_NOTED = "coalition_written_scopes"
_BOOKKEEPING = "bookkeeping"  # noted, so that a write is known, but moves no stamp


class ChangeStamp(Base):
    """One row per scope: how many committed transactions have written it. ``epoch`` tells
    a re-created database from the one it replaced (counters that start again at 0)."""

    __tablename__ = "change_stamps"
    scope: Mapped[str] = mapped_column(String(20), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    epoch: Mapped[str] = mapped_column(String(32), default="")


def initial_rows() -> list[dict[str, Any]]:
    """The rows a new database starts with (one epoch for all of them)."""
    epoch = secrets.token_hex(8)
    return [{"scope": scope, "version": 0, "epoch": epoch} for scope in SCOPES]


def scope_of(table: str) -> str | None:
    """The scope a write to ``table`` moves (None: bookkeeping)."""
    return TABLE_SCOPES.get(table, "site")


def note(session: Session, scopes: Iterable[str | None]) -> None:
    """Remember that this transaction of ``session`` writes ``scopes`` (None: bookkeeping)."""
    noted: set[str] = session.info.setdefault(_NOTED, set())
    noted.update(s if s is not None else _BOOKKEEPING for s in scopes)


def wrote(session: Session) -> bool:
    """Whether this transaction of ``session`` has written anything so far (bookkeeping too)."""
    return bool(session.info.get(_NOTED)) or bool(session.new or session.dirty or session.deleted)


def _tables(objects: Iterable[Any]) -> set[str | None]:
    tables = (getattr(type(o), "__table__", None) for o in objects)
    return {scope_of(t.name) for t in tables if t is not None}


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    note(session, _tables(session.new) | _tables(session.dirty) | _tables(session.deleted))


def _on_execute(state: ORMExecuteState) -> None:
    statement = state.statement
    if state.is_insert or state.is_update or state.is_delete:
        option = state.execution_options.get(SCOPE_OPTION)
        table = getattr(statement, "table", None)
        name = getattr(table, "name", None)
        note(state.session, [option or (scope_of(name) if name else "site")])
    elif not state.is_select:
        sql = str(statement).lstrip().upper()
        if sql.startswith(("INSERT", "UPDATE", "DELETE", "WITH")):  # a textual write
            note(state.session, ["site"])


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.flush()  # what is still pending is written now, so its tables are noted
    scopes = session.info.pop(_NOTED, None)
    if scopes and COUNTED in scopes:  # the counters' sum moved: the votes row need not
        scopes -= {COUNTED, "votes"}
    if scopes:
        scopes -= {_BOOKKEEPING}
    # One statement a scope, always in the same order: two transactions that write the same
    # scopes lock their rows in the same order, so they queue and never deadlock.
    for scope in sorted(scopes or ()):
        session.execute(
            update(ChangeStamp)
            .where(ChangeStamp.scope == scope)
            .values(version=ChangeStamp.version + 1)
        )


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_NOTED, None)


event.listen(Session, "before_flush", _before_flush)
event.listen(Session, "do_orm_execute", _on_execute)
event.listen(Session, "before_commit", _before_commit)
event.listen(Session, "after_rollback", _forget)

_READ = select(ChangeStamp.scope, ChangeStamp.version, ChangeStamp.epoch)
_COUNTERS = select(func.coalesce(func.sum(Conversation.data_version), 0)).scalar_subquery()


def read_stamps(engine: Engine) -> tuple[Any, ...] | None:
    """Every scope's stamp, in :data:`SCOPES` order and then the epoch, read on a connection of
    its own outside any transaction (None where it cannot be read: a database without the
    table, or one that does not answer; the caller then keeps nothing)."""
    from .session import READ_ONLY

    options: dict[str, Any] = {READ_ONLY: True}
    if engine.dialect.name == "postgresql":
        options = {"isolation_level": "AUTOCOMMIT"}
    try:
        with engine.connect().execution_options(**options) as connection:
            rows = {r.scope: r for r in connection.execute(_READ.add_columns(_COUNTERS))}
    except Exception:  # noqa: BLE001 - not migrated yet, or down: the route says so itself
        return None
    if len(rows) < len(SCOPES):
        return None
    votes = rows["votes"]
    stamps = [(votes.version, int(votes[-1])) if s == "votes" else rows[s].version for s in SCOPES]
    return (*stamps, rows["site"].epoch)


__all__ = [
    "SCOPES",
    "SCOPE_OPTION",
    "ChangeStamp",
    "note",
    "read_stamps",
    "scope_of",
]
