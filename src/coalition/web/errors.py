"""Every error becomes a 4xx with a message; an unexpected one a bare 500 whose body says
nothing of the cause, while the log keeps its traceback.

Starlette answers unexpected errors from its outermost layer, outside every middleware, so the
500 (and the answers of the input guard, which runs before the others) carry the security
headers themselves.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import IntegrityError, StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import CoalitionError, Forbidden, NotFound, Unauthorized
from ..i18n import _
from .messages import sentence

log = logging.getLogger("coalition.web")


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get(
        "accept", ""
    )


def _render(request: Request, status: int, message: str, body: dict[str, object]) -> Response:
    if _wants_html(request):
        templates = request.app.state.templates
        return templates.TemplateResponse(
            request, "error.html", {"status": status, "message": message}, status_code=status
        )
    return JSONResponse(jsonable_encoder(body), status_code=status)


def _here(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def _anonymous_page_visit(request: Request, exc: CoalitionError) -> bool:
    """A page (not the API) read by someone not signed in, refused as missing or forbidden."""
    if request.method != "GET" or not _wants_html(request):
        return False
    if request.url.path.startswith("/dev/"):
        return False  # the development outbox is absent, not members-only
    if not isinstance(exc, NotFound | Forbidden | Unauthorized):
        return False
    caller = getattr(request.state, "caller", None)
    return caller is not None and not caller.authenticated


def secured(response: Response) -> Response:
    """``response`` with the security headers every answer carries (extensions/security.py)."""
    from .extensions.security import CSP, HEADERS

    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers["content-security-policy"] = CSP
    response.headers.setdefault("cache-control", "no-store")
    return response


def error_response(
    request: Request, status: int, message: str, body: dict[str, object]
) -> Response:
    """An error answer (HTML for pages, JSON otherwise) built outside the middleware stack."""
    return secured(_render(request, status, message, body))


def install(app: FastAPI) -> None:
    @app.exception_handler(CoalitionError)
    async def _domain(request: Request, exc: CoalitionError) -> Response:
        body: dict[str, object] = {"detail": exc.message}
        field = getattr(exc, "field", None)
        if field:
            body["field"] = field
        code = getattr(exc, "code", None)
        if code:
            body["code"] = code
        if exc.details is not None:
            body["problems"] = exc.details
        if _anonymous_page_visit(request, exc):
            # A members-only page asks an anonymous visitor to sign in, and names no ids.
            return RedirectResponse(f"/login?next={quote(_here(request), safe='/')}", 303)
        return _render(request, exc.status, exc.message, body)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {
                "field": ".".join(str(p) for p in err.get("loc", ()) if p != "body"),
                "message": sentence(err),
                "type": err.get("type", ""),
            }
            for err in exc.errors()
        ]
        message = " ".join(dict.fromkeys(str(p["message"]) for p in problems))
        return _render(request, 422, message, {"detail": problems})

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> Response:
        log.info("integrity conflict on %s", request.url.path)
        message = _(
            "This conflicts with something already recorded: a duplicate, "
            "or a link to something that no longer exists."
        )
        return _render(request, 409, message, {"detail": message})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail)
        response = _render(request, exc.status_code, message, {"detail": message})
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        if isinstance(exc, StatementError):
            exc.hide_parameters = True  # the values may be private; the statement is enough
        log.error(
            "unexpected %s on %s %s",
            type(exc).__name__,
            request.method,
            request.url.path,
            exc_info=(type(exc), exc, exc.__traceback__),
        )
        message = _("Something went wrong on our side; nothing was changed.")
        if _wants_html(request):
            return secured(HTMLResponse(f"<h1>500</h1><p>{message}</p>", status_code=500))
        return secured(JSONResponse({"detail": message}, status_code=500))
