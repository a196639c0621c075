"""Solving a :class:`~coalition.engines.formation.model.TeamModel`: heuristic, then MIP.

1. **Warm start** - a greedy construction seat by seat (scarcest roles first), then local
   search with two moves - replace a seat's holder by another eligible actor, or swap the
   roles of two members - compared lexicographically (less constraint violation first, then
   higher objective), followed by iterated local search (random kicks of two or three seats,
   kept when they lead somewhere better). Iteration counts, not the clock, bound it, so it is
   deterministic for a seed.
2. **Exact model** - the same model as a mixed-integer program solved by HiGHS (through
   highspy) from that warm start, within the time left
   (:mod:`~coalition.engines.formation.mip`: diversity gets one presence variable per
   sector, region and shared organisation; the pairwise trust term is linearised per close
   pair, or, above :data:`~coalition.engines.formation.mip.MAX_PAIR_VARIABLES` close pairs,
   per actor as Glover does).

The answer is the better of the two; its bound is HiGHS's dual bound (or, for the heuristic
alone, the LP relaxation), so the reported gap is a proven one.

References
----------
.. [1] H. R. Lourenco, O. C. Martin, T. Stutzle, "Iterated local search", in Handbook of
   Metaheuristics, 2003.
.. [2] F. Glover, "Improved linear integer programming formulations of nonlinear integer
   problems", Management Science 22(4), 1975.
.. [3] Q. Huangfu, J. A. J. Hall, "Parallelizing the dual revised simplex method",
   Math. Prog. Comp. 10, 2018 (HiGHS); HiGHS MIP solver documentation, https://highs.dev.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Literal

import highspy
import numpy as np

from coalition.engines.formation.mip import MipModel, build_mip, warm_values
from coalition.engines.formation.model import TeamModel, team_value, violation

from ..arrays import FloatArray, IntArray

__all__ = ["SolveOutcome", "find_feasible", "local_search_team", "lp_bound", "solve_model"]

# The MIP's formulation lives in :mod:`~coalition.engines.formation.mip`; these names stay
# importable from here (the lexicographic stage builds on them).
_Mip = MipModel
_build_mip = build_mip
_warm_values = warm_values


_EPS = 1e-9
Status = Literal["optimal", "feasible", "infeasible", "unknown"]


@dataclass(frozen=True)
class SolveOutcome:
    """What one solve found: a team (assignment indices) or none, with its proof status.

    ``status`` is ``"optimal"`` (proven, within HiGHS's tolerance), ``"feasible"`` (a team,
    with ``bound`` an upper bound on the best value), ``"infeasible"`` (proven: no team
    satisfies the constraints) or ``"unknown"`` (no team found in time, nothing proven).
    """

    status: Status
    team: IntArray | None
    value: float
    bound: float
    method: str
    seconds: float


class _Search:
    """Greedy construction and local search over a model (all state in numpy arrays)."""

    def __init__(self, model: TeamModel, rng: np.random.Generator) -> None:
        m = model
        self.m = m
        self.rng = rng
        n_roles = len(m.roles)
        n_pool = len(m.actor_ids)
        self.by_role = [np.flatnonzero(m.a_role == r) for r in range(n_roles)]
        self.seat_role = np.repeat(np.arange(n_roles), m.seats)
        self.assign_of = np.full((n_pool, max(n_roles, 1)), -1, dtype=np.int64)
        self.assign_of[m.a_actor, m.a_role] = np.arange(m.n_assignments)
        self.multi_role = bool((np.bincount(m.a_actor, minlength=n_pool) > 1).any())
        self.conflict = m.conflict.astype(np.float64)
        self.has_conflicts = bool(m.conflict.any())
        self.has_rows = len(m.lo) > 0
        self.has_groups = len(m.group_w) > 0
        self.group_on = m.groups > 0

    # -- state -------------------------------------------------------------------------
    def reset(self, team: IntArray) -> None:
        m = self.m
        self.team = team.copy()
        # A seat is locked while a locked-in actor holds it (they may still change role).
        self.locked_seats = (team >= 0) & m.lock_actor[m.a_actor[np.maximum(team, 0)]]
        filled = team[team >= 0]
        members = m.a_actor[filled]
        self.in_team = np.zeros(len(m.actor_ids), dtype=bool)
        self.in_team[members] = True
        self.c = m.rows[:, filled].sum(axis=1)
        self.gc = m.groups[:, filled].sum(axis=1)
        self.ps = m.pair[:, members].sum(axis=1)
        self.cf = self.conflict[:, members].sum(axis=1)
        self.value = self._value()
        self.viol = self._viol()

    def _value(self) -> float:
        m = self.m
        filled = self.team[self.team >= 0]
        members = m.a_actor[filled]
        return (
            m.const
            + float(m.lin[filled].sum())
            + float(m.group_w[self.gc > 0].sum())
            + float(self.ps[members].sum()) / 2.0
        )

    def _rows_viol(self, c: FloatArray) -> FloatArray:
        lo = self.m.lo.reshape((-1,) + (1,) * (c.ndim - 1))
        hi = self.m.hi.reshape((-1,) + (1,) * (c.ndim - 1))
        return np.asarray((np.maximum(lo - c, 0) + np.maximum(c - hi, 0)).sum(axis=0))

    def _viol(self) -> float:
        filled = self.team[self.team >= 0]
        members = self.m.a_actor[filled]
        v = float(self._rows_viol(self.c)) if self.has_rows else 0.0
        missing_locks = float(np.count_nonzero(self.m.lock_actor & ~self.in_team))
        return v + float(self.cf[members].sum()) / 2.0 + missing_locks

    def _candidates(self, seat: int) -> IntArray:
        pool = self.by_role[self.seat_role[seat]]
        return pool[~self.in_team[self.m.a_actor[pool]]]

    def _deltas(self, seat: int, cand: IntArray) -> tuple[FloatArray, FloatArray]:
        """New violation and value change if ``seat`` were given each of ``cand``."""
        m = self.m
        a = int(self.team[seat])
        j = m.a_actor[cand]
        dv = m.lin[cand] + self.ps[j]
        i = int(m.a_actor[a]) if a >= 0 else -1
        if a >= 0:
            dv -= m.lin[a] + m.pair[j, i] + self.ps[i]
        if self.has_groups:
            gc = self.gc - m.groups[:, a] if a >= 0 else self.gc
            old = float(m.group_w[self.gc > 0].sum())
            new_present = (gc > 0)[:, None] | self.group_on[:, cand]
            dv += m.group_w @ new_present - old
        if self.has_conflicts:
            conf_now = float(self.cf[m.a_actor[self.team[self.team >= 0]]].sum()) / 2.0
            if a >= 0:
                conf = conf_now - self.cf[i] + self.cf[j] - self.conflict[j, i]
            else:
                conf = conf_now + self.cf[j]
        else:
            conf = np.zeros(len(cand))
        if self.has_rows:
            c = self.c - m.rows[:, a] if a >= 0 else self.c
            new_viol = self._rows_viol(c[:, None] + m.rows[:, cand]) + conf
        else:
            new_viol = conf
        return np.asarray(new_viol, dtype=np.float64), np.asarray(dv, dtype=np.float64)

    def _apply(self, seat: int, b: int) -> None:
        m = self.m
        a = int(self.team[seat])
        if a >= 0:
            i = int(m.a_actor[a])
            self.in_team[i] = False
            self.c -= m.rows[:, a]
            self.gc -= m.groups[:, a]
            self.ps -= m.pair[:, i]
            self.cf -= self.conflict[:, i]
        j = int(m.a_actor[b])
        self.in_team[j] = True
        self.c += m.rows[:, b]
        self.gc += m.groups[:, b]
        self.ps += m.pair[:, j]
        self.cf += self.conflict[:, j]
        self.team[seat] = b
        self.locked_seats[seat] = bool(m.lock_actor[j])
        self.value = self._value()
        self.viol = self._viol()

    @staticmethod
    def _better(viol: float, value: float, than_viol: float, than_value: float) -> bool:
        if viol < than_viol - _EPS:
            return True
        return viol <= than_viol + _EPS and value > than_value + 1e-12

    # -- construction ------------------------------------------------------------------
    def construct(self, locked: dict[int, IntArray], randomise: bool) -> IntArray:
        """Greedy team: locked actors first, then scarce roles first, best seat by seat."""
        m = self.m
        team = np.full(m.n, -1, dtype=np.int64)
        free = m.seats.copy()
        first_seat = np.concatenate([[0], np.cumsum(m.seats)[:-1]]).astype(np.int64)
        for actor in sorted(locked):
            options = [a for a in locked[actor].tolist() if free[m.a_role[a]] > 0]
            if not options:
                continue  # more locks than seats: reported by the diagnosis
            if randomise:
                a = options[int(self.rng.integers(len(options)))]
            else:
                a = max(options, key=lambda k: (m.lin[k], -k))
            r = int(m.a_role[a])
            seat = int(first_seat[r] + m.seats[r] - free[r])
            team[seat] = a
            free[r] -= 1
        self.reset(team)
        scarcity = [
            (len(self.by_role[r]) / max(int(m.seats[r]), 1), r) for r in range(len(m.roles))
        ]
        order = [
            s
            for _, r in sorted(scarcity)
            for s in np.flatnonzero(self.seat_role == r).tolist()
            if team[s] < 0
        ]
        for seat in order:
            cand = self._candidates(seat)
            if len(cand) == 0:
                continue
            viol, dv = self._deltas(seat, cand)
            rank = np.lexsort((cand, -dv, np.round(viol, 9)))
            pick = rank[0]
            if randomise:
                best = np.round(viol[rank[0]], 9)
                top = [k for k in rank[:4] if np.round(viol[k], 9) == best]
                pick = top[int(self.rng.integers(len(top)))]
            self._apply(seat, int(cand[pick]))
        return self.team.copy()

    # -- improvement -------------------------------------------------------------------
    def _replace_pass(self) -> bool:
        improved = False
        for seat in range(self.m.n):
            if self.locked_seats[seat] or self.team[seat] < 0:
                continue
            cand = self._candidates(seat)
            if len(cand) == 0:
                continue
            viol, dv = self._deltas(seat, cand)
            k = int(np.lexsort((cand, -dv, np.round(viol, 9)))[0])
            if self._better(float(viol[k]), self.value + float(dv[k]), self.viol, self.value):
                self._apply(seat, int(cand[k]))
                improved = True
        return improved

    def _swap_pass(self) -> bool:
        m = self.m
        improved = False
        n = m.n
        for s1 in range(n):
            for s2 in range(s1 + 1, n):
                r1, r2 = int(self.seat_role[s1]), int(self.seat_role[s2])
                if r1 == r2:
                    continue
                a1, a2 = int(self.team[s1]), int(self.team[s2])
                if a1 < 0 or a2 < 0:
                    continue
                b1 = int(self.assign_of[m.a_actor[a2], r1])
                b2 = int(self.assign_of[m.a_actor[a1], r2])
                if b1 < 0 or b2 < 0:
                    continue
                dv = float(m.lin[b1] + m.lin[b2] - m.lin[a1] - m.lin[a2])
                new_viol = self.viol
                if self.has_rows:
                    c = self.c - m.rows[:, a1] - m.rows[:, a2] + m.rows[:, b1] + m.rows[:, b2]
                    new_viol = (
                        self.viol - float(self._rows_viol(self.c)) + float(self._rows_viol(c))
                    )
                if self._better(new_viol, self.value + dv, self.viol, self.value):
                    self.team[s1], self.team[s2] = b1, b2
                    ls = self.locked_seats
                    ls[s1], ls[s2] = ls[s2], ls[s1]
                    self.c = self.c - m.rows[:, a1] - m.rows[:, a2] + m.rows[:, b1] + m.rows[:, b2]
                    self.value = self._value()
                    self.viol = self._viol()
                    improved = True
        return improved

    def descend(self, max_passes: int = 50) -> None:
        """Local search to a local optimum of both move types (or ``max_passes``)."""
        for _ in range(max_passes):
            improved = self._replace_pass()
            if self.multi_role and self._swap_pass():
                improved = True
            if not improved:
                break

    def _relocate_locked(self) -> bool:
        """Move a locked-in actor free to take any role into a random other role."""
        m = self.m
        movable = [
            s
            for s in np.flatnonzero(self.locked_seats).tolist()
            if (self.assign_of[m.a_actor[self.team[s]]] >= 0).sum() > 1
        ]
        if not movable:
            return False
        s1 = movable[int(self.rng.integers(len(movable)))]
        i = int(m.a_actor[self.team[s1]])
        r1 = int(self.seat_role[s1])
        targets = [
            s
            for s in range(m.n)
            if not self.locked_seats[s]
            and int(self.seat_role[s]) != r1
            and self.assign_of[i, self.seat_role[s]] >= 0
        ]
        cand = self._candidates(s1)
        if not targets or len(cand) == 0:
            return False
        s2 = targets[int(self.rng.integers(len(targets)))]
        self._apply(s1, int(cand[int(self.rng.integers(len(cand)))]))
        self._apply(s2, int(self.assign_of[i, self.seat_role[s2]]))
        return True

    def kick(self, size: int) -> None:
        """Replace ``size`` random unlocked seats by random eligible actors.

        Half the time, when a locked-in actor may take several roles, first moves them to
        another role (a compound move local search cannot make).
        """
        if self.rng.random() < 0.5 and self._relocate_locked():
            size -= 1
        free = np.flatnonzero(~self.locked_seats & (self.team >= 0))
        if len(free) == 0:
            return
        chosen = self.rng.choice(free, size=min(size, len(free)), replace=False)
        for seat in chosen.tolist():
            cand = self._candidates(seat)
            if len(cand):
                self._apply(seat, int(cand[int(self.rng.integers(len(cand)))]))


def local_search_team(
    model: TeamModel,
    *,
    seed: int = 0,
    restarts: int = 3,
    kicks: int = 20,
    deadline: float | None = None,
) -> tuple[IntArray | None, float, float]:
    """Best team the heuristic finds: (assignment indices or None, value, violation).

    Runs the greedy construction (deterministic first, then ``restarts`` randomised ones),
    each followed by local search and ``kicks`` rounds of iterated local search; locked
    actors keep their seats throughout. ``deadline`` (a
    ``time.perf_counter()`` value) is only a safety net; the iteration counts make the
    result deterministic for a seed.
    """
    if model.n_assignments == 0:
        return None, -math.inf, math.inf
    rng = np.random.default_rng(seed)
    search = _Search(model, rng)
    locked = {int(i): np.flatnonzero(model.a_actor == i) for i in np.flatnonzero(model.lock_actor)}
    best: IntArray | None = None
    best_value, best_viol = -math.inf, math.inf
    for restart in range(restarts + 1):
        search.construct(locked, randomise=restart > 0)
        if np.any(search.team < 0):
            continue
        search.descend()
        cur_team, cur_value, cur_viol = search.team.copy(), search.value, search.viol
        for _ in range(kicks):
            if deadline is not None and time.perf_counter() > deadline:
                break
            search.kick(int(rng.integers(2, 4)))
            search.descend()
            if _Search._better(search.viol, search.value, cur_viol, cur_value):
                cur_team, cur_value, cur_viol = search.team.copy(), search.value, search.viol
            else:
                search.reset(cur_team)
        if _Search._better(cur_viol, cur_value, best_viol, best_value):
            best, best_value, best_viol = cur_team, cur_value, cur_viol
        if deadline is not None and time.perf_counter() > deadline:
            break
    if best is None:
        return None, -math.inf, math.inf
    best = _canonical(model, best)
    return best, team_value(model, best), violation(model, best)


def _canonical(model: TeamModel, team: IntArray) -> IntArray:
    """Seats ordered by role, then by actor id (so equal teams compare equal)."""
    order = np.lexsort((model.actor_ids[model.a_actor[team]], model.a_role[team]))
    return np.asarray(team[order], dtype=np.int64)


def lp_bound(model: TeamModel, time_limit: float | None = None, trust: str = "glover") -> float:
    """Upper bound on the model's best value from its LP relaxation (``inf`` if unsolved).

    ``trust="glover"`` (default) relaxes the compact per-actor linearisation of the trust
    term: fast, a few percent loose; ``"pairs"`` the per-pair one: tighter, slower.
    """
    mip = _build_mip(model, relax=True, trust=trust)
    if time_limit is not None:
        mip.highs.setOptionValue("time_limit", max(float(time_limit), 1e-3))
    mip.highs.run()
    if mip.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return math.inf
    return float(mip.highs.getInfo().objective_function_value)


def _run_mip(
    model: TeamModel,
    warm: IntArray | None,
    time_limit: float | None,
    seed: int,
    objective: bool = True,
    trust: str = "auto",
) -> tuple[Status, IntArray | None, float]:
    mip = _build_mip(model, objective=objective, trust=trust)
    h = mip.highs
    h.setOptionValue("random_seed", int(seed) % 2_147_483_647)
    h.setOptionValue("mip_rel_gap", 1e-6)
    if time_limit is not None:
        h.setOptionValue("time_limit", max(float(time_limit), 1e-3))
    if warm is not None:
        sol = highspy.HighsSolution()
        sol.col_value = _warm_values(model, warm, mip).tolist()
        sol.value_valid = True
        h.setSolution(sol)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    bound = float(info.mip_dual_bound) if objective else math.inf
    if status == highspy.HighsModelStatus.kInfeasible:
        return "infeasible", None, -math.inf
    has_solution = info.primal_solution_status == 2
    team: IntArray | None = None
    if has_solution:
        x = np.asarray(h.getSolution().col_value[: mip.n_x])
        team = np.flatnonzero(x > 0.5).astype(np.int64)
        team = _canonical(model, team)
    if status == highspy.HighsModelStatus.kOptimal and team is not None:
        return "optimal", team, bound
    if team is not None:
        return "feasible", team, bound
    return "unknown", None, bound


def find_feasible(model: TeamModel, time_limit: float | None, seed: int = 0) -> Status:
    """Whether any team satisfies the model's constraints (objective ignored), by HiGHS.

    Returns ``"optimal"`` (a team exists), ``"infeasible"`` (proven none) or ``"unknown"``.
    """
    return _run_mip(model, None, time_limit, seed, objective=False)[0]


def solve_model(
    model: TeamModel,
    *,
    mode: str = "default",
    time_limit: float | None = 1.0,
    seed: int = 0,
    restarts: int = 2,
    kicks: int = 10,
    bound_cap: float = math.inf,
    hard_deadline: float | None = None,
) -> SolveOutcome:
    """Best team for ``model``: heuristic warm start, then HiGHS (see the module docstring).

    ``mode`` is ``"default"`` (both, within ``time_limit`` seconds), ``"exact"`` (both, no
    time limit) or ``"heuristic"`` (no MIP; the bound is the LP relaxation's). The value
    returned is always recomputed from the team by
    :func:`~coalition.engines.formation.model.team_value`. ``bound_cap`` is a bound already
    known to hold (an alternative can never beat the bound of the team it must differ from).
    When HiGHS stops before its root relaxation gives a useful bound, the compact LP
    relaxation is solved on its own for one, if time is left before ``hard_deadline`` (a
    ``time.perf_counter()`` value: the caller's whole budget).
    """
    start = time.perf_counter()
    # The clock is only a safety net: iteration counts bound the heuristic, so the answer
    # does not depend on the machine unless the limit is far too short for the problem.
    deadline = None if time_limit is None or mode == "exact" else start + 0.8 * time_limit
    team, value, viol = local_search_team(
        model, seed=seed, restarts=restarts, kicks=kicks, deadline=deadline
    )
    feasible_heuristic = team is not None and viol <= 1e-7
    if not feasible_heuristic:
        team, value = None, -math.inf
    if mode == "heuristic":
        bound = min(lp_bound(model), bound_cap) if team is not None else math.inf
        return SolveOutcome(
            "feasible" if team is not None else "unknown",
            team,
            value,
            max(bound, value),
            "heuristic",
            time.perf_counter() - start,
        )
    remaining = None
    if mode != "exact" and time_limit is not None:
        remaining = max(time_limit - (time.perf_counter() - start), 0.005)
    trust = "auto-exact" if mode == "exact" else "auto"
    status, mip_team, bound = _run_mip(model, team, remaining, seed, trust=trust)
    if status == "infeasible" and team is None:
        return SolveOutcome("infeasible", None, -math.inf, -math.inf, "mip", _since(start))
    if status == "infeasible":
        # The heuristic's team satisfies every constraint by an independent count, so the
        # solver's verdict is numerical noise: keep the team, without a proof.
        status, mip_team, bound = "unknown", None, math.inf
    method = "mip"
    if mip_team is not None:
        mip_value = team_value(model, mip_team)
        if violation(model, mip_team) <= 1e-6 and (team is None or mip_value > value + 1e-12):
            team, value = mip_team, mip_value
        else:
            method = "heuristic+mip"
    elif team is not None:
        method = "heuristic+mip"
    if team is None:
        return SolveOutcome("unknown", None, -math.inf, bound, method, _since(start))
    bound = min(bound, bound_cap) if math.isfinite(bound) else bound_cap
    if status != "optimal" and not bound <= value + 0.05:
        # HiGHS stopped before its root relaxation bounded anything useful.
        left = 0.1 if hard_deadline is None else hard_deadline - time.perf_counter()
        if left > 0.02:
            bound = min(bound, lp_bound(model, time_limit=min(left, 0.1)))
    if status == "optimal":
        bound = max(bound, value)
        final: Status = "optimal" if bound - value <= 1e-6 * max(1.0, abs(bound)) else "feasible"
    else:
        final = "feasible"
        bound = max(bound, value)
    return SolveOutcome(final, team, value, bound, method, _since(start))


def _since(start: float) -> float:
    return time.perf_counter() - start
