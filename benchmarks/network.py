"""Benchmark of the network engine (interdependence map) against NetworkX.

Run from the repository root::

    .venv/bin/python benchmarks/network.py           # full: 200,000 actors, 1,000,000 ties
    .venv/bin/python benchmarks/network.py --quick   # small and fast

Three parts, on synthetic networks (communities with sector homophily, heavy-tailed
activity, dated typed weighted ties, isolates and newcomers; see :func:`synthetic`):

1. **Scale** — the full :func:`coalition.engines.network.analyze` on the large network,
   against the floor of 20 s on this machine (2 cores). Wall-clock and CPU seconds are both
   shown: the machine is shared, and CPU time is what the run itself cost.
2. **Ratio to NetworkX** — sizes double until NetworkX's equivalent analysis no longer
   finishes within 2 minutes; on the largest that does, each measure is timed in both
   (exact betweenness and closeness on both sides) and the ratio NetworkX ÷ ours reported.
   Where NetworkX has no such function the baseline is named (Louvain for Leiden, a plain
   loop over NetworkX neighbours for Gould–Fernandez brokerage).
3. **Sampling error** — on a network small enough for exact betweenness, the sampled
   estimate (the same number of sources as at scale) against the exact values.

Ends with one JSON line of the figures.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from coalition.engines.network import (  # noqa: E402
    Actors,
    Ties,
    analyze,
    attribute_assortativity,
    brokerage_roles,
    build_graph,
    components,
    constraint_and_effective_size,
    cross_sector,
    degrees,
    leiden,
    mixing_matrix,
    pagerank,
    path_centrality,
    sector_bridges,
    triangles,
)

SECTORS = np.array(
    [
        "business",
        "government",
        "civil_society",
        "education",
        "health",
        "funder",
        "community",
        "independent",
    ]
)
TYPES = np.array(["collaborated", "funded", "referred", "shared_knowledge", "partnered"])
FLOOR_S = 20.0
NX_LIMIT_S = 120.0


def synthetic(n: int, m: int, seed: int = 0) -> tuple[Actors, Ties]:
    """A network like a large community of practice.

    ``n/100`` communities, each with a dominant sector (70% of members); activity follows a
    Pareto(2.5) law and 3% of actors have none (isolates); 70% of ties stay inside a
    community, the rest connect anyone, both ends drawn in proportion to activity. Ties
    have a type, a strength 1 + Poisson(1), a start in 2018–2025 and, for 60%, an end.
    """
    rng = np.random.default_rng(seed)
    n_comm = max(1, n // 100)
    comm = rng.integers(0, n_comm, n)
    lead = rng.integers(0, len(SECTORS), n_comm)
    sector = np.where(rng.random(n) < 0.7, lead[comm], rng.integers(0, len(SECTORS), n))
    fit = rng.pareto(2.5, n) + 1.0
    fit[rng.random(n) < 0.03] = 0.0
    order = np.argsort(comm, kind="stable")
    cum = np.cumsum(fit[order])
    cum0 = np.concatenate([[0.0], cum])
    starts = np.concatenate([[0], np.cumsum(np.bincount(comm, minlength=n_comm))])
    mass = cum0[starts[1:]] - cum0[starts[:-1]]
    c = rng.choice(n_comm, size=m, p=mass / mass.sum())

    def draw(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        r = lo + rng.random(len(lo)) * (hi - lo)
        return order[np.minimum(np.searchsorted(cum, r, side="right"), n - 1)]

    lo, hi = cum0[starts[c]], cum0[starts[c + 1]]
    src, dst = draw(lo, hi), draw(lo, hi)
    wide = rng.random(m) >= 0.7
    zero, total = np.zeros(wide.sum()), np.full(wide.sum(), cum[-1])
    src[wide], dst[wide] = draw(zero, total), draw(zero, total)
    day0 = np.datetime64("2018-01-01")
    start = day0 + rng.integers(0, 8 * 365, m).astype("timedelta64[D]")
    end = start + rng.integers(30, 3 * 365, m).astype("timedelta64[D]")
    end[rng.random(m) < 0.4] = np.datetime64("NaT")
    joined = day0 + rng.integers(-365, 8 * 365, n).astype("timedelta64[D]")
    actors = Actors.create(
        [f"actor-{i}" for i in range(n)],
        sector=SECTORS[sector],
        kind=np.where(rng.random(n) < 0.8, "person", "organisation"),
        joined=joined,
    )
    ties = Ties.create(
        src,
        dst,
        type=TYPES[rng.integers(0, len(TYPES), m)],
        weight=1.0 + rng.poisson(1.0, m),
        start=start,
        end=end,
    )
    return actors, ties


def clock(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


# ------------------------------------------------------------------ ours, step by step

STEPS = (
    "build",
    "degree",
    "pagerank",
    "betweenness+closeness",
    "constraint+effective size",
    "brokerage",
    "communities",
    "components",
    "mixing+assortativity",
    "bridges",
)


def our_steps(
    actors: Actors, ties: Ties, exact_limit: int, samples: int
) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    g, *t = clock(lambda: build_graph(actors, ties))
    out["build"] = tuple(t)  # type: ignore[assignment]
    for name, fn in (
        ("degree", lambda: degrees(g)),
        ("pagerank", lambda: pagerank(g)),
        (
            "betweenness+closeness",
            lambda: path_centrality(g, exact_limit=exact_limit, samples=samples),
        ),
        ("constraint+effective size", lambda: constraint_and_effective_size(g, triangles(g))),
        ("brokerage", lambda: brokerage_roles(g)),
        ("communities", lambda: leiden(g)),
        ("components", lambda: components(g)),
        (
            "mixing+assortativity",
            lambda: (attribute_assortativity(mixing_matrix(g)), cross_sector(g)),
        ),
        ("bridges", lambda: sector_bridges(g)),
    ):
        _, w, c = clock(fn)
        out[name] = (w, c)
    return out


# ------------------------------------------------------------------ NetworkX, step by step


def _nx_brokerage(G: Any, sector: dict[int, str]) -> dict[int, list[int]]:
    """Gould–Fernandez counts the way one writes them with NetworkX (undirected reading)."""
    out = {}
    for b in G:
        roles = [0, 0, 0, 0, 0]
        nbrs = list(G[b])
        gb = sector[b]
        for a in nbrs:
            for c in nbrs:
                if a == c or G.has_edge(a, c):
                    continue
                ga, gc = sector[a], sector[c]
                if ga == gb == gc:
                    roles[0] += 1
                elif ga != gb == gc:
                    roles[1] += 1
                elif ga == gb != gc:
                    roles[2] += 1
                elif ga == gc != gb:
                    roles[3] += 1
                else:
                    roles[4] += 1
        out[b] = roles
    return out


def nx_steps(n: int, m: int, seed: int, limit: float, queue: Any) -> None:
    """Run in a child process: the NetworkX equivalents, each with (wall, cpu) seconds.

    The process is stopped by the kernel once it has used ``limit`` CPU seconds, so a busy
    shared machine does not make NetworkX look slower than it is.
    """
    import resource

    import networkx as nx

    resource.setrlimit(resource.RLIMIT_CPU, (int(limit), int(limit) + 1))
    actors, ties = synthetic(n, m, seed)
    sector = dict(enumerate(actors.sector.tolist()))
    res: dict[str, tuple[float, float]] = {}

    def build() -> Any:
        G = nx.Graph()
        G.add_nodes_from(range(n))
        for s, d, w in zip(ties.src.tolist(), ties.dst.tolist(), ties.weight.tolist(), strict=True):
            if s == d:
                continue
            if G.has_edge(s, d):
                G[s][d]["weight"] += w
            else:
                G.add_edge(s, d, weight=w)
        nx.set_node_attributes(G, sector, "sector")
        return G

    G, *t = clock(build)
    res["build"] = tuple(t)  # type: ignore[assignment]
    queue.put(("partial", dict(res)))
    for name, fn in (
        ("degree", lambda: (dict(G.degree()), dict(G.degree(weight="weight")))),
        ("pagerank", lambda: nx.pagerank(G, weight="weight")),
        (
            "betweenness+closeness",
            lambda: (nx.betweenness_centrality(G), nx.closeness_centrality(G)),
        ),
        (
            "constraint+effective size",
            lambda: (nx.constraint(G, weight="weight"), nx.effective_size(G, weight="weight")),
        ),
        ("brokerage", lambda: _nx_brokerage(G, sector)),
        ("communities", lambda: nx.community.louvain_communities(G, weight="weight", seed=0)),
        ("components", lambda: list(nx.connected_components(G))),
        (
            "mixing+assortativity",
            lambda: (
                nx.attribute_mixing_matrix(G, "sector"),
                nx.attribute_assortativity_coefficient(G, "sector"),
            ),
        ),
        ("bridges", lambda: [e for e in nx.bridges(G) if sector[e[0]] != sector[e[1]]]),
    ):
        _, w, c = clock(fn)
        res[name] = (w, c)
        queue.put(("partial", dict(res)))
    queue.put(("done", res))


def run_nx(n: int, m: int, seed: int, limit: float) -> tuple[dict[str, tuple[float, float]], bool]:
    """NetworkX steps in a child process stopped after ``limit`` CPU seconds."""
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=nx_steps, args=(n, m, seed, limit, queue))
    proc.start()
    res: dict[str, tuple[float, float]] = {}
    finished = False
    while True:
        try:
            kind, payload = queue.get(timeout=0.5)
        except Exception:
            if not proc.is_alive():
                break
            continue
        res = payload
        if kind == "done":
            finished = True
            break
    proc.join()
    return res, finished


# ------------------------------------------------------------------ report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, short limits")
    parser.add_argument(
        "--samples", type=int, default=None, help="betweenness sources (default: scaled)"
    )
    args = parser.parse_args()
    n_big, m_big = (20_000, 100_000) if args.quick else (200_000, 1_000_000)
    nx_limit = 20.0 if args.quick else NX_LIMIT_S
    sizes = [250, 500, 1000, 2000] if args.quick else [1000, 2000, 4000, 8000, 16000]
    load = os.getloadavg()
    print(
        f"Network engine benchmark — this machine: {os.cpu_count()} cores, "
        f"load average {load[0]:.1f} at start (the machine is shared)\n"
    )

    # 1. scale
    actors, ties = synthetic(n_big, m_big, seed=1)
    g, bw, bc = clock(lambda: build_graph(actors, ties))
    res, aw, ac = clock(lambda: analyze(g, samples=args.samples))
    _, jw, _ = clock(lambda: json.dumps(res.to_dict()))
    total_w, total_c = bw + aw, bc + ac
    print(
        f"1. Full analysis, {n_big:,} actors, {m_big:,} ties "
        f"({g.m:,} distinct pairs, largest component {res.network.largest_component:,})"
    )
    print(f"   {'step':28s} {'wall s':>8s}")
    print(f"   {'build_graph':28s} {bw:8.2f}")
    for k, v in res.timings.items():
        print(f"   {k:28s} {v:8.2f}")
    print(
        f"   {'TOTAL (build + analyze)':28s} {total_w:8.2f}   cpu {total_c:.2f} s   "
        f"floor {FLOOR_S:.0f} s: {'met' if total_c <= FLOOR_S else 'NOT met'} (cpu), "
        f"{'met' if total_w <= FLOOR_S else 'NOT met'} (wall)"
    )
    print(
        f"   betweenness: {res.method.paths}, {res.method.sources} sources, Hoeffding bound "
        f"{res.method.betweenness_error_bound:.3f} (95%, normalised units); "
        f"to_dict+JSON {jw:.2f} s\n"
    )

    # 2. ratio to NetworkX
    print(f"2. Ratio to NetworkX (child process stopped after {nx_limit:.0f} CPU s; m = 5n)")
    chosen, nx_res, tried = None, None, []
    for n in sizes:
        r, ok = run_nx(n, 5 * n, 2, nx_limit)
        total = sum(c for _, c in r.values())
        tried.append({"n": n, "finished": ok, "cpu_s": round(total, 2)})
        print(
            f"   n={n:>6,}: NetworkX {'finished' if ok else 'did NOT finish'} "
            f"({total:.1f} s cpu{'' if ok else ' in the steps it completed'})"
        )
        if not ok:
            break
        chosen, nx_res = n, r
    ratios: dict[str, float] = {}
    overall = float("nan")
    if chosen is not None and nx_res is not None:
        a2, t2 = synthetic(chosen, 5 * chosen, seed=2)
        ours = our_steps(a2, t2, exact_limit=chosen, samples=args.samples)
        print(
            f"\n   largest size NetworkX finishes in {nx_limit:.0f} s: n={chosen:,}, "
            f"m={5 * chosen:,} (exact betweenness and closeness on both sides); CPU seconds"
        )
        print(f"   {'measure':28s} {'NetworkX':>10s} {'ours':>10s} {'ratio':>8s}  baseline")
        names = {
            "communities": "Louvain (NetworkX has no Leiden)",
            "brokerage": "loop over NetworkX neighbours",
            "constraint+effective size": "nx.constraint + nx.effective_size",
        }
        for step in STEPS:
            theirs, mine = nx_res[step][1], ours[step][1]
            ratios[step] = theirs / mine if mine > 0 else float("nan")
            print(
                f"   {step:28s} {theirs:10.4f} {mine:10.4f} {ratios[step]:8.1f}x  "
                f"{names.get(step, 'NetworkX')}"
            )
        t_nx = sum(v[1] for v in nx_res.values())
        t_us = sum(v[1] for v in ours.values())
        overall = t_nx / t_us
        print(f"   {'ALL':28s} {t_nx:10.4f} {t_us:10.4f} {overall:8.1f}x  (floor: 10x)\n")

    # 3. sampling error: the default (scaled) number of sources, and 128 (the count at scale)
    n_s = 2000 if args.quick else 8000
    a3, t3 = synthetic(n_s, 5 * n_s, seed=3)
    g3 = build_graph(a3, t3)
    exact = path_centrality(g3, exact_limit=n_s + 1)
    parts = components(g3)
    big = parts.sizes[parts.membership] > 100  # the component(s) the estimate samples
    from scipy.stats import spearmanr

    sampling = {}
    print(f"3. Sampling error, n={n_s:,}, m={5 * n_s:,}: sampled vs exact (exact limit lowered)")
    for label, k in (("default", args.samples), ("k=128", 128)):
        est = path_centrality(g3, exact_limit=100, samples=k, seed=0)
        err = np.abs(est.betweenness - exact.betweenness)[big]
        ref = exact.betweenness[big]
        top = np.argsort(-ref)[:100]
        fig = {
            "sources": est.n_sources,
            "top100_median_rel_error": round(float(np.median(err[top] / ref[top])), 4),
            "top100_overlap": len(set(np.argsort(-est.betweenness[big])[:100]) & set(top)) / 100,
            "spearman_betweenness": round(float(spearmanr(est.betweenness[big], ref).statistic), 4),
            "spearman_closeness": round(
                float(spearmanr(est.closeness[big], exact.closeness[big]).statistic), 4
            ),
            "within_3se": round(float((err <= 3 * est.betweenness_se[big] + 1e-15).mean()), 3),
            "max_abs_error": float(err.max()),
            "hoeffding_bound": round(est.error_bound, 4),
        }
        sampling[label] = fig
        print(
            f"   {label:8s} {fig['sources']:5d} sources: top-100 median relative error "
            f"{fig['top100_median_rel_error']:.3f}, top-100 overlap {fig['top100_overlap']:.2f}, "
            f"Spearman {fig['spearman_betweenness']:.3f} "
            f"(closeness {fig['spearman_closeness']:.4f}), "
            f"within 3 SE {fig['within_3se']:.2f}, max abs error {fig['max_abs_error']:.1e} "
            f"(Hoeffding bound {fig['hoeffding_bound']:.3f})"
        )
    print()

    figures = {
        "benchmark": "network",
        "machine": f"{os.cpu_count()} cores (shared)",
        "load_avg_start": round(load[0], 2),
        "n_actors": n_big,
        "n_ties": m_big,
        "samples": args.samples,
        "analysis_wall_s": round(total_w, 2),
        "analysis_cpu_s": round(total_c, 2),
        "floor_s": FLOOR_S,
        "floor_met_cpu": total_c <= FLOOR_S,
        "floor_met_wall": total_w <= FLOOR_S,
        "steps_wall_s": {k: round(v, 3) for k, v in res.timings.items()},
        "json_s": round(jw, 2),
        "nx_sizes": tried,
        "ratio_size": chosen,
        "ratios": {k: (round(v, 1) if v == v else None) for k, v in ratios.items()},
        "overall_ratio": round(overall, 1) if overall == overall else None,
        "ratio_floor": 10.0,
        "sampling": {"n": n_s, **sampling},
    }
    print(json.dumps(figures, allow_nan=False))


if __name__ == "__main__":
    main()
