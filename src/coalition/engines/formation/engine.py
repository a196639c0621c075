"""``propose``: from an initiative's roles and constraints to ranked, explained teams.

The pipeline, each stage in its own module:

1. validate the problem (:mod:`~coalition.engines.formation.validate`;
   :class:`~coalition.engines.formation.problem.FormationInputError` names the bad field);
2. retrieve each role's eligible actors from the capability index
   (:mod:`~coalition.engines.formation.candidates`); counting arguments may already prove
   there is no team (:func:`~coalition.engines.formation.explain.quick_obstacles`);
3. prune to the best few dozen per role by a cheap score (fit, purpose, fairness, cost),
   keeping the best of every sector and region and every locked-in actor, and (when fairness
   has weight) a quarter as many of the role's least exposed qualifiers (FA*IR-style);
4. build the team model over that pool (:mod:`~coalition.engines.formation.model`) with
   pairwise closeness from the tie network (:mod:`~coalition.engines.formation.ties`);
5. solve: heuristic warm start, then HiGHS (:mod:`~coalition.engines.formation.solver`);
   with a fairness budget, in two stages: the best team with fairness off, then the fairest
   team within the budget of it (:mod:`~coalition.engines.formation.lexicographic`); then
   again for each alternative with "share at most two thirds of the seats with every earlier
   proposal" added;
6. explain every member (:func:`~coalition.engines.formation.explain.member_reasons`), or,
   when there is no team, relax one constraint family at a time to find the culprit.

A problem whose pool turns out infeasible after pruning is retried on the whole eligible set
before infeasibility is reported, so pruning never manufactures an infeasibility.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import scipy.sparse as sp

from coalition.engines.formation.candidates import CandidateIndex, FunnelStep, prune
from coalition.engines.formation.explain import (
    FAMILY_WORDS,
    describe_relaxed_team,
    family_field,
    member_reasons,
    quick_obstacles,
)
from coalition.engines.formation.fairness import role_reference
from coalition.engines.formation.lexicographic import fairest_within
from coalition.engines.formation.model import (
    TeamModel,
    build_model,
    fairness,
    fit_score,
    objective_scores,
    seat_cost,
    team_value,
)
from coalition.engines.formation.problem import (
    REGIONS,
    Constraints,
    FormationProblem,
    RoleSpec,
    Weights,
)
from coalition.engines.formation.reasons import NoteCode, ObstacleCode, Said
from coalition.engines.formation.result import (
    FormationResult,
    Infeasibility,
    Member,
    Obstacle,
    Proposal,
)
from coalition.engines.formation.solver import SolveOutcome, find_feasible, solve_model
from coalition.engines.formation.ties import pool_closeness, pool_tied
from coalition.engines.formation.validate import validate_problem

from ..arrays import BoolArray, FloatArray, IntArray

__all__ = ["propose", "validate_problem"]


#: Below this many (actor, role) pairs in all, the whole eligible set goes to the solver.
NO_PRUNING_BELOW = 1500
#: How many of each sector / region are kept per role whatever their cheap score.
KEEP_PER_GROUP = 3
#: One in this many of a role's shortlist is kept for its least exposed qualifiers (on top of
#: the best by the cheap score) when fairness has weight.
FAIR_SHARE_OF_POOL = 4
#: Widest unpruned pool (pairwise closeness is a dense pool x pool matrix): beyond it even
#: the exact mode prunes (more generously), and a retry after an infeasible pool widens by 5x.
MAX_RETRY_POOL = 2500
#: Candidates kept per role by the exact mode when the eligible set is wider than that.
EXACT_POOL_PER_ROLE = 300


def _role_levels(index: CandidateIndex, role: RoleSpec, rows: IntArray) -> FloatArray:
    terms = list(role.requirements)
    if not terms:
        return np.zeros(len(rows))
    levels = np.stack([index.level_of(rows, t) for t in terms], axis=1)
    mins = np.array([role.requirements[t] for t in terms], dtype=np.int64)
    return fit_score(levels, mins)


def _select_pool(
    index: CandidateIndex,
    roles: Sequence[RoleSpec],
    constraints: Constraints,
    weights: Weights,
    eligible: Sequence[IntArray],
    sim_of: Mapping[int, float] | FloatArray,
    union: IntArray,
    cost_ref: float,
    keep: int | None,
) -> IntArray:
    """Union over roles of the rows worth solving over (all of them when ``keep`` is None)."""
    if keep is None:
        return union
    n = sum(role.seats for role in roles)
    w = weights.as_dict()
    locked_rows = np.array([index.row_of[a] for a in constraints.locked_in], dtype=np.int64)
    chosen: list[IntArray] = [locked_rows]
    sim_lookup = np.asarray(sim_of)
    for r, role in enumerate(roles):
        rows = eligible[r]
        if len(rows) <= max(keep, role.seats):
            chosen.append(rows)
            continue
        sim = sim_lookup[np.searchsorted(union, rows)]
        reference = role_reference(index.exposure, rows)
        fit = _role_levels(index, role, rows)
        fair = fairness(index, rows, reference)
        score = (w["fit"] * fit + w["purpose"] * sim + w["fairness"] * fair) / max(n, 1)
        if w["fairness"] > 0:
            # FA*IR-style (Zehlike et al. 2017): a share of the shortlist is guaranteed to the
            # least exposed qualifiers (best fit first among equals), so the cheap score
            # never cuts them out before the fairness objective can weigh them.
            reserved = max(keep // FAIR_SHARE_OF_POOL, 1)
            chosen.append(rows[np.lexsort((rows, -fit, -fair))[:reserved]])
        if cost_ref > 0:
            score -= (
                w["cost"]
                * seat_cost(index.day_rate[rows], role.hours_per_week, constraints.weeks)
                / cost_ref
            )
        groups = {}
        for code in np.unique(index.sector_code[rows]).tolist():
            groups[f"sector{code}"] = index.sector_code[rows] == code
        for code in range(len(REGIONS)):
            groups[f"region{code}"] = index.region_code[rows] == code
        chosen.append(prune(rows, score, max(keep, role.seats), groups, KEEP_PER_GROUP))
    return np.unique(np.concatenate(chosen))


def _diagnose(
    model: TeamModel,
    index: CandidateIndex,
    problem: FormationProblem,
    seed: int,
    time_limit: float,
) -> list[Obstacle]:
    """Relax one constraint family at a time; those whose removal allows a team are culprits."""
    families: list[str] = [
        k
        for k in ("budget", "sector_mix", "max_per_org", "tz_coverage", "role_tz")
        if k in model.row_kind
    ]
    if model.conflict.any():
        families.append("conflicts")
    if model.lock_actor.any():
        families.append("locked_in")
    bare = model
    for kind in families:
        bare = bare.without_kind(kind)
    per = max(time_limit / (len(families) + 2), 0.05)
    status = find_feasible(bare, per, seed)
    if status == "infeasible":
        busy = sorted(
            ((int(np.sum(model.a_role == r)), r) for r in range(len(model.roles))),
        )
        scarce = [[model.roles[r].label, k] for k, r in busy[:3]]
        names = ", ".join(f"'{label}' ({k} eligible)" for label, k in scarce)
        return [
            Obstacle(
                "distinct_people",
                "roles",
                Said(
                    ObstacleCode.SCARCE_PEOPLE,
                    "No set of different people can fill every seat: the roles compete for the "
                    f"same few actors (scarcest: {names}).",
                    roles=scarce,
                ),
            )
        ]
    obstacles: list[Obstacle] = []
    for kind in families:
        relaxed = model.without_kind(kind)
        outcome = solve_model(relaxed, mode="default", time_limit=per, seed=seed, kicks=5)
        if outcome.team is None:
            continue
        detail, closest = describe_relaxed_team(
            index, relaxed, outcome.team, kind, problem.constraints
        )
        obstacles.append(
            Obstacle(
                kind,
                family_field(kind),
                Said(
                    ObstacleCode.RELAXED,
                    f"No team meets {FAMILY_WORDS[kind]} together with the other constraints"
                    + (f"; {detail}." if detail else "."),
                    family=kind,
                    detail=detail.data() if detail is not None else None,
                ),
                closest,
            )
        )
    if not obstacles:
        words = _join_words([FAMILY_WORDS[k] for k in families])
        obstacles.append(
            Obstacle(
                "combination",
                "constraints",
                Said(
                    ObstacleCode.COMBINATION,
                    f"No team meets {words} all together, though each can be met on its own "
                    "terms; relax one of them.",
                    families=list(families),
                ),
            )
        )
    return obstacles


def _join_words(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


@dataclass(frozen=True)
class _Retrieval:
    """The candidate index, the roles, the actors never to propose (``blocked``) and, per
    role, the eligible rows and the funnel of filters that produced them."""

    index: CandidateIndex
    roles: tuple[RoleSpec, ...]
    blocked: BoolArray
    funnels: list[tuple[IntArray, list[FunnelStep]]]

    @property
    def eligible(self) -> list[IntArray]:
        """Rows eligible for each role (ascending)."""
        return [f[0] for f in self.funnels]

    @classmethod
    def of(cls, problem: FormationProblem) -> _Retrieval:
        """Index the candidates (unless the problem brings an index), validate the problem
        and retrieve every role's eligible actors."""
        index = (
            problem.candidates
            if isinstance(problem.candidates, CandidateIndex)
            else CandidateIndex(problem.candidates, vocabulary=problem.vocabulary)
        )
        validate_problem(problem, index)
        roles = tuple(problem.roles)
        blocked = index.blocked(problem.constraints)
        return cls(index, roles, blocked, [index.funnel(role, blocked) for role in roles])


