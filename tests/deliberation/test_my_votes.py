"""The caller's own votes and participant number (shown on the voting page and the map)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from coalition.schemas.deliberation import ConversationIn, StatementIn, VoteIn
from coalition.services import conversations as svc
from coalition.services.access import Caller
from tests.factories import deliberation_world


def test_my_votes_are_mine_and_the_last_ones(db: Session) -> None:
    w = deliberation_world(db)
    cleo = w.caller(w.cleo, "convenor")
    cid = svc.create_conversation(db, cleo, w.slug, ConversationIn(topic="Warm homes")).id
    s1 = svc.submit_statement(db, cleo, cid, StatementIn(text="Insulate first")).id
    s2 = svc.submit_statement(db, cleo, cid, StatementIn(text="Solar first")).id
    ada, bola = w.caller(w.ada), w.caller(w.bola)
    assert svc.my_votes(db, ada, cid) == (None, {})  # not a participant yet

    svc.cast_vote(db, ada, cid, VoteIn(statement_id=s1, value=1))
    svc.cast_vote(db, ada, cid, VoteIn(statement_id=s2, value=-1))
    svc.cast_vote(db, ada, cid, VoteIn(statement_id=s2, value=0))  # the last vote counts
    svc.cast_vote(db, bola, cid, VoteIn(statement_id=s1, value=-1))

    ada_number, ada_votes = svc.my_votes(db, ada, cid)
    bola_number, bola_votes = svc.my_votes(db, bola, cid)
    assert ada_votes == {s1: 1, s2: 0}
    assert bola_votes == {s1: -1}
    assert ada_number is not None and bola_number is not None and ada_number != bola_number
    # A member without a profile in the network has no votes there.
    assert svc.my_votes(db, Caller(account_id=99, roles={w.network.id: "member"}), cid) == (
        None,
        {},
    )
