"""The language of each request: the account's setting, else the ``lang`` cookie, else
``Accept-Language`` (Babel's ``negotiate_locale``), else English.

A pure ASGI middleware sets the request's locale (coalition.i18n) from the cookie and the header
before any handler runs; resolving the caller (extensions/security.py) then applies the account's
own setting, which wins. The switcher on every page is a small form (base.html) that posts to
``/language``: it sets the cookie, saves the choice on the account of a signed-in person, and
goes back to the page it came from. The templates get the filters of coalition.formatting, the
page's ``lang`` and its direction (``rtl`` for Arabic).
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

from babel import Locale
from fastapi import FastAPI, Request, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ... import formatting, i18n
from ...labels import vocab

LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600


def request_locale(cookie_header: str, accept_language: str | None) -> str:
    """The locale chosen by the ``lang`` cookie, else by ``Accept-Language``, else English."""
    if cookie_header:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(cookie_header)
        except Exception:  # noqa: BLE001 - a malformed cookie header chooses nothing
            jar = SimpleCookie()
        morsel = jar.get(LANG_COOKIE)
        chosen = i18n.supported(morsel.value if morsel else None)
        if chosen:
            return chosen
    return i18n.negotiate(accept_language) or i18n.DEFAULT_LOCALE


class LocaleMiddleware:
    """Sets coalition.i18n's locale for the whole of each HTTP request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        locale = request_locale(headers.get("cookie", ""), headers.get("accept-language"))
        with i18n.use_locale(locale):
            await self.app(scope, receive, send)


def set_language_cookie(response: Response, request: Request, locale: str) -> None:
    """Remember ``locale`` in this browser for a year (readable by pages, not by scripts)."""
    response.set_cookie(
        LANG_COOKIE,
        locale,
        max_age=LANG_COOKIE_MAX_AGE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=bool(request.app.state.settings.secure_cookies),
    )


def language_choices() -> list[tuple[str, str]]:
    """(code, the language's own name) for the switcher: "English", "Español", "Français"…"""
    choices = []
    for code in i18n.LOCALES:
        name = Locale.parse(code).get_display_name(code) or code
        choices.append((code, name[:1].upper() + name[1:]))
    return choices


def template_globals() -> dict[str, Any]:
    return {
        "current_locale": i18n.current_locale,
        "text_direction": i18n.text_direction,
        "language_choices": language_choices(),
    }


def install(app: FastAPI) -> None:
    env = app.state.templates.env
    env.globals.update(template_globals())
    env.filters.update(formatting.FILTERS)
    env.filters["vocab"] = vocab
    app.add_middleware(LocaleMiddleware)
