"""The team model over a pruned pool: assignments, the objective, and the hard-constraint rows.

Both the heuristic and the MIP work on this one model, so they optimise exactly the same
function and respect exactly the same constraints. An *assignment* ``a`` is an (actor, role)
pair the actor is eligible for; a team picks ``seats[r]`` assignments of every role ``r``,
at most one per actor. With ``x`` the 0/1 assignment vector and ``X_i`` the actor indicator:

``value(x) = const + lin . x + sum_g group_w[g] * [groups[g] . x > 0]
+ sum_{i<j} pair[i, j] * X_i * X_j``

which equals ``sum_o weight_o * score_o(team) / sum_o weight_o`` for the objectives of
:class:`~coalition.engines.formation.problem.Weights` (see :func:`objective_scores`).

Hard constraints are ``lo <= rows . x <= hi`` (budget, sector mix, organisation caps,
time-zone coverage, difference from earlier proposals) plus conflict pairs
(``X_i + X_j <= 1``) and locks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from coalition.engines.formation.candidates import CandidateIndex
from coalition.engines.formation.fairness import fairness_scores, role_reference
from coalition.engines.formation.problem import (
    MAX_LEVEL,
    OBJECTIVES,
    REGIONS,
    Constraints,
    RoleSpec,
    Weights,
)

from ..arrays import BoolArray, FloatArray, IntArray

__all__ = [
    "FIT_AT_MINIMUM",
    "TeamModel",
    "build_model",
    "fairness",
    "fit_score",
    "max_differing_overlap",
    "new_connections",
    "objective_scores",
    "seat_cost",
    "team_value",
    "violation",
]


#: Capability fit of a requirement met at exactly its minimum level (the most, at level 5, is 1).
FIT_AT_MINIMUM = 0.8


def fit_score(levels: IntArray, minimums: IntArray) -> FloatArray:
    """Capability fit of each row of ``levels`` for requirements ``minimums``, in [0, 1].

    Fit saturates at the required level: meeting a requirement earns
    :data:`FIT_AT_MINIMUM`, and each level above it a share of the small rest,
    ``FIT_AT_MINIMUM + (1 - FIT_AT_MINIMUM) * (level - min) / (5 - min)`` (1 when min is 5);
    a requirement not met earns 0. The mean over requirements; 0 when there are none.
    ``levels`` has shape (rows, requirements).

    The minimum is what the convenor says the role needs, so someone who meets it fits;
    over-qualification is a small bonus, not a claim on every seat (else the most expert
    would out-fit everyone who qualifies, whatever fairness may cost).

    >>> import numpy as np
    >>> fit_score(np.array([[3], [4], [5], [2]]), np.array([3])).round(3).tolist()
    [0.8, 0.9, 1.0, 0.0]
    """
    if levels.shape[1] == 0:
        return np.zeros(levels.shape[0])
    room = (MAX_LEVEL - minimums).astype(np.float64)
    excess = (levels - minimums).astype(np.float64)
    over = np.where(room > 0, excess / np.where(room > 0, room, 1.0), 1.0)
    per = np.where(excess >= 0, FIT_AT_MINIMUM + (1.0 - FIT_AT_MINIMUM) * np.clip(over, 0, 1), 0.0)
    return np.asarray(per.mean(axis=1), dtype=np.float64)


def fairness(index: CandidateIndex, rows: IntArray, reference: float) -> FloatArray:
    """Fair-spread score of the actors at index ``rows`` for a role whose eligible actors'
    mean exposure is ``reference``
    (:func:`~coalition.engines.formation.fairness.fairness_scores`)."""
    return fairness_scores(
        index.exposure[rows], index.recent[rows], index.newcomer[rows], reference
    )


def new_connections(tied: BoolArray, sector_of: IntArray) -> FloatArray:
    """1 for each pair of distinct actors who were never tied and come from two different
    known sectors (a connection across sectors the team would make), else 0."""
    known = sector_of >= 0
    cross = (sector_of[:, None] != sector_of[None, :]) & known[:, None] & known[None, :]
    out = (cross & ~tied).astype(np.float64)
    np.fill_diagonal(out, 0.0)
    return out


def seat_cost(day_rate: FloatArray, hours_per_week: float, weeks: float) -> FloatArray:
    """Cost of a seat over the window: ``day_rate / 8 * hours_per_week * weeks`` (0 if unknown)."""
    return np.nan_to_num(day_rate, nan=0.0) / 8.0 * hours_per_week * weeks


def max_differing_overlap(n: int) -> int:
    """Most members an alternative may share with an earlier team of ``n`` seats.

    Alternatives differ in at least a third of their seats: ``n - ceil(n / 3)``.
    """
    return n - math.ceil(n / 3)


@dataclass(frozen=True)
class TeamModel:
    """A formation instance restricted to a pool (see the module docstring for the maths).

    Pool actors are indexed 0..P-1 (``pool_rows`` maps them to index rows); assignments
    0..A-1 pair an actor (``a_actor``) with a role (``a_role``).
    """

    roles: tuple[RoleSpec, ...]
    seats: IntArray
    n: int
    pool_rows: IntArray
    actor_ids: IntArray
    a_actor: IntArray
    a_role: IntArray
    fit: FloatArray
    cost: FloatArray
    sim: FloatArray
    fair: FloatArray
    fair_ref: FloatArray
    closeness: FloatArray
    bridge: FloatArray
    lin: FloatArray
    const: float
    pair: FloatArray
    rows: FloatArray
    lo: FloatArray
    hi: FloatArray
    row_kind: tuple[str, ...]
    row_label: tuple[str, ...]
    groups: FloatArray
    group_w: FloatArray
    group_kind: tuple[str, ...]
    conflict: BoolArray
    lock_actor: BoolArray
    weights: Weights
    cost_ref: float
    sector_denominator: int
    region_denominator: int
    sector_of: IntArray
    region_of: IntArray
    key_of: IntArray

    @property
    def n_assignments(self) -> int:
        """Number of (actor, role) assignments in the model."""
        return len(self.a_actor)

    def with_rows(
        self,
        rows: FloatArray,
        lo: FloatArray,
        hi: FloatArray,
        kinds: Sequence[str],
        labels: Sequence[str],
    ) -> TeamModel:
        """A copy with extra constraint rows (used to ask for alternatives, or to relax)."""
        return replace(
            self,
            rows=np.vstack([self.rows, rows]),
            lo=np.concatenate([self.lo, lo]),
            hi=np.concatenate([self.hi, hi]),
            row_kind=self.row_kind + tuple(kinds),
            row_label=self.row_label + tuple(labels),
        )

    def with_fairness_scaled(self, scale: float) -> TeamModel:
        """A copy whose fairness term weighs ``scale`` times its weight (same scale otherwise);
        ``scale=0`` is the team a convenor would get with fairness off, on the same pool and
        constraints."""
        w = self.weights.as_dict()
        term = w["fairness"] * self.fair / max(self.n, 1) / self.weights.total()
        return replace(self, lin=self.lin - (1.0 - scale) * term)

    def without_fairness(self) -> TeamModel:
        """:meth:`with_fairness_scaled` at 0: the objective of everything but fairness."""
        return self.with_fairness_scaled(0.0)

    def fit_only(self) -> TeamModel:
        """A copy whose value is the team's mean capability fit alone (0..1): the basis of a
        fairness budget stated on fit (:class:`~coalition.domain.BudgetBasis`)."""
        return replace(
            self,
            lin=self.fit / max(self.n, 1),
            const=0.0,
            pair=np.zeros_like(self.pair),
            group_w=np.zeros_like(self.group_w),
        )

    def without_kind(self, kind: str) -> TeamModel:
        """A copy without the constraint family ``kind`` (rows, conflicts or locks)."""
        if kind == "conflicts":
            return replace(self, conflict=np.zeros_like(self.conflict))
        if kind == "locked_in":
            return replace(self, lock_actor=np.zeros_like(self.lock_actor))
        keep = np.array([k != kind for k in self.row_kind], dtype=bool)
        return replace(
            self,
            rows=self.rows[keep],
            lo=self.lo[keep],
            hi=self.hi[keep],
            row_kind=tuple(k for k, m in zip(self.row_kind, keep, strict=True) if m),
            row_label=tuple(k for k, m in zip(self.row_label, keep, strict=True) if m),
        )

    def overlap_row(self, team_actors: Sequence[int]) -> TeamModel:
        """A copy asking to share at most ``n - ceil(n/3)`` members with the given team."""
        members = np.zeros(len(self.actor_ids), dtype=bool)
        members[np.asarray(team_actors, dtype=np.int64)] = True
        row = members[self.a_actor].astype(np.float64)[None, :]
        limit = float(max_differing_overlap(self.n))
        return self.with_rows(
            row, np.array([-np.inf]), np.array([limit]), ["alternative"], ["alternative"]
        )


def build_model(
    index: CandidateIndex,
    roles: Sequence[RoleSpec],
    constraints: Constraints,
    weights: Weights,
    pool_rows: IntArray,
    eligible: Sequence[IntArray],
    sim: FloatArray,
    closeness: FloatArray,
    *,
    tied: BoolArray | None = None,
    cost_ref: float,
    sector_denominator: int,
    region_denominator: int,
) -> TeamModel:
    """Build the :class:`TeamModel` for ``roles`` over the pool ``pool_rows``.

    ``eligible[r]`` are the index rows eligible for role ``r`` (before pruning); only pool
    actors among them get an assignment to ``r``. ``sim`` and ``closeness`` are the purpose
    similarity and pairwise closeness of the pool actors, ``tied`` whether each pair of them
    has a direct tie (by default: closeness 1). ``cost_ref``, ``sector_denominator``
    and ``region_denominator`` normalise the cost and diversity scores; they are computed from
    the eligible sets, not the pool, so pruning does not change what a score means.
    """
    roles = tuple(roles)
    pool = _Pool.of(index, pool_rows)
    seats = np.array([r.seats for r in roles], dtype=np.int64)
    n = int(seats.sum())
    w = weights.as_dict()
    wsum = weights.total()
    a_actor, a_role = _assignments(roles, constraints, pool, eligible)
    scores = _assignment_scores(index, roles, constraints.weeks, pool, eligible, a_actor, a_role)
    sim = np.asarray(sim, dtype=np.float64)
    if tied is None:
        tied = closeness >= 1.0 - 1e-9
    bridge = new_connections(np.asarray(tied, dtype=bool), pool.sector_of)
    presence = _presence_groups(
        w["diversity"], n, pool, a_actor, sector_denominator, region_denominator
    )
    lin = _linear_term(w, scores, sim[a_actor], n, cost_ref) + presence.bonus
    hard = _hard_rows(index, roles, constraints, pool, a_actor, a_role, scores.cost)
    n_assign = len(a_actor)
    return TeamModel(
        roles=roles,
        seats=seats,
        n=n,
        pool_rows=pool.rows,
        actor_ids=pool.actor_ids,
        a_actor=a_actor,
        a_role=a_role,
        fit=scores.fit,
        cost=scores.cost,
        sim=sim,
        fair=scores.fair,
        fair_ref=scores.fair_ref,
        closeness=closeness,
        bridge=bridge,
        lin=lin / wsum,
        const=w["cost"] / wsum,
        pair=_pair_term(w, closeness, bridge, n, len(pool.rows)) / wsum,
        rows=np.array(hard.rows).reshape(len(hard.rows), n_assign),
        lo=np.array(hard.lo, dtype=np.float64),
        hi=np.array(hard.hi, dtype=np.float64),
        row_kind=tuple(hard.kinds),
        row_label=tuple(hard.labels),
        groups=np.array(presence.rows).reshape(len(presence.rows), n_assign),
        group_w=np.array(presence.weights, dtype=np.float64) / wsum,
        group_kind=tuple(presence.kinds),
        conflict=_conflict_matrix(constraints, pool.actor_ids),
        lock_actor=np.isin(pool.actor_ids, np.fromiter(constraints.locked_in, dtype=np.int64)),
        weights=weights,
        cost_ref=float(cost_ref),
        sector_denominator=int(sector_denominator),
        region_denominator=int(region_denominator),
        sector_of=pool.sector_of,
        region_of=pool.region_of,
        key_of=pool.key_of,
    )


@dataclass(frozen=True)
class _Pool:
    """The pool actors' index rows, ids, sector and region codes, and presence keys (primary
    organisation, or ``-1 - actor id`` for an actor without one)."""

    rows: IntArray
    actor_ids: IntArray
    sector_of: IntArray
    region_of: IntArray
    key_of: IntArray

    @classmethod
    def of(cls, index: CandidateIndex, pool_rows: IntArray) -> _Pool:
        """The pool of index rows ``pool_rows``."""
        rows = np.asarray(pool_rows, dtype=np.int64)
        key_of = np.empty(len(rows), dtype=np.int64)
        for i, row in enumerate(rows.tolist()):
            orgs = index.organisations_of(row)
            key_of[i] = int(orgs[0]) if len(orgs) else -1 - int(index.actor_ids[row])
        return cls(
            rows, index.actor_ids[rows], index.sector_code[rows], index.region_code[rows], key_of
        )


def _assignments(
    roles: tuple[RoleSpec, ...],
    constraints: Constraints,
    pool: _Pool,
    eligible: Sequence[IntArray],
) -> tuple[IntArray, IntArray]:
    """The (actor, role) assignments: every pool actor eligible for a role, except a locked
    actor's assignments to roles other than the one it is locked into."""
    a_actor_parts: list[IntArray] = []
    a_role_parts: list[IntArray] = []
    for r in range(len(roles)):
        inside = np.flatnonzero(np.isin(pool.rows, eligible[r], assume_unique=True))
        a_actor_parts.append(inside.astype(np.int64))
        a_role_parts.append(np.full(len(inside), r, dtype=np.int64))
    a_actor = np.concatenate(a_actor_parts) if a_actor_parts else np.empty(0, np.int64)
    a_role = np.concatenate(a_role_parts) if a_role_parts else np.empty(0, np.int64)
    role_pos = {role.key: i for i, role in enumerate(roles)}
    role_of_actor_lock: dict[int, int | None] = {
        int(actor): None if key is None else role_pos[key]
        for actor, key in constraints.locked_in.items()
    }
    if not role_of_actor_lock:
        return a_actor, a_role
    keep = np.ones(len(a_actor), dtype=bool)
    for k, (i, r) in enumerate(zip(a_actor.tolist(), a_role.tolist(), strict=True)):
        locked_role = role_of_actor_lock.get(int(pool.actor_ids[i]), -1)
        if locked_role is not None and locked_role >= 0 and locked_role != r:
            keep[k] = False
    return a_actor[keep], a_role[keep]


