"""Clients that act like a browser: the real caller resolver, cookies, CSRF tokens."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from coalition.config import Settings

CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')
CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')


def browser(settings: Settings) -> TestClient:
    """A client of an app with the real security extension (no caller override)."""
    from coalition.web.app import create_app

    return TestClient(create_app(settings), raise_server_exceptions=False)


def page_token(client: TestClient, path: str = "/login") -> str:
    r = client.get(path, headers={"accept": "text/html"})
    assert r.status_code == 200, (path, r.status_code, r.text[:300])
    match = CSRF_META.search(r.text)
    assert match, "every page carries the CSRF meta tag"
    return match.group(1)


def sign_in(client: TestClient, email: str, password: str) -> str:
    """Sign in through the login form; return the CSRF token of the signed-in session."""
    token = page_token(client)
    r = client.post(
        "/login",
        data={"csrf": token, "email": email, "password": password},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:300]
    return page_token(client, "/account")
