"""An initiative's life (actions, history, role edits, re-confirmations), open calls, offers and
"Opportunities for you" (services/lifecycle.py, services/offers.py)."""

from __future__ import annotations

from fastapi import APIRouter, Query

from ...schemas.initiatives import InitiativeOut
from ...schemas.lifecycle import (
    ActionIn,
    ChangeOut,
    LifecycleOut,
    OfferDecisionIn,
    OfferIn,
    OfferOut,
    OpenCallIn,
    OpportunitiesOut,
    ReconfirmationOut,
    ReconfirmIn,
    RolePatch,
    TransitionOut,
)
from ...services import lifecycle, offers
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..params import PathId

router = APIRouter(tags=["lifecycle"], route_class=CommitFirstRoute)


@router.get("/api/initiatives/{initiative_id}/lifecycle")
def get_lifecycle(initiative_id: PathId, db: DB, caller: CurrentCaller) -> LifecycleOut:
    """The status and every action with its rule, and whether it applies now."""
    return lifecycle.lifecycle(db, caller, initiative_id)


@router.post("/api/initiatives/{initiative_id}/actions")
def take_action(
    initiative_id: PathId, data: ActionIn, db: DB, caller: CurrentCaller
) -> TransitionOut:
    """Open, go back to draft, start, complete or close (the convenor or a steward)."""
    return lifecycle.transition(db, caller, initiative_id, data.action)


@router.get("/api/initiatives/{initiative_id}/history")
def get_history(initiative_id: PathId, db: DB, caller: CurrentCaller) -> list[ChangeOut]:
    """Every change of the initiative and its roles: who, when, before → after."""
    return lifecycle.history(db, caller, initiative_id)


@router.patch("/api/initiatives/{initiative_id}/roles/{role_id}")
def edit_role(
    initiative_id: PathId, role_id: PathId, data: RolePatch, db: DB, caller: CurrentCaller
) -> InitiativeOut:
    """Change a role; new hours ask each engaged member to re-confirm."""
    return lifecycle.edit_role(db, caller, initiative_id, role_id, data)


@router.post("/api/initiatives/{initiative_id}/roles/{role_id}/retire")
def retire_role(
    initiative_id: PathId, role_id: PathId, db: DB, caller: CurrentCaller
) -> InitiativeOut:
    """Retire a role: no more seats; its engagements end and their hours return."""
    return lifecycle.retire_role(db, caller, initiative_id, role_id)


@router.put("/api/initiatives/{initiative_id}/roles/{role_id}/open-call")
def open_call(
    initiative_id: PathId, role_id: PathId, data: OpenCallIn, db: DB, caller: CurrentCaller
) -> InitiativeOut:
    """Open a role to the network's offers, or close its call."""
    return offers.set_open_call(db, caller, initiative_id, role_id, data)


@router.get("/api/initiatives/{initiative_id}/reconfirmations")
def initiative_reconfirmations(
    initiative_id: PathId, db: DB, caller: CurrentCaller
) -> list[ReconfirmationOut]:
    """Who has (not yet) re-confirmed changed hours (the convenor's view)."""
    return lifecycle.initiative_reconfirmations(db, caller, initiative_id)


@router.get("/api/me/reconfirmations")
def my_reconfirmations(db: DB, caller: CurrentCaller) -> list[ReconfirmationOut]:
    return lifecycle.my_reconfirmations(db, caller)


@router.post("/api/reconfirmations/{reconfirmation_id}")
def answer_reconfirmation(
    reconfirmation_id: PathId, data: ReconfirmIn, db: DB, caller: CurrentCaller
) -> ReconfirmationOut:
    """Confirm the new hours (capacity permitting) or step back."""
    return lifecycle.answer_reconfirmation(db, caller, reconfirmation_id, data)


@router.get("/api/opportunities")
def get_opportunities(
    db: DB,
    caller: CurrentCaller,
    network: str | None = Query(default=None, max_length=64),
    limit: int = Query(default=30, ge=1, le=100),
) -> OpportunitiesOut:
    """Open roles ranked by the formation engine's fit for the caller, with the reasons."""
    return offers.opportunities(db, caller, network_slug=network, limit=limit)


@router.post("/api/roles/{role_id}/offers", status_code=201)
def make_offer(role_id: PathId, data: OfferIn, db: DB, caller: CurrentCaller) -> OfferOut:
    """Offer oneself for an open role (hours, a short note)."""
    return offers.make_offer(db, caller, role_id, data)


@router.get("/api/initiatives/{initiative_id}/offers")
def initiative_offers(initiative_id: PathId, db: DB, caller: CurrentCaller) -> list[OfferOut]:
    return offers.initiative_offers(db, caller, initiative_id)


@router.get("/api/me/offers")
def my_offers(db: DB, caller: CurrentCaller) -> list[OfferOut]:
    return offers.my_offers(db, caller)


@router.post("/api/offers/{offer_id}/decision")
def decide_offer(
    offer_id: PathId, data: OfferDecisionIn, db: DB, caller: CurrentCaller
) -> OfferOut:
    """The convenor accepts (an engagement within capacity and seats) or declines."""
    return offers.decide_offer(db, caller, offer_id, data)


@router.post("/api/offers/{offer_id}/withdraw")
def withdraw_offer(offer_id: PathId, db: DB, caller: CurrentCaller) -> OfferOut:
    return offers.withdraw_offer(db, caller, offer_id)
