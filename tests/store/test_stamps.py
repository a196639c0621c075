"""Change stamps (store/stamps.py), on SQLite and PostgreSQL: every committed write moves the
stamp of what it wrote, in its own transaction, and nothing else moves them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from coalition.store.session import engine_for
from coalition.store.stamps import COUNTED, SCOPE_OPTION, SCOPES, read_stamps, scope_of
from coalition.store.tables import Network
from coalition.store.tables_auth import LoginFailure
from coalition.store.tables_deliberation import Conversation


def _stamps(db: Session) -> dict[str, Any]:
    found = read_stamps(engine_for(str(db.get_bind().engine.url.render_as_string(False))))
    assert found is not None, "a migrated (or wiped) database has its stamps"
    return dict(zip(SCOPES, found[:-1], strict=True))


def _network(db: Session, slug: str = "n") -> Network:
    network = Network(slug=slug, name=slug.upper())
    db.add(network)
    db.commit()
    return network


def test_an_orm_write_moves_site_once_per_transaction(db: Session) -> None:
    before = _stamps(db)
    db.add(Network(slug="a", name="A"))
    db.add(Network(slug="b", name="B"))
    db.commit()
    after = _stamps(db)
    assert after["site"] == before["site"] + 1
    assert {s: after[s] for s in SCOPES if s != "site"} == {
        s: before[s] for s in SCOPES if s != "site"
    }


def test_a_pending_change_flushed_by_the_commit_is_counted(db: Session) -> None:
    network = _network(db)
    before = _stamps(db)
    network.name = "Renamed"  # not flushed before commit: the commit's own flush writes it
    db.commit()
    assert _stamps(db)["site"] == before["site"] + 1


def test_dml_statements_move_the_scope_of_their_table(db: Session) -> None:
    network = _network(db)
    before = _stamps(db)
    db.execute(update(Network).where(Network.id == network.id).values(name="X"))
    db.commit()
    middle = _stamps(db)
    assert middle["site"] == before["site"] + 1
    db.execute(insert(Conversation).values(network_id=network.id, topic="T", data_version=0))
    db.commit()
    after = _stamps(db)
    assert after["deliberation"] == middle["deliberation"] + 1
    assert after["site"] == middle["site"], "a conversation is deliberation, not site"


def _conversation(db: Session) -> Conversation:
    conv = Conversation(network_id=_network(db).id, topic="T", description="")
    db.add(conv)
    db.commit()
    return conv


def _count_a_vote(db: Session, conv: Conversation, scope: str) -> None:
    """Move the conversation's counter as a vote does, naming the statement's scope."""
    db.execute(
        update(Conversation)
        .where(Conversation.id == conv.id)
        .values(data_version=Conversation.data_version + 1)
        .execution_options(**{SCOPE_OPTION: scope})
    )
    db.commit()


def test_a_statement_can_name_a_narrower_scope(db: Session) -> None:
    conv = _conversation(db)
    before = _stamps(db)
    _count_a_vote(db, conv, "votes")
    after = _stamps(db)
    assert after["votes"] == (before["votes"][0] + 1, before["votes"][1] + 1)
    assert after["deliberation"] == before["deliberation"]


def test_a_vote_counter_is_the_votes_stamp_without_a_second_row_lock(db: Session) -> None:
    conv = _conversation(db)
    before = _stamps(db)
    for _ in range(2):
        _count_a_vote(db, conv, COUNTED)
    after = _stamps(db)
    assert after["votes"] == (before["votes"][0], before["votes"][1] + 2), "the counters' sum"
    assert {s: after[s] for s in SCOPES if s != "votes"} == {
        s: before[s] for s in SCOPES if s != "votes"
    }


def test_bookkeeping_textual_writes_and_rollbacks(db: Session) -> None:
    before = _stamps(db)
    db.add(LoginFailure(email="x@example.org", ip="127.0.0.1"))
    db.commit()
    assert _stamps(db) == before, "a sign-in failure is bookkeeping"
    db.add(Network(slug="gone", name="Gone"))
    db.flush()
    db.rollback()
    assert _stamps(db) == before, "a rolled-back write moves nothing"
    db.commit()  # nothing noted survives the rollback
    assert _stamps(db) == before
    db.execute(text("UPDATE networks SET name = name"))
    db.commit()
    assert _stamps(db)["site"] == before["site"] + 1, "a textual write counts as site"


def test_reads_move_nothing(db: Session) -> None:
    _network(db)
    before = _stamps(db)
    db.scalars(select(Network)).all()
    db.commit()
    assert _stamps(db) == before


@pytest.mark.parametrize(
    ("table", "scope"),
    [("votes", "votes"), ("ground_results", "analysis"), ("statements", "deliberation"),
     ("actors", "site"), ("a_table_added_later", "site"), ("map_cache", None)],
)  # fmt: skip
def test_scope_of_a_table(table: str, scope: str | None) -> None:
    assert scope_of(table) == scope


def test_a_database_that_does_not_answer_has_no_stamps() -> None:
    """The kept answers then stand aside and the route itself says the database is down."""
    from sqlalchemy import create_engine

    down = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert read_stamps(down) is None