@dataclass(frozen=True)
class _Scores:
    """Per assignment: capability fit, seat cost and fair-spread score; per role: the mean
    exposure of its eligible actors (the fairness reference)."""

    fit: FloatArray
    cost: FloatArray
    fair: FloatArray
    fair_ref: FloatArray


def _assignment_scores(
    index: CandidateIndex,
    roles: tuple[RoleSpec, ...],
    weeks: float,
    pool: _Pool,
    eligible: Sequence[IntArray],
    a_actor: IntArray,
    a_role: IntArray,
) -> _Scores:
    """Fit, cost and fairness of every assignment, role by role."""
    n_assign = len(a_actor)
    fit = np.zeros(n_assign)
    cost = np.zeros(n_assign)
    fair = np.zeros(n_assign)
    fair_ref = np.array([role_reference(index.exposure, e) for e in eligible], dtype=np.float64)
    for r, role in enumerate(roles):
        sel = np.flatnonzero(a_role == r)
        rows = pool.rows[a_actor[sel]]
        terms = list(role.requirements)
        levels = (
            np.stack([index.level_of(rows, t) for t in terms], axis=1)
            if terms
            else np.zeros((len(rows), 0), dtype=np.int64)
        )
        mins = np.array([role.requirements[t] for t in terms], dtype=np.int64)
        fit[sel] = fit_score(levels, mins)
        cost[sel] = seat_cost(index.day_rate[rows], role.hours_per_week, weeks)
        fair[sel] = fairness(index, rows, float(fair_ref[r]))
    return _Scores(fit, cost, fair, fair_ref)