@dataclass(frozen=True)
class _PoolSource:
    """What every pool is drawn from and scored against: the union of the eligible rows,
    their purpose similarity to the initiative (``query``), and the cost and diversity
    references (from the eligible sets, so pruning does not change what a score means)."""

    problem: FormationProblem
    index: CandidateIndex
    roles: tuple[RoleSpec, ...]
    eligible: list[IntArray]
    union: IntArray
    query: sp.csr_matrix | None
    sim_union: FloatArray
    cost_ref: float
    sector_den: int
    region_den: int

    @classmethod
    def of(cls, problem: FormationProblem, found: _Retrieval) -> _PoolSource:
        """The union, similarity and references for the eligible sets of ``found``."""
        index, eligible = found.index, found.eligible
        union = np.unique(np.concatenate(eligible))
        query_text = " . ".join([problem.purpose_text, *problem.purpose_tags])
        query = index.query_vector(query_text)
        sectors = index.sector_code[union]
        regions = index.region_code[union]
        return cls(
            problem=problem,
            index=index,
            roles=found.roles,
            eligible=eligible,
            union=union,
            query=query,
            sim_union=index.purpose_similarity(union, query),
            cost_ref=_cost_reference(index, found.roles, problem.constraints, eligible),
            sector_den=len(np.unique(sectors[sectors >= 0])),
            region_den=len(np.unique(regions[regions >= 0])),
        )

    def first_keep(self) -> tuple[int | None, list[Said]]:
        """Candidates kept per role by the first pool (None: all of them), with a note when
        even the exact mode prunes."""
        problem = self.problem
        total_pairs = sum(len(e) for e in self.eligible)
        if problem.mode != "exact" and total_pairs > NO_PRUNING_BELOW:
            return problem.pool_per_role, []
        if problem.mode == "exact" and len(self.union) > MAX_RETRY_POOL:
            keep = max(EXACT_POOL_PER_ROLE, problem.pool_per_role)
            qualify = len(self.union)
            return keep, [
                Said(
                    NoteCode.EXACT_POOL,
                    f"{qualify} actors qualify; even the exact mode kept only the best "
                    f"{keep} per role, so optimality holds for that pool.",
                    qualify=qualify,
                    keep=keep,
                )
            ]
        return None, []

    def model(self, keep: int | None) -> tuple[TeamModel, bool]:
        """The team model over the pool that keeps ``keep`` per role (None: everyone
        eligible), and whether that pool left anyone out."""
        problem, index = self.problem, self.index
        pool = _select_pool(
            index,
            self.roles,
            problem.constraints,
            problem.weights,
            self.eligible,
            self.sim_union,
            self.union,
            self.cost_ref,
            keep,
        )
        sim = self.sim_union[np.searchsorted(self.union, pool)]
        closeness = pool_closeness(problem.ties, index.actor_ids[pool])
        tied = pool_tied(problem.ties, index.actor_ids[pool], closeness)
        model = build_model(
            index,
            self.roles,
            problem.constraints,
            problem.weights,
            pool,
            self.eligible,
            sim,
            closeness,
            tied=tied,
            cost_ref=self.cost_ref,
            sector_denominator=self.sector_den,
            region_denominator=self.region_den,
        )
        return model, len(pool) < len(self.union)


