"""Store benchmark: demo build time and directory search latency on SQLite and PostgreSQL.

The build is what ``coalition demo --actors N`` does, timed in three parts: generating the
bundle, loading it (validation and bulk insert, one transaction) and the areas' demo hooks
(accounts, conversation, invitations, outcomes), then the commit. Searches are timed on the
loaded network. Prints a table (absolute times are this machine's: 2 cores, shared) with each
search's latency as a ratio to the baseline measured in the same run (an unfiltered first page
of the directory), the load average before and after, and ends with one JSON line.

    .venv/bin/python benchmarks/store.py [--quick] [--sizes 300,100000]
        [--databases sqlite,postgresql] [--repeat 50]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from coalition.cli import _after_demo
from coalition.demo import build_demo_bundle
from coalition.io.bundle import import_bundle
from coalition.schemas.directory import ActorSearch
from coalition.services.access import Caller
from coalition.services.directory import search_actors
from coalition.services.networks import get_network
from coalition.store.migrate import upgrade
from coalition.store.session import engine_for, session_factory

PG_ADMIN = os.environ.get(
    "COALITION_BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
OP = Caller.operator()
ANON = Caller.anonymous()
FLOOR_S = 120.0  # the brief's floor for `coalition demo --actors 100000`


def _pg_create(name: str) -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def _pg_drop(url: str) -> None:
    import psycopg

    engine_for(url).dispose()
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def _queries(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    terms = [c["term"] for c in bundle["capabilities"]]
    return {
        "baseline: first page": {},
        "capability >= 3": {"capability": [terms[0]], "min_level": 3},
        "2 capabilities": {"capability": [terms[1], terms[5]]},
        "capability+region+language": {
            "capability": [terms[2]],
            "region": "emea",
            "language": "fr",
        },
        "purpose": {"purpose": "youth employment"},
        "free hours >= 10": {"min_free_hours": 10.0, "sector": "independent"},
        "name text": {"q": "an"},
    }


def _measure(url: str, slug: str, query: dict[str, Any], repeat: int) -> list[float]:
    make = session_factory(url)
    times = []
    with make() as db:
        network = get_network(db, OP, slug)
        q = ActorSearch.model_validate(query)
        search_actors(db, ANON, network, q)  # warm
        for _ in range(repeat):
            started = time.perf_counter()
            search_actors(db, ANON, network, q)
            times.append(time.perf_counter() - started)
    return times


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _build(url: str, bundle: dict[str, Any], slug: str) -> dict[str, float]:
    """Load and enrich as `coalition demo` does; wall seconds of each part."""
    upgrade(url, "heads")
    with session_factory(url)() as db:
        started = time.perf_counter()
        import_bundle(db, bundle)
        loaded = time.perf_counter()
        _after_demo(db, slug)
        db.commit()
        done = time.perf_counter()
    return {"load_s": loaded - started, "hooks_s": done - loaded}


def run(sizes: list[int], databases: list[str], repeat: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    tmp = Path(tempfile.mkdtemp(prefix="coalition-bench-"))
    try:
        for size in sizes:
            started = time.perf_counter()
            bundle = build_demo_bundle(actors=size, seed=7, slug="bench")
            generate_s = time.perf_counter() - started
            for database in databases:
                url = (
                    f"sqlite:///{tmp / f'store-{size}.db'}"
                    if database == "sqlite"
                    else _pg_create(f"coalition_bench_{size}")
                )
                cpu = time.process_time()
                parts = _build(url, bundle, "bench")
                cpu = time.process_time() - cpu
                rows = {}
                for name, query in _queries(bundle).items():
                    t = _measure(url, "bench", query, repeat)
                    rows[name] = {"p50_ms": _pct(t, 50) * 1e3, "p99_ms": _pct(t, 99) * 1e3}
                build_s = generate_s + parts["load_s"] + parts["hooks_s"]
                results[f"{database}/{size}"] = {
                    "generate_s": generate_s,
                    **parts,
                    "build_s": build_s,
                    "build_cpu_s_this_process": cpu,
                    "searches": rows,
                }
                if database == "sqlite":
                    engine_for(url).dispose()
                else:
                    _pg_drop(url)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="300 and 5,000 actors only")
    parser.add_argument("--sizes", default="300,100000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    sizes = [300, 5000] if args.quick else [int(s) for s in args.sizes.split(",")]
    databases = args.databases.split(",")
    load_before = os.getloadavg()
    results = run(sizes, databases, 20 if args.quick else args.repeat)
    load_after = os.getloadavg()

    from rich.console import Console
    from rich.table import Table

    table = Table(title="Store benchmark (absolute times: this machine, 2 cores, shared)")
    for col in (
        "database/actors",
        "build s (gen+load+hooks)",
        "search",
        "p50 ms",
        "p99 ms",
        "p50 ratio to baseline",
    ):
        table.add_column(col)
    for key, r in results.items():
        base = r["searches"]["baseline: first page"]["p50_ms"]
        first = True
        for name, s in r["searches"].items():
            table.add_row(
                key if first else "",
                f"{r['build_s']:.1f} ({r['generate_s']:.1f}+{r['load_s']:.1f}+{r['hooks_s']:.1f})"
                if first
                else "",
                name,
                f"{s['p50_ms']:.1f}",
                f"{s['p99_ms']:.1f}",
                f"{s['p50_ms'] / base:.2f}×",
            )
            first = False
    console = Console(width=150)
    console.print(table)
    console.print(
        "load average (1, 5, 15 min) before: "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; after: "
        + ", ".join(f"{x:.2f}" for x in load_after)
    )
    for key, r in results.items():
        if key.endswith("/100000"):
            verdict = "under" if r["build_s"] < FLOOR_S else "OVER"
            console.print(
                f"{key}: demo build {r['build_s']:.1f} s, {verdict} the {FLOOR_S:g} s floor"
            )
    print(
        json.dumps(
            {
                "benchmark": "store",
                "load_average_before": load_before,
                "load_average_after": load_after,
                "results": results,
            },
            separators=(",", ":"),
        )
    )


if __name__ == "__main__":
    main()
