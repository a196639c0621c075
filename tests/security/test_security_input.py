"""Hostile input at the edge: huge ids, control characters, oversized fields and bodies,
non-finite numbers. Each is a 4xx that names what is wrong — never a 500, never stored."""

from __future__ import annotations

import typing
from types import UnionType
from typing import Any

import annotated_types as at
import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic.fields import FieldInfo
from sqlalchemy import select

from coalition.config import Settings
from coalition.schemas.common import LONG_TEXT_MAX, MAX_ID, TEXT_MAX, StrictModel
from coalition.store.session import session_scope
from coalition.store.tables import Actor
from coalition.web.input_guard import MAX_BODY_BYTES
from tests.factories import PASSWORD, security_world

from .helpers import PARAM, browser, page_token, sign_in

HUGE_IDS = (2**31, 2**63, 2**70)


def _app(settings: Settings) -> Any:
    from coalition.web.app import create_app

    return create_app(settings)


def _api_routes(app: Any) -> list[APIRoute]:
    routes = [context.route for context in iter_route_contexts(app.routes)]
    return [r for r in routes if isinstance(r, APIRoute)]


def _nested_metadata(annotation: Any) -> list[Any]:
    found: list[Any] = []
    if typing.get_origin(annotation) is typing.Annotated:
        for arg in typing.get_args(annotation)[1:]:
            found += list(arg.metadata) if isinstance(arg, FieldInfo) else [arg]
    for arg in typing.get_args(annotation):
        found += _nested_metadata(arg)
    return found


def _bounded_int(field: Any) -> bool:
    info = field.field_info
    metadata = list(info.metadata) + _nested_metadata(info.annotation)
    limits = [getattr(m, "le", None) or getattr(m, "lt", None) for m in metadata]
    return any(limit is not None and limit <= MAX_ID + 1 for limit in limits)


def _is_int(annotation: Any) -> bool:
    if annotation is int:
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, UnionType, list):
        return any(_is_int(a) for a in typing.get_args(annotation))
    if origin is typing.Annotated:
        return _is_int(typing.get_args(annotation)[0])
    return False


def _params(dependant: Any) -> list[Any]:
    """The path, query and body (form) parameters of a route and of all its dependencies."""
    found = list(dependant.path_params + dependant.query_params + dependant.body_params)
    for sub in dependant.dependencies:
        found += _params(sub)
    return found


def test_every_integer_parameter_of_every_route_is_bounded(settings: Settings) -> None:
    """Path, query and form integers (ids, counts, seeds) all carry an upper bound."""
    unbounded = []
    for route in _api_routes(_app(settings)):
        for param in _params(route.dependant):
            if _is_int(param.field_info.annotation) and not _bounded_int(param):
                unbounded.append(f"{route.path} {param.name}")
    assert not unbounded, unbounded


def _walk(annotation: Any, metadata: list[Any]) -> list[tuple[str, bool]]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        args = typing.get_args(annotation)
        extra: list[Any] = []
        for arg in args[1:]:
            extra += list(arg.metadata) if isinstance(arg, FieldInfo) else [arg]
        return _walk(args[0], metadata + extra)
    if annotation is str:
        return [("str", any(isinstance(m, at.MaxLen) for m in metadata))]
    if annotation is int:
        return [("int", any(isinstance(m, at.Le | at.Lt) for m in metadata))]
    if annotation is float:
        return [("float", any(isinstance(m, at.Le | at.Lt) for m in metadata))]
    if origin is typing.Literal or isinstance(annotation, type):
        return []
    union = origin in (typing.Union, UnionType)
    found = []
    for arg in typing.get_args(annotation):
        found += _walk(arg, metadata if union else [])
    return found


def _subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out


def test_every_field_of_every_input_model_has_a_limit() -> None:
    """Every string has a maximum length and every number an upper bound, in every schema."""
    import importlib
    import pkgutil

    import coalition.schemas as schemas

    for info in pkgutil.iter_modules(schemas.__path__):
        importlib.import_module(f"coalition.schemas.{info.name}")
    missing = []
    models = {m for m in _subclasses(StrictModel) if m.__module__.startswith("coalition.schemas")}
    for model in models:
        for name, field in model.model_fields.items():  # type: ignore[attr-defined]
            for kind, bounded in _walk(field.annotation, list(field.metadata)):
                if not bounded:
                    missing.append(f"{model.__name__}.{name} ({kind})")
    assert not missing, sorted(missing)


