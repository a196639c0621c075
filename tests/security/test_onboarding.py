"""The onboarding checklist: each step read off the profile, completeness in whole percent, a
directory filter on it that never counts a field hidden from the caller."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from coalition.cli import app as cli
from coalition.config import Settings
from coalition.errors import NotFound, Unauthorized
from coalition.schemas.directory import ActorPatch, ActorSearch
from coalition.services import directory, networks, onboarding
from coalition.services.access import Caller
from tests.factories import OP, PASSWORD, SecurityWorld, security_world

from .helpers import browser, sign_in


@pytest.fixture
def world(db: Session) -> SecurityWorld:
    return security_world(db)


def _done(db: Session, caller: Caller) -> dict[str, bool]:
    out = onboarding.checklist(db, caller, networks.get_network(db, OP, "alpha"))
    return {s.key.value: s.done for s in out.steps} | {"%": out.completeness}  # type: ignore[dict-item]


def test_each_step_is_read_off_the_profile(db: Session, world: SecurityWorld) -> None:
    member = world.caller(db, "member")
    alpha = networks.get_network(db, OP, "alpha")
    # The world's profiles have a capability and capacity, nothing else yet.
    assert _done(db, member) == {
        "profile": False,
        "capabilities": True,
        "purposes": False,
        "availability": False,
        "privacy": False,
        "opportunity": False,
        "%": 16,
    }
    directory.update_actor(
        db,
        member,
        world["actor_id"],
        ActorPatch(headline="Facilitator", purposes=["clean air"], timezone="Europe/Paris"),
    )
    onboarding.mark_privacy_reviewed(db, member, alpha)
    onboarding.mark_privacy_reviewed(db, member, alpha)  # twice: still one step
    done = _done(db, member)
    assert done["%"] == 83 and not done["opportunity"]
    with pytest.raises(NotFound):
        onboarding.checklist(db, world.caller(db, "outsider"), alpha)
    with pytest.raises(Unauthorized):
        onboarding.checklist(db, Caller.anonymous(), alpha)


def _search(db: Session, caller: Caller, at_least: int) -> set[int]:
    alpha = networks.get_network(db, OP, "alpha")
    page = directory.search_actors(
        db, caller, alpha, ActorSearch(min_completeness=at_least, limit=500)
    )
    return {a.id for a in page.items}


def test_the_directory_filters_on_what_the_caller_may_see(
    db: Session, world: SecurityWorld
) -> None:
    mina = world["actor_id"]
    patch = ActorPatch(headline="Facilitator", purposes=["x"], timezone="Europe/Paris")
    directory.update_actor(db, OP, mina, patch)
    other = world.caller(db, "other_member")
    # profile, capabilities, purposes, availability: 4 of 6, rounded down as the checklist does
    assert mina in _search(db, other, 66)
    assert mina not in _search(db, other, 67)
    # Capacity hidden from other members: the availability step no longer counts for them,
    # so the filter reveals nothing about it; the owner still sees their own 66%.
    directory.update_actor(db, OP, mina, ActorPatch(privacy={"capacity": "private"}))
    assert mina not in _search(db, other, 66) and mina in _search(db, other, 50)
    assert mina in _search(db, world.caller(db, "member"), 66)
    assert _done(db, world.caller(db, "member"))["%"] == 66
    assert mina in _search(db, other, 0)


def test_checklist_through_the_api_page_and_cli(
    db: Session, world: SecurityWorld, settings: Settings, clean_url: str
) -> None:
    db.commit()
    web: TestClient = browser(settings)
    csrf = sign_in(web, "member@example.org", PASSWORD)
    got: dict[str, Any] = web.get("/api/networks/alpha/onboarding").json()
    assert got["completeness"] == 16 and [s["key"] for s in got["steps"]][0] == "profile"
    page = web.get("/n/alpha").text
    assert "Your first steps" in page and "My privacy choices suit me" in page
    r = web.post("/n/alpha/onboarding/privacy", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert web.get("/api/networks/alpha/onboarding").json()["completeness"] == 33
    assert "My privacy choices suit me" not in web.get("/n/alpha").text
    listed = web.get("/api/networks/alpha/actors", params={"min_completeness": 30}).json()
    assert world["actor_id"] in {a["id"] for a in listed["items"]}
    assert (
        web.get("/api/networks/alpha/actors", params={"min_completeness": 101}).status_code == 422
    )
    page = web.get("/n/alpha/directory", params={"min_completeness": "abc"})
    assert page.status_code == 422 and "min_completeness" in page.text
    r = CliRunner().invoke(
        cli,
        ["networks", "onboarding", "-n", "alpha", "--json", "--below", "30"],
        env={"COALITION_DATABASE_URL": clean_url},
    )
    assert r.exit_code == 0, r.output
    assert world["actor_id"] not in {row["actor_id"] for row in json.loads(r.output)}
