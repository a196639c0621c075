"""The job resource (``/api/jobs/{id}``) and the probes an operator's load balancer and
process manager ask: ``/healthz`` (the process answers) and ``/readyz`` (the database and,
on PostgreSQL, the job queue answer)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from ...jobs import runner_for
from ...schemas.jobs import JobOut
from ...services.jobs import get_job
from ...store.session import engine_for
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..params import PathId
from ..read_cache import never_kept

router = APIRouter(route_class=CommitFirstRoute, tags=["jobs"])


@router.get("/api/jobs/{job_id}")
@never_kept
def job(job_id: PathId, db: DB, caller: CurrentCaller) -> JobOut:
    """A background job: state, progress, result link and error (for whoever started it and
    the network's stewards; 404 for anyone else)."""
    return get_job(db, caller, job_id)


@router.get("/healthz")
@never_kept
def healthz() -> dict[str, str]:
    """The process is alive (no database work)."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "the database or job queue is down"}})
@never_kept
def readyz(request: Request) -> JSONResponse:
    """Ready for traffic: the database answers, and on PostgreSQL the job queue's tables."""
    url = request.app.state.settings.database_url
    checks: dict[str, str] = {}
    try:
        with engine_for(url).connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = type(exc).__name__
    runner = runner_for(url)
    if runner == "queue":
        try:
            from ...jobs.queue import queue_ready

            checks["queue"] = "ok" if queue_ready(url) else "missing"
        except Exception as exc:  # noqa: BLE001
            checks["queue"] = type(exc).__name__
    else:
        checks["queue"] = "in-process"
    ready = all(v in ("ok", "in-process") for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", **checks}, status_code=200 if ready else 503
    )
