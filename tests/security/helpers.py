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


PARAM = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)(?::[^}]*)?\}")
MISSING_ID = 999_999


def app_routes(app: object) -> list[tuple[str, str]]:
    """Every (METHOD, path) the app answers, from its route list (HEAD and OPTIONS aside)."""
    from fastapi.routing import iter_route_contexts

    found = set()
    for route in iter_route_contexts(app.routes):  # type: ignore[attr-defined]
        path = route.path
        methods = route.methods or set()
        if not path or path.startswith("/static"):
            continue
        for method in methods - {"HEAD", "OPTIONS"}:
            found.add((method, path))
    return sorted(found, key=lambda mp: (mp[1], mp[0]))


def fill(path: str, values: dict[str, object], overrides: dict[str, object] | None = None) -> str:
    """``path`` with each ``{param}`` replaced by the world's value (or an id that is not there)."""
    given = dict(values) | dict(overrides or {})

    def one(match: re.Match[str]) -> str:
        return str(given.get(match.group(1), MISSING_ID))

    return PARAM.sub(one, path)


class Callers:
    """One app whose caller is switched per request: as make_client, but templates compile and
    the OpenAPI schema is built once instead of once per caller."""

    def __init__(self, settings: Settings, callers: dict[str, object]) -> None:
        from coalition.web.app import create_app

        self.callers = callers
        self.current = next(iter(callers))
        app = create_app(settings)
        app.state.resolve_caller = lambda request, db: self.callers[self.current]
        self.client = TestClient(app, raise_server_exceptions=False)

    def __getitem__(self, role: str) -> TestClient:
        self.current = role
        return self.client
