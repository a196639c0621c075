"""The convenor's pages without a browser: the guided form for a new initiative (steps,
validation beside each field, authorisation, the htmx fragment), "invite this team" from a
proposal, the newest run, and publishing the team page — with their API twins."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from lxml import html as lxml_html
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.config import Settings
from coalition.schemas.formation import ProposalRequest
from coalition.schemas.invitations import AnswerIn, InviteIn
from coalition.services import formation, invitations
from coalition.services.access import Caller
from coalition.store.session import session_factory
from coalition.store.tables import Initiative, Network
from coalition.store.tables_invitations import Invitation
from tests.conftest import make_client
from tests.factories import OP, InvitationWorld, invitation_world, person

HTML = {"accept": "text/html"}


def _world(settings: Settings, members: int = 6) -> InvitationWorld:
    with session_factory(settings.database_url)() as db:
        w = invitation_world(db, capacities=(10.0,) * members)
        db.commit()
    return w


def _caller(w: InvitationWorld, role: str, actor: int | None = None) -> Caller:
    return Caller(
        account_id=500 + len(role),
        actor_ids=frozenset({actor}) if actor else frozenset(),
        roles={w.network_id: role},
    )


def _doc(text: str) -> lxml_html.HtmlElement:
    doc = lxml_html.fromstring(text)
    labelled = {label.get("for") for label in doc.xpath("//label[@for]")}
    for field in doc.xpath("//input[not(@type='hidden')] | //select | //textarea"):
        assert field.xpath("ancestor::label") or field.get("id") in labelled, lxml_html.tostring(
            field
        )
    assert not doc.xpath("//script[not(@src)]")
    assert not [a for el in doc.iter() for a in el.attrib if a.startswith("on")]
    return doc


def _errors(doc: lxml_html.HtmlElement) -> dict[str, str]:
    """Each field's complaint, by the id of the field that points at it."""
    out = {}
    for field in doc.xpath("//*[@aria-invalid='true']"):
        ids = (field.get("aria-describedby") or "").split()
        notes = [doc.get_element_by_id(i).text_content() for i in ids if i.startswith("err-")]
        out[field.get("id")] = " ".join(notes)
    return out


BASICS = {
    "title": "Guided bid",
    "kind": "project",
    "purpose": "Win the guided bid",
    "purpose_tags": "bids, skills",
    "start_date": "2026-05-01",
    "end_date": "2026-08-31",
    "budget": "12000",
    "max_per_organisation": "2",
    "timezone_coverage": "emea",
    "sector_min_business": "1",
}
ROLES = {
    "role-0-title": "Host",
    "role-0-seats": "1",
    "role-0-hours": "3",
    "role-0-languages": "en",
    "role-0-regions": "emea",
    "role-0-cap-0": "Facilitation",
    "role-0-level-0": "3",
    "role-0-cap-1": "",
    "role-0-level-1": "3",
    "role-1-title": "Researcher",
    "role-1-seats": "2",
    "role-1-hours": "2.5",
    "role-1-cap-0": "Research",
    "role-1-level-0": "2",
}


def _post(client: TestClient, slug: str, data: dict[str, Any]) -> Any:
    return client.post(
        f"/n/{slug}/initiatives/new", data=data, headers=HTML, follow_redirects=False
    )


