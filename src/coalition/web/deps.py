"""Request-scoped dependencies: the database session and the caller; and the route class that
commits a request's work before its response is sent.

Why commit in the endpoint's thread: FastAPI runs a sync endpoint on a worker thread, then
validates its return value on *another* worker thread, and only then closes the dependencies.
A transaction committed in ``get_db``'s teardown therefore still holds its row locks while it
waits for a free worker thread, and under load every worker thread can be a request waiting for
those very locks: the server freezes. It also means a 201 could reach the client before the row
is committed, so a GET right after would not find it. :class:`CommitFirstRoute` commits as the
endpoint returns, on the endpoint's own thread, so a response is only ever sent for work that
is stored, and locks are released before any other thread is needed.

Why so few threads: each hop between the event loop and a worker thread is a wait in a queue
on a busy process (for a free thread, then for the GIL). ``get_db`` opens its session on the
event loop (a session touches no database until it is used) and closes it there when the
endpoint left nothing open; a sync endpoint's caller is resolved on the endpoint's own thread,
just before it runs, with the same session. A request that runs its route therefore makes one
hop, where it made four (the session, the caller, the endpoint, the session's close).
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

import anyio
from fastapi import Depends, Request
from fastapi.params import Depends as DependsParam
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from ..services.access import Caller
from ..store.session import session_factory
from ..store.stamps import wrote


async def _off_loop(work: Callable[[], Any]) -> None:
    """Run database work on a thread of its own, finished even when the request is cancelled.

    Not on the shared worker threads: they may all be requests waiting for the very lock that
    this rollback or commit releases (SQLite's write lock, a row's lock)."""
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(work, limiter=anyio.CapacityLimiter(1))


async def get_db(request: Request) -> AsyncIterator[Session]:
    """One session per request: committed as the endpoint returns (see CommitFirstRoute), rolled
    back on error, and closed before the response is sent."""
    settings = request.app.state.settings
    make = session_factory(
        settings.database_url, settings.lock_timeout_s, settings.statement_timeout_s
    )
    session = make()
    session.info["settings"] = settings  # what services read of them (mail, analysis windows)
    # Kept for what a page's chrome reads with the request's own session (the unread count):
    # a second session would wait on this one's write lock under SQLite's immediate transactions.
    request.state.db = session
    try:
        yield session
        if session.in_transaction():  # work done after the endpoint (rare: a lazy load)
            await _off_loop(session.commit)
    except BaseException:
        if session.in_transaction():
            await _off_loop(session.rollback)
        raise
    finally:
        # An error page rendered after this point must not open a new transaction on it.
        request.state.db = None
        if session.in_transaction():
            await _off_loop(session.close)
        else:
            session.close()  # nothing open: no database work, no thread


# scope="function": closed once the response is rendered, before it is sent, so no connection
# (nor, on SQLite, a write lock a lazy load took while rendering) waits on a slow client.
DB = Annotated[Session, Depends(get_db, scope="function")]


def caller_of(request: Request, db: Session) -> Caller:
    """Who sent ``request`` (the app's resolver: session cookie or API token; else anonymous)."""
    resolver = getattr(request.app.state, "resolve_caller", None)
    if resolver is None:
        return Caller.anonymous()
    caller: Caller = resolver(request, db)
    return caller


def get_caller(request: Request, db: DB) -> Caller:
    """The caller, as a dependency of its own: for async endpoints (a sync endpoint resolves
    it on its own thread, see :func:`commit_before_response`)."""
    caller = caller_of(request, db)
    # End the transaction here: the endpoint runs elsewhere, and a lock held across that hop
    # (a token's row, SQLite's write lock) could wait for a thread that every other request,
    # waiting for the lock, is holding. On PostgreSQL a transaction that only read holds no
    # such lock and goes on.
    if db.get_bind().dialect.name != "postgresql" or wrote(db):
        db.commit()
    return caller


CurrentCaller = Annotated[Caller, Depends(get_caller)]

_SESSION_PARAM = "_request_session"
_REQUEST_PARAM = "_request"
_KEYWORD = inspect.Parameter.KEYWORD_ONLY


def _is_caller(annotation: Any) -> bool:
    """Whether a parameter's annotation is :data:`CurrentCaller` (or another ``get_caller``)."""
    if typing.get_origin(annotation) is not Annotated:
        return False
    return any(
        isinstance(m, DependsParam) and m.dependency is get_caller
        for m in typing.get_args(annotation)[1:]
    )


def commit_before_response(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """``endpoint``, committing the request's session when it returns, on the same thread.

    The request's session (the same object the endpoint gets: dependencies are cached per
    request) is added to the signature as one more dependency. A sync endpoint's
    :data:`CurrentCaller` parameters are resolved on its own thread with that session (the
    request is added to the signature instead). An exception leaves the session uncommitted;
    ``get_db`` rolls it back.
    """
    signature = inspect.signature(endpoint, eval_str=True)
    if _SESSION_PARAM in signature.parameters:
        return endpoint
    wrapper: Callable[..., Any]
    params = list(signature.parameters.values())
    extra = [inspect.Parameter(_SESSION_PARAM, _KEYWORD, annotation=DB)]
    if inspect.iscoroutinefunction(endpoint):

        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            session: Session = kwargs.pop(_SESSION_PARAM)
            result = await endpoint(*args, **kwargs)
            await _off_loop(session.commit)
            return result

        wrapper = async_wrapper
    else:
        callers = [p.name for p in params if _is_caller(p.annotation)]
        # FastAPI fills one parameter with the request: the endpoint's own, if it has one.
        own = next((p.name for p in params if p.annotation is Request), None)
        if callers:
            params = [p for p in params if p.name not in callers]
            if own is None:
                extra.append(inspect.Parameter(_REQUEST_PARAM, _KEYWORD, annotation=Request))

        def sync_wrapper(*args: Any, **kwargs: Any) -> Any:
            session: Session = kwargs.pop(_SESSION_PARAM)
            if callers:
                request = kwargs[own] if own is not None else kwargs.pop(_REQUEST_PARAM)
                kwargs.update(dict.fromkeys(callers, caller_of(request, session)))
            result = endpoint(*args, **kwargs)
            session.commit()
            return result

        wrapper = sync_wrapper
    functools.update_wrapper(wrapper, endpoint)
    # FastAPI must read the signature below, not follow __wrapped__ to the endpoint's.
    vars(wrapper).pop("__wrapped__", None)
    vars(wrapper)["__signature__"] = signature.replace(parameters=[*params, *extra])
    return wrapper


class CommitFirstRoute(APIRoute):
    """The route class of every router: the request's work is committed before the response."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, commit_before_response(endpoint), **kwargs)
