"""How far a running job is: written to its row on PostgreSQL (any process reads it), kept
in this process on SQLite (the only process there is; the job's own transaction holds
SQLite's write lock, so a second writer would wait for it) and written at the end."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import update

from ..store.session import session_factory
from ..store.tables_jobs import Job

_LIVE: dict[int, tuple[int, int | None]] = {}
_GUARD = threading.Lock()


def writer_for(url: str, job_id: int) -> Callable[[int, int | None], None]:
    """A function recording ``(done, total)`` of job ``job_id``."""
    if url.startswith("sqlite"):

        def keep(done: int, total: int | None) -> None:
            with _GUARD:
                _LIVE[job_id] = (done, total)

        return keep

    def write(done: int, total: int | None) -> None:
        with session_factory(url)() as db, db.begin():
            db.execute(update(Job).where(Job.id == job_id).values(done=done, total=total))

    return write


def live_progress(job_id: int) -> tuple[int, int | None] | None:
    """The progress kept in this process for a job running here (SQLite), if any."""
    with _GUARD:
        return _LIVE.get(job_id)


def final_progress(job_id: int) -> dict[str, int | None]:
    """The last progress kept in this process, as column values to store with the outcome."""
    with _GUARD:
        kept = _LIVE.pop(job_id, None)
    return {} if kept is None else {"done": kept[0], "total": kept[1]}
