"""Network settings, join policies and visibility, enforced in the services (SQLite and
PostgreSQL) and on every web path: a private network is, to outsiders, a network that does not
exist; an invitation-only network refuses self-joins; logos are checked before they are kept."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.config import Settings
from coalition.errors import Conflict, Forbidden, Invalid, NotFound
from coalition.schemas.auth import JoinIn, RegisterIn
from coalition.schemas.directory import ActorPatch, ActorSearch
from coalition.schemas.networks import NetworkSettingsPatch
from coalition.services import accounts, directory, identity, joining, network_settings, networks
from coalition.services.access import Caller
from coalition.store.tables import Actor
from coalition.store.tables_auth import Account, JoinRequest, Membership, OutboxMessage
from coalition.store.tables_invitations import Notification
from tests.factories import OP, PASSWORD, SecurityWorld, account, security_world

from .helpers import browser, page_token, sign_in
from .routes_networks import png


@pytest.fixture
def world(db: Session) -> SecurityWorld:
    return security_world(db)


def _alpha(db: Session) -> Any:
    return networks.get_network(db, OP, "alpha")


def _set(db: Session, **settings: Any) -> None:
    network_settings.update_settings(
        db, OP, _alpha(db), NetworkSettingsPatch.model_validate(settings)
    )
    db.commit()


def _applicant(db: Session, world: SecurityWorld) -> Caller:
    return identity.caller_for_account(db, world["applicant_account"])


def _new_account(db: Session, email: str) -> Caller:
    account = Account(email=email, display_name=email.split("@")[0].title(), password_hash="x")
    db.add(account)
    db.flush()
    return identity.caller_for_account(db, account.id)


# ---------------------------------------------------------------- settings


def test_stewards_keep_the_settings_and_others_cannot(db: Session, world: SecurityWorld) -> None:
    alpha = _alpha(db)
    steward = world.caller(db, "steward")
    out = network_settings.update_settings(
        db,
        steward,
        alpha,
        NetworkSettingsPatch.model_validate(
            {
                "purpose": "Better bids together",
                "visibility": "unlisted",
                "join_policy": "open",
                "welcome_text": "Say hello in the forum.",
                "default_privacy": {"capacity": "private", "profile": "public"},
            }
        ),
    )
    assert out.purpose == "Better bids together"
    assert out.visibility == "unlisted" and out.join_policy == "open"
    # Fields not sent keep the domain's defaults.
    assert out.default_privacy == {
        "profile": "public",
        "day_rate": "private",
        "capacity": "private",
        "contact": "network",
        "declines": "convenors",
    }
    for role in ("member", "convenor", "outsider"):
        with pytest.raises(Forbidden):
            network_settings.update_settings(
                db, world.caller(db, role), alpha, NetworkSettingsPatch(name="Hijacked")
            )
    assert _alpha(db).name == "Alpha"


@pytest.mark.parametrize(
    "bad",
    [
        {"visibility": "secret"},
        {"join_policy": "lottery"},
        {"default_privacy": {"shoe_size": "public"}},
        {"default_privacy": {"capacity": "friends"}},
        {"name": ""},
        {"purpose": "x" * 5001},
        {"unknown": "field"},
    ],
)
def test_bad_settings_are_refused_by_the_model(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        NetworkSettingsPatch.model_validate(bad)


def test_new_members_get_the_default_privacy(db: Session, world: SecurityWorld) -> None:
    _set(db, join_policy="open", default_privacy={"contact": "private", "capacity": "convenors"})
    newcomer = _new_account(db, "nadia@example.org")
    joining.join(db, newcomer, _alpha(db), JoinIn())
    actor_id = db.scalar(
        select(Membership.actor_id).where(Membership.account_id == newcomer.account_id)
    )
    actor = db.get_one(Actor, actor_id)
    assert (actor.contact_visibility, actor.capacity_visibility) == ("private", "convenors")
    assert (actor.visibility, actor.day_rate_visibility) == ("network", "private")


# ---------------------------------------------------------------- join policies


def test_open_network_makes_a_member_at_once_and_welcomes(
    db: Session, world: SecurityWorld
) -> None:
    _set(db, join_policy="open", welcome_text="Start with the directory.")
    applicant = _new_account(db, "olga@example.org")
    out = joining.join(db, applicant, _alpha(db), JoinIn(sector="business"))
    assert out.status == "approved"
    member = identity.caller_for_account(db, applicant.account_id or 0)
    assert member.has_role(world["network_id"], "member")
    assert not member.has_role(world["network_id"], "convenor")
    (actor_id,) = member.actor_ids
    note = db.scalars(select(Notification).where(Notification.recipient_id == actor_id)).one()
    assert "Start with the directory." in note.text and note.link == "/n/alpha"
    with pytest.raises(Conflict):
        joining.join(db, member, _alpha(db), JoinIn())


def test_approval_waits_and_the_person_is_told_either_way(
    db: Session, world: SecurityWorld
) -> None:
    steward = world.caller(db, "steward")
    alpha = _alpha(db)
    # the world's applicant asked already; a second person asks now
    bob = _new_account(db, "bob@example.org")
    pending = joining.join(db, bob, alpha, JoinIn(message="hi"))
    assert pending.status == "pending"
    assert not identity.caller_for_account(db, bob.account_id or 0).roles
    assert network_settings.standing(db, bob, alpha) == "pending"

    joining.decide(db, steward, alpha, pending.id, approve=True, base_url="http://c.example")
    bob = identity.caller_for_account(db, bob.account_id or 0)
    assert bob.member_of(alpha.id)
    (actor_id,) = bob.actor_ids
    kinds = db.scalars(select(Notification.kind).where(Notification.recipient_id == actor_id))
    assert list(kinds) == ["join_accepted"]
    mail = db.scalars(select(OutboxMessage).where(OutboxMessage.to_addr == "bob@example.org"))
    (accepted,) = list(mail)
    assert "accepted" in accepted.body and "http://c.example/n/alpha" in accepted.body

    joining.decide(db, steward, alpha, world["request_id"], approve=False)
    declined = db.scalars(
        select(OutboxMessage).where(OutboxMessage.to_addr == "applicant@example.org")
    ).one()
    assert "declined" in declined.body
    assert not _applicant(db, world).roles
    with pytest.raises(Forbidden):
        joining.decide(db, world.caller(db, "member"), alpha, pending.id, approve=True)


def test_invitation_only_refuses_self_joins_everywhere(db: Session, world: SecurityWorld) -> None:
    _set(db, join_policy="invitation")
    carol = _new_account(db, "carol@example.org")
    with pytest.raises(Forbidden, match="invitation only"):
        joining.join(db, carol, _alpha(db), JoinIn())
    with pytest.raises(Forbidden, match="invitation only"):
        accounts.register(
            db,
            Caller(),
            RegisterIn(
                email="dan@example.org",
                password="a long password",
                display_name="Dan",
                network="alpha",
            ),
            "http://x",
        )
    db.rollback()
    assert not db.scalar(select(func.count()).where(Account.email == "dan@example.org"))
    assert not db.scalar(
        select(func.count()).where(
            JoinRequest.network_id == world["network_id"], JoinRequest.status != "pending"
        )
    )


# ---------------------------------------------------------------- visibility in the services


def test_a_private_network_is_not_there_for_outsiders(db: Session, world: SecurityWorld) -> None:
    directory.update_actor(db, OP, world["actor_id"], ActorPatch(visibility="public"))
    db.commit()
    outsider, anonymous = world.caller(db, "outsider"), Caller.anonymous()
    # public: the member's public profile is seen by anyone
    assert directory.get_actor(db, anonymous, world["actor_id"]).name == "Mina Member"
    _set(db, visibility="private")
    for caller in (outsider, anonymous):
        with pytest.raises(NotFound) as hidden:
            networks.get_network(db, caller, "alpha")
        with pytest.raises(NotFound) as missing:
            networks.get_network(db, caller, "nowhere")
        assert hidden.value.message == missing.value.message.replace("nowhere", "alpha")
        assert "alpha" not in [n.slug for n in networks.list_networks(db, caller)]
        assert "alpha" not in [n.slug for n in network_settings.directory_of_networks(db, caller)]
        with pytest.raises(NotFound):
            directory.get_actor(db, caller, world["actor_id"])
        beta = networks.get_network(db, OP, "beta")
        seen = directory.search_actors(db, caller, beta, ActorSearch(limit=500))
        assert world["actor_id"] not in {a.id for a in seen.items}
    member = world.caller(db, "member")
    assert networks.get_network(db, member, "alpha").slug == "alpha"
    assert "alpha" in [n.slug for n in network_settings.directory_of_networks(db, member)]
    assert directory.get_actor(db, member, world["other_actor"]).name == "Otto Other"


def test_an_unlisted_network_is_reached_by_address_only(db: Session, world: SecurityWorld) -> None:
    _set(db, visibility="unlisted")
    outsider = world.caller(db, "outsider")
    assert networks.get_network(db, outsider, "alpha").slug == "alpha"
    assert "alpha" not in [n.slug for n in networks.list_networks(db, outsider)]
    assert "alpha" not in [
        n.slug for n in network_settings.directory_of_networks(db, outsider, "alp")
    ]
    page = network_settings.public_page(db, outsider, _alpha(db))
    assert page.counts.members == 4 and page.standing == "none"
    assert [i.title for i in page.initiatives] == ["Bid"]


# ---------------------------------------------------------------- logos


def _png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims ``width`` × ``height`` pixels (an image bomb's shape)."""
    data = bytearray(png(1, 1))
    ihdr = 8  # signature, then the IHDR chunk: length, type, data (13 bytes), crc
    data[ihdr + 8 : ihdr + 16] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr + 4 : ihdr + 21])) & 0xFFFFFFFF
    data[ihdr + 21 : ihdr + 25] = struct.pack(">I", crc)
    return bytes(data)


