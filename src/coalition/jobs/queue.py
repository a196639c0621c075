"""The job queue on PostgreSQL: procrastinate, in its own schema (``procrastinate``).

One procrastinate task, ``coalition.run_job(job_id)``, runs any of our jobs through
:func:`coalition.jobs.core.execute`; procrastinate retries it with exponential back-off when
it raises :class:`RetryLater`. Every worker sweeps every few seconds on its own event loop
(:func:`sweep_once`): it retries the jobs of workers that stopped sending heartbeats (a
worker killed mid-job: procrastinate's ``get_stalled_jobs`` / ``retry_job``) and hands over
again any job whose hand-over after commit was lost (the app died between its commit and the
defer).

The app processes only defer (a small synchronous pool each); ``coalition worker`` runs
:func:`run_worker`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import timedelta
from typing import Any

from procrastinate import App, PsycopgConnector, RetryStrategy, SyncPsycopgConnector
from sqlalchemy import text, update

from .. import clock
from ..domain import JobState
from ..store.migrate import QUEUE_SCHEMA, _libpq
from ..store.session import session_factory
from ..store.tables_jobs import Job
from .core import BACKOFF_BASE_S, MAX_ATTEMPTS, RetryLater, execute

RUN_JOB = "coalition.run_job"
# A worker sends a heartbeat every HEARTBEAT_S; one silent for STALLED_S is gone, and its
# running jobs are retried by the next sweep (every SWEEP_S).
HEARTBEAT_S = 2.0
STALLED_S = 10.0
SWEEP_S = 5.0
# A queued job with no procrastinate job for this long lost its hand-over: defer it again.
LOST_AFTER_S = 30.0

log = logging.getLogger("coalition.jobs")

_DEFERRERS: dict[str, App] = {}
_GUARD = threading.Lock()


def _pool_args(url: str, **extra: Any) -> dict[str, Any]:
    return {
        "conninfo": _libpq(url),
        "kwargs": {"options": f"-c search_path={QUEUE_SCHEMA}"},
        **extra,
    }


def _register(app: App, url: str) -> App:
    """Our tasks on ``app``, running jobs of the database at ``url``."""
    retry = RetryStrategy(
        max_attempts=MAX_ATTEMPTS,
        exponential_wait=int(BACKOFF_BASE_S),
        retry_exceptions={RetryLater},
    )

    @app.task(name=RUN_JOB, retry=retry)
    def run_job(job_id: int) -> None:
        execute(url, job_id)

    return app


async def sweep_once(app: App, url: str) -> None:
    """Retry the jobs of workers that stopped sending heartbeats (a worker killed mid-job:
    procrastinate's ``get_stalled_jobs`` / ``retry_job``), and hand over again any job whose
    hand-over after commit was lost."""
    for stalled in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_S):
        job_id = (stalled.task_kwargs or {}).get("job_id")
        if stalled.task_name == RUN_JOB and isinstance(job_id, int):
            await asyncio.to_thread(_requeue, url, job_id)
        await app.job_manager.retry_job(stalled)
    for job_id in await asyncio.to_thread(lost_jobs, url):
        await app.configure_task(RUN_JOB).defer_async(job_id=job_id)


async def _sweep_forever(app: App, url: str) -> None:
    """Every worker sweeps every SWEEP_S on its own event loop, beside the jobs it runs (not as
    a queued task: a sweep must not wait behind the jobs it is there to rescue)."""
    while True:
        try:
            await sweep_once(app, url)
        except Exception:  # noqa: BLE001 - a failed sweep is retried at the next tick
            log.exception("the sweep of stalled and lost jobs failed")
        await asyncio.sleep(SWEEP_S)


def _requeue(url: str, job_id: int) -> None:
    """The job's worker died while it ran: it is queued again (its work was rolled back)."""
    with session_factory(url)() as db, db.begin():
        db.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == JobState.running.value)
            .values(state=JobState.queued.value, error="its worker stopped; retried")
        )


def lost_jobs(url: str) -> list[int]:
    """Jobs queued for a while that procrastinate does not know as to do or doing."""
    cutoff = clock.utcnow() - timedelta(seconds=LOST_AFTER_S)
    with session_factory(url)() as db, db.begin():
        return list(
            db.scalars(
                text(
                    "SELECT j.id FROM jobs j WHERE j.state = 'queued' AND j.created_at < :cutoff"
                    f" AND NOT EXISTS (SELECT 1 FROM {QUEUE_SCHEMA}.procrastinate_jobs p"
                    " WHERE p.task_name = :task AND p.status IN ('todo', 'doing')"
                    " AND (p.args->>'job_id')::int = j.id) ORDER BY j.id LIMIT 500"
                ),
                {"cutoff": cutoff, "task": RUN_JOB},
            )
        )


def deferrer(url: str) -> App:
    """This process's app for deferring jobs on ``url`` (opened once, a small pool)."""
    with _GUARD:
        app = _DEFERRERS.get(url)
        if app is None:
            connector = SyncPsycopgConnector(**_pool_args(url, min_size=1, max_size=4))
            app = _register(App(connector=connector), url)
            app.open()
            _DEFERRERS[url] = app
        return app


def defer(url: str, job_id: int, *, delay_s: float = 0.0) -> int:
    """Put job ``job_id`` on procrastinate's queue; procrastinate's job id."""
    task = deferrer(url).configure_task(
        RUN_JOB, schedule_in={"seconds": delay_s} if delay_s > 0 else None
    )
    return task.defer(job_id=job_id)


def queue_ready(url: str) -> bool:
    """The queue's tables answer (``/readyz``)."""
    return bool(deferrer(url).check_connection())


def run_worker(url: str, concurrency: int = 1, *, wait: bool = True) -> None:
    """Run a procrastinate worker for ``url`` in the foreground until SIGINT/SIGTERM."""
    app = _register(App(connector=PsycopgConnector(**_pool_args(url))), url)

    async def main() -> None:
        async with app.open_async():
            sweeper = asyncio.create_task(_sweep_forever(app, url))
            try:
                await app.run_worker_async(
                    concurrency=concurrency,
                    wait=wait,
                    name="coalition-worker",
                    update_heartbeat_interval=HEARTBEAT_S,
                    stalled_worker_timeout=STALLED_S,
                    delete_jobs="successful",
                )
            finally:
                sweeper.cancel()

    asyncio.run(main())
