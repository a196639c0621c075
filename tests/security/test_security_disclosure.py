"""What a response says beyond what it must: counts of other networks on the home page,
timestamps without their offset."""

from __future__ import annotations

import importlib
import pkgutil
import re
import typing
from datetime import UTC, datetime
from types import UnionType
from typing import Any

from pydantic import AfterValidator

from coalition.config import Settings
from coalition.schemas.auth import TokenIn
from coalition.schemas.common import OutModel, Timestamp
from coalition.services import tokens
from coalition.store.session import session_scope
from tests.factories import PASSWORD, security_world

from .helpers import browser, sign_in

COUNTS = re.compile(r"\d+ actors · \d+ ties · \d+ initiatives")


def test_home_page_shows_network_counts_only_to_its_members(settings: Settings) -> None:
    with session_scope(settings.database_url) as db:
        security_world(db)
    anonymous = browser(settings)
    page = anonymous.get("/", headers={"accept": "text/html"})
    assert page.status_code == 200 and "Alpha" in page.text and "Beta" in page.text
    assert not COUNTS.search(page.text)
    member = browser(settings)
    sign_in(member, "member@example.org", PASSWORD)
    page = member.get("/", headers={"accept": "text/html"})
    counts = COUNTS.findall(page.text)
    assert len(counts) == 1  # Alpha's, not Beta's
    section = page.text.split("Alpha", 1)[1].split("Beta", 1)[0]
    assert COUNTS.search(section)


def _datetime_fields(annotation: Any, metadata: list[Any]) -> list[list[Any]]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        args = typing.get_args(annotation)
        return _datetime_fields(args[0], metadata + list(args[1:]))
    if annotation is datetime:
        return [metadata]
    found = []
    for arg in typing.get_args(annotation):
        keep = metadata if origin in (typing.Union, UnionType) else []
        found += _datetime_fields(arg, keep)
    return found


def test_every_timestamp_of_every_response_model_is_aware_utc() -> None:
    import coalition.schemas as schemas

    for info in pkgutil.iter_modules(schemas.__path__):
        importlib.import_module(f"coalition.schemas.{info.name}")
    naive = []

    def walk(cls: type) -> None:
        for sub in cls.__subclasses__():
            for name, field in sub.model_fields.items():  # type: ignore[attr-defined]
                for meta in _datetime_fields(field.annotation, list(field.metadata)):
                    if not any(isinstance(m, AfterValidator) for m in meta):
                        naive.append(f"{sub.__name__}.{name}")
            walk(sub)

    walk(OutModel)
    assert not naive, naive
    from pydantic import TypeAdapter

    stored = datetime(2026, 3, 1, 12, 0)  # rows hold naive UTC (coalition.clock)
    out = TypeAdapter(Timestamp).validate_python(stored)
    assert out.utcoffset() is not None and out == stored.replace(tzinfo=UTC)


def test_conversation_timestamps_carry_their_offset(settings: Settings) -> None:
    with session_scope(settings.database_url) as db:
        world = security_world(db)
        token = tokens.create_token(
            db, world.caller(db, "steward"), TokenIn(name="t", scopes=["read", "write"])
        ).token
    client = browser(settings)
    headers = {"Authorization": f"Bearer {token}"}
    r = client.post("/api/networks/alpha/conversations", json={"topic": "Agenda"}, headers=headers)
    assert r.status_code == 201, r.text
    stamp = r.json()["created_at"]
    assert stamp.endswith("Z") or stamp.endswith("+00:00"), stamp
    r = client.get(f"/api/conversations/{r.json()['id']}", headers=headers)
    assert datetime.fromisoformat(r.json()["created_at"]).utcoffset() is not None
