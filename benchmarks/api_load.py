"""API load benchmark: a mixed load against 1 and 2 app processes on PostgreSQL, the latency of
every read route, and directory search at 100,000 actors before and after the search indexes.

Three parts, in one run:

1. **Search.** The demo generator's network (5,000 actors, their profiles then copied up to
   ``--search-actors``) is loaded into SQLite and PostgreSQL; directory searches (the
   service, in this process) are timed with the search indexes of migration 0018 dropped
   ("before"), then with them created again ("after").
2. **Routes.** The demo network (``coalition demo``, ``--actors``) on PostgreSQL, served by
   uvicorn with one process; every GET route (pages and API, ids filled from the demo) is
   requested ``--route-repeat`` times one after the other, signed in as the demo steward.
3. **Load.** The same demo, copied afresh for each configuration (``CREATE DATABASE ...
   TEMPLATE``), served by uvicorn with 1 and then 2 worker processes (subprocesses on
   127.0.0.1); ``--connections`` concurrent connections of one async httpx client, signed in
   as the demo member, send a mixed load for ``--duration`` seconds: directory search and
   directory page, initiative page, conversation results, map view (page and data), and writes
   (votes in the conversation, answers to the member's open invitations while there are any).

Prints tables (absolute times are this machine's: 2 cores, shared, the load generator on the
same cores as the servers and PostgreSQL; beside them the app processes' CPU time per request,
which other load on the machine hardly moves), the ratio of 2 processes to 1, the issue's
floors with a verdict each, and ends with one JSON line.

    .venv/bin/python benchmarks/api_load.py [--quick] [--actors 300] [--connections 30]
        [--duration 20] [--workers 1,2] [--search-actors 100000]
        [--search-databases sqlite,postgresql] [--repeat 30] [--skip search,routes,load]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import uvloop
from _http import Connection
from sqlalchemy import select, text

from coalition.cli import _after_demo
from coalition.demo import build_demo_bundle
from coalition.io.bundle.document import import_bundle
from coalition.schemas.directory import ActorSearch
from coalition.services.access import Caller
from coalition.services.directory import search_actors
from coalition.services.networks import get_network
from coalition.store.migrate import upgrade
from coalition.store.search_indexes import create_statements, drop_statements
from coalition.store.session import engine_for, session_factory

PG_ADMIN = os.environ.get(
    "COALITION_BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
OP = Caller.operator()
ANON = Caller.anonymous()
PASSWORD = "coalition-demo"
MEMBER, STEWARD = "member@example.org", "steward@example.org"
PARAM = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)(?::[^}]*)?\}")
FLOORS = {
    "search_p99_ms": 150.0,
    "load_rps": 300.0,
    "load_p99_ms": 300.0,
    "route_p50_ms": 20.0,
    "decline_ms": 200.0,
}
#: The mix of the load: operation -> weight.
MIX = {
    "directory search": 20,
    "directory page": 10,
    "initiative page": 15,
    "conversation results": 15,
    "map page": 8,
    "map data": 12,
    "vote": 15,
    "invitation answer": 5,
}
SEARCH_WORDS = ("an", "mar", "learning", "youth", "coach", "climate", "design", "water")


# -- databases ------------------------------------------------------------------------------


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def _pg_url(name: str) -> str:
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def _pg_create(name: str, template: str | None = None) -> str:
    _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if template:  # a copy needs the template to itself: end what a stopped server left open
        _pg(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{template}' AND pid <> pg_backend_pid()"
        )
    _pg(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return _pg_url(name)


def _pg_drop(name: str) -> None:
    engine_for(_pg_url(name)).dispose()
    _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _step(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# -- 1. search at scale ---------------------------------------------------------------------


def _search_queries(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    actors = bundle["actors"]
    surname = actors[len(actors) // 2]["name"].split()[-1].lower()[:5]
    terms = [c["term"] for c in bundle["capabilities"]]
    return {
        "first page": {},
        "text 'an' (2 letters)": {"q": "an"},
        f"text '{surname}' (a name)": {"q": surname},
        "text 'climate' (words)": {"q": "climate"},
        "text 'zzqx' (no match)": {"q": "zzqx"},
        "purpose": {"purpose": "youth employment"},
        "sector+kind": {"sector": "business", "kind": "organisation"},
        "capability+region": {"capability": [terms[2]], "region": "emea"},
    }


def _time_searches(url: str, queries: dict[str, dict[str, Any]], repeat: int) -> dict[str, Any]:
    # What this process built to load the network (the bundle: millions of objects) is frozen
    # out of the garbage collector's passes, as an app process freezes what it loaded at start
    # (web/app.py): else a full collection over it lands in one timed search now and then.
    gc.collect()
    gc.freeze()
    try:
        return _timed_searches(url, queries, repeat)
    finally:
        gc.unfreeze()


def _timed_searches(url: str, queries: dict[str, dict[str, Any]], repeat: int) -> dict[str, Any]:
    out = {}
    with session_factory(url)() as db:
        network = get_network(db, OP, "bench")
        for name, query in queries.items():
            q = ActorSearch.model_validate(query)
            search_actors(db, ANON, network, q)  # warm
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                search_actors(db, ANON, network, q)
                times.append(time.perf_counter() - started)
            out[name] = {"p50_ms": _pct(times, 50) * 1e3, "p99_ms": _pct(times, 99) * 1e3}
    return out


def _indexes(url: str, create: bool) -> float:
    engine = engine_for(url)
    dialect = engine.dialect.name
    statements = (
        create_statements(dialect, columns=False)
        if create
        else drop_statements(dialect, columns=False)
    )
    started = time.perf_counter()
    with engine.begin() as conn:
        for sql in statements:
            conn.execute(text(sql))
    # As autovacuum leaves a table at rest: statistics, and the visibility map that lets a
    # count read only an index.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if dialect == "postgresql" else "ANALYZE"))
    return time.perf_counter() - started


#: Actors built by the demo generator for the search part; the rest are their copies.
SEED_ACTORS = 5_000
ACTOR_COLUMNS = (
    "network_id, external_id, kind, name, sector, headline, bio, timezone, region, languages, "
    "capacity_hours, committed_hours, day_rate, email, phone, website, purpose_text, "
    "visibility, day_rate_visibility, capacity_visibility, contact_visibility, "
    "declines_visibility, joined_on, anonymised, created_at"
)


def _replicate(url: str, size: int) -> int:
    """Copy the loaded profiles (with capabilities and purposes) until there are ``size``.

    Copy ``k`` of actor ``id`` gets id ``id + k * top``: the copies' capabilities and purposes
    follow by arithmetic, in plain ``INSERT ... SELECT`` statements (seconds, where loading
    100,000 generated actors through the bundle importer takes minutes on this machine).
    """
    engine = engine_for(url)
    columns = ACTOR_COLUMNS.replace("external_id", "NULL")
    with engine.begin() as conn:
        top = int(conn.execute(text("SELECT max(id) FROM actors")).scalar_one())
        seeds = int(conn.execute(text("SELECT count(*) FROM actors")).scalar_one())
        copies = -(-size // seeds) - 1
        for k in range(1, copies + 1):
            shift = k * top
            limit = min(seeds, size - k * seeds)
            if limit <= 0:
                break
            conn.execute(
                text(
                    f"INSERT INTO actors (id, {ACTOR_COLUMNS}) SELECT id + {shift}, {columns} "
                    f"FROM actors WHERE id <= {top} ORDER BY id LIMIT {limit}"
                )
            )
            for table, rest in (
                ("actor_capabilities", "capability_id, level, evidence, esco_uri"),
                ("actor_purposes", "tag"),
            ):
                conn.execute(
                    text(
                        f"INSERT INTO {table} (actor_id, {rest}) SELECT actor_id + {shift}, "
                        f"{rest} FROM {table} WHERE actor_id + {shift} IN "
                        f"(SELECT id FROM actors WHERE id > {shift} AND id <= {shift + top})"
                    )
                )
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT setval('actors_id_seq', (SELECT max(id) FROM actors))"))
        return int(conn.execute(text("SELECT count(*) FROM actors")).scalar_one())


def run_search(size: int, databases: list[str], repeat: int, tmp: Path) -> dict[str, Any]:
    seeds = min(size, SEED_ACTORS)
    _step(f"search: generating {seeds:,} actors (copied up to {size:,})")
    started = time.perf_counter()
    bundle = build_demo_bundle(actors=seeds, seed=7, slug="bench")
    bundle["ties"] = []  # search reads profiles: ties would only slow the load down
    generate_s = time.perf_counter() - started
    queries = _search_queries(bundle)
    results: dict[str, Any] = {"generate_s": generate_s, "databases": {}}
    for database in databases:
        name = f"coalition_bench_search_{size}"
        url = f"sqlite:///{tmp / f'search-{size}.db'}" if database == "sqlite" else None
        url = url or _pg_create(name)
        upgrade(url, "heads")
        _step(f"search: loading into {database}")
        started = time.perf_counter()
        with session_factory(url)() as db:
            import_bundle(db, bundle)
            db.commit()
        _indexes(url, create=False)  # before the copies: no index to maintain row by row
        actors = _replicate(url, size)
        load_s = time.perf_counter() - started
        _step(f"search: timing on {database} ({actors:,} actors), indexes dropped, then created")
        before = _time_searches(url, queries, repeat)
        index_s = _indexes(url, create=True)
        after = _time_searches(url, queries, repeat)
        _step(f"declines on {database}: the answer, then the replacements' job")
        results["databases"][database] = {
            "actors": actors,
            "load_s": load_s,
            "create_indexes_s": index_s,
            "before": before,
            "after": after,
            "declines": _time_declines(url, DECLINES),
        }
        if database == "sqlite":
            engine_for(url).dispose()
        else:
            _pg_drop(name)
    return results


#: Invitations declined at the search part's size (each waits for its replacements' job).
DECLINES = 5


def _time_declines(url: str, count: int) -> dict[str, Any]:
    """Invite ``count`` actors (one seat each, as the operator), then decline each as the
    invitee: the answer's time (the service, committed), then the time until the job that ranks
    the seat's replacements has finished (the app's own job runner, as ``make run`` has it)."""
    from coalition.config import Settings
    from coalition.jobs import execute, use_settings, wait
    from coalition.schemas.invitations import AnswerIn, InviteIn, SeatIn
    from coalition.services.invitations import answer, invite
    from coalition.store.tables import Actor, Initiative, Role

    use_settings(Settings(database_url=url, jobs="local"), url)
    answers, ready = [], []
    with session_factory(url)() as db:
        network = get_network(db, OP, "bench")
        seats = db.execute(
            select(Role.id, Role.initiative_id)
            .join(Initiative, Initiative.id == Role.initiative_id)
            .where(Initiative.network_id == network.id, Initiative.status == "forming")
            .order_by(Role.id)
            .limit(count)
        ).all()
        people = db.scalars(
            select(Actor.id)
            .where(Actor.network_id == network.id, Actor.kind == "person")
            .order_by(Actor.id.desc())  # copies: no engagement of their own yet
            .limit(count)
        ).all()
        for (role, initiative), actor in zip(seats, people, strict=False):
            seat = SeatIn(actor_id=actor, role_id=role, hours=1)
            made = invite(db, OP, initiative, InviteIn(seats=[seat]))[0]
            db.commit()
            invitee = Caller(  # the invitee, signed in (an account the benchmark has no row for)
                account_id=10**9, actor_ids=frozenset({actor}), roles={network.id: "member"}
            )
            started = time.perf_counter()
            out = answer(db, invitee, made.id, AnswerIn(answer="decline"))
            db.commit()
            answers.append(time.perf_counter() - started)
            assert out.replacements_job is not None
            execute(url, out.replacements_job)  # here if the runner has not taken it yet
            job = wait(url, out.replacements_job, timeout_s=600)
            ready.append(time.perf_counter() - started)
            assert job.state == "succeeded", (job.state, job.error)
    return {
        "n": len(answers),
        "answer_p50_ms": _pct(answers, 50) * 1e3,
        "answer_max_ms": max(answers, default=float("nan")) * 1e3,
        "replacements_p50_s": _pct(ready, 50),
    }


# -- the server -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``uvicorn coalition.web.app:create_app`` with ``workers`` processes, on 127.0.0.1."""

    def __init__(self, url: str, workers: int, **settings: str) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        env.update(
            COALITION_DATABASE_URL=url,
            COALITION_SECRET_KEY="api-load-benchmark-" + "x" * 40,
            COALITION_DEVELOPMENT="0",
            **settings,
        )
        command = [sys.executable, "-m", "uvicorn", "coalition.web.app:create_app", "--factory"]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers)]
        command += ["--no-access-log", "--log-level", "warning", "--no-proxy-headers"]
        self.process = subprocess.Popen(command, env=env, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/api/auth/csrf", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"uvicorn exited with {self.process.returncode}")
            time.sleep(0.3)
        else:
            self.stop()
            raise RuntimeError("uvicorn did not answer within 90 s")
        # Every worker process imports the app lazily; give them their first requests.
        for _ in range(4 * workers):
            httpx.get(self.base + "/api/networks", timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` and its live descendants."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    tree, grew = {pid}, True
    while grew:
        more = {child for child, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(times.get(p, 0.0) for p in tree)


def _sign_in(client: httpx.Client | httpx.AsyncClient, email: str) -> Any:
    return client.post("/api/auth/login", json={"email": email, "password": PASSWORD})


def _demo_ids(client: httpx.Client) -> dict[str, Any]:
    """What the load and the route sweep need, read through the API as the member."""
    initiatives = client.get("/api/networks/demo/initiatives").json()
    conversations = client.get("/api/networks/demo/conversations").json()
    conversation = conversations[0]["id"]
    statements = client.get(f"/api/conversations/{conversation}/statements").json()
    invitations = client.get("/api/me/invitations").json()["invitations"]
    return {
        "initiatives": [i["id"] for i in initiatives],
        "conversation": conversation,
        "statements": [s["id"] for s in statements if s.get("moderation") != "rejected"],
        "invitations": [i["id"] for i in invitations if i.get("status") == "pending"],
    }


# -- 2. every read route alone --------------------------------------------------------------


def _route_values(url: str) -> dict[str, Any]:
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from coalition.store.tables import Initiative, Network, Role
    from coalition.store.tables_auth import Account, Membership
    from coalition.store.tables_deliberation import Conversation
    from coalition.store.tables_formation import Proposal
    from coalition.store.tables_invitations import Invitation
    from coalition.store.tables_outcomes import KnowledgeAsset, Outcome
    from coalition.store.tables_together import Decision, Post, Thread

    def first(column: Any) -> Any:
        return db.scalar(select(func.min(column)))

    with Session(engine_for(url)) as db:
        steward = db.scalars(
            select(Membership.actor_id)
            .join(Account, Account.id == Membership.account_id)
            .join(Network, Network.id == Membership.network_id)
            .where(Account.email == STEWARD, Network.slug == "demo")
        ).one()
        values = {
            "slug": "demo",
            "actor_id": steward,
            "what": "outcomes",
            "kind": "members",
            "token": "no-such-token",
            "initiative_id": first(Initiative.id),
            "conversation_id": first(Conversation.id),
            "asset_id": first(KnowledgeAsset.id),
            "thread_id": first(Thread.id),
            "post_id": first(Post.id),
            "decision_id": first(Decision.id),
            "proposal_id": first(Proposal.id),
            "invitation_id": first(Invitation.id),
            "outcome_id": first(Outcome.id),
            "role_id": first(Role.id),
            "job_id": 2_000_000_000,  # none: the 404 path is timed
            "link_token": "no-such-link",
        }
    engine_for(url).dispose()
    return values


def run_routes(server: Server, url: str, repeat: int) -> dict[str, Any]:
    from fastapi.routing import iter_route_contexts

    from coalition.config import Settings
    from coalition.web.app import create_app

    app = create_app(Settings(database_url="sqlite://", development=True))
    paths = sorted(
        {
            r.path
            for r in iter_route_contexts(app.routes)
            if r.path and not r.path.startswith("/static") and "GET" in (r.methods or set())
        }
        - {"/logout"}
    )
    values = _route_values(url)
    out: dict[str, Any] = {}
    with httpx.Client(base_url=server.base, timeout=60) as client:
        _sign_in(client, STEWARD).raise_for_status()
        for path in paths:
            missing = set(PARAM.findall(path)) - set(values)
            if missing:  # a route added since the sweep learnt its parameters: say so
                print(f"  skipped {path}: no value for {', '.join(sorted(missing))}")
                continue
            filled = PARAM.sub(lambda m: str(values[m.group(1)]), path)
            started = time.perf_counter()
            client.get(filled)  # warm
            first = time.perf_counter() - started
            times, status = [], 0
            for _ in range(repeat):
                started = time.perf_counter()
                status = client.get(filled).status_code
                times.append(time.perf_counter() - started)
            out[path] = {"p50_ms": _pct(times, 50) * 1e3, "status": status, "first_ms": first * 1e3}
    return out


# -- 3. the mixed load ----------------------------------------------------------------------


def _operations(ids: dict[str, Any], rng: random.Random) -> dict[str, Callable[[], Any]]:
    conversation = ids["conversation"]

    def vote() -> tuple[str, str, Any]:
        body = {"statement_id": rng.choice(ids["statements"]), "value": rng.choice((-1, 0, 1))}
        return ("POST", f"/api/conversations/{conversation}/votes", body)

    def answer() -> tuple[str, str, Any] | None:
        if not ids["invitations"]:
            return None  # all answered: the mix goes on without this write
        return ("POST", f"/api/invitations/{ids['invitations'].pop()}/answer", {"answer": "accept"})

    return {
        "directory search": lambda: (
            "GET",
            "/api/networks/demo/actors?q=" + rng.choice(SEARCH_WORDS),
            None,
        ),
        "directory page": lambda: ("GET", "/n/demo/directory", None),
        "initiative page": lambda: ("GET", f"/initiatives/{rng.choice(ids['initiatives'])}", None),
        "conversation results": lambda: ("GET", f"/conversations/{conversation}/results", None),
        "map page": lambda: ("GET", "/n/demo/map", None),
        "map data": lambda: ("GET", "/api/networks/demo/map", None),
        "vote": vote,
        "invitation answer": answer,
    }


async def _load(base: str, ids: dict[str, Any], connections: int, duration: float) -> Any:
    """``connections`` users, each on its own keep-alive connection (benchmarks/_http.py),
    signed in as the member, send the mix for ``duration`` seconds after a short warm-up."""
    with httpx.Client(base_url=base, timeout=30) as signer:
        signed = _sign_in(signer, MEMBER)
        signed.raise_for_status()
        cookie = "; ".join(f"{name}={value}" for name, value in signer.cookies.items())
        headers = {"cookie": cookie, "x-csrf-token": signed.json()["csrf_token"]}
    host, port = base.removeprefix("http://").rsplit(":", 1)
    records: list[tuple[str, float, int]] = []
    sent = [0]  # every request, the warm-up's too (the servers' CPU time covers them)
    names, weights = list(MIX), list(MIX.values())
    warm_until = time.perf_counter() + min(3.0, duration / 5)
    stop_at = warm_until + duration

    async def user(seed: int) -> None:
        rng = random.Random(seed)
        ops = _operations(ids, rng)
        connection = Connection(host, int(port), headers)
        try:
            while time.perf_counter() < stop_at:
                name = rng.choices(names, weights)[0]
                request = ops[name]()
                if request is None:
                    continue
                method, path, body = request
                started = time.perf_counter()
                status = await connection.request(method, path, body)
                sent[0] += 1
                if started >= warm_until:
                    records.append((name, time.perf_counter() - started, status))
        finally:
            await connection.close()

    cpu = time.process_time()
    # Every read of the mix once, one after the other, as a load balancer's warm-up would: the
    # first answers (a map's analysis, the conversation's) are computed before the crowd comes.
    primer = Connection(host, int(port), headers)
    for op in _operations(ids, random.Random(0)).values():
        request = op()
        if request is not None and request[0] == "GET":
            await primer.request(*request)
            sent[0] += 1
    await primer.close()
    await asyncio.gather(*(user(i) for i in range(connections)))
    cpu = time.process_time() - cpu
    return records, duration, cpu, sent[0]


def _summary(records: list[tuple[str, float, int]], duration: float) -> dict[str, Any]:
    times = [t for _, t, _ in records]
    errors = [(n, s) for n, _, s in records if s >= 400]
    per_op = {}
    for name in MIX:
        mine = [t for n, t, _ in records if n == name]
        if mine:
            per_op[name] = {"n": len(mine), "p50_ms": _pct(mine, 50) * 1e3}
    return {
        "requests": len(records),
        "rps": len(records) / duration,
        "p50_ms": _pct(times, 50) * 1e3,
        "p95_ms": _pct(times, 95) * 1e3,
        "p99_ms": _pct(times, 99) * 1e3,
        "errors": len(errors),
        "error_kinds": sorted({f"{n}: {s}" for n, s in errors}),
        "per_operation": per_op,
    }


def _build_demo(name: str, actors: int) -> str:
    url = _pg_create(name)
    upgrade(url, "heads")
    bundle = build_demo_bundle(actors=actors, seed=7, slug="demo")
    with session_factory(url)() as db:
        import_bundle(db, bundle)
        _after_demo(db, "demo")
        db.commit()
    engine_for(url).dispose()
    return url


def run_load_and_routes(args: argparse.Namespace, skip: set[str]) -> dict[str, Any]:
    base_name = "coalition_bench_load_base"
    _step(f"building the demo network ({args.actors} actors) on PostgreSQL")
    started = time.perf_counter()
    base_url = _build_demo(base_name, args.actors)
    out: dict[str, Any] = {"demo_build_s": time.perf_counter() - started, "load": {}}
    try:
        if "routes" not in skip:
            # twice: as served (answers kept: the floor), then the route's own work every time
            for label, settings in (("kept", {}), ("own", {"COALITION_READ_CACHE_TTL": "0"})):
                _step(f"routes: every GET route, one process ({label})")
                server = Server(base_url, 1, **settings)
                try:
                    out.setdefault("route_runs", {})[label] = run_routes(
                        server, base_url, args.route_repeat
                    )
                finally:
                    server.stop()
                engine_for(base_url).dispose()
            runs = out.pop("route_runs")
            out["routes"] = {
                path: r | {"own_p50_ms": runs["own"][path]["p50_ms"]}
                for path, r in runs["kept"].items()
            }
        if "load" in skip:
            return out
        for workers in args.workers:
            name = f"coalition_bench_load_{workers}"
            url = _pg_create(name, template=base_name)
            _step(f"load: {workers} process(es), {args.connections} connections")
            server = Server(url, workers)
            try:
                with httpx.Client(base_url=server.base, timeout=60) as client:
                    _sign_in(client, MEMBER).raise_for_status()
                    ids = _demo_ids(client)
                server_cpu = _tree_cpu_s(server.process.pid)
                records, duration, cpu, sent = uvloop.run(
                    _load(server.base, ids, args.connections, args.duration)
                )
                server_cpu = _tree_cpu_s(server.process.pid) - server_cpu
                out["load"][workers] = _summary(records, duration) | {
                    "load_generator_cpu_s": cpu,
                    # CPU time of the app processes per request: insensitive to other load.
                    "server_cpu_ms_per_request": server_cpu / max(sent, 1) * 1e3,
                }
            finally:
                server.stop()
                _pg_drop(name)
    finally:
        _pg_drop(base_name)
    return out


# -- output ---------------------------------------------------------------------------------


def _print(results: dict[str, Any], args: argparse.Namespace) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=150)
    machine = "absolute times: this machine, 2 cores, shared"
    search = results.get("search")
    if search:
        table = Table(title=f"Directory search at {args.search_actors:,} actors ({machine})")
        for col in ("database", "search", "before p50", "before p99", "after p50", "after p99"):
            table.add_column(col)
        for database, r in search["databases"].items():
            for i, (name, after) in enumerate(r["after"].items()):
                before = r["before"][name]
                table.add_row(
                    database if i == 0 else "",
                    name,
                    f"{before['p50_ms']:.1f}",
                    f"{before['p99_ms']:.1f}",
                    f"{after['p50_ms']:.1f}",
                    f"{after['p99_ms']:.1f}",
                )
        console.print(table)
        for database, r in search["databases"].items():
            d = r["declines"]
            console.print(
                f"{database}: {d['n']} declines at {r['actors']:,} actors: the answer p50 "
                f"{d['answer_p50_ms']:.1f} ms, max {d['answer_max_ms']:.1f} ms; replacements "
                f"ranked by the job {d['replacements_p50_s']:.2f} s after the answer (p50)"
            )
    routes = results.get("routes")
    if routes:
        slow = sorted(routes.items(), key=lambda kv: -kv[1]["p50_ms"])
        over = [p for p, r in slow if r["p50_ms"] > FLOORS["route_p50_ms"]]
        table = Table(
            title=f"Read routes alone, 1 process, the slowest 15 of {len(routes)} by their own "
            "work (ms): p50 as served (answers kept), the first request, p50 with nothing kept"
        )
        for col in ("route", "status", "p50 served", "first", "p50 own work"):
            table.add_column(col)
        by_own = sorted(routes.items(), key=lambda kv: -kv[1]["own_p50_ms"])
        for path, r in by_own[:15]:
            table.add_row(
                path,
                str(r["status"]),
                f"{r['p50_ms']:.1f}",
                f"{r['first_ms']:.1f}",
                f"{r['own_p50_ms']:.1f}",
            )
        console.print(table)
        own_over = [p for p, r in by_own if r["own_p50_ms"] > FLOORS["route_p50_ms"]]
        console.print(
            f"routes over {FLOORS['route_p50_ms']:g} ms p50 as served: {len(over)} of "
            f"{len(routes)} ({', '.join(over) or 'none'}); by their own work, nothing kept: "
            f"{len(own_over)} ({', '.join(own_over) or 'none'})"
        )
    load = results.get("load")
    if load:
        table = Table(
            title=f"Mixed load, {args.connections} connections, {args.duration:g} s ({machine})"
        )
        columns = ("processes", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "server CPU/req")
        for col in (*columns, "errors"):
            table.add_column(col)
        for workers, r in load.items():
            table.add_row(
                str(workers),
                str(r["requests"]),
                f"{r['rps']:.1f}",
                f"{r['p50_ms']:.1f}",
                f"{r['p95_ms']:.1f}",
                f"{r['p99_ms']:.1f}",
                f"{r['server_cpu_ms_per_request']:.1f} ms",
                f"{r['errors']} {', '.join(r['error_kinds'][:3])}",
            )
        console.print(table)
        if len(load) == 2:
            one, two = load.values()
            console.print(f"ratio (2 processes / 1): {two['rps'] / one['rps']:.2f}× requests/s")
    _verdicts(console, results)


def _verdicts(console: Any, results: dict[str, Any]) -> None:
    def say(what: str, ok: bool, detail: str) -> None:
        console.print(f"{'met' if ok else 'NOT MET'}: {what} ({detail})")

    pg = results.get("search", {}).get("databases", {}).get("postgresql")
    if pg:
        worst = max(r["p99_ms"] for r in pg["after"].values())
        say("search p99 on PostgreSQL", worst <= FLOORS["search_p99_ms"], f"{worst:.1f} ms")
    for database, r in results.get("search", {}).get("databases", {}).items():
        slowest = r["declines"]["answer_max_ms"]
        ok = slowest <= FLOORS["decline_ms"]
        say(f"a decline answers on {database}", ok, f"slowest {slowest:.1f} ms")
    two = results.get("load", {}).get(2)
    if two:
        ok = (
            two["rps"] >= FLOORS["load_rps"]
            and two["p99_ms"] <= FLOORS["load_p99_ms"]
            and not two["errors"]
        )
        detail = f"{two['rps']:.1f} req/s, p99 {two['p99_ms']:.1f} ms, {two['errors']} errors"
        say("mixed load with 2 processes", ok, detail)
    routes = results.get("routes")
    if routes:
        worst = max(r["p50_ms"] for r in routes.values())
        say("every read route p50", worst <= FLOORS["route_p50_ms"], f"slowest {worst:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, short load")
    parser.add_argument("--actors", type=int, default=300, help="the demo network's size")
    parser.add_argument("--connections", type=int, default=30)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per configuration")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--search-actors", type=int, default=100_000)
    parser.add_argument("--search-databases", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=20, help="timings per search")
    parser.add_argument("--route-repeat", type=int, default=7, help="timings per route")
    parser.add_argument("--skip", default="", help="comma-separated: search, routes, load")
    args = parser.parse_args()
    if args.quick:
        args.search_actors, args.duration, args.repeat = 5000, 5.0, 10
        args.actors, args.route_repeat = min(args.actors, 100), 3
    args.workers = [int(w) for w in args.workers.split(",")]
    skip = {s for s in args.skip.split(",") if s}
    load_before = os.getloadavg()
    results: dict[str, Any] = {}
    tmp = Path(tempfile.mkdtemp(prefix="coalition-bench-"))
    try:
        if "search" not in skip:
            databases = args.search_databases.split(",")
            results["search"] = run_search(args.search_actors, databases, args.repeat, tmp)
        if not {"routes", "load"} <= skip:
            results |= run_load_and_routes(args, skip)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    load_after = os.getloadavg()
    _print(results, args)
    print(
        json.dumps(
            {
                "benchmark": "api_load",
                "settings": {k: v for k, v in vars(args).items() if k != "quick"},
                "load_average_before": load_before,
                "load_average_after": load_after,
                "floors": FLOORS,
                "results": results,
            },
            separators=(",", ":"),
            default=str,
        )
    )


if __name__ == "__main__":
    main()
