"""Real processes on one PostgreSQL database: two app servers (uvicorn subprocesses on free
ports) and job workers (``coalition worker``).

- a journey whose requests alternate between the two app processes sees one state: the
  session made on one is good on the other, the sign-in limit counts across both;
- mail is delivered exactly once per event while two workers race for it;
- a worker killed with ``kill -9`` in the middle of a job leaves nothing half-written, and the
  job runs again on another worker.

Skipped where PostgreSQL cannot be reached.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text

from coalition.store.migrate import upgrade
from coalition.store.session import session_scope
from tests.conftest import PG_ADMIN, ROOT
from tests.smtp import received

pytestmark = pytest.mark.timeout(240) if hasattr(pytest.mark, "timeout") else []


@pytest.fixture
def pg_url() -> Iterator[str]:
    try:
        import psycopg

        name = f"coalition_proc_{os.getpid()}"
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"PostgreSQL is not reachable at {PG_ADMIN}: {exc}")
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url, "heads")
    yield url
    from coalition.store.session import engine_for

    engine_for(url).dispose()
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Processes:
    """Subprocesses of ``coalition``, stopped at the end of the test."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, *args: str, **env: str) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-c", "from coalition.cli import app; app()", *args]
        log = self.logs / f"{len(self.running)}-{args[0]}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                command, env={**self.env, **env}, cwd=str(ROOT), stdout=out, stderr=out
            )
        self.running.append(proc)
        return proc

    def tails(self) -> str:
        """The end of every process's output (for a failure's message)."""
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-1500:]}"
            for log in sorted(self.logs.glob("*.log"))
        )

    def app(self) -> str:
        port = _free_port()
        self.start("serve", COALITION_PORT=str(port))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    return base
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"the app on {base} did not become ready")

    def stop(self) -> None:
        for proc in self.running:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.running:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def procs(pg_url: str, smtp_port: int, tmp_path: Path) -> Iterator[Processes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "COALITION_DATABASE_URL": pg_url,
        "COALITION_SECRET_KEY": "process-test-secret-0123456789",
        "COALITION_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}?from=no@c.test",
        "COALITION_HOST": "127.0.0.1",
    }
    env.pop("COALITION_DEVELOPMENT", None)
    env.pop("COALITION_JOBS", None)
    (tmp_path / "logs").mkdir()
    running = Processes(env, tmp_path / "logs")
    yield running
    running.stop()


def _wait_until(check: Any, timeout_s: float, what: str) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _csrf(client: httpx.Client, base: str) -> str:
    return str(client.get(f"{base}/api/auth/csrf").json()["csrf_token"])


def test_two_app_processes_share_sessions_limits_and_mail(procs: Processes, pg_url: str) -> None:
    from coalition.store.tables_auth import OutboxMessage

    a, b = procs.app(), procs.app()
    procs.start("worker", "--concurrency", "2")
    procs.start("worker", "--concurrency", "2")
    client = httpx.Client(timeout=20)
    # Register on A; the session cookie is good on B, and the CSRF token made for it too.
    body = {"email": "ada@example.org", "password": "a long password 1", "display_name": "Ada"}
    r = client.post(f"{a}/api/auth/register", json=body, headers={"x-csrf-token": _csrf(client, a)})
    assert r.status_code == 201, r.text
    token = r.json()["csrf_token"]
    assert client.get(f"{b}/api/me").json()["account"]["email"] == "ada@example.org"
    r = client.post(f"{b}/api/auth/logout", headers={"x-csrf-token": token})
    assert r.status_code == 204
    assert client.get(f"{a}/api/me").status_code == 401, "signed out on B is signed out on A"
    # The sign-in limit counts the failures made on both processes.
    statuses = []
    for i in range(7):
        base = (a, b)[i % 2]
        wrong = {"email": "ada@example.org", "password": f"wrong password {i}"}
        r = client.post(
            f"{base}/api/auth/login", json=wrong, headers={"x-csrf-token": _csrf(client, base)}
        )
        statuses.append(r.status_code)
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429], statuses
    # Mail: accounts opened and resets asked for, alternating processes; two workers race
    # for every message, each also given a second delivery job for the same event.
    for i in range(8):
        base = (a, b)[i % 2]
        other = httpx.Client(timeout=20)
        body = {"email": f"p{i}@example.org", "password": "a long password 2", "display_name": "P"}
        r = other.post(
            f"{base}/api/auth/register", json=body, headers={"x-csrf-token": _csrf(other, base)}
        )
        assert r.status_code == 201, r.text
        base = (b, a)[i % 2]
        r = client.post(
            f"{base}/api/auth/reset",
            json={"email": f"p{i}@example.org"},
            headers={"x-csrf-token": _csrf(client, base)},
        )
        assert r.status_code == 202, r.text
    from coalition.domain import JobKind
    from coalition.jobs import start

    with session_scope(pg_url) as db:
        for outbox_id in db.scalars(select(OutboxMessage.id)):
            start(db, JobKind.deliver_mail, {"outbox_id": outbox_id})

    def all_sent() -> bool:
        with session_scope(pg_url) as db:
            unsent = db.scalar(select(func.count()).where(OutboxMessage.sent_at.is_(None)))
            return unsent == 0

    _wait_until(all_sent, 60, "every message to be delivered")
    time.sleep(2)  # the duplicate jobs have run by now, and must have sent nothing more
    with session_scope(pg_url) as db:
        rows = db.scalars(select(OutboxMessage)).all()
        assert len(rows) >= 8 and all(r.attempts == 1 and r.body == "" for r in rows)
        events = len(rows)
    assert len(received) == events, f"{len(received)} messages for {events} events"
    links = [line for m in received for line in m.splitlines() if "/reset/" in line]
    assert len(links) == len(set(links)) == 8


