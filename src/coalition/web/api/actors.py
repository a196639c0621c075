"""The directory: search profiles, read one, create and edit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ...schemas.directory import ActorIn, ActorOut, ActorPage, ActorPatch, ActorQuery
from ...services import directory as service
from ...services.networks import get_network
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..params import PathId
from ..read_cache import kept

router = APIRouter(tags=["directory"], route_class=CommitFirstRoute)


@router.get("/api/networks/{slug}/actors")
@kept(ignores=("votes", "analysis"))
def search_actors(
    slug: str, query: Annotated[ActorQuery, Query()], db: DB, caller: CurrentCaller
) -> ActorPage:
    """Filters combine (AND); a custom profile field filters as ``field.<key>=value``."""
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