def _cost_reference(
    index: CandidateIndex,
    roles: Sequence[RoleSpec],
    constraints: Constraints,
    eligible: Sequence[IntArray],
) -> float:
    """What the cost score is relative to: the budget, else the dearest possible team."""
    if constraints.budget is not None and constraints.budget > 0:
        return float(constraints.budget)
    cost_ref = 0.0
    for r, role in enumerate(roles):
        costs = seat_cost(index.day_rate[eligible[r]], role.hours_per_week, constraints.weeks)
        cost_ref += role.seats * float(costs.max(initial=0.0))
    return cost_ref


@dataclass(frozen=True)
class _Clock:
    """The time a run may take: ``limit`` seconds from ``start`` (None: no limit)."""

    start: float
    limit: float | None

    @property
    def hard_deadline(self) -> float | None:
        """When every solve must have stopped (95 % of the limit)."""
        return None if self.limit is None else self.start + 0.95 * self.limit

    def remaining(self) -> float | None:
        """Seconds left for solving (None without a limit)."""
        if self.limit is None:
            return None
        # A margin for HiGHS's own overshoot, the bound fallback and the explanations.
        return max(0.85 * self.limit - (time.perf_counter() - self.start), 0.02)

    def elapsed(self) -> float:
        """Seconds since the run began."""
        return time.perf_counter() - self.start


