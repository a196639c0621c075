"""Answers kept by change stamp: a GET asked again by the same browser, on the same data, is
answered from this process's memory without running its route.

What an answer depends on is in its key:

- **the data**: the change stamps (store/stamps.py) read *before* the route runs, on a
  connection of their own, by a read that started after the request arrived (requests that
  arrive together share one: web/stamp_reader.py). Every committed write moves its stamp in
  its own transaction, so a write in any process makes every process miss from then on; an
  answer built while a write commits is at worst newer than its key, never older. A route
  declares the scopes it never shows (:func:`kept`): the directory does not show votes, so a
  vote does not push it out;
- **the reader**: the whole Cookie header (session, language, the browser's CSRF seed, whose
  token pages carry), the CSRF seed the security layer chose for this request, Accept,
  Accept-Language and every ``HX-*`` header (htmx asks for fragments), the host and scheme;
- **the request**: path and query string.

Kept for ``COALITION_READ_CACHE_TTL`` seconds at most (default 5; 0 switches the cache off), so
what moves with the clock alone ("updated 3 seconds ago", a deadline passing) is as old as that
at most. Only a 200 without a cookie to set is kept, up to 2 MiB; requests with an API token,
apps whose caller is not read from the session (tests that stand a caller in), routes marked
:func:`never_kept` (job progress, health checks) and server-sent events always run their route.
Requests that miss on the same key while its answer is being made wait for that answer instead
of running the route each (an answer expiring under load is made once, not thirty times).
"""

from __future__ import annotations

import asyncio
import functools
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.routing import compile_path

from .. import i18n
from ..config import Settings
from ..store.session import stamps_engine
from ..store.stamps import SCOPES, read_stamps
from .stamp_reader import StampReader

F = TypeVar("F", bound=Callable[..., Any])
_POLICY = "__read_cache__"
MAX_ANSWER_BYTES = 2 * 1024 * 1024
_VARY = (b"cookie", b"accept", b"accept-language", b"host")


@dataclass(frozen=True)
class Policy:
    """Which change stamps a route's answers are keyed by: every scope but ``ignores`` (those
    only while ``when(settings)`` holds, where given); ``never``: answers are never kept."""

    ignores: frozenset[str] = frozenset()
    when: Callable[[Settings], bool] | None = None
    never: bool = False

    def scopes(self, settings: Settings) -> tuple[int, ...] | None:
        """The indexes in :data:`SCOPES` of the stamps in the key (None: never kept)."""
        if self.never:
            return None
        ignored = self.ignores if self.when is None or self.when(settings) else frozenset()
        return tuple(i for i, scope in enumerate(SCOPES) if scope not in ignored)


def kept(
    *, ignores: Iterable[str] = (), when: Callable[[Settings], bool] | None = None
) -> Callable[[F], F]:
    """Mark a GET route whose answers do not show the data of ``ignores`` (scopes of
    store/stamps.py), or not while ``when(settings)`` holds: a write of only those scopes
    leaves its kept answers in place."""
    unknown = set(ignores) - set(SCOPES)
    if unknown:
        raise ValueError(f"unknown change-stamp scopes: {sorted(unknown)}")
    policy = Policy(frozenset(ignores), when)

    def mark(endpoint: F) -> F:
        setattr(endpoint, _POLICY, policy)
        return endpoint

    return mark


def never_kept(endpoint: F) -> F:
    """Mark a GET route that must run every time (its answer moves without a write)."""
    setattr(endpoint, _POLICY, Policy(never=True))
    return endpoint


_EVERYTHING = Policy()


def within_freshness(settings: Settings) -> bool:
    """Whether a conversation's results may lag its votes (``COALITION_RESULTS_FRESHNESS``):
    then a page of results is keyed by the stored analysis, not by every vote."""
    return settings.results_freshness_s > 0


@dataclass
class _Answer:
    start: dict[str, Any]
    body: bytes
    expires: float


