"""Shared fixtures: every store test runs on SQLite and on PostgreSQL over a real connection.

``COALITION_TEST_DATABASES`` (default ``sqlite,postgresql``) narrows the list. When PostgreSQL
is asked for and cannot be reached, its tests fail with a clear message; never a silent skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from coalition.config import Settings
from coalition.services.access import Caller
from coalition.store.migrate import upgrade
from coalition.store.session import engine_for, session_factory
from coalition.store.stamps import ChangeStamp, initial_rows
from coalition.store.tables import Base

ROOT = Path(__file__).resolve().parent.parent
# ../shared/data beside the checkout; COALITION_SHARED_DATA points elsewhere (a git worktree)
SHARED_DATA = Path(os.environ.get("COALITION_SHARED_DATA", ROOT.parent / "shared" / "data"))
# Tests read the analysis of the votes they just cast: the live analysis is recomputed on the
# first read after every vote, not once per freshness window (its own tests set a window:
# tests/deliberation/test_results_freshness.py). Inherited by the servers tests start.
os.environ.setdefault("COALITION_RESULTS_FRESHNESS", "0")
PG_ADMIN = os.environ.get(
    "COALITION_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def _backends() -> list[str]:
    names = [
        n.strip()
        for n in os.environ.get("COALITION_TEST_DATABASES", "sqlite,postgresql").split(",")
    ]
    unknown = set(names) - {"sqlite", "postgresql"}
    if unknown:
        raise pytest.UsageError(f"COALITION_TEST_DATABASES: unknown {sorted(unknown)}")
    return [n for n in names if n]


def _pg_database(worker: str) -> str:
    import psycopg

    # One database per test process, so parallel runs on one machine never collide.
    name = f"coalition_test_{worker}_{os.getpid()}"
    try:
        with psycopg.connect(
            PG_ADMIN.replace("postgresql://", "postgresql://", 1),
            autocommit=True,
            connect_timeout=5,
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {PG_ADMIN} ({exc}). Start it (.ci/run does) or set "
            "COALITION_TEST_DATABASES=sqlite to run only the SQLite half.",
            pytrace=False,
        )
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session", params=_backends())
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'coalition.db'}"
    else:
        url = _pg_database(worker)
        request.addfinalizer(lambda: _drop_pg(url))
    upgrade(url, "heads")
    return url


def _drop_pg(url: str) -> None:
    import psycopg

    engine_for(url).dispose()
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wipe(url: str) -> None:
    engine = engine_for(url)
    names = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(
                text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE")
            )
        else:
            for name in names:
                conn.execute(text(f'DELETE FROM "{name}"'))
        # the change stamps a migrated database starts with (a new epoch: kept answers of the
        # previous test's data never match)
        conn.execute(insert(ChangeStamp), initial_rows())


@pytest.fixture
def clean_url(db_url: str) -> str:
    """The database URL, emptied of rows (the schema stays)."""
    _wipe(db_url)
    return db_url


@pytest.fixture
def db(clean_url: str) -> Iterator[Session]:
    session = session_factory(clean_url)()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


@pytest.fixture
def settings(clean_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=clean_url, secret_key="test-secret", results_freshness_s=0.0)


def make_client(settings: Settings, caller: Caller | None = None) -> TestClient:
    from coalition.web.app import create_app

    app = create_app(settings)
    if caller is not None:
        app.state.resolve_caller = lambda request, db: caller
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def operator_client(settings: Settings) -> TestClient:
    """A client acting as the server's operator (all rights): for tests of data behaviour."""
    return make_client(settings, Caller.operator())


def shared_data(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared/data is not checked out beside the repo)")
    return path


def small_bundle(actors: int = 40, seed: int = 3) -> dict[str, Any]:
    from coalition.demo import build_demo_bundle

    return build_demo_bundle(actors=actors, seed=seed, slug="small")


def finish_job(url: str, job_id: int | None) -> dict[str, Any]:
    """Run a started job here if no runner has taken it yet (PostgreSQL has no worker in these
    tests; SQLite's in-process runner may have it already), wait for its end, its result."""
    from coalition.jobs import execute, wait

    assert job_id is not None, "no job was started"
    execute(url, job_id)
    job = wait(url, job_id)
    assert job.state == "succeeded", (job.state, job.error)
    return dict(job.result or {})


@pytest.fixture
def smtp_port() -> Iterator[int]:
    """A throwaway SMTP server on a free port (its messages in ``tests.smtp.received``)."""
    from tests.smtp import serve_smtp

    yield from serve_smtp()