@dataclass(frozen=True)
class _SolvePlan:
    """How many solves a run makes and how the time is shared among them.

    ``contrast``: fairness has weight beside other objectives, so the best team with
    fairness off is found too. ``budgeted``: with a fairness budget the first solve is stage
    one of the epsilon-constraint (the best team with fairness off, the contrast); stage two
    then spends the budget on fairness.
    """

    contrast: bool
    budgeted: bool
    n_solves: int
    first_share: float

    @classmethod
    def of(cls, problem: FormationProblem) -> _SolvePlan:
        """The plan for ``problem``'s weights, fairness budget and alternatives."""
        weights = problem.weights
        w = weights.as_dict()
        contrast = w["fairness"] > 0 and weights.total() > w["fairness"]
        budgeted = contrast and problem.fairness_budget is not None
        n_solves = 1 + problem.k_alternatives + int(contrast)
        first_share = (0.35 if budgeted else 0.55) if n_solves > 1 else 1.0
        return cls(contrast, budgeted, n_solves, first_share)

    @property
    def n_teams(self) -> int:
        """The best team and its alternatives (the contrast aside)."""
        return self.n_solves - int(self.contrast)


@dataclass(frozen=True)
class _Explainer:
    """Turns a solver outcome into an explained :class:`Proposal`."""

    index: CandidateIndex
    problem: FormationProblem
    query: sp.csr_matrix | None
    pruned: bool

    def proposal(self, rank: int, outcome: SolveOutcome, model: TeamModel) -> Proposal:
        """The proposal of ``rank`` for ``outcome`` (which has a team) on ``model``: its
        members with their reasons, objective scores, bound and gap."""
        assert outcome.team is not None
        team = outcome.team
        index, problem = self.index, self.problem
        reasons = member_reasons(
            index,
            model,
            team,
            problem.constraints,
            problem.ties,
            self.query,
            problem.purpose_tags,
        )
        members = []
        for seat, a in enumerate(team.tolist()):
            row = int(model.pool_rows[model.a_actor[a]])
            role = model.roles[int(model.a_role[a])]
            members.append(
                Member(
                    actor_id=int(index.actor_ids[row]),
                    name=index.candidates[row].name,
                    role_key=role.key,
                    hours_per_week=float(role.hours_per_week),
                    cost=float(model.cost[a]),
                    reasons=reasons[seat],
                )
            )
        bound = outcome.bound if math.isfinite(outcome.bound) else outcome.value
        gap = max(bound - outcome.value, 0.0) / max(abs(bound), 1e-12)
        status: Literal["optimal", "feasible"] = (
            "optimal" if outcome.status == "optimal" else "feasible"
        )
        return Proposal(
            rank=rank,
            members=tuple(members),
            scores=objective_scores(model, team),
            total_score=float(outcome.value),
            bound=float(bound),
            gap=float(gap),
            status=status,
            total_cost=float(model.cost[team].sum()),
            solve_seconds=float(outcome.seconds),
            method=outcome.method,
            pool_pruned=self.pruned,
        )


