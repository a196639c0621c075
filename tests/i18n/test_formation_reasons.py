"""The formation engine's reasons and gaps rendered for the reader: the English of the engine,
byte for byte; Spanish and French for every code; an unshared capacity figure never shown."""

from __future__ import annotations

import re

import pytest

from coalition.engines.formation import (
    Candidate,
    Constraints,
    FormationProblem,
    Reason,
    ReasonCode,
    RoleSpec,
    TieGraph,
    propose,
)
from coalition.i18n import use_locale
from coalition.services.formation_text import for_reader, render, render_all

# One reason per code, with values of the kind the engine gives.
SAMPLES: dict[ReasonCode, dict[str, object]] = {
    ReasonCode.LOCKED_IN: {},
    ReasonCode.COVERS: {"capabilities": [["Facilitation", 4, 3], ["Climate finance", 3, 2]]},
    ReasonCode.WORKED_WITH: {"count": 4, "names": ["Ana", "Ben", "Carla", "Dev"], "since": 2021},
    ReasonCode.SHARES_COLLABORATORS: {"count": 1, "names": ["Ana"]},
    ReasonCode.HAS_WORKED_WITH: {"count": 2},
    ReasonCode.CLOSE_IN_NETWORK: {"count": 2},
    ReasonCode.SHARES_PURPOSE: {"terms": ["youth", "employment"]},
    ReasonCode.ONLY_SECTOR: {"sector": "civil_society"},
    ReasonCode.COVERS_REGION: {"region": "apac"},
    ReasonCode.NEWCOMER: {},
    ReasonCode.FEWER_CHANCES: {},
    ReasonCode.CAPACITY: {"free": 7.5, "needs": 4.0},
    ReasonCode.CAPACITY_UNSHARED: {"needs": 4.0},
    ReasonCode.NO_DAY_RATE: {},
    ReasonCode.COST: {"cost": 12000.0, "weeks": 10.0, "day_rate": 600.0},
    ReasonCode.GAP_LEVEL: {"term": "Climate finance", "level": 2, "needs": 4},
    ReasonCode.GAP_MISSING: {"term": "Facilitation"},
    ReasonCode.GAP_CAPACITY: {"free": 1.5, "needs": 4.0},
    ReasonCode.GAP_CAPACITY_UNSHARED: {"needs": 4.0},
    ReasonCode.GAP_LANGUAGE: {"language": "fr"},
    ReasonCode.YOUR_LEVELS: {"capabilities": [["Facilitation", 4, 3]]},
    ReasonCode.SHARES_YOUR_PURPOSE: {"terms": ["youth employment", "housing"]},
    ReasonCode.YOUR_HOURS: {"needs": 4.0},
    ReasonCode.YOUR_ZONE: {"region": "emea"},
    ReasonCode.YOU_SPEAK: {"languages": ["en", "fr"]},
    ReasonCode.YOUR_FEWER_CHANCES: {},
}
ENGLISH_WORDS = re.compile(r"\b(the|team|has|with|covers|needs|free|since|rate|level)\b")


def _data(code: ReasonCode) -> dict[str, object]:
    return {"code": code.value, "values": SAMPLES[code]}


def test_every_code_has_a_sample() -> None:
    assert set(SAMPLES) == set(ReasonCode)


def _run() -> list[Reason]:
    """Every reason and gap of a small network, as the engine writes them."""
    cands = [
        Candidate(
            1,
            "Ana",
            {"Learning design": 4},
            capacity_left_hours=20,
            day_rate=400,
            purpose_text="Youth employment in cities",
        ),
        Candidate(
            2,
            "Ben",
            {"Facilitation": 3},
            capacity_left_hours=20,
            sector="civil_society",
            is_newcomer=True,
            tz_region="emea",
        ),
        Candidate(
            3,
            "Carla",
            {"Facilitation": 5},
            capacity_left_hours=7.5,
            tz_region="apac",
            day_rate=1234.5,
        ),
        Candidate(4, "Dev", {"Data analysis": 2, "Facilitation": 1}, capacity_left_hours=1.5),
    ]
    roles = [
        RoleSpec("design", "Designer", {"Learning design": 3}, seats=1, hours_per_week=4),
        RoleSpec("facil", "Facilitator", {"Facilitation": 2}, seats=2, hours_per_week=2.5),
    ]
    problem = FormationProblem(
        roles=roles,
        candidates=cands,
        constraints=Constraints(weeks=12, tz_coverage=frozenset({"apac"}), locked_in={1: None}),
        purpose_text="Youth employment",
        ties=TieGraph([1, 1, 2], [2, 3, 4], [2023, 2021, 0]),
        k_alternatives=0,
    )
    result = propose(problem)
    assert result.best is not None
    reasons = [r for m in result.best.members for r in m.reasons]
    hard = RoleSpec(
        "x",
        "X",
        {"Facilitation": 4, "Data analysis": 3},
        hours_per_week=3,
        languages=frozenset({"es"}),
    )
    failed = propose(FormationProblem(roles=[hard], candidates=cands, k_alternatives=0))
    assert failed.infeasibility is not None
    gaps = [g for o in failed.infeasibility.obstacles for c in o.closest for g in c.gaps]
    assert gaps
    return reasons + gaps


