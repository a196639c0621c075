"""The account pages as a browser uses them: forms with their CSRF field, redirects, effects."""

from __future__ import annotations

import re
from dataclasses import replace

from sqlalchemy import select

from coalition.config import Settings
from coalition.store.session import session_scope
from coalition.store.tables import Actor
from coalition.store.tables_auth import JoinRequest, Membership
from tests.factories import PASSWORD, security_world

from .helpers import CSRF_FIELD, browser, sign_in


def test_steward_admits_and_names_roles_from_the_members_page(settings: Settings) -> None:
    settings = replace(settings, development=True)  # the invitation is read from /dev/outbox
    with session_scope(settings.database_url) as db:
        world = security_world(db)
    steward = browser(settings)
    csrf = sign_in(steward, "steward@example.org", PASSWORD)
    page = steward.get("/n/alpha/members", headers={"accept": "text/html"})
    assert page.status_code == 200 and "applicant@example.org" in page.text
    r = steward.post(
        f"/n/alpha/requests/{world['request_id']}/approve",
        data={"csrf": csrf, "role": "convenor"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = steward.post(
        f"/n/alpha/members/{world['account_id']}/role",
        data={"csrf": csrf, "role": "steward"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = steward.post(
        "/n/alpha/invites", data={"csrf": csrf, "email": "new@example.org"}, follow_redirects=False
    )
    assert r.status_code == 303
    with session_scope(settings.database_url) as db:
        roles = dict(db.execute(select(Membership.account_id, Membership.role)).all())
        assert roles[world["applicant_account"]] == "convenor"
        assert roles[world["account_id"]] == "steward"
        assert db.get_one(JoinRequest, world["request_id"]).status == "approved"
    outbox = steward.get("/api/dev/outbox").json()
    invite = re.search(r"/register\?invite=(\S+)", outbox[0]["body"])
    assert invite and outbox[0]["to_addr"] == "new@example.org"
    # The invitee registers from the link and lands in the network as a member.
    newcomer = browser(settings)
    page = newcomer.get(f"/register?invite={invite.group(1)}", headers={"accept": "text/html"})
    assert page.status_code == 200 and "Join Alpha" in page.text
    token = CSRF_FIELD.search(page.text).group(1)  # type: ignore[union-attr]
    r = newcomer.post(
        "/register",
        data={
            "csrf": token,
            "invite": invite.group(1),
            "email": "new@example.org",
            "display_name": "Newt",
            "password": "a fine passphrase",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    me = newcomer.get("/api/me").json()
    assert [(m["network"], m["role"]) for m in me["memberships"]] == [("alpha", "member")]
    # A member may not do what a steward does.
    member = browser(settings)
    csrf = sign_in(member, "member@example.org", PASSWORD)
    r = member.post(
        f"/n/alpha/members/{world['account_id']}/role",
        data={"csrf": csrf, "role": "member"},
        headers={"accept": "text/html"},
    )
    assert r.status_code == 403


def test_member_sets_privacy_and_tokens_from_the_account_page(settings: Settings) -> None:
    with session_scope(settings.database_url) as db:
        world = security_world(db)
    member = browser(settings)
    csrf = sign_in(member, "member@example.org", PASSWORD)
    page = member.get("/account").text
    assert "Mina Member" in page and "Org" in page, "own profile and represented organisation"
    r = member.post(
        f"/account/privacy/{world['actor_id']}",
        data={
            "csrf": csrf,
            "visibility": "public",
            "day_rate": "public",
            "capacity": "private",
            "contact": "convenors",
            "declines": "private",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    with session_scope(settings.database_url) as db:
        actor = db.get_one(Actor, world["actor_id"])
        assert (actor.visibility, actor.day_rate_visibility, actor.capacity_visibility) == (
            "public",
            "public",
            "private",
        )
        assert (actor.contact_visibility, actor.declines_visibility) == ("convenors", "private")
    # Someone else's profile cannot be set from here, even by a steward.
    steward = browser(settings)
    s_csrf = sign_in(steward, "steward@example.org", PASSWORD)
    r = steward.post(
        f"/account/privacy/{world['actor_id']}", data={"csrf": s_csrf, "day_rate": "public"}
    )
    assert r.status_code == 404
    r = member.post(
        "/account/tokens",
        data={"csrf": csrf, "name": "laptop", "scopes": ["read", "write"], "expires_in_days": "30"},
    )
    assert r.status_code == 201
    token = re.search(r'<code class="secret">(coa_[^<]+)</code>', r.text)
    assert token
    assert token.group(1) not in member.get("/account").text, "shown once"
    api = browser(settings)
    assert api.get("/api/me", headers={"authorization": f"Bearer {token.group(1)}"}).json()[
        "scopes"
    ] == ["read", "write"]
    r = member.post("/account/tokens", data={"csrf": csrf, "name": "", "scopes": []})
    assert r.status_code == 422 and "errors" in r.text
