"""The job resource: what ``/api/jobs/{id}`` answers (no input models: jobs are started by
the actions that need them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class JobOut(BaseModel):
    id: int
    kind: str
    state: str
    done: int
    total: int | None
    # 0–100 once the total is known; None while it is not (an indeterminate bar).
    percent: int | None
    result_link: str
    error: str
    result: dict[str, Any] | None
    created_at: datetime
    finished_at: datetime | None