def _generated_polis(where: Path, voters: int = 400, comments: int = 60) -> Path:
    """A made-up Polis export (comments.csv and votes.csv, the minimal layout) with two
    opinion camps and a vote every few seconds, large enough that its replay runs for a while."""
    import csv
    import random

    rng = random.Random(11)
    where.mkdir(parents=True, exist_ok=True)
    t0 = 1_600_000_000_000
    with (where / "comments.csv").open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(
            [
                "timestamp",
                "datetime",
                "comment-id",
                "author-id",
                "agrees",
                "disagrees",
                "moderated",
                "comment-body",
            ]
        )
        for c in range(comments):
            out.writerow([t0 + c, "", c, c % voters, 0, 0, 1, f"Statement number {c} for the camp"])
    with (where / "votes.csv").open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["timestamp", "datetime", "comment-id", "voter-id", "vote"])
        t = t0 + 10_000
        for v in range(voters):
            camp = 1 if v % 2 else -1
            for c in rng.sample(range(comments), comments // 2):
                t += rng.randint(500, 5_000)
                lean = camp if c % 2 else -camp
                out.writerow([t, "", c, v, lean if rng.random() < 0.8 else 0])
    return where


def test_a_worker_killed_mid_job_leaves_nothing_half_written(
    procs: Processes, pg_url: str, tmp_path: Path
) -> None:
    source = _generated_polis(tmp_path / "polis")
    from coalition.demo import build_demo_bundle
    from coalition.domain import JobKind
    from coalition.io.bundle import import_bundle
    from coalition.jobs import start
    from coalition.store.tables_deliberation import Conversation, Vote
    from coalition.store.tables_jobs import Job

    with session_scope(pg_url) as db:
        import_bundle(db, build_demo_bundle(actors=20, seed=3, slug="pn"))
    first = procs.start("worker")
    with session_scope(pg_url) as db:
        job_id = start(
            db, JobKind.polis_import, {"network": "pn", "directory": str(source), "replay": True}
        ).id

    def job() -> Job:
        with session_scope(pg_url) as db:
            found = db.get_one(Job, job_id)
            db.expunge(found)
            return found

    _wait_until(lambda: job().state == "running" and job().done > 0, 90, "the replay to run")
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    with session_scope(pg_url) as db:
        assert db.scalar(select(func.count()).select_from(Conversation)) == 0
        assert db.scalar(select(func.count()).select_from(Vote)) == 0
    assert job().state == "running", "killed mid-job: nobody has told the row yet"
    procs.start("worker")
    try:
        done = _wait_until(
            lambda: (j := job()).state in ("succeeded", "failed") and j, 180, "the retried job"
        )
    except AssertionError as exc:
        j = job()
        with session_scope(pg_url) as db:
            queue = db.execute(
                text(
                    "SELECT id, status, task_name, attempts, worker_id, queueing_lock"
                    " FROM procrastinate.procrastinate_jobs ORDER BY id"
                )
            ).all()
            workers = db.execute(
                text("SELECT id, last_heartbeat, now() FROM procrastinate.procrastinate_workers")
            ).all()
        raise AssertionError(
            f"{exc}: state {j.state}, attempts {j.attempts}, {j.done}/{j.total}\n"
            f"queue {queue}\nworkers {workers}\n{procs.tails()}"
        ) from None
    assert done.state == "succeeded", done.error
    assert done.attempts == 2 and done.result_link.startswith("/conversations/")
    with session_scope(pg_url) as db:
        (conv,) = db.scalars(select(Conversation)).all()
        votes = db.scalar(select(func.count()).select_from(Vote))
    assert done.result is not None and votes == done.result["n_votes"] and conv.id > 0


def test_answers_kept_by_one_app_process_follow_writes_made_on_the_other(
    procs: Processes, pg_url: str
) -> None:
    """The read cache of each process is keyed by the change stamps in the database: a member
    reads the directory on A (kept there), edits their profile on B, and A shows the edit."""
    demo = procs.start("demo", "--actors", "24")
    assert demo.wait(timeout=180) == 0, procs.tails()
    a, b = procs.app(), procs.app()
    client = httpx.Client(timeout=20)
    body = {"email": "member@example.org", "password": "coalition-demo"}
    r = client.post(f"{a}/api/auth/login", json=body, headers={"x-csrf-token": _csrf(client, a)})
    assert r.status_code == 200, r.text
    token = r.json()["csrf_token"]
    me = client.get(f"{b}/api/me").json()
    actor = next(m["actor_id"] for m in me["memberships"] if m["network"] == "demo")
    hits = [client.get(f"{a}/n/demo/directory").headers.get("x-read-cache") for _ in range(2)]
    assert hits == [None, "hit"], hits
    r = client.patch(
        f"{b}/api/actors/{actor}", json={"name": "Edited On B"}, headers={"x-csrf-token": token}
    )
    assert r.status_code == 200, r.text
    page = client.get(f"{a}/n/demo/directory?q=Edited")
    assert "Edited On B" in page.text
    again = client.get(f"{a}/api/actors/{actor}")
    assert again.headers.get("x-read-cache") is None and again.json()["name"] == "Edited On B"
