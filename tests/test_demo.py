"""Tests of the demo network generator (coalition.demo.network)."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import combinations
from typing import Any
from zoneinfo import available_timezones

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coalition.demo import DEMO_TODAY, build_demo_bundle
from coalition.domain import region_of

SECTORS = {
    "business",
    "government",
    "civil_society",
    "education",
    "health",
    "funder",
    "community",
    "independent",
}
VISIBILITIES = {"public", "network", "convenors", "private"}
TIE_KINDS = {
    "collaborated",
    "funded",
    "referred",
    "shared_knowledge",
    "partnered",
    "member_of",
    "influenced",
    "mentored",
}
ZONES = frozenset(available_timezones())
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")
EMAIL = re.compile(r"^[a-z0-9.+\-]+@([a-z0-9\-]+\.)*example\.(org|net|com)$")
PLAIN_TYPES = (str, int, float, bool, type(None))


@pytest.fixture(scope="module")
def bundle() -> dict[str, Any]:
    return build_demo_bundle()


def _plain(value: Any, path: str = "$") -> None:
    """Only JSON's own types, exactly (no numpy scalars hiding as floats)."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert type(key) is str, path
            _plain(item, f"{path}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            _plain(item, f"{path}[{n}]")
    else:
        assert type(value) in PLAIN_TYPES, f"{path} is {type(value).__name__}"


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def check_invariants(b: dict[str, Any], today: date = DEMO_TODAY) -> None:
    """Every rule of the bundle format and of the brief that must hold at any size or seed."""
    _plain(b)
    json.dumps(b)
    assert b["format"] == "coalition-bundle" and b["version"] == 1
    try:
        origin = today.replace(year=today.year - 5)
    except ValueError:  # 29 February
        origin = today.replace(year=today.year - 5, day=28)
    terms = [c["term"] for c in b["capabilities"]]
    assert len(terms) == len(set(terms))
    vocabulary = set(terms)

    actors = b["actors"]
    assert [a["ref"] for a in actors] == list(range(1, len(actors) + 1))
    by_ref = {a["ref"]: a for a in actors}
    emails = [a["email"] for a in actors]
    assert len(emails) == len(set(emails))
    assert len({a["external_id"] for a in actors}) == len(actors)
    for a in actors:
        assert a["kind"] in ("person", "organisation")
        assert a["sector"] in SECTORS
        assert 1 <= len(a["name"]) <= 200
        assert 0 < len(a["headline"]) <= 300 and a["bio"] and "lorem" not in a["bio"].lower()
        assert a["timezone"] in ZONES and region_of(a["timezone"]) is not None
        assert a["languages"] and len(a["languages"]) == len(set(a["languages"]))
        assert all(LANGUAGE.match(lang) for lang in a["languages"])
        if a["kind"] == "person":
            assert 4 <= a["capacity_hours"] <= 40
            assert a["day_rate"] is None or a["day_rate"] > 0
        else:
            assert 0 <= a["capacity_hours"] <= 80
        assert EMAIL.match(a["email"]), a["email"]
        assert a["website"] is None or a["website"].startswith("https://")
        assert a["purposes"] == sorted(set(a["purposes"])) and a["purposes"]
        caps = [c["term"] for c in a["capabilities"]]
        assert caps == sorted(set(caps)) and set(caps) <= vocabulary
        assert all(1 <= c["level"] <= 5 for c in a["capabilities"])
        if a["kind"] == "person":
            assert 3 <= len(caps) <= 8
        assert a["visibility"] in VISIBILITIES
        assert set(a["privacy"]) == {"day_rate", "capacity", "contact", "declines"}
        assert set(a["privacy"].values()) <= VISIBILITIES
        assert origin <= _day(a["joined_on"]) <= today  # type: ignore[operator]

    pairs = set()
    for f in b["affiliations"]:
        assert f["actor"] in by_ref and by_ref[f["organisation"]]["kind"] == "organisation"
        assert f["actor"] != f["organisation"]
        assert (f["actor"], f["organisation"]) not in pairs
        pairs.add((f["actor"], f["organisation"]))
        if f["end_date"] is not None:
            assert f["start_date"] <= f["end_date"] < today.isoformat()

    initiatives = b["initiatives"]
    assert [i["ref"] for i in initiatives] == list(range(1, len(initiatives) + 1))
    assert len({i["title"] for i in initiatives}) == len(initiatives)
    for i in initiatives:
        assert i["kind"] in ("project", "coalition")
        assert i["status"] in ("draft", "forming", "active", "completed")
        assert i["convenor"] is None or i["convenor"] in by_ref
        if i["start_date"] and i["end_date"]:
            assert i["start_date"] <= i["end_date"]
        if i["status"] == "completed":
            assert i["end_date"] < today.isoformat()
        if i["status"] in ("forming", "draft") and i["start_date"]:
            assert i["start_date"] > today.isoformat()
        assert i["roles"]
        for role in i["roles"]:
            assert role["seats"] >= 1 and 0 < role["hours_per_week"] <= 80
            needed = [r["capability"] for r in role["requirements"]]
            assert needed and len(needed) == len(set(needed)) and set(needed) <= vocabulary
            assert all(1 <= r["min_level"] <= 5 for r in role["requirements"])
            assert set(role["timezone_regions"]) <= {"americas", "emea", "apac"}
        for bounds in i["sector_mix"].values():
            assert 0 <= bounds["min"] <= bounds["max"]
        assert set(i["sector_mix"]) <= SECTORS

    team: dict[int, set[int]] = defaultdict(set)
    active_hours: dict[int, float] = defaultdict(float)
    for e in b["engagements"]:
        init = initiatives[e["initiative"] - 1]
        actor = by_ref[e["actor"]]
        role = init["roles"][e["role"]]
        assert e["hours_per_week"] > 0
        expected = {"completed": "completed", "active": "active"}[init["status"]]
        assert e["status"] in (expected, "withdrawn")
        assert actor["joined_on"] <= init["start_date"] <= e["start_date"] <= today.isoformat()
        if e["end_date"] is not None:
            assert e["start_date"] <= e["end_date"] <= today.isoformat()
        # Past teams really held what their roles asked for.
        levels = {c["term"]: c["level"] for c in actor["capabilities"]}
        for r in role["requirements"]:
            assert levels.get(r["capability"], 0) >= r["min_level"]
        assert not role["languages"] or set(role["languages"]) <= set(actor["languages"])
        if role["timezone_regions"]:
            assert region_of(actor["timezone"]) in role["timezone_regions"]
        assert e["actor"] not in team[e["initiative"]]  # one engagement per member
        team[e["initiative"]].add(e["actor"])
        if e["status"] == "active":
            active_hours[e["actor"]] += e["hours_per_week"]
    for a in actors:
        assert a["committed_hours"] == active_hours.get(a["ref"], 0.0)
        assert a["committed_hours"] <= a["capacity_hours"]

    invited: dict[int, set[tuple[int, int]]] = defaultdict(set)
    funders = {a["ref"] for a in actors if a["sector"] == "funder" and a["kind"] == "organisation"}
    for t in b["ties"]:
        assert t["source"] in by_ref and t["target"] in by_ref and t["source"] != t["target"]
        assert t["kind"] in TIE_KINDS
        assert 1.0 <= t["weight"] <= 5.0
        assert origin.isoformat() <= t["start_date"] <= today.isoformat()
        assert t["end_date"] is None or t["start_date"] <= t["end_date"] <= today.isoformat()
        assert t["origin"] in ("import", "recorded", "invitation", "contribution")
        for end in ("source", "target"):
            assert t["start_date"] >= by_ref[t[end]]["joined_on"]
        if t["kind"] == "funded":
            assert t["source"] in funders
        if t["kind"] == "mentored":
            assert by_ref[t["source"]]["kind"] == by_ref[t["target"]]["kind"] == "person"
        if t["kind"] == "member_of":
            assert (t["source"], t["target"]) in pairs
        if t["initiative"] is not None:
            assert t["origin"] in ("invitation", "contribution")
            init = initiatives[t["initiative"] - 1]
            assert t["start_date"] == init["start_date"]
            if t["origin"] == "invitation":
                assert t["kind"] == "collaborated" and t["source"] < t["target"]
                invited[t["initiative"]].add((t["source"], t["target"]))
    for ref, members in team.items():
        assert invited[ref] == set(combinations(sorted(members), 2))
    assert set(invited) <= set(team)


def test_same_arguments_give_the_same_bundle(bundle: dict[str, Any]) -> None:
    assert build_demo_bundle() == bundle
    assert build_demo_bundle(actors=80, seed=3) == build_demo_bundle(actors=80, seed=3)


def test_seed_and_arguments_change_the_bundle(bundle: dict[str, Any]) -> None:
    other = build_demo_bundle(seed=8)
    assert other["actors"] != bundle["actors"] and other["ties"] != bundle["ties"]
    named = build_demo_bundle(actors=40, slug="pilot", name="Pilot network")
    assert named["network"]["slug"] == "pilot" and named["network"]["name"] == "Pilot network"
    assert named["actors"][0]["external_id"] == "pilot-000001"
    assert len(named["actors"]) == 40


def test_default_bundle_holds_every_invariant(bundle: dict[str, Any]) -> None:
    check_invariants(bundle)


def test_default_bundle_reaches_the_floors(bundle: dict[str, Any]) -> None:
    actors = bundle["actors"]
    persons = [a for a in actors if a["kind"] == "person"]
    orgs = [a for a in actors if a["kind"] == "organisation"]
    assert len(actors) == 300 and len(persons) >= 220 and len(orgs) >= 80
    independents = [a for a in persons if a["sector"] == "independent"]
    assert len(independents) >= 0.7 * len(persons)
    assert {a["sector"] for a in persons} - {"independent"}  # some staff of other sectors
    assert {a["sector"] for a in orgs} == SECTORS
    assert len(bundle["ties"]) >= 2000
    assert len(bundle["initiatives"]) >= 20
    assert len(bundle["engagements"]) >= 60


def test_vocabulary_and_purposes(bundle: dict[str, Any]) -> None:
    caps = {c["term"]: c["category"] for c in bundle["capabilities"]}
    assert len(caps) >= 60 and all(caps.values())
    for term in (
        "Facilitation",
        "ICF PCC coaching",
        "ICF MCC coaching",
        "EMCC accredited coaching",
        "Team coaching",
        "Learning design",
        "Instructional design",
        "Leadership development",
        "Policy analysis",
        "Community organising",
        "Data analysis",
        "Fundraising",
        "Communications",
        "Monitoring and evaluation",
        "Systems thinking",
        "Graphic facilitation",
        "UX research",
        "Project management",
        "Translation",
    ):
        assert term in caps, term
    assert len(set(caps.values())) >= 15
    purposes = {p for a in bundle["actors"] for p in a["purposes"]}
    assert len(purposes) >= 25
    assert {
        "youth employment",
        "climate adaptation",
        "public health",
        "financial inclusion",
        "digital inclusion",
        "gender equity",
        "refugee integration",
    } <= purposes
    held = Counter(c["term"] for a in bundle["actors"] for c in a["capabilities"])
    assert len(held) >= 60  # the vocabulary is used, not just listed


def test_people_span_regions_languages_and_organisations(bundle: dict[str, Any]) -> None:
    actors = bundle["actors"]
    persons = [a for a in actors if a["kind"] == "person"]
    regions = Counter(str(region_of(a["timezone"])) for a in persons)
    assert all(regions[r] >= 0.15 * len(persons) for r in ("americas", "emea", "apac"))
    zones = {a["timezone"] for a in actors}
    assert len(zones) >= 20
    assert len(zones & {"America/New_York", "Europe/London", "Asia/Kolkata"}) >= 2
    languages = Counter(lang for a in actors for lang in a["languages"])
    assert len(languages) >= 10
    assert {"en", "fr", "es", "pt", "de"} <= set(languages)
    multilingual = sum(1 for a in actors if len(a["languages"]) >= 2)
    assert multilingual >= 0.4 * len(actors)
    per_person = Counter(f["actor"] for f in bundle["affiliations"])
    assert max(per_person.values()) >= 3
    assert sum(per_person.values()) >= 1.2 * len(persons)
    assert sum(1 for n in per_person.values() if n >= 2) >= 0.3 * len(persons)
    assert len({a["name"] for a in persons}) >= 0.9 * len(persons)
    assert len({a["name"].split()[-1] for a in persons}) >= 80
    assert len({a["name"] for a in actors if a["kind"] == "organisation"}) == len(
        [a for a in actors if a["kind"] == "organisation"]
    )


def test_profiles_privacy_capacity_and_joining(bundle: dict[str, Any]) -> None:
    actors = bundle["actors"]
    visibility = Counter(a["visibility"] for a in actors)
    assert visibility["public"] >= 0.8 * len(actors)
    assert visibility["network"] >= 5 and 1 <= visibility["private"] <= 2
    private_rates = sum(1 for a in actors if a["privacy"]["day_rate"] == "private")
    assert private_rates >= 0.9 * len(actors)
    persons = [a for a in actors if a["kind"] == "person"]
    assert len({a["capacity_hours"] for a in persons}) >= 6
    assert sum(1 for a in persons if a["day_rate"]) >= 0.8 * len(persons)
    recent = (DEMO_TODAY - timedelta(days=90)).isoformat()
    newcomers = sum(1 for a in actors if a["joined_on"] > recent)
    assert 0.02 * len(actors) <= newcomers <= 0.09 * len(actors)
    assert len({a["joined_on"][:4] for a in actors}) >= 5


def test_ties_have_history_hubs_isolates_and_bridges(bundle: dict[str, Any]) -> None:
    ties = bundle["ties"]
    actors = {a["ref"]: a for a in bundle["actors"]}
    assert {t["kind"] for t in ties} == TIE_KINDS
    years = Counter(t["start_date"][:4] for t in ties)
    assert len(years) >= 4
    assert len({t["weight"] for t in ties}) >= 20
    degree: Counter[int] = Counter()
    for t in ties:
        degree[t["source"]] += 1
        degree[t["target"]] += 1
    mean = 2 * len(ties) / len(actors)
    assert max(degree.values()) >= 4 * mean  # hubs
    assert len(set(actors) - set(degree)) >= 3  # isolates
    recent = (DEMO_TODAY - timedelta(days=90)).isoformat()
    newcomers = [r for r, a in actors.items() if a["joined_on"] > recent]
    assert any(degree[r] == 0 for r in newcomers)
    cross = sum(1 for t in ties if actors[t["source"]]["sector"] != actors[t["target"]]["sector"])
    assert cross >= 0.1 * len(ties)  # bridges between sectors
    same_region = sum(
        1
        for t in ties
        if region_of(actors[t["source"]]["timezone"]) == region_of(actors[t["target"]]["timezone"])
    )
    assert same_region >= 0.7 * len(ties)  # communities form around regions
    assert Counter(t["origin"] for t in ties)["invitation"] >= 50


def test_initiatives_and_their_teams(bundle: dict[str, Any]) -> None:
    initiatives = bundle["initiatives"]
    status = Counter(i["status"] for i in initiatives)
    assert status["completed"] > len(initiatives) / 2
    assert status["active"] >= 2 and status["forming"] + status["draft"] >= 2
    assert {i["kind"] for i in initiatives} == {"project", "coalition"}
    engaged = Counter(e["initiative"] for e in bundle["engagements"])
    for i in initiatives:
        if i["status"] in ("completed", "active"):
            assert engaged[i["ref"]] >= 2, i["title"]
            assert i["convenor"] is not None
        else:
            assert engaged[i["ref"]] == 0
    active = [e for e in bundle["engagements"] if e["status"] == "active"]
    assert active and {e["initiative"] for e in active} <= {
        i["ref"] for i in initiatives if i["status"] == "active"
    }


def test_the_bundle_importer_accepts_it(bundle: dict[str, Any]) -> None:
    from coalition.io.bundle import check_bundle

    _, problems = check_bundle(bundle)
    assert problems == []


def test_large_networks_keep_their_density() -> None:
    b = build_demo_bundle(actors=3000, seed=11)
    check_invariants(b)
    assert 7.0 <= len(b["ties"]) / 3000 <= 10.0
    persons = [a for a in b["actors"] if a["kind"] == "person"]
    caps = sum(len(a["capabilities"]) for a in persons) / len(persons)
    assert 3.0 <= caps <= 8.0
    assert len(b["initiatives"]) == 24
    assert len(build_demo_bundle(actors=12_000, seed=1)["initiatives"]) == 30


@pytest.mark.parametrize("actors", [1, 2, 5, 15])
def test_tiny_networks_are_still_valid(actors: int) -> None:
    b = build_demo_bundle(actors=actors, seed=actors)
    assert len(b["actors"]) == actors
    check_invariants(b)


def test_other_days_including_a_leap_day() -> None:
    today = date(2024, 2, 29)
    b = build_demo_bundle(actors=60, seed=2, today=today)
    check_invariants(b, today=today)


def test_refuses_an_empty_network() -> None:
    with pytest.raises(ValueError):
        build_demo_bundle(actors=0)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actors=st.integers(16, 120), seed=st.integers(0, 2**32 - 1))
