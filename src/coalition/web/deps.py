"""Request-scoped dependencies: the database session and the caller; and the route class that
commits a request's work before its response is sent.

Why commit in the endpoint's thread: FastAPI runs a sync endpoint on a worker thread, then
validates its return value on *another* worker thread, and only then closes the dependencies.
A transaction committed in ``get_db``'s teardown therefore still holds its row locks while it
waits for a free worker thread, and under load every worker thread can be a request waiting for
those very locks: the server freezes. It also means a 201 could reach the client before the row
is committed, so a GET right after would not find it. :class:`CommitFirstRoute` commits as the
endpoint returns, on the endpoint's own thread, so a response is only ever sent for work that
is stored, and locks are released before any other thread is needed. For the same reason
``get_caller`` commits what resolving the caller did before the endpoint's thread is sought.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from typing import Annotated, Any

import anyio
from fastapi import Depends, Request
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from ..services.access import Caller
from ..store.session import session_factory
from ..store.stamps import wrote


def get_db(request: Request) -> Iterator[Session]:
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
        session.commit()  # work done after the endpoint (rare: a lazy load while rendering)
    except BaseException:
        session.rollback()
        raise
    finally:
        # An error page rendered after this point must not open a new transaction on it.
        request.state.db = None
        session.close()


# scope="function": closed once the response is rendered, before it is sent, so no connection
# (nor, on SQLite, a write lock a lazy load took while rendering) waits on a slow client.
DB = Annotated[Session, Depends(get_db, scope="function")]


def get_caller(request: Request, db: DB) -> Caller:
    resolver = getattr(request.app.state, "resolve_caller", None)
    if resolver is None:
        return Caller.anonymous()
    caller: Caller = resolver(request, db)
    # End the transaction here: the endpoint runs on another worker thread, and a lock held
    # across that hop (a token's row, SQLite's write lock) could wait for a thread that every
    # other request, waiting for the lock, is holding. On PostgreSQL a transaction that only
    # read holds no such lock and goes on (two round trips fewer on every request).
    if db.get_bind().dialect.name != "postgresql" or wrote(db):
        db.commit()
    return caller


CurrentCaller = Annotated[Caller, Depends(get_caller)]

_SESSION_PARAM = "_request_session"


def commit_before_response(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """``endpoint``, committing the request's session when it returns, on the same thread.

    The request's session (the same object the endpoint and ``get_caller`` get: dependencies
    are cached per request) is added to the signature as one more dependency. An exception
    leaves the session uncommitted; ``get_db`` rolls it back.
    """
    signature = inspect.signature(endpoint, eval_str=True)
    extra = inspect.Parameter(_SESSION_PARAM, inspect.Parameter.KEYWORD_ONLY, annotation=DB)
    params = list(signature.parameters.values())
    if _SESSION_PARAM in signature.parameters:
        return endpoint
    wrapper: Callable[..., Any]
    if inspect.iscoroutinefunction(endpoint):

        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            session: Session = kwargs.pop(_SESSION_PARAM)
            result = await endpoint(*args, **kwargs)
            # Off the event loop, and not on the shared worker threads (they may all be busy
            # waiting for the locks this commit releases).
            await anyio.to_thread.run_sync(session.commit, limiter=anyio.CapacityLimiter(1))
            return result

        wrapper = async_wrapper
    else:

        def sync_wrapper(*args: Any, **kwargs: Any) -> Any:
            session: Session = kwargs.pop(_SESSION_PARAM)
            result = endpoint(*args, **kwargs)
            session.commit()
            return result

        wrapper = sync_wrapper
    functools.update_wrapper(wrapper, endpoint)
    # FastAPI must read the signature below, not follow __wrapped__ to the endpoint's.
    vars(wrapper).pop("__wrapped__", None)
    vars(wrapper)["__signature__"] = signature.replace(parameters=[*params, extra])
    return wrapper


class CommitFirstRoute(APIRoute):
    """The route class of every router: the request's work is committed before the response."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, commit_before_response(endpoint), **kwargs)