def _linear_term(
    w: dict[str, float], scores: _Scores, sim: FloatArray, n: int, cost_ref: float
) -> FloatArray:
    """The per-assignment part of the objective (before the weight sum divides it): fit,
    purpose and fairness per seat, less the cost share of ``cost_ref``."""
    per_seat = 1.0 / max(n, 1)
    lin = (w["fit"] * scores.fit + w["purpose"] * sim + w["fairness"] * scores.fair) * per_seat
    if cost_ref > 0:
        lin = lin - w["cost"] * scores.cost / cost_ref
    return lin


def _pair_term(
    w: dict[str, float], closeness: FloatArray, bridge: FloatArray, n: int, n_pool: int
) -> FloatArray:
    """The pairwise part of the objective: trust and bridging per pair of the team's seats."""
    n_pairs = n * (n - 1) / 2
    if n_pairs > 0:
        return np.asarray((w["trust"] * closeness + w["bridging"] * bridge) / n_pairs)
    return np.zeros((n_pool, n_pool))


@dataclass(frozen=True)
class _Presence:
    """Diversity's presence groups (one row over assignments per sector, region and shared
    organisation, with its weight and kind) and the linear bonus of the organisations only
    one pool actor belongs to (present exactly when that actor is)."""

    rows: list[FloatArray]
    weights: list[float]
    kinds: list[str]
    bonus: FloatArray


