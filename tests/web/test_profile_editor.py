"""The profile editor page and the directory search form, without a browser: what a form post
changes, what it refuses (and says why), and that an editor never overwrites a field they
cannot see."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from lxml import html as lxml_html
from sqlalchemy import select

from coalition.config import Settings
from coalition.schemas.directory import ActorIn, CapabilityIn, NetworkIn
from coalition.services import directory, networks
from coalition.services.access import Caller
from coalition.store.session import session_factory
from coalition.store.tables import Actor
from tests.conftest import make_client

OP = Caller.operator()
HTML = {"accept": "text/html"}


def _world(settings: Settings) -> dict[str, Any]:
    with session_factory(settings.database_url)() as db:
        net = networks.create_network(db, OP, NetworkIn(slug="edit", name="Edit"))
        for term in ("Facilitation", "Coaching", "Learning design"):
            networks.add_capability(db, OP, net, CapabilityIn(term=term))

        def person(name: str, **kw: Any) -> int:
            data: dict[str, Any] = {
                "kind": "person",
                "name": name,
                "sector": "independent",
                "timezone": "Europe/Paris",
                "languages": ["fr"],
                "capacity_hours": 20.0,
                "capabilities": [{"term": "Facilitation", "level": 3}],
                "purposes": ["housing"],
            }
            data.update(kw)
            return directory.create_actor(db, OP, net, ActorIn.model_validate(data)).id

        ada = person(
            "Ada",
            day_rate=400.0,
            email="ada@example.org",
            privacy={"day_rate": "private", "contact": "private"},
        )
        bola = person("Bola", timezone="Africa/Lagos", languages=["yo", "en"], visibility="private")
        db.scalars(select(Actor).where(Actor.id == ada)).one().committed_hours = 6.0
        db.commit()
        return {"net": net.id, "ada": ada, "bola": bola}


def _client(settings: Settings, w: dict[str, Any], who: str) -> TestClient:
    callers = {
        "ada": Caller(account_id=1, actor_ids=frozenset({w["ada"]}), roles={w["net"]: "member"}),
        "bola": Caller(account_id=2, actor_ids=frozenset({w["bola"]}), roles={w["net"]: "member"}),
        "steward": Caller(account_id=3, roles={w["net"]: "steward"}),
        "anonymous": Caller(),
    }
    return make_client(settings, callers[who])


def _form(client: TestClient, actor_id: int) -> tuple[lxml_html.HtmlElement, dict[str, Any]]:
    r = client.get(f"/actors/{actor_id}/edit", headers=HTML)
    assert r.status_code == 200, r.text[:300]
    doc = lxml_html.fromstring(r.text)
    form = doc.xpath(f"//form[@action='/actors/{actor_id}/edit']")[0]
    fields: dict[str, Any] = {}
    for el in form.xpath(".//input[@name] | .//textarea[@name] | .//select[@name]"):
        name = el.get("name")
        if el.tag == "select":
            chosen = el.xpath("./option[@selected]/@value") or el.xpath("./option[1]/@value")
            value = chosen[0] if chosen else ""
        elif el.tag == "textarea":
            value = el.text or ""
        else:
            value = el.get("value") or ""
        fields.setdefault(name, []).append(value)
    # Every field is labelled.
    labelled = {label.get("for") for label in doc.xpath("//label[@for]")}
    for el in form.xpath(".//input[not(@type='hidden')] | .//select | .//textarea"):
        assert el.get("id") in labelled, lxml_html.tostring(el)[:200]
    return doc, fields


def _post(client: TestClient, actor_id: int, fields: dict[str, Any]) -> Any:
    return client.post(
        f"/actors/{actor_id}/edit", data=fields, headers=HTML, follow_redirects=False
    )


def _row(settings: Settings, actor_id: int) -> Actor:
    with session_factory(settings.database_url)() as db:
        actor = db.get_one(Actor, actor_id)
        db.expunge(actor)
        return actor


def test_owner_edits_capabilities_purposes_capacity_and_privacy(settings: Settings) -> None:
    w = _world(settings)
    ada = _client(settings, w, "ada")
    _, fields = _form(ada, w["ada"])
    assert fields["cap_term"][0] == "Facilitation" and fields["cap_level"][0] == "3"
    assert fields["day_rate"] == ["400"]  # the owner sees her private fields
    fields["cap_level"][0] = "5"  # change a level
    fields["cap_term"][1], fields["cap_level"][1] = "Coaching", "2"  # add a capability
    fields["cap_evidence"][1] = "Ran the 2024 mentoring scheme"
    fields["purposes"] = ["housing, youth employment"]
    fields["capacity_hours"] = ["12.5"]
    fields["privacy_capacity"] = ["private"]
    fields["languages"] = ["fr, en"]
    r = _post(ada, w["ada"], fields)
    assert r.status_code == 303 and r.headers["location"] == f"/actors/{w['ada']}?saved=1"

    seen = ada.get(f"/api/actors/{w['ada']}").json()
    levels = {c["term"]: (c["level"], c["evidence"]) for c in seen["capabilities"]}
    assert levels == {"Facilitation": (5, ""), "Coaching": (2, "Ran the 2024 mentoring scheme")}
    assert seen["purposes"] == ["housing", "youth employment"]
    assert seen["capacity_hours"] == 12.5 and seen["languages"] == ["fr", "en"]
    assert seen["day_rate"] == 400.0 and seen["email"] == "ada@example.org"  # untouched

    # Removing a capability: choose "none".
    _, fields = _form(ada, w["ada"])
    fields["cap_term"] = ["" if t == "Coaching" else t for t in fields["cap_term"]]
    assert _post(ada, w["ada"], fields).status_code == 303
    assert [c["term"] for c in ada.get(f"/api/actors/{w['ada']}").json()["capabilities"]] == [
        "Facilitation"
    ]

    # Another member: the capacity made private is hidden, and the page says so.
    bola = _client(settings, w, "bola")
    other = bola.get(f"/api/actors/{w['ada']}").json()
    assert other["capacity_hours"] is None and "capacity" in other["hidden"]
    page = bola.get(f"/actors/{w['ada']}", headers=HTML).text
    assert "12.5 h/week" not in page and "not shared" in page
    assert f'href="/actors/{w["ada"]}/edit"' not in page


def test_refusals_keep_what_was_typed_and_say_why(settings: Settings) -> None:
    w = _world(settings)
    ada = _client(settings, w, "ada")
    _, fields = _form(ada, w["ada"])
    fields["headline"] = ["Still here after the error"]

    for change, message, status in (
        ({"capacity_hours": ["lots"]}, "hours per week must be a number", 422),
        ({"timezone": ["Mars/Olympus"]}, "is not an IANA time zone", 422),
        # languages are typed by name now ("French" is fr): an unknown name is refused
        ({"languages": ["Klingonese"]}, "is not a language we know", 422),
        ({"privacy_capacity": ["everyone"]}, "privacy", 422),
        ({"capacity_hours": ["4"]}, "below the 6 h/week already committed", 409),
    ):
        r = _post(ada, w["ada"], fields | change)
        assert r.status_code == status, (change, r.status_code, r.text[:300])
        errors = lxml_html.fromstring(r.text).xpath("//div[@class='errors']")
        assert errors and message in errors[0].text_content(), (change, r.text[:2000])
        assert 'value="Still here after the error"' in r.text
    row = _row(settings, w["ada"])
    assert row.capacity_hours == 20.0 and row.headline == ""  # nothing saved


def test_who_may_edit_and_fields_the_editor_cannot_see(settings: Settings) -> None:
    w = _world(settings)
    assert (
        _client(settings, w, "bola").get(f"/actors/{w['ada']}/edit", headers=HTML).status_code
        == 403
    )
    r = _client(settings, w, "anonymous").get(
        f"/actors/{w['ada']}/edit", headers=HTML, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/login")

    # A steward edits Ada's headline; her private day rate and contact are not in the form,
    # so they cannot be overwritten by what the steward does not see.
    steward = _client(settings, w, "steward")
    doc, fields = _form(steward, w["ada"])
    assert "day_rate" not in fields and "email" not in fields and "phone" not in fields
    assert "not shown to you" in doc.text_content()
    fields["headline"] = ["Edited by the steward"]
    assert _post(steward, w["ada"], fields).status_code == 303
    row = _row(settings, w["ada"])
    assert row.headline == "Edited by the steward"
    assert row.day_rate == 400.0 and row.email == "ada@example.org"


def test_directory_form_treats_empty_fields_as_any(settings: Settings) -> None:
    w = _world(settings)
    ada = _client(settings, w, "ada")
    query = "q=&capability=&min_level=1&purpose=&kind=&sector=&region=&timezone=&language="
    r = ada.get(f"/n/edit/directory?{query}&min_free_hours=", headers=HTML)
    assert r.status_code == 200, r.text[:300]
    assert re.search(r">\s*1 match\s*<", r.text)  # Bola's profile is private
    # The facets offer only what the caller may see.
    doc = lxml_html.fromstring(r.text)
    assert doc.xpath("//select[@name='timezone']/option/@value") == ["", "Europe/Paris"]
    assert doc.xpath("//select[@name='language']/option/@value") == ["", "fr"]
    # A value that is not a number is refused with a message, not a crash.
    bad = ada.get("/n/edit/directory?min_free_hours=lots", headers=HTML)
    assert bad.status_code == 422 and "min_free_hours" in bad.text
    # The htmx request gets the results and the count, shown in place.
    part = ada.get(
        "/n/edit/directory?capability=Facilitation&min_level=4",
        headers=HTML | {"HX-Request": "true"},
    )
    assert part.status_code == 200 and "<html" not in part.text
    assert 'id="result-count" hx-swap-oob="innerHTML">0 matches' in part.text
