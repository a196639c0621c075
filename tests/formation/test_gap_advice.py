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


def test_the_advice_counts_people_in_every_language() -> None:
    """One person is one person: "Only 1 person … has", "1 person has", "1 seat", in each
    language with its own plural forms (French counts 0 and 1 as singular)."""
    from coalition.engines.formation.reasons import ObstacleCode, Said
    from coalition.i18n import use_locale
    from coalition.services.formation_obstacles import obstacle

    def advice(holders: int, after: int, seats: int) -> gaps.Relaxation:
        return gaps.Relaxation(1, "Lead", 1, "Facilitation", 4, holders, 0, 3, after, seats)

    with use_locale("en"):
        one = advice(1, 1, 1).message
        assert one.startswith("Only 1 person in the network has Facilitation at level 4;"), one
        assert "lower it to 3 and 1 person has every" in one and "(it has 1 seat)" in one
        many = advice(2, 1200, 3).message
        assert "Only 2 people in the network have" in many and "1,200 people have" in many
        short = Said(ObstacleCode.SECTOR_SHORT, "", minimum=2, sector="health", have=1)
        assert "only 1 of those who qualify is in that sector" in obstacle(short)
        pool = Said(ObstacleCode.DISTINCT_PEOPLE, "", needed=3, qualify=1)
        assert "only 1 person qualifies for any role" in obstacle(pool)
    with use_locale("es"):
        one = advice(1, 1, 1).message
        assert "Solo 1 persona de la red tiene" in one and "1 persona tendrá" in one, one
        assert "1 plaza)" in one and "personas" not in one
        assert "1.200 personas tendrán" in advice(2, 1200, 3).message
        assert "solo 1 de quienes cumplen los requisitos es de ese sector" in obstacle(short)
    with use_locale("fr"):
        one = advice(1, 1, 1).message
        assert "Seule 1 personne du réseau a" in one and "1 personne aura" in one, one
        assert "personnes" not in one
        zero = Said(ObstacleCode.SECTOR_SHORT, "", minimum=2, sector="health", have=0)
        assert "0 seulement est de ce secteur" in obstacle(zero)
