"""Input refused at the edge, before any route or middleware reads it: oversized bodies (413)
and control characters in the path, the query string or a form field (422, naming the field).

JSON bodies are checked by the input models (schemas/common.py ``StrictModel``), field by field
with each field's own limit; this covers what no model sees: every query parameter (the slug of
a path included), and every field of every HTML form (sign-in, registration and reset
included), whichever page parses it. It is the outermost middleware, so a body over the cap is
refused before the CSRF check buffers it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from starlette.datastructures import UploadFile

from ..schemas.common import LONG_TEXT_MAX, control_problem
from . import errors

#: The largest request body, in bytes: room for a 2 MiB upload (base64 or multipart) and its
#: fields. Imports of whole files (paths ending in ``/import``) may send up to 64 MiB.
MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_IMPORT_BODY_BYTES = 65 * 1024 * 1024
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")

Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]


def body_limit(path: str) -> int:
    """The largest body a request to ``path`` may send."""
    return MAX_IMPORT_BODY_BYTES if path.rstrip("/").endswith("/import") else MAX_BODY_BYTES


def _problem(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message, "type": "value_error"}


def _text_problems(field: str, value: str) -> list[dict[str, str]]:
    problem = control_problem(value)
    if problem is not None:
        return [_problem(field, problem)]
    if len(value) > LONG_TEXT_MAX:
        return [_problem(field, f"must be at most {LONG_TEXT_MAX:,} characters")]
    return []


def url_problems(scope: MutableMapping[str, Any]) -> list[dict[str, str]]:
    """Control characters in the (decoded) path or in any query parameter's name or value."""
    found = []
    if control_problem(scope.get("path", "")) is not None:
        found.append(_problem("path", "must not contain control characters"))
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        for text in (name, value):
            problems = _text_problems(f"query.{name[:60]}", text)
            if problems:
                found.extend(problems)
                break
    return found


async def form_problems(request: Request) -> list[dict[str, str]]:
    """Control characters or oversized text in any field of a form body (files are not text)."""
    try:
        form = await request.form()
    except Exception:  # malformed: the route's own parsing answers it (400)
        return []
    found = []
    try:
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                continue
            found.extend(_text_problems(name[:60], name) or _text_problems(name[:60], value))
    finally:
        await form.close()
    return found


async def read_body(receive: Receive, limit: int | None = None) -> bytes | None:
    """The whole body, or None as soon as it passes ``limit`` bytes (never without a limit)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if limit is not None and size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replay(body: bytes) -> Receive:
    """A ``receive`` that hands the app ``body`` again (read once by a middleware)."""
    sent = False

    async def receive() -> MutableMapping[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


def _declared_length(request: Request) -> int | None:
    try:
        return int(request.headers.get("content-length", ""))
    except ValueError:
        return None


class InputGuard:
    """Refuses oversized bodies and control characters before anything else reads them."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        problems = url_problems(scope)
        if problems:
            await self._invalid(request, problems, scope, send)
            return
        if scope["method"] in _BODY_METHODS:
            limit = body_limit(scope.get("path", ""))
            declared = _declared_length(request)
            too_long = declared is not None and declared > limit
            body = None if too_long else await read_body(receive, limit)
            if body is None:
                message = f"the request body is larger than {limit // (1024 * 1024)} MiB"
                response = errors.error_response(request, 413, message, {"detail": message})
                await response(scope, replay(b""), send)
                return
            content_type = request.headers.get("content-type", "").lower()
            if content_type.startswith(_FORMS):
                problems = await form_problems(Request(scope, replay(body)))
                if problems:
                    await self._invalid(request, problems, scope, send)
                    return
            receive = replay(body)
        await self.app(scope, receive, send)

    @staticmethod
    async def _invalid(
        request: Request, problems: list[dict[str, str]], scope: Any, send: Any
    ) -> None:
        message = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        response = errors.error_response(request, 422, message, {"detail": problems})
        await response(scope, replay(b""), send)


def install(app: FastAPI) -> None:
    """Add the guard last, so that it wraps every other middleware."""
    app.add_middleware(InputGuard)
