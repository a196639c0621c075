"""Plain-language reasons: why each member was proposed, and why no team could be formed.

Every sentence is drawn from the data the engine was given (levels, ties and their years,
shared purpose words, sectors, regions, capacity, rates), so a convenor can check it against
the directory. Infeasibility is explained in two stages: quick counting arguments on the
eligible sets (a role with fewer eligible actors than seats, a required region or sector
nobody eligible is in, a budget below the cheapest possible team, impossible locks), then,
when those all pass but the solver proves there is no team, by relaxing one constraint
family at a time (see :func:`coalition.engines.formation.engine.propose`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from coalition.engines.formation.candidates import CandidateIndex, FunnelStep
from coalition.engines.formation.fairness import fewer_chances, newcomer_boost
from coalition.engines.formation.model import TeamModel, seat_cost
from coalition.engines.formation.problem import REGIONS, Candidate, Constraints, RoleSpec
from coalition.engines.formation.reasons import (
    DetailCode,
    ObstacleCode,
    Reason,
    ReasonCode,
    Said,
    english_names,
)
from coalition.engines.formation.result import ClosestActor, Obstacle
from coalition.engines.formation.ties import TieGraph

from ..arrays import BoolArray, IntArray

__all__ = [
    "FAMILY_WORDS",
    "closest_for_role",
    "describe_gaps",
    "describe_relaxed_team",
    "family_field",
    "member_reasons",
    "quick_obstacles",
]


def _money(x: float) -> str:
    return f"{x:,.0f}"


def _name_list(index: CandidateIndex, rows: Sequence[int]) -> list[str]:
    return [index.candidates[r].name or f"#{index.candidates[r].actor_id}" for r in rows]


def _names(index: CandidateIndex, rows: Sequence[int], limit: int = 3) -> str:
    return english_names(_name_list(index, rows), limit)


def _join(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass(frozen=True)
class _TeamView:
    """What the reasons of every seat read: the members' pool indices, index rows and ids,
    their direct ties and the years those began (when the ties are a :class:`TieGraph`),
    their pairwise closeness, sectors and regions."""

    members: IntArray
    rows: IntArray
    ids: IntArray
    tied: BoolArray | None
    years: IntArray | None
    closeness: npt.NDArray[np.float64]
    sectors: list[int]
    regions: list[int]

    @classmethod
    def of(cls, model: TeamModel, team: IntArray, ties: object) -> _TeamView:
        """The view of ``team`` (assignment indices) on ``model``."""
        members = model.a_actor[team]
        ids = model.actor_ids[members]
        tied: BoolArray | None = None
        years: IntArray | None = None
        if isinstance(ties, TieGraph):
            tied, years = ties.direct(ids)
        return cls(
            members=members,
            rows=model.pool_rows[members],
            ids=ids,
            tied=tied,
            years=years,
            closeness=model.closeness[np.ix_(members, members)],
            sectors=[model.sector_of[i] for i in members],
            regions=[model.region_of[i] for i in members],
        )


def member_reasons(
    index: CandidateIndex,
    model: TeamModel,
    team: IntArray,
    constraints: Constraints,
    ties: object,
    query: sp.csr_matrix | None,
    purpose_tags: Sequence[str] = (),
) -> list[tuple[Reason, ...]]:
    """Reasons, per seat of ``team`` (assignment indices), in plain language.

    Capability coverage against the role's minimums; prior collaboration with the rest of
    the team (direct ties and the year they began, or shared collaborators); shared purpose
    (shared tags, else the TF-IDF terms the actor's purposes share with the initiative's);
    what the member adds to the mix (only member of a sector or required region); fair
    spread (a newcomer still boosted, or fewer chances recently than is usual for the role,
    never a count); capacity; cost; locks. Each is a :class:`Reason`: its English sentence,
    code and values (a service renders them in the reader's language).
    """
    view = _TeamView.of(model, team, ties)
    tags = {t.lower() for t in purpose_tags}
    out: list[tuple[Reason, ...]] = []
    for seat, a in enumerate(team.tolist()):
        role = model.roles[int(model.a_role[a])]
        row = int(view.rows[seat])
        cand = index.candidates[row]
        reasons: list[Reason] = []
        if int(view.ids[seat]) in constraints.locked_in:
            reasons.append(Reason(ReasonCode.LOCKED_IN, "locked in by the convenor"))
        covers = [
            (term, int(cand.capabilities.get(term, 0)), int(need))
            for term, need in role.requirements.items()
        ]
        if covers:
            text = _join([f"{t} (level {have}, needed {need})" for t, have, need in covers])
            reasons.append(
                Reason(ReasonCode.COVERS, "covers " + text, capabilities=[list(c) for c in covers])
            )
        reasons.extend(_collaboration_reasons(index, view, seat))
        shared_tags = sorted(t for t in cand.purpose_tags if t.lower() in tags)
        terms = list((shared_tags or index.shared_purpose_terms(row, query))[:3])
        if terms:
            text = "shares " + _join([f"'{t}'" for t in terms])
            reasons.append(Reason(ReasonCode.SHARES_PURPOSE, text, terms=terms))
        reasons.extend(_mix_reasons(index, view, seat, constraints, role))
        # Said without counts: other members read these reasons too.
        if newcomer_boost(index.recent[[row]], index.newcomer[[row]])[0] > 0:
            reasons.append(Reason(ReasonCode.NEWCOMER, "newcomer to the network"))
        elif fewer_chances(float(index.exposure[row]), float(model.fair_ref[int(model.a_role[a])])):
            reasons.append(Reason(ReasonCode.FEWER_CHANCES, "has had fewer chances recently"))
        reasons.extend(_capacity_and_cost(cand, role, constraints, float(model.cost[a])))
        out.append(tuple(reasons))
    return out


def _capacity_and_cost(
    cand: Candidate, role: RoleSpec, constraints: Constraints, cost: float
) -> list[Reason]:
    """The member's free capacity against the role's hours, and what the seat costs."""
    free, needs = float(cand.capacity_left_hours), float(role.hours_per_week)
    out = [
        Reason(
            ReasonCode.CAPACITY,
            f"has {free:g} h/week free; the role needs {needs:g}",
            free=free,
            needs=needs,
        )
    ]
    if cand.day_rate is None:
        out.append(Reason(ReasonCode.NO_DAY_RATE, "no day rate declared (counted as no cost)"))
    else:
        out.append(
            Reason(
                ReasonCode.COST,
                f"costs {_money(cost)} over {constraints.weeks:g} weeks "
                f"(day rate {_money(cand.day_rate)})",
                cost=cost,
                weeks=float(constraints.weeks),
                day_rate=float(cand.day_rate),
            )
        )
    return out


def _collaboration_reasons(index: CandidateIndex, view: _TeamView, seat: int) -> list[Reason]:
    """Prior collaboration of the member at ``seat`` with the rest of the team: direct ties
    and the year the first began, else shared collaborators; without a tie graph, closeness
    alone."""
    others = [k for k in range(len(view.members)) if k != seat]
    clos = view.closeness
    if view.tied is not None and view.years is not None:
        direct = [k for k in others if view.tied[seat, k]]
        if direct:
            known = [int(view.years[seat, k]) for k in direct if view.years[seat, k] > 0]
            since = min(known) if known else None
            when = f" since {since}" if since is not None else " before"
            names = _name_list(index, [int(view.rows[k]) for k in direct])
            text = f"worked with {len(direct)} of the team ({english_names(names)}){when}"
            return [
                Reason(ReasonCode.WORKED_WITH, text, count=len(direct), names=names, since=since)
            ]
        near = [k for k in others if clos[seat, k] > 0]
        if near:
            names = _name_list(index, [int(view.rows[k]) for k in near])
            text = f"shares collaborators with {len(near)} of the team ({english_names(names)})"
            return [Reason(ReasonCode.SHARES_COLLABORATORS, text, count=len(near), names=names)]
        return []
    if not others:
        return []
    close = [k for k in others if clos[seat, k] >= 1.0 - 1e-9]
    near = [k for k in others if clos[seat, k] > 0]
    if close:
        text = f"has worked with {len(close)} of the team"
        return [Reason(ReasonCode.HAS_WORKED_WITH, text, count=len(close))]
    if near:
        text = f"is close to {len(near)} of the team in the tie network"
        return [Reason(ReasonCode.CLOSE_IN_NETWORK, text, count=len(near))]
    return []


def _mix_reasons(
    index: CandidateIndex, view: _TeamView, seat: int, constraints: Constraints, role: RoleSpec
) -> list[Reason]:
    """What the member at ``seat`` adds to the mix: the team's only member of a sector, or
    the only one covering a region the team or the role must cover."""
    reasons: list[Reason] = []
    sector = view.sectors[seat]
    if sector >= 0 and len(view.members) > 1 and sum(1 for s in view.sectors if s == sector) == 1:
        name = index.sectors[int(sector)]
        text = f"the team's only member from {name}"
        reasons.append(Reason(ReasonCode.ONLY_SECTOR, text, sector=name))
    region = view.regions[seat]
    needed = set(constraints.tz_coverage) | set(role.tz_regions)
    if region >= 0 and REGIONS[int(region)] in needed:
        if sum(1 for g in view.regions if g == region) == 1:
            code = REGIONS[int(region)]
            text = f"covers {code.upper()} working hours"
            reasons.append(Reason(ReasonCode.COVERS_REGION, text, region=code))
    return reasons


def describe_gaps(index: CandidateIndex, row: int, role: RoleSpec) -> tuple[Reason, ...]:
    """What the actor at ``row`` lacks to take ``role`` (empty when nothing is missing)."""
    return gaps_for(index.candidates[row], role)


def gaps_for(cand: Candidate, role: RoleSpec) -> tuple[Reason, ...]:
    """What ``cand`` lacks to take ``role`` (empty when nothing is missing)."""
    gaps: list[Reason] = []
    for term, need in role.requirements.items():
        have = int(cand.capabilities.get(term, 0))
        if have >= need:
            continue
        if have:
            text = f"{term} level {have} (needs {need})"
            gaps.append(Reason(ReasonCode.GAP_LEVEL, text, term=term, level=have, needs=int(need)))
        else:
            gaps.append(Reason(ReasonCode.GAP_MISSING, f"no {term}", term=term))
    free, needs = float(cand.capacity_left_hours), float(role.hours_per_week)
    if free < needs - 1e-9:
        text = f"{free:g} h/week free (needs {needs:g})"
        gaps.append(Reason(ReasonCode.GAP_CAPACITY, text, free=free, needs=needs))
    spoken = {lang.lower() for lang in cand.languages}
    for lang in sorted(role.languages):
        if lang.lower() not in spoken:
            gaps.append(Reason(ReasonCode.GAP_LANGUAGE, f"does not speak {lang}", language=lang))
    return tuple(gaps)


def closest_for_role(
    index: CandidateIndex, role: RoleSpec, blocked: BoolArray, limit: int = 5
) -> tuple[ClosestActor, ...]:
    """The actors who come closest to ``role`` without qualifying, fewest gaps first.

    Looks at everyone holding at least one required capability (everyone, for a role with
    no requirements), ranks by number of unmet conditions, then total level shortfall, then
    capacity, then actor id.
    """
    terms = list(role.requirements)
    if terms:
        rows = np.unique(np.concatenate([index.holders(t, 1) for t in terms]))
    else:
        rows = np.arange(len(index), dtype=np.int64)
    rows = rows[~blocked[rows]]
    if len(rows) == 0:
        return ()
    n_gaps = np.zeros(len(rows), dtype=np.int64)
    shortfall = np.zeros(len(rows), dtype=np.int64)
    for term in terms:
        lvl = index.level_of(rows, term)
        short = np.maximum(role.requirements[term] - lvl, 0)
        n_gaps += short > 0
        shortfall += short
    n_gaps += index.capacity[rows] < role.hours_per_week - 1e-9
    if role.languages:
        n_gaps += ~index.speaks_all(rows, role.languages)
    candidates = n_gaps > 0
    rows, n_gaps, shortfall = rows[candidates], n_gaps[candidates], shortfall[candidates]
    order = np.lexsort((index.actor_ids[rows], -index.capacity[rows], shortfall, n_gaps))
    out = []
    for k in order[:limit].tolist():
        row = int(rows[k])
        out.append(
            ClosestActor(
                actor_id=int(index.actor_ids[row]),
                name=index.candidates[row].name,
                role_key=role.key,
                gaps=describe_gaps(index, row, role),
            )
        )
    return tuple(out)


def _funnel_message(role: RoleSpec, steps: Sequence[FunnelStep]) -> Said:
    seats = f"{role.seats} seat{'s' if role.seats != 1 else ''}"
    shown: list[FunnelStep] = []
    for step in steps:
        shown.append(step)
        if step.count < role.seats:
            break  # later filters only repeat the shortage
    parts = [f"{s.count} with {s.label}" for s in shown]
    text = f"Role '{role.label}' needs {seats}; eligible actors: " + ", then ".join(parts) + "."
    data = [{**s.label.data(), "count": s.count} for s in shown]
    return Said(ObstacleCode.ROLE_SHORT, text, role=role.label, seats=role.seats, steps=data)


def quick_obstacles(
    index: CandidateIndex,
    roles: Sequence[RoleSpec],
    constraints: Constraints,
    funnels: Sequence[tuple[IntArray, list[FunnelStep]]],
    blocked: BoolArray,
) -> list[Obstacle]:
    """Obstacles that counting alone proves, before any search (empty when none is found).

    Checks, in order: each role has as many eligible actors as seats; locked actors are
    allowed, eligible for their role, not in conflict, within seats, organisation caps and
    sector maxima; there are enough distinct eligible people; sector minimums are reachable;
    every required region (team and role) has an eligible actor; the cheapest possible team
    fits the budget.
    """
    eligible = [f[0] for f in funnels]
    n = sum(role.seats for role in roles)
    obstacles = _role_shortages(index, roles, funnels, blocked)
    locked_rows, lock_obstacles = _lock_obstacles(index, roles, constraints, eligible, blocked)
    obstacles += lock_obstacles
    if len(locked_rows) > n:
        obstacles.append(
            Obstacle(
                "locked_in",
                "constraints.locked_in",
                Said(
                    ObstacleCode.TOO_MANY_LOCKED,
                    f"{len(locked_rows)} actors are locked in but the team has {n} seats.",
                    locked=len(locked_rows),
                    seats=n,
                ),
            )
        )
    obstacles += _locked_conflicts(index, constraints)
    obstacles += _locked_org_caps(index, constraints, locked_rows)
    union = np.unique(np.concatenate(eligible)) if eligible else np.empty(0, np.int64)
    if not obstacles and len(union) < n:
        obstacles.append(
            Obstacle(
                "distinct_people",
                "roles",
                Said(
                    ObstacleCode.DISTINCT_PEOPLE,
                    f"The roles need {n} different people but only {len(union)} actors qualify "
                    "for any role.",
                    needed=n,
                    qualify=len(union),
                ),
            )
        )
    obstacles += _sector_obstacles(index, roles, constraints, blocked, union, locked_rows, n)
    obstacles += _region_obstacles(index, roles, constraints, blocked, union, eligible)
    obstacles += _budget_obstacles(index, roles, constraints, eligible)
    return obstacles


def _role_shortages(
    index: CandidateIndex,
    roles: Sequence[RoleSpec],
    funnels: Sequence[tuple[IntArray, list[FunnelStep]]],
    blocked: BoolArray,
) -> list[Obstacle]:
    """A role with fewer eligible actors than seats, told as its funnel of filters."""
    obstacles: list[Obstacle] = []
    for r, role in enumerate(roles):
        rows, steps = funnels[r]
        if len(rows) < role.seats:
            obstacles.append(
                Obstacle(
                    "role",
                    f"roles[{r}]",
                    _funnel_message(role, steps),
                    closest_for_role(index, role, blocked),
                )
            )
    return obstacles


def _lock_obstacles(
    index: CandidateIndex,
    roles: Sequence[RoleSpec],
    constraints: Constraints,
    eligible: Sequence[IntArray],
    blocked: BoolArray,
) -> tuple[list[int], list[Obstacle]]:
    """The locked actors' rows (by actor id), and the locks that cannot hold: an actor
    excluded or competing, one who does not qualify for the role (or any role) it is locked
    into, more actors locked into a role than it has seats."""
    obstacles: list[Obstacle] = []
    role_pos = {role.key: r for r, role in enumerate(roles)}
    locks_per_role = np.zeros(len(roles), dtype=np.int64)
    locked_rows: list[int] = []
    for actor, key in sorted(constraints.locked_in.items(), key=lambda kv: kv[0]):
        row = index.row_of[int(actor)]
        locked_rows.append(row)
        name = index.candidates[row].name or f"#{actor}"
        field = f"constraints.locked_in.{actor}"
        if blocked[row]:
            obstacles.append(
                Obstacle(
                    "locked_in",
                    field,
                    Said(
                        ObstacleCode.LOCKED_BLOCKED,
                        f"{name} is locked in but excluded or affiliated with a competing bidder.",
                        name=name,
                    ),
                )
            )
            continue
        allowed = [role_pos[key]] if key is not None else list(range(len(roles)))
        ok = [r for r in allowed if np.isin(row, eligible[r])]
        if not ok:
            target = roles[allowed[0]]
            gaps = describe_gaps(index, row, target) if key is not None else ()
            where = f"role '{target.label}'" if key is not None else "any role"
            obstacles.append(
                Obstacle(
                    "locked_in",
                    field,
                    Said(
                        ObstacleCode.LOCKED_UNQUALIFIED,
                        f"{name} is locked in but does not qualify for {where}"
                        + (f": {'; '.join(gaps)}." if gaps else "."),
                        name=name,
                        role=target.label if key is not None else None,
                    ),
                    (ClosestActor(int(actor), index.candidates[row].name, key, gaps),),
                )
            )
        elif key is not None:
            locks_per_role[role_pos[key]] += 1
    for r, role in enumerate(roles):
        if locks_per_role[r] > role.seats:
            obstacles.append(
                Obstacle(
                    "locked_in",
                    "constraints.locked_in",
                    Said(
                        ObstacleCode.LOCKED_ROLE_FULL,
                        f"{locks_per_role[r]} actors are locked into role '{role.label}', "
                        f"which has {role.seats} seat(s).",
                        locked=int(locks_per_role[r]),
                        role=role.label,
                        seats=role.seats,
                    ),
                )
            )
    return locked_rows, obstacles


def _locked_conflicts(index: CandidateIndex, constraints: Constraints) -> list[Obstacle]:
    """Two locked actors declared in conflict."""
    locked_ids = set(constraints.locked_in)
    return [
        Obstacle(
            "conflicts",
            "constraints.conflicts",
            Said(
                ObstacleCode.LOCKED_CONFLICT,
                f"Locked-in actors {_names(index, [index.row_of[a], index.row_of[b]])} "
                "are declared in conflict and cannot sit together.",
                names=_name_list(index, [index.row_of[a], index.row_of[b]]),
            ),
        )
        for a, b in constraints.conflicts
        if a != b and a in locked_ids and b in locked_ids  # a pair (a, a) binds nobody
    ]


def _locked_org_caps(
    index: CandidateIndex, constraints: Constraints, locked_rows: Sequence[int]
) -> list[Obstacle]:
    """More locked actors from one organisation than the cap allows."""
    if constraints.max_per_org is None or not locked_rows:
        return []
    orgs = np.concatenate([index.organisations_of(r) for r in locked_rows])
    values, counts = np.unique(orgs, return_counts=True)
    return [
        Obstacle(
            "max_per_org",
            "constraints.max_per_org",
            Said(
                ObstacleCode.LOCKED_ORG_CAP,
                f"{count} locked-in actors belong to organisation {org}, above the "
                f"cap of {constraints.max_per_org}.",
                count=count,
                organisation=org,
                cap=constraints.max_per_org,
            ),
        )
        for org, count in zip(values.tolist(), counts.tolist(), strict=True)
        if count > constraints.max_per_org
    ]


def _sector_obstacles(
    index: CandidateIndex,
    roles: Sequence[RoleSpec],
    constraints: Constraints,
    blocked: BoolArray,
    union: IntArray,
    locked_rows: Sequence[int],
    n: int,
) -> list[Obstacle]:
    """Sector minimums that add up to more than the seats, that the eligible actors cannot
    reach, or sector maxima the locked actors already exceed."""
    obstacles: list[Obstacle] = []
    mins = {s: mn for s, (mn, _) in constraints.sector_mix.items()}
    if sum(mins.values()) > n:
        obstacles.append(
            Obstacle(
                "sector_mix",
                "constraints.sector_mix",
                Said(
                    ObstacleCode.SECTOR_MINIMUMS,
                    f"The sector minimums add up to {sum(mins.values())} members but the team "
                    f"has {n} seats.",
                    total=sum(mins.values()),
                    seats=n,
                ),
            )
        )
    for sector, (smin, smax) in sorted(constraints.sector_mix.items()):
        code = index.sectors.index(sector) if sector in index.sectors else -2
        have = int(np.sum(index.sector_code[union] == code))
        if have < smin:
            obstacles.append(
                Obstacle(
                    "sector_mix",
                    f"constraints.sector_mix.{sector}",
                    Said(
                        ObstacleCode.SECTOR_SHORT,
                        f"At least {smin} member(s) from {sector} are required but only {have} "
                        "eligible actor(s) are in that sector.",
                        minimum=smin,
                        sector=sector,
                        have=have,
                    ),
                    _closest_in_group(index, roles, blocked, index.sector_code == code),
                )
            )
        if smax is not None and locked_rows:
            locked_here = sum(1 for r in locked_rows if index.sector_code[r] == code)
            if locked_here > smax:
                obstacles.append(
                    Obstacle(
                        "sector_mix",
                        f"constraints.sector_mix.{sector}",
                        Said(
                            ObstacleCode.LOCKED_SECTOR_MAX,
                            f"{locked_here} locked-in actors are from {sector}, above its "
                            f"maximum of {smax}.",
                            locked=locked_here,
                            sector=sector,
                            maximum=smax,
                        ),
                    )
                )
    return obstacles


def _region_obstacles(
    index: CandidateIndex,
    roles: Sequence[RoleSpec],
    constraints: Constraints,
    blocked: BoolArray,
    union: IntArray,
    eligible: Sequence[IntArray],
) -> list[Obstacle]:
    """A region the team must cover that nobody eligible works in; a role asked to cover
    more regions than it has seats, or a region none of its eligible actors works in."""
    obstacles: list[Obstacle] = []
    for region in sorted(constraints.tz_coverage):
        code = REGIONS.index(region)
        if not np.any(index.region_code[union] == code):
            obstacles.append(
                Obstacle(
                    "tz_coverage",
                    f"constraints.tz_coverage.{region}",
                    Said(
                        ObstacleCode.REGION_UNCOVERED,
                        f"Nobody eligible for any role works {region.upper()} hours.",
                        region=region,
                    ),
                    _closest_in_group(index, roles, blocked, index.region_code == code),
                )
            )
    for r, role in enumerate(roles):
        if len(role.tz_regions) > role.seats:
            obstacles.append(
                Obstacle(
                    "role_tz",
                    f"roles[{r}].tz_regions",
                    Said(
                        ObstacleCode.ROLE_REGIONS,
                        f"Role '{role.label}' must cover {len(role.tz_regions)} regions with "
                        f"{role.seats} seat(s).",
                        role=role.label,
                        regions=len(role.tz_regions),
                        seats=role.seats,
                    ),
                )
            )
        for region in sorted(role.tz_regions):
            code = REGIONS.index(region)
            if not np.any(index.region_code[eligible[r]] == code):
                obstacles.append(
                    Obstacle(
                        "role_tz",
                        f"roles[{r}].tz_regions.{region}",
                        Said(
                            ObstacleCode.ROLE_REGION_UNCOVERED,
                            f"Nobody eligible for role '{role.label}' works {region.upper()} "
                            "hours.",
                            role=role.label,
                            region=region,
                        ),
                        closest_for_role(index, role, blocked | (index.region_code != code)),
                    )
                )
    return obstacles


def _budget_obstacles(
    index: CandidateIndex,
    roles: Sequence[RoleSpec],
    constraints: Constraints,
    eligible: Sequence[IntArray],
) -> list[Obstacle]:
    """The cheapest possible team (each role's cheapest eligible actors) above the budget."""
    if constraints.budget is None:
        return []
    cheapest = 0.0
    for r, role in enumerate(roles):
        costs = np.sort(
            seat_cost(index.day_rate[eligible[r]], role.hours_per_week, constraints.weeks)
        )
        cheapest += float(costs[: role.seats].sum())
    if cheapest > constraints.budget + 1e-9:
        return [
            Obstacle(
                "budget",
                "constraints.budget",
                Said(
                    ObstacleCode.BUDGET,
                    f"The cheapest possible team costs {_money(cheapest)} over "
                    f"{constraints.weeks:g} weeks, above the budget of "
                    f"{_money(constraints.budget)}.",
                    cost=cheapest,
                    weeks=float(constraints.weeks),
                    budget=float(constraints.budget),
                ),
            )
        ]
    return []


def _closest_in_group(
    index: CandidateIndex,
    roles: Sequence[RoleSpec],
    blocked: BoolArray,
    in_group: BoolArray,
    limit: int = 5,
) -> tuple[ClosestActor, ...]:
    """Actors of a group (a sector, a region) closest to qualifying for some role."""
    found: list[tuple[int, int, ClosestActor]] = []
    for role in roles:
        for c in closest_for_role(index, role, blocked | ~in_group, limit):
            found.append((len(c.gaps), c.actor_id, c))
    found.sort(key=lambda t: (t[0], t[1]))
    seen: set[int] = set()
    out: list[ClosestActor] = []
    for _, actor, c in found:
        if actor not in seen:
            seen.add(actor)
            out.append(c)
        if len(out) == limit:
            break
    return tuple(out)


def describe_relaxed_team(
    index: CandidateIndex,
    model: TeamModel,
    team: IntArray,
    kind: str,
    constraints: Constraints,
) -> tuple[Said | None, tuple[ClosestActor, ...]]:
    """How the best team without constraint family ``kind`` breaks it, and its members."""
    members = model.a_actor[team]
    rows = model.pool_rows[members]
    closest = tuple(
        ClosestActor(
            actor_id=int(index.actor_ids[r]),
            name=index.candidates[r].name,
            role_key=model.roles[int(model.a_role[a])].key,
            gaps=(),
        )
        for r, a in zip(rows.tolist(), team.tolist(), strict=True)
    )
    return _relaxed_detail(index, model, team, kind, constraints), closest


def _relaxed_detail(
    index: CandidateIndex, model: TeamModel, team: IntArray, kind: str, constraints: Constraints
) -> Said | None:
    """What the closest team without family ``kind`` says about it (None: nothing to add)."""
    rows = model.pool_rows[model.a_actor[team]].tolist()
    if kind == "budget" and constraints.budget is not None:
        cost = float(model.cost[team].sum())
        text = (
            f"the closest team costs {_money(cost)} against a "
            f"budget of {_money(constraints.budget)}"
        )
        return Said(DetailCode.BUDGET, text, cost=cost, budget=float(constraints.budget))
    if kind == "sector_mix":
        counts: dict[str, int] = {}
        for r in rows:
            s = index.candidates[r].sector or ""
            counts[s] = counts.get(s, 0) + 1
        ordered = sorted(counts.items())
        text = "the closest team has " + _join([f"{c} from {s or 'unknown'}" for s, c in ordered])
        return Said(DetailCode.SECTORS, text, counts=[[s or None, c] for s, c in ordered])
    if kind in ("tz_coverage", "role_tz"):
        covered = sorted({index.candidates[r].tz_region or "" for r in rows})
        text = "the closest team covers " + _join([(c or "unknown").upper() for c in covered])
        return Said(DetailCode.REGIONS, text, regions=[c or None for c in covered])
    if kind == "max_per_org":
        text = "the closest team has too many members from one organisation"
        return Said(DetailCode.ORG_CAP, text)
    if kind == "conflicts":
        text = "the closest team seats a declared conflicting pair together"
        return Said(DetailCode.CONFLICT, text)
    if kind == "locked_in":
        missing = [a for a in constraints.locked_in if a not in set(index.actor_ids[rows])]
        names = [index.candidates[index.row_of[a]].name or f"#{a}" for a in missing]
        text = "the closest team leaves out locked-in " + _join(names)
        return Said(DetailCode.LOCKED_OUT, text, names=names)
    return None


def family_field(kind: str) -> str:
    """The problem field a constraint family lives in."""
    return {
        "budget": "constraints.budget",
        "sector_mix": "constraints.sector_mix",
        "max_per_org": "constraints.max_per_org",
        "tz_coverage": "constraints.tz_coverage",
        "role_tz": "roles",
        "conflicts": "constraints.conflicts",
        "locked_in": "constraints.locked_in",
    }.get(kind, "constraints")


FAMILY_WORDS: Mapping[str, str] = {
    "budget": "the budget",
    "sector_mix": "the sector mix",
    "max_per_org": "the cap on members per organisation",
    "tz_coverage": "time-zone coverage",
    "role_tz": "the roles' time-zone coverage",
    "conflicts": "the declared conflicts of interest",
    "locked_in": "the locked-in actors",
}
