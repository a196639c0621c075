"""The gap report says what to change, computed from the network's profiles, and offers that
change as a button that lowers the level and asks again (issue 19, item 2)."""

from __future__ import annotations

from lxml import html as lxml_html
from sqlalchemy import select

from coalition.config import Settings
from coalition.services import gaps
from coalition.store.session import session_factory
from coalition.store.tables import RoleRequirement
from tests.conftest import make_client
from tests.factories import InvitationWorld, invitation_world

HTML = {"accept": "text/html"}


def _world(settings: Settings, level: int) -> InvitationWorld:
    """Three members with Facilitation at 4; role 0 (2 seats) asks for it at ``level``."""
    with session_factory(settings.database_url)() as db:
        w = invitation_world(db, capacities=(10.0, 10.0, 10.0), roles=1)
        req = db.scalars(select(RoleRequirement).where(RoleRequirement.role_id == w.roles[0])).one()
        req.min_level = level
        db.commit()
    return w


def test_advice_names_the_level_and_who_would_qualify(settings: Settings) -> None:
    w = _world(settings, 5)
    with session_factory(settings.database_url)() as db:
        advice = gaps.relaxations(db, w.convenor_caller, w.initiative_id)
    assert [(a.capability, a.level, a.lower_to, a.holders, a.qualify_after) for a in advice] == [
        ("Facilitation", 5, 4, 0, 3)
    ]
    assert advice[0].message.startswith("No one in the network has Facilitation at level 5;")
    assert "lower it to 4 and 3 people" in advice[0].message


def test_no_advice_when_enough_people_qualify(settings: Settings) -> None:
    w = _world(settings, 3)
    with session_factory(settings.database_url)() as db:
        assert gaps.relaxations(db, w.convenor_caller, w.initiative_id) == []


def test_the_button_lowers_the_level_and_asks_again(settings: Settings) -> None:
    w = _world(settings, 5)
    client = make_client(settings, w.convenor_caller)
    url = f"/initiatives/{w.initiative_id}/proposals/run"
    page = client.post(url, data={"alternatives": "0"}, headers=HTML)
    assert page.status_code == 200
    doc = lxml_html.fromstring(page.text)
    advice = doc.xpath("//*[@data-testid='advice']//li")[0]
    assert "No one in the network has Facilitation at level 5" in advice.text_content()
    button = advice.xpath(".//button[@name='lower']")[0]
    assert button.get("form") == "rerun"
    done = client.post(
        url, data={"alternatives": "0", "lower": button.get("value")}, follow_redirects=False
    )
    assert done.status_code == 303, done.text[:300]
    with session_factory(settings.database_url)() as db:
        req = db.scalars(select(RoleRequirement).where(RoleRequirement.role_id == w.roles[0])).one()
        assert req.min_level == 4
    refused = client.post(url, data={"alternatives": "0", "lower": f"{w.roles[0]}:1:9"})
    assert refused.status_code in (404, 422)
