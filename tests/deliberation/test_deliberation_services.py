"""Deliberation service: votes (last counts, refusals), cache by data version, Polis import and
export, on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.engines.common_ground import History
from coalition.errors import Forbidden, Invalid
from coalition.io.polis import last_votes, read_polis_export
from coalition.schemas.deliberation import (
    ConversationIn,
    ModerationIn,
    ResultsOut,
    StatementIn,
    VoteIn,
)
from coalition.services import conversation_analysis as analysis
from coalition.services import conversations as svc
from coalition.services import polis_exchange as polis
from coalition.services.access import Caller
from coalition.store.tables import Actor, Network
from coalition.store.tables_deliberation import (
    Conversation,
    GroundCache,
    GroundHistory,
    Statement,
    Vote,
)
from tests.conftest import shared_data
from tests.factories import OP, DeliberationWorld, deliberation_world


def _conversation(db: Session, w: DeliberationWorld) -> int:
    return svc.create_conversation(
        db,
        w.caller(w.cleo, "convenor"),
        w.slug,
        ConversationIn(topic="What should the coalition stand for?"),
    ).id


def test_vote_upsert_last_counts(db: Session) -> None:
    w = deliberation_world(db)
    cid = _conversation(db, w)
    s = svc.submit_statement(db, w.caller(w.cleo, "convenor"), cid, StatementIn(text="Warm homes"))
    ada = w.caller(w.ada)
    svc.cast_vote(db, ada, cid, VoteIn(statement_id=s.id, value=1))
    svc.cast_vote(db, ada, cid, VoteIn(statement_id=s.id, value=-1))
    assert db.scalar(select(func.count()).select_from(Vote)) == 1
    [out] = svc.list_statements(db, ada, cid)
    assert (out.agrees, out.disagrees, out.passes) == (0, 1, 0)
    svc.cast_vote(db, ada, cid, VoteIn(statement_id=s.id, value=0))
    [out] = svc.list_statements(db, ada, cid)
    assert (out.agrees, out.disagrees, out.passes) == (0, 0, 1)


def test_refused_votes_write_nothing(db: Session) -> None:
    w = deliberation_world(db)
    cid = _conversation(db, w)
    ada = w.caller(w.ada)
    s = svc.submit_statement(db, ada, cid, StatementIn(text="Cheaper buses"))
    assert s.moderation == 0  # a member's statement waits for moderation, and may be voted on
    svc.moderate_statement(db, w.caller(w.cleo, "convenor"), s.id, ModerationIn(action="reject"))
    before = svc.get_conversation(db, ada, cid).data_version
    with pytest.raises(Invalid, match="moderated out"):
        svc.cast_vote(db, ada, cid, VoteIn(statement_id=s.id, value=1))
    with pytest.raises(Invalid, match="not part"):
        svc.cast_vote(db, ada, cid, VoteIn(statement_id=s.id + 999, value=1))
    assert db.scalar(select(func.count()).select_from(Vote)) == 0
    assert svc.get_conversation(db, ada, cid).data_version == before
    with pytest.raises(Forbidden):
        svc.moderate_statement(db, ada, s.id, ModerationIn(action="accept"))


def test_results_cached_by_data_version(db: Session) -> None:
    w = deliberation_world(db)
    cid = _conversation(db, w)
    cleo = w.caller(w.cleo, "convenor")
    s1 = svc.submit_statement(db, cleo, cid, StatementIn(text="One"))
    s2 = svc.submit_statement(db, cleo, cid, StatementIn(text="Two"))
    svc.cast_vote(db, w.caller(w.ada), cid, VoteIn(statement_id=s1.id, value=1))
    first = analysis.results(db, cleo, cid)
    assert analysis.results(db, cleo, cid) == first
    assert db.scalar(select(func.count()).select_from(GroundCache)) == 1
    svc.cast_vote(db, w.caller(w.bola), cid, VoteIn(statement_id=s2.id, value=-1))
    second = analysis.results(db, cleo, cid)
    assert second.data_version > first.data_version
    assert len(second.participants) == len(first.participants) + 1
    # only the current version stays cached
    assert db.scalars(select(GroundCache.data_version)).all() == [second.data_version]


def test_outsider_reads_nothing(db: Session) -> None:
    w = deliberation_world(db)
    cid = _conversation(db, w)
    stranger = Caller(account_id=999, actor_ids=frozenset({999}), roles={})
    with pytest.raises(Exception) as info:
        analysis.results(db, stranger, cid)
    assert getattr(info.value, "status", None) == 404


# Polis's groups come out of its update-per-second history; the import replays it
# (tests/engines/common_ground/test_cg_brexit.py: replay 0.918, from scratch 0.876).
ARI_FLOOR = 0.90


def _ari_with_polis(res: ResultsOut, source: Path) -> float:
    """ARI of the conversation's groups against Polis's ``group-id``, over the participants
    both clustered (nearly all of Polis's 197)."""
    polis = read_polis_export(source).groups()
    ours = {p.external_id: p.group for p in res.participants}
    both = [pid for pid, g in polis.items() if g is not None and ours.get(pid) is not None]
    assert len(both) >= 180
    return float(adjusted_rand_score([polis[p] for p in both], [ours[p] for p in both]))


def test_polis_import_results_and_round_trip(
    db: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = shared_data("polis", "brexit-consensus")
    w = deliberation_world(db)
    # Polis's own cadence, one update a second (the import's default batches a minute)
    conv = polis.import_polis(db, OP, w.slug, source, topic="Brexit", batch_ms=1000)
    assert conv.topic == "Brexit" and conv.n_statements > 0

    def no_analysis(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the import's replay should have been cached")

    monkeypatch.setattr(polis, "replay_log", no_analysis)  # a request never replays
    with monkeypatch.context() as m:
        m.setattr(analysis, "analyze", no_analysis)
        res = analysis.results(db, OP, conv.id)  # Polis's groups at once, from the import
    assert res.k == 2
    assert _ari_with_polis(res, source) >= ARI_FLOOR
    history = db.execute(
        select(GroundHistory.data_version, GroundHistory.history).where(
            GroundHistory.conversation_id == conv.id
        )
    ).one()
    assert history.data_version == res.data_version
    assert History.from_dict(history.history).updates == 4836  # one per second of votes

    out = tmp_path / "out"
    polis.export_polis(db, OP, conv.id, out)
    original = read_polis_export(source)
    again = read_polis_export(out)

    def key(votes: object) -> set[tuple[int, int, int]]:
        return {
            (v.participant_external_id, v.statement_external_id, v.value)
            for v in last_votes(votes)  # type: ignore[arg-type]
        }

    assert key(again.votes) == key(original.votes)
    assert {s.external_id: s.text for s in again.statements} == {
        s.external_id: s.text for s in original.statements
    }
    # the collection's licence note (CC BY) travels with the conversation and its export
    assert res.attribution and "CC BY" in res.attribution
    assert again.attribution == res.attribution

    # a later vote continues Polis's history with one update; the groups stay Polis's
    n_votes = func.count(Vote.id)
    voter_id = db.scalars(  # the first participant who voted but not on everything
        select(Vote.participant_id)
        .where(Vote.conversation_id == conv.id)
        .group_by(Vote.participant_id)
        .having(n_votes < conv.n_statements)
        .order_by(Vote.participant_id)
    ).first()
    voted = set(db.scalars(select(Vote.statement_id).where(Vote.participant_id == voter_id)))
    fresh = db.scalars(
        select(Statement.id)
        .where(Statement.conversation_id == conv.id, Statement.id.not_in(voted))
        .order_by(Statement.external_id)
    ).first()
    assert fresh is not None
    db.add(
        Vote(
            conversation_id=conv.id,
            participant_id=voter_id,
            statement_id=fresh,
            value=1,
            ts_ms=2_000_000_000_000,
        )
    )
    svc._bump(db, db.get_one(Conversation, conv.id))
    later = analysis.results(db, OP, conv.id)
    assert later.data_version == res.data_version + 1 and later.k == 2
    stored = db.scalars(
        select(GroundHistory.history).where(GroundHistory.conversation_id == conv.id)
    ).one()
    assert History.from_dict(stored).updates == 4837
    assert _ari_with_polis(later, source) >= ARI_FLOOR


def test_malformed_import_rejected_whole(db: Session, tmp_path: Path) -> None:
    source = shared_data("polis", "brexit-consensus")
    broken = tmp_path / "broken"
    shutil.copytree(source, broken)
    votes = (broken / "votes.csv").read_text(encoding="utf-8").splitlines()
    votes[3] = votes[3].rsplit(",", 1)[0] + ",7"
    (broken / "votes.csv").write_text("\n".join(votes) + "\n", encoding="utf-8")
    w = deliberation_world(db)
    with pytest.raises(Invalid) as info:
        polis.import_polis(db, OP, w.slug, broken)
    problems = info.value.details
    assert isinstance(problems, list) and problems
    assert problems[0]["file"] == "votes.csv" and problems[0]["line"] == 4
    assert svc.list_conversations(db, OP, w.slug) == []


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 2), st.sampled_from((-1, 0, 1))),
        max_size=12,
    )
)
def test_stored_votes_are_the_last_per_pair(db: Session, votes: list[tuple[int, int, int]]) -> None:
    if db.scalar(select(func.count()).select_from(Network)) == 0:
        deliberation_world(db)
    w_net = db.scalars(select(Network)).one()
    actors = sorted(db.scalars(select(Actor.id).where(Actor.network_id == w_net.id)))[:3]
    roles = {w_net.id: "convenor"}
    cid = svc.create_conversation(db, OP, w_net.slug, ConversationIn(topic="P")).id
    author = Caller(account_id=1, actor_ids=frozenset({actors[0]}), roles=roles)
    sids = [svc.submit_statement(db, author, cid, StatementIn(text=f"S{i}")).id for i in range(3)]
    expected: dict[tuple[int, int], int] = {}
    for who, which, value in votes:
        caller = Caller(account_id=1, actor_ids=frozenset({actors[who]}), roles=roles)
        data = VoteIn.model_validate({"statement_id": sids[which], "value": value})
        svc.cast_vote(db, caller, cid, data)
        expected[(who, which)] = value
    stored = svc.list_statements(db, OP, cid)
    for which, s in enumerate(stored):
        mine = [v for (_, j), v in expected.items() if j == which]
        assert (s.agrees, s.disagrees, s.passes) == (
            mine.count(1),
            mine.count(-1),
            mine.count(0),
        )
