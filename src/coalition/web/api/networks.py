"""Networks, their vocabulary, and whole-network bundles."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Query

from ...schemas.directory import CapabilityIn, CapabilityOut, NetworkIn, NetworkOut
from ...services import networks as service
from ...services import portability
from ..deps import DB, CommitFirstRoute, CurrentCaller

router = APIRouter(prefix="/api/networks", tags=["networks"], route_class=CommitFirstRoute)


@router.get("", response_model=list[NetworkOut])
def list_networks(db: DB, caller: CurrentCaller) -> Any:
    return service.list_networks(db, caller)


@router.post("", response_model=NetworkOut, status_code=201)
def create_network(data: NetworkIn, db: DB, caller: CurrentCaller) -> Any:
    return service.create_network(db, caller, data)


@router.get("/{slug}", response_model=NetworkOut)
def get_network(slug: str, db: DB, caller: CurrentCaller) -> Any:
    return service.get_network(db, caller, slug)


@router.get("/{slug}/capabilities", response_model=list[CapabilityOut])
def list_capabilities(slug: str, db: DB, caller: CurrentCaller) -> Any:
    return service.list_capabilities(db, caller, service.get_network(db, caller, slug))


@router.post("/{slug}/capabilities", response_model=CapabilityOut, status_code=201)
def add_capability(slug: str, data: CapabilityIn, db: DB, caller: CurrentCaller) -> Any:
    return service.add_capability(db, caller, service.get_network(db, caller, slug), data)


@router.get("/{slug}/bundle")
def export_network(
    slug: str,
    db: DB,
    caller: CurrentCaller,
    include_private: bool = Query(
        False, description="the server's operator only (CLI): a full backup with private fields"
    ),
) -> dict[str, Any]:
    return portability.export_bundle(db, caller, slug, include_private=include_private)


@router.post("/import", response_model=NetworkOut, status_code=201)
def import_network(db: DB, caller: CurrentCaller, bundle: dict[str, Any] = Body(...)) -> Any:
    return portability.import_bundle(db, caller, bundle)