def _bmp() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format="BMP")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>", "not an image"),
        (b"GIF89a" + b"\0" * 40, "not an image"),
        (_bmp(), "PNG, JPEG, GIF or WebP"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (600 * 1024), "KiB"),
        (_png_claiming(50_000, 50_000), "pixels"),
        (_png_claiming(3000, 10), "pixels"),
        (png(64, 64)[:-30], "not an image"),
    ],
    ids=["empty", "svg", "fake-gif", "bmp", "oversize", "bomb", "too-wide", "truncated"],
)
def test_logos_are_checked_before_they_are_kept(data: bytes, reason: str) -> None:
    with pytest.raises(Invalid, match=reason) as refused:
        network_settings.check_logo(data)
    assert refused.value.field == "logo"


def test_a_logo_is_stored_and_served(db: Session, world: SecurityWorld) -> None:
    out = network_settings.set_logo(db, world.caller(db, "steward"), _alpha(db), png(32, 16))
    assert out.logo_url and out.logo_url.startswith("/n/alpha/logo?v=")
    logo = network_settings.get_logo(db, _alpha(db))
    assert logo is not None and (logo.media_type, logo.width, logo.height) == ("image/png", 32, 16)
    with pytest.raises(Forbidden):
        network_settings.set_logo(db, world.caller(db, "member"), _alpha(db), png())


