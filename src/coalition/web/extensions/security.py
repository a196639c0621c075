"""Who is calling, CSRF protection and security headers, for every route of every area.

- **Callers.** ``Authorization: Bearer <token>`` is an API token (scoped: ``read`` for safe
  methods, ``write`` for the rest); otherwise the session cookie, else anonymous.
- **CSRF.** Signed double-submit: a random *seed* lives in an HttpOnly cookie; pages carry
  ``csrf_token(request)`` = HMAC(secret key, seed | session cookie) in a hidden ``csrf`` field
  (forms) or the ``X-CSRF-Token`` header (htmx, via static/csrf.js and the meta tag of
  base.html). Every unsafe request needs it, except API calls that carry no ambient authority:
  a Bearer token, or a JSON body with no session cookie (a browser cannot send JSON cross-site
  without a CORS preflight, which this app never grants). Cross-site posts are also refused by
  ``Sec-Fetch-Site`` / ``Origin``. When a test replaces ``app.state.resolve_caller`` there is no
  cookie session to protect, so the check stands aside.
- **Headers.** One Content-Security-Policy for every answer, the API docs included: no inline
  scripts and no other origin. /docs is Swagger UI from the npm copy in static/vendor, started
  by static/docs.js (web/app.py), so it needs no exception.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import re
import secrets
from collections.abc import MutableMapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import MutableHeaders

from ... import i18n
from ...errors import Forbidden, Unauthorized
from ...i18n import _
from ...services import accounts, tokens
from ...services.access import Caller
from ...services.network_settings import my_networks
from ...store.tables_auth import Account
from ..input_guard import read_body, replay

SESSION_COOKIE = "coalition_session"
CSRF_COOKIE = "coalition_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_SEED = re.compile(r"^[A-Za-z0-9_-]{20,64}$")

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # Inline style attributes are harmless without inline script; maps set them from JS.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The outside-voices page (/c/{token}) is the one page another site may frame (an embed): the
# same policy, but any ancestor, and no X-Frame-Options. Every other answer keeps 'none'.
EMBED_PREFIX = "/c/"
EMBED_CSP = CSP.replace("frame-ancestors 'none'", "frame-ancestors *")
HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "cross-origin-opener-policy": "same-origin",
}


# ---------------------------------------------------------------- the caller


def resolve_caller(request: Request, db: Session) -> Caller:
    """The caller of ``request``: API token, session cookie, or anonymous."""
    authorization = request.headers.get("authorization")
    if authorization is not None:
        scheme, _unused, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized(_("use 'Authorization: Bearer <API token>'"))
        caller = tokens.caller_for_token(db, token.strip())
        scope = "read" if request.method in SAFE_METHODS else "write"
        if not caller.may(scope):
            raise Forbidden(_("this API token lacks the '%(scope)s' scope") % {"scope": scope})
    else:
        session = request.cookies.get(SESSION_COOKIE)
        found = accounts.session_caller(db, session) if session else None
        if found is None:
            request.state.caller = Caller.anonymous()
            request.state.my_networks = []
            return request.state.caller
        _signed_in(request, found.caller, found.display_name, found.locale)
        request.state.my_networks = found.networks
        return found.caller
    if caller.account_id is not None:
        row = db.execute(
            select(Account.display_name, Account.locale).where(Account.id == caller.account_id)
        ).first()
        _signed_in(request, caller, row.display_name if row else None, row.locale if row else None)
    request.state.caller = caller
    # The navigation offers the caller's own networks, and never falls back to another one.
    request.state.my_networks = my_networks(db, caller)
    return caller


def _signed_in(request: Request, caller: Caller, name: str | None, locale: str | None) -> None:
    request.state.caller = caller
    request.state.account_name = name
    if locale:  # the account's own choice wins over cookie and browser
        i18n.set_locale(locale)


# ---------------------------------------------------------------- CSRF


def csrf_for(secret_key: str, seed: str, session: str | None) -> str:
    message = f"{seed}|{session or ''}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def csrf_token(request: Request, session: str | None = None) -> str:
    """The token this page's forms and htmx requests must send back (a Jinja global).

    ``session`` names the session a response is about to start (sign-in), when it differs from
    the cookie the request came with.
    """
    seed = getattr(request.state, "csrf_seed", "") or ""
    if session is None:
        session = request.cookies.get(SESSION_COOKIE)
    return csrf_for(request.app.state.settings.secret_key, seed, session)


def _is_json(content_type: str) -> bool:
    main = content_type.split(";", 1)[0].strip().lower()
    return main == "application/json" or main.endswith("+json")


async def _submitted_token(request: Request, body: bytes) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form_request = Request(request.scope, replay(body))
        try:
            form = await form_request.form()
        except Exception:  # a malformed form carries no token either
            return None
        value = form.get(CSRF_FIELD)
        await form.close()  # uploads are parsed again by the route, from the same bytes
        return value if isinstance(value, str) else None
    return None


async def csrf_problem(request: Request, body: bytes, seed: str) -> str | None:
    """Why an unsafe request must be refused, or None when it may go on."""
    if request.headers.get("authorization"):
        return None
    session = request.cookies.get(SESSION_COOKIE)
    if session is None and _is_json(request.headers.get("content-type", "")):
        return None
    if request.headers.get("sec-fetch-site", "").lower() == "cross-site":
        return "cross-site requests are refused"
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = request.headers.get("host", "")
        if origin.split("://", 1)[-1].rstrip("/") != host:
            return "requests from another site are refused"
    submitted = await _submitted_token(request, body)
    expected = csrf_for(request.app.state.settings.secret_key, seed, session)
    if not submitted or not hmac.compare_digest(submitted, expected):
        return "the form has expired or did not come from this site; reload the page and retry"
    return None


# ---------------------------------------------------------------- middleware


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get(
        "accept", ""
    )


def _refusal(request: Request, message: str) -> Response:
    if _wants_html(request):
        templates = request.app.state.templates
        return templates.TemplateResponse(
            request, "error.html", {"status": 403, "message": message}, status_code=403
        )
    return JSONResponse({"detail": message}, status_code=403)


class SecurityMiddleware:
    """CSRF check on unsafe requests, the CSRF seed cookie, and security headers on every answer."""

    def __init__(self, app: Any, fastapi_app: FastAPI) -> None:
        self.app = app
        self.fastapi_app = fastapi_app

    def _enforced(self) -> bool:
        return getattr(self.fastapi_app.state, "resolve_caller", None) is resolve_caller

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        settings = self.fastapi_app.state.settings
        seed = request.cookies.get(CSRF_COOKIE, "")
        new_seed = not _SEED.match(seed)
        if new_seed:
            seed = secrets.token_urlsafe(24)
        request.state.csrf_seed = seed
        private = bool(request.cookies.get(SESSION_COOKIE) or request.headers.get("authorization"))
        embeddable = scope["path"].startswith(EMBED_PREFIX)

        def decorate(headers: MutableHeaders) -> None:
            for name, value in HEADERS.items():
                if not (embeddable and name == "x-frame-options"):
                    headers.setdefault(name, value)
            headers["content-security-policy"] = EMBED_CSP if embeddable else CSP
            if settings.secure_cookies:
                headers.setdefault("strict-transport-security", "max-age=31536000")
            if private and "cache-control" not in headers:
                headers["cache-control"] = "no-store"
            if new_seed:
                secure = "; Secure" if settings.secure_cookies else ""
                headers.append(
                    "set-cookie",
                    f"{CSRF_COOKIE}={seed}; Path=/; Max-Age=31536000; HttpOnly; "
                    f"SameSite=Lax{secure}",
                )

        if scope["method"] not in SAFE_METHODS and self._enforced():
            body = await read_body(receive) or b""
            problem = await csrf_problem(request, body, seed)
            if problem is not None:
                response = _refusal(request, problem)
                decorate(response.headers)
                await response(scope, replay(b""), send)
                return
            receive = replay(body)

        async def send_wrapper(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                decorate(MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, send_wrapper)


def install(app: FastAPI) -> None:
    """Resolve callers from sessions and API tokens, and protect every route."""
    app.state.resolve_caller = resolve_caller
    app.state.templates.env.globals["csrf_token"] = csrf_token
    app.add_middleware(SecurityMiddleware, fastapi_app=app)


# ---------------------------------------------------------------- cookies and helpers


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    settings = request.app.state.settings
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(accounts.SESSION_TTL.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=bool(settings.secure_cookies),
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    settings = request.app.state.settings
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=bool(settings.secure_cookies),
    )


def client_ip(request: Request) -> str:
    """The address the rate limit counts by: the peer, or what a trusted proxy says it is.

    ``X-Forwarded-For`` is read only when the peer is one of ``settings.trusted_proxies``
    (addresses or networks); its entries are walked from the right, past the trusted proxies,
    to the first address none of them is: the one a client cannot forge. A loopback peer is
    not trusted for being local (a proxy on the same host passes every request from there).
    """
    peer = request.client.host if request.client else "unknown"
    trusted = _networks(request.app.state.settings.trusted_proxies)
    if not trusted or not _within(peer, trusted):
        return peer
    forwarded = ",".join(request.headers.getlist("x-forwarded-for"))
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _within(hop, trusted):
            return hop if _address(hop) is not None else peer
    return hops[0] if hops else peer


_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=32)
def _networks(proxies: tuple[str, ...]) -> tuple[_Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _within(text: str, networks: tuple[_Network, ...]) -> bool:
    address = _address(text)
    return address is not None and any(address in n for n in networks)


def outbox_open(request: Request) -> bool:
    """The development outbox: only in development mode (``COALITION_DEVELOPMENT=1``) and
    without SMTP. It holds one-time links (resets, invitations), so it is never served by a
    production server, whatever address the request comes from.
    """
    settings = request.app.state.settings
    return bool(settings.development) and settings.smtp_url is None


def safe_next(target: str | None, default: str = "/account") -> str:
    """A local path to go to after signing in; anything else (another site) is ignored."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
