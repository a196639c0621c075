"""Start, run and follow background jobs: one ``jobs`` row per job, whoever runs it.

- :func:`start` records a job in the caller's transaction and hands it to a runner only
  *after that transaction commits* (a job never runs for work that was rolled back, and never
  reads a row its request has not stored yet).
- On PostgreSQL the runner is procrastinate (coalition.jobs.queue): ``coalition worker``
  processes on any machine take jobs from the database. On SQLite it is the in-process
  runner (coalition.jobs.local): a background thread of the app, so ``make run`` needs no
  worker. Both call :func:`execute`, so a job behaves the same on both.
- :func:`execute` claims the row (``queued`` → ``running``) in a transaction of its own,
  runs the job function, and records how it ended. A failure the function may recover from
  (not a :class:`coalition.errors.CoalitionError`) is retried with back-off up to
  :data:`MAX_ATTEMPTS` (the row goes back to ``queued``, :class:`RetryLater` tells the
  runner); a job function does its writes in the one session it is given, committed at the
  end, so a process killed mid-job leaves nothing half-written, only a job to run again.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import CursorResult, event, update
from sqlalchemy.orm import Session, SessionTransaction

from .. import clock
from ..config import Settings, load_settings
from ..domain import JOB_FINAL_STATES, JobKind, JobState
from ..errors import CoalitionError
from ..store.session import normalise_url, read_only_session, session_factory
from ..store.tables_auth import Account
from ..store.tables_jobs import Job

log = logging.getLogger("coalition.jobs")

MAX_ATTEMPTS = 5
# Seconds before retry n (1-based): 2, 4, 8, 16 (procrastinate's exponential_wait=2 likewise).
BACKOFF_BASE_S = 2.0
# Progress is written at most this often (it is a write of its own on PostgreSQL).
PROGRESS_EVERY_S = 0.25
_HOOKS = "coalition_after_commit"


class RetryLater(Exception):
    """The job failed and will run again (its row is back to ``queued``)."""

    def __init__(self, detail: str, attempt: int) -> None:
        super().__init__(detail)
        self.attempt = attempt


# The settings of the app serving each database in this process (create_app registers them):
# a job reads the SMTP URL and the like from there, else from the environment (a worker).
_SETTINGS: dict[str, Settings] = {}


def use_settings(settings: Settings, url: str | None = None) -> None:
    """Jobs on ``url`` (default: ``settings.database_url``) run with these settings here."""
    _SETTINGS[normalise_url(url or settings.database_url)] = settings


def settings_for(url: str) -> Settings:
    return _SETTINGS.get(normalise_url(url)) or load_settings()


@dataclass
class JobContext:
    """What a job function gets: its payload, the database, and a way to say how far it is."""

    job_id: int
    url: str
    payload: dict[str, Any]
    attempt: int
    _last: float = 0.0

    @property
    def settings(self) -> Settings:
        return settings_for(self.url)

    _progress: Callable[[int, int | None], None] = field(default=lambda d, t: None)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """The job's unit of work: committed when the block ends, rolled back on any error."""
        db = session_factory(self.url)()
        db.info["job_id"] = self.job_id
        try:
            yield db
            db.commit()
        except BaseException:
            db.rollback()
            raise
        finally:
            db.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for a job that only reads (it takes no write lock on SQLite)."""
        db = read_only_session(self.url)
        try:
            yield db
        finally:
            db.rollback()
            db.close()

    def progress(self, done: int, total: int | None = None, *, force: bool = False) -> None:
        """Record ``done`` of ``total`` steps (throttled: at most every PROGRESS_EVERY_S)."""
        now = time.monotonic()
        if force or now - self._last >= PROGRESS_EVERY_S:
            self._last = now
            self._progress(done, total)


JobFunction = Callable[[JobContext], tuple[dict[str, Any] | None, str]]
FUNCTIONS: dict[str, JobFunction] = {}


def job_function(kind: JobKind) -> Callable[[JobFunction], JobFunction]:
    """Register the function that runs jobs of ``kind``; it returns (result, result link)."""

    def register(fn: JobFunction) -> JobFunction:
        FUNCTIONS[kind.value] = fn
        return fn

    return register


# ---------------------------------------------------------------- starting


def database_url_of(db: Session) -> str:
    """The URL this session's engine was opened with (password included: a runner connects)."""
    return db.get_bind().engine.url.render_as_string(hide_password=False)


def start(
    db: Session,
    kind: JobKind,
    payload: dict[str, Any],
    *,
    created_by: int | None = None,
    network_id: int | None = None,
    result_link: str = "",
) -> Job:
    """Record a job in ``db``'s transaction; it is handed to a runner once that commits.

    ``created_by`` is the account that may follow it (with the network's stewards); a caller
    with no stored account (the operator at the console) starts jobs that only stewards see.
    """
    if created_by is not None and db.get(Account, created_by) is None:
        created_by = None
    job = Job(
        kind=kind.value,
        state=JobState.queued.value,
        payload=payload,
        created_by=created_by,
        network_id=network_id,
        result_link=result_link,
        error="",
    )
    db.add(job)
    db.flush()
    url = database_url_of(db)
    job_id = job.id
    after_commit(db, lambda: dispatch(url, job_id))
    return job


