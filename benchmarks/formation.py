"""Formation benchmark: solution quality, the classic expert-team task, and scale.

Three parts, each against a baseline measured in the same run; absolute times are this
machine's (2 cores):

1. **Quality** - random instances small enough to solve exactly (120-200 candidates, 3-6
   roles, every kind of hard constraint): the gap of ``propose`` in its default mode
   (1 s time limit, best team plus 3 alternatives) to the optimum found by the exact mode
   (no pruning, no time limit). Baseline: the heuristic mode alone (no MIP).
2. **Classic task** - ``solve_classic`` on the DBLP expert networks in
   ``../shared/data/teamformation`` (icdt, vldb): 100 random tasks of 4-8 skills, sum of
   pairwise distances, hop and ``1 - cc`` distances; baseline RarestFirst (Lappas et al.
   2009, ``benchmarks/_rarest_first.py``); exact optimum by branch and bound where it
   finishes within its time limit. Falls back to a generated expert graph (with a message)
   when ``../shared`` is absent.
3. **Scale** - a generated 100,000-actor directory (60-term vocabulary plus rare extras,
   3-8 capabilities each, sectors, regions, organisations, ties): initiatives of 8 roles of
   1-4 seats, best team plus 3 alternatives, end-to-end engine time (retrieval from the
   in-memory index included) and peak memory (ru_maxrss). Baseline: retrieving the eligible
   actors by scanning every profile instead of the index.

    .venv/bin/python benchmarks/formation.py [--quick]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import igraph as ig
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _rarest_first import rarest_first, team_cost_igraph  # noqa: E402

from coalition.engines.formation import (  # noqa: E402
    Candidate,
    CandidateIndex,
    Constraints,
    FormationProblem,
    RoleSpec,
    TieGraph,
    propose,
    solve_classic,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "teamformation"

SECTORS = [
    "business",
    "government",
    "civil_society",
    "education",
    "health",
    "funder",
    "community",
    "independent",
]
REGIONS = ["americas", "emea", "apac"]
CAPABILITIES = [
    "Learning design", "Facilitation", "Community organising", "Policy analysis",
    "Grant writing", "Data analysis", "Evaluation", "Project management", "Fundraising",
    "Public speaking", "Research", "Software development", "UX design", "Graphic design",
    "Copywriting", "Translation", "Legal advice", "Accounting", "Procurement",
    "Stakeholder engagement", "Advocacy", "Campaigning", "Coaching", "Mentoring",
    "Curriculum development", "Teaching", "Public health", "Epidemiology", "Social work",
    "Youth work", "Urban planning", "Architecture", "Climate adaptation",
    "Energy efficiency", "Circular economy", "Supply chains", "Agriculture",
    "Food systems", "Water management", "Housing", "Finance", "Impact investing",
    "Partnership brokering", "Negotiation", "Mediation", "Conflict resolution",
    "Journalism", "Video production", "Social media", "Event management",
    "Volunteer management", "Safeguarding", "Data protection", "Cybersecurity",
    "Machine learning", "GIS mapping", "Statistics", "Survey design", "Service design",
    "Systems thinking",
]  # fmt: skip
PURPOSES = [
    "youth employment", "climate adaptation", "digital skills", "affordable housing",
    "public health", "food security", "clean energy", "gender equality", "refugee inclusion",
    "open government", "financial inclusion", "early childhood", "mental health",
    "biodiversity", "circular economy", "rural development", "adult learning",
    "civic participation", "water access", "disability inclusion", "local economy",
    "air quality", "community safety", "elder care", "arts and culture",
    "sustainable transport", "decent work", "ocean health", "open data", "peace building",
]  # fmt: skip
LANGUAGES = ["en", "fr", "es", "de", "pt", "ar", "zh", "sw"]


# --------------------------------------------------------------------------------------------
# Generators
# --------------------------------------------------------------------------------------------
def directory(
    n: int, rng: np.random.Generator, n_core: int = 60, n_extra: int = 240, n_orgs: int = 0
) -> tuple[list[Candidate], TieGraph]:
    """A synthetic directory of ``n`` actors and a tie network among them (numpy only)."""
    terms = CAPABILITIES[:n_core] + [f"Niche skill {i}" for i in range(n_extra)]
    popularity = 1.0 / np.arange(1, n_core + 1) ** 0.6
    popularity /= popularity.sum()
    n_orgs = n_orgs or max(n // 20, 5)
    k_caps = rng.integers(3, 9, size=n)
    level_p = np.array([0.15, 0.25, 0.3, 0.2, 0.1])
    sector = rng.integers(0, len(SECTORS), size=n)
    region = rng.choice(4, size=n, p=[0.3, 0.35, 0.25, 0.1])
    capacity = np.where(rng.random(n) < 0.1, 0.0, rng.integers(2, 41, size=n).astype(float))
    rate = np.round(np.exp(rng.normal(6.2, 0.45, size=n)))
    has_rate = rng.random(n) < 0.9
    recent = rng.poisson(1.5, size=n)
    newcomer = rng.random(n) < 0.05
    org_a = rng.integers(0, n_orgs, size=n)
    org_b = rng.integers(0, n_orgs, size=n)
    n_aff = rng.choice(3, size=n, p=[0.2, 0.7, 0.1])
    candidates = []
    for a in range(n):
        core = rng.choice(n_core, size=int(k_caps[a]), replace=False, p=popularity)
        names = [terms[c] for c in core]
        if rng.random() < 0.15:
            names[-1] = terms[n_core + int(rng.integers(n_extra))]
        levels = rng.choice(5, size=len(names), p=level_p) + 1
        langs = {"en"} if rng.random() < 0.8 else set()
        langs |= {LANGUAGES[int(i)] for i in rng.integers(1, len(LANGUAGES), size=2)[:1]}
        purposes = rng.choice(len(PURPOSES), size=int(rng.integers(1, 4)), replace=False)
        orgs = (int(org_a[a]), int(org_b[a]))[: int(n_aff[a])]
        candidates.append(
            Candidate(
                actor_id=a + 1,
                name=f"Actor {a + 1}",
                capabilities=dict(zip(names, levels.tolist(), strict=True)),
                capacity_left_hours=float(capacity[a]),
                sector=SECTORS[int(sector[a])],
                tz_region=None if region[a] == 3 else REGIONS[int(region[a])],
                languages=frozenset(langs),
                day_rate=float(rate[a]) if has_rate[a] else None,
                purpose_text="Working on " + " and ".join(PURPOSES[p] for p in purposes),
                organisations=tuple(dict.fromkeys(orgs)),
                recent_engagements=int(recent[a]),
                is_newcomer=bool(newcomer[a]),
            )
        )
    # Ties: colleagues in the same organisation, plus random collaboration (3 per actor).
    order = np.argsort(org_a, kind="stable")
    same = org_a[order[1:]] == org_a[order[:-1]]
    src = [order[:-1][same], rng.integers(0, n, size=3 * n)]
    dst = [order[1:][same], (np.arange(3 * n) // 3 + rng.integers(1, 50, size=3 * n)) % n]
    s = np.concatenate(src) + 1
    d = np.concatenate(dst) + 1
    years = rng.integers(2012, 2026, size=len(s))
    return candidates, TieGraph(s, d, years)


def roles_for(
    rng: np.random.Generator,
    n_roles: int,
    terms: list[str],
    seats: tuple[int, int],
    level: tuple[int, int] = (2, 4),
    k_p: tuple[float, float, float] = (0.45, 0.45, 0.1),
) -> list[RoleSpec]:
    """``n_roles`` random roles asking 1-2 (sometimes 3) capabilities among ``terms``."""
    roles = []
    for r in range(n_roles):
        k = int(rng.choice([1, 2, 3], p=list(k_p)))
        req = {
            terms[int(t)]: int(rng.integers(level[0], level[1] + 1))
            for t in rng.choice(len(terms), size=k, replace=False)
        }
        roles.append(
            RoleSpec(
                key=f"role{r}",
                title=f"Role {r}",
                requirements=req,
                seats=int(rng.integers(seats[0], seats[1] + 1)),
                hours_per_week=float(rng.integers(2, 11)),
                languages=frozenset({"fr"}) if rng.random() < 0.08 else frozenset(),
                tz_regions=frozenset({REGIONS[int(rng.integers(3))]})
                if rng.random() < 0.1
                else frozenset(),
            )
        )
    return roles


def quality_instance(seed: int) -> FormationProblem:
    """A small random instance with every kind of hard constraint, some of the time."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(120, 201))
    cands, ties = directory(n, rng, n_core=15, n_extra=5, n_orgs=25)
    roles = roles_for(
        rng, int(rng.integers(3, 7)), CAPABILITIES[:15], (1, 3), (2, 3), (0.6, 0.4, 0.0)
    )
    index = CandidateIndex(cands)
    seats = sum(r.seats for r in roles)
    rates = [c.day_rate for c in cands if c.day_rate]
    weeks = float(rng.integers(4, 13))
    budget = None
    if rng.random() < 0.5:
        budget = float(np.median(rates)) / 8 * 6 * weeks * seats * float(rng.uniform(0.9, 1.4))
    ids = [c.actor_id for c in cands]
    conflicts = tuple((int(a), int(b)) for a, b in rng.choice(ids, size=(10, 2)) if a != b)
    sector_mix: dict[str, tuple[int, int | None]] = {}
    if rng.random() < 0.5:
        sector_mix[SECTORS[int(rng.integers(8))]] = (1, None)
    if rng.random() < 0.3:
        sector_mix[SECTORS[int(rng.integers(8))]] = (0, 2)
    locked: dict[int, str | None] = {}
    if rng.random() < 0.3:
        role = roles[int(rng.integers(len(roles)))]
        fits = index.eligible(role, np.zeros(len(index), dtype=bool))
        if len(fits):
            locked[int(index.actor_ids[int(rng.choice(fits))])] = (
                role.key if rng.random() < 0.5 else None
            )
    cons = Constraints(
        budget=budget,
        weeks=weeks,
        sector_mix=sector_mix,
        max_per_org=2 if rng.random() < 0.5 else None,
        tz_coverage=frozenset(rng.choice(REGIONS, size=int(rng.integers(0, 3)), replace=False)),
        conflicts=conflicts,
        competing_orgs=frozenset({int(rng.integers(25))}) if rng.random() < 0.3 else frozenset(),
        locked_in=locked,
        excluded=frozenset(int(a) for a in rng.choice(ids, size=3) if int(a) not in locked),
    )
    return FormationProblem(
        roles=roles,
        candidates=index,
        constraints=cons,
        purpose_text="Youth employment through digital skills and adult learning",
        ties=ties,
        seed=seed,
    )


