"""The page of a background job: a progress bar that htmx refreshes every second while the
job runs (without JavaScript the page reloads itself: ``<noscript><meta http-equiv=refresh>``),
and the link to its result when it is done."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ...domain import JOB_FINAL_STATES
from ...services.jobs import get_job
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..kit import render, to_login
from ..params import PathId
from ..read_cache import never_kept

router = APIRouter(include_in_schema=False, route_class=CommitFirstRoute)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
@never_kept
def job_page(request: Request, job_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    if not caller.authenticated:
        return to_login(request)
    job = get_job(db, caller, job_id)
    partial = request.headers.get("hx-request") == "true"
    template = "jobs/_progress.html" if partial else "jobs/job.html"
    context = {"job": job, "final": job.state in JOB_FINAL_STATES}
    return render(request, template, context)
