"""The CLI and the JSON API of offers and the lifecycle go through the same services."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from coalition.cli import app
from coalition.store.session import session_factory
from tests.factories import invitation_world

runner = CliRunner()


def _ok(args: list[str]) -> str:
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    return r.output


def test_cli_offer_accept_edit_close(clean_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COALITION_DATABASE_URL", clean_url)
    with session_factory(clean_url)() as db:
        w = invitation_world(db, slug="cli-life")
        db.commit()
    i, role, conv = str(w.initiative_id), str(w.roles[0]), str(w.convenor)
    a = str(w.members[0])
    _ok(["offers", "open-call", i, role, "--as", conv])
    found = json.loads(_ok(["offers", "opportunities", "--as", a, "--json"]))
    assert [o["role_id"] for o in found["opportunities"]] == [w.roles[0]]
    assert "1 opportunity" in _ok(["offers", "opportunities", "--as", a])
    offer = json.loads(_ok(["offers", "make", role, "3", "--as", a, "--note", "Keen"]))
    assert offer["status"] == "pending"
    assert "pending" in _ok(["offers", "list", i])
    r = runner.invoke(app, ["offers", "decide", str(offer["id"]), "accept", "--as", a])
    assert r.exit_code != 0  # the member does not accept their own offer
    done = json.loads(_ok(["offers", "decide", str(offer["id"]), "accept", "--as", conv]))
    assert done["status"] == "accepted" and done["engagement_id"]
    _ok(["initiative-life", "edit-role", i, role, "--hours", "5", "--as", conv])
    ask = json.loads(_ok(["initiative-life", "rules", i]))
    assert ask["status"] == "forming"
    closed = json.loads(_ok(["initiative-life", "act", i, "close", "--as", conv]))
    assert closed["engagements_ended"] == 1
    assert "role.hours_per_week" in _ok(["initiative-life", "history", i, "--json"])
    told = _ok(["--lang", "es", "initiative-life", "history", i])
    assert "Horas por semana" in told and "role.hours_per_week" not in told
    assert "5 h/semana" in told and "en formación" in told  # the status by its label


def test_api_and_pages_offer_to_engagement(settings, clean_url: str) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_client

    with session_factory(clean_url)() as db:
        w = invitation_world(db, slug="api-life")
        db.commit()
    conv = make_client(settings, w.convenor_caller)
    a = w.members[0]
    member = make_client(settings, w.member(a))
    role = w.roles[0]
    r = conv.put(f"/api/initiatives/{w.initiative_id}/roles/{role}/open-call", json={"open": True})
    assert r.status_code == 200 and r.json()["roles"][0]["open_call"] is True
    r = member.get("/api/opportunities")
    assert r.status_code == 200 and r.json()["opportunities"][0]["role_id"] == role
    page = member.get("/opportunities")
    assert page.status_code == 200 and "Offer to join" in page.text
    r = member.post(f"/api/roles/{role}/offers", json={"hours_per_week": 3, "note": "Keen"})
    assert r.status_code == 201, r.text
    offer = r.json()["id"]
    assert (
        member.post(f"/api/offers/{offer}/decision", json={"decision": "accept"}).status_code == 403
    )
    assert member.post(f"/api/roles/{role}/offers", json={"hours_per_week": 3}).status_code == 409
    assert member.post(f"/api/roles/{role}/offers", json={"hours_per_week": 0}).status_code == 422
    manage = conv.get(f"/initiatives/{w.initiative_id}/manage")
    assert (
        manage.status_code == 200
        and "Keen" in manage.text
        and "Lock into a proposal run" in manage.text
    )
    r = conv.post(f"/api/offers/{offer}/decision", json={"decision": "accept"})
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    r = conv.patch(f"/api/initiatives/{w.initiative_id}/roles/{role}", json={"hours_per_week": 6})
    assert r.status_code == 200
    asks = member.get("/api/me/reconfirmations").json()
    assert [(x["old_hours"], x["new_hours"]) for x in asks] == [(3.0, 6.0)]
    assert "Confirm the new hours" in member.get("/me/reconfirmations").text
    r = member.post(f"/api/reconfirmations/{asks[0]['id']}", json={"answer": "confirm"})
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    r = conv.post(f"/api/initiatives/{w.initiative_id}/actions", json={"action": "complete"})
    assert r.status_code == 409  # forming: start first
    r = conv.post(f"/api/initiatives/{w.initiative_id}/actions", json={"action": "close"})
    assert r.status_code == 200 and r.json()["engagements_ended"] == 1
    hist = member.get(f"/api/initiatives/{w.initiative_id}/history").json()
    assert {h["field"] for h in hist} >= {"status", "role.hours_per_week", "open_call"}


def test_invite_to_from_a_profile(settings, clean_url: str) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_client

    with session_factory(clean_url)() as db:
        w = invitation_world(db, slug="invite-to")
        db.commit()
    conv = make_client(settings, w.convenor_caller)
    target = w.members[1]
    profile = conv.get(f"/actors/{target}")
    assert profile.status_code == 200 and f"/actors/{target}/invite" in profile.text
    page = conv.get(f"/actors/{target}/invite")
    assert page.status_code == 200 and "Bid invite-to" in page.text
    assert f'action="/initiatives/{w.initiative_id}/invitations"' in page.text
    other = make_client(settings, w.member(w.members[0]))
    assert "You convene no forming" in other.get(f"/actors/{target}/invite").text
