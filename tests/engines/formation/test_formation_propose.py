"""propose(): reasons, alternatives, locks, costs, determinism, and infeasibility reports."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from _formation_helpers import proposal_team, violations

from coalition.engines.formation import (
    Candidate,
    CandidateIndex,
    Constraints,
    FormationProblem,
    RoleSpec,
    TieGraph,
    Weights,
    propose,
)


def _c(aid: int, name: str, caps: dict[str, int], **kw: object) -> Candidate:
    base: dict[str, object] = {
        "capacity_left_hours": 20.0,
        "sector": "business",
        "tz_region": "emea",
        "languages": frozenset({"en"}),
        "day_rate": 400.0,
    }
    base.update(kw)
    return Candidate(aid, name, caps, **base)  # type: ignore[arg-type]


def test_reasons_are_drawn_from_the_data() -> None:
    cands = [
        _c(1, "Ana", {"Learning design": 4}, purpose_text="Youth employment in cities"),
        _c(2, "Ben", {"Facilitation": 3}, sector="civil_society", is_newcomer=True),
        _c(3, "Carla", {"Facilitation": 5}, tz_region="apac", recent_engagements=0),
        _c(4, "Dev", {"Data analysis": 2}),
    ]
    ties = TieGraph([1, 1, 2], [2, 3, 4], [2023, 2021, 2019])
    roles = [
        RoleSpec("design", "Designer", {"Learning design": 3}, seats=1, hours_per_week=4),
        RoleSpec("facil", "Facilitator", {"Facilitation": 2}, seats=2, hours_per_week=8),
    ]
    problem = FormationProblem(
        roles=roles,
        candidates=cands,
        constraints=Constraints(weeks=10, tz_coverage=frozenset({"apac"})),
        purpose_text="Youth employment",
        ties=ties,
        k_alternatives=0,
    )
    result = propose(problem)
    assert result.status == "optimal"
    members = {m.name: m for m in result.proposals[0].members}
    assert set(members) == {"Ana", "Ben", "Carla"}
    ana = members["Ana"].reasons
    assert "covers Learning design (level 4, needed 3)" in ana
    assert "worked with 2 of the team (Ben, Carla) since 2021" in ana
    assert "shares 'youth employment'" in ana
    assert "costs 2,000 over 10 weeks (day rate 400)" in ana
    assert members["Ana"].cost == pytest.approx(400 / 8 * 4 * 10)
    assert "newcomer to the network" in members["Ben"].reasons
    assert "the team's only member from civil_society" in members["Ben"].reasons
    assert "covers APAC working hours" in members["Carla"].reasons
    assert "has 20 h/week free; the role needs 8" in members["Carla"].reasons


def test_alternatives_differ_in_a_third_of_their_seats() -> None:
    cands = [_c(i, f"P{i}", {"Facilitation": 2 + i % 4}) for i in range(1, 10)]
    role = RoleSpec("f", "Facilitator", {"Facilitation": 2}, seats=3, hours_per_week=4)
    result = propose(FormationProblem(roles=[role], candidates=cands, k_alternatives=3))
    assert len(result.proposals) == 4
    for i, later in enumerate(result.proposals):
        for earlier in result.proposals[:i]:
            assert len(set(later.actor_ids) & set(earlier.actor_ids)) <= 2
        assert later.rank == i
    scores = [p.total_score for p in result.proposals]
    assert scores[0] == max(scores)


def test_fewer_alternatives_than_asked_are_explained() -> None:
    cands = [_c(i, f"P{i}", {"Facilitation": 3}) for i in range(1, 4)]
    role = RoleSpec("f", "Facilitator", {"Facilitation": 2}, seats=3)
    result = propose(FormationProblem(roles=[role], candidates=cands, k_alternatives=2))
    assert len(result.proposals) == 1
    assert any("Only 0 alternative(s)" in note for note in result.notes)


def test_locked_in_actors_sit_in_every_proposal_in_their_role() -> None:
    cands = [_c(i, f"P{i}", {"Facilitation": 5, "Research": 5}) for i in range(1, 9)]
    cands.append(_c(42, "Locked", {"Facilitation": 2, "Research": 2}, recent_engagements=3))
    roles = [
        RoleSpec("f", "Facilitator", {"Facilitation": 2}, seats=2),
        RoleSpec("r", "Researcher", {"Research": 2}, seats=2),
    ]
    problem = FormationProblem(
        roles=roles,
        candidates=cands,
        constraints=Constraints(locked_in={42: "r"}),
        k_alternatives=2,
    )
    result = propose(problem)
    assert len(result.proposals) == 3
    for p in result.proposals:
        assert (42, "r") in proposal_team(p)
        locked = next(m for m in p.members if m.actor_id == 42)
        assert "locked in by the convenor" in locked.reasons


def test_competing_bidders_and_exclusions_are_never_proposed() -> None:
    cands = [
        _c(1, "Rival staff", {"Facilitation": 5}, organisations=(900,)),
        _c(2, "Excluded", {"Facilitation": 5}),
        _c(3, "Fine", {"Facilitation": 2}),
        _c(900, "Rival itself", {"Facilitation": 5}),
    ]
    role = RoleSpec("f", "F", {"Facilitation": 2}, seats=1)
    cons = Constraints(competing_orgs=frozenset({900}), excluded=frozenset({2}))
    result = propose(FormationProblem(roles=[role], candidates=cands, constraints=cons))
    assert [p.actor_ids for p in result.proposals] == [(3,)]
    assert any("Only 0" in n for n in result.notes)


def test_trust_from_a_mapping_or_a_callable() -> None:
    cands = [_c(i, f"P{i}", {"Facilitation": 3}) for i in range(1, 7)]
    role = RoleSpec("f", "F", {"Facilitation": 2}, seats=2)
    weights = Weights(fit=0.1, purpose=0.0, trust=5.0, diversity=0.0, fairness=0.0, cost=0.0)
    mapping = {(4, 6): 1.0}
    for ties in (mapping, lambda a, b: 1.0 if {a, b} == {4, 6} else 0.0):
        problem = FormationProblem(
            roles=[role], candidates=cands, weights=weights, ties=ties, k_alternatives=0
        )
        best = propose(problem).proposals[0]
        assert set(best.actor_ids) == {4, 6}
        assert best.scores["trust"] == pytest.approx(1.0)
        assert all("has worked with 1 of the team" in m.reasons for m in best.members)


def _random_problem(seed: int, n: int = 60) -> FormationProblem:
    rng = np.random.default_rng(seed)
    terms = ["A", "B", "C", "D"]
    cands = [
        _c(
            i,
            f"P{i}",
            {t: int(rng.integers(1, 6)) for t in rng.choice(terms, size=2, replace=False)},
            sector=str(rng.choice(["business", "education", "health"])),
            tz_region=str(rng.choice(["americas", "emea", "apac"])),
            day_rate=float(rng.integers(200, 900)),
            organisations=(int(rng.integers(1, 8)),),
            recent_engagements=int(rng.integers(0, 4)),
            purpose_text=str(rng.choice(["youth employment", "clean energy", "housing"])),
        )
        for i in range(1, n + 1)
    ]
    roles = [RoleSpec(f"r{k}", f"R{k}", {terms[k]: 2}, seats=2) for k in range(3)]
    src, dst = rng.integers(1, n + 1, size=(2, 2 * n))
    return FormationProblem(
        roles=roles,
        candidates=cands,
        constraints=Constraints(
            max_per_org=2, tz_coverage=frozenset({"apac"}), sector_mix={"health": (1, None)}
        ),
        purpose_text="youth employment",
        ties=TieGraph(src, dst),
        seed=seed,
    )


@pytest.mark.parametrize("mode", ["heuristic", "exact"])
def test_same_seed_same_answer(mode: str) -> None:
    # Without a binding time limit the answer depends on the seed alone.
    problem = dataclasses.replace(_random_problem(3), mode=mode, time_limit_s=None)
    first, second = propose(problem), propose(problem)
    assert [proposal_team(p) for p in first.proposals] == [
        proposal_team(p) for p in second.proposals
    ]
    assert [p.total_score for p in first.proposals] == [p.total_score for p in second.proposals]


def test_default_mode_is_close_to_exact_and_bounds_hold() -> None:
    for seed in range(3):
        problem = _random_problem(seed)
        exact = propose(dataclasses.replace(problem, mode="exact", k_alternatives=0))
        default = propose(problem)
        assert exact.status == "optimal" and default.best is not None
        assert default.best.total_score <= exact.proposals[0].total_score + 1e-9
        assert default.best.bound >= exact.proposals[0].total_score - 1e-7
        assert default.best.total_score >= 0.97 * exact.proposals[0].total_score
        for p in default.proposals:
            assert violations(problem, proposal_team(p)) == []


def test_prebuilt_index_gives_the_same_answer() -> None:
    problem = _random_problem(5)
    index = CandidateIndex(problem.candidates)  # type: ignore[arg-type]
    a = propose(dataclasses.replace(problem, mode="heuristic", time_limit_s=None))
    b = propose(dataclasses.replace(problem, mode="heuristic", time_limit_s=None, candidates=index))
    assert [proposal_team(p) for p in a.proposals] == [proposal_team(p) for p in b.proposals]


def test_an_infeasible_pruned_pool_is_widened_before_giving_up() -> None:
    # The 100 best candidates all belong to organisation 1; the cap is one per organisation.
    star = [
        _c(
            i,
            f"Star{i}",
            {"Facilitation": 5},
            organisations=(1,),
            sector=["business", "education", "health"][i % 3],
            tz_region=["americas", "emea", "apac"][i % 3],
            day_rate=None,
            recent_engagements=0,
        )
        for i in range(1, 101)
    ]
    rest = [
        _c(1000 + i, f"Other{i}", {"Facilitation": 2}, organisations=(1000 + i,), day_rate=900.0)
        for i in range(1500)
    ]
    role = RoleSpec("f", "F", {"Facilitation": 2}, seats=4)
    problem = FormationProblem(
        roles=[role],
        candidates=star + rest,
        constraints=Constraints(max_per_org=1),
        k_alternatives=0,
        pool_per_role=10,
    )
    result = propose(problem)
    assert result.best is not None
    assert any("widened" in n for n in result.notes)
    assert violations(problem, proposal_team(result.best)) == []


# -- infeasibility --------------------------------------------------------------------------


def _report(problem: FormationProblem) -> list:
    result = propose(problem)
    assert result.status == "infeasible"
    assert not result.proposals
    assert result.infeasibility is not None and result.infeasibility.summary
    return list(result.infeasibility.obstacles)


def test_a_missing_capability_names_the_role_and_the_closest_actors() -> None:
    cands = [
        _c(1, "Ana", {"Data analysis": 3}),
        _c(2, "Ben", {"Data analysis": 2}),
        _c(3, "Carla", {"Data analysis": 5}, capacity_left_hours=2.0),
        _c(4, "Dev", {"Facilitation": 5}),
    ]
    role = RoleSpec("data", "Data lead", {"Data analysis": 4}, seats=1, hours_per_week=6)
    obstacles = _report(FormationProblem(roles=[role], candidates=cands))
    first = obstacles[0]
    assert first.constraint == "role" and first.field == "roles[0]"
    assert "Data lead" in first.message and "Data analysis \u2265 4" in first.message
    closest = {c.name: c.gaps for c in first.closest}
    assert closest["Carla"] == ("2 h/week free (needs 6)",)
    assert closest["Ana"] == ("Data analysis level 3 (needs 4)",)
    assert "Dev" not in closest
    assert [c.name for c in first.closest][:2] == ["Carla", "Ana"]


@pytest.mark.parametrize(
    ("constraints", "kind"),
    [
        (Constraints(budget=100.0, weeks=4), "budget"),
        (Constraints(tz_coverage=frozenset({"apac"})), "tz_coverage"),
        (Constraints(sector_mix={"health": (1, None)}), "sector_mix"),
        (Constraints(locked_in={3: "f"}), "locked_in"),
        (Constraints(sector_mix={"business": (3, None), "education": (1, None)}), "sector_mix"),
    ],
)
def test_counting_obstacles(constraints: Constraints, kind: str) -> None:
    cands = [
        _c(1, "Ana", {"Facilitation": 3}),
        _c(2, "Ben", {"Facilitation": 3}),
        _c(3, "Carla", {"Research": 4}),
    ]
    role = RoleSpec("f", "F", {"Facilitation": 2}, seats=2)
    obstacles = _report(FormationProblem(roles=[role], candidates=cands, constraints=constraints))
    assert kind in {o.constraint for o in obstacles}


def test_conflicts_found_by_relaxation_come_with_the_closest_team() -> None:
    cands = [_c(1, "Ana", {"A": 3}), _c(2, "Ben", {"B": 3}), _c(3, "Cy", {"C": 3})]
    roles = [RoleSpec("a", "A", {"A": 2}), RoleSpec("b", "B", {"B": 2})]
    cons = Constraints(conflicts=((1, 2),))
    obstacles = _report(FormationProblem(roles=roles, candidates=cands, constraints=cons))
    assert [o.constraint for o in obstacles] == ["conflicts"]
    assert {c.actor_id for c in obstacles[0].closest} == {1, 2}
    assert "conflicting pair" in obstacles[0].message


def test_organisation_cap_found_by_relaxation() -> None:
    cands = [_c(i, f"P{i}", {"A": 3}, organisations=(7,)) for i in range(1, 4)]
    cands.append(_c(9, "Out", {"A": 3}, organisations=(8,)))
    role = RoleSpec("a", "A", {"A": 2}, seats=3)
    cons = Constraints(max_per_org=1)
    obstacles = _report(FormationProblem(roles=[role], candidates=cands, constraints=cons))
    assert [o.constraint for o in obstacles] == ["max_per_org"]
    assert obstacles[0].field == "constraints.max_per_org"


def test_roles_competing_for_the_same_people() -> None:
    cands = [
        _c(1, "Ana", {"A": 3, "B": 3}),
        _c(2, "Ben", {"A": 3, "B": 3}),
        _c(3, "Cy", {"C": 3}),
        _c(4, "Di", {"C": 3}),
    ]
    roles = [
        RoleSpec("a", "A", {"A": 2}, seats=2),
        RoleSpec("b", "B", {"B": 2}, seats=1),
        RoleSpec("c", "C", {"C": 2}, seats=1),
    ]
    obstacles = _report(FormationProblem(roles=roles, candidates=cands))
    assert [o.constraint for o in obstacles] == ["distinct_people"]


def test_two_families_that_each_block_are_both_named() -> None:
    cands = [
        _c(1, "Ana", {"A": 3}, sector="civil_society"),
        _c(2, "Ben", {"A": 3}, sector="civil_society"),
        _c(3, "Cy", {"A": 3}),
    ]
    role = RoleSpec("a", "A", {"A": 2}, seats=2)
    cons = Constraints(conflicts=((1, 2),), sector_mix={"civil_society": (2, None)})
    obstacles = _report(FormationProblem(roles=[role], candidates=cands, constraints=cons))
    assert {o.constraint for o in obstacles} == {"conflicts", "sector_mix"}