def _id_routes(app: Any) -> list[tuple[str, str, list[str]]]:
    found = []
    for route in _api_routes(app):
        ids = [p.name for p in route.dependant.path_params if _is_int(p.field_info.annotation)]
        if ids:
            for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
                found.append((method, route.path, ids))
    return found


def test_ids_beyond_the_database_answer_422_on_every_id_route(settings: Settings) -> None:
    with session_scope(settings.database_url) as db:
        security_world(db)
    client = browser(settings)
    routes = _id_routes(client.app)
    assert len(routes) >= 60
    bad = []
    for method, path, ids in routes:
        for huge in HUGE_IDS:
            target = ids[0]
            url = PARAM.sub(
                lambda m, t=target, h=huge: (
                    str(h) if m.group(1) == t else "alpha" if m.group(1) == "slug" else "1"
                ),
                path,
            )
            r = client.request(method, url, json={})
            if r.status_code != 422 or target not in r.text:
                bad.append(f"{method} {url}: {r.status_code} {r.text[:120]}")
    assert not bad, "\n".join(bad)


def test_ids_inside_json_bodies_are_bounded(settings: Settings) -> None:
    with session_scope(settings.database_url) as db:
        world = security_world(db)
    client = browser(settings)
    headers = {"Authorization": f"Bearer {world['api_token']}"}
    r = client.post(
        "/api/networks/alpha/ties",
        json={"source_id": 2**70, "target_id": world["other_actor"], "kind": "referred"},
        headers=headers,
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "source_id"


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f", "\x85"])
def test_control_characters_in_the_url_are_refused_with_the_field(
    settings: Settings, char: str
) -> None:
    with session_scope(settings.database_url) as db:
        security_world(db)
    client = browser(settings)
    r = client.get("/api/networks/alpha/actors", params={"q": f"a{char}b"})
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["field"] == "query.q"
    assert "control characters" in r.json()["detail"][0]["message"]
    quoted = "%" + f"{ord(char):02X}" if ord(char) < 0x80 else "%C2%85"
    r = client.get(f"/api/networks/al{quoted}pha/actors")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "path"
    assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/login", {"email": "a\x00@example.org", "password": "x"}),
        (
            "/register",
            {"email": "n@example.org", "display_name": "N\x00", "password": "long-enough-pw"},
        ),
        ("/reset", {"email": "member@example.org\x00"}),
    ],
)
def test_nul_in_sign_in_forms_is_refused_naming_the_field(
    settings: Settings, path: str, fields: dict[str, str]
) -> None:
    with session_scope(settings.database_url) as db:
        security_world(db)
    client = browser(settings)
    token = page_token(client)
    r = client.post(path, data={"csrf": token, **fields}, headers={"accept": "text/html"})
    assert r.status_code == 422, r.text[:300]
    field = next(name for name, value in fields.items() if "\x00" in value)
    assert field in r.text and "control characters" in r.text


