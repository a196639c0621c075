"""The conversation an invitation carries: only its two sides read and write it, the other
side is told (in-app and by mail), unread counts per invitation and in the navigation, and the
same through the JSON API, the pages and the command line."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from coalition.cli import app
from coalition.config import Settings
from coalition.errors import Forbidden, Invalid, NotFound, Unauthorized
from coalition.schemas.invitations import AnswerIn, InviteIn
from coalition.schemas.together import InvitationMessageIn, ThreadIn
from coalition.services import invitation_threads, invitations, threads, unread
from coalition.services.access import Caller
from coalition.store.session import session_factory
from coalition.store.tables import Actor, Role
from coalition.store.tables_auth import OutboxMessage
from coalition.store.tables_invitations import Notification
from tests.conftest import make_client
from tests.factories import Team, team_world

SECRET = "COUNTER-CONTEXT-z3"


def _invite(db: Session, t: Team) -> int:
    convenor = Caller(
        account_id=1, actor_ids=frozenset({t.convenor}), roles={t.network_id: "convenor"}
    )

    role_id = db.scalar(select(Role.id).where(Role.initiative_id == t.initiative_id))
    (inv,) = invitations.invite(
        db,
        convenor,
        t.initiative_id,
        InviteIn.model_validate({"seats": [{"actor_id": t.carl, "role_id": role_id}]}),
    )
    return inv.id


def _say(db: Session, caller: Caller, invitation: int, body: str) -> int:
    return invitation_threads.write(db, caller, invitation, InvitationMessageIn(body=body)).id


def test_the_two_sides_talk_and_nobody_else_reads(db: Session) -> None:
    t = team_world(db)
    inv = _invite(db, t)
    carl, convenor = t.as_(t.carl), t.as_(t.convenor)
    invitations.answer(db, carl, inv, AnswerIn(answer="counter", hours=2.0))
    first = _say(db, carl, inv, f"I can give 2 hours until June: {SECRET}")
    talk = invitation_threads.conversation(db, convenor, inv)
    assert [(m.side, m.body, m.unread) for m in talk.items] == [
        ("invitee", f"I can give 2 hours until June: {SECRET}", True)
    ]
    assert talk.my_side == "convenor" and talk.unread == 1
    assert invitation_threads.conversation(db, convenor, inv).unread == 0  # read now
    _say(db, convenor, inv, "Fine, **2 hours** it is")
    talk = invitation_threads.conversation(db, carl, inv, mark=False)
    assert [m.side for m in talk.items] == ["invitee", "convenor"]
    assert talk.items[1].html.count("<strong>") == 1 and talk.items[0].mine
    assert talk.items[0].id == first
    # Another member of the network: told it is not theirs; an outsider: not there at all.
    with pytest.raises(Forbidden):
        invitation_threads.conversation(db, t.as_(t.ana), inv)
    with pytest.raises(Forbidden):
        _say(db, t.as_(t.ana), inv, "me too")
    with pytest.raises(NotFound):
        invitation_threads.conversation(db, t.as_(t.outsider, t.outsider_network), inv)
    with pytest.raises(Unauthorized):
        invitation_threads.conversation(db, Caller.anonymous(), inv)
    steward = Caller(account_id=77, actor_ids=frozenset(), roles={t.network_id: "steward"})
    with pytest.raises(Forbidden):  # a steward manages invitations, not their conversation
        invitation_threads.conversation(db, steward, inv)
    # The operator reads (the console), but writes only as a side.
    assert len(invitation_threads.conversation(db, Caller.operator(), inv).items) == 2
    with pytest.raises(Invalid):
        _say(db, Caller.operator(), inv, "from the console")
    with pytest.raises(NotFound):
        invitation_threads.conversation(db, carl, 999_999)


def test_the_other_side_is_notified_and_mailed_and_counts_unread(db: Session) -> None:
    t = team_world(db)
    db.execute(update(Actor).where(Actor.id == t.convenor).values(email="conv@example.org"))
    inv = _invite(db, t)
    carl, convenor = t.as_(t.carl), t.as_(t.convenor)
    assert invitation_threads.unread_total(db, convenor) == 0
    _say(db, carl, inv, "Why this role?")
    _say(db, carl, inv, "And from when?")
    notes = db.scalars(select(Notification).where(Notification.kind == "invitation_message")).all()
    assert [(n.recipient_id, n.link.split("#")[0]) for n in notes] == [
        (t.convenor, f"/invitations/{inv}")
    ] * 2
    assert "Member 2 wrote about the invitation" in notes[0].text
    mails = db.scalars(select(OutboxMessage).where(OutboxMessage.to_addr == "conv@example.org"))
    assert len(list(mails)) == 2
    assert invitation_threads.unread_total(db, convenor) == 2
    assert invitation_threads.unread_by_invitation(db, convenor, [inv]) == {inv: 2}
    assert invitation_threads.unread_total(db, carl) == 0  # one's own messages are read
    assert invitation_threads.unread_total(db, t.as_(t.ana)) == 0
    invitation_threads.conversation(db, convenor, inv)
    assert invitation_threads.unread_total(db, convenor) == 0
    _say(db, convenor, inv, "From May")
    assert invitation_threads.unread_total(db, carl) == 1
    assert (
        db.scalar(
            select(Notification.recipient_id).where(Notification.text.like("Convenor wrote%"))
        )
        == t.carl
    )


def test_api_pages_and_navigation(db: Session, settings: Settings) -> None:
    t = team_world(db)
    inv = _invite(db, t)
    db.commit()
    carl = make_client(settings, t.as_(t.carl))
    convenor = make_client(settings, t.as_(t.convenor))
    ana = make_client(settings, t.as_(t.ana))
    r = carl.post(f"/api/invitations/{inv}/messages", json={"body": SECRET})
    assert r.status_code == 201, r.text
    assert r.json()["side"] == "invitee"
    assert carl.post(f"/api/invitations/{inv}/messages", json={"body": ""}).status_code == 422
    assert convenor.get("/api/me/invitations/unread").json() == {"unread": 1}
    page = convenor.get(f"/initiatives/{t.initiative_id}/invitations").text
    assert f'href="/invitations/{inv}"' in page and "(1 unread)" in page
    page = convenor.get(f"/invitations/{inv}")
    assert page.status_code == 200 and SECRET in page.text
    assert convenor.get("/api/me/invitations/unread").json() == {"unread": 0}
    r = convenor.post(
        f"/invitations/{inv}/messages", data={"body": "Welcome _aboard_"}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"].startswith(f"/invitations/{inv}#")
    assert "<em>aboard</em>" in carl.get(f"/invitations/{inv}").text
    assert f'href="/invitations/{inv}"' in carl.get("/me/invitations").text
    r = convenor.post(f"/invitations/{inv}/messages", data={"body": " "})
    assert r.status_code == 422
    for path in (f"/invitations/{inv}", f"/api/invitations/{inv}/messages"):
        r = ana.get(path)
        assert r.status_code == 403 and SECRET not in r.text
    anonymous = make_client(settings, Caller.anonymous())
    assert anonymous.get(f"/invitations/{inv}", follow_redirects=False).status_code == 303
    assert anonymous.get(f"/api/invitations/{inv}/messages").status_code == 401


def test_cli_show_and_write(clean_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COALITION_DATABASE_URL", clean_url)
    with session_factory(clean_url)() as db:
        t = team_world(db)
        inv = _invite(db, t)
        db.commit()
    runner = CliRunner()
    r = runner.invoke(
        app, ["invitation-messages", "write", str(inv), "Two hours?", "--as", str(t.carl)]
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["side"] == "invitee"
    r = runner.invoke(app, ["invitation-messages", "write", str(inv), "Me too", "--as", str(t.ana)])
    assert r.exit_code != 0 and "only the invited member" in r.output
    r = runner.invoke(app, ["invitation-messages", "show", str(inv)])
    assert r.exit_code == 0 and json.loads(r.output)["items"][0]["body"] == "Two hours?"
    r = runner.invoke(app, ["invitation-messages", "show", str(inv), "--as", str(t.convenor)])
    assert json.loads(r.output)["unread"] == 1


def test_the_navigation_counts_both_in_one_statement(db: Session) -> None:
    t = team_world(db)
    inv = _invite(db, t)
    convenor = t.as_(t.convenor)
    assert unread.navigation_counts(db, convenor) == (0, {})
    _say(db, t.as_(t.carl), inv, "Why this role?")
    _say(db, t.as_(t.carl), inv, "And from when?")
    data = ThreadIn(title="Budget", visibility="team", body="Who pays?")  # type: ignore[arg-type]
    threads.start_thread(db, t.as_(t.ana), t.initiative_id, data)
    statements: list[str] = []
    engine = db.get_bind().engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        counts = unread.navigation_counts(db, convenor)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert counts == (1, {inv: 2})
    assert counts == (
        threads.unread_total(db, convenor),
        invitation_threads.unread_by_invitation(db, convenor),
    )
    assert len(statements) == 1
    assert unread.navigation_counts(db, t.as_(t.carl)) == (0, {})  # his own messages
    assert unread.navigation_counts(db, Caller.operator()) == (0, {})
