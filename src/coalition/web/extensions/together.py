"""The navigation's unread count of thread posts (a Jinja global, ``unread_threads(request)``).

It counts with the request's own database session, which ``web.deps.get_db`` keeps on
``request.state`` (a second session would wait on the first's write lock under SQLite's
immediate transactions). Pages rendered without a resolved caller show no count.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request

from ...services import threads

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


def install(app: FastAPI) -> None:
    app.state.templates.env.globals["unread_threads"] = unread_threads
