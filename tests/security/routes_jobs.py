"""Route-matrix entries of the job resource and the probes (web/api/jobs.py,
web/pages/jobs.py).

``{job_id}`` is a job the member started in network alpha: the member and alpha's steward
read it; everyone else is told it is not there (a signed-out caller of the page is sent to
sign in). The probes are public: a load balancer asks them without credentials.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .route_matrix import EVERYONE, ROUTES, WORLD_HOOKS, Rule, expect

JOB_READ = expect("404", member="2xx", steward="2xx")
JOB_PAGE = expect("404", anonymous="3xx", member="2xx", steward="2xx")


def _jobs_world(db: Session, values: dict[str, Any]) -> dict[str, Any]:
    from coalition.store.tables import Network
    from coalition.store.tables_jobs import Job

    alpha = db.scalar(select(Network.id).where(Network.slug == "alpha"))
    job = Job(
        kind="polis_import",
        state="running",
        payload={},
        done=3,
        total=10,
        result_link="",
        error="",
        created_by=values["member_account"],
        network_id=alpha,
    )
    db.add(job)
    db.flush()
    return {"job_id": job.id}


WORLD_HOOKS.append(_jobs_world)

ROUTES.update(
    {
        "GET /api/jobs/{job_id}": Rule(JOB_READ),
        "GET /jobs/{job_id}": Rule(JOB_PAGE),
        "GET /healthz": Rule(EVERYONE),
        "GET /readyz": Rule(EVERYONE),
    }
)