def _presence_groups(
    diversity: float,
    n: int,
    pool: _Pool,
    a_actor: IntArray,
    sector_denominator: int,
    region_denominator: int,
) -> _Presence:
    """Presence groups for diversity: sectors, regions, organisations (primary one, or self)."""
    per_seat = 1.0 / max(n, 1)
    share = diversity / 3.0
    rows: list[FloatArray] = []
    weights: list[float] = []
    kinds: list[str] = []
    for code in np.unique(pool.sector_of[pool.sector_of >= 0]).tolist():
        if sector_denominator > 0:
            rows.append((pool.sector_of[a_actor] == code).astype(np.float64))
            weights.append(share / min(n, sector_denominator))
            kinds.append("sector")
    for code in np.unique(pool.region_of[pool.region_of >= 0]).tolist():
        if region_denominator > 0:
            rows.append((pool.region_of[a_actor] == code).astype(np.float64))
            weights.append(share / min(n, region_denominator))
            kinds.append("region")
    keys, key_count = np.unique(pool.key_of, return_counts=True)
    singleton = np.isin(pool.key_of, keys[key_count == 1])
    bonus = np.where(singleton[a_actor], share * per_seat, 0.0)
    for key in keys[key_count > 1].tolist():
        rows.append((pool.key_of[a_actor] == key).astype(np.float64))
        weights.append(share * per_seat)
        kinds.append("organisation")
    return _Presence(rows, weights, kinds, bonus)