def test_who_may_open_the_guided_form(settings: Settings) -> None:
    w = _world(settings)
    path = f"/n/{w.slug}/initiatives/new"
    expected = {"convenor": 200, "steward": 200, "member": 403}
    for role, status in expected.items():
        client = make_client(settings, _caller(w, role))
        assert client.get(path, headers=HTML).status_code == status, role
        assert client.get(path + "/role?index=2", headers=HTML).status_code == status, role
        r = _post(client, w.slug, {**BASICS, **ROLES, "title": f"By {role}", "action": "save"})
        assert r.status_code == (303 if status == 200 else 403), (role, r.text[:300])
    anonymous = make_client(settings, Caller.anonymous())
    r = anonymous.get(path, headers=HTML, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    outsider = make_client(settings, Caller(account_id=9, roles={w.network_id + 100: "steward"}))
    assert outsider.get(path, headers=HTML).status_code == 403
    with session_factory(settings.database_url)() as db:
        titles = db.scalars(select(Initiative.title).order_by(Initiative.id)).all()
        assert titles == ["Bid inv", "By convenor", "By steward"]


def test_guided_steps_save_the_initiative_with_its_roles(settings: Settings) -> None:
    w = _world(settings)
    client = make_client(settings, w.convenor_caller)
    doc = _doc(client.get(f"/n/{w.slug}/initiatives/new", headers=HTML).text)
    assert (
        doc.xpath("//li[@aria-current='step']")[0].text_content().strip().endswith("The initiative")
    )

    # Step 1 → 2: the basics travel on as hidden fields, a first empty role appears.
    r = _post(client, w.slug, {**BASICS, "step": "basics", "action": "to_roles"})
    assert r.status_code == 200, r.text[:500]
    doc = _doc(r.text)
    hidden = {i.get("name"): i.get("value") for i in doc.xpath("//input[@type='hidden']")}
    assert hidden["title"] == "Guided bid" and hidden["sector_min_business"] == "1"
    assert doc.xpath("//input[@id='role-0-title']")
    options = doc.xpath("//select[@id='role-0-cap-0']//option/@value")
    assert {"Facilitation", "Research"} <= set(options)

    # Without script: add a role, a capability row, remove a role; typed values survive.
    r = _post(client, w.slug, {**BASICS, **ROLES, "step": "roles", "action": "add_role"})
    doc = _doc(r.text)
    assert doc.xpath("//input[@id='role-2-title'][@autofocus]")
    assert doc.xpath("//input[@id='role-1-title']/@value") == ["Researcher"]
    r = _post(client, w.slug, {**BASICS, **ROLES, "step": "roles", "action": "add_row:1"})
    assert _doc(r.text).xpath("//select[@id='role-1-cap-1']")
    r = _post(client, w.slug, {**BASICS, **ROLES, "step": "roles", "action": "remove_role:0"})
    doc = _doc(r.text)
    assert not doc.xpath("//input[@id='role-0-title']") and doc.xpath("//input[@id='role-1-title']")

    # Review: nothing saved yet; each role says how many profiles meet its minimums.
    r = _post(client, w.slug, {**BASICS, **ROLES, "step": "roles", "action": "to_review"})
    assert r.status_code == 200, r.text[:500]
    doc = _doc(r.text)
    rows = doc.xpath("//section[contains(@class,'review')]//tbody/tr")
    assert [row.xpath("th")[0].text_content() for row in rows] == ["Host", "Researcher"]
    assert [row.xpath("td")[-1].text_content().strip()[:1] for row in rows] == ["6", "6"]
    with session_factory(settings.database_url)() as db:
        assert db.scalar(select(func.count()).where(Initiative.title == "Guided bid")) == 0

    r = _post(client, w.slug, {**BASICS, **ROLES, "step": "review", "action": "save"})
    assert r.status_code == 303, r.text[:500]
    found = re.fullmatch(r"/initiatives/(\d+)\?created=1", r.headers["location"])
    assert found is not None, r.headers["location"]
    created = int(found[1])
    item = client.get(f"/api/initiatives/{created}").json()
    assert item["title"] == "Guided bid" and item["status"] == "draft"
    assert item["convenor_id"] == w.convenor
    assert item["budget"] == 12000 and item["max_per_organisation"] == 2
    assert item["start_date"] == "2026-05-01" and item["timezone_coverage"] == ["emea"]
    assert item["sector_mix"] == {"business": {"min": 1, "max": None}}
    assert item["purpose_tags"] == ["bids", "skills"]
    assert [
        (r["title"], r["seats"], r["hours_per_week"], r["requirements"]) for r in item["roles"]
    ] == [
        ("Host", 1, 3.0, [{"capability": "Facilitation", "min_level": 3}]),
        ("Researcher", 2, 2.5, [{"capability": "Research", "min_level": 2}]),
    ]
    assert item["roles"][0]["languages"] == ["en"]
    page = client.get(f"/initiatives/{created}?created=1", headers=HTML).text
    assert "Ask for proposals" in page and "saved as a draft" in page


def test_each_complaint_is_shown_beside_its_field(settings: Settings) -> None:
    w = _world(settings)
    client = make_client(settings, w.convenor_caller)
    bad = {
        **BASICS,
        "title": "",
        "kind": "crowd",
        "budget": "-5",
        "max_per_organisation": "0",
        "sector_min_business": "3",
        "sector_max_business": "1",
        "step": "basics",
        "action": "to_roles",
    }
    r = _post(client, w.slug, bad)
    assert r.status_code == 422
    errors = _errors(_doc(r.text))
    assert errors["title"] == "Title is required."
    assert "must be at least 0" in errors["budget"]
    assert "must be at least 1" in errors["max_per_organisation"]
    assert "max must be at least min" in errors["sector_min_business"]
    assert "Kind must be one of" in r.text  # the sentence names the field as the page labels it
    # The summary links each complaint to its field.
    summary = _doc(r.text).xpath("//div[@id='problems']//a/@href")
    assert "#title" in summary and "#kind-project" in summary

    r = _post(client, w.slug, {**BASICS, "end_date": "2026-01-01", "action": "to_roles"})
    assert "end_date must not be before start_date" in _errors(_doc(r.text))["end_date"]

    # A title the network has already is refused on the first step, beside the title.
    r = _post(client, w.slug, {**BASICS, "title": "Bid inv", "action": "to_roles"})
    assert r.status_code == 422 and "exists already" in _errors(_doc(r.text))["title"]

    # Role problems come back on step 2, each beside its field; nothing is saved.
    roles = {
        **ROLES,
        "role-0-seats": "two",
        "role-0-languages": "english",
        "role-1-cap-0": "",
        "role-1-title": "Researcher",
    }
    r = _post(client, w.slug, {**BASICS, **roles, "step": "roles", "action": "to_review"})
    assert r.status_code == 422
    doc = _doc(r.text)
    errors = _errors(doc)
    assert errors["role-0-seats"] == "Seats must be a whole number."
    assert "not a language code" in errors["role-0-languages"]
    assert doc.xpath("//p[@id='err-role-1-requirements']")[0].text_content() == (
        "Choose at least one capability."
    )
    assert doc.xpath("//input[@id='role-0-seats']/@value") == ["two"]

    # A capability outside the vocabulary (the service's check) lands on its role.
    roles = {**ROLES, "role-1-cap-0": "Juggling"}
    r = _post(client, w.slug, {**BASICS, **roles, "step": "roles", "action": "save"})
    assert r.status_code == 422
    assert (
        "unknown capability 'Juggling'"
        in lxml_html.fromstring(r.text)
        .xpath("//p[@id='err-role-1-requirements']")[0]
        .text_content()
    )

    # No role at all: the review asks for one.
    r = _post(client, w.slug, {**BASICS, "step": "roles", "action": "to_review"})
    assert r.status_code == 422 and "Add at least one role" in r.text
    with session_factory(settings.database_url)() as db:
        assert db.scalar(select(func.count()).select_from(Initiative)) == 1


def test_the_add_role_fragment_for_htmx(settings: Settings) -> None:
    w = _world(settings)
    client = make_client(settings, w.convenor_caller)
    r = client.get(f"/n/{w.slug}/initiatives/new/role?index=3", headers=HTML)
    assert r.status_code == 200
    frag = lxml_html.fragment_fromstring(r.text, create_parent="div")
    assert frag.xpath(".//fieldset[@id='role-3']//input[@id='role-3-title'][@autofocus]")
    (following,) = frag.xpath(".//input[@id='next-role']")
    assert following.get("hx-swap-oob") == "true" and following.get("value") == "4"
    assert client.get(f"/n/{w.slug}/initiatives/new/role?index=-1").status_code == 422


def test_preview_api_checks_without_saving(settings: Settings) -> None:
    w = _world(settings)
    client = make_client(settings, w.convenor_caller)
    body = {
        "kind": "project",
        "title": "Preview",
        "roles": [
            {"title": "Host", "seats": 2, "requirements": [{"capability": "Facilitation"}]},
            {
                "title": "Expert",
                "requirements": [{"capability": "Research", "min_level": 5}],
            },
        ],
    }
    r = client.post(f"/api/networks/{w.slug}/initiatives/preview", json=body)
    assert r.status_code == 200, r.text
    assert [(x["title"], x["eligible"]) for x in r.json()["roles"]] == [("Host", 6), ("Expert", 0)]
    wrong = {**body, "roles": [{"title": "X", "requirements": [{"capability": "Juggling"}]}]}
    r = client.post(f"/api/networks/{w.slug}/initiatives/preview", json=wrong)
    assert r.status_code == 422 and r.json()["field"] == "roles[0].requirements"
    r = client.post(
        f"/api/networks/{w.slug}/initiatives/preview", json={**body, "title": "Bid inv"}
    )
    assert r.status_code == 409
    member = make_client(settings, _caller(w, "member"))
    r = member.post(f"/api/networks/{w.slug}/initiatives/preview", json=body)
    assert r.status_code == 403
    with session_factory(settings.database_url)() as db:
        assert db.scalar(select(func.count()).select_from(Initiative)) == 1


def _proposal(settings: Settings, w: InvitationWorld, **request: Any) -> Any:
    with session_factory(settings.database_url)() as db:
        result = formation.propose_team(
            db, w.convenor_caller, w.initiative_id, ProposalRequest.model_validate(request)
        )
        db.commit()
    assert result.proposals, result
    return result


def test_lock_exclude_and_rerun_from_the_page(settings: Settings) -> None:
    w = _world(settings)
    client = make_client(settings, w.convenor_caller)
    first = _proposal(settings, w, alternatives=1).proposals[0]
    keep, drop = first.members[0], first.members[1]
    r = client.post(
        f"/initiatives/{w.initiative_id}/proposals/run",
        data={
            "alternatives": "1",
            "lock": [f"{keep.actor_id}:{keep.role_id}"],
            "exclude": [str(drop.actor_id)],
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:500]
    latest = client.get(f"/api/initiatives/{w.initiative_id}/proposals/latest").json()
    assert [(a["actor_id"], a["role_id"]) for a in latest["locked_in"]] == [
        (keep.actor_id, keep.role_id)
    ]
    assert [a["actor_id"] for a in latest["excluded"]] == [drop.actor_id]
    for p in latest["proposals"]:
        seats = {(m["actor_id"], m["role_id"]) for m in p["members"]}
        assert (keep.actor_id, keep.role_id) in seats
        assert drop.actor_id not in {a for a, _ in seats}
    doc = lxml_html.fromstring(client.get(f"/initiatives/{w.initiative_id}/proposals").text)
    held = doc.xpath("//*[@data-testid='held']//input[@checked]/@value")
    assert sorted(held) == sorted([f"{keep.actor_id}:{keep.role_id}", str(drop.actor_id)])
    assert len(doc.xpath("//*[@data-testid='proposal']")) == len(latest["proposals"])
    assert doc.xpath("//*[@data-testid='proposal']//li[contains(@class,'locked')]")

    # The same member locked and excluded, or an id that is not a number: the page says so.
    r = client.post(
        f"/initiatives/{w.initiative_id}/proposals/run",
        data={"lock": [str(keep.actor_id)], "exclude": [str(keep.actor_id)]},
    )
    assert r.status_code == 422 and "both locked in and excluded" in r.text
    r = client.post(f"/initiatives/{w.initiative_id}/proposals/run", data={"exclude": "abc"})
    assert r.status_code == 422 and "is not an actor id" in r.text


def test_invite_the_proposed_team(settings: Settings) -> None:
    w = _world(settings)
    with session_factory(settings.database_url)() as db:
        initiative = db.get_one(Initiative, w.initiative_id)
        initiative.status = "draft"
        db.commit()
    best = _proposal(settings, w, alternatives=1).proposals[0]
    client = make_client(settings, w.convenor_caller)
    # One member is invited by hand first; the team invitation leaves that seat alone.
    hand = best.members[0]
    r = client.post(
        f"/api/initiatives/{w.initiative_id}/invitations",
        json={"seats": [{"actor_id": hand.actor_id, "role_id": hand.role_id}]},
    )
    assert r.status_code == 201, r.text
    member = make_client(settings, w.member(best.members[1].actor_id))
    assert member.post(f"/api/proposals/{best.id}/invitations", json={}).status_code == 403
    r = client.post(
        f"/initiatives/{w.initiative_id + 1}/proposals/{best.id}/invite", follow_redirects=False
    )
    assert r.status_code == 404
    r = client.post(
        f"/initiatives/{w.initiative_id}/proposals/{best.id}/invite",
        data={"message": "Join us"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:500]
    assert r.headers["location"] == (
        f"/initiatives/{w.initiative_id}/invitations?invited={len(best.members) - 1}"
    )
    with session_factory(settings.database_url)() as db:
        rows = db.scalars(select(Invitation).where(Invitation.initiative_id == w.initiative_id))
        got = {(i.actor_id, i.role_id): i for i in rows}
        assert set(got) == {(m.actor_id, m.role_id) for m in best.members}
        assert all(got[(m.actor_id, m.role_id)].proposal_id == best.id for m in best.members[1:])
        assert got[(hand.actor_id, hand.role_id)].proposal_id is None
        assert got[(best.members[1].actor_id, best.members[1].role_id)].message == "Join us"
        assert db.get_one(Initiative, w.initiative_id).status == "forming"
    # Again: everyone is invited already.
    r = client.post(f"/api/proposals/{best.id}/invitations", json={})
    assert r.status_code == 409
    r = client.post(f"/initiatives/{w.initiative_id}/proposals/{best.id}/invite")
    assert r.status_code == 409 and "invited to their seat already" in r.text
    page = client.get(f"/initiatives/{w.initiative_id}/invitations?invited=3", headers=HTML)
    doc = _doc(page.text)
    assert "3 invitations sent" in page.text
    answers = doc.xpath("//*[@data-testid='answers']//tbody/tr")
    assert len(answers) == len(w.roles)


def test_publish_the_team_page(settings: Settings, db: Session) -> None:
    w = _world(settings)
    network = db.get_one(Network, w.network_id)
    public = person(db, network, "Public Person", 10.0, visibility="public")
    db.commit()
    convenor = make_client(settings, w.convenor_caller)
    path = f"/api/initiatives/{w.initiative_id}/publication"
    anonymous = make_client(settings, Caller.anonymous())
    outsider = make_client(settings, Caller(account_id=77, roles={w.network_id + 50: "member"}))
    assert anonymous.get(f"/initiatives/{w.initiative_id}/team", headers=HTML).status_code == 404

    # Nobody on the team yet: nothing to publish.
    r = convenor.post(path)
    assert r.status_code == 409 and "nobody has accepted" in r.json()["detail"]
    for actor in (w.members[0], public):
        seat = {"actor_id": actor, "role_id": w.roles[0]}
        (inv,) = invitations.invite(
            db, OP, w.initiative_id, InviteIn.model_validate({"seats": [seat]})
        )
        invitations.answer(db, w.member(actor), inv.id, AnswerIn(answer="accept"))
    db.commit()

    member = make_client(settings, w.member(w.members[1]))
    assert member.post(path).status_code == 403
    r = convenor.post(f"/initiatives/{w.initiative_id}/team/publish", follow_redirects=False)
    assert r.status_code == 303
    assert convenor.get(path).json()["published"] is True
    assert member.get(path).json()["published"] is True

    # Anyone reads a published page; outside the network only public profiles are named.
    for client in (anonymous, outsider):
        team = client.get(f"/api/initiatives/{w.initiative_id}/team").json()
        assert [m["name"] for m in team["members"]] == ["Public Person"]
        assert team["unnamed_members"] == 1 and team["published_at"]
        page = client.get(f"/initiatives/{w.initiative_id}/team", headers=HTML)
        assert page.status_code == 200 and "Public Person" in page.text
        assert "Member 0" not in page.text and "1 more member" in page.text
        assert "Publish the" not in page.text and "Unpublish" not in page.text
        assert client.get(f"/initiatives/{w.initiative_id}/team.md").status_code == 200
        # Only the team page is public: the initiative itself is not.
        assert client.get(f"/api/initiatives/{w.initiative_id}").status_code == 404
    inside = member.get(f"/api/initiatives/{w.initiative_id}/team").json()
    assert {m["name"] for m in inside["members"]} == {"Member 0", "Public Person"}
    assert inside["unnamed_members"] == 0
    doc = _doc(convenor.get(f"/initiatives/{w.initiative_id}/team", headers=HTML).text)
    assert doc.xpath(f"//form[@action='/initiatives/{w.initiative_id}/team/unpublish']")

    r = convenor.delete(path)
    assert r.status_code == 200 and r.json()["published"] is False
    assert anonymous.get(f"/api/initiatives/{w.initiative_id}/team").status_code == 404
    assert outsider.get(f"/initiatives/{w.initiative_id}/team", headers=HTML).status_code == 404


def test_the_summary_names_the_fields_in_the_readers_language(settings: Settings) -> None:
    """The list of problems above the form says which field each is about, in Spanish too."""
    w = _world(settings)
    client = make_client(settings, w.convenor_caller)
    spanish = HTML | {"accept-language": "es"}

    def summary(data: dict[str, Any], headers: dict[str, str]) -> list[str]:
        r = client.post(
            f"/n/{w.slug}/initiatives/new", data=data, headers=headers, follow_redirects=False
        )
        assert r.status_code == 422
        links = _doc(r.text).xpath("//div[@id='problems']//a")
        return [" ".join(a.text_content().split()) for a in links]

    basics = {
        **BASICS,
        "title": "",
        "sector_min_business": "3",
        "sector_max_business": "1",
        "action": "to_roles",
    }
    english = summary(basics, HTML)
    assert any(s.startswith("Title: ") for s in english), english
    assert any(s.startswith("Sector mix, business: ") for s in english), english
    es = summary(basics, spanish)
    assert any(s.startswith("Título: ") for s in es), es
    assert any(s.startswith("Combinación de sectores, empresa: ") for s in es), es
    early = {**BASICS, "end_date": "2026-01-01", "action": "to_roles"}
    assert [s for s in summary(early, HTML) if s.startswith("Ends on: ")]
    assert [s for s in summary(early, spanish) if s.startswith("Termina el: ")]

    roles = {**ROLES, "role-0-seats": "two", "role-1-cap-0": ""}
    data = {**BASICS, **roles, "step": "roles", "action": "to_review"}
    english = summary(data, HTML)
    assert any(s.startswith("Role 1, seats: ") for s in english), english
    assert any(s.startswith("Role 2, capabilities: ") for s in english), english
    es = summary(data, spanish)
    assert any(s.startswith("Rol 1, plazas: ") for s in es), es
    assert any(s.startswith("Rol 2, competencias: Elige al menos una") for s in es), es
    r = client.post(
        f"/n/{w.slug}/initiatives/new",
        data={**BASICS, "step": "roles", "action": "to_review"},
        headers=spanish,
    )
    assert r.status_code == 422 and "Añada al menos un rol" in r.text
