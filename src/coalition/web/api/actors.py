"""The directory: search profiles, read one, create and edit."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request

from ...schemas.common import ActorKindName, RegionName, SectorName
from ...schemas.directory import ActorIn, ActorOut, ActorPage, ActorPatch, ActorSearch
from ...services import directory as service
from ...services.networks import get_network
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..params import PathId, QueryCount, custom_filters

router = APIRouter(tags=["directory"], route_class=CommitFirstRoute)


@router.get("/api/networks/{slug}/actors")
def search_actors(
    request: Request,
    slug: str,
    db: DB,
    caller: CurrentCaller,
    q: str | None = None,
    capability: list[str] = Query(default=[]),
    min_level: int = Query(1, ge=1, le=5),
    purpose: str | None = None,
    sector: SectorName | None = None,
    kind: ActorKindName | None = None,
    timezone: str | None = None,
    region: RegionName | None = None,
    language: str | None = None,
    min_free_hours: float | None = Query(None, ge=0, le=168),
    min_completeness: int | None = Query(None, ge=0, le=100),
    limit: int = Query(50, ge=1, le=500),
    offset: QueryCount = 0,
) -> ActorPage:
    """Filters combine (AND); a custom profile field filters as ``field.<key>=value``."""
    query = ActorSearch.model_construct(
        q=q,
        capability=capability,
        min_level=min_level,
        purpose=purpose,
        sector=sector,
        kind=kind,
        timezone=timezone,
        region=region,
        language=language,
        min_free_hours=min_free_hours,
        min_completeness=min_completeness,
        limit=limit,
        offset=offset,
        fields=custom_filters(request.query_params.multi_items()),
    )
    return service.search_actors(db, caller, get_network(db, caller, slug), query)


@router.post("/api/networks/{slug}/actors", status_code=201)
def create_actor(slug: str, data: ActorIn, db: DB, caller: CurrentCaller) -> ActorOut:
    return service.create_actor(db, caller, get_network(db, caller, slug), data)


@router.get("/api/actors/{actor_id}")
def get_actor(actor_id: PathId, db: DB, caller: CurrentCaller) -> ActorOut:
    return service.get_actor(db, caller, actor_id)


@router.patch("/api/actors/{actor_id}")
def update_actor(actor_id: PathId, data: ActorPatch, db: DB, caller: CurrentCaller) -> ActorOut:
    return service.update_actor(db, caller, actor_id, data)
