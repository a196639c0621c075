"""Independent oracles for the formation tests: constraint checks, scores, brute force.

Written from the documented semantics (problem.py, model.py docstrings), not from the
engine's code paths: eligibility by looking at every candidate, distances with NetworkX,
every team enumerated.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence

import networkx as nx
import numpy as np
from hypothesis import strategies as st

from coalition.engines.formation import (
    Candidate,
    CandidateIndex,
    Constraints,
    FormationProblem,
    Proposal,
    RoleSpec,
    TieGraph,
    Weights,
)
from coalition.engines.formation.model import FIT_AT_MINIMUM

REGIONS = ("americas", "emea", "apac")


def candidates_of(problem: FormationProblem) -> list[Candidate]:
    c = problem.candidates
    return list(c.candidates) if isinstance(c, CandidateIndex) else list(c)


def blocked(problem: FormationProblem, cand: Candidate) -> bool:
    cons = problem.constraints
    return (
        cand.actor_id in cons.excluded
        or cand.actor_id in cons.competing_orgs
        or any(o in cons.competing_orgs for o in cand.organisations)
    )


def qualifies(problem: FormationProblem, cand: Candidate, role: RoleSpec) -> bool:
    spoken = {lang.lower() for lang in cand.languages}
    return (
        all(cand.capabilities.get(t, 0) >= lv for t, lv in role.requirements.items())
        and cand.capacity_left_hours >= role.hours_per_week - 1e-9
        and all(lang.lower() in spoken for lang in role.languages)
        and not blocked(problem, cand)
    )


def seat_cost(cand: Candidate, role: RoleSpec, weeks: float) -> float:
    return 0.0 if cand.day_rate is None else cand.day_rate / 8 * role.hours_per_week * weeks


def violations(problem: FormationProblem, team: Sequence[tuple[int, str]]) -> list[str]:
    """Every hard constraint the team (pairs of actor id, role key) breaks."""
    by_id = {c.actor_id: c for c in candidates_of(problem)}
    roles = {r.key: r for r in problem.roles}
    cons = problem.constraints
    out: list[str] = []
    ids = [a for a, _ in team]
    if len(set(ids)) != len(ids):
        out.append("an actor holds two seats")
    for role in problem.roles:
        count = sum(1 for _, k in team if k == role.key)
        if count != role.seats:
            out.append(f"role {role.key} has {count} seats filled, needs {role.seats}")
    for a, k in team:
        if not qualifies(problem, by_id[a], roles[k]):
            out.append(f"{a} does not qualify for {k}")
    if cons.budget is not None:
        total = sum(seat_cost(by_id[a], roles[k], cons.weeks) for a, k in team)
        if total > cons.budget * (1 + 1e-9) + 1e-9:
            out.append(f"cost {total} above budget {cons.budget}")
    for sector, (smin, smax) in cons.sector_mix.items():
        n = sum(1 for a in ids if by_id[a].sector == sector)
        if n < smin or (smax is not None and n > smax):
            out.append(f"sector {sector}: {n} not in [{smin}, {smax}]")
    if cons.max_per_org is not None:
        counts: dict[int, int] = {}
        for a in ids:
            for o in set(by_id[a].organisations):
                counts[o] = counts.get(o, 0) + 1
        for o, n in counts.items():
            if n > cons.max_per_org:
                out.append(f"organisation {o} has {n} members")
    for region in cons.tz_coverage:
        if not any(by_id[a].tz_region == region for a in ids):
            out.append(f"nobody in {region}")
    for role in problem.roles:
        for region in role.tz_regions:
            if not any(by_id[a].tz_region == region for a, k in team if k == role.key):
                out.append(f"role {role.key} has nobody in {region}")
    for a, b in cons.conflicts:
        if a != b and a in ids and b in ids:
            out.append(f"conflict {a}-{b} sits together")
    for a, k in cons.locked_in.items():
        if a not in ids:
            out.append(f"locked {a} missing")
        elif k is not None and (a, k) not in team:
            out.append(f"locked {a} not in role {k}")
    return out


def proposal_team(p: Proposal) -> list[tuple[int, str]]:
    return [(m.actor_id, m.role_key) for m in p.members]


def all_teams(problem: FormationProblem) -> Iterator[list[tuple[int, str]]]:
    """Every assignment of distinct qualifying actors to all seats (roles in order)."""
    cands = candidates_of(problem)
    per_role = [
        [c.actor_id for c in cands if qualifies(problem, c, role)] for role in problem.roles
    ]

    def rec(r: int, used: frozenset[int]) -> Iterator[list[tuple[int, str]]]:
        if r == len(problem.roles):
            yield []
            return
        role = problem.roles[r]
        free = [a for a in per_role[r] if a not in used]
        for combo in itertools.combinations(free, role.seats):
            for rest in rec(r + 1, used | set(combo)):
                yield [(a, role.key) for a in combo] + rest

    yield from rec(0, frozenset())


def hop_closeness(
    ties: object, ids: Sequence[int], edges: Sequence[tuple[int, int]] = ()
) -> dict[tuple[int, int], float]:
    """Closeness 1, 1/2, 1/4 by hop distance (NetworkX BFS over ``edges``), or the mapping."""
    out: dict[tuple[int, int], float] = {}
    if isinstance(ties, TieGraph):
        g = nx.Graph()
        g.add_edges_from((a, b) for a, b in edges if a != b)
        for a in ids:
            dist = nx.single_source_shortest_path_length(g, a, cutoff=3) if a in g else {}
            for b in ids:
                if a != b:
                    out[(a, b)] = {1: 1.0, 2: 0.5, 3: 0.25}.get(dist.get(b, 99), 0.0)
    elif isinstance(ties, dict):
        for a in ids:
            for b in ids:
                if a != b:
                    out[(a, b)] = float(ties.get((a, b), ties.get((b, a), 0.0)))
    return out


def reference_scores(
    problem: FormationProblem,
    team: Sequence[tuple[int, str]],
    index: CandidateIndex,
    edges: Sequence[tuple[int, int]] = (),
) -> dict[str, float]:
    """The objective scores of a team, from their definitions (Weights docstring)."""
    cands = candidates_of(problem)
    by_id = {c.actor_id: c for c in cands}
    roles = {r.key: r for r in problem.roles}
    cons = problem.constraints
    n = len(team)
    ids = [a for a, _ in team]
    fit = []
    for a, k in team:
        req = roles[k].requirements
        # Fit saturates at the required level: meeting it earns FIT_AT_MINIMUM, each level
        # above a share of the rest (the Weights docstring).
        parts = [
            1.0
            if need == 5
            else FIT_AT_MINIMUM
            + (1 - FIT_AT_MINIMUM) * (by_id[a].capabilities[t] - need) / (5 - need)
            for t, need in req.items()
        ]
        fit.append(float(np.mean(parts)) if parts else 0.0)
    query = index.query_vector(" . ".join([problem.purpose_text, *problem.purpose_tags]))
    rows = np.array([index.row_of[a] for a in ids], dtype=np.int64)
    sims = index.purpose_similarity(rows, query)
    fair = [fair_score(problem, by_id[a], roles[k]) for a, k in team]
    clos = hop_closeness(problem.ties, ids, edges)
    trust = (
        sum(clos[(a, b)] for a, b in itertools.combinations(ids, 2)) / (n * (n - 1) / 2)
        if n > 1
        else 0.0
    )
    tied = direct_ties(problem.ties, ids, edges, clos)
    cross = [
        a != b
        and by_id[a].sector is not None
        and by_id[b].sector is not None
        and by_id[a].sector != by_id[b].sector
        and (a, b) not in tied
        for a, b in itertools.combinations(ids, 2)
    ]
    bridging = sum(cross) / (n * (n - 1) / 2) if n > 1 else 0.0
    eligible = {c.actor_id for c in cands for role in problem.roles if qualifies(problem, c, role)}
    if cons.budget is not None and cons.budget > 0:
        ref = cons.budget
    else:
        ref = 0.0
        for role in problem.roles:
            costs = [seat_cost(c, role, cons.weeks) for c in cands if qualifies(problem, c, role)]
            ref += role.seats * max(costs, default=0.0)
    total_cost = sum(seat_cost(by_id[a], roles[k], cons.weeks) for a, k in team)
    cost = 1.0 - total_cost / ref if ref > 0 else 1.0
    s_den = len({by_id[a].sector for a in eligible if by_id[a].sector is not None})
    g_den = len({by_id[a].tz_region for a in eligible if by_id[a].tz_region is not None})
    sectors = len({by_id[a].sector for a in ids if by_id[a].sector is not None})
    regions = len({by_id[a].tz_region for a in ids if by_id[a].tz_region is not None})
    keys = len({by_id[a].organisations[0] if by_id[a].organisations else ("self", a) for a in ids})
    diversity = (
        (sectors / min(n, s_den) if s_den else 0.0)
        + (regions / min(n, g_den) if g_den else 0.0)
        + keys / n
    ) / 3
    return {
        "fit": float(np.mean(fit)),
        "purpose": float(np.mean(sims)),
        "trust": trust,
        "diversity": diversity,
        "fairness": float(np.mean(fair)),
        "cost": cost,
        "bridging": bridging,
    }


def exposure_of(cand: Candidate) -> float:
    return float(cand.recent_engagements if cand.exposure is None else cand.exposure)


def fair_score(problem: FormationProblem, cand: Candidate, role: RoleSpec) -> float:
    """The documented fair-spread score: exp(-exposure / (mean over the role's eligible + 1/4)),
    a newcomer lifted a quarter of the way to 1, fading to nothing after 3 engagements."""
    eligible = [exposure_of(c) for c in candidates_of(problem) if qualifies(problem, c, role)]
    mean = sum(eligible) / len(eligible) if eligible else 0.0
    base = math.exp(-exposure_of(cand) / (mean + 0.25))
    boost = 0.25 * max(0.0, 1 - cand.recent_engagements / 3) if cand.is_newcomer else 0.0
    return base + (1 - base) * boost


def direct_ties(
    ties: object,
    ids: Sequence[int],
    edges: Sequence[tuple[int, int]],
    clos: dict[tuple[int, int], float],
) -> set[tuple[int, int]]:
    """Pairs (both orders) with a direct tie: an edge of ``edges``, or closeness 1."""
    if isinstance(ties, TieGraph):
        pairs = {(a, b) for a, b in edges} | {(b, a) for a, b in edges}
        return {(a, b) for a, b in pairs if a in ids and b in ids}
    return {pair for pair, value in clos.items() if value >= 1.0 - 1e-9}


def weighted(problem: FormationProblem, scores: dict[str, float]) -> float:
    w = problem.weights.as_dict()
    return sum(w[k] * scores[k] for k in w) / problem.weights.total()


def brute_force_best(
    problem: FormationProblem,
    index: CandidateIndex,
    edges: Sequence[tuple[int, int]] = (),
) -> tuple[float, list[tuple[int, str]] | None]:
    best, best_team = -math.inf, None
    for team in all_teams(problem):
        if violations(problem, team):
            continue
        value = weighted(problem, reference_scores(problem, team, index, edges))
        if value > best:
            best, best_team = value, team
    return best, best_team


TERMS = ("Facilitation", "Learning design", "Data analysis")
SECTORS = ("business", "civil_society", "government")
PHRASES = ("youth employment", "digital skills", "climate adaptation", "housing")


@st.composite
def tiny_problems(
    draw: st.DrawFn, max_candidates: int = 10, max_seats: int = 4
) -> tuple[FormationProblem, list[tuple[int, int]]]:
    """Small random problems (every kind of constraint, sometimes) and their tie edges."""
    n = draw(st.integers(5, max_candidates))
    cands = []
    for i in range(n):
        caps = draw(
            st.dictionaries(st.sampled_from(TERMS), st.integers(2, 5), min_size=2, max_size=3)
        )
        cands.append(
            Candidate(
                actor_id=100 + i,
                name=f"P{i}",
                capabilities=caps,
                capacity_left_hours=float(draw(st.sampled_from([12, 16, 8, 0]))),
                sector=draw(st.sampled_from([*SECTORS, None])),
                tz_region=draw(st.sampled_from(["emea", "americas", "apac", None])),
                languages=frozenset(draw(st.sampled_from([("en", "fr"), ("en",), ("fr",), ()]))),
                day_rate=draw(st.sampled_from([400.0, None, 800.0])),
                purpose_text=" and ".join(draw(st.lists(st.sampled_from(PHRASES), max_size=2))),
                organisations=tuple(draw(st.lists(st.integers(1, 3), max_size=2, unique=True))),
                recent_engagements=draw(st.integers(0, 3)),
                is_newcomer=draw(st.booleans()),
            )
        )
    n_roles = draw(st.integers(1, 3))
    roles = []
    seats_left = max_seats
    for r in range(n_roles):
        if seats_left <= 0:
            break
        seats = draw(st.integers(1, min(2, seats_left)))
        seats_left -= seats
        roles.append(
            RoleSpec(
                key=f"r{r}",
                title=f"Role {r}",
                requirements=draw(
                    st.dictionaries(
                        st.sampled_from(TERMS),
                        st.integers(1, 3),
                        min_size=0,
                        max_size=draw(st.sampled_from([1, 1, 2])),
                    )
                ),
                seats=seats,
                hours_per_week=float(draw(st.sampled_from([4, 2, 8]))),
                languages=frozenset(draw(st.sampled_from([(), (), (), ("fr",)]))),
                tz_regions=frozenset(draw(st.sampled_from([(), (), (), (), (), ("emea",)]))),
            )
        )
    ids = [c.actor_id for c in cands]
    excluded = draw(st.sets(st.sampled_from(ids), max_size=1))
    locked: dict[int, str | None] = {}
    if draw(st.sampled_from([False, False, True])):
        who = draw(st.sampled_from(ids))
        if who not in excluded:
            locked[who] = draw(st.sampled_from([None, *[r.key for r in roles]]))
    mix: dict[str, tuple[int, int | None]] = {}
    if draw(st.booleans()):
        lo = draw(st.integers(0, 1))
        hi = draw(st.sampled_from([None, 1, 2]))
        if hi is None or hi >= lo:
            mix[draw(st.sampled_from(SECTORS))] = (lo, hi)
    cons = Constraints(
        budget=draw(st.sampled_from([None, 20000.0, 5000.0, None, 0.0])),
        weeks=float(draw(st.integers(1, 4))),
        sector_mix=mix,
        max_per_org=draw(st.sampled_from([None, 1, 2])),
        tz_coverage=frozenset(draw(st.sampled_from([(), (), ("emea",), ("americas",)]))),
        conflicts=tuple(
            draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=3))
        ),
        competing_orgs=frozenset(draw(st.sampled_from([(), (), (3,)]))),
        locked_in=locked,
        excluded=frozenset(excluded),
    )
    edges = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=3 * n))
    weight_values = st.sampled_from([0.0, 0.5, 1.0, 2.0])
    w = {k: draw(weight_values) for k in ("fit", "purpose", "trust", "diversity", "fairness")}
    w["cost"] = draw(st.sampled_from([0.5, 1.0]))
    ties = TieGraph(
        [a for a, _ in edges], [b for _, b in edges], [2018 + i % 5 for i in range(len(edges))]
    )
    problem = FormationProblem(
        roles=roles,
        candidates=cands,
        constraints=cons,
        weights=Weights(**w),
        purpose_text="Youth employment through digital skills",
        ties=ties,
        seed=draw(st.integers(0, 5)),
        k_alternatives=draw(st.integers(0, 2)),
        vocabulary=frozenset(TERMS),
    )
    return problem, edges
