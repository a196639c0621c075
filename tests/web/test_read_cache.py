"""Kept answers (web/read_cache.py), on SQLite and PostgreSQL: a GET asked again by the same
browser on the same data is answered from memory; any write, from any process, is seen by the
next GET; browsers never share an answer; what must run every time does.

"Another process" is a second app on the same database: it shares nothing with the first but
the database, as two uvicorn workers do (tests/jobs/test_processes.py runs real ones).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from coalition.config import Settings
from coalition.store.session import session_scope
from coalition.store.tables import Actor, Network
from coalition.store.tables_deliberation import Conversation, Statement
from coalition.web.app import create_app

from ..conftest import small_bundle
from ..security.helpers import sign_in

PASSWORD = "coalition-demo"
MEMBER, STEWARD = "member@example.org", "steward@example.org"


@pytest.fixture
def world(clean_url: str) -> dict[str, Any]:
    """The small demo, every area's data included (accounts, a conversation, statements)."""
    from coalition.demo import enrich_demo
    from coalition.io.bundle import import_bundle

    with session_scope(clean_url) as db:
        import_bundle(db, small_bundle())
        enrich_demo(db, "small")
    with session_scope(clean_url) as db:
        conversation = db.scalars(select(Conversation).order_by(Conversation.id)).first()
        assert conversation is not None
        statement = db.scalars(
            select(Statement.id).where(Statement.conversation_id == conversation.id)
        ).first()
        actor = db.scalars(
            select(Actor).join(Network).where(Network.slug == "small").order_by(Actor.id)
        ).first()
        assert actor is not None
        return {"conversation": conversation.id, "statement": statement, "actor": actor.id}


@pytest.fixture
def kept_settings(settings: Settings) -> Settings:
    return replace(settings, read_cache_ttl_s=30.0, results_freshness_s=30.0)


def _client(settings: Settings, email: str | None = MEMBER) -> Iterator[tuple[TestClient, str]]:
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    token = sign_in(client, email, PASSWORD) if email else ""
    yield client, token
    client.close()


@pytest.fixture
def member(kept_settings: Settings, world: dict[str, Any]) -> Iterator[tuple[TestClient, str]]:
    yield from _client(kept_settings)


def _get(client: TestClient, path: str) -> tuple[bool, str]:
    r = client.get(path, headers={"accept": "text/html"})
    assert r.status_code == 200, (path, r.status_code, r.text[:300])
    return r.headers.get("x-read-cache") == "hit", r.text


def test_the_same_get_again_is_kept_and_the_same(member: tuple[TestClient, str]) -> None:
    client, _token = member
    first_hit, first = _get(client, "/n/small/directory")
    again_hit, again = _get(client, "/n/small/directory")
    assert (first_hit, again_hit) == (False, True)
    assert again == first
    r = client.get("/n/small/directory")
    assert r.headers["content-security-policy"], "the security layer decorates kept answers"
    assert r.headers["cache-control"] == "no-store", "a signed-in answer is never cached outside"
    other_hit, _body = _get(client, "/n/small/directory?q=zz")
    assert not other_hit, "another query is another answer"


def test_a_write_in_another_process_is_seen_at_once(
    member: tuple[TestClient, str], clean_url: str, world: dict[str, Any]
) -> None:
    client, _token = member
    path = f"/actors/{world['actor']}"
    _get(client, path)
    assert _get(client, path)[0]
    with session_scope(clean_url) as db:  # another process: only the database is shared
        actor = db.get_one(Actor, world["actor"])
        actor.name = "Renamed Everywhere"
    hit, body = _get(client, path)
    assert not hit and "Renamed Everywhere" in body


def test_a_vote_leaves_the_directory_kept_and_moves_the_conversation(
    member: tuple[TestClient, str], world: dict[str, Any]
) -> None:
    client, token = member
    conversation = f"/conversations/{world['conversation']}"
    for path in ("/n/small/directory", conversation, f"{conversation}/results"):
        _get(client, path)
    r = client.post(
        f"/api{conversation}/votes",
        json={"statement_id": world["statement"], "value": 1},
        headers={"x-csrf-token": token},
    )
    assert r.status_code in (200, 201), r.text
    assert _get(client, "/n/small/directory")[0], "the directory shows no votes"
    assert _get(client, f"{conversation}/results")[0], "results lag votes by their window"
    assert not _get(client, conversation)[0], "the conversation shows the caller's vote"