@dataclass
class _HardRows:
    """Hard-constraint rows ``lo <= row . x <= hi`` as they are collected, each with its
    family (``kind``) and a label naming what it constrains."""

    rows: list[FloatArray] = field(default_factory=list)
    lo: list[float] = field(default_factory=list)
    hi: list[float] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    def add(self, row: FloatArray, lo: float, hi: float, kind: str, label: str) -> None:
        """Add the row ``lo <= row . x <= hi`` of family ``kind``."""
        self.rows.append(row)
        self.lo.append(lo)
        self.hi.append(hi)
        self.kinds.append(kind)
        self.labels.append(label)


def _hard_rows(
    index: CandidateIndex,
    roles: tuple[RoleSpec, ...],
    constraints: Constraints,
    pool: _Pool,
    a_actor: IntArray,
    a_role: IntArray,
    cost: FloatArray,
) -> _HardRows:
    """The rows of the budget, sector mix, organisation caps, time-zone coverage and the
    roles' own regions, in that order."""
    hard = _HardRows()
    if constraints.budget is not None:
        budget = float(constraints.budget)
        if budget > 0:
            hard.add(cost / budget, -np.inf, 1.0, "budget", f"budget {budget:,.0f}")
        else:
            hard.add((cost > 0).astype(np.float64), -np.inf, 0.0, "budget", f"budget {budget:,.0f}")
    sector_of = pool.sector_of[a_actor]
    for sector, (smin, smax) in sorted(constraints.sector_mix.items()):
        code = index.sectors.index(sector) if sector in index.sectors else -2
        upper = np.inf if smax is None else float(smax)
        hard.add((sector_of == code).astype(np.float64), float(smin), upper, "sector_mix", sector)
    if constraints.max_per_org is not None:
        _org_cap_rows(hard, index, int(constraints.max_per_org), pool, a_actor)
    region_of = pool.region_of[a_actor]
    for region in sorted(constraints.tz_coverage):
        code = REGIONS.index(region)
        hard.add((region_of == code).astype(np.float64), 1.0, np.inf, "tz_coverage", region)
    for r, role in enumerate(roles):
        for region in sorted(role.tz_regions):
            code = REGIONS.index(region)
            row = ((region_of == code) & (a_role == r)).astype(np.float64)
            hard.add(row, 1.0, np.inf, "role_tz", f"{role.key}:{region}")
    return hard


