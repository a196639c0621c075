"""Why no team could be formed, a run's notes and the engine's refusals of bad input, written in
the reader's language: every code renders in English, Spanish and French, and no English is
left in Spanish or French."""

from __future__ import annotations

import re

import pytest

from coalition.engines.formation import (
    Candidate,
    Constraints,
    FormationInputError,
    FormationProblem,
    RoleSpec,
    Weights,
    propose,
)
from coalition.engines.formation.reasons import (
    DetailCode,
    FunnelCode,
    InputCode,
    NoteCode,
    ObstacleCode,
    Said,
)
from coalition.i18n import use_locale
from coalition.services.formation_obstacles import input_message, note, obstacle, summary

STEPS = [
    {
        "code": FunnelCode.REQUIREMENT.value,
        "values": {"term": "Climate finance", "level": 4},
        "count": 3,
    },
    {
        "code": FunnelCode.ALSO_REQUIREMENT.value,
        "values": {"term": "Facilitation", "level": 2},
        "count": 2,
    },
    {"code": FunnelCode.ANYONE.value, "values": {}, "count": 40},
    {"code": FunnelCode.FREE_HOURS.value, "values": {"hours": 6.5}, "count": 2},
    {"code": FunnelCode.SPEAKS.value, "values": {"languages": ["fr", "es"]}, "count": 1},
    {"code": FunnelCode.NOT_BLOCKED.value, "values": {}, "count": 0},
]
DETAILS = {
    DetailCode.BUDGET: {"cost": 120000.0, "budget": 90000.0},
    DetailCode.SECTORS: {"counts": [["civil_society", 2], [None, 1]]},
    DetailCode.REGIONS: {"regions": ["emea", None]},
    DetailCode.ORG_CAP: {},
    DetailCode.CONFLICT: {},
    DetailCode.LOCKED_OUT: {"names": ["Ana", "Ben"]},
}
OBSTACLES: dict[ObstacleCode, dict[str, object]] = {
    ObstacleCode.ROLE_SHORT: {"role": "Data lead", "seats": 2, "steps": STEPS},
    ObstacleCode.TOO_MANY_LOCKED: {"locked": 4, "seats": 3},
    ObstacleCode.LOCKED_BLOCKED: {"name": "Ana"},
    ObstacleCode.LOCKED_UNQUALIFIED: {"name": "Ana", "role": "Data lead"},
    ObstacleCode.LOCKED_ROLE_FULL: {"locked": 2, "role": "Data lead", "seats": 1},
    ObstacleCode.LOCKED_CONFLICT: {"names": ["Ana", "Ben"]},
    ObstacleCode.LOCKED_ORG_CAP: {"count": 3, "organisation": 17, "cap": 2},
    ObstacleCode.DISTINCT_PEOPLE: {"needed": 5, "qualify": 3},
    ObstacleCode.SECTOR_MINIMUMS: {"total": 6, "seats": 4},
    ObstacleCode.SECTOR_SHORT: {"minimum": 2, "sector": "funder", "have": 1},
    ObstacleCode.LOCKED_SECTOR_MAX: {"locked": 3, "sector": "business", "maximum": 1},
    ObstacleCode.REGION_UNCOVERED: {"region": "apac"},
    ObstacleCode.ROLE_REGIONS: {"role": "Data lead", "regions": 3, "seats": 2},
    ObstacleCode.ROLE_REGION_UNCOVERED: {"role": "Data lead", "region": "americas"},
    ObstacleCode.BUDGET: {"cost": 123456.0, "weeks": 12.0, "budget": 100000.0},
    ObstacleCode.SCARCE_PEOPLE: {"roles": [["Data lead", 2], ["Host", 3]]},
    ObstacleCode.RELAXED: {"family": "budget", "detail": None},
    ObstacleCode.COMBINATION: {"families": ["budget", "sector_mix", "tz_coverage"]},
}
NOTES: dict[NoteCode, dict[str, object]] = {
    NoteCode.WIDENED: {},
    NoteCode.EXACT_POOL: {"qualify": 900, "keep": 60},
    NoteCode.FEW_ALTERNATIVES: {"found": 1, "reason": "distinct"},
    NoteCode.NOT_PROVEN: {},
}
INPUTS: dict[InputCode, tuple[str, dict[str, object]]] = {
    InputCode.NOT_A_NUMBER: ("constraints.budget", {"value": "abc"}),
    InputCode.NOT_FINITE: ("weights.fit", {"value": "nan"}),
    InputCode.TOO_SMALL: (
        "roles[0].hours_per_week",
        {"minimum": 0.0, "value": -2.0, "strict": True},
    ),
    InputCode.NO_ROLES: ("roles", {}),
    InputCode.NOT_A_ROLE: ("roles[1]", {}),
    InputCode.DUPLICATE_ROLE: ("roles[1].key", {"key": "12"}),
    InputCode.SEATS: ("roles[0].seats", {}),
    InputCode.UNKNOWN_CAPABILITY: ("roles[0].requirements.Alchemy", {"term": "Alchemy"}),
    InputCode.LEVEL: ("roles[0].requirements.Facilitation", {"level": "9"}),
    InputCode.UNKNOWN_REGION: (
        "constraints.tz_coverage",
        {"region": "mars", "expected": ["americas", "emea", "apac"]},
    ),
    InputCode.NOT_WEIGHTS: ("weights", {}),
    InputCode.NO_POSITIVE_WEIGHT: ("weights", {}),
    InputCode.UNKNOWN_OBJECTIVE: ("weights.luck", {"name": "luck", "expected": ["fit", "trust"]}),
    InputCode.SECTOR_PAIR: ("constraints.sector_mix.funder", {}),
    InputCode.SECTOR_MINIMUM: ("constraints.sector_mix.funder", {}),
    InputCode.SECTOR_MAXIMUM: ("constraints.sector_mix.funder", {}),
    InputCode.ORG_CAP: ("constraints.max_per_org", {}),
    InputCode.UNKNOWN_ACTOR: ("constraints.locked_in.99", {"actor": 99}),
    InputCode.UNKNOWN_ROLE: ("constraints.locked_in.4", {"key": "77"}),
    InputCode.LOCKED_AND_EXCLUDED: ("constraints.locked_in.4", {"actor": 4}),
    InputCode.CONFLICT_PAIR: ("constraints.conflicts", {}),
    InputCode.ALTERNATIVES: ("k_alternatives", {}),
    InputCode.MODE: ("mode", {"expected": ["default", "exact", "heuristic"]}),
    InputCode.POOL: ("pool_per_role", {}),
    InputCode.FAIRNESS_BUDGET: ("fairness_budget", {}),
    InputCode.ACTOR_ID: ("candidates[3].actor_id", {"value": "x"}),
    InputCode.DUPLICATE_ACTOR: ("candidates[3].actor_id", {"actor": 8}),
}
ROLES = ["Data lead", "Host"]
# Words that would betray English left in a Spanish or French sentence.
ENGLISH = re.compile(
    r"\b(the|team|with|needs|role|people|person|locked|than|must|only|one|any|who|hours|"
    r"weeks|level|seats?|from|and|then|free|speaking|anyone|closest|time)\b"
)


