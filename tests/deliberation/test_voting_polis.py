"""Voting as Polis does it: no tallies before one's own vote (anti-herding, in the API too), a
moderation queue with reasons, strict or open moderation, and routing that covers every
statement while favouring those with few votes."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from coalition.cli import app
from coalition.config import Settings
from coalition.engines.common_ground import VoteMatrix, comment_priorities, next_statement_from
from coalition.errors import Forbidden, Invalid
from coalition.schemas.deliberation import (
    ConversationIn,
    ModerationIn,
    ModerationModeIn,
    StatementIn,
    VoteIn,
)
from coalition.services import conversation_analysis as analysis
from coalition.services import conversations as svc
from coalition.services import deliberation_moderation as mod
from coalition.store.session import session_scope
from coalition.store.tables_deliberation import Statement
from tests.conftest import make_client
from tests.factories import DeliberationWorld, deliberation_world


def _setup(db: Session) -> tuple[DeliberationWorld, int, list[int]]:
    w = deliberation_world(db)
    cleo = w.caller(w.cleo, "convenor")
    cid = svc.create_conversation(db, cleo, w.slug, ConversationIn(topic="Priorities")).id
    sids = [svc.submit_statement(db, cleo, cid, StatementIn(text=f"S{i}")).id for i in range(3)]
    svc.cast_vote(db, w.caller(w.bola), cid, VoteIn(statement_id=sids[0], value=1))
    return w, cid, sids


def test_no_tallies_before_ones_own_vote(db: Session) -> None:
    w, cid, sids = _setup(db)
    ada = w.caller(w.ada)
    before = {s.id: s for s in svc.list_statements(db, ada, cid)}
    assert all(s.agrees is None and s.passes is None for s in before.values())
    nxt = analysis.next_for(db, ada, cid).statement
    assert nxt is not None and nxt.agrees is None and nxt.disagrees is None
    svc.cast_vote(db, ada, cid, VoteIn(statement_id=sids[0], value=-1))
    after = {s.id: s for s in svc.list_statements(db, ada, cid)}
    assert (after[sids[0]].agrees, after[sids[0]].disagrees) == (1, 1)
    assert after[sids[1]].agrees is None  # still unvoted: still hidden
    # a moderator sees every tally
    cleo = {s.id: s for s in svc.list_statements(db, w.caller(w.cleo, "convenor"), cid)}
    assert cleo[sids[0]].agrees == 1 and cleo[sids[1]].agrees == 0


def test_queue_reasons_and_strict_moderation(db: Session) -> None:
    w, cid, sids = _setup(db)
    ada, cleo = w.caller(w.ada), w.caller(w.cleo, "convenor")
    mine = svc.submit_statement(db, ada, cid, StatementIn(text="Meet on Sundays"))
    spam = svc.submit_statement(db, ada, cid, StatementIn(text="Buy my book"))
    queue = mod.moderation_queue(db, cleo, cid)
    assert [s.id for s in queue.pending] == [mine.id, spam.id]
    with pytest.raises(Forbidden):
        mod.moderation_queue(db, ada, cid)
    # open moderation (the default): an unmoderated statement is shown and may be voted on
    assert mine.id in {s.id for s in svc.list_statements(db, ada, cid)}
    svc.cast_vote(db, w.caller(w.bola), cid, VoteIn(statement_id=mine.id, value=1))
    # strict: only accepted statements are shown, drawn, voted on
    out = mod.set_moderation_mode(db, cleo, cid, ModerationModeIn(strict=True))
    assert out.strict_moderation
    shown = {s.id for s in svc.list_statements(db, ada, cid)}
    assert shown == set(sids)
    with pytest.raises(Invalid, match="awaits moderation"):
        svc.cast_vote(db, ada, cid, VoteIn(statement_id=spam.id, value=1))
    for _ in range(3):
        nxt = analysis.next_for(db, ada, cid)
        assert nxt.statement is not None and nxt.statement.id in sids
        svc.cast_vote(db, ada, cid, VoteIn(statement_id=nxt.statement.id, value=0))
    assert analysis.next_for(db, ada, cid).statement is None
    # the queue clears: reject with a reason, accept, mark as meta
    svc.moderate_statement(db, cleo, spam.id, ModerationIn(action="reject", reason="advert"))
    svc.moderate_statement(db, cleo, mine.id, ModerationIn(action="accept"))
    queue = mod.moderation_queue(db, cleo, cid)
    assert queue.pending == []
    reasons = {s.id: s.moderation_reason for s in queue.decided}
    assert reasons[spam.id] == "advert" and reasons[mine.id] == ""
    assert analysis.next_for(db, ada, cid).statement is not None  # the accepted one is drawn now
    assert db.get_one(Statement, spam.id).moderation == -1


def test_moderation_api_page_and_cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from coalition.services.access import Caller

    with session_scope(settings.database_url) as db:
        w, cid, sids = _setup(db)
        pending = svc.submit_statement(db, w.caller(w.ada), cid, StatementIn(text="Later")).id
        net, cleo_id, ada_id = w.network.id, w.cleo, w.ada
    convenor = make_client(
        settings, Caller(account_id=7, actor_ids=frozenset({cleo_id}), roles={net: "convenor"})
    )
    member = make_client(
        settings, Caller(account_id=8, actor_ids=frozenset({ada_id}), roles={net: "member"})
    )
    # anti-herding holds in the API
    listed = member.get(f"/api/conversations/{cid}/statements").json()
    assert all(s["agrees"] is None for s in listed)
    assert member.get(f"/api/conversations/{cid}/next").json()["statement"]["agrees"] is None
    assert member.get(f"/api/conversations/{cid}/moderation").status_code == 403
    queue = convenor.get(f"/api/conversations/{cid}/moderation").json()
    assert [s["id"] for s in queue["pending"]] == [pending]
    r = convenor.put(f"/api/conversations/{cid}/moderation", json={"strict": True})
    assert r.status_code == 200 and r.json()["strict_moderation"] is True
    page = convenor.get(f"/conversations/{cid}/moderation")
    assert page.status_code == 200 and "Later" in page.text and "Strict" in page.text
    r = convenor.post(
        f"/conversations/{cid}/statements/{pending}/moderation",
        data={"action": "reject", "reason": "off topic", "back": "queue"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].endswith("/moderation#queue")
    page = convenor.get(f"/conversations/{cid}/moderation")
    assert "Nothing awaits moderation" in page.text and "off topic" in page.text
    monkeypatch.setenv("COALITION_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    out = runner.invoke(app, ["moderation", "mode", str(cid), "open"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(app, ["moderation", "decide", str(pending), "meta"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(app, ["moderation", "queue", str(cid), "--json"])
    assert out.exit_code == 0, out.output
    assert '"strict_moderation": false' in out.stdout and '"is_meta": true' in out.stdout
    bad = runner.invoke(app, ["moderation", "decide", str(pending), "burn"])
    assert bad.exit_code == 1 and "Traceback" not in bad.output


def test_routing_covers_every_statement_and_favours_the_unseen() -> None:
    """Participants arrive one by one and vote on 8 of 40 statements each, drawn by Polis's
    priority recomputed as votes come in: every statement gets votes, the spread is narrow,
    and a statement added late catches up."""
    rng = np.random.default_rng(0)
    n_s, n_p = 40, 150
    leaning = rng.uniform(-1, 1, n_s)
    votes: list[tuple[int, int, int]] = []
    priorities = np.ones(n_s)
    eligible = np.ones(n_s, dtype=bool)
    eligible[-1] = False  # added late
    for p in range(n_p):
        if p == 100:
            eligible[-1] = True
        mine: list[int] = []
        for _ in range(8):
            j = next_statement_from(priorities, mine, eligible, rng)
            assert j is not None and eligible[j] and j not in mine
            mine.append(j)
            votes.append((p, j, 1 if rng.random() < (1 + leaning[j]) / 2 else -1))
        if p % 10 == 9:
            m = VoteMatrix.from_votes(votes, n_participants=p + 1, n_statements=n_s)
            priorities = comment_priorities(
                m, np.ones(p + 1, bool), np.abs(leaning), np.zeros(n_s, bool)
            )
    seen = np.bincount([s for _, s, _ in votes], minlength=n_s)
    assert seen[:-1].min() >= 10  # nothing starves
    # the late statement, drawn from participant 100 on, got far more than its uniform share
    # of those last 50 participants' 400 draws (10 = 400 / 40)
    assert seen[-1] >= 15


def test_an_unseen_statement_outranks_a_well_known_one_of_equal_standing() -> None:
    votes = [(p, 0, 1) for p in range(30)] + [(0, 1, 1)]
    m = VoteMatrix.from_votes(votes, n_participants=30, n_statements=2)
    pr = comment_priorities(m, np.ones(30, bool), np.ones(2), np.zeros(2, bool))
    assert pr[1] > 3 * pr[0]