def _org_cap_rows(
    hard: _HardRows, index: CandidateIndex, cap: int, pool: _Pool, a_actor: IntArray
) -> None:
    """One row per organisation with more pool members than ``cap`` (any affiliation)."""
    org_members: dict[int, list[int]] = {}
    for i, row in enumerate(pool.rows.tolist()):
        for org in index.organisations_of(row).tolist():
            org_members.setdefault(int(org), []).append(i)
    for org, members in sorted(org_members.items()):
        if len(members) > cap:
            mask = np.zeros(len(pool.rows), dtype=bool)
            mask[members] = True
            hard.add(mask[a_actor].astype(np.float64), -np.inf, float(cap), "max_per_org", str(org))


def _conflict_matrix(constraints: Constraints, actor_ids: IntArray) -> BoolArray:
    """Pool x pool: the two actors are declared in conflict (pairs outside the pool and
    an actor paired with itself bind nobody)."""
    n_pool = len(actor_ids)
    conflict = np.zeros((n_pool, n_pool), dtype=bool)
    if constraints.conflicts:
        pos = {int(a): i for i, a in enumerate(actor_ids.tolist())}
        for a, b in constraints.conflicts:
            i, j = pos.get(int(a)), pos.get(int(b))
            if i is not None and j is not None and i != j:
                conflict[i, j] = conflict[j, i] = True
    return conflict


def team_value(model: TeamModel, team: IntArray) -> float:
    """The weighted objective (0..1, higher better) of a team given as assignment indices."""
    team = np.asarray(team, dtype=np.int64)
    members = model.a_actor[team]
    value = model.const + float(model.lin[team].sum())
    if len(model.group_w):
        present = model.groups[:, team].sum(axis=1) > 0
        value += float(model.group_w[present].sum())
    value += float(model.pair[np.ix_(members, members)].sum()) / 2.0
    return value


def violation(model: TeamModel, team: IntArray) -> float:
    """Total violation of the hard constraints by a team (0 when it satisfies them all).

    Counts row excess or shortfall, conflicting pairs, missing locked actors, repeated
    actors and seats not matching the roles.
    """
    team = np.asarray(team, dtype=np.int64)
    members = model.a_actor[team]
    total = 0.0
    if len(model.lo):
        c = model.rows[:, team].sum(axis=1)
        total += float(np.maximum(model.lo - c, 0).sum() + np.maximum(c - model.hi, 0).sum())
    total += float(model.conflict[np.ix_(members, members)].sum()) / 2.0
    locked = np.flatnonzero(model.lock_actor)
    total += float(len(np.setdiff1d(locked, members)))
    total += float(len(members) - len(np.unique(members)))
    counts = np.bincount(model.a_role[team], minlength=len(model.roles))
    total += float(np.abs(counts - model.seats).sum())
    return total


def objective_scores(model: TeamModel, team: IntArray) -> dict[str, float]:
    """The objective scores (each 0..1, 1 best) of a team, by objective name."""
    team = np.asarray(team, dtype=np.int64)
    members = model.a_actor[team]
    n = max(len(team), 1)
    out = dict.fromkeys(OBJECTIVES, 0.0)
    out["fit"] = float(model.fit[team].sum()) / n
    out["purpose"] = float(model.sim[members].sum()) / n
    out["fairness"] = float(model.fair[team].sum()) / n
    k = len(team)
    if k >= 2:
        out["trust"] = float(model.closeness[np.ix_(members, members)].sum()) / (k * (k - 1))
        out["bridging"] = float(model.bridge[np.ix_(members, members)].sum()) / (k * (k - 1))
    total_cost = float(model.cost[team].sum())
    out["cost"] = 1.0 - total_cost / model.cost_ref if model.cost_ref > 0 else 1.0
    sectors = len(np.unique(model.sector_of[members][model.sector_of[members] >= 0]))
    regions = len(np.unique(model.region_of[members][model.region_of[members] >= 0]))
    keys = len(np.unique(model.key_of[members]))
    parts = [
        sectors / min(k, model.sector_denominator) if model.sector_denominator else 0.0,
        regions / min(k, model.region_denominator) if model.region_denominator else 0.0,
        keys / n,
    ]
    out["diversity"] = float(sum(parts)) / 3.0
    return out
