"""Networks, their vocabulary, and whole-network bundles."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Query

from ...schemas.directory import CapabilityIn, CapabilityOut, NetworkIn, NetworkOut
from ...services import networks as service
from ...services import portability
from ..deps import DB, CommitFirstRoute, CurrentCaller

router = APIRouter(prefix="/api/networks", tags=["networks"], route_class=CommitFirstRoute)


@router.get("")
def list_networks(db: DB, caller: CurrentCaller) -> list[NetworkOut]:
    return [NetworkOut.model_validate(n) for n in service.list_networks(db, caller)]


@router.post("", status_code=201)
def create_network(data: NetworkIn, db: DB, caller: CurrentCaller) -> NetworkOut:
    return NetworkOut.model_validate(service.create_network(db, caller, data))


@router.get("/{slug}")
def get_network(slug: str, db: DB, caller: CurrentCaller) -> NetworkOut:
    return NetworkOut.model_validate(service.get_network(db, caller, slug))


@router.get("/{slug}/capabilities")
def list_capabilities(slug: str, db: DB, caller: CurrentCaller) -> list[CapabilityOut]:
    network = service.get_network(db, caller, slug)
    return [CapabilityOut.model_validate(c) for c in service.list_capabilities(db, caller, network)]


@router.post("/{slug}/capabilities", status_code=201)
def add_capability(slug: str, data: CapabilityIn, db: DB, caller: CurrentCaller) -> CapabilityOut:
    network = service.get_network(db, caller, slug)
    return CapabilityOut.model_validate(service.add_capability(db, caller, network, data))


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


@router.post("/import", status_code=201)
def import_network(db: DB, caller: CurrentCaller, bundle: dict[str, Any] = Body(...)) -> NetworkOut:
    return NetworkOut.model_validate(portability.import_bundle(db, caller, bundle))