def _all_texts() -> dict[str, str]:
    """Every sample, rendered in the current locale, by name."""
    out = {
        f"obstacle:{c.value}": obstacle(Said(c, "English", **v), ["sin Python"])
        for c, v in OBSTACLES.items()
    }
    for code, values in DETAILS.items():
        detail = {"code": code.value, "values": values}
        said = Said(ObstacleCode.RELAXED, "English", family="sector_mix", detail=detail)
        out[f"detail:{code.value}"] = obstacle(said)
    out |= {f"note:{c.value}": note(Said(c, "English", **v)) for c, v in NOTES.items()}
    for code, (field, values) in INPUTS.items():
        out[f"input:{code.value}"] = input_message(
            FormationInputError(field, code, "English", **values), ROLES
        )
    out["summary"] = summary(["first", "second", "third"])
    return out


def test_every_code_has_a_sample() -> None:
    assert set(OBSTACLES) == set(ObstacleCode)
    assert set(NOTES) == set(NoteCode)
    assert set(INPUTS) == set(InputCode)
    assert {s["code"] for s in STEPS} == {c.value for c in FunnelCode}
    assert set(DETAILS) == set(DetailCode)


def test_english_sentences() -> None:
    with use_locale("en"):
        text = _all_texts()
    assert text["obstacle:role_short"] == (
        "Role “Data lead” needs 2 seats; eligible people: 3 with Climate finance at level 4 or "
        "above, then 2 with also Facilitation at level 2 or above, then 40 with anyone, then 2 "
        "with 6.5 h/week free, then 1 with speaking French and Spanish, then 0 with not "
        "excluded or competing."
    )
    assert text["obstacle:budget"] == (
        "The cheapest possible team costs €123,456 over 12 weeks, above the budget of €100,000."
    )
    assert text["obstacle:too_many_locked"] == "4 people are locked in but the team has 3 seats."
    assert text["obstacle:locked_unqualified"] == (
        "Ana is locked in but does not qualify for role “Data lead”: sin Python."
    )
    assert text["detail:sectors"] == (
        "No team meets the sector mix together with the other constraints; the closest team "
        "has 2 from civil society and 1 from no sector."
    )
    assert text["note:few_alternatives"] == (
        "Only 1 alternative: no other team differs from the earlier ones in at least a third "
        "of its seats."
    )
    assert text["input:seats"] == "Seats of role “Data lead”: must be a whole number, at least 1"
    assert text["input:unknown_region"] == (
        "Time-zone coverage: “mars” is not a region; choose among Americas, Europe, Middle "
        "East and Africa and Asia-Pacific"
    )
    assert text["summary"] == "first (and 2 more obstacles)"