def after_commit(db: Session, fn: Callable[[], None]) -> None:
    """Call ``fn`` once ``db``'s current transaction has committed (never if it rolls back)."""
    hooks: list[Callable[[], None]] | None = db.info.get(_HOOKS)
    if hooks is None:
        hooks = db.info[_HOOKS] = []
        event.listen(db, "after_commit", _run_hooks)
        event.listen(db, "after_soft_rollback", _drop_hooks)
    hooks.append(fn)


def _run_hooks(db: Session) -> None:
    hooks = db.info.get(_HOOKS) or []
    db.info[_HOOKS] = []
    for fn in hooks:
        try:
            fn()
        except Exception:  # the work is stored; a lost hand-over is swept up (requeue_stale)
            log.exception("handing a job to its runner failed")


def _drop_hooks(db: Session, previous: SessionTransaction) -> None:
    if not previous.nested:  # a savepoint's rollback keeps what the outer transaction did
        db.info[_HOOKS] = []


def runner_for(url: str) -> str:
    """``queue`` (procrastinate, on PostgreSQL) or ``local`` (in-process, on SQLite; or where
    ``COALITION_JOBS=local`` asks for it)."""
    mode = settings_for(url).jobs
    if mode in ("queue", "local"):
        return mode
    return "local" if url.startswith("sqlite") else "queue"


def dispatch(url: str, job_id: int, *, delay_s: float = 0.0) -> None:
    """Hand a recorded job to the runner of its database."""
    if runner_for(url) == "queue":
        from .queue import defer

        defer(url, job_id, delay_s=delay_s)
    else:
        from .local import submit

        submit(url, job_id, delay_s=delay_s)


# ---------------------------------------------------------------- running


def _claim(url: str, job_id: int) -> tuple[str, dict[str, Any], int] | None:
    """Move the job to ``running`` if it is ``queued``: (kind, payload, attempt), else None."""
    with session_factory(url)() as db, db.begin():
        claimed = db.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == JobState.queued.value)
            .values(
                state=JobState.running.value,
                attempts=Job.attempts + 1,
                started_at=clock.utcnow(),
            )
        )
        if not isinstance(claimed, CursorResult) or claimed.rowcount != 1:
            return None
        job = db.get_one(Job, job_id)
        return job.kind, dict(job.payload or {}), job.attempts


def _finish(url: str, job_id: int, **values: Any) -> None:
    with session_factory(url)() as db, db.begin():
        db.execute(update(Job).where(Job.id == job_id).values(**values))


def execute(url: str, job_id: int) -> str:
    """Run job ``job_id`` if it is queued; its final state, ``retry``, or ``skipped``.

    Raises :class:`RetryLater` when it failed and will be retried (the runner schedules it).
    """
    claimed = _claim(url, job_id)
    if claimed is None:
        return "skipped"
    kind, payload, attempt = claimed
    fn = FUNCTIONS.get(kind)
    from .progress import writer_for

    context = JobContext(job_id, url, payload, attempt, _progress=writer_for(url, job_id))
    try:
        if fn is None:
            raise CoalitionError(f"no job function for '{kind}'")
        result, link = fn(context)
    except CoalitionError as exc:  # the input is wrong: running it again would not help
        _fail(url, job_id, exc.message)
        return JobState.failed.value
    except Exception as exc:
        log.warning("job %s (%s) attempt %s failed: %r", job_id, kind, attempt, exc)
        detail = f"{type(exc).__name__}: {str(exc)[:500]}"
        if attempt < MAX_ATTEMPTS:
            _finish(url, job_id, state=JobState.queued.value, error=detail)
            raise RetryLater(detail, attempt) from exc
        log.error("job %s gave up:\n%s", job_id, traceback.format_exc())
        _fail(url, job_id, detail)
        return JobState.failed.value
    values: dict[str, Any] = {
        "state": JobState.succeeded.value,
        "result": result,
        "finished_at": clock.utcnow(),
        "error": "",
    }
    if link:
        values["result_link"] = link
    from .progress import final_progress

    values.update(final_progress(job_id))
    _finish(url, job_id, **values)
    return JobState.succeeded.value


def _fail(url: str, job_id: int, message: str) -> None:
    from .progress import final_progress

    _finish(
        url,
        job_id,
        state=JobState.failed.value,
        error=message[:2000],
        finished_at=clock.utcnow(),
        **final_progress(job_id),
    )


def backoff_s(attempt: int) -> float:
    """Seconds to wait before running a job again after its ``attempt``-th failure."""
    return float(BACKOFF_BASE_S**attempt)


def wait(url: str, job_id: int, timeout_s: float = 30.0, poll_s: float = 0.05) -> Job:
    """The job once it has ended (or as it is when ``timeout_s`` runs out)."""
    deadline = time.monotonic() + timeout_s
    while True:
        with session_factory(url)() as db:
            job = db.get_one(Job, job_id)
            db.expunge(job)
        if job.state in JOB_FINAL_STATES or time.monotonic() > deadline:
            return job
        time.sleep(poll_s)
