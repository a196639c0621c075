"""A database too busy to answer in time is a 503 with ``Retry-After``, never a 500 or a hang.

The web server's connections carry a lock timeout and a statement timeout (store/session.py);
when one expires, when PostgreSQL breaks a deadlock or a serialisation conflict, when SQLite's
busy timeout passes, or when no pooled connection frees up in time, the request's work is rolled
back and the client is told to retry shortly. Any other database error stays a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

log = logging.getLogger("coalition.web")

RETRY_AFTER_S = 2
MESSAGE = "the server is busy; nothing was changed, please retry in a moment"
# lock_not_available, query_canceled (statement_timeout), deadlock_detected,
# serialization_failure: https://www.postgresql.org/docs/current/errcodes-appendix.html
BUSY_SQLSTATES = frozenset({"55P03", "57014", "40P01", "40001"})
BUSY_SQLITE = ("database is locked", "database table is locked", "database is busy")


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` says the database was too contended or too slow, not that it is broken."""
    if isinstance(exc, PoolTimeout):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    original: Any = exc.orig
    if getattr(original, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    text = str(original).lower()
    return type(original).__module__.startswith("sqlite3") and any(s in text for s in BUSY_SQLITE)


def busy_response(request: Request) -> Response:
    headers = {"retry-after": str(RETRY_AFTER_S)}
    accept = request.headers.get("accept", "")
    if not request.url.path.startswith("/api") and "text/html" in accept:
        templates = request.app.state.templates
        return templates.TemplateResponse(
            request,
            "error.html",
            {"status": 503, "message": MESSAGE},
            status_code=503,
            headers=headers,
        )
    return JSONResponse({"detail": MESSAGE}, status_code=503, headers=headers)


def install(app: FastAPI) -> None:
    async def _database(request: Request, exc: Exception) -> Response:
        if is_busy(exc):
            log.warning("database busy on %s: %s", request.url.path, type(exc).__name__)
            return busy_response(request)
        fallback: Any = app.exception_handlers[Exception]
        answer: Response = await fallback(request, exc)
        return answer

    app.add_exception_handler(DBAPIError, _database)
    app.add_exception_handler(PoolTimeout, _database)
