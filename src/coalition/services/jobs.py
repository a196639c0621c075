"""Reading a job: only the account that started it and the stewards of its network may
(anyone else is told it does not exist)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..domain import JobState
from ..errors import NotFound
from ..i18n import _
from ..jobs.progress import live_progress
from ..schemas.jobs import JobOut
from ..store.tables_jobs import Job
from .access import Caller


def may_read(caller: Caller, job: Job) -> bool:
    if caller.system:
        return True
    if caller.account_id is not None and job.created_by == caller.account_id:
        return True
    return job.network_id is not None and caller.has_role(job.network_id, "steward")


def get_job(db: Session, caller: Caller, job_id: int) -> JobOut:
    """Job ``job_id`` as its starter (or a steward of its network) sees it."""
    job = db.get(Job, job_id)
    if job is None or not may_read(caller, job):
        raise NotFound(_("there is no job %(job_id)s") % {"job_id": job_id})
    done, total = job.done, job.total
    live = live_progress(job.id) if job.state == JobState.running.value else None
    if live is not None:
        done, total = live
    if job.state == JobState.succeeded.value and not total:
        done, total = 1, 1
    percent = None if not total else max(0, min(100, round(100 * done / total)))
    return JobOut(
        id=job.id,
        kind=job.kind,
        state=job.state,
        done=done,
        total=total,
        percent=percent,
        result_link=job.result_link,
        error=job.error,
        result=job.result,
        created_at=job.created_at,
        finished_at=job.finished_at,
    )