def propose(problem: FormationProblem) -> FormationResult:
    """Propose the best team for an initiative and up to ``k_alternatives`` alternatives.

    Parameters
    ----------
    problem : FormationProblem
        Roles, candidates (or a prebuilt index), constraints, weights, purpose, ties, seed,
        number of alternatives, time limit and mode.

    Returns
    -------
    FormationResult
        ``status`` ``"optimal"`` / ``"feasible"`` with the proposals (best first; each
        alternative shares at most two thirds of its seats with every earlier one), each
        with objective scores, bound, gap and per-member reasons; or ``"infeasible"`` with an
        :class:`~coalition.engines.formation.result.Infeasibility` naming the roles or
        constraints that cannot be met and the actors who come closest; or ``"unknown"``
        when no team was found in the time limit and nothing was proven. Never raises for
        an infeasible problem.

    Raises
    ------
    FormationInputError
        For invalid input (see :func:`validate_problem`), with the field it concerns.

    Examples
    --------
    >>> from coalition.engines.formation import Candidate, RoleSpec
    >>> people = [
    ...     Candidate(1, "Ana", {"Facilitation": 4}, capacity_left_hours=10),
    ...     Candidate(2, "Ben", {"Facilitation": 2}, capacity_left_hours=10),
    ... ]
    >>> role = RoleSpec("host", "Host", {"Facilitation": 3}, hours_per_week=4)
    >>> result = propose(FormationProblem(roles=[role], candidates=people))
    >>> result.status, result.best.members[0].name, result.best.members[0].reasons[0]
    ('optimal', 'Ana', 'covers Facilitation (level 4, needed 3)')

    Notes
    -----
    The team model, its objective and constraints are described in
    :mod:`coalition.engines.formation.model`; the search in
    :mod:`coalition.engines.formation.solver`. With a time limit the MIP may stop early: the
    result is then reproducible for a seed when it proves optimality, and otherwise may
    vary with the machine's speed (the heuristic part never does).

    References
    ----------
    .. [1] T. Lappas, K. Liu, E. Terzi, "Finding a team of experts in social networks",
       KDD 2009 (communication cost of a team in a network).
    .. [2] M. Kargar, A. An, "Discovering top-k teams of experts with/without a leader in
       social networks", CIKM 2011 (top-k teams, sum-of-distances cost).
    """
    clock = _Clock(time.perf_counter(), None if problem.mode == "exact" else problem.time_limit_s)
    found = _Retrieval.of(problem)
    stats: dict[str, float] = {
        f"eligible.{role.key}": float(len(rows))
        for role, rows in zip(found.roles, found.eligible, strict=True)
    }
    obstacles = quick_obstacles(
        found.index, found.roles, problem.constraints, found.funnels, found.blocked
    )
    if obstacles:
        stats["seconds"] = clock.elapsed()
        return _infeasible(obstacles, [], stats)
    return _form_teams(problem, found, clock, stats)


