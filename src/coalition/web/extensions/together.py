"""The navigation's unread counts: thread posts (a Jinja global, ``unread_threads(request)``) and
messages on the caller's invitations (``unread_invitation_messages(request)``).

It counts with the request's own database session, which ``web.deps.get_db`` keeps on
``request.state`` (a second session would wait on the first's write lock under SQLite's
immediate transactions). Pages rendered without a resolved caller show no count.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request

from ...services import unread

log = logging.getLogger("coalition.together")


def _counts(request: Request, caller: Any) -> tuple[int, dict[int, int]]:
    """Both of the navigation's counts, in one statement, once per request.

    On PostgreSQL the statement runs in a savepoint: a failed statement would abort the
    request's transaction. SQLite only undoes the failed statement, so it needs none."""
    cached = getattr(request.state, "unread_counts", None)
    if cached is not None:
        return cached
    db = getattr(request.state, "db", None)
    counts: tuple[int, dict[int, int]] = (0, {})
    if caller is None or db is None or not caller.actor_ids:
        return counts
    try:
        if db.get_bind().dialect.name == "sqlite":
            counts = unread.navigation_counts(db, caller)
        else:
            with db.begin_nested():
                counts = unread.navigation_counts(db, caller)
    except Exception as exc:  # noqa: BLE001 - a count must never break the page it decorates
        log.warning("unread counts not computed (%s)", type(exc).__name__)
    request.state.unread_counts = counts
    return counts


def unread_threads(request: Request) -> int:
    """Posts by others the caller has not read yet, in threads they read."""
    return _counts(request, getattr(request.state, "caller", None))[0]


def unread_invitation_messages(request: Request, page_caller: Any = None) -> dict[int, int]:
    """Unread messages per invitation of the caller (either side); empty when none. A page
    that has its caller passes it (``page_caller``), for when the chrome's is not resolved."""
    return _counts(request, getattr(request.state, "caller", None) or page_caller)[1]


def install(app: FastAPI) -> None:
    app.state.templates.env.globals["unread_threads"] = unread_threads
    app.state.templates.env.globals["unread_invitation_messages"] = unread_invitation_messages
