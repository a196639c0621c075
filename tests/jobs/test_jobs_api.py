"""The job resource: who may read a job, what it says, its page; and how execute() records
a job's life (claim once, retry with back-off, fail for good) on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from coalition import jobs
from coalition.config import Settings
from coalition.domain import JobKind
from coalition.jobs.core import FUNCTIONS, MAX_ATTEMPTS, JobContext
from coalition.schemas.directory import NetworkIn
from coalition.services import identity, memberships, networks
from coalition.services.access import Caller
from coalition.store.tables_auth import Account
from coalition.store.tables_jobs import Job
from tests.conftest import make_client


def _account(db: Session, email: str) -> int:
    account = Account(email=email, display_name=email.split("@")[0], password_hash="x")
    db.add(account)
    db.flush()
    return account.id


def _job(db: Session, **kw: Any) -> int:
    job = Job(kind="polis_import", payload={}, result_link="", error="", **kw)
    db.add(job)
    db.flush()
    return job.id


@pytest.fixture
def people(db: Session) -> dict[str, Any]:
    net = networks.create_network(db, Caller.operator(), NetworkIn(slug="jn", name="J"))
    ids = {name: _account(db, f"{name}@example.org") for name in ("starter", "other", "steward")}
    for name, account_id in ids.items():
        role = "steward" if name == "steward" else "member"
        memberships.add_membership(db, account_id, net.id, role)
    job_id = _job(
        db,
        state="running",
        done=25,
        total=100,
        created_by=ids["starter"],
        network_id=net.id,
    )
    db.commit()
    callers = {name: identity.caller_for_account(db, i) for name, i in ids.items()}
    db.commit()
    return {"callers": callers, "job_id": job_id}


def test_only_the_starter_and_stewards_read_a_job(
    settings: Settings, people: dict[str, Any]
) -> None:
    job_id = people["job_id"]
    for name in ("starter", "steward"):
        r = make_client(settings, people["callers"][name]).get(f"/api/jobs/{job_id}")
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["state"], body["done"], body["total"], body["percent"]) == (
            "running",
            25,
            100,
            25,
        )
        assert body["error"] == "" and body["result_link"] == ""
    other = make_client(settings, people["callers"]["other"]).get(f"/api/jobs/{job_id}")
    assert other.status_code == 404 and "no job" in other.json()["detail"]
    assert make_client(settings).get(f"/api/jobs/{job_id}").status_code == 404
    assert make_client(settings).get(f"/api/jobs/{job_id + 999}").status_code == 404


def test_the_job_page_polls_until_the_end(
    settings: Settings, people: dict[str, Any], db: Session
) -> None:
    job_id = people["job_id"]
    starter = make_client(settings, people["callers"]["starter"])
    page = starter.get(f"/jobs/{job_id}")
    assert page.status_code == 200
    assert 'hx-trigger="every 1s"' in page.text and 'http-equiv="refresh"' in page.text
    assert '<progress id="job-bar-' in page.text and 'value="25"' in page.text
    partial = starter.get(f"/jobs/{job_id}", headers={"HX-Request": "true"})
    assert partial.text.lstrip().startswith("<section") and "<html" not in partial.text
    job = db.get_one(Job, job_id)
    job.state, job.done, job.result_link = "succeeded", 100, "/conversations/1"
    db.commit()
    done = starter.get(f"/jobs/{job_id}")
    assert "hx-trigger" not in done.text and 'http-equiv="refresh"' not in done.text
    assert 'href="/conversations/1"' in done.text
    other = make_client(settings, people["callers"]["other"]).get(f"/jobs/{job_id}")
    assert other.status_code == 404
    anonymous = make_client(settings).get(f"/jobs/{job_id}", follow_redirects=False)
    assert anonymous.status_code == 303


def test_probes(settings: Settings) -> None:
    client = make_client(settings)
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    body = ready.json()
    assert body["database"] == "ok"
    expected = "in-process" if settings.database_url.startswith("sqlite") else "ok"
    assert body["queue"] == expected
    broken = make_client(
        Settings(database_url="postgresql://nobody@127.0.0.1:1/none", secret_key="s")
    ).get("/readyz")
    assert broken.status_code == 503 and broken.json()["status"] == "not ready"


@pytest.fixture
def flaky() -> Any:
    """A job function of a kind of its own that fails the first ``fails`` attempts."""
    calls: list[int] = []
    state = {"fails": 0, "domain": False}

    def run(ctx: JobContext) -> tuple[dict[str, Any] | None, str]:
        calls.append(ctx.attempt)
        ctx.progress(len(calls), 10, force=True)
        if state["domain"]:
            from coalition.errors import Invalid

            raise Invalid("the export is malformed")
        if len(calls) <= state["fails"]:
            raise OSError("connection reset")
        return {"calls": len(calls)}, "/somewhere"

    FUNCTIONS["test_flaky"] = run
    yield calls, state
    FUNCTIONS.pop("test_flaky", None)


def _queued(db: Session) -> int:
    job_id = _job(db, state="queued")
    db.get_one(Job, job_id).kind = "test_flaky"
    db.commit()
    return job_id


def test_execute_claims_once_retries_and_records(clean_url: str, db: Session, flaky: Any) -> None:
    calls, state = flaky
    state["fails"] = 2
    job_id = _queued(db)
    for attempt in (1, 2):
        with pytest.raises(jobs.RetryLater) as raised:
            jobs.execute(clean_url, job_id)
        assert raised.value.attempt == attempt
        db.expire_all()
        job = db.get_one(Job, job_id)
        assert job.state == "queued" and job.error.startswith("OSError")
        db.rollback()
    assert jobs.execute(clean_url, job_id) == "succeeded"
    assert jobs.execute(clean_url, job_id) == "skipped", "a finished job never runs again"
    db.expire_all()
    job = db.get_one(Job, job_id)
    assert (job.state, job.attempts, job.result, job.result_link, job.error) == (
        "succeeded",
        3,
        {"calls": 3},
        "/somewhere",
        "",
    )
    assert calls == [1, 2, 3]


def test_a_job_gives_up_after_its_attempts_and_on_bad_input(
    clean_url: str, db: Session, flaky: Any
) -> None:
    calls, state = flaky
    state["fails"] = 99
    job_id = _queued(db)
    for _ in range(MAX_ATTEMPTS - 1):
        with pytest.raises(jobs.RetryLater):
            jobs.execute(clean_url, job_id)
    assert jobs.execute(clean_url, job_id) == "failed"
    db.expire_all()
    assert db.get_one(Job, job_id).state == "failed" and len(calls) == MAX_ATTEMPTS
    db.rollback()
    state["domain"] = True
    bad = _queued(db)
    assert jobs.execute(clean_url, bad) == "failed"
    db.expire_all()
    job = db.get_one(Job, bad)
    assert job.error == "the export is malformed" and job.attempts == 1


def test_a_job_starts_only_after_its_transaction_commits(clean_url: str, db: Session) -> None:
    handed: list[int] = []
    _job(db, state="failed")  # the transaction of some work
    jobs.after_commit(db, lambda: handed.append(1))
    db.rollback()
    db.commit()
    assert handed == [], "rolled back: never handed over"
    job = jobs.start(db, JobKind.polis_import, {"network": "none", "directory": "/nowhere"})
    assert db.get_one(Job, job.id).state == "queued"
    job_id = job.id
    if jobs.runner_for(clean_url) == "local":
        db.commit()
        done = jobs.wait(clean_url, job_id)
    else:  # no worker in this test: run it here as one would
        db.commit()
        jobs.execute(clean_url, job_id)
        done = jobs.wait(clean_url, job_id)
    assert done.state == "failed" and done.error and done.attempts == 1
