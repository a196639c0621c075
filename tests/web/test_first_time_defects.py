"""Defects a first-time user hit (issue 19, item 6), each pinned by a test that failed before
its fix: e-mail links, the duplicate outcome, the refused member, the anonymous navigation,
the team page's hours, the calendar, the commitment window, the favicon and manifest, and the
newcomer's landing page. The map's two defects are browser tests (tests/browser)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from lxml import html as lxml_html
from sqlalchemy import select

from coalition.config import Settings
from coalition.errors import Forbidden
from coalition.schemas.invitations import AnswerIn, InviteIn
from coalition.services import engagements, initiatives, invitations, notifications
from coalition.store.session import session_factory
from coalition.store.tables import Actor
from coalition.store.tables_auth import OutboxMessage
from tests.conftest import make_client
from tests.factories import T0, InvitationWorld, invitation_world
from tests.security.helpers import browser, page_token

HTML = {"accept": "text/html"}


def _world(settings: Settings, **kw: object) -> InvitationWorld:
    with session_factory(settings.database_url)() as db:
        w = invitation_world(db, **kw)  # type: ignore[arg-type]
        db.commit()
    return w


def _engage(settings: Settings, w: InvitationWorld, actor: int, hours: float | None = None) -> int:
    """Invite ``actor`` to the first role (with ``hours`` if given) and accept: the engagement."""
    with session_factory(settings.database_url)() as db:
        seat: dict[str, object] = {"actor_id": actor, "role_id": w.roles[0]}
        if hours is not None:
            seat["hours"] = hours
        inv = invitations.invite(
            db,
            w.convenor_caller,
            w.initiative_id,
            InviteIn.model_validate({"seats": [seat], "message": "Join us"}),
            now=T0,
        )[0]
        out = invitations.answer(
            db, w.member(actor), inv.id, AnswerIn(answer="accept"), now=T0 + timedelta(hours=1)
        )
        db.commit()
        assert out.engagement is not None
        return out.engagement.id


def test_notification_mail_links_are_absolute(db_url: str, clean_url: str) -> None:
    public = "https://coalition.example.org/"
    with session_factory(clean_url)() as db:
        w = invitation_world(db)
        db.get_one(Actor, w.convenor).email = "convenor@example.org"
        db.info["settings"] = Settings(database_url=clean_url, public_url=public)
        notifications.notify(
            db, w.convenor, "test", "Someone answered.", link=f"/initiatives/{w.initiative_id}"
        )
        db.flush()
        body = db.scalars(select(OutboxMessage.body)).one()
    assert f"https://coalition.example.org/initiatives/{w.initiative_id}" in body
    assert not re.search(r"^/initiatives", body, re.MULTILINE)


def test_public_url_falls_back_to_the_base_url(clean_url: str) -> None:
    with session_factory(clean_url)() as db:
        w = invitation_world(db)
        db.get_one(Actor, w.convenor).email = "convenor@example.org"
        db.info["settings"] = Settings(database_url=clean_url, base_url="http://host:9000")
        notifications.notify(db, w.convenor, "test", "Hello.", link="/me/invitations")
        db.flush()
        assert "http://host:9000/me/invitations" in db.scalars(select(OutboxMessage.body)).one()


def test_a_refused_member_is_told_the_convenor_decides(settings: Settings) -> None:
    w = _world(settings)
    with session_factory(settings.database_url)() as db:
        row = initiatives.load_initiative(db, w.member(w.members[0]), w.initiative_id)
        with pytest.raises(Forbidden) as refused:
            initiatives.require_convenor(db, w.member(w.members[0]), row)
    assert "convenor" in refused.value.message and "steward role" not in refused.value.message
    page = make_client(settings, w.member(w.members[0])).get(
        f"/initiatives/{w.initiative_id}/proposals", headers=HTML
    )
    assert page.status_code == 403 and "convenor of this initiative" in page.text


def test_duplicate_outcome_keeps_the_form(settings: Settings) -> None:
    w = _world(settings)
    client = make_client(settings, w.convenor_caller)
    form = {
        "name": "People reached",
        "unit": "people",
        "baseline": "10",
        "baseline_date": "2026-04-01",
        "target": "250",
        "direction": "increase",
        "due_date": "2026-09-30",
        "description": "Across the three districts",
    }
    url = f"/initiatives/{w.initiative_id}/outcomes/new"
    assert client.post(url, data=form, follow_redirects=False).status_code == 303
    again = client.post(url, data=form, headers=HTML, follow_redirects=False)
    assert again.status_code == 409
    doc = lxml_html.fromstring(again.text)
    assert doc.xpath("//h1"), "a whole page, not a bare error"
    alert = doc.xpath("//*[@id='outcome-error']")[0].text_content()
    assert "People reached" in alert and "another name" in alert
    fields = {i.get("name"): i.get("value") for i in doc.xpath(f"//form[@action='{url}']//input")}
    assert fields["name"] == "People reached" and float(fields["target"] or 0) == 250
    assert fields["description"] == "Across the three districts"
    assert doc.xpath("//details[@id='define-outcome'][@open]"), "the form is shown open"


def _register(settings: Settings, name: str = "Nia"):  # type: ignore[no-untyped-def]
    client = browser(settings)
    token = page_token(client, "/register")
    form = {
        "csrf": token,
        "email": f"{name.lower()}@example.org",
        "display_name": name,
        "password": "x" * 12,
    }
    return client, client.post("/register", data=form, follow_redirects=False)


def test_visitors_see_no_personal_pages_in_the_navigation(settings: Settings) -> None:
    anonymous = browser(settings).get("/", headers=HTML).text
    for path in ("/me/invitations", "/me/commitments", "/me/threads"):
        assert f'href="{path}"' not in anonymous
    client, _ = _register(settings)
    member = client.get("/", headers=HTML).text
    assert 'href="/me/invitations"' in member and 'href="/me/commitments"' in member


def test_team_page_shows_the_hours_each_member_agreed(settings: Settings) -> None:
    w = _world(settings, role_hours=4.0)
    _engage(settings, w, w.members[0], hours=2.5)
    client = make_client(settings, w.member(w.members[1]))
    doc = lxml_html.fromstring(
        client.get(f"/initiatives/{w.initiative_id}/team", headers=HTML).text
    )
    card = doc.xpath("//li[contains(@class,'card')][.//a[text()='Member 0']]")[0]
    assert "2.5 h/week agreed" in card.text_content()
    api = client.get(f"/api/initiatives/{w.initiative_id}/team").json()
    assert [m["hours_per_week"] for m in api["members"]] == [2.5]


def test_calendar_is_a_weekly_block_of_the_agreed_hours(settings: Settings) -> None:
    w = _world(settings)
    _engage(settings, w, w.members[0], hours=6)
    text = make_client(settings, w.member(w.members[0])).get("/me/engagements.ics").text
    events = text.split("BEGIN:VEVENT")[1:]
    assert len(events) == 1
    event = events[0].replace("\r\n ", "")
    assert "RRULE:FREQ=WEEKLY;UNTIL=20260930T235959" in event
    assert "DTSTART:20260401T090000" in event and "DURATION:PT6H" in event
    assert "VALUE=DATE" not in event  # not one all-day event over the whole window
    assert "6 h/week agreed\\, 2026-04-01 to 2026-09-30" in event


def test_commitment_window_after_stepping_back_before_the_start(settings: Settings) -> None:
    w = _world(settings, start="2026-04-01")
    engagement = _engage(settings, w, w.members[0])
    with session_factory(settings.database_url)() as db:
        engagements.step_back(db, w.member(w.members[0]), engagement, now=T0 + timedelta(days=3))
        db.commit()
    page = make_client(settings, w.member(w.members[0])).get("/me/commitments", headers=HTML)
    text = " ".join(lxml_html.fromstring(page.text).text_content().split())
    # Dates read in the reader's language (Babel's medium form: "Mar 5, 2026" in English).
    assert "Apr 1, 2026 – Mar 5, 2026" not in text
    assert "stepped back on Mar 5, 2026, before it began" in text


def test_favicon_icons_and_manifest(settings: Settings) -> None:
    client = make_client(settings)
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    manifest = client.get("/manifest.webmanifest")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    body = manifest.json()
    assert body["name"] == "Coalition" and body["display"] == "standalone"
    sizes = {i["sizes"] for i in body["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for entry in body["icons"]:
        assert client.get(entry["src"]).status_code == 200, entry["src"]
    home = lxml_html.fromstring(client.get("/", headers=HTML).text)
    assert home.xpath("//link[@rel='manifest']/@href") == ["/manifest.webmanifest"]
    assert "/favicon.ico" in home.xpath("//link[@rel='icon']/@href")


def test_a_newcomer_lands_on_next_steps(settings: Settings) -> None:
    client, r = _register(settings)
    assert r.status_code == 303 and r.headers["location"] == "/welcome"
    page = client.get("/welcome", headers=HTML)
    doc = lxml_html.fromstring(page.text)
    assert "Welcome, Nia" in doc.xpath("//h1")[0].text_content()
    links = doc.xpath("//main//a/@href")
    assert "/networks" in links and "/help/glossary" in links
