"""The JSON API of invitations: every step, strict input, and refusals that change nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update

from coalition.config import Settings
from coalition.services.access import Caller
from coalition.store.session import session_factory
from coalition.store.tables_invitations import Invitation
from tests.conftest import finish_job, make_client
from tests.factories import InvitationWorld, invitation_world, snapshot


def _world(settings: Settings, **kw: Any) -> InvitationWorld:
    with session_factory(settings.database_url)() as db:
        w = invitation_world(db, **kw)
        db.commit()
    return w


def _rows(settings: Settings) -> dict[str, Any]:
    with session_factory(settings.database_url)() as db:
        return snapshot(db)


def test_the_whole_workflow(settings: Settings) -> None:
    w = _world(settings, capacities=(10.0, 6.0, 10.0))
    a, b, c = w.members
    convenor = make_client(settings, w.convenor_caller)
    r = convenor.post(
        f"/api/initiatives/{w.initiative_id}/invitations",
        json={
            "seats": [
                {"actor_id": a, "role_id": w.roles[0], "hours": 4.0},
                {"actor_id": b, "role_id": w.roles[0]},
            ],
            "message": "Proposal 7 picked you",
            "proposal_id": 7,
        },
    )
    assert r.status_code == 201, r.text
    sent = {i["actor_id"]: i for i in r.json()}
    assert sent[b]["hours_per_week"] == 4.0 and sent[a]["proposal_id"] == 7
    assert sent[a]["history"][0]["to_status"] == "pending"

    member_a = make_client(settings, w.member(a))
    mine = member_a.get("/api/me/invitations").json()
    assert [i["id"] for i in mine["invitations"]] == [sent[a]["id"]]
    assert mine["capacity"] == [
        {
            "actor_id": a,
            "name": "Member 0",
            "network": "inv",
            "capacity_hours": 10.0,
            "committed_hours": 0.0,
            "free_hours": 10.0,
        }
    ]
    r = member_a.post(f"/api/invitations/{sent[a]['id']}/answer", json={"answer": "accept"})
    assert r.status_code == 200, r.text
    engagement = r.json()["engagement"]
    assert engagement["hours_per_week"] == 4.0 and r.json()["replacements"] == []

    member_b = make_client(settings, w.member(b))
    r = member_b.post(
        f"/api/invitations/{sent[b]['id']}/answer", json={"answer": "counter", "hours": 2.0}
    )
    assert r.status_code == 200 and r.json()["invitation"]["status"] == "countered", r.text
    found = finish_job(settings.database_url, r.json()["replacements_job"])["replacements"]
    assert {x["actor_id"] for x in found} == {c}
    r = convenor.get(f"/api/invitations/{sent[b]['id']}/replacements")
    assert [x["actor_id"] for x in r.json()] == [c]
    r = convenor.post(f"/api/invitations/{sent[b]['id']}/counter", json={"decision": "accept"})
    assert r.status_code == 200 and r.json()["engagement"]["hours_per_week"] == 2.0

    r = convenor.post(
        f"/api/initiatives/{w.initiative_id}/invitations",
        json={"seats": [{"actor_id": c, "role_id": w.roles[1], "hours": 3.0}]},
    )
    sent[c] = r.json()[0]
    member_c = make_client(settings, w.member(c))
    r = member_c.post(
        f"/api/invitations/{sent[c]['id']}/answer",
        json={"answer": "decline", "reason": "I am on leave"},
    )
    assert r.status_code == 200 and r.json()["invitation"]["reason"] == "I am on leave"
    listing = convenor.get(f"/api/initiatives/{w.initiative_id}/invitations").json()
    assert {i["status"] for i in listing} == {"accepted", "declined"}
    assert next(i for i in listing if i["actor_id"] == c)["reason"] == "I am on leave"
    assert convenor.get(f"/api/initiatives/{w.initiative_id}/invitations").status_code == 200
    assert member_a.get(f"/api/initiatives/{w.initiative_id}/invitations").status_code == 403

    team = member_c.get(f"/api/initiatives/{w.initiative_id}/team").json()
    assert [m["actor_id"] for m in team["members"]] == [a, b]
    assert team["sectors"] == {"business": 1, "health": 1}
    assert [(r["filled"], r["seats"]) for r in team["roles"]] == [(2, 2), (0, 2)]

    r = member_b.get("/api/me/commitments").json()
    assert r["capacity"][0]["free_hours"] == 4.0
    assert [e["hours_per_week"] for e in r["engagements"]] == [2.0]
    r = member_b.patch(f"/api/engagements/{r['engagements'][0]['id']}", json={"listed": False})
    assert r.status_code == 200 and r.json()["listed"] is False
    team = member_c.get(f"/api/initiatives/{w.initiative_id}/team").json()
    assert [m["actor_id"] for m in team["members"]] == [a]

    news = convenor.get("/api/me/notifications").json()
    assert [n["kind"] for n in news] == [
        "invitation_declined",
        "invitation_countered",
        "invitation_accepted",
    ]
    assert "I am on leave" not in str(news)
    assert convenor.post("/api/me/notifications/read").json() == {"marked": 3}
    assert convenor.get("/api/me/notifications", params={"unread": True}).json() == []

    r = member_a.post(f"/api/engagements/{engagement['id']}/step-back")
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    assert member_a.get("/api/me/commitments").json()["capacity"][0]["committed_hours"] == 0.0
    assert convenor.get("/api/me/notifications").json()[0]["kind"] == "engagement_withdrawn"


def test_refusals_change_nothing(settings: Settings) -> None:
    w = _world(settings)
    a, b = w.members[0], w.members[1]
    convenor = make_client(settings, w.convenor_caller)
    seats = [{"actor_id": a, "role_id": w.roles[0]}, {"actor_id": b, "role_id": w.roles[0]}]
    ids = {
        i["actor_id"]: i["id"]
        for i in convenor.post(
            f"/api/initiatives/{w.initiative_id}/invitations", json={"seats": seats}
        ).json()
    }
    member_a, member_b = make_client(settings, w.member(a)), make_client(settings, w.member(b))
    # The invitation of b expires: its stored expires_at is moved into the past.
    with session_factory(settings.database_url)() as db:
        db.execute(
            update(Invitation)
            .where(Invitation.id == ids[b])
            .values(expires_at=datetime(2020, 1, 1))
        )
        db.commit()

    before = _rows(settings)
    r = member_b.post(f"/api/invitations/{ids[a]}/answer", json={"answer": "accept"})
    assert r.status_code == 403, r.text
    r = member_b.post(f"/api/invitations/{ids[b]}/answer", json={"answer": "accept"})
    assert r.status_code == 410 and "expired" in r.json()["detail"]
    assert member_b.get("/api/me/invitations").json()["invitations"][0]["status"] == "expired"
    for bad in (
        {"answer": "accept", "hours": 2},
        {"answer": "counter"},
        {"answer": "counter", "hours": "2"},
        {"answer": "decline", "extra": 1},
        {"answer": "maybe"},
    ):
        assert member_a.post(f"/api/invitations/{ids[a]}/answer", json=bad).status_code == 422
    r = member_a.post(f"/api/invitations/{ids[a]}/answer", json={"answer": "counter", "hours": 9})
    assert r.status_code == 422 and r.json()["field"] == "hours"
    r = make_client(settings).post(f"/api/invitations/{ids[a]}/answer", json={"answer": "accept"})
    assert r.status_code == 401
    stranger = make_client(settings, Caller(account_id=5, actor_ids=frozenset({424242})))
    r = stranger.post(f"/api/invitations/{ids[a]}/answer", json={"answer": "accept"})
    assert r.status_code == 404
    assert _rows(settings) == before

    assert member_a.post(f"/api/invitations/{ids[a]}/answer", json={"answer": "accept"}).is_success
    before = _rows(settings)
    r = member_a.post(f"/api/invitations/{ids[a]}/answer", json={"answer": "accept"})
    assert r.status_code == 409 and "accepted already" in r.json()["detail"]
    r = member_a.post(f"/api/invitations/{ids[a]}/answer", json={"answer": "decline"})
    assert r.status_code == 409
    assert convenor.post(f"/api/invitations/{ids[a]}/withdraw").status_code == 409
    r = convenor.post(f"/api/invitations/{ids[a]}/counter", json={"decision": "accept"})
    assert r.status_code == 409
    r = convenor.post(
        f"/api/initiatives/{w.initiative_id}/invitations",
        json={"seats": [{"actor_id": a, "role_id": w.roles[0]}]},
    )
    assert r.status_code == 409 and "already engaged" in r.json()["detail"]
    r = convenor.post(
        f"/api/initiatives/{w.initiative_id}/invitations",
        json={"seats": [{"actor_id": a, "role_id": w.roles[1]}] * 2},
    )
    assert r.status_code == 422
    assert _rows(settings) == before


def test_over_capacity_is_409_with_the_numbers(settings: Settings) -> None:
    w = _world(settings, capacities=(5.0,))
    a = w.members[0]
    convenor = make_client(settings, w.convenor_caller)
    made = convenor.post(
        f"/api/initiatives/{w.initiative_id}/invitations",
        json={"seats": [{"actor_id": a, "role_id": r, "hours": 3.0} for r in w.roles]},
    ).json()
    member = make_client(settings, w.member(a))
    assert member.post(
        f"/api/invitations/{made[0]['id']}/answer", json={"answer": "accept"}
    ).is_success
    before = _rows(settings)
    r = member.post(f"/api/invitations/{made[1]['id']}/answer", json={"answer": "accept"})
    assert r.status_code == 409
    assert r.json() == {
        "detail": "over capacity: capacity 5 h/week, committed 3 h/week, asked 3 h/week",
        "problems": {"capacity": 5.0, "committed": 3.0, "asked": 3.0},
    }
    assert _rows(settings) == before


def test_calendar_is_rfc5545(settings: Settings) -> None:
    w = _world(settings)
    a = w.members[0]
    convenor = make_client(settings, w.convenor_caller)
    made = convenor.post(
        f"/api/initiatives/{w.initiative_id}/invitations",
        json={"seats": [{"actor_id": a, "role_id": w.roles[0]}]},
    ).json()
    member = make_client(settings, w.member(a))
    engagement = member.post(
        f"/api/invitations/{made[0]['id']}/answer", json={"answer": "accept"}
    ).json()["engagement"]
    for path in ("/api/me/engagements.ics", "/me/engagements.ics"):
        r = member.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
        raw = r.content
        assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
        lines = raw.decode().split("\r\n")[:-1]
        assert all(len(line.encode()) <= 75 for line in lines)
        assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
        assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
        assert f"UID:engagement-{engagement['id']}@127.0.0.1:8000" in lines
        # A weekly block of the agreed 4 hours over the initiative's window (issue 19).
        assert "DTSTART:20260401T090000" in lines and "DURATION:PT4H" in lines
        assert "RRULE:FREQ=WEEKLY;UNTIL=20260930T235959" in lines
        assert any(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines)
        assert "SUMMARY:Role 0 · Bid inv" in lines
    assert make_client(settings).get("/api/me/engagements.ics").status_code == 401
