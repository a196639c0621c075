"""Request-scoped dependencies: the database session and the caller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from ..services.access import Caller
from ..store.session import session_factory


def get_db(request: Request) -> Iterator[Session]:
    """One session per request: committed when the handler returns, rolled back on error."""
    session = session_factory(request.app.state.settings.database_url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_caller(request: Request, db: Annotated[Session, Depends(get_db)]) -> Caller:
    resolver = getattr(request.app.state, "resolve_caller", None)
    if resolver is None:
        return Caller.anonymous()
    caller: Caller = resolver(request, db)
    return caller


DB = Annotated[Session, Depends(get_db)]
CurrentCaller = Annotated[Caller, Depends(get_caller)]