def _form_teams(
    problem: FormationProblem, found: _Retrieval, clock: _Clock, stats: dict[str, float]
) -> FormationResult:
    """Stages 3-6 of :func:`propose` once counting proves no obstacle: prune, model, solve
    (widening a pool that admits no team), then explain the proposals or the culprits."""
    source = _PoolSource.of(problem, found)
    keep, notes = source.first_keep()
    model, pruned = source.model(keep)
    stats["prepare_seconds"] = clock.elapsed()
    plan = _SolvePlan.of(problem)
    first = _solve_first(problem, model, plan, clock)
    if first.team is None and first.status == "infeasible" and pruned:
        widened = None if len(source.union) <= MAX_RETRY_POOL else max(keep or 0, 1) * 5
        model, pruned = source.model(widened)
        notes.append(
            Said(NoteCode.WIDENED, "The pruned pool admitted no team; the search was widened.")
        )
        first = _solve_first(problem, model, plan, clock)
    stats["pool_actors"] = float(len(model.actor_ids))
    stats["pool_assignments"] = float(model.n_assignments)
    if first.team is None:
        stats["seconds"] = clock.elapsed()
        return _no_team(first, model, found.index, problem, clock.limit, notes, stats)
    explainer = _Explainer(found.index, problem, source.query, pruned)
    fairness_off, first = _fairness_contrast(model, first, problem, plan, clock, explainer)
    proposals = [explainer.proposal(0, first, model)]
    _add_alternatives(proposals, model, first, problem, plan, clock, explainer, notes)
    stats["seconds"] = clock.elapsed()
    return FormationResult(
        proposals[0].status,
        proposals=tuple(proposals),
        notes=tuple(notes),
        stats=stats,
        fairness_off=fairness_off,
    )


def _solve_first(
    problem: FormationProblem, model: TeamModel, plan: _SolvePlan, clock: _Clock
) -> SolveOutcome:
    """The first solve: the best team (with fairness off when a fairness budget follows)."""
    left = clock.remaining()
    return solve_model(
        model.without_fairness() if plan.budgeted else model,
        mode=problem.mode,
        time_limit=None if left is None else left * plan.first_share,
        seed=problem.seed,
        hard_deadline=clock.hard_deadline,
    )


def _infeasible(
    obstacles: Sequence[Obstacle], notes: Sequence[Said], stats: dict[str, float]
) -> FormationResult:
    """The result naming the obstacles that rule every team out."""
    return FormationResult(
        "infeasible",
        infeasibility=Infeasibility(_summary(obstacles), tuple(obstacles)),
        notes=tuple(notes),
        stats=stats,
    )


def _no_team(
    first: SolveOutcome,
    model: TeamModel,
    index: CandidateIndex,
    problem: FormationProblem,
    limit: float | None,
    notes: Sequence[Said],
    stats: dict[str, float],
) -> FormationResult:
    """The result when the first solve found no team: the culprits when infeasibility is
    proven, else "unknown"."""
    if first.status == "infeasible":
        diag_time = max(limit or 1.0, 0.5)
        obstacles = _diagnose(model, index, problem, problem.seed, diag_time)
        return _infeasible(obstacles, notes, stats)
    return FormationResult(
        "unknown",
        infeasibility=Infeasibility(
            Said(
                NoteCode.NOT_PROVEN,
                "No team was found within the time limit; infeasibility is not proven. "
                "Allow more time or relax a constraint.",
            ),
            (),
            proven=False,
        ),
        notes=tuple(notes),
        stats=stats,
    )


