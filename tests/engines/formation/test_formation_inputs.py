"""Bad input is refused with FormationInputError (a ValueError) naming the field."""

from __future__ import annotations

import dataclasses
import math

import pytest

from coalition.engines.formation import (
    Candidate,
    CandidateIndex,
    Constraints,
    FormationInputError,
    FormationProblem,
    RoleSpec,
    Weights,
    propose,
)

CANDS = [
    Candidate(1, "Ana", {"Facilitation": 4}, 10.0, "business", "emea", frozenset({"en"}), 500.0),
    Candidate(2, "Ben", {"Facilitation": 2}, 10.0, "education", "apac", frozenset({"en"}), None),
]
ROLE = RoleSpec("lead", "Lead", {"Facilitation": 2}, seats=1, hours_per_week=4.0)


def _problem(**changes: object) -> FormationProblem:
    base = FormationProblem(roles=[ROLE], candidates=CANDS)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"fit": -1.0}, "weights.fit"),
        ({"purpose": math.nan}, "weights.purpose"),
        ({"trust": math.inf}, "weights.trust"),
        ({"cost": True}, "weights.cost"),
        ({"cost": "1"}, "weights.cost"),
        ({"charisma": 1.0}, "weights.charisma"),
        ({k: 0.0 for k in ("fit", "purpose", "trust", "diversity", "fairness", "cost")}, "weights"),
    ],
)
def test_invalid_weights_are_refused_with_their_field(values: dict, field: str) -> None:
    with pytest.raises(FormationInputError) as err:
        Weights.from_mapping(values)
    assert err.value.field == field
    assert isinstance(err.value, ValueError)


def test_weights_constructor_validates_too() -> None:
    with pytest.raises(FormationInputError, match="weights.diversity"):
        Weights(diversity=-0.1)
    assert Weights.from_mapping({"fit": 2}).fit == 2.0
    assert Weights().total() > 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"roles": []}, "roles"),
        ({"roles": [ROLE, ROLE]}, "roles[1].key"),
        ({"roles": [dataclasses.replace(ROLE, seats=0)]}, "roles[0].seats"),
        (
            {"roles": [dataclasses.replace(ROLE, hours_per_week=math.nan)]},
            "roles[0].hours_per_week",
        ),
        ({"roles": [dataclasses.replace(ROLE, hours_per_week=0.0)]}, "roles[0].hours_per_week"),
        (
            {"roles": [dataclasses.replace(ROLE, requirements={"Juggling": 2})]},
            "roles[0].requirements.Juggling",
        ),
        (
            {"roles": [dataclasses.replace(ROLE, requirements={"Facilitation": 6})]},
            "roles[0].requirements.Facilitation",
        ),
        (
            {"roles": [dataclasses.replace(ROLE, tz_regions=frozenset({"mars"}))]},
            "roles[0].tz_regions",
        ),
        ({"constraints": Constraints(budget=-5.0)}, "constraints.budget"),
        ({"constraints": Constraints(budget=math.nan)}, "constraints.budget"),
        ({"constraints": Constraints(weeks=0.0)}, "constraints.weeks"),
        (
            {"constraints": Constraints(sector_mix={"business": (2, 1)})},
            "constraints.sector_mix.business",
        ),
        (
            {"constraints": Constraints(sector_mix={"business": (-1, None)})},
            "constraints.sector_mix.business",
        ),
        ({"constraints": Constraints(max_per_org=0)}, "constraints.max_per_org"),
        ({"constraints": Constraints(tz_coverage=frozenset({"mars"}))}, "constraints.tz_coverage"),
        ({"constraints": Constraints(locked_in={99: None})}, "constraints.locked_in.99"),
        ({"constraints": Constraints(locked_in={1: "ghost"})}, "constraints.locked_in.1"),
        (
            {"constraints": Constraints(locked_in={1: None}, excluded=frozenset({1}))},
            "constraints.locked_in.1",
        ),
        ({"k_alternatives": -1}, "k_alternatives"),
        ({"time_limit_s": 0.0}, "time_limit_s"),
        ({"mode": "fast"}, "mode"),
        ({"pool_per_role": 0}, "pool_per_role"),
    ],
)
def test_invalid_problems_are_refused_with_their_field(changes: dict, field: str) -> None:
    with pytest.raises(FormationInputError) as err:
        propose(_problem(**changes))
    assert err.value.field == field
    assert field in str(err.value)


def test_a_term_in_the_vocabulary_but_held_by_nobody_is_not_an_input_error() -> None:
    role = dataclasses.replace(ROLE, requirements={"Juggling": 2})
    result = propose(_problem(roles=[role], vocabulary=frozenset({"Juggling"})))
    assert result.status == "infeasible"
    assert result.infeasibility is not None
    assert result.infeasibility.obstacles[0].constraint == "role"


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (Candidate(1, capabilities={"x": 0}), "candidates[0].capabilities.x"),
        (Candidate(1, capabilities={"x": 2.5}), "candidates[0].capabilities.x"),  # type: ignore[dict-item]
        (Candidate(1, capacity_left_hours=-1.0), "candidates[0].capacity_left_hours"),
        (Candidate(1, day_rate=math.nan), "candidates[0].day_rate"),
        (Candidate(1, tz_region="mars"), "candidates[0].tz_region"),
        (Candidate(1, recent_engagements=-2), "candidates[0].recent_engagements"),
    ],
)
def test_invalid_candidates_are_refused(bad: Candidate, field: str) -> None:
    with pytest.raises(FormationInputError) as err:
        CandidateIndex([bad])
    assert err.value.field == field


def test_actor_ids_must_fit_64_bits() -> None:
    with pytest.raises(FormationInputError, match="candidates\\[0\\].actor_id"):
        CandidateIndex([Candidate(2**70)])


def test_duplicate_actor_ids_are_refused() -> None:
    with pytest.raises(FormationInputError) as err:
        CandidateIndex([Candidate(1), Candidate(1)])
    assert err.value.field == "candidates[1].actor_id"