def expert_graph(rng: np.random.Generator, n: int = 400) -> tuple[ig.Graph, list[set[int]]]:
    """Fallback expert network: a preferential-attachment graph, skills on a third of nodes."""
    g = ig.Graph.Barabasi(n, 2)
    g.es["cc"] = rng.uniform(0.05, 1.0, size=g.ecount()).tolist()
    skills = [
        set(rng.integers(0, 60, size=int(rng.integers(1, 6))).tolist())
        if rng.random() < 0.35
        else set()
        for _ in range(n)
    ]
    return g, skills


# --------------------------------------------------------------------------------------------
# Parts
# --------------------------------------------------------------------------------------------
def part_quality(n_instances: int) -> dict[str, Any]:
    gaps, base_gaps, times, base_times, exact_times = [], [], [], [], []
    skipped = 0
    seed = 0
    while len(gaps) < n_instances:
        seed += 1
        problem = quality_instance(seed)
        t = time.perf_counter()
        exact = propose(dataclasses.replace(problem, mode="exact", k_alternatives=0))
        exact_t = time.perf_counter() - t
        if exact.best is None:
            skipped += 1
            continue
        opt = exact.best.total_score
        t = time.perf_counter()
        res = propose(problem)
        times.append(time.perf_counter() - t)
        t = time.perf_counter()
        base = propose(dataclasses.replace(problem, mode="heuristic", k_alternatives=0))
        base_times.append(time.perf_counter() - t)
        exact_times.append(exact_t)
        assert res.best is not None and base.best is not None
        gaps.append(max(opt - res.best.total_score, 0.0) / opt)
        base_gaps.append(max(opt - base.best.total_score, 0.0) / opt)
    return {
        "instances": n_instances,
        "infeasible_skipped": skipped,
        "median_gap": statistics.median(gaps),
        "max_gap": max(gaps),
        "mean_gap": statistics.fmean(gaps),
        "share_optimal": sum(g <= 1e-6 for g in gaps) / len(gaps),
        "median_seconds": statistics.median(times),
        "max_seconds": max(times),
        "baseline_heuristic_median_gap": statistics.median(base_gaps),
        "baseline_heuristic_max_gap": max(base_gaps),
        "baseline_heuristic_median_seconds": statistics.median(base_times),
        "exact_median_seconds": statistics.median(exact_times),
        "exact_max_seconds": max(exact_times),
    }


