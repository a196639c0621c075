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

from ...services import invitation_threads, threads

log = logging.getLogger("coalition.together")


def unread_threads(request: Request) -> int:
    caller = getattr(request.state, "caller", None)
    db = getattr(request.state, "db", None)
    if caller is None or db is None or not caller.actor_ids:
        return 0
    try:
        with db.begin_nested():
            return threads.unread_total(db, caller)
    except Exception as exc:  # noqa: BLE001 - a count must never break the page it decorates
        log.warning("unread count not computed (%s)", type(exc).__name__)
        return 0


def unread_invitation_messages(request: Request, page_caller: Any = None) -> dict[int, int]:
    """Unread messages per invitation of the caller (either side); empty when none. A page
    that has its caller passes it (``page_caller``), for when the chrome's is not resolved."""
    caller = getattr(request.state, "caller", None) or page_caller
    db = getattr(request.state, "db", None)
    if caller is None or db is None or not caller.actor_ids:
        return {}
    try:
        with db.begin_nested():
            return invitation_threads.unread_by_invitation(db, caller)
    except Exception as exc:  # noqa: BLE001 - a count must never break the page it decorates
        log.warning("unread invitation messages not counted (%s)", type(exc).__name__)
        return {}


def install(app: FastAPI) -> None:
    app.state.templates.env.globals["unread_threads"] = unread_threads
    app.state.templates.env.globals["unread_invitation_messages"] = unread_invitation_messages