# ---------------------------------------------------------------- the web, end to end


@pytest.fixture
def web(db: Session, world: SecurityWorld, settings: Settings) -> TestClient:
    db.commit()
    return browser(settings)


PRIVATE_PATHS = [
    "/n/{slug}",
    "/n/{slug}/logo",
    "/n/{slug}/directory",
    "/n/{slug}/initiatives",
    "/n/{slug}/settings",
    "/n/{slug}/map",
    "/api/networks/{slug}",
    "/api/networks/{slug}/public",
    "/api/networks/{slug}/actors",
    "/api/networks/{slug}/capabilities",
    "/api/networks/{slug}/map",
    "/api/networks/{slug}/map/export?format=kumu",
    "/api/networks/{slug}/bundle",
]


def test_a_private_network_answers_outsiders_like_a_missing_one(
    db: Session, world: SecurityWorld, web: TestClient
) -> None:
    network_settings.set_logo(db, OP, _alpha(db), png())
    directory.update_actor(db, OP, world["actor_id"], ActorPatch(visibility="public"))
    _set(db, visibility="private")
    anonymous = web
    for who in ("anonymous", "outsider"):
        if who == "outsider":
            sign_in(web, "outsider@example.org", PASSWORD)
        for path in PRIVATE_PATHS:
            hidden = anonymous.get(path.format(slug="alpha"), follow_redirects=False)
            missing = anonymous.get(path.format(slug="nowhere"), follow_redirects=False)
            assert hidden.status_code == missing.status_code == 404, (who, path)
            assert hidden.text.replace("alpha", "X") == missing.text.replace("nowhere", "X")
        assert anonymous.get(f"/actors/{world['actor_id']}").status_code == 404
        assert anonymous.get(f"/api/actors/{world['actor_id']}").status_code == 404
        for listing in ("/networks", "/api/network-directory", "/api/networks", "/", "/register"):
            body = anonymous.get(listing).text
            assert "Alpha" not in body and "/n/alpha" not in body, (who, listing)
    web.post("/logout", data={"csrf": page_token(web, "/account")})
    sign_in(web, "member@example.org", PASSWORD)
    for path in ("/n/alpha", "/n/alpha/logo", "/api/networks/alpha/public"):
        assert web.get(path).status_code == 200, path