def test_english_rendering_is_the_engines_sentence() -> None:
    reasons = _run()
    assert len({r.code for r in reasons}) >= 10
    with use_locale("en"):
        for r in reasons:
            expected = "day rate not shared" if r.code is ReasonCode.NO_DAY_RATE else str(r)
            assert render(for_reader(r)) == expected


def test_english_rendering_of_every_sample_matches_todays_text() -> None:
    with use_locale("en"):
        text = {code: render(_data(code)) for code in ReasonCode}
    assert text[ReasonCode.COVERS] == (
        "covers Facilitation (level 4, needed 3) and Climate finance (level 3, needed 2)"
    )
    assert text[ReasonCode.WORKED_WITH] == (
        "worked with 4 of the team (Ana, Ben, Carla and 1 more) since 2021"
    )
    assert text[ReasonCode.SHARES_PURPOSE] == "shares 'youth' and 'employment'"
    assert text[ReasonCode.CAPACITY] == "has 7.5 h/week free; the role needs 4"
    assert text[ReasonCode.CAPACITY_UNSHARED] == ("has the free capacity the role needs (4 h/week)")
    assert text[ReasonCode.COST] == "costs 12,000 over 10 weeks (day rate 600)"
    assert text[ReasonCode.GAP_CAPACITY_UNSHARED] == (
        "not enough free capacity (the role needs 4 h/week)"
    )
    assert text[ReasonCode.GAP_LANGUAGE] == "does not speak fr"
    assert text[ReasonCode.ONLY_SECTOR] == "the team's only member from civil_society"


@pytest.mark.parametrize("locale", ["es", "fr"])
@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_code_is_translated(locale: str, code: ReasonCode) -> None:
    with use_locale("en"):
        english = render(_data(code))
    with use_locale(locale):
        text = render(_data(code))
    assert text != english
    assert not ENGLISH_WORDS.search(text), text


def test_spanish_and_french_numbers_and_labels() -> None:
    with use_locale("es"):
        assert render(_data(ReasonCode.CAPACITY)) == (
            "tiene 7,5 h/semana libres; el rol necesita 4"
        )
        assert render(_data(ReasonCode.COST)) == ("cuesta 12.000 en 10 semanas (tarifa diaria 600)")
        assert render(_data(ReasonCode.ONLY_SECTOR)) == (
            "la única persona del equipo del sector sociedad civil"
        )
        assert render(_data(ReasonCode.GAP_LANGUAGE)) == "no habla francés"
        assert render(_data(ReasonCode.WORKED_WITH)) == (
            "ha trabajado con 4 del equipo (Ana, Ben, Carla y 1 más) desde 2021"
        )
    with use_locale("fr"):
        assert render(_data(ReasonCode.GAP_CAPACITY)) == ("1,5 h/semaine libres (4 requises)")
        assert render(_data(ReasonCode.SHARES_PURPOSE)) == "partage « youth » et « employment »"


@pytest.mark.parametrize("locale", ["en", "es", "fr", "ar"])
def test_an_unshared_capacity_figure_is_never_shown(locale: str) -> None:
    capacity = Reason(
        ReasonCode.CAPACITY, "has 13.25 h/week free; the role needs 4", free=13.25, needs=4.0
    )
    gap = Reason(ReasonCode.GAP_CAPACITY, "13.25 h/week free (needs 40)", free=13.25, needs=40.0)
    for r in (capacity, gap):
        data = for_reader(r, capacity_shared=False)
        assert "free" not in data["values"] and "13" not in str(data)
    with use_locale(locale):
        hidden = render_all([capacity, gap], capacity_shared=False)
        shown = render_all([capacity, gap], capacity_shared=True)
    assert not any("13" in t for t in hidden), hidden
    assert all("13" in t for t in shown), shown
    assert any("40" in t for t in hidden)  # what the role needs is still said
