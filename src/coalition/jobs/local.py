"""The in-process runner (SQLite, or ``COALITION_JOBS=local``): jobs run on background
threads of the app after the request that started them commits, with the same job functions
and the same ``jobs`` rows as the procrastinate workers; failed attempts come back after the
same back-off. A process that stops with jobs queued or running picks them up when the app
starts again (:func:`resume`)."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy import select, update

from ..domain import JobState
from ..store.session import session_factory
from ..store.tables_jobs import Job
from .core import RetryLater, backoff_s, execute

log = logging.getLogger("coalition.jobs")

THREADS = 2
_POOL: ThreadPoolExecutor | None = None
_GUARD = threading.Lock()
_PENDING: set[Future[None]] = set()
_TIMERS: set[threading.Timer] = set()


def _pool() -> ThreadPoolExecutor:
    global _POOL
    with _GUARD:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(THREADS, thread_name_prefix="coalition-job")
        return _POOL


def submit(url: str, job_id: int, *, delay_s: float = 0.0) -> None:
    """Run job ``job_id`` on a background thread (after ``delay_s`` seconds)."""
    if delay_s > 0:
        timer = threading.Timer(delay_s, _fire, (url, job_id))
        timer.daemon = True
        with _GUARD:
            _TIMERS.add(timer)
        timer.start()
        return
    future = _pool().submit(_run, url, job_id)
    with _GUARD:
        _PENDING.add(future)
    future.add_done_callback(_forget)


def _fire(url: str, job_id: int) -> None:
    with _GUARD:
        _TIMERS.difference_update({t for t in _TIMERS if not t.is_alive() or t.finished.is_set()})
    submit(url, job_id)


def _forget(future: Future[None]) -> None:
    with _GUARD:
        _PENDING.discard(future)


def _run(url: str, job_id: int) -> None:
    try:
        execute(url, job_id)
    except RetryLater as exc:
        submit(url, job_id, delay_s=backoff_s(exc.attempt))
    except Exception:
        log.exception("job %s could not run", job_id)


def drain(timeout_s: float = 30.0) -> None:
    """Wait until the jobs handed to this process's runner so far have run (tests, shutdown)."""
    with _GUARD:
        pending = list(_PENDING)
    for future in pending:
        future.result(timeout=timeout_s)


def resume(url: str) -> int:
    """Queue again the jobs a stopped process left ``running`` and run every queued one."""
    with session_factory(url)() as db, db.begin():
        db.execute(
            update(Job)
            .where(Job.state == JobState.running.value)
            .values(state=JobState.queued.value)
        )
        ids = list(db.scalars(select(Job.id).where(Job.state == JobState.queued.value)))
    for job_id in ids:
        submit(url, job_id)
    return len(ids)