def test_steward_changes_settings_and_logo_through_the_pages(
    db: Session, world: SecurityWorld, web: TestClient
) -> None:
    csrf = sign_in(web, "steward@example.org", PASSWORD)
    page = web.get("/n/alpha/settings")
    assert page.status_code == 200 and 'name="join_policy"' in page.text
    r = web.post(
        "/n/alpha/settings",
        data={
            "csrf": csrf,
            "name": "Alpha Partnership",
            "purpose": "Bid together",
            "visibility": "public",
            "join_policy": "invitation",
            "privacy_contact": "private",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:500]
    db.expire_all()
    alpha = _alpha(db)
    assert (alpha.name, alpha.join_policy) == ("Alpha Partnership", "invitation")
    assert network_settings.default_privacy(alpha)["contact"] == "private"
    db.rollback()  # a reader holds SQLite's lock until its transaction ends
    bad = web.post("/n/alpha/settings", data={"csrf": csrf, "join_policy": "lottery"})
    assert bad.status_code == 422 and "join_policy" in bad.text
    svg = web.post(
        "/n/alpha/settings/logo",
        data={"csrf": csrf},
        files={"logo": ("logo.svg", b"<svg/>", "image/svg+xml")},
    )
    assert svg.status_code == 422 and "not an image we can read" in svg.text
    ok = web.post(
        "/n/alpha/settings/logo",
        data={"csrf": csrf},
        files={"logo": ("logo.png", png(40, 40), "image/png")},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    logo = web.get("/n/alpha/logo")
    assert logo.headers["content-type"] == "image/png" and logo.content == png(40, 40)
    api = web.put(
        "/api/networks/alpha/logo",
        content=_png_claiming(50_000, 50_000),
        headers={"x-csrf-token": csrf},
    )
    assert api.status_code == 422 and "pixels" in api.json()["detail"]


def test_join_button_follows_the_policy_on_the_page(
    db: Session, world: SecurityWorld, web: TestClient
) -> None:
    page = web.get("/n/alpha")
    assert page.status_code == 200 and "Ask to join" in page.text
    assert (
        web.post(
            "/n/alpha/join", data={"csrf": page_token(web, "/n/alpha")}, follow_redirects=False
        ).headers["location"]
        == "/register?network=alpha"
    )
    csrf = sign_in(web, "outsider@example.org", PASSWORD)
    r = web.post("/n/alpha/join", data={"csrf": csrf, "message": "hi"}, follow_redirects=False)
    assert r.headers["location"] == "/n/alpha?notice=requested"
    assert "waiting for a steward" in web.get("/n/alpha").text
    _set(db, join_policy="invitation")
    web.post("/logout", data={"csrf": csrf})
    account(db, "newcomer@example.org", "Newcomer")
    db.commit()
    csrf = sign_in(web, "newcomer@example.org", PASSWORD)
    page = web.get("/n/alpha").text
    assert "by invitation only" in page and 'action="/n/alpha/join"' not in page
    refused = web.post("/api/networks/alpha/join", json={}, headers={"x-csrf-token": csrf})
    assert refused.status_code == 403 and "invitation only" in refused.json()["detail"]


def test_the_bundle_carries_the_settings(db: Session, world: SecurityWorld) -> None:
    """A private network restored from its bundle stays private (and keeps its policy)."""
    from coalition.io.bundle import export_bundle, import_bundle

    _set(
        db,
        visibility="private",
        join_policy="invitation",
        purpose="Quiet work",
        default_privacy={"contact": "private"},
    )
    bundle = export_bundle(db, _alpha(db))
    assert bundle["settings"]["visibility"] == "private"
    copy = import_bundle(db, bundle, slug="alpha-copy")
    assert (copy.visibility, copy.join_policy, copy.purpose) == (
        "private",
        "invitation",
        "Quiet work",
    )
    assert network_settings.default_privacy(copy)["contact"] == "private"
    assert export_bundle(db, copy)["settings"] == bundle["settings"]
    older = {k: v for k, v in bundle.items() if k != "settings"}
    plain = import_bundle(db, older, slug="alpha-old")
    assert (plain.visibility, plain.join_policy) == ("public", "approval")
    bad = dict(bundle, settings={"visibility": "secret"})
    with pytest.raises(Invalid, match="settings"):
        import_bundle(db, bad, slug="alpha-bad")
