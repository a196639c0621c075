"""Who has not voted (named to voters, counted to others when votes are secret), reminders to
them (proposer only, not twice within 12 hours, the operator's due reminders), and the
initiative's charter adopted through a charter decision; service, API, pages and CLI."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from coalition.cli import app
from coalition.config import Settings
from coalition.errors import Conflict, Forbidden, Invalid, NotFound
from coalition.schemas.together import CloseIn, DecisionIn, VoteIn
from coalition.services import charters, decision_reminders, decisions, lifecycle
from coalition.store.session import session_factory
from coalition.store.tables import Actor
from coalition.store.tables_auth import OutboxMessage
from coalition.store.tables_invitations import Notification
from coalition.store.tables_together import Decision, DecisionEvent
from tests.conftest import make_client
from tests.factories import Team, team_world

CHARTER = "We share **what we learn**; we decide by consent."


def _propose(db: Session, t: Team, **kw: object) -> int:
    data = DecisionIn.model_validate({"kind": "consent", "title": "Adopt the plan", **kw})
    return decisions.propose(db, t.as_(t.convenor), data, initiative_id=t.initiative_id).id


def _reminders(db: Session) -> list[int]:
    return sorted(
        db.scalars(
            select(Notification.recipient_id).where(Notification.kind == "decision_reminder")
        )
    )


def test_not_voted_is_named_to_voters_and_counted_to_others_when_secret(db: Session) -> None:
    t = team_world(db)
    open_ = _propose(db, t, visibility="network")
    secret = _propose(db, t, visibility="network", secret_votes=True)
    for d in (open_, secret):
        decisions.vote(db, t.as_(t.ana), d, VoteIn(position="agree"))
    assert decisions.get_decision(db, t.as_(t.carl), open_).not_voted == ["Convenor", "Member 1"]
    view = decisions.get_decision(db, t.as_(t.carl), secret)  # carl reads it, is no voter
    assert view.not_voted == [] and view.not_voted_count == 2
    view = decisions.get_decision(db, t.as_(t.ben), secret)  # a voter: names
    assert view.not_voted == ["Convenor", "Member 1"] and view.not_voted_count == 2


def test_reminders_go_to_who_has_not_voted_once_per_12_hours(db: Session) -> None:
    t = team_world(db)
    db.execute(update(Actor).where(Actor.id == t.ben).values(email="ben@example.org"))
    d = _propose(db, t)
    decisions.vote(db, t.as_(t.ana), d, VoteIn(position="agree"))
    assert decisions.get_decision(db, t.as_(t.convenor), d).may_remind
    assert not decisions.get_decision(db, t.as_(t.ana), d).may_remind
    with pytest.raises(Forbidden):
        decision_reminders.remind(db, t.as_(t.ana), d)
    with pytest.raises(NotFound):  # carl cannot read a team decision at all
        decision_reminders.remind(db, t.as_(t.carl), d)
    out = decision_reminders.remind(db, t.as_(t.convenor), d)
    assert out.reminded == 1 and _reminders(db) == [t.ben]  # not ana (voted), not the proposer
    assert db.scalar(
        select(OutboxMessage.subject).where(OutboxMessage.to_addr == "ben@example.org")
    )
    with pytest.raises(Conflict):
        decision_reminders.remind(db, t.as_(t.convenor), d)
    assert decisions.get_decision(db, t.as_(t.ana), d).log[-1].action == "reminded"
    # Thirteen hours later the proposer may remind again.
    db.execute(
        update(DecisionEvent)
        .where(DecisionEvent.action == "reminded")
        .values(at=datetime.now() - timedelta(hours=13))
    )
    assert decision_reminders.remind(db, t.as_(t.convenor), d).reminded == 1
    decisions.close(db, t.as_(t.convenor), d, CloseIn(outcome="Done"))
    with pytest.raises(Conflict):
        decision_reminders.remind(db, t.as_(t.convenor), d)


def test_reminders_write_times_for_the_reader(db: Session) -> None:
    """The reminder is in the voter's language, its closing time by Babel (not
    "2026-12-04 16:20"); the proposer told "reminded already" reads the times in theirs."""
    from coalition import formatting
    from coalition.i18n import use_locale
    from coalition.store.tables_auth import Account, Membership

    t = team_world(db, slug="tog-es")
    account = Account(email="ben@example.org", password_hash="x", locale="es")
    db.add(account)
    db.flush()
    db.add(Membership(account_id=account.id, network_id=t.network_id, actor_id=t.ben))
    d = _propose(db, t)
    closes = db.get_one(Decision, d).closes_at
    with use_locale("en"):
        decision_reminders.remind(db, t.as_(t.convenor), d)
    told = {
        n.recipient_id: n.text
        for n in db.scalars(select(Notification).where(Notification.kind == "decision_reminder"))
    }
    assert formatting.datetime(closes, locale="es") in told[t.ben], told[t.ben]
    assert f"{closes:%Y-%m-%d}" not in told[t.ben] and "vote is still" not in told[t.ben]
    assert formatting.datetime(closes, locale="en") in told[t.ana]
    with use_locale("fr"), pytest.raises(Conflict) as refused:
        decision_reminders.remind(db, t.as_(t.convenor), d)
    last = db.scalar(select(DecisionEvent.at).where(DecisionEvent.action == "reminded"))
    assert last is not None
    assert formatting.datetime(last, locale="fr") in refused.value.message
    assert f"{last:%Y-%m-%d}" not in refused.value.message


def test_due_reminders_for_decisions_closing_soon(db: Session) -> None:
    t = team_world(db)
    soon = _propose(db, t, closes_in_hours=6)
    later = _propose(db, t, closes_in_hours=100)
    assert [r.decision_id for r in decision_reminders.remind_due(db)] == [soon]
    assert _reminders(db) == sorted([t.convenor, t.ana, t.ben])  # the proposer too: not voted
    assert decision_reminders.remind_due(db) == []  # not twice
    assert [r.decision_id for r in decision_reminders.remind_due(db, within_hours=200)] == [later]


def test_a_passed_charter_decision_adopts_the_charter_and_a_block_does_not(db: Session) -> None:
    t = team_world(db)
    with pytest.raises(NotFound):
        charters.get_charter(db, t.as_(t.ana), t.initiative_id)
    with pytest.raises(Invalid):
        _propose(db, t, kind="charter", title="Charter")  # no text
    with pytest.raises(Invalid):
        _propose(db, t, kind="charter", title="Charter", details="x", options=["a", "b"])
    with pytest.raises(Invalid):
        decisions.propose(
            db,
            t.as_(t.convenor),
            DecisionIn(kind="charter", title="C", details="x"),
            slug=t.slug,
        )
    first = _propose(db, t, kind="charter", title="Charter", details="Draft one")
    decisions.vote(db, t.as_(t.ben), first, VoteIn(position="block", reason="not yet"))
    decisions.vote(db, t.as_(t.ana), first, VoteIn(position="agree"))
    assert decisions.close(db, t.as_(t.convenor), first, CloseIn(outcome="Blocked")).status == (
        "blocked"
    )
    with pytest.raises(NotFound):
        charters.get_charter(db, t.as_(t.ana), t.initiative_id)
    second = _propose(db, t, kind="charter", title="Charter", details=CHARTER, amends_id=first)
    for who in (t.ana, t.ben):
        decisions.vote(db, t.as_(who), second, VoteIn(position="agree"))
    # It closes at its time, read by someone: the charter is adopted then.
    db.execute(
        update(Decision)
        .where(Decision.id == second)
        .values(closes_at=datetime.now() - timedelta(minutes=1))
    )
    assert decisions.get_decision(db, t.as_(t.ana), second).status == "passed"
    adopted = charters.get_charter(db, t.as_(t.ana), t.initiative_id)
    assert adopted.text == CHARTER and adopted.decision_id == second
    assert "<strong>what we learn</strong>" in adopted.html
    change = lifecycle.history(db, t.as_(t.carl), t.initiative_id)[0]
    assert (change.field, change.before, change.after) == ("charter", None, {"decision_id": second})
    assert change.by_role == "decision"
    # A team decision's charter is the team's: carl (network, not team) is told there is none.
    with pytest.raises(NotFound):
        charters.get_charter(db, t.as_(t.carl), t.initiative_id)
    third = _propose(db, t, kind="charter", title="Open", details="For all", visibility="network")
    for who in (t.ana, t.ben):
        decisions.vote(db, t.as_(who), third, VoteIn(position="agree"))
    decisions.close(db, t.as_(t.convenor), third, CloseIn(outcome="Adopted"))
    assert charters.get_charter(db, t.as_(t.carl), t.initiative_id).text == "For all"
    mine = charters.get_charter(db, t.as_(t.ana), t.initiative_id)
    assert mine.text == "For all" and mine.versions == 2
    latest = lifecycle.history(db, t.as_(t.ana), t.initiative_id)[0]
    assert (latest.before, latest.after) == ({"decision_id": second}, {"decision_id": third})


def test_api_pages_and_cli(
    db: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    t = team_world(db)
    db.commit()
    convenor = make_client(settings, t.as_(t.convenor))
    ana = make_client(settings, t.as_(t.ana))
    r = convenor.post(
        f"/initiatives/{t.initiative_id}/decisions",
        data={"kind": "charter", "title": "Charter", "details": CHARTER, "visibility": "team"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    url = r.headers["location"]
    page = convenor.get(url).text
    assert "Proposed charter" in page and "Remind who has not voted" in page
    r = convenor.post(f"{url}/remind", follow_redirects=False)
    assert r.status_code == 303 and "reminded=2" in r.headers["location"]
    assert "Reminders sent." in convenor.get(r.headers["location"]).text
    decision_id = int(url.rsplit("/", 1)[1])
    assert convenor.post(f"/api/decisions/{decision_id}/remind").status_code == 409
    assert ana.post(f"/api/decisions/{decision_id}/remind").status_code == 403
    assert ana.get(f"/api/initiatives/{t.initiative_id}/charter").status_code == 404
    assert "No charter adopted yet." in ana.get(f"/initiatives/{t.initiative_id}/charter").text
    for who in (ana, make_client(settings, t.as_(t.ben))):
        assert who.post(
            f"/api/decisions/{decision_id}/votes", json={"position": "agree"}
        ).is_success
    r = convenor.post(f"{url}/close", data={"outcome": "Adopted"}, follow_redirects=False)
    assert r.status_code == 303
    assert ana.get(f"/api/initiatives/{t.initiative_id}/charter").json()["text"] == CHARTER
    assert (
        "<strong>what we learn</strong>" in ana.get(f"/initiatives/{t.initiative_id}/charter").text
    )
    monkeypatch.setenv("COALITION_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    r = runner.invoke(app, ["decisions", "charter", str(t.initiative_id)])
    assert r.exit_code == 0 and json.loads(r.output)["decision_id"] == decision_id
    r = runner.invoke(
        app,
        ["decisions", "propose", str(t.initiative_id), "consent", "Q", "--as", str(t.convenor),
         "--hours", "5"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    other = str(json.loads(r.output)["id"])
    r = runner.invoke(app, ["decisions", "remind", other, "--as", str(t.ana)])
    assert r.exit_code != 0 and "proposer" in r.output
    r = runner.invoke(app, ["decisions", "remind", other, "--as", str(t.convenor)])
    assert r.exit_code == 0 and json.loads(r.output)["reminded"] == 2
    r = runner.invoke(app, ["decisions", "remind-due"])
    assert r.exit_code == 0 and json.loads(r.output) == []  # reminded just now
    with session_factory(settings.database_url)() as fresh:
        assert fresh.scalar(select(Decision.kind).where(Decision.id == decision_id)) == "charter"