class _Answers:
    """The most recently used answers, within a byte budget, safe across threads."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.size = 0
        self._items: OrderedDict[tuple[Any, ...], _Answer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...], now: float) -> _Answer | None:
        with self._lock:
            answer = self._items.get(key)
            if answer is None:
                return None
            if answer.expires <= now:
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return answer

    def put(self, key: tuple[Any, ...], answer: _Answer) -> None:
        with self._lock:
            if key in self._items:
                self._drop(key)
            self._items[key] = answer
            self.size += len(answer.body)
            while self.size > self.budget and self._items:
                self._drop(next(iter(self._items)))

    def _drop(self, key: tuple[Any, ...]) -> None:
        self.size -= len(self._items.pop(key).body)

    def __len__(self) -> int:
        return len(self._items)


class ReadCache:
    """The middleware: inside the security layer (its headers and cookies are added to kept
    answers as to fresh ones), outside the routes."""

    def __init__(self, app: Any, fastapi_app: FastAPI) -> None:
        self.app = app
        self.fastapi_app = fastapi_app
        settings = fastapi_app.state.settings
        self.ttl = float(settings.read_cache_ttl_s)
        self.answers = _Answers(int(settings.read_cache_mb) * 1024 * 1024)
        self._routes: list[tuple[re.Pattern[str], tuple[int, ...] | None]] | None = None
        self._by_path: dict[str, tuple[int, ...] | None] = {}
        self.hits = self.misses = 0
        # the answers being made, by key, with the event loop whose requests may wait for them
        self._making: dict[Any, tuple[asyncio.AbstractEventLoop, asyncio.Future[Any]]] = {}
        engine = stamps_engine(
            settings.database_url, settings.lock_timeout_s, settings.statement_timeout_s
        )
        self.reader = StampReader(functools.partial(read_stamps, engine))

    def _scopes(self, path: str) -> tuple[int, ...] | None:
        """The stamps the answers of ``path`` are keyed by (None: not kept), by its route."""
        if path in self._by_path:
            return self._by_path[path]
        if self._routes is None:
            settings = self.fastapi_app.state.settings
            self._routes = [
                (regex, getattr(route.endpoint, _POLICY, _EVERYTHING).scopes(settings))
                for regex, route in _get_routes(self.fastapi_app.routes)
            ]
        scopes = next((p for regex, p in self._routes if regex.match(path)), None)
        if len(self._by_path) > 10_000:
            self._by_path.clear()
        self._by_path[path] = scopes
        return scopes

    def _applies(self, scope: MutableMapping[str, Any]) -> tuple[int, ...] | None:
        if scope["type"] != "http" or scope["method"] != "GET" or self.ttl <= 0:
            return None
        from .extensions.security import resolve_caller

        if getattr(self.fastapi_app.state, "resolve_caller", None) is not resolve_caller:
            return None  # a caller stood in by a test is not in the key
        if any(name == b"authorization" for name, _value in scope["headers"]):
            return None  # API tokens: each call is checked and counted
        return self._scopes(scope["path"])

    def _key(
        self, scope: MutableMapping[str, Any], stamps: tuple[Any, ...], scopes: tuple[int, ...]
    ) -> Any:
        headers = tuple(
            (name, value)
            for name, value in scope["headers"]
            if name in _VARY or name.startswith(b"hx-")
        )
        state = scope.get("state") or {}
        return (
            scope["path"],
            scope["query_string"],
            scope.get("scheme"),
            headers,
            state.get("csrf_seed"),
            i18n.current_locale(),
            stamps[-1],  # the database's epoch
            *(stamps[i] for i in scopes),
        )

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        scopes = self._applies(scope)
        if scopes is None:
            await self.app(scope, receive, send)
            return
        stamps = await self.reader.stamps()
        if stamps is None:
            await self.app(scope, receive, send)
            return
        key = self._key(scope, stamps, scopes)
        answer = self.answers.get(key, time.monotonic())
        if answer is None:
            answer = await self._being_made(key)
        if answer is not None:
            self.hits += 1
            headers = [*answer.start["headers"], (b"x-read-cache", b"hit")]
            await send({**answer.start, "headers": headers})
            await send({"type": "http.response.body", "body": answer.body})
            return
        self.misses += 1
        await self._run_and_keep(scope, receive, send, key)

    async def _being_made(self, key: Any) -> _Answer | None:
        """The answer another request of this process is making for the same key, once made
        (None: none is being made, or it could not be kept). Its stamps are this request's,
        read after this request arrived, so it is as fresh as a kept one: when a kept answer
        expires, the browsers that ask at once wait for one route run, not run it each."""
        loop = asyncio.get_running_loop()
        making = self._making.get(key)
        if making is None or making[0] is not loop:
            return None
        return await asyncio.shield(making[1])

    async def _run_and_keep(
        self, scope: MutableMapping[str, Any], receive: Any, send: Any, key: Any
    ) -> None:
        """Run the route, passing its answer on as it comes, and keep a copy when it may be;
        requests that ask for the same key meanwhile get the copy (or run the route themselves
        when it may not be kept)."""
        started = time.monotonic()
        start: dict[str, Any] = {}
        parts: list[bytes] = []
        keep = [True]
        loop = asyncio.get_running_loop()
        made: asyncio.Future[_Answer | None] = loop.create_future()
        self._making[key] = (loop, made)

        def done(answer: _Answer | None) -> None:
            if self._making.get(key, (None, None))[1] is made:
                del self._making[key]
            if not made.done():
                made.set_result(answer)

        async def capture(message: MutableMapping[str, Any]) -> None:
            if keep[0]:
                if message["type"] == "http.response.start":
                    # a copy: the layers outside add their headers to the message in place
                    start.update(message, headers=list(message.get("headers", [])))
                    keep[0] = _keepable(message)
                elif message["type"] == "http.response.body":
                    parts.append(message.get("body", b""))
                    if sum(map(len, parts)) > MAX_ANSWER_BYTES:
                        keep[0] = False
                        parts.clear()
                    elif not message.get("more_body", False):
                        answer = _Answer(start, b"".join(parts), started + self.ttl)
                        self.answers.put(key, answer)
                        done(answer)  # before it is sent: a slow client keeps no one waiting
                if not keep[0]:
                    done(None)
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            done(None)  # an error, or an answer that may not be kept: the waiters run it


def _get_routes(routes: Any) -> Iterator[tuple[re.Pattern[str], Any]]:
    """Every GET route, in the order the router tries them, with the pattern of its whole
    path (FastAPI keeps an included router as one entry that holds its routes)."""
    for route in iter_route_contexts(routes):
        if route.path and route.endpoint is not None and "GET" in (route.methods or ()):
            yield compile_path(route.path)[0], route


def _keepable(start: MutableMapping[str, Any]) -> bool:
    if start.get("status") != 200:
        return False
    for name, value in start.get("headers", []):
        name = name.lower()
        if name == b"set-cookie":
            return False
        if name == b"content-type" and value.startswith(b"text/event-stream"):
            return False
        if name == b"cache-control" and b"no-store" in value:
            return False
    return True


def install(app: FastAPI) -> None:
    """Add the cache; call it before the security layer is installed (it must be inside)."""
    app.add_middleware(ReadCache, fastapi_app=app)
