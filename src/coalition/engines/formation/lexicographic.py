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

__all__ = ["TIE_BREAK", "fairest_within"]


#: Weight of the value of every other objective in the second stage, against the mean
#: fair-spread score (both 0..1): among equally fair teams, the better one. Small, so that it
#: only breaks ties: a team less fair by more than ``TIE_BREAK`` times the difference of the
#: two teams' values never wins (at 0.1 it did, trading spread back for fit).
TIE_BREAK = 1e-3
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
) -> SolveOutcome | None:
    """The team of ``model`` with the highest fair-spread score whose value on every other
    objective is at least ``(1 - budget)`` times that of ``best_plain`` (the best team with
    fairness off), by the epsilon-constraint method (see the module notes).

    ``basis`` says what the budget is a share of: capability fit alone (the default, the
    "fit objective" of issue #21's floors) or the value of every other objective
    (:class:`~coalition.domain.BudgetBasis`); either way
    the tie-break among equally fair teams is the value of every other objective.

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
    base_lin = base.lin if on_fit else None
    ascent = max(
        (
            _fair_ascent(plain, model.fair, best_plain, floor, by_ratio, base_lin)
            for by_ratio in (0, 1)
        ),
        key=lambda team: _stage_two(model, plain, team),
    )
    mip = _build_mip(plain)
    h = mip.highs
    lp = h.getLp()
    cost = np.asarray(lp.col_cost_, dtype=np.float64)
    offset = float(lp.offset_)
    if on_fit:  # the floor on mean fit: linear in the assignment columns alone
        row = np.zeros(len(cost))
        row[: mip.n_x] = base.lin
        row_offset = 0.0
    else:
        row, row_offset = cost, offset
    nz = np.flatnonzero(row)
    h.addRow(
        floor - row_offset - _TOLERANCE, highspy.kHighsInf, len(nz), nz.astype(np.int32), row[nz]
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
    if violation(model, team) > 1e-6 or team_value(base, team) < floor - 1e-9:
        return None
    value = team_value(model, team)
    return SolveOutcome(
        "feasible", team, value, math.inf, "mip+fairest", time.perf_counter() - start
    )


def _stage_two(model: TeamModel, plain: TeamModel, team: IntArray) -> float:
    """The second stage's objective: mean fair-spread score plus the tie-break."""
    return float(model.fair[team].sum()) / max(model.n, 1) + TIE_BREAK * team_value(plain, team)


def _fair_ascent(
    plain: TeamModel,
    fair: npt.NDArray[np.float64],
    team: IntArray,
    floor: float,
    by_ratio: int,
    base_lin: npt.NDArray[np.float64] | None = None,
) -> IntArray:
    """Ascent on the second stage's objective by single-seat replacements that keep every
    hard constraint and the floor: a fast start for HiGHS, and the answer when HiGHS has no
    time to improve on it (deterministic).

    The floor is on ``plain``'s value, or, given ``base_lin`` (a linear value per
    assignment, such as mean fit), on ``base_lin``'s sum over the team. Each step takes the
    replacement with the largest gain, or (``by_ratio``) the largest gain per unit of the
    budget it spends - the greedy rule for a knapsack, which leaves budget for more seats
    where one large gain would have spent it all; replacements that cost nothing come first
    either way. The caller keeps the better of the two ascents.
    """
    search = _Search(plain, np.random.default_rng(0))
    search.reset(np.asarray(team, dtype=np.int64))
    per_seat = 1.0 / max(plain.n, 1)
    seated = search.team[search.team >= 0]
    held = float(base_lin[seated].sum()) if base_lin is not None else search.value
    for _ in range(4 * plain.n):
        best: tuple[float, int, int, float] | None = None
        for seat in range(plain.n):
            a = int(search.team[seat])
            if search.locked_seats[seat] or a < 0:
                continue
            cand = search._candidates(seat)
            if len(cand) == 0:
                continue
            viol, dv = search._deltas(seat, cand)
            spent = dv if base_lin is None else base_lin[cand] - base_lin[a]
            gain = (fair[cand] - fair[a]) * per_seat + TIE_BREAK * dv
            ok = (viol <= search.viol + 1e-9) & (held + spent >= floor) & (gain > 1e-12)
            if not ok.any():
                continue
            key = gain / np.maximum(-spent, _TOLERANCE) if by_ratio else gain
            k = int(np.flatnonzero(ok)[np.argmax(key[ok])])
            if best is None or key[k] > best[0]:
                best = (float(key[k]), seat, int(cand[k]), float(spent[k]))
        if best is None:
            break
        search._apply(best[1], best[2])
        held = held + best[3] if base_lin is not None else search.value
    return np.asarray(search.team, dtype=np.int64)
