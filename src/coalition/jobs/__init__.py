"""Background jobs: procrastinate workers on PostgreSQL, an in-process runner on SQLite, one
``jobs`` table for both (see coalition.jobs.core)."""

from __future__ import annotations

from . import functions as functions
from .core import (
    FUNCTIONS,
    JobContext,
    RetryLater,
    after_commit,
    dispatch,
    execute,
    runner_for,
    start,
    use_settings,
    wait,
)

__all__ = [
    "FUNCTIONS",
    "JobContext",
    "RetryLater",
    "after_commit",
    "dispatch",
    "execute",
    "runner_for",
    "start",
    "use_settings",
    "wait",
]
