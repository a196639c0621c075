"""'Opportunities for you' benchmark: one member's ranked open roles at 100,000 actors and
2,000 open roles, against the directory search measured in the same run.

Builds the demo network (``build_demo_bundle``, imported without the areas' hooks), adds
initiatives in "forming" with ``--roles`` roles opened to the network (requirements drawn from
the vocabulary, purposes from members' own purpose texts), then times, for one member with
capabilities: the first call (it builds the network's basis - candidate index, each role's
terms), then ``--repeat`` warm calls of ``services.opportunities.opportunities``, then
``--repeat`` calls each right after a committed write (another member offers for a role, a
write that moves the network's data version; the basis is rebuilt in the background at most
every ``REFRESH_AFTER_S``, so these calls rank with the basis of the first call), and the same
number of directory searches (an
unfiltered first page and a capability filter). Prints a table and one JSON line; exits 1 when
the warm or after-write p50 is above the floor (300 ms).

    .venv/bin/python benchmarks/opportunities.py [--actors 100000] [--roles 2000]
        [--database sqlite|postgresql] [--repeat 50]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from coalition.demo import build_demo_bundle
from coalition.io.bundle import import_bundle
from coalition.schemas.directory import ActorSearch
from coalition.schemas.lifecycle import OfferIn
from coalition.services.access import Caller
from coalition.services.directory import search_actors
from coalition.services.networks import get_network
from coalition.services.offers import make_offer, withdraw_offer
from coalition.services.opportunities import opportunities
from coalition.store.migrate import upgrade
from coalition.store.session import engine_for, session_factory
from coalition.store.tables import (
    Actor,
    ActorCapability,
    Capability,
    Initiative,
    Role,
    RoleRequirement,
)

FLOOR_P50_MS = 300.0
OP = Caller.operator()
PG_ADMIN = os.environ.get(
    "COALITION_BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _open_roles(url: str, slug: str, n_roles: int, seed: int) -> None:
    """Forming initiatives, five roles each, every role open to offers (bulk inserts)."""
    rng = random.Random(seed)
    with session_factory(url)() as db:
        network = get_network(db, OP, slug)
        caps = list(db.scalars(select(Capability.id).where(Capability.network_id == network.id)))
        purposes = [
            p
            for p in db.scalars(
                select(Actor.purpose_text)
                .where(Actor.network_id == network.id, Actor.purpose_text != "")
                .limit(2000)
            )
        ]
        per = 5
        for k in range(0, n_roles, per):
            result = db.execute(
                insert(Initiative).returning(Initiative.id),
                [
                    {
                        "network_id": network.id,
                        "kind": "project",
                        "title": f"Open call {k // per + 1}",
                        "purpose": rng.choice(purposes) if purposes else "",
                        "purpose_tags": [],
                        "status": "forming",
                        "sector_mix": {},
                        "timezone_coverage": [],
                    }
                ],
            )
            initiative_id = result.scalar_one()
            for j in range(min(per, n_roles - k)):
                role_id = db.execute(
                    insert(Role).returning(Role.id),
                    [
                        {
                            "initiative_id": initiative_id,
                            "title": f"Role {j + 1}",
                            "seats": rng.randint(1, 3),
                            "hours_per_week": float(rng.choice([2, 4, 6, 8])),
                            "languages": ["en"] if rng.random() < 0.3 else [],
                            "timezone_regions": [rng.choice(["emea", "americas", "apac"])]
                            if rng.random() < 0.3
                            else [],
                            "open_call": 1,
                        }
                    ],
                ).scalar_one()
                chosen = rng.sample(caps, k=min(len(caps), rng.randint(1, 3)))
                db.execute(
                    insert(RoleRequirement),
                    [
                        {"role_id": role_id, "capability_id": c, "min_level": rng.randint(1, 3)}
                        for c in chosen
                    ],
                )
        network.data_version += 1
        db.commit()


def _member(url: str, slug: str) -> Caller:
    """A member with several capabilities (the first such actor)."""
    with session_factory(url)() as db:
        network = get_network(db, OP, slug)
        actor_id = db.scalar(
            select(ActorCapability.actor_id)
            .join(Actor, Actor.id == ActorCapability.actor_id)
            .where(Actor.network_id == network.id, Actor.kind == "person")
            .group_by(ActorCapability.actor_id)
            .having(func.count() >= 3)
            .order_by(ActorCapability.actor_id)
            .limit(1)
        )
        assert actor_id is not None
        return Caller(account_id=1, actor_ids=frozenset({actor_id}), roles={network.id: "member"})


def _time(fn: Any, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def _after_writes(db: Any, url: str, caller: Caller, repeat: int) -> list[float]:
    """Each call right after a committed write: another member offers for an open role (and
    the offer is withdrawn after the call); both move the network's data version."""
    roles = [o.role_id for o in opportunities(db, caller, network_slug="bench").opportunities]
    db.rollback()
    others = _others(url, "bench", repeat)
    out = []
    for k, other in enumerate(others):
        db.rollback()  # the reader's transaction ends: a writer may begin
        with session_factory(url)() as w:
            made = make_offer(w, other, roles[k % len(roles)], OfferIn(hours_per_week=1))
            _bump(w)
            w.commit()
        started = time.perf_counter()
        opportunities(db, caller, network_slug="bench")
        out.append(time.perf_counter() - started)
        db.rollback()
        with session_factory(url)() as w:
            withdraw_offer(w, other, made.id)
            w.commit()
    return out


