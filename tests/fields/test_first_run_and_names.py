"""A fresh install without the demo: the first-run page creates the first steward and network
once, end to end through the browser-like client; `coalition networks create` on an empty
database; time zones found by city and languages shown and typed by name."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from coalition.config import Settings
from coalition.locales import (
    language_code,
    language_name,
    language_options,
    search_timezones,
    timezone_options,
)
from coalition.store.session import session_scope
from coalition.store.tables import Actor, Network
from coalition.store.tables_auth import Account, Membership
from tests.security.helpers import CSRF_META, browser

FORM = {
    "email": "First@Example.org",
    "display_name": "Fatima First",
    "password": "a long first passphrase",
    "slug": "river-keepers",
    "name": "River Keepers",
    "purpose": "Keep the rivers clean",
    "visibility": "public",
    "join_policy": "open",
}


def _token(client: object, path: str) -> str:
    r = client.get(path, headers={"accept": "text/html"})  # type: ignore[attr-defined]
    assert r.status_code == 200, (path, r.status_code, r.text[:300])
    match = CSRF_META.search(r.text)
    assert match
    return match.group(1)


def test_the_first_run_sets_up_a_fresh_install_once(settings: Settings) -> None:
    client = browser(settings)
    home = client.get("/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/first-run"
    token = _token(client, "/first-run")
    bad = client.post("/first-run", data={**FORM, "password": "short", "csrf": token})
    assert bad.status_code == 422 and "password" in bad.text
    assert "a long first passphrase" not in bad.text  # never echoed
    r = client.post("/first-run", data={**FORM, "csrf": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/n/river-keepers/settings"
    settings_page = client.get("/n/river-keepers/settings")
    assert settings_page.status_code == 200 and "River Keepers" in settings_page.text
    with session_scope(settings.database_url) as db:
        network = db.scalars(select(Network)).one()
        assert (network.join_policy, network.visibility) == ("open", "public")
        assert network.purpose == "Keep the rivers clean"
        account = db.scalars(select(Account)).one()
        assert account.email == "first@example.org"
        membership = db.scalars(select(Membership)).one()
        assert membership.role == "steward" and membership.actor_id is not None
        assert db.get_one(Actor, membership.actor_id).name == "Fatima First"
    # never again, for anyone: the page, the form and the home page's redirect are gone
    assert client.get("/first-run").status_code == 404
    other = browser(settings)
    token = _token(other, "/login")
    again = other.post("/first-run", data={**FORM, "slug": "second", "csrf": token})
    assert again.status_code == 404
    assert other.get("/", follow_redirects=False).status_code == 200
    with session_scope(settings.database_url) as db:
        assert db.scalar(select(func.count()).select_from(Network)) == 1


def test_networks_create_on_a_fresh_database(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from coalition.cli import app

    monkeypatch.setenv("COALITION_DATABASE_URL", settings.database_url)
    r = CliRunner().invoke(
        app, ["networks", "create", "fresh", "Fresh start", "--join-policy", "open"]
    )
    assert r.exit_code == 0, r.output
    assert "open" in r.output
    client = browser(settings)
    # a network but no account: the first-run page still sets up the first steward
    assert client.get("/first-run").status_code == 200


def test_time_zones_are_found_by_city() -> None:
    assert search_timezones("São Paulo")[0][0] == "America/Sao_Paulo"
    assert ("Europe/Paris", "Paris — Europe/Paris") in search_timezones("paris")
    assert search_timezones("new york")[0][0] == "America/New_York"
    assert search_timezones("") == []
    zones = [z for z, _ in timezone_options()]
    assert "Europe/Berlin" in zones and len(zones) == len(set(zones)) > 300


@given(st.sampled_from([z for z, _ in timezone_options() if "/" in z]))
def test_every_zone_is_found_by_its_city(zone: str) -> None:
    city = zone.rsplit("/", 1)[-1].replace("_", " ")
    assert zone in [z for z, _ in search_timezones(city, limit=600)]


def test_languages_by_name() -> None:
    assert language_name("fr", "en") == "French"
    assert language_name("pt-BR", "en") == "Portuguese (Brazil)"
    assert language_name("fr", "fr") == "français"
    assert language_name("zz-unknown") == "zz-unknown"
    assert language_code("french", "en") == "fr"
    assert language_code("Portuguese (Brazil)", "en") == "pt-BR"
    assert language_code("Klingonese", "en") is None
    names = dict(language_options("en"))
    assert names["sw"] == "Swahili"


@given(st.sampled_from([code for code, _ in language_options("en")]))
def test_a_language_name_leads_back_to_its_code(code: str) -> None:
    name = language_name(code, "en")
    assert language_code(name, "en") in {code, *[c for c, n in language_options("en") if n == name]}


def test_the_profile_form_shows_names_and_a_zone_picker(settings: Settings) -> None:
    from coalition.schemas.directory import ActorIn, NetworkIn
    from coalition.services import directory, networks
    from coalition.services.access import Caller
    from tests.conftest import make_client

    op = Caller.operator()
    with session_scope(settings.database_url) as db:
        net = networks.create_network(db, op, NetworkIn(slug="names", name="Names"))
        actor = directory.create_actor(
            db,
            op,
            net,
            ActorIn(kind="person", name="Lea", sector="community", languages=["fr", "pt-BR"]),
        )
        net_id, actor_id = net.id, actor.id
    owner = make_client(
        settings, Caller(account_id=1, roles={net_id: "member"}, actor_ids=frozenset({actor_id}))
    )
    page = owner.get(f"/actors/{actor_id}/edit").text
    assert 'value="French, Portuguese (Brazil)"' in page
    assert re.search(r'<datalist id="pf-timezones">.*Paris — Europe/Paris', page, re.S)
    profile = owner.get(f"/actors/{actor_id}").text
    assert "French" in profile and "Portuguese (Brazil)" in profile
    options = owner.get("/timezones", params={"q": "lisb"}).text
    assert 'value="Europe/Lisbon"' in options
    token = CSRF_META.search(page)
    form = {
        "name": "Lea",
        "sector": "community",
        "languages": "Swahili, french",
        "timezone": "Africa/Nairobi",
        "visibility": "network",
        "capacity_hours": "5",
        "privacy_day_rate": "private",
        "privacy_capacity": "network",
        "privacy_contact": "network",
        "privacy_declines": "convenors",
        "csrf": token.group(1) if token else "",
    }
    r = owner.post(f"/actors/{actor_id}/edit", data=form, follow_redirects=False)
    assert r.status_code == 303, re.findall(r"<li>(.*?)</li>", r.text)[:10]
    with session_scope(settings.database_url) as db:
        assert db.get_one(Actor, actor_id).languages == ["sw", "fr"]
    bad = owner.post(f"/actors/{actor_id}/edit", data={**form, "languages": "Klingonese"})
    assert bad.status_code == 422 and "Klingonese" in bad.text
