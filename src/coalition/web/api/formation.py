"""Formation: ask for proposals, read the stored ones."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body

from ...schemas.formation import ProposalOut, ProposalRequest, ProposalSet
from ...services import formation as service
from ..deps import DB, CurrentCaller

router = APIRouter(tags=["formation"])


@router.post(
    "/api/initiatives/{initiative_id}/proposals", response_model=ProposalSet, status_code=201
)
def propose(
    initiative_id: int,
    db: DB,
    caller: CurrentCaller,
    request: ProposalRequest = Body(default_factory=ProposalRequest),
) -> Any:
    return service.propose_team(db, caller, initiative_id, request)


@router.get("/api/initiatives/{initiative_id}/proposals", response_model=list[ProposalOut])
def list_proposals(initiative_id: int, db: DB, caller: CurrentCaller) -> Any:
    return service.list_proposals(db, caller, initiative_id)


@router.get("/api/proposals/{proposal_id}", response_model=ProposalOut)
def get_proposal(proposal_id: int, db: DB, caller: CurrentCaller) -> Any:
    return service.get_proposal(db, caller, proposal_id)[1]
