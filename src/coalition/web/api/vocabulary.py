"""A network's capability vocabulary, kept by its stewards: list with use counts, rename,
describe, merge, retire (adding a term is POST /api/networks/{slug}/capabilities)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from ...schemas.directory import CapabilityOut
from ...schemas.networks import (
    CapabilityPatch,
    MergeIn,
    MergeOut,
    MergeRecordOut,
    VocabularyTermOut,
)
from ...services import vocabulary as service
from ...services import vocabulary_history as history
from ...services.networks import get_network
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..params import PathId

router = APIRouter(tags=["networks"], route_class=CommitFirstRoute)


@router.get("/api/networks/{slug}/vocabulary")
def vocabulary(slug: str, db: DB, caller: CurrentCaller) -> list[VocabularyTermOut]:
    """Every term with how many profiles and role requirements use it (stewards)."""
    return service.vocabulary(db, caller, get_network(db, caller, slug))


@router.patch("/api/networks/{slug}/capabilities/{capability_id}")
def update_term(
    slug: str, capability_id: PathId, data: CapabilityPatch, db: DB, caller: CurrentCaller
) -> CapabilityOut:
    """Rename or describe a term; a name the vocabulary has already is a 409 (merge instead)."""
    network = get_network(db, caller, slug)
    return CapabilityOut.model_validate(
        service.update_term(db, caller, network, capability_id, data)
    )


@router.post("/api/networks/{slug}/capabilities/{capability_id}/merge")
def merge_term(
    slug: str, capability_id: PathId, data: MergeIn, db: DB, caller: CurrentCaller
) -> MergeOut:
    """Fold this term into ``into``: every profile and role requirement re-pointed, the higher
    level and the stricter minimum kept, this term removed; all or nothing."""
    network = get_network(db, caller, slug)
    return service.merge_terms(db, caller, network, capability_id, data.into)


@router.delete("/api/networks/{slug}/capabilities/{capability_id}", status_code=204)
def retire_term(slug: str, capability_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    """Retire a term nobody uses (a term in use is a 409: merge it instead)."""
    service.retire_term(db, caller, get_network(db, caller, slug), capability_id)
    return Response(status_code=204)


@router.get("/api/networks/{slug}/vocabulary/merges")
def merges(slug: str, db: DB, caller: CurrentCaller) -> list[MergeRecordOut]:
    """The history of merges, the latest first, each with whether it can be undone (stewards)."""
    return history.merge_history(db, caller, get_network(db, caller, slug))


@router.post("/api/networks/{slug}/vocabulary/merges/{merge_id}/undo")
def undo_merge(slug: str, merge_id: PathId, db: DB, caller: CurrentCaller) -> MergeRecordOut:
    """Put the merged term back with every profile's level and every role's minimum as they
    were before the merge; a merge undone already, or into a term merged away since, is a 409."""
    return history.undo_merge(db, caller, get_network(db, caller, slug), merge_id)
