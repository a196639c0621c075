"""A network's custom profile fields: stewards define them; a member (or a steward, for what
the member lets them see) fills them in. Filtering is ``field.<key>=value`` on the directory
search (web/api/actors.py)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from ...schemas.directory import ActorOut
from ...schemas.fields import FieldValuesIn, ProfileFieldIn, ProfileFieldOut, ProfileFieldPatch
from ...services import directory
from ...services import profile_fields as service
from ...services.networks import get_network
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..params import PathId

router = APIRouter(tags=["directory"], route_class=CommitFirstRoute)


@router.get("/api/networks/{slug}/fields")
def list_fields(slug: str, db: DB, caller: CurrentCaller) -> list[ProfileFieldOut]:
    """The network's custom profile fields, in the order profiles show them."""
    return service.list_fields(db, caller, get_network(db, caller, slug))


@router.post("/api/networks/{slug}/fields", status_code=201)
def add_field(slug: str, data: ProfileFieldIn, db: DB, caller: CurrentCaller) -> ProfileFieldOut:
    """Add a typed field to every profile (stewards); a key the network has is a 409."""
    return service.add_field(db, caller, get_network(db, caller, slug), data)


@router.patch("/api/networks/{slug}/fields/{field_id}")
def update_field(
    slug: str, field_id: PathId, data: ProfileFieldPatch, db: DB, caller: CurrentCaller
) -> ProfileFieldOut:
    """Relabel, describe, change choices or the default audience (stewards)."""
    return service.update_field(db, caller, get_network(db, caller, slug), field_id, data)


@router.delete("/api/networks/{slug}/fields/{field_id}", status_code=204)
def remove_field(slug: str, field_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    """Remove a field and every member's value of it (stewards)."""
    service.remove_field(db, caller, get_network(db, caller, slug), field_id)
    return Response(status_code=204)


@router.put("/api/actors/{actor_id}/fields")
def set_values(actor_id: PathId, data: FieldValuesIn, db: DB, caller: CurrentCaller) -> ActorOut:
    """Fill in (or clear, with null) custom fields and choose who sees each; values are
    checked by the field's type."""
    return directory.set_field_values(db, caller, actor_id, data)