@pytest.mark.parametrize("locale", ["es", "fr"])
def test_every_code_is_translated(locale: str) -> None:
    with use_locale("en"):
        english = _all_texts()
    with use_locale(locale):
        text = _all_texts()
    for name, sentence in text.items():
        assert sentence != english[name], name
        # Names, capability terms and ids are the data's own; the rest must be translated.
        bare = re.sub(
            r"Data lead|Climate finance|Facilitation|English|Alchemy|luck|mars", "", sentence
        )
        assert not ENGLISH.search(bare), (name, sentence)


def test_spanish_and_french_sentences() -> None:
    with use_locale("es"):
        assert obstacle(Said(ObstacleCode.TOO_MANY_LOCKED, "x", locked=1, seats=1)) == (
            "1 persona está fijada, pero el equipo tiene 1 plaza."
        )
        assert obstacle(Said(ObstacleCode.REGION_UNCOVERED, "x", region="apac")) == (
            "Nadie que cumpla los requisitos de algún rol trabaja en horario de Asia-Pacífico."
        )
        exc = FormationInputError("roles[1].seats", InputCode.SEATS, "x")
        assert (
            input_message(exc, ROLES) == "Plazas del rol «Host»: debe ser un número entero, 1 o más"
        )
    with use_locale("fr"):
        said = Said(ObstacleCode.BUDGET, "x", cost=1500.5, weeks=2.5, budget=1000.0)
        assert obstacle(said) == (
            "L'équipe la moins chère possible coûte 1\u202f500,50\u00a0€ sur 2,5 semaines, "
            "au-delà du budget de 1\u202f000\u00a0€."
        )


def _infeasible_problems() -> list[FormationProblem]:
    people = [
        Candidate(
            1, "Ana", {"Facilitation": 3}, capacity_left_hours=10, sector="funder", day_rate=900
        ),
        Candidate(2, "Ben", {"Facilitation": 2}, capacity_left_hours=1, tz_region="emea"),
        Candidate(3, "Carla", {"Data analysis": 4}, capacity_left_hours=10, day_rate=800),
    ]
    host = RoleSpec("h", "Host", {"Facilitation": 3}, seats=2, hours_per_week=4)
    easy = RoleSpec("e", "Helper", {}, seats=1, hours_per_week=2)
    return [
        FormationProblem(roles=[host], candidates=people),
        FormationProblem(
            roles=[easy],
            candidates=people,
            constraints=Constraints(
                budget=10, tz_coverage=frozenset({"apac"}), sector_mix={"business": (1, None)}
            ),
        ),
        FormationProblem(
            roles=[RoleSpec("d", "Data", {"Data analysis": 3}, hours_per_week=2)],
            candidates=people,
            constraints=Constraints(locked_in={2: "d"}),
        ),
    ]


@pytest.mark.parametrize("locale", ["es", "fr"])
def test_the_engines_obstacles_are_written_in_the_readers_language(locale: str) -> None:
    found = set()
    for problem in _infeasible_problems():
        result = propose(problem)
        assert result.infeasibility is not None and result.infeasibility.obstacles
        for o in result.infeasibility.obstacles:
            found.add(o.message.code)
            with use_locale(locale):
                text = obstacle(o.message)
            bare = re.sub(r"Host|Helper|Data analysis|Data|Facilitation|Ana|Ben|Carla", "", text)
            assert not ENGLISH.search(bare), text
    assert {
        ObstacleCode.ROLE_SHORT,
        ObstacleCode.BUDGET,
        ObstacleCode.REGION_UNCOVERED,
        ObstacleCode.SECTOR_SHORT,
        ObstacleCode.LOCKED_UNQUALIFIED,
    } <= found


def test_a_refusal_of_the_engine_carries_its_code() -> None:
    with pytest.raises(FormationInputError) as caught:
        Weights(fit=0, purpose=0, trust=0, diversity=0, fairness=0, cost=0, bridging=0)
    assert caught.value.code is InputCode.NO_POSITIVE_WEIGHT and caught.value.field == "weights"
    with use_locale("es"):
        assert input_message(caught.value) == "Pesos: al menos un peso debe ser mayor que 0"