def _fairness_contrast(
    model: TeamModel,
    first: SolveOutcome,
    problem: FormationProblem,
    plan: _SolvePlan,
    clock: _Clock,
    explainer: _Explainer,
) -> tuple[Proposal | None, SolveOutcome]:
    """The best team with fairness off (None when fairness has no say or none was found),
    and the best team as proposed: with a budget, stage two's fairest team within it."""
    if plan.budgeted:
        plain = model.without_fairness()
        fairness_off = explainer.proposal(0, first, plain)
        left = clock.remaining()
        best = _fairest_within_budget(model, first, problem, None if left is None else left * 0.6)
        return fairness_off, best
    if not plan.contrast:
        return None, first
    plain = model.without_fairness()
    left = clock.remaining()
    outcome = solve_model(
        plain,
        mode=problem.mode,
        time_limit=None if left is None else left / (plan.n_solves - 1),
        seed=problem.seed,
        hard_deadline=clock.hard_deadline,
        restarts=1,
    )
    if outcome.team is None:
        return None, first
    return explainer.proposal(0, outcome, plain), first


def _add_alternatives(
    proposals: list[Proposal],
    model: TeamModel,
    first: SolveOutcome,
    problem: FormationProblem,
    plan: _SolvePlan,
    clock: _Clock,
    explainer: _Explainer,
    notes: list[Said],
) -> None:
    """Append the alternatives to ``proposals`` (which holds the best team): each shares at
    most two thirds of its seats with every earlier one; a note says why they stop short."""
    current = model
    team = first.team
    assert team is not None
    for k in range(1, plan.n_teams):
        current = current.overlap_row(current.a_actor[team].tolist())
        left = clock.remaining()
        share = None if left is None else left / (plan.n_teams - k)
        outcome = solve_model(
            current,
            mode=problem.mode,
            time_limit=share,
            seed=problem.seed + k,
            bound_cap=proposals[-1].bound,
            hard_deadline=clock.hard_deadline,
            restarts=1,
            kicks=5,
        )
        if outcome.team is None:
            distinct = outcome.status == "infeasible"
            why = (
                "no other team differs from the earlier ones in at least a third of its seats"
                if distinct
                else "no further alternative was found within the time limit"
            )
            notes.append(
                Said(
                    NoteCode.FEW_ALTERNATIVES,
                    f"Only {k - 1} alternative(s): {why}.",
                    found=k - 1,
                    reason="distinct" if distinct else "time",
                )
            )
            break
        team = outcome.team
        proposals.append(explainer.proposal(k, outcome, current))


def _fairest_within_budget(
    model: TeamModel, off: SolveOutcome, problem: FormationProblem, time_limit: float | None
) -> SolveOutcome:
    """Stage two of the epsilon-constraint: the fairest team whose value on every objective
    but fairness (or, ``problem.fairness_budget_on`` fit, whose capability fit) is within
    ``problem.fairness_budget`` of the fairness-off team ``off``
    (:func:`~coalition.engines.formation.lexicographic.fairest_within`), else ``off``.

    Its value is read on ``model`` (the weights as asked). Its bound is a proven bound on that
    weighted value: ``off``'s bound on the other objectives plus the most the fairness term
    can add (a mean score of 1).
    """
    assert off.team is not None and problem.fairness_budget is not None
    chosen = fairest_within(
        model,
        off.team,
        problem.fairness_budget,
        time_limit=time_limit,
        seed=problem.seed,
        basis=problem.fairness_budget_on,
    ) or replace(off, method=off.method + "+budget")
    assert chosen.team is not None
    value = team_value(model, chosen.team)
    w = model.weights
    bound = max(off.bound + w.fairness / w.total(), value)
    status: Literal["optimal", "feasible"] = (
        "optimal" if bound - value <= 1e-9 * max(abs(bound), 1.0) else "feasible"
    )
    return replace(chosen, value=value, bound=bound, status=status)


def _summary(obstacles: Sequence[Obstacle]) -> str:
    first = obstacles[0].message
    more = len(obstacles) - 1
    return first if more == 0 else f"{first} (and {more} more obstacle{'s' if more > 1 else ''})"
