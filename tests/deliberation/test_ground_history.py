"""The live analysis evolves as Polis's does: each data version is one warm-started update from
the stored history of the conversation's latest analysis; from scratch when there is none or
it no longer fits; an import replays its vote log once. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from coalition.engines.common_ground import GroundResult, History, VoteMatrix, analyze
from coalition.schemas.deliberation import ConversationIn, ResultsOut, StatementIn, VoteIn
from coalition.services import conversation_analysis as analysis
from coalition.services import conversations as svc
from coalition.services import polis_exchange as polis
from coalition.store.tables_deliberation import (
    Conversation,
    GroundHistory,
    Participant,
    Statement,
    Vote,
)
from tests.factories import DeliberationWorld, deliberation_world

CAMPS = 3
PER_CAMP = 20
N_STATEMENTS = 15


def _planted(db: Session, w: DeliberationWorld, seed: int = 0) -> int:
    """A conversation of three camps (20 imported participants each, no actor) on 15
    statements, 80% of the votes cast; returns its id."""
    convenor = w.caller(w.cleo, "convenor")
    cid = svc.create_conversation(db, convenor, w.slug, ConversationIn(topic="Warm homes")).id
    sids = [
        svc.submit_statement(db, convenor, cid, StatementIn(text=f"Statement {j}")).id
        for j in range(N_STATEMENTS)
    ]
    # cleo authored the statements, so she is participant 0 (no votes)
    rng = np.random.default_rng(seed)
    base = 1_780_000_000_000
    for i in range(CAMPS * PER_CAMP):
        p = Participant(conversation_id=cid, external_id=i + 1)
        db.add(p)
        db.flush()
        camp = i % CAMPS
        for j, sid in enumerate(sids):
            if rng.random() > 0.8:
                continue
            owner = j % CAMPS if j < 12 else -1
            value = 1 if owner in (camp, -1) else -1
            if rng.random() < 0.1:
                value = -value
            db.add(
                Vote(
                    conversation_id=cid,
                    participant_id=p.id,
                    statement_id=sid,
                    value=value,
                    ts_ms=base + (i * N_STATEMENTS + j) * 1000,
                )
            )
    db.flush()
    conv = db.get_one(Conversation, cid)
    svc._bump(db, conv)
    return cid


def _engine_view(db: Session, cid: int) -> tuple[VoteMatrix, list[int], list[int]]:
    """The matrix the service analyses, with its moderated-out and meta columns."""
    conv = db.get_one(Conversation, cid)
    matrix, statements, _ = analysis._matrix(db, conv)
    out = [j for j, s in enumerate(statements) if s.moderation == -1]
    meta = [j for j, s in enumerate(statements) if s.is_meta]
    return matrix, out, meta


def _stored(db: Session, cid: int) -> tuple[int, History]:
    version, data = db.execute(
        select(GroundHistory.data_version, GroundHistory.history).where(
            GroundHistory.conversation_id == cid
        )
    ).one()
    return version, History.from_dict(data)


def _labels(res: ResultsOut) -> np.ndarray:
    return np.array([-1 if p.group is None else p.group for p in res.participants])


def _expect(res: ResultsOut, engine: GroundResult) -> None:
    """The service's groups are the engine's (same members, same ids, same map)."""
    assert res.k == engine.k
    assert _labels(res).tolist() == engine.labels.tolist()
    assert [p.x for p in res.participants] == [round(float(x), 6) for x in engine.positions[:, 0]]


def test_one_more_vote_is_one_warm_started_update(db: Session) -> None:
    w = deliberation_world(db)
    cid = _planted(db, w)
    cleo, ada = w.caller(w.cleo, "convenor"), w.caller(w.ada)

    first = analysis.results(db, cleo, cid)
    matrix, out, meta = _engine_view(db, cid)
    scratch = analyze(matrix, moderated_out=out, meta=meta)
    _expect(first, scratch)  # no history yet: the first analysis is from scratch
    assert first.k == CAMPS
    version, stored = _stored(db, cid)
    assert version == first.data_version and stored.updates == 1
    assert scratch.history is not None
    assert stored.to_dict() == scratch.history.to_dict()  # the history round-trips the database

    statements = svc.list_statements(db, cleo, cid)
    svc.cast_vote(db, ada, cid, VoteIn(statement_id=statements[0].id, value=1))
    second = analysis.results(db, cleo, cid)
    assert second.data_version == first.data_version + 1
    # exactly one Polis update warm-started from the stored history
    matrix, out, meta = _engine_view(db, cid)
    warm = analyze(matrix, moderated_out=out, meta=meta, history=scratch.history)
    _expect(second, warm)
    version, stored = _stored(db, cid)
    assert version == second.data_version and stored.updates == 2
    assert warm.history is not None and stored.to_dict() == warm.history.to_dict()
    # groups are stable: same number, the same participants together
    before, after = _labels(first), _labels(second)[: len(first.participants)]
    both = (before >= 0) & (after >= 0)
    assert second.k == first.k
    assert both.sum() >= CAMPS * PER_CAMP
    assert adjusted_rand_score(before[both], after[both]) >= 0.95

    # more votes: one update per data version that is analysed, the groups stay
    for s in statements[1:6]:
        svc.cast_vote(db, ada, cid, VoteIn(statement_id=s.id, value=1 if s.external_id % 3 else -1))
        res = analysis.results(db, cleo, cid)
        assert res.k == first.k
    version, stored = _stored(db, cid)
    assert version == res.data_version and stored.updates == 7
    assert stored.in_conv.size == len(res.participants)  # ada is a new row, after the others
    assert adjusted_rand_score(before[both], _labels(res)[: before.size][both]) >= 0.95
    # a second request at the same version is a cache hit: no further update
    assert analysis.results(db, cleo, cid) == res
    assert _stored(db, cid)[1].updates == 7


def test_versions_nobody_looked_at_make_one_update(db: Session) -> None:
    w = deliberation_world(db)
    cid = _planted(db, w, seed=1)
    cleo, ada = w.caller(w.cleo, "convenor"), w.caller(w.ada)
    analysis.results(db, cleo, cid)
    for s in svc.list_statements(db, cleo, cid)[:4]:
        svc.cast_vote(db, ada, cid, VoteIn(statement_id=s.id, value=-1))
    res = analysis.results(db, cleo, cid)
    version, stored = _stored(db, cid)
    assert version == res.data_version and stored.updates == 2  # as a Polis poll's batch


def test_other_seeds_are_from_scratch_and_leave_the_history(db: Session) -> None:
    w = deliberation_world(db)
    cid = _planted(db, w, seed=2)
    cleo, ada = w.caller(w.cleo, "convenor"), w.caller(w.ada)
    analysis.results(db, cleo, cid)
    svc.cast_vote(
        db, ada, cid, VoteIn(statement_id=svc.list_statements(db, cleo, cid)[0].id, value=1)
    )
    before = db.scalar(
        select(GroundHistory.data_version).where(GroundHistory.conversation_id == cid)
    )
    seeded = analysis.results(db, cleo, cid, seed=7)
    matrix, out, meta = _engine_view(db, cid)
    _expect(seeded, analyze(matrix, seed=7, moderated_out=out, meta=meta))
    assert seeded.seed == 7
    version, stored = _stored(db, cid)
    assert version == before and stored.updates == 1  # the live history did not move
    # the live analysis still continues its history (the seeded result is cached apart)
    live = analysis.results(db, cleo, cid)
    assert live.seed == analysis.DEFAULT_SEED
    assert _stored(db, cid)[1].updates == 2
    assert analysis.results(db, cleo, cid, seed=7) == seeded


def _from_scratch_after(db: Session, w: DeliberationWorld, cid: int) -> None:
    """The next live analysis starts a new history: from scratch, as the engine would."""
    conv = db.get_one(Conversation, cid)
    svc._bump(db, conv)
    res = analysis.results(db, w.caller(w.cleo, "convenor"), cid)
    matrix, out, meta = _engine_view(db, cid)
    _expect(res, analyze(matrix, moderated_out=out, meta=meta))
    version, stored = _stored(db, cid)
    assert version == res.data_version and stored.updates == 1
    assert stored.n_participants == len(res.participants)
    assert stored.n_statements == len(res.statements)


def test_removed_participant_falls_back_to_from_scratch(db: Session) -> None:
    w = deliberation_world(db)
    cid = _planted(db, w, seed=3)
    analysis.results(db, w.caller(w.cleo, "convenor"), cid)
    gone = db.scalars(
        select(Participant.id).where(
            Participant.conversation_id == cid, Participant.external_id == 5
        )
    ).one()
    db.execute(delete(Vote).where(Vote.participant_id == gone))
    db.execute(delete(Participant).where(Participant.id == gone))
    _from_scratch_after(db, w, cid)


def test_replaced_participant_falls_back_to_from_scratch(db: Session) -> None:
    # as many rows as before, but not the same participants: the ids' digest tells
    w = deliberation_world(db)
    cid = _planted(db, w, seed=9)
    cleo = w.caller(w.cleo, "convenor")
    analysis.results(db, cleo, cid)
    gone = db.scalars(
        select(Participant.id).where(
            Participant.conversation_id == cid, Participant.external_id == 5
        )
    ).one()
    db.execute(delete(Vote).where(Vote.participant_id == gone))
    db.execute(delete(Participant).where(Participant.id == gone))
    first = svc.list_statements(db, cleo, cid)[0]
    svc.cast_vote(db, w.caller(w.ada), cid, VoteIn(statement_id=first.id, value=1))
    _from_scratch_after(db, w, cid)


def test_removed_statement_falls_back_to_from_scratch(db: Session) -> None:
    w = deliberation_world(db)
    cid = _planted(db, w, seed=4)
    analysis.results(db, w.caller(w.cleo, "convenor"), cid)
    gone = db.scalars(
        select(Statement.id).where(Statement.conversation_id == cid, Statement.external_id == 2)
    ).one()
    db.execute(delete(Vote).where(Vote.statement_id == gone))
    db.execute(delete(Statement).where(Statement.id == gone))
    _from_scratch_after(db, w, cid)


def test_unreadable_history_falls_back_to_from_scratch(db: Session) -> None:
    w = deliberation_world(db)
    cid = _planted(db, w, seed=5)
    analysis.results(db, w.caller(w.cleo, "convenor"), cid)
    db.execute(
        update(GroundHistory)
        .where(GroundHistory.conversation_id == cid)
        .values(history={"format": 99})
    )
    _from_scratch_after(db, w, cid)


def test_a_new_statement_keeps_the_history(db: Session) -> None:
    w = deliberation_world(db)
    cid = _planted(db, w, seed=6)
    cleo = w.caller(w.cleo, "convenor")
    analysis.results(db, cleo, cid)
    svc.submit_statement(db, cleo, cid, StatementIn(text="A late statement"))
    res = analysis.results(db, cleo, cid)
    version, stored = _stored(db, cid)
    assert version == res.data_version and stored.updates == 2
    assert stored.n_statements == N_STATEMENTS + 1


def test_a_request_never_replays(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a request replayed a vote log")

    monkeypatch.setattr(polis, "replay_log", refuse)
    w = deliberation_world(db)
    cid = _planted(db, w, seed=7)
    cleo = w.caller(w.cleo, "convenor")
    analysis.results(db, cleo, cid)
    svc.cast_vote(
        db,
        w.caller(w.ada),
        cid,
        VoteIn(statement_id=svc.list_statements(db, cleo, cid)[0].id, value=1),
    )
    analysis.next_for(db, w.caller(w.bola), cid)  # next also runs the live analysis
    assert _stored(db, cid)[1].updates == 2


def test_history_row_is_plain_json(db: Session) -> None:
    w = deliberation_world(db)
    cid = _planted(db, w, seed=8)
    analysis.results(db, w.caller(w.cleo, "convenor"), cid)
    data = db.scalars(
        select(GroundHistory.history).where(GroundHistory.conversation_id == cid)
    ).one()
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert db.scalar(select(func.count()).select_from(GroundHistory)) == 1
    # the history goes with its conversation
    db.execute(delete(Vote).where(Vote.conversation_id == cid))
    db.execute(delete(Statement).where(Statement.conversation_id == cid))
    db.execute(delete(Participant).where(Participant.conversation_id == cid))
    db.execute(delete(Conversation).where(Conversation.id == cid))
    db.flush()
    assert db.scalar(select(func.count()).select_from(GroundHistory)) == 0


def test_a_stored_analysis_being_replaced_does_not_queue_the_next(
    db: Session, clean_url: str
) -> None:
    """While another transaction holds the history row and the cached result (it is storing
    its own analysis), a request of a newer version computes and answers without waiting for
    it: the rows it could not lock are left to their holder (PostgreSQL; SQLite serialises
    writers anyway)."""
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL")
    from sqlalchemy import text

    from coalition.store.session import session_factory
    from coalition.store.tables_deliberation import GroundCache

    w = deliberation_world(db)
    cid = _planted(db, w, seed=4)
    cleo, ada = w.caller(w.cleo, "convenor"), w.caller(w.ada)
    first = analysis.results(db, cleo, cid)
    db.commit()
    with session_factory(clean_url)() as other:
        other.execute(
            select(GroundHistory).where(GroundHistory.conversation_id == cid).with_for_update()
        )
        other.execute(
            select(GroundCache).where(GroundCache.conversation_id == cid).with_for_update()
        )
        svc.cast_vote(
            db, ada, cid, VoteIn(statement_id=svc.list_statements(db, cleo, cid)[0].id, value=-1)
        )
        db.execute(text("SET LOCAL lock_timeout = '2s'"))  # waiting would fail the test
        newer = analysis.results(db, cleo, cid)
        assert newer.data_version == first.data_version + 1
        version, _ = _stored(db, cid)
        assert version == first.data_version  # the holder's row stays; the next one updates it
        other.rollback()
    db.commit()