def test_nul_in_json_is_refused_and_never_stored(settings: Settings) -> None:
    with session_scope(settings.database_url) as db:
        world = security_world(db)
    client = browser(settings)
    headers = {"Authorization": f"Bearer {world['api_token']}"}
    r = client.post("/api/auth/login", json={"email": "a\u0000@b.org", "password": "x"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "email"
    r = client.patch(
        f"/api/actors/{world['actor_id']}",
        json={"name": "Mina\u0000", "purposes": ["ok", "b\u0001"]},
        headers=headers,
    )
    assert r.status_code == 422, r.text
    assert {p["field"] for p in r.json()["detail"]} == {"name", "purposes"}
    # A lone surrogate (JSON "\ud800") is not text either.
    r = client.patch(
        f"/api/actors/{world['actor_id']}",
        content=b'{"headline": "x\\ud800"}',
        headers=headers | {"content-type": "application/json"},
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "headline"
    with session_scope(settings.database_url) as db:
        names = db.scalars(select(Actor.name)).all()
    assert all("\x00" not in n for n in names)


def test_oversized_fields_are_refused_in_the_api_and_the_pages(settings: Settings) -> None:
    with session_scope(settings.database_url) as db:
        world = security_world(db)
    client = browser(settings)
    headers = {"Authorization": f"Bearer {world['api_token']}"}
    r = client.patch(
        f"/api/actors/{world['actor_id']}", json={"bio": "x" * (TEXT_MAX + 1)}, headers=headers
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "bio"
    # A 20 MB bio does not even reach the model: the body is over the cap.
    big = "x" * (20 * 1024 * 1024)
    r = client.patch(f"/api/actors/{world['actor_id']}", json={"bio": big}, headers=headers)
    assert r.status_code == 413 and "larger than" in r.json()["detail"]
    assert r.headers["content-security-policy"]
    # Through the profile form, with a browser session.
    csrf = sign_in(client, "member@example.org", PASSWORD)
    r = client.post(
        f"/actors/{world['actor_id']}/edit",
        data={"csrf": csrf, "bio": "y" * (LONG_TEXT_MAX + 1)},
        headers={"accept": "text/html"},
    )
    assert r.status_code == 422 and "bio" in r.text
    r = client.post(
        f"/actors/{world['actor_id']}/edit",
        data={"csrf": csrf, "bio": big},
        headers={"accept": "text/html"},
    )
    assert r.status_code == 413
    with session_scope(settings.database_url) as db:
        bios = db.scalars(select(Actor.bio)).all()
    assert max(len(b or "") for b in bios) <= TEXT_MAX


def test_body_cap_is_declared_before_reading(settings: Settings) -> None:
    client = browser(settings)
    r = client.post(
        "/api/auth/login",
        content=b"{}",
        headers={"content-type": "application/json", "content-length": str(MAX_BODY_BYTES + 1)},
    )
    assert r.status_code == 413


@pytest.mark.parametrize("number", ["Infinity", "-Infinity", "NaN", "1e400"])
def test_non_finite_numbers_are_refused(settings: Settings, number: str) -> None:
    with session_scope(settings.database_url) as db:
        world = security_world(db)
    client = browser(settings)
    headers = {"Authorization": f"Bearer {world['api_token']}", "content-type": "application/json"}
    for field in ("capacity_hours", "day_rate"):
        r = client.patch(
            f"/api/actors/{world['actor_id']}",
            content=f'{{"{field}": {number}}}'.encode(),
            headers=headers,
        )
        assert r.status_code == 422, (field, r.text)
        assert r.json()["detail"][0]["field"] == field
    r = client.patch(
        f"/api/actors/{world['actor_id']}", json={"capacity_hours": -1}, headers=headers
    )
    assert r.status_code == 422


def test_a_500_keeps_the_security_headers_and_logs_its_traceback(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    from fastapi.testclient import TestClient

    app = _app(settings)

    @app.get("/api/boom-for-test")
    def boom() -> None:
        raise RuntimeError("secret detail")

    client = TestClient(app, raise_server_exceptions=False)
    with caplog.at_level("ERROR", logger="coalition.web"):
        r = client.get("/api/boom-for-test")
        page = client.get("/api/boom-for-test", headers={"accept": "text/html"})
    assert r.status_code == 500 and page.status_code == 500
    assert "secret detail" not in r.text and "Traceback" not in r.text
    for answer in (r, page):
        assert answer.headers["x-frame-options"] == "DENY"
        assert "default-src 'self'" in answer.headers["content-security-policy"]
    records = [rec for rec in caplog.records if rec.name == "coalition.web"]
    assert records and records[0].exc_info is not None
    assert records[0].exc_info[0] is RuntimeError
    assert "Traceback (most recent call last)" in caplog.text and "in boom" in caplog.text


@pytest.mark.parametrize("number", ["²", "٣", "9" * 5000, str(2**70), "-1", "1e3"])
def test_ids_typed_in_page_forms_never_fail(settings: Settings, number: str) -> None:
    """Ids typed in forms: "²" passes ``str.isdigit`` but not ``int``; 5,000 digits pass neither."""
    with session_scope(settings.database_url) as db:
        world = security_world(db)
    client = browser(settings)
    csrf = sign_in(client, "steward@example.org", PASSWORD)
    html = {"accept": "text/html"}
    answers = [
        client.post(
            "/n/alpha/invites",
            data={"csrf": csrf, "email": "x@example.org", "actor_id": number},
            headers=html,
            follow_redirects=False,
        ),
        client.post(
            f"/initiatives/{world['initiative_id']}/invitations",
            data={"csrf": csrf, "actor_id": number, "role_id": number},
            headers=html,
            follow_redirects=False,
        ),
        client.post(
            "/n/alpha/conversations/new",
            data={"csrf": csrf, "topic": "T", "initiative_id": number},
            headers=html,
            follow_redirects=False,
        ),
    ]
    for r in answers:
        assert r.status_code < 500, (r.request.url, r.status_code, r.text[:200])
