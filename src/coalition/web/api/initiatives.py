"""Initiatives and their roles."""

from __future__ import annotations

from fastapi import APIRouter

from ...schemas.common import InitiativeStatusName
from ...schemas.initiatives import (
    InitiativeIn,
    InitiativeOut,
    InitiativePatch,
    InitiativePreviewOut,
    PublicationOut,
    RoleIn,
)
from ...services import initiatives as service
from ...services.networks import get_network
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..params import PathId

router = APIRouter(tags=["initiatives"], route_class=CommitFirstRoute)


@router.get("/api/networks/{slug}/initiatives")
def list_initiatives(
    slug: str, db: DB, caller: CurrentCaller, status: InitiativeStatusName | None = None
) -> list[InitiativeOut]:
    return service.list_initiatives(db, caller, get_network(db, caller, slug), status)


@router.post("/api/networks/{slug}/initiatives", status_code=201)
def create_initiative(
    slug: str, data: InitiativeIn, db: DB, caller: CurrentCaller
) -> InitiativeOut:
    return service.create_initiative(db, caller, get_network(db, caller, slug), data)


@router.get("/api/initiatives/{initiative_id}")
def get_initiative(initiative_id: PathId, db: DB, caller: CurrentCaller) -> InitiativeOut:
    return service.get_initiative(db, caller, initiative_id)


@router.patch("/api/initiatives/{initiative_id}")
def update_initiative(
    initiative_id: PathId, data: InitiativePatch, db: DB, caller: CurrentCaller
) -> InitiativeOut:
    return service.update_initiative(db, caller, initiative_id, data)


@router.post("/api/initiatives/{initiative_id}/roles", status_code=201)
def add_role(initiative_id: PathId, data: RoleIn, db: DB, caller: CurrentCaller) -> InitiativeOut:
    return service.add_role(db, caller, initiative_id, data)


@router.delete("/api/initiatives/{initiative_id}/roles/{role_id}")
def delete_role(
    initiative_id: PathId, role_id: PathId, db: DB, caller: CurrentCaller
) -> InitiativeOut:
    return service.delete_role(db, caller, initiative_id, role_id)


@router.post("/api/networks/{slug}/initiatives/preview")
def preview_initiative(
    slug: str, data: InitiativeIn, db: DB, caller: CurrentCaller
) -> InitiativePreviewOut:
    """Check an initiative as creating it would, without saving it (the guided form's review
    step): 422/409 as creation would answer, else how many visible profiles could fill each
    role."""
    return service.preview_initiative(db, caller, get_network(db, caller, slug), data)


@router.get("/api/initiatives/{initiative_id}/publication")
def get_publication(initiative_id: PathId, db: DB, caller: CurrentCaller) -> PublicationOut:
    return service.get_publication(db, caller, initiative_id)


@router.post("/api/initiatives/{initiative_id}/publication")
def publish(initiative_id: PathId, db: DB, caller: CurrentCaller) -> PublicationOut:
    """Publish the team (or coalition) page: anyone may read it from now on."""
    return service.publish_team(db, caller, initiative_id)


@router.delete("/api/initiatives/{initiative_id}/publication")
def unpublish(initiative_id: PathId, db: DB, caller: CurrentCaller) -> PublicationOut:
    """Take the team page back to the network's members only."""
    return service.unpublish_team(db, caller, initiative_id)