def test_invariants_hold_for_any_size_and_seed(actors: int, seed: int) -> None:
    b = build_demo_bundle(actors=actors, seed=seed)
    assert len(b["actors"]) == actors
    check_invariants(b)
    assert {a["sector"] for a in b["actors"] if a["kind"] == "organisation"} == SECTORS
    assert len(b["initiatives"]) == 24
    assert len({t["start_date"][:4] for t in b["ties"]}) >= 4


def test_the_demo_convenor_can_form_a_team_for_their_forming_initiative(
    clean_url: str, request: pytest.FixtureRequest
) -> None:
    """The whole demo as `coalition demo` loads it (every area's hook included): the demo
    convenor's own forming initiative gets a best team that fills every seat, and alternatives
    -- not an infeasible sector mix nobody eligible meets."""
    from sqlalchemy import select

    from coalition.cli import _after_demo
    from coalition.io.bundle import import_bundle
    from coalition.schemas.formation import ProposalRequest
    from coalition.services.formation import _CACHE as formation_cache
    from coalition.services.formation import propose_team
    from coalition.services.identity import caller_for_account
    from coalition.store.session import session_factory
    from coalition.store.tables import Initiative
    from coalition.store.tables_auth import Account, Membership

    # The formation index is cached per (database, network id, data version); a wiped database
    # gives the next test's network the same id and version, so leave no entry behind.
    request.addfinalizer(formation_cache.clear)
    with session_factory(clean_url)() as db:
        import_bundle(db, build_demo_bundle())
        _after_demo(db, "demo")
        db.commit()
        account, actor = db.execute(
            select(Account.id, Membership.actor_id)
            .join(Membership, Membership.account_id == Account.id)
            .where(Account.email == "convenor@example.org")
        ).one()
        convenor = caller_for_account(db, account)
        forming = db.scalars(
            select(Initiative)
            .where(Initiative.convenor_id == actor, Initiative.status == "forming")
            .order_by(Initiative.id)
        ).all()
        assert forming, "the demo convenor convenes a forming initiative"
        feasible = []
        for initiative in forming:
            found = propose_team(db, convenor, initiative.id, ProposalRequest(alternatives=3))
            if found.proposals and found.infeasible is None:
                feasible.append((initiative, found))
        assert feasible, "no forming initiative of the demo convenor has a feasible team"
        initiative, found = feasible[0]
        from coalition.services.formation import seats_taken

        taken, engaged = seats_taken(db, initiative)  # proposals fill the seats still open
        seats = sum(r.seats - taken.get(r.id, 0) for r in initiative.roles)
        assert len(found.proposals[0].members) == seats
        assert not engaged & {m.actor_id for m in found.proposals[0].members}
        assert len(found.proposals) >= 2  # a best team and at least one alternative
        members = [m.actor_id for m in found.proposals[0].members]
        assert len(set(members)) == len(members)  # one seat each