def _load_expert(name: str) -> tuple[ig.Graph, list[set[int]]]:
    with warnings.catch_warnings():  # HTML entities in author names are kept verbatim
        warnings.simplefilter("ignore", RuntimeWarning)
        g = ig.Graph.Read_GML(str(DATA / f"{name}.gml"))
    skills = [
        {int(s) for s in str(raw).split(",") if s.strip()} if raw else set()
        for raw in g.vs["skills"]
    ]
    return g, skills


def part_classic(n_tasks: int, exact_limit: float) -> dict[str, Any]:
    rng = np.random.default_rng(7)
    if DATA.exists():
        datasets = {name: _load_expert(name) for name in ("icdt", "vldb")}
    else:
        print(f"note: {DATA} is absent; using a generated expert graph instead")
        datasets = {"generated": expert_graph(rng)}
    out: dict[str, Any] = {}
    for name, (g, skills) in datasets.items():
        held = sorted({s for sk in skills for s in sk})
        for distance in ("hops", "weight"):
            lengths = None if distance == "hops" else [1.0 - w for w in g.es["cc"]]
            ours, base, opt_ratio, t_ours, t_base = [], [], [], [], []
            proven = 0
            for _ in range(n_tasks):
                k = int(rng.integers(4, 9))
                task = [int(s) for s in rng.choice(held, size=k, replace=False)]
                t = time.perf_counter()
                rf = rarest_first(g, skills, task, lengths)
                assert rf is not None
                rf_cost = team_cost_igraph(g, rf, lengths)
                t_base.append(time.perf_counter() - t)
                t = time.perf_counter()
                team = solve_classic(g, skills, task, weights="cc", distance=distance)
                t_ours.append(time.perf_counter() - t)
                # Re-score our team with the baseline's own distance code.
                cost = team_cost_igraph(g, team.members, lengths)
                ours.append(cost)
                base.append(rf_cost)
                exact = solve_classic(
                    g,
                    skills,
                    task,
                    weights="cc",
                    distance=distance,
                    method="exact",
                    time_limit_s=exact_limit,
                )
                if exact.optimal:
                    proven += 1
                    if exact.cost > 0:
                        opt_ratio.append(cost / exact.cost)
                    else:
                        opt_ratio.append(1.0 if cost == 0 else float("inf"))
            ratios = [
                o / b if b > 0 else (1.0 if o == 0 else float("inf"))
                for o, b in zip(ours, base, strict=True)
            ]
            out[f"{name}/{distance}"] = {
                "tasks": n_tasks,
                "share_le_rarest_first": sum(o <= b + 1e-9 for o, b in zip(ours, base, strict=True))
                / n_tasks,
                "mean_ratio_to_rarest_first": statistics.fmean(ratios),
                "exact_computed": proven,
                "mean_ratio_to_optimum": statistics.fmean(opt_ratio) if opt_ratio else None,
                "median_seconds": statistics.median(t_ours),
                "rarest_first_median_seconds": statistics.median(t_base),
            }
    return out