def _bump(db: Any) -> None:
    from coalition.services.networks import get_network
    from coalition.store.cache import bump_version

    bump_version(db, get_network(db, OP, "bench").id)


def _others(url: str, slug: str, n: int) -> list[Caller]:
    with session_factory(url)() as db:
        network = get_network(db, OP, slug)
        ids = db.scalars(
            select(Actor.id)
            .where(Actor.network_id == network.id, Actor.kind == "person")
            .order_by(Actor.id.desc())
            .limit(n)
        ).all()
        return [
            Caller(account_id=2 + i, actor_ids=frozenset({a}), roles={network.id: "member"})
            for i, a in enumerate(ids)
        ]


def run(actors: int, n_roles: int, database: str, repeat: int) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="coalition-opp-"))
    if database == "sqlite":
        url = f"sqlite:///{tmp / 'opp.db'}"
    else:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute('DROP DATABASE IF EXISTS "coalition_bench_opp" WITH (FORCE)')
            conn.execute('CREATE DATABASE "coalition_bench_opp"')
        url = PG_ADMIN.rsplit("/", 1)[0] + "/coalition_bench_opp"
    try:
        started = time.perf_counter()
        bundle = build_demo_bundle(actors=actors, seed=7, slug="bench")
        terms = [c["term"] for c in bundle["capabilities"]]
        upgrade(url, "heads")
        with session_factory(url)() as db:
            import_bundle(db, bundle)
            db.commit()
        del bundle
        _open_roles(url, "bench", n_roles, seed=11)
        build_s = time.perf_counter() - started
        caller = _member(url, "bench")
        with session_factory(url)() as db:
            network = get_network(db, OP, "bench")
            t0 = time.perf_counter()
            first = opportunities(db, caller, network_slug="bench")
            cold_s = time.perf_counter() - t0
            warm = _time(lambda: opportunities(db, caller, network_slug="bench"), repeat)
            after = _after_writes(db, url, caller, repeat)
            plain = ActorSearch.model_validate({})
            by_cap = ActorSearch.model_validate({"capability": [terms[0]], "min_level": 3})
            search_actors(db, caller, network, plain)
            base = _time(lambda: search_actors(db, caller, network, plain), repeat)
            capq = _time(lambda: search_actors(db, caller, network, by_cap), repeat)
        rows = {
            "opportunities (warm)": warm,
            "opportunities (after a write)": after,
            "directory: first page": base,
            "directory: capability >= 3": capq,
        }
        return {
            "database": database,
            "actors": actors,
            "open_roles": n_roles,
            "build_s": round(build_s, 1),
            "first_call_s": round(cold_s, 2),
            "shown": len(first.opportunities),
            "eligible_shown": sum(o.eligible for o in first.opportunities),
            "timings": {
                k: {"p50_ms": round(_pct(v, 50) * 1e3, 2), "p99_ms": round(_pct(v, 99) * 1e3, 2)}
                for k, v in rows.items()
            },
        }
    finally:
        engine_for(url).dispose()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=100_000)
    parser.add_argument("--roles", type=int, default=2_000)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    result = run(args.actors, args.roles, args.database, args.repeat)
    result["load_before"] = round(load, 2)
    result["load_after"] = round(os.getloadavg()[0], 2)
    print(f"{args.actors} actors, {args.roles} open roles, {args.database}")
    print(f"build {result['build_s']} s; first call {result['first_call_s']} s (index + catalog)")
    base = result["timings"]["directory: first page"]["p50_ms"]
    for name, t in result["timings"].items():
        ratio = t["p50_ms"] / base if base else float("nan")
        print(f"  {name:32s} p50 {t['p50_ms']:8.2f} ms  p99 {t['p99_ms']:8.2f} ms  x{ratio:.2f}")
    print(json.dumps(result))
    timings = result["timings"]
    if max(timings[k]["p50_ms"] for k in timings if k.startswith("opportunities")) > FLOOR_P50_MS:
        sys.exit(1)


if __name__ == "__main__":
    main()
