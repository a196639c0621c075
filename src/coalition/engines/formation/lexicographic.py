"""The fairest team within a stated loss: the epsilon-constraint, as one mixed-integer program.

A weighted sum of fit and fair spread picks, among the many teams that are almost as good as
the best, the one the weights happen to favour; at a small fairness weight that is nearly
always the best team itself, and a budget on what fairness may cost is then never used. The
epsilon-constraint method (Haimes, Lasdon & Wismer 1971; Chankong & Haimes 1983) states the
trade-off the way a steward does - "spread opportunity as much as a loss of at most
``budget`` of the team's value allows" - and solves it lexicographically:

1. the best value ``v*`` of every objective but fairness (fit, purpose, trust, diversity,
   cost, bridging) is found first (the team with fairness off);
2. the team maximising the fair-spread score is then found subject to
   ``value(team) >= (1 - budget) * v*`` as an explicit constraint of the MIP, the value of
   the other objectives being a small tie-break (:data:`TIE_BREAK`) among equally fair teams.

With the budget a share of capability fit alone (the default), nothing else would hold the
rest of the objective: the fairest team within 2 % of fit readily gives up most of the team's
shared purpose (the benchmark's mean purpose fell from 0.28 to 0.10). A second, looser
epsilon-constraint keeps it: shared purpose at least ``1 -`` :data:`PURPOSE_BUDGET` of the
fairness-off team's (mean purpose is linear in the assignments, like mean fit, so this is one
more row of the same MIP). The method allows as many epsilon-constraints as objectives kept
(Chankong & Haimes 1983, ch. 4).

Unlike a weighted sum, this also reaches the teams on the non-convex part of the Pareto
front, which is where a discrete problem keeps most of its fair, near-optimal teams (Ehrgott,
*Multicriteria Optimization*, 2005, ch. 4). The constraint is linear in the model's variables
(the diversity presence and trust pair variables are bounded above by their true values, so
the row holds exactly when the team's value does).

References
----------
.. [1] Y. Y. Haimes, L. S. Lasdon, D. A. Wismer, "On a bicriterion formulation of the
   problems of integrated system identification and system optimization", IEEE Trans.
   Systems, Man, and Cybernetics 1(3), 1971.
.. [2] M. Ehrgott, "Multicriteria Optimization", 2nd ed., Springer, 2005.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import highspy
import numpy as np
import numpy.typing as npt

from coalition.domain import BudgetBasis
from coalition.engines.formation.model import TeamModel, team_value, violation
from coalition.engines.formation.solver import (
    SolveOutcome,
    _build_mip,
    _canonical,
    _Search,
    _warm_values,
)

from ..arrays import IntArray

__all__ = ["PURPOSE_BUDGET", "TIE_BREAK", "fairest_within"]


#: Weight of the value of every other objective in the second stage, against the mean
#: fair-spread score (both 0..1): among equally fair teams, the better one. Small, so that it
#: only breaks ties: a team less fair by more than ``TIE_BREAK`` times the difference of the
#: two teams' values never wins (at 0.1 it did, trading spread back for fit).
TIE_BREAK = 1e-3
#: With the budget on fit alone: the share of the fairness-off team's shared purpose that
#: fairness may cost (a second, looser floor: mean purpose >= (1 - this) x that team's).
#: benchmarks/fairness.py (200 initiatives): at 0.5 mean purpose 0.18 vs 0.28 off (0.10
#: without the floor), Gini ratios 0.54 / 0.64 at 300 / 1,000 actors; at 0.35 the purpose
#: kept was 0.21-0.22 but the 1,000-actor Gini ratio 0.69, on the 0.70 floor.
PURPOSE_BUDGET = 0.5
#: Tolerance on the floor (values are sums of a few dozen terms in [0, 1]).
_TOLERANCE = 1e-10


def fairest_within(
    model: TeamModel,
    best_plain: IntArray,
    budget: float,
    *,
    time_limit: float | None,
    seed: int = 0,
    basis: BudgetBasis = BudgetBasis.fit,
    purpose_budget: float = PURPOSE_BUDGET,
) -> SolveOutcome | None:
    """The team of ``model`` with the highest fair-spread score whose value on every other
    objective is at least ``(1 - budget)`` times that of ``best_plain`` (the best team with
    fairness off), by the epsilon-constraint method (see the module notes).

    ``basis`` says what the budget is a share of: capability fit alone (the default, the
    "fit objective" of issue #21's floors) or the value of every other objective
    (:class:`~coalition.domain.BudgetBasis`); either way
    the tie-break among equally fair teams is the value of every other objective. On fit,
    the team's mean shared purpose is also kept at least ``(1 - purpose_budget)`` times
    ``best_plain``'s (a second, looser floor; see the module notes).

    Starts HiGHS from ``best_plain`` (which meets the floor), so a team is always at hand;
    returns None only when HiGHS returns nothing usable. The outcome's value is read on
    ``model`` (the weights as asked); its status is ``"feasible"`` (it is not the optimum of
    the weighted sum) and its bound is left to the caller (``inf``).
    """
    start = time.perf_counter()
    plain = model.without_fairness()
    on_fit = BudgetBasis(basis) == BudgetBasis.fit
    base = plain.fit_only() if on_fit else plain
    floor = (1.0 - budget) * team_value(base, best_plain)
    linear = _linear_floors(plain, best_plain, floor, purpose_budget) if on_fit else []
    ascent = max(
        (
            _fair_ascent(plain, model.fair, best_plain, floor, by_ratio, linear)
            for by_ratio in (0, 1)
        ),
        key=lambda team: _stage_two(model, plain, team),
    )
    mip = _build_mip(plain)
    h = mip.highs
    lp = h.getLp()
    cost = np.asarray(lp.col_cost_, dtype=np.float64)
    offset = float(lp.offset_)
    if on_fit:  # the floors on mean fit and mean purpose: linear in the assignment columns
        for lin, least in linear:
            nz = np.flatnonzero(lin)
            h.addRow(least - _TOLERANCE, highspy.kHighsInf, len(nz), nz.astype(np.int32), lin[nz])
    else:
        nz = np.flatnonzero(cost)
        h.addRow(
            floor - offset - _TOLERANCE, highspy.kHighsInf, len(nz), nz.astype(np.int32), cost[nz]
        )
    fair = np.zeros(len(cost))
    fair[: mip.n_x] = model.fair / max(model.n, 1)
    stage2 = fair + TIE_BREAK * cost
    h.changeColsCost(len(stage2), np.arange(len(stage2), dtype=np.int32), stage2)
    h.changeObjectiveOffset(TIE_BREAK * offset)
    h.setOptionValue("random_seed", int(seed) % 2_147_483_647)
    h.setOptionValue("mip_rel_gap", 1e-6)
    if time_limit is not None:
        h.setOptionValue("time_limit", max(float(time_limit), 1e-3))
    sol = highspy.HighsSolution()
    sol.col_value = _warm_values(plain, ascent, mip).tolist()
    sol.value_valid = True
    h.setSolution(sol)
    h.run()
    team = _canonical(model, ascent)
    if h.getInfo().primal_solution_status == 2:
        x = np.asarray(h.getSolution().col_value[: mip.n_x])
        found = _canonical(model, np.flatnonzero(x > 0.5).astype(np.int64))
        if _stage_two(model, plain, found) > _stage_two(model, plain, team) + 1e-12:
            team = found
    below = any(float(lin[team].sum()) < least - 1e-9 for lin, least in linear)
    if violation(model, team) > 1e-6 or team_value(base, team) < floor - 1e-9 or below:
        return None
    value = team_value(model, team)
    return SolveOutcome(
        "feasible", team, value, math.inf, "mip+fairest", time.perf_counter() - start
    )


def _stage_two(model: TeamModel, plain: TeamModel, team: IntArray) -> float:
    """The second stage's objective: mean fair-spread score plus the tie-break."""
    return float(model.fair[team].sum()) / max(model.n, 1) + TIE_BREAK * team_value(plain, team)


def _linear_floors(
    plain: TeamModel, best_plain: IntArray, fit_floor: float, purpose_budget: float
) -> list[tuple[npt.NDArray[np.float64], float]]:
    """The floors linear in the assignments, as (value per assignment, least sum): mean fit
    at ``fit_floor``, and mean shared purpose at ``(1 - purpose_budget)`` times
    ``best_plain``'s (left out when that team has none to keep)."""
    fit = plain.fit / max(plain.n, 1)
    purpose = plain.sim[plain.a_actor] / max(plain.n, 1)
    floors = [(fit, fit_floor)]
    kept = (1.0 - purpose_budget) * float(purpose[best_plain].sum())
    if kept > 0:
        floors.append((purpose, kept))
    return floors


def _fair_ascent(
    plain: TeamModel,
    fair: npt.NDArray[np.float64],
    team: IntArray,
    floor: float,
    by_ratio: int,
    linear: Sequence[tuple[npt.NDArray[np.float64], float]] = (),
) -> IntArray:
    """Ascent on the second stage's objective by single-seat replacements that keep every
    hard constraint and the floors: a fast start for HiGHS, and the answer when HiGHS has no
    time to improve on it (deterministic).

    The floor is ``floor`` on ``plain``'s value, or, given ``linear`` (values per assignment
    and the least sum each must keep over the team, such as mean fit and mean purpose), those
    floors, the first being the budget spent. Each step takes the replacement with the
    largest gain, or (``by_ratio``) the largest gain per unit of the budget it spends - the
    greedy rule for a knapsack, which leaves budget for more seats where one large gain would
    have spent it all; replacements that cost nothing come first either way. The caller keeps
    the better of the two ascents.
    """
    search = _Search(plain, np.random.default_rng(0))
    search.reset(np.asarray(team, dtype=np.int64))
    per_seat = 1.0 / max(plain.n, 1)
    seated = search.team[search.team >= 0]
    held = [float(lin[seated].sum()) for lin, _ in linear]
    for _ in range(4 * plain.n):
        best: tuple[float, int, int] | None = None
        for seat in range(plain.n):
            a = int(search.team[seat])
            if search.locked_seats[seat] or a < 0:
                continue
            cand = search._candidates(seat)
            if len(cand) == 0:
                continue
            viol, dv = search._deltas(seat, cand)
            gain = (fair[cand] - fair[a]) * per_seat + TIE_BREAK * dv
            ok = (viol <= search.viol + 1e-9) & (gain > 1e-12)
            spent = dv if not linear else linear[0][0][cand] - linear[0][0][a]
            if not linear:
                ok &= search.value + dv >= floor
            for (lin, least), now in zip(linear, held, strict=True):
                ok &= now + lin[cand] - lin[a] >= least
            if not ok.any():
                continue
            key = gain / np.maximum(-spent, _TOLERANCE) if by_ratio else gain
            k = int(np.flatnonzero(ok)[np.argmax(key[ok])])
            if best is None or key[k] > best[0]:
                best = (float(key[k]), seat, int(cand[k]))
        if best is None:
            break
        a = int(search.team[best[1]])
        held = [now + lin[best[2]] - lin[a] for (lin, _), now in zip(linear, held, strict=True)]
        search._apply(best[1], best[2])
    return np.asarray(search.team, dtype=np.int64)
