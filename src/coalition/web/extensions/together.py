"""The navigation's unread count of thread posts (a Jinja global, ``unread_threads(request)``).

It reads the caller the security extension resolved for this request; pages rendered without
one (signed out, or an error before the caller was known) show no count.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request

from ...services import threads
from ...store.session import session_factory

log = logging.getLogger("coalition.together")


def unread_threads(request: Request) -> int:
    caller = getattr(request.state, "caller", None)
    if caller is None or not caller.actor_ids:
        return 0
    db = session_factory(request.app.state.settings.database_url)()
    try:
        return threads.unread_total(db, caller)
    except Exception as exc:  # noqa: BLE001 - a count must never break the page it decorates
        log.warning("unread count not computed (%s)", type(exc).__name__)
        return 0
    finally:
        db.close()


def install(app: FastAPI) -> None:
    app.state.templates.env.globals["unread_threads"] = unread_threads