def _scan_eligible(cands: list[Candidate], role: RoleSpec, blocked: set[int]) -> list[int]:
    """Baseline retrieval: look at every profile."""
    return [
        c.actor_id
        for c in cands
        if all(c.capabilities.get(t, 0) >= lv for t, lv in role.requirements.items())
        and c.capacity_left_hours >= role.hours_per_week
        and role.languages <= c.languages
        and c.actor_id not in blocked
    ]


def part_scale(n: int, n_initiatives: int) -> dict[str, Any]:
    rng = np.random.default_rng(2024)
    t = time.perf_counter()
    cands, ties = directory(n, rng)
    gen_t = time.perf_counter() - t
    t = time.perf_counter()
    index = CandidateIndex(cands)
    index_t = time.perf_counter() - t
    times, scan_times, index_times, statuses, gaps, n_props = [], [], [], [], [], []
    for i in range(n_initiatives):
        r = np.random.default_rng(100 + i)
        roles = roles_for(r, 8, CAPABILITIES[:40], (1, 4), (2, 3), (0.5, 0.4, 0.1))
        n_seats = sum(role.seats for role in roles)
        locked_pool = index.eligible(roles[0], np.zeros(len(index), bool))
        locked = {int(index.actor_ids[locked_pool[0]]): roles[0].key} if len(locked_pool) else {}
        cons = Constraints(
            budget=650 / 8 * 6 * 12 * n_seats * 1.2,
            weeks=12,
            sector_mix={"civil_society": (1, None), "business": (0, 4)},
            max_per_org=2,
            tz_coverage=frozenset(REGIONS),
            conflicts=tuple((int(a), int(b)) for a, b in r.integers(1, n + 1, size=(50, 2))),
            competing_orgs=frozenset({int(r.integers(n // 20))}),
            locked_in=locked,
            excluded=frozenset(int(a) for a in r.integers(1, n + 1, size=20) if a not in locked),
        )
        problem = FormationProblem(
            roles=roles,
            candidates=index,
            constraints=cons,
            purpose_text="Climate adaptation and affordable housing with youth employment",
            ties=ties,
            seed=i,
        )
        t = time.perf_counter()
        res = propose(problem)
        times.append(time.perf_counter() - t)
        statuses.append(res.status)
        n_props.append(len(res.proposals))
        if res.best is not None:
            gaps.append(res.best.gap)
        blocked = index.blocked(cons)
        t = time.perf_counter()
        for role in roles:
            index.eligible(role, blocked)
        index_times.append(time.perf_counter() - t)
        blocked_ids = set(index.actor_ids[blocked].tolist())
        t = time.perf_counter()
        for role in roles:
            _scan_eligible(cands, role, blocked_ids)
        scan_times.append(time.perf_counter() - t)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "actors": n,
        "ties": ties.n_ties,
        "generate_seconds": gen_t,
        "index_build_seconds": index_t,
        "initiatives": n_initiatives,
        "median_seconds": statistics.median(times),
        "median_seconds_with_proposals": statistics.median(
            [t for t, k in zip(times, n_props, strict=True) if k] or [float("nan")]
        ),
        "max_seconds": max(times),
        "statuses": {s: statuses.count(s) for s in sorted(set(statuses))},
        "proposals_median": statistics.median(n_props),
        "median_gap_best": statistics.median(gaps) if gaps else None,
        "retrieval_index_median_seconds": statistics.median(index_times),
        "retrieval_scan_median_seconds": statistics.median(scan_times),
        "peak_rss_mb": peak_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer instances, 20k actors")
    args = parser.parse_args()
    quick = args.quick
    started = time.perf_counter()
    quality = part_quality(10 if quick else 50)
    classic = part_classic(20 if quick else 100, 0.5 if quick else 1.0)
    scale = part_scale(20_000 if quick else 100_000, 3 if quick else 10)

    print("Formation benchmark (times are this machine's: 2 cores)")
    print()
    print("1. Quality: gap to the exact optimum (default mode: 1 s limit, best + 3 alternatives)")
    print(f"{'':34}{'median gap':>12}{'max gap':>10}{'median s':>10}")
    print(
        f"{'propose, default mode':34}{quality['median_gap']:>12.4%}{quality['max_gap']:>10.3%}"
        f"{quality['median_seconds']:>10.3f}"
    )
    print(
        f"{'baseline: heuristic only (no MIP)':34}"
        f"{quality['baseline_heuristic_median_gap']:>12.4%}"
        f"{quality['baseline_heuristic_max_gap']:>10.3%}"
        f"{quality['baseline_heuristic_median_seconds']:>10.3f}"
    )
    print(
        f"{'exact mode (reference)':34}{0:>12.4%}{0:>10.3%}{quality['exact_median_seconds']:>10.3f}"
    )
    print(
        f"  {quality['instances']} instances ({quality['infeasible_skipped']} infeasible ones "
        f"skipped), {quality['share_optimal']:.0%} solved to the optimum"
    )
    print()
    print("2. Classic task: sum of pairwise distances, ratio to RarestFirst (lower is better)")
    print(
        f"{'dataset/distance':18}{'<= RF':>8}{'cost/RF':>9}{'cost/opt':>10}{'opt known':>11}"
        f"{'ours s':>9}{'RF s':>9}"
    )
    for key, row in classic.items():
        opt = row["mean_ratio_to_optimum"]
        print(
            f"{key:18}{row['share_le_rarest_first']:>8.0%}"
            f"{row['mean_ratio_to_rarest_first']:>9.3f}"
            f"{(f'{opt:.3f}' if opt is not None else 'n/a'):>10}"
            f"{row['exact_computed']:>7}/{row['tasks']:<3}"
            f"{row['median_seconds']:>9.4f}{row['rarest_first_median_seconds']:>9.4f}"
        )
    print()
    print(f"3. Scale: {scale['actors']:,} actors, {scale['ties']:,} ties, 8 roles x 1-4 seats")
    print(f"  index build (once per network): {scale['index_build_seconds']:.2f} s")
    print(
        f"  propose, best + 3 alternatives: median {scale['median_seconds']:.3f} s, "
        f"max {scale['max_seconds']:.3f} s over {scale['initiatives']} initiatives "
        f"(statuses {scale['statuses']}); median over those with proposals "
        f"{scale['median_seconds_with_proposals']:.3f} s"
    )
    ratio = scale["retrieval_scan_median_seconds"] / max(
        scale["retrieval_index_median_seconds"], 1e-9
    )
    print(
        f"  retrieval of 8 roles: index {scale['retrieval_index_median_seconds'] * 1000:.1f} ms"
        f" vs baseline scan {scale['retrieval_scan_median_seconds'] * 1000:.1f} ms "
        f"({ratio:.0f}x)"
    )
    print(f"  peak memory (ru_maxrss, whole process): {scale['peak_rss_mb']:.0f} MB")
    print(f"  total benchmark time {time.perf_counter() - started:.0f} s")
    print(
        json.dumps(
            {
                "benchmark": "formation",
                "quick": quick,
                "quality": quality,
                "classic": classic,
                "scale": scale,
            },
            separators=(",", ":"),
        )
    )


if __name__ == "__main__":
    main()
