"""Store benchmark: demo build time and directory search latency on SQLite and PostgreSQL.

Prints a table (absolute times are this machine's: 2 cores) with each search's latency as a
ratio to the baseline measured in the same run (an unfiltered first page of the directory), and
ends with one JSON line of the figures.

    .venv/bin/python benchmarks/store.py [--quick] [--sizes 300,100000]
        [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from coalition.demo import build_demo_bundle
from coalition.io.json_bundle import import_bundle
from coalition.schemas.directory import ActorSearch
from coalition.services.access import Caller
from coalition.services.directory import search_actors
from coalition.services.networks import get_network
from coalition.store.migrate import upgrade
from coalition.store.session import engine_for, session_factory

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
OP = Caller.operator()
ANON = Caller.anonymous()


def _pg_url(name: str) -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


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


def run(sizes: list[int], databases: list[str], repeat: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    tmp = Path(tempfile.mkdtemp(prefix="coalition-bench-"))
    for size in sizes:
        started = time.perf_counter()
        bundle = build_demo_bundle(actors=size, seed=7, slug="bench")
        generate_s = time.perf_counter() - started
        for database in databases:
            url = (
                f"sqlite:///{tmp / f'store-{size}.db'}"
                if database == "sqlite"
                else _pg_url(f"coalition_bench_{size}")
            )
            upgrade(url, "heads")
            started = time.perf_counter()
            with session_factory(url)() as db:
                import_bundle(db, bundle)
                db.commit()
            load_s = time.perf_counter() - started
            rows = {}
            for name, query in _queries(bundle).items():
                t = _measure(url, "bench", query, repeat)
                rows[name] = {"p50_ms": _pct(t, 50) * 1e3, "p99_ms": _pct(t, 99) * 1e3}
            results[f"{database}/{size}"] = {
                "generate_s": generate_s,
                "load_s": load_s,
                "build_s": generate_s + load_s,
                "searches": rows,
            }
            engine_for(url).dispose()
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
    results = run(sizes, databases, 20 if args.quick else args.repeat)

    from rich.console import Console
    from rich.table import Table

    table = Table(title="Store benchmark (absolute times: this machine, 2 cores)")
    for col in (
        "database/actors",
        "build s (gen+load)",
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
                f"{r['build_s']:.1f} ({r['generate_s']:.1f}+{r['load_s']:.1f})" if first else "",
                name,
                f"{s['p50_ms']:.1f}",
                f"{s['p99_ms']:.1f}",
                f"{s['p50_ms'] / base:.2f}×",
            )
            first = False
    Console().print(table)
    print(json.dumps({"benchmark": "store", "results": results}, separators=(",", ":")))


if __name__ == "__main__":
    main()
