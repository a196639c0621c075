"""Data portability: a member downloads everything held about them, and can delete their
account; their ties stay in the map under "Former member" with nothing personal left."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from coalition.config import Settings
from coalition.errors import NotFound, Unauthorized
from coalition.services import directory, networks, portability, ties, tokens
from coalition.services.access import Caller
from coalition.store.session import session_scope
from coalition.store.tables import Actor, Affiliation, Base, Engagement, Tie
from coalition.store.tables_auth import Account, ApiToken, AuthSession, Membership
from tests.factories import PASSWORD, SecurityWorld, security_world

from .helpers import browser, page_token, sign_in
from .test_security_privacy import MINA, OTTO, seed_secrets


@pytest.fixture
def world(db: Session) -> SecurityWorld:
    w = security_world(db)
    seed_secrets(db, w)
    return w


def test_export_holds_everything_about_me_and_nothing_about_others(
    db: Session, world: SecurityWorld
) -> None:
    member = world.caller(db, "member")
    data = portability.export_my_data(db, member)
    text = json.dumps(data)
    assert data["account"]["email"] == "member@example.org"
    assert [m["network"] for m in data["memberships"]] == ["alpha"]
    (mine,) = data["actors"]
    assert mine["id"] == world["actor_id"]
    assert mine["day_rate"] == MINA["day_rate"] and mine["email"] == MINA["email"]
    assert mine["day_rate_visibility"] == "private"
    assert mine["capabilities"] == [{"term": "Facilitation", "level": 4, "evidence": ""}]
    assert mine["affiliations"][0]["organisation_id"] == world["org_id"]
    assert [t["id"] for t in data["ties"]] == [world["tie_id"]]
    assert [e["hours_per_week"] for e in data["engagements"]] == [MINA["committed"]]
    if "invitations" in Base.metadata.tables:
        assert [i["reason"] for i in data["other"]["invitations"]] == [MINA["decline"]]
    assert [t["name"] for t in data["other"]["api_tokens"]] == ["member token"]
    # No secret of the platform and nothing private of anyone else.
    absent = ["password_hash", "token_hash", world["api_token"]]
    absent += [str(OTTO[k]) for k in ("email", "day_rate", "decline")]
    assert not [a for a in absent if a in text]
    with pytest.raises(Unauthorized):
        portability.export_my_data(db, Caller.anonymous())


def test_delete_account_keeps_ties_and_blanks_the_person(db: Session, world: SecurityWorld) -> None:
    member = world.caller(db, "member")
    alpha = networks.get_network(db, Caller.operator(), "alpha")
    ties_before = db.scalar(select(func.count()).select_from(Tie))
    with pytest.raises(Unauthorized):
        portability.delete_account(db, member, "not my password")
    assert db.get(Account, world.accounts["member"]) is not None
    token_caller = tokens.caller_for_token(db, world["api_token"])
    with pytest.raises(Exception) as refused:
        portability.delete_account(db, token_caller, PASSWORD)
    assert getattr(refused.value, "status", None) == 403
    portability.delete_account(db, member, PASSWORD)
    db.commit()
    assert db.get(Account, world.accounts["member"]) is None
    for model in (Membership, AuthSession, ApiToken):
        account_id = model.account_id  # type: ignore[attr-defined]
        assert not db.scalar(select(func.count()).where(account_id == world.accounts["member"]))
    actor = db.get_one(Actor, world["actor_id"])
    db.refresh(actor)
    assert actor.name == "Former member" and actor.anonymised == 1
    for field in ("day_rate", "email", "phone", "website", "timezone", "external_id"):
        assert getattr(actor, field) is None, field
    assert actor.headline == actor.bio == actor.purpose_text == ""
    assert actor.capabilities == [] and actor.purposes == [] and actor.languages == []
    assert actor.capacity_hours == actor.committed_hours == 0
    assert not db.scalar(select(func.count()).where(Affiliation.actor_id == actor.id))
    assert db.scalar(select(Engagement.status).where(Engagement.actor_id == actor.id)) == (
        "withdrawn"
    )
    invitations = Base.metadata.tables.get("invitations")
    if invitations is not None:
        reasons = db.scalars(
            select(invitations.c.reason).where(invitations.c.actor_id == actor.id)
        ).all()
        assert reasons == [None]
    # The map keeps its shape: the tie stays, its end is "Former member".
    assert db.scalar(select(func.count()).select_from(Tie)) == ties_before
    other = world.caller(db, "other_member")
    assert [t.id for t in ties.list_ties(db, other, alpha)] == [world["tie_id"]]
    assert ties.list_ties(db, world.caller(db, "outsider"), alpha) == []
    with pytest.raises(NotFound):
        directory.get_actor(db, other, actor.id)
    # The organisation Mina represented stays, without its representative.
    assert db.get_one(Actor, world["org_id"]).name == "Org"


def test_download_and_delete_through_the_pages(settings: Settings) -> None:
    with session_scope(settings.database_url) as db:
        security_world(db)
    client = browser(settings)
    csrf = sign_in(client, "member@example.org", PASSWORD)
    r = client.get("/account/export")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    assert r.json() == {
        **client.get("/api/me/export").json(),
        "exported_at": r.json()["exported_at"],
    }
    r = client.post("/account/delete", data={"csrf": csrf, "password": "wrong one"})
    assert r.status_code == 401 and "nothing was deleted" in r.text
    r = client.post(
        "/account/delete", data={"csrf": csrf, "password": PASSWORD}, follow_redirects=False
    )
    assert r.status_code == 303
    assert client.get("/api/me").status_code == 401
    r = client.post("/api/auth/login", json={"email": "member@example.org", "password": PASSWORD})
    assert r.status_code == 401
    page_token(client, "/login")  # the site still works for the anonymous visitor


def test_export_follows_every_area_to_what_is_about_me(db: Session) -> None:
    """Rows of other areas (invitations, contributions, conversations, votes) come along."""
    from .route_matrix import WORLD_HOOKS

    world = security_world(db)
    for hook in WORLD_HOOKS:
        world.values.update(hook(db, dict(world.values)))
    # Taking part as herself, not as the organisation she represents.
    db.execute(update(Affiliation).values(representative=0))
    member = world.caller(db, "member")
    tables = Base.metadata.tables
    if "votes" in tables:
        from coalition.schemas.deliberation import VoteIn
        from coalition.services import conversations as deliberation

        deliberation.cast_vote(
            db,
            member,
            world["conversation_id"],
            VoteIn(statement_id=world["statement_id"], value=1),
        )
    other = portability.export_my_data(db, member)["other"]
    for name in (
        "invitations",
        "notifications",
        "contributions",
        "conversation_participants",
        "votes",
    ):
        if name in tables:
            assert other.get(name), f"{name} about the member are in the export"
    if "votes" in tables:
        assert {v["value"] for v in other["votes"]} == {1}
    # Another member's export holds none of those.
    assert "votes" not in portability.export_my_data(db, world.caller(db, "other_member"))["other"]
