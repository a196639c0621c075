"""The navigation's unread count of thread posts (a Jinja global, ``unread_threads(request)``).

It counts with the request's own database session (a second session would wait on the first's
write lock under SQLite's immediate transactions): a dependency override of ``get_db`` keeps
the session on ``request.state`` and otherwise leaves it as it is. Pages rendered without a
resolved caller show no count.
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterator
from typing import cast

from fastapi import FastAPI, Request
from sqlalchemy.orm import Session

from ...services import threads
from ..deps import get_db

log = logging.getLogger("coalition.together")


def unread_threads(request: Request) -> int:
    caller = getattr(request.state, "caller", None)
    db = getattr(request.state, "together_db", None)
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

    def db_kept_for_the_count(request: Request) -> Iterator[Session]:
        inner = cast("Generator[Session, None, None]", get_db(request))
        session = next(inner)
        request.state.together_db = session
        try:
            yield session
        except BaseException as exc:
            inner.throw(exc)  # get_db rolls back and raises it again
            raise
        next(inner, None)  # get_db commits and closes

    app.dependency_overrides.setdefault(get_db, db_kept_for_the_count)
