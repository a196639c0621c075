"""Fairness as exposure over time, trust without lock-in, and the bridging objective."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from coalition.domain import BudgetBasis
from coalition.engines.formation import (
    Candidate,
    CandidateIndex,
    FormationProblem,
    RoleSpec,
    TieGraph,
    Weights,
    propose,
)
from coalition.engines.formation.fairness import (
    NEWCOMER_FADE,
    decayed_exposure,
    fairness_scores,
    newcomer_boost,
    role_reference,
)
from coalition.engines.formation.model import fairness
from coalition.engines.formation.ties import pool_closeness

ROLE = RoleSpec("host", "Host", {"Facilitation": 3}, hours_per_week=4)

exposures = st.floats(0.0, 40.0, allow_nan=False)


def _person(actor_id: int, exposure: float, recent: int = 0, newcomer: bool = False) -> Candidate:
    return Candidate(
        actor_id,
        f"P{actor_id}",
        {"Facilitation": 4},
        capacity_left_hours=10,
        sector="independent",
        tz_region="emea",
        exposure=exposure,
        recent_engagements=recent,
        is_newcomer=newcomer,
    )


def _score_of(cands: list[Candidate], actor_id: int) -> float:
    """The fair-spread score of one actor for ROLE, relative to everyone eligible for it."""
    index = CandidateIndex(cands)
    rows = index.eligible(ROLE, np.zeros(len(index), dtype=bool))
    row = np.array([index.row_of[actor_id]])
    return float(fairness(index, row, role_reference(index.exposure, rows))[0])


@settings(max_examples=150, deadline=None)
@given(
    others=st.lists(exposures, min_size=0, max_size=8),
    mine=exposures,
    more=st.floats(0.01, 20.0, allow_nan=False),
    recent=st.integers(0, 6),
    newcomer=st.booleans(),
)
def test_score_never_rises_with_more_recent_opportunity(
    others: list[float], mine: float, more: float, recent: int, newcomer: bool
) -> None:
    crowd = [_person(10 + i, e) for i, e in enumerate(others)]
    before = _score_of([_person(1, mine, recent, newcomer), *crowd], 1)
    # More opportunity: a higher exposure, and (for the boost) one more engagement.
    after = _score_of([_person(1, mine + more, recent + 1, newcomer), *crowd], 1)
    assert after <= before + 1e-12
    assert 0.0 <= after <= before <= 1.0


@settings(max_examples=60, deadline=None)
@given(
    fewer=st.floats(0.0, 8.0, allow_nan=False),
    extra=st.floats(0.25, 8.0, allow_nan=False),
    others=st.lists(st.floats(0.0, 8.0, allow_nan=False), min_size=0, max_size=5),
    newcomer=st.booleans(),
    recent=st.integers(0, 4),
)
def test_fewer_recent_chances_never_rank_below_more(
    fewer: float, extra: float, others: list[float], newcomer: bool, recent: int
) -> None:
    """Two members identical but for their recent chances: the one with fewer ranks first."""
    a = _person(1, fewer, recent, newcomer)
    b = _person(2, fewer + extra, recent, newcomer)
    crowd = [_person(10 + i, e) for i, e in enumerate(others)]
    for order in ([a, b, *crowd], [b, a, *crowd]):
        result = propose(
            FormationProblem(
                roles=[ROLE], candidates=order, k_alternatives=len(order) - 1, mode="exact"
            )
        )
        ranking = [p.members[0].actor_id for p in result.proposals]
        assert ranking.index(1) < ranking.index(2), ranking


@settings(max_examples=100, deadline=None)
@given(
    exposure=st.lists(exposures, min_size=1, max_size=10),
    engagements=st.integers(NEWCOMER_FADE, 50),
    reference=st.floats(0.0, 30.0, allow_nan=False),
)
def test_newcomers_with_many_engagements_get_no_boost(
    exposure: list[float], engagements: int, reference: float
) -> None:
    e = np.array(exposure)
    own = np.full(len(e), engagements)
    newcomer = fairness_scores(e, own, np.ones(len(e), dtype=bool), reference)
    veteran = fairness_scores(e, own, np.zeros(len(e), dtype=bool), reference)
    assert np.array_equal(newcomer, veteran)
    assert not newcomer_boost(own, np.ones(len(e), dtype=bool)).any()


def test_the_newcomer_boost_is_bounded_and_fades() -> None:
    e = np.full(4, 6.0)
    own = np.array([0, 1, 2, 3])
    lifted = fairness_scores(e, own, np.ones(4, dtype=bool), 1.0)
    base = fairness_scores(e, own, np.zeros(4, dtype=bool), 1.0)
    gain = lifted - base
    assert gain[0] > gain[1] > gain[2] > gain[3] == 0.0
    assert np.all(lifted <= base + 0.25 * (1 - base) + 1e-12)  # at most a quarter of the way


def test_the_score_does_not_flatten_out_where_others_had_little() -> None:
    """10 against 20 chances still differ clearly when the others have had about 2 (the
    1 / (1 + count) score moved by only 0.04 there)."""
    ten, twenty = fairness_scores(np.array([10.0, 20.0]), np.zeros(2), np.zeros(2, bool), 2.0)
    assert ten > 2 * twenty
    assert ten - twenty > 0.01


def test_exposure_decays_with_a_half_life() -> None:
    assert decayed_exposure([]) == 0.0
    assert decayed_exposure([0, 180, 360]) == 1.75
    assert decayed_exposure([-30]) == 1.0  # a chance still to come counts in full


def test_fairness_changes_the_team_and_the_contrast_shows_it() -> None:
    """A busy expert and a slightly weaker member who has had no chances: fairness picks the
    latter, and the result keeps the team fairness off would have chosen."""
    busy = Candidate(1, "Busy", {"Facilitation": 5}, capacity_left_hours=20, exposure=8.0)
    quiet = Candidate(2, "Quiet", {"Facilitation": 4}, capacity_left_hours=20, exposure=0.0)
    crowd = [
        Candidate(10 + i, f"C{i}", {"Facilitation": 2}, capacity_left_hours=20, exposure=3.0)
        for i in range(4)
    ]
    role = RoleSpec("host", "Host", {"Facilitation": 1}, hours_per_week=4)
    problem = FormationProblem(
        roles=[role],
        candidates=[busy, quiet, *crowd],
        k_alternatives=0,
        mode="exact",
        fairness_budget=None,
    )
    result = propose(problem)
    assert result.best is not None and result.best.members[0].actor_id == 2
    assert "has had fewer chances recently" in result.best.members[0].reasons
    # Said without anyone's counts: no reason speaks of engagements or invitations.
    assert not any("engagement" in r or "invitation" in r for r in result.best.members[0].reasons)
    assert result.fairness_off is not None
    assert result.fairness_off.members[0].actor_id == 1
    assert result.fairness_off.scores["fit"] > result.best.scores["fit"]
    off = propose(
        FormationProblem(
            roles=[role],
            candidates=[busy, quiet, *crowd],
            k_alternatives=0,
            mode="exact",
            weights=Weights(fairness=0.0),
        )
    )
    assert off.fairness_off is None  # nothing to contrast when fairness has no weight
    assert off.best is not None and off.best.members[0].actor_id == 1


def test_repeated_co_engagement_earns_diminishing_trust() -> None:
    once = TieGraph([1], [2], strength=[0.5])
    twice = TieGraph([1, 2], [2, 1], strength=[0.5, 0.5])
    thrice = TieGraph([1, 1, 2], [2, 2, 1], strength=[0.5, 0.5, 0.5])
    recorded = TieGraph([1], [2])
    gains = [pool_closeness(g, [1, 2])[0, 1] for g in (once, twice, thrice)]
    assert gains == [0.5, 0.75, 0.875]
    assert gains[1] - gains[0] > gains[2] - gains[1] > 0  # each repetition earns less
    assert pool_closeness(recorded, [1, 2])[0, 1] == 1.0


def test_bridging_asks_for_new_connections_across_sectors() -> None:
    """With bridging weighted, a convenor gets people who never worked together, from
    different sectors, where trust alone would keep the old pair."""
    people = [
        Candidate(1, "A", {"Facilitation": 4}, capacity_left_hours=9, sector="business"),
        Candidate(2, "B", {"Facilitation": 4}, capacity_left_hours=9, sector="business"),
        Candidate(3, "C", {"Facilitation": 4}, capacity_left_hours=9, sector="health"),
    ]
    role = RoleSpec("pair", "Pair", {"Facilitation": 3}, seats=2, hours_per_week=4)
    ties = TieGraph([1, 1], [2, 3])  # A worked with B and with C; B and C never met
    kw = {"roles": [role], "candidates": people, "ties": ties, "mode": "exact"}
    plain = propose(FormationProblem(**kw, weights=Weights(fairness=0.0)))  # type: ignore[arg-type]
    bridging = propose(
        FormationProblem(**kw, weights=Weights(fairness=0.0, trust=0.0, bridging=2.0))  # type: ignore[arg-type]
    )
    assert plain.best is not None and bridging.best is not None
    assert set(bridging.best.actor_ids) == {2, 3}
    assert bridging.best.scores["bridging"] == 1.0
    assert plain.best.scores["bridging"] <= bridging.best.scores["bridging"]


@settings(max_examples=25, deadline=None)
@given(
    fairness_weight=st.floats(0.5, 10.0),
    budget=st.sampled_from([0.0, 0.01, 0.02, 0.05]),
    seed=st.integers(0, 10_000),
    basis=st.sampled_from(list(BudgetBasis)),
)
def test_fairness_never_costs_more_than_its_budget(
    fairness_weight: float, budget: float, seed: int, basis: BudgetBasis
) -> None:
    """The best team's capability fit (the default basis), or its value on every objective
    but fairness (the other basis), stays within the budget of the fairness-off team's,
    whatever the weight (the epsilon-constraint)."""
    rng = np.random.default_rng(seed)
    people = [
        Candidate(
            i,
            f"P{i}",
            {"Facilitation": int(rng.integers(2, 6))},
            capacity_left_hours=10,
            sector=str(rng.choice(["business", "health", "education"])),
            exposure=float(rng.exponential(2.0)),
        )
        for i in range(12)
    ]
    role = RoleSpec("pair", "Pair", {"Facilitation": 2}, seats=3, hours_per_week=4)
    weights = Weights(fairness=fairness_weight)
    result = propose(
        FormationProblem(
            roles=[role],
            candidates=people,
            weights=weights,
            k_alternatives=0,
            mode="exact",
            fairness_budget=budget,
            fairness_budget_on=basis,
        )
    )
    assert result.best is not None and result.fairness_off is not None
    if basis == BudgetBasis.fit:
        fit_on, fit_off = result.best.scores["fit"], result.fairness_off.scores["fit"]
        assert fit_on >= (1 - budget) * fit_off - 1e-9
        return
    w = {k: v for k, v in weights.as_dict().items() if k != "fairness"}

    def value(scores: object) -> float:
        return sum(v * scores[k] for k, v in w.items()) / sum(w.values())  # type: ignore[index]

    on, off = value(result.best.scores), value(result.fairness_off.scores)
    assert on >= (1 - budget) * off - 1e-9
