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
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

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

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

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
    n_roles = len(roles)
    pool_rows = np.asarray(pool_rows, dtype=np.int64)
    n_pool = len(pool_rows)
    seats = np.array([r.seats for r in roles], dtype=np.int64)
    n = int(seats.sum())
    w = weights.as_dict()
    wsum = weights.total()

    role_of_actor_lock: dict[int, int | None] = {}
    role_pos = {role.key: i for i, role in enumerate(roles)}
    for actor, key in constraints.locked_in.items():
        role_of_actor_lock[int(actor)] = None if key is None else role_pos[key]
    actor_ids = index.actor_ids[pool_rows]

    a_actor_parts: list[IntArray] = []
    a_role_parts: list[IntArray] = []
    for r in range(n_roles):
        inside = np.flatnonzero(np.isin(pool_rows, eligible[r], assume_unique=True))
        a_actor_parts.append(inside.astype(np.int64))
        a_role_parts.append(np.full(len(inside), r, dtype=np.int64))
    a_actor = np.concatenate(a_actor_parts) if a_actor_parts else np.empty(0, np.int64)
    a_role = np.concatenate(a_role_parts) if a_role_parts else np.empty(0, np.int64)
    if role_of_actor_lock:
        keep = np.ones(len(a_actor), dtype=bool)
        for k, (i, r) in enumerate(zip(a_actor.tolist(), a_role.tolist(), strict=True)):
            locked_role = role_of_actor_lock.get(int(actor_ids[i]), -1)
            if locked_role is not None and locked_role >= 0 and locked_role != r:
                keep[k] = False
        a_actor, a_role = a_actor[keep], a_role[keep]
    n_assign = len(a_actor)

    fit = np.zeros(n_assign)
    cost = np.zeros(n_assign)
    fair = np.zeros(n_assign)
    fair_ref = np.array([role_reference(index.exposure, e) for e in eligible], dtype=np.float64)
    for r, role in enumerate(roles):
        sel = np.flatnonzero(a_role == r)
        rows = pool_rows[a_actor[sel]]
        terms = list(role.requirements)
        levels = (
            np.stack([index.level_of(rows, t) for t in terms], axis=1)
            if terms
            else np.zeros((len(rows), 0), dtype=np.int64)
        )
        mins = np.array([role.requirements[t] for t in terms], dtype=np.int64)
        fit[sel] = fit_score(levels, mins)
        cost[sel] = seat_cost(index.day_rate[rows], role.hours_per_week, constraints.weeks)
        fair[sel] = fairness(index, rows, float(fair_ref[r]))
    sim = np.asarray(sim, dtype=np.float64)

    per_seat = 1.0 / max(n, 1)
    lin = (w["fit"] * fit + w["purpose"] * sim[a_actor] + w["fairness"] * fair) * per_seat
    if cost_ref > 0:
        lin = lin - w["cost"] * cost / cost_ref
    const = w["cost"]

    sector_of = index.sector_code[pool_rows]
    if tied is None:
        tied = closeness >= 1.0 - 1e-9
    bridge = new_connections(np.asarray(tied, dtype=bool), sector_of)
    n_pairs = n * (n - 1) / 2
    pair = (
        (w["trust"] * closeness + w["bridging"] * bridge) / n_pairs
        if n_pairs > 0
        else np.zeros((n_pool, n_pool))
    )

    # Presence groups for diversity: sectors, regions, organisations (primary one, or self).
    region_of = index.region_code[pool_rows]
    key_of = np.empty(n_pool, dtype=np.int64)
    for i, row in enumerate(pool_rows.tolist()):
        orgs = index.organisations_of(row)
        key_of[i] = int(orgs[0]) if len(orgs) else -1 - int(index.actor_ids[row])
    group_rows: list[FloatArray] = []
    group_w: list[float] = []
    group_kind: list[str] = []
    share = w["diversity"] / 3.0
    for code in np.unique(sector_of[sector_of >= 0]).tolist():
        if sector_denominator > 0:
            group_rows.append((sector_of[a_actor] == code).astype(np.float64))
            group_w.append(share / min(n, sector_denominator))
            group_kind.append("sector")
    for code in np.unique(region_of[region_of >= 0]).tolist():
        if region_denominator > 0:
            group_rows.append((region_of[a_actor] == code).astype(np.float64))
            group_w.append(share / min(n, region_denominator))
            group_kind.append("region")
    keys, key_count = np.unique(key_of, return_counts=True)
    singleton = np.isin(key_of, keys[key_count == 1])
    # An organisation only one pool actor belongs to is present exactly when that actor is.
    lin = lin + np.where(singleton[a_actor], share * per_seat, 0.0)
    for key in keys[key_count > 1].tolist():
        group_rows.append((key_of[a_actor] == key).astype(np.float64))
        group_w.append(share * per_seat)
        group_kind.append("organisation")

    rows_list: list[FloatArray] = []
    lo_list: list[float] = []
    hi_list: list[float] = []
    kinds: list[str] = []
    labels: list[str] = []
    if constraints.budget is not None:
        budget = float(constraints.budget)
        if budget > 0:
            rows_list.append(cost / budget)
            hi_list.append(1.0)
        else:
            rows_list.append((cost > 0).astype(np.float64))
            hi_list.append(0.0)
        lo_list.append(-np.inf)
        kinds.append("budget")
        labels.append(f"budget {budget:,.0f}")
    sector_names = index.sectors
    for sector, (smin, smax) in sorted(constraints.sector_mix.items()):
        code = sector_names.index(sector) if sector in sector_names else -2
        rows_list.append((sector_of[a_actor] == code).astype(np.float64))
        lo_list.append(float(smin))
        hi_list.append(np.inf if smax is None else float(smax))
        kinds.append("sector_mix")
        labels.append(sector)
    if constraints.max_per_org is not None:
        cap = int(constraints.max_per_org)
        org_members: dict[int, list[int]] = {}
        for i, row in enumerate(pool_rows.tolist()):
            for org in index.organisations_of(row).tolist():
                org_members.setdefault(int(org), []).append(i)
        for org, members in sorted(org_members.items()):
            if len(members) > cap:
                mask = np.zeros(n_pool, dtype=bool)
                mask[members] = True
                rows_list.append(mask[a_actor].astype(np.float64))
                lo_list.append(-np.inf)
                hi_list.append(float(cap))
                kinds.append("max_per_org")
                labels.append(str(org))
    for region in sorted(constraints.tz_coverage):
        code = REGIONS.index(region)
        rows_list.append((region_of[a_actor] == code).astype(np.float64))
        lo_list.append(1.0)
        hi_list.append(np.inf)
        kinds.append("tz_coverage")
        labels.append(region)
    for r, role in enumerate(roles):
        for region in sorted(role.tz_regions):
            code = REGIONS.index(region)
            rows_list.append(((region_of[a_actor] == code) & (a_role == r)).astype(np.float64))
            lo_list.append(1.0)
            hi_list.append(np.inf)
            kinds.append("role_tz")
            labels.append(f"{role.key}:{region}")

    conflict = np.zeros((n_pool, n_pool), dtype=bool)
    if constraints.conflicts:
        pos = {int(a): i for i, a in enumerate(actor_ids.tolist())}
        for a, b in constraints.conflicts:
            i, j = pos.get(int(a)), pos.get(int(b))
            if i is not None and j is not None and i != j:
                conflict[i, j] = conflict[j, i] = True
    lock_actor = np.isin(actor_ids, np.fromiter(constraints.locked_in, dtype=np.int64))

    return TeamModel(
        roles=roles,
        seats=seats,
        n=n,
        pool_rows=pool_rows,
        actor_ids=actor_ids,
        a_actor=a_actor,
        a_role=a_role,
        fit=fit,
        cost=cost,
        sim=sim,
        fair=fair,
        fair_ref=fair_ref,
        closeness=closeness,
        bridge=bridge,
        lin=lin / wsum,
        const=const / wsum,
        pair=pair / wsum,
        rows=np.array(rows_list).reshape(len(rows_list), n_assign),
        lo=np.array(lo_list, dtype=np.float64),
        hi=np.array(hi_list, dtype=np.float64),
        row_kind=tuple(kinds),
        row_label=tuple(labels),
        groups=np.array(group_rows).reshape(len(group_rows), n_assign),
        group_w=np.array(group_w, dtype=np.float64) / wsum,
        group_kind=tuple(group_kind),
        conflict=conflict,
        lock_actor=lock_actor,
        weights=weights,
        cost_ref=float(cost_ref),
        sector_denominator=int(sector_denominator),
        region_denominator=int(region_denominator),
        sector_of=sector_of,
        region_of=region_of,
        key_of=key_of,
    )


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
