"""Ties between actors."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query

from ...schemas.common import TieKindName
from ...schemas.initiatives import TieIn, TieOut
from ...services import ties as service
from ...services.networks import get_network
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..params import QueryId

router = APIRouter(tags=["ties"], route_class=CommitFirstRoute)


@router.get("/api/networks/{slug}/ties")
def list_ties(
    slug: str,
    db: DB,
    caller: CurrentCaller,
    kind: TieKindName | None = None,
    actor: QueryId | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = Query(1000, ge=1, le=100000),
) -> list[TieOut]:
    return service.list_ties(
        db,
        caller,
        get_network(db, caller, slug),
        kind=kind,
        actor_id=actor,
        since=since,
        until=until,
        limit=limit,
    )


@router.post("/api/networks/{slug}/ties", status_code=201)
def record_tie(slug: str, data: TieIn, db: DB, caller: CurrentCaller) -> TieOut:
    return service.record_tie(db, caller, get_network(db, caller, slug), data)
