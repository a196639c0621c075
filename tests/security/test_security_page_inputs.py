"""The HTML pages are not in /openapi.json, so schemathesis never reaches them: here every page
route gets hostile values in each of its query parameters (GET) and form fields (POST), as a
signed-in steward. No answer may be a server error."""

from __future__ import annotations

from typing import Any

from fastapi.routing import APIRoute, iter_route_contexts

from coalition.config import Settings
from coalition.store.session import session_scope
from tests.factories import PASSWORD, security_world

from .helpers import PARAM, browser, sign_in

HOSTILE = ("a\x00b", "²", "9" * 5000, str(2**70), "nan", "-1")
#: Field names of the pages that read their form themselves (no declared parameters).
FREE_FORM_FIELDS = ("actor_id", "title", "name", "bio", "trust", "role-0-title", "role-0-cap-0")
SKIP = {"/logout", "/account/delete"}


def _names(route: APIRoute, kind: str) -> list[str]:
    names = [p.alias for p in getattr(route.dependant, kind)]
    for sub in route.dependant.dependencies:
        names += [p.alias for p in getattr(sub, kind)]
    return [n for n in names if n != "csrf"]


def test_no_page_answers_a_server_error_to_hostile_values(settings: Settings) -> None:
    with session_scope(settings.database_url) as db:
        world = security_world(db)
    client = browser(settings)
    csrf = sign_in(client, "steward@example.org", PASSWORD)
    values: dict[str, Any] = dict(world.values)
    html = {"accept": "text/html"}
    routes = [c.route for c in iter_route_contexts(client.app.routes)]  # type: ignore[attr-defined]
    pages = [r for r in routes if isinstance(r, APIRoute) and not r.path.startswith("/api")]
    failures, sent = [], 0
    for route in pages:
        if route.path in SKIP:
            continue
        path = PARAM.sub(lambda m: str(values.get(m.group(1), 1)), route.path)
        if "GET" in route.methods:
            for name in _names(route, "query_params"):
                for value in HOSTILE:
                    sent += 1
                    r = client.get(path, params={name: value}, headers=html)
                    if r.status_code >= 500:
                        failures.append(f"GET {path}?{name}={value[:12]!r}: {r.status_code}")
        if "POST" in route.methods:
            for name in _names(route, "body_params") or list(FREE_FORM_FIELDS):
                for value in HOSTILE:
                    sent += 1
                    r = client.post(
                        path,
                        data={"csrf": csrf, name: value},
                        headers=html,
                        follow_redirects=False,
                    )
                    if r.status_code >= 500:
                        failures.append(f"POST {path} {name}={value[:12]!r}: {r.status_code}")
    assert sent > 500
    assert not failures, "\n".join(failures)
