"""Formation: ask for proposals, read the stored ones."""

from __future__ import annotations

from fastapi import APIRouter, Body, Request

from ...schemas.formation import (
    ProposalInviteIn,
    ProposalOut,
    ProposalRequest,
    ProposalRunOut,
    ProposalSet,
)
from ...schemas.invitations import InvitationOut
from ...services import formation as service
from ...services import invitations
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..params import PathId

router = APIRouter(tags=["formation"], route_class=CommitFirstRoute)


@router.post("/api/initiatives/{initiative_id}/proposals", status_code=201)
def propose(
    initiative_id: PathId,
    db: DB,
    caller: CurrentCaller,
    request: ProposalRequest = Body(default_factory=ProposalRequest),
) -> ProposalSet:
    return service.propose_team(db, caller, initiative_id, request)


@router.get("/api/initiatives/{initiative_id}/proposals")
def list_proposals(initiative_id: PathId, db: DB, caller: CurrentCaller) -> list[ProposalOut]:
    return service.list_proposals(db, caller, initiative_id)


@router.get("/api/proposals/{proposal_id}")
def get_proposal(proposal_id: PathId, db: DB, caller: CurrentCaller) -> ProposalOut:
    return service.get_proposal(db, caller, proposal_id)[1]


@router.get("/api/initiatives/{initiative_id}/proposals/latest")
def latest_run(initiative_id: PathId, db: DB, caller: CurrentCaller) -> ProposalRunOut:
    """The newest run: its proposals best first, and the request (weights, locks, exclusions)."""
    return service.latest_run(db, caller, initiative_id)


@router.post(
    "/api/proposals/{proposal_id}/invitations",
    status_code=201,
)
def invite_proposal(
    proposal_id: PathId,
    request: Request,
    db: DB,
    caller: CurrentCaller,
    data: ProposalInviteIn = Body(default_factory=ProposalInviteIn),
) -> list[InvitationOut]:
    """Invite every member of a proposal to their proposed seat (seats already offered or
    taken are left as they are)."""
    ttl = int(request.app.state.settings.invitation_ttl_days)
    return invitations.invite_proposal(db, caller, proposal_id, data.message, ttl_days=ttl)
