"""The pickers' pages (web/pages/pickers.py) and the macro on the forms (templates/_picker.html):
the htmx fragment, the page without script, and the way back to the form with the id filled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from coalition.config import Settings
from coalition.services.access import Caller
from coalition.store.tables import Network
from coalition.store.tables_outcomes import KnowledgeAsset
from tests import factories as f
from tests.conftest import make_client

HX = {"HX-Request": "true"}


@dataclass
class Pages:
    team: f.Team
    hidden: int
    convenor: TestClient
    outsider: TestClient
    anonymous: TestClient
    asset: int


@pytest.fixture
def pages(db: Session, settings: Settings) -> Pages:
    team = f.team_world(db, slug="pick")
    network = db.get_one(Network, team.network_id)
    hidden = f.actor(db, network, "Member Hidden", visibility="private")
    asset = KnowledgeAsset(
        network_id=network.id,
        title="Budget template",
        link="https://example.org/t",
        licence="CC0-1.0",
        shared_on=date(2024, 5, 1),
    )
    db.add(asset)
    db.commit()
    return Pages(
        team=team,
        hidden=hidden,
        convenor=make_client(settings, team.as_(team.convenor)),
        outsider=make_client(settings, team.as_(team.outsider, team.outsider_network)),
        anonymous=make_client(settings, Caller.anonymous()),
        asset=asset.id,
    )


def _back(t: f.Team) -> str:
    return f"/initiatives/{t.initiative_id}/invitations"


def test_the_fragment_lists_members_as_links_back_to_the_form(pages: Pages) -> None:
    t = pages.team
    query = {"q": "member", "field": "inv-member", "back": _back(t)}
    r = pages.convenor.get("/n/pick/pick/members", params=query, headers=HX)
    assert r.status_code == 200, r.text
    assert "<html" not in r.text  # a fragment
    found = [int(i) for i in re.findall(r'data-pick-id="(\d+)"', r.text)]
    assert found == [t.ana, t.ben, t.carl]  # never the private member, nor the outsider
    assert f'href="{_back(t)}?pick_inv-member={t.ana}#inv-member-picker"' in r.text
    assert "Member Hidden" not in r.text and "Olga" not in r.text
    r = pages.convenor.get("/n/pick/pick/members", params={"q": "olga"}, headers=HX)
    assert "data-pick-id" not in r.text and "Nobody found" in r.text


def test_without_script_the_search_is_a_page_with_the_same_choices(pages: Pages) -> None:
    t = pages.team
    query = {"q": "member 1", "field": "inv-member", "back": _back(t)}
    r = pages.convenor.get("/n/pick/pick/members", params=query)
    assert r.status_code == 200 and "<html" in r.text
    assert 'name="q" value="member 1"' in r.text and f'value="{_back(t)}"' in r.text
    assert re.findall(r'data-pick-id="(\d+)"', r.text) == [str(t.ben)]
    assert f'href="{_back(t)}"' in r.text  # back to the form without choosing
    # Following a choice: the form's id field holds the id, and the name is shown beside it.
    back = pages.convenor.get(f"{_back(t)}?pick_inv-member={t.ben}")
    assert back.status_code == 200
    assert f'name="actor_id" value="{t.ben}"' in back.text
    assert "Chosen:" in back.text and "<strong data-picker-name>Member 1</strong>" in back.text


def test_a_choice_the_caller_may_not_pick_is_not_filled_in(pages: Pages) -> None:
    t = pages.team
    for stranger in (pages.hidden, t.outsider, 2_000_000_000_000):
        page = pages.convenor.get(f"{_back(t)}?pick_inv-member={stranger}").text
        assert 'name="actor_id" value=""' in page, stranger
        assert "Member Hidden" not in page and "Olga" not in page


def test_several_choices_add_up_in_a_field_of_several_ids(pages: Pages) -> None:
    t = pages.team
    url = f"/initiatives/{t.initiative_id}/threads?pick_thread-assets={pages.asset}"
    page = pages.convenor.get(url).text
    assert f'name="asset_ids" value="{pages.asset}"' in page
    assert "<strong data-picker-name>Budget template</strong>" in page
    r = pages.convenor.get(
        "/n/pick/pick/assets",
        params={"q": "budget", "field": "thread-assets", "back": url, "multiple": "true"},
    )
    assert f'href="{url}&amp;pick_thread-assets={pages.asset}#thread-assets-picker"' in r.text
    url = f"/initiatives/{t.initiative_id}/proposals?pick_lock-ids={t.ana}&pick_lock-ids={t.ben}"
    page = pages.convenor.get(url).text
    assert f'name="lock" value="{t.ana}, {t.ben}"' in page


def test_the_form_still_takes_the_id_it_always_took(pages: Pages) -> None:
    t = pages.team
    form = {"actor_id": str(t.carl), "role_id": "", "hours": "", "message": ""}
    page = pages.convenor.get(_back(t)).text
    form["role_id"] = re.findall(r'<option value="(\d+)"', page)[0]
    r = pages.convenor.post(_back(t), data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    r = pages.convenor.post(_back(t), data=form | {"actor_id": ""}, follow_redirects=False)
    assert r.status_code == 422 and "actor_id" in r.text


def test_who_may_search_and_bad_input(pages: Pages) -> None:
    assert pages.outsider.get("/n/pick/pick/members", params={"q": "m"}).status_code == 404
    r = pages.anonymous.get("/n/pick/pick/members", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    # Profiles without an account are a steward's tool.
    assert pages.convenor.get("/n/pick/pick/profiles", params={"q": "m"}).status_code == 403
    for bad in (
        {"q": "x" * 101},
        {"back": "//evil.example/x"},
        {"back": "https://evil.example/"},
        {"field": "a b"},
    ):
        r = pages.convenor.get("/n/pick/pick/members", params=bad)
        assert r.status_code == 422, bad
    assert pages.convenor.get("/n/pick/pick/everyone").status_code == 422


def _fields_before_the_picker(page: str) -> list[str]:
    """In each form with a picker, the names of the fields a person fills in before the first
    picker: what the search without script (a page of its own) would lose on the way back."""
    from lxml import html as lxml_html

    before: list[str] = []
    for form in lxml_html.fromstring(page).xpath("//form[.//*[@data-picker]]"):
        for el in form.iter():
            if el.get("data-picker") is not None:
                break
            typed = el.tag in ("textarea", "select") or (
                el.tag == "input" and el.get("type") not in ("hidden", "submit")
            )
            if typed and el.get("name") and not el.get("form"):
                before.append(el.get("name"))
    return before


def test_without_script_nothing_typed_before_a_picker_is_lost(
    pages: Pages, settings: Settings
) -> None:
    """Each form that uses a picker has it first: the search without script leaves the page,
    and whatever was typed in the fields above it would not come back with the choice."""
    t = pages.team
    steward = make_client(settings, f.caller(t.network_id, t.convenor, "steward", 1000))
    thread = pages.convenor.post(
        f"/api/initiatives/{t.initiative_id}/threads", json={"title": "Plan", "body": "Hello"}
    )
    assert thread.status_code == 201, thread.text
    checked = {
        "/n/pick/members": steward,
        "/n/pick/commons": pages.convenor,
        _back(t): pages.convenor,
        f"/initiatives/{t.initiative_id}/threads": pages.convenor,
        f"/threads/{thread.json()['id']}": pages.convenor,
        f"/initiatives/{t.initiative_id}/proposals": pages.convenor,
    }
    for url, client in checked.items():
        r = client.get(url)
        assert r.status_code == 200 and "data-picker" in r.text, (url, r.status_code)
        assert _fields_before_the_picker(r.text) == [], url
