"""Property tests: every proposed team satisfies every hard constraint; exact is exact.

Small random problems are checked against oracles written from the documented semantics
(``_formation_helpers``): a constraint checker that looks at the candidates directly, the
objective computed from its definitions (NetworkX for hop distances), and brute force over
every possible team.
"""

from __future__ import annotations

import dataclasses
import math

import pytest
from _formation_helpers import (
    brute_force_best,
    proposal_team,
    reference_scores,
    tiny_problems,
    violations,
)
from hypothesis import HealthCheck, event, given, settings

from coalition.engines.formation import CandidateIndex, FormationProblem, propose
from coalition.engines.formation.model import max_differing_overlap

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_result(problem: FormationProblem, result: object) -> None:
    assert result.status in ("optimal", "feasible", "infeasible", "unknown")  # type: ignore[attr-defined]
    proposals = result.proposals  # type: ignore[attr-defined]
    n = sum(r.seats for r in problem.roles)
    for p in proposals:
        team = proposal_team(p)
        assert violations(problem, team) == [], (team, violations(problem, team))
        assert p.bound >= p.total_score - 1e-9
        assert 0.0 <= p.gap <= 1.0 + 1e-9
        for value in p.scores.values():
            assert -1e-9 <= value <= 1.0 + 1e-9
    for i, later in enumerate(proposals):
        for earlier in proposals[:i]:
            shared = set(later.actor_ids) & set(earlier.actor_ids)
            assert len(shared) <= max_differing_overlap(n)
    if result.status == "infeasible":  # type: ignore[attr-defined]
        assert result.infeasibility is not None  # type: ignore[attr-defined]
        assert result.infeasibility.obstacles  # type: ignore[attr-defined]


@SETTINGS
@given(tiny_problems())
def test_exact_mode_is_feasible_and_optimal(case: tuple[FormationProblem, list]) -> None:
    problem, edges = case
    problem = dataclasses.replace(problem, mode="exact")
    result = propose(problem)
    event(f"status {result.status}, {len(result.proposals)} proposal(s)")
    _check_result(problem, result)
    index = CandidateIndex(problem.candidates)  # type: ignore[arg-type]
    best, best_team = brute_force_best(problem, index, edges)
    if best_team is None:
        assert result.status == "infeasible"
        return
    assert result.status == "optimal"
    top = result.proposals[0]
    assert top.total_score == pytest.approx(best, abs=1e-7)
    ref = reference_scores(problem, proposal_team(top), index, edges)
    for name, value in ref.items():
        assert top.scores[name] == pytest.approx(value, abs=1e-7), name


@SETTINGS
@given(tiny_problems())
def test_default_mode_teams_satisfy_every_constraint(
    case: tuple[FormationProblem, list],
) -> None:
    problem, _ = case
    result = propose(dataclasses.replace(problem, time_limit_s=0.5))
    _check_result(problem, result)
    assert result.status != "unknown"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems())
def test_heuristic_mode_teams_satisfy_every_constraint(
    case: tuple[FormationProblem, list],
) -> None:
    problem, _ = case
    result = propose(dataclasses.replace(problem, mode="heuristic"))
    _check_result(problem, result)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems(max_candidates=8, max_seats=3))
def test_infeasible_reports_are_never_wrong_about_existence(
    case: tuple[FormationProblem, list],
) -> None:
    problem, edges = case
    result = propose(problem)
    index = CandidateIndex(problem.candidates)  # type: ignore[arg-type]
    best, _ = brute_force_best(problem, index, edges)
    assert (result.status == "infeasible") == (best == -math.inf), (
        problem,
        result.infeasibility,
        best,
    )


def test_a_conflict_of_an_actor_with_themselves_binds_nobody() -> None:
    """A pair (a, a) in the conflicts is no conflict: a locked-in actor still sits (hypothesis
    found the engine calling such a problem infeasible while the model solved it)."""
    from coalition.engines.formation.problem import Candidate, Constraints, RoleSpec, Weights

    people = [
        Candidate(
            actor_id=100 + i,
            name=f"P{i}",
            capabilities={"Facilitation": 2},
            capacity_left_hours=12.0,
            sector="business",
            tz_region="emea",
        )
        for i in range(3)
    ]
    roles = [
        RoleSpec(key=f"r{i}", title=f"Role {i}", requirements={}, seats=1, hours_per_week=4.0)
        for i in range(2)
    ]
    problem = FormationProblem(
        roles=roles,
        candidates=people,
        constraints=Constraints(conflicts=((100, 100),), locked_in={100: None}),
        weights=Weights(fit=0.0, purpose=0.0, trust=0.0, diversity=0.0, fairness=0.0, cost=0.5),
        mode="exact",
    )
    result = propose(problem)
    assert result.status == "optimal"
    assert 100 in result.proposals[0].actor_ids