def test_results_follow_every_vote_without_a_freshness_window(
    settings: Settings, world: dict[str, Any]
) -> None:
    kept = replace(settings, read_cache_ttl_s=30.0, results_freshness_s=0.0)
    for client, token in _client(kept):
        results = f"/conversations/{world['conversation']}/results"
        _get(client, results)  # computes and stores the analysis: a write of its own
        _get(client, results)
        assert _get(client, results)[0]
        r = client.post(
            f"/api/conversations/{world['conversation']}/votes",
            json={"statement_id": world["statement"], "value": -1},
            headers={"x-csrf-token": token},
        )
        assert r.status_code in (200, 201), r.text
        assert not _get(client, results)[0]


def test_browsers_never_share_an_answer(
    member: tuple[TestClient, str], kept_settings: Settings
) -> None:
    client, _token = member
    app = client.app
    _get(client, "/n/small/directory")
    with TestClient(app, raise_server_exceptions=False) as stranger:
        r = stranger.get("/n/small/directory", headers={"accept": "text/html"})
        assert r.headers.get("x-read-cache") != "hit"
        assert "member@example.org" not in r.text
    steward = TestClient(app, raise_server_exceptions=False)
    sign_in(steward, STEWARD, PASSWORD)
    hit, _body = _get(steward, "/n/small/directory")
    assert not hit, "the same page for another account is its own"


def test_what_must_run_every_time_does(member: tuple[TestClient, str]) -> None:
    client, _token = member
    for path in ("/healthz", "/readyz"):
        client.get(path)
        assert client.get(path).headers.get("x-read-cache") is None
    for _ in range(2):
        r = client.get("/n/no-such-network/directory", headers={"accept": "text/html"})
        assert r.status_code == 404 and r.headers.get("x-read-cache") is None
    client.get("/n/small/directory", headers={"authorization": "Bearer nope"})
    r = client.get("/n/small/directory", headers={"authorization": "Bearer nope"})
    assert r.status_code == 401 and r.headers.get("x-read-cache") is None


def test_an_answer_is_kept_for_its_time_only(settings: Settings, world: dict[str, Any]) -> None:
    brief = replace(settings, read_cache_ttl_s=0.3)
    for client, _token in _client(brief):
        _get(client, "/n/small/directory")
        assert _get(client, "/n/small/directory")[0]
        time.sleep(0.4)
        assert not _get(client, "/n/small/directory")[0]
    off = replace(settings, read_cache_ttl_s=0.0)
    for client, _token in _client(off):
        _get(client, "/n/small/directory")
        assert not _get(client, "/n/small/directory")[0], "0 switches the cache off"


def test_requests_that_miss_together_share_one_route_run(member: tuple[TestClient, str]) -> None:
    """Twenty requests of one browser for the same page at once: one runs the route, the
    others wait for its answer (an answer expiring under load is made once)."""
    import asyncio

    import httpx

    from coalition.web.read_cache import ReadCache

    from ..aio import run

    client, _token = member
    _get(client, "/api/networks")  # builds the middleware stack
    layer: Any = client.app.middleware_stack  # type: ignore[attr-defined]
    while not isinstance(layer, ReadCache):
        layer = layer.app
    runs_before = layer.misses
    cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())

    async def twenty() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url=str(client.base_url)) as ac:
            asks = [
                ac.get("/n/small/directory", headers={"cookie": cookie, "accept": "text/html"})
                for _ in range(20)
            ]
            return await asyncio.gather(*asks)

    answers = run(twenty())
    assert {r.status_code for r in answers} == {200}
    assert len({r.text for r in answers}) == 1, "every one of them got the same page"
    assert layer.misses - runs_before == 1, "the route ran once for the twenty"
    assert sum(r.headers.get("x-read-cache") == "hit" for r in answers) == 19
