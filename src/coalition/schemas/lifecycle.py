"""An initiative's life (actions, history, role edits, re-confirmations) and members' offers."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from .common import Id, Language, Name, OutModel, RegionName, StrictModel, Timestamp
from .initiatives import RequirementIn

InitiativeActionName = Literal["open", "back_to_draft", "start", "complete", "close"]
Note = Field(default="", max_length=1_000)


class ActionIn(StrictModel):
    action: InitiativeActionName


class RolePatch(StrictModel):
    """Change a role: only the fields sent change; new hours ask the engaged to re-confirm."""

    title: Name | None = None
    seats: int | None = Field(default=None, ge=1, le=50)
    hours_per_week: float | None = Field(default=None, gt=0, le=80)
    languages: list[Language] | None = Field(default=None, max_length=20)
    timezone_regions: list[RegionName] | None = Field(default=None, max_length=3)
    requirements: list[RequirementIn] | None = Field(default=None, min_length=1, max_length=50)


class ChangeOut(OutModel):
    id: int
    initiative_id: int
    role_id: int | None
    field: str
    before: Any
    after: Any
    by_actor_id: int | None
    by_name: str | None
    by_role: str
    at: Timestamp


class ActionRuleOut(OutModel):
    action: str
    to_status: str
    rule: str
    allowed: bool


class LifecycleOut(OutModel):
    initiative_id: int
    status: str
    actions: list[ActionRuleOut]


class TransitionOut(OutModel):
    initiative_id: int
    action: str
    from_status: str
    status: str
    invitations_withdrawn: int
    offers_withdrawn: int
    engagements_ended: int
    next_steps: list[str]  # links: the outcomes and health-check forms after completing


class ReconfirmationOut(OutModel):
    id: int
    engagement_id: int
    initiative_id: int
    initiative_title: str
    role_id: int | None
    role_title: str | None
    actor_id: int
    old_hours: float
    new_hours: float
    status: str
    asked_at: Timestamp
    answered_at: Timestamp | None


class ReconfirmIn(StrictModel):
    answer: Literal["confirm", "step_back"]


class OpenCallIn(StrictModel):
    open: bool = True


class OfferIn(StrictModel):
    hours_per_week: float = Field(gt=0, le=80)
    note: str = Note
    actor_id: Id | None = None  # which of the caller's actors offers (default: theirs there)


class OfferDecisionIn(StrictModel):
    decision: Literal["accept", "decline"]


class OfferOut(OutModel):
    id: int
    initiative_id: int
    initiative_title: str
    role_id: int | None
    role_title: str | None
    actor_id: int
    actor_name: str
    hours_per_week: float
    role_hours: float | None
    note: str
    status: str
    created_at: Timestamp
    answered_at: Timestamp | None
    engagement_id: int | None


class OpportunityOut(OutModel):
    role_id: int
    role_title: str
    initiative_id: int
    initiative_title: str
    network: str
    hours_per_week: float
    seats_open: int
    score: float
    fit: float
    purpose: float
    fairness: float
    eligible: bool
    reasons: list[str]
    gaps: list[str]
    offered: bool


class OpportunitiesOut(OutModel):
    actor_id: int | None
    network: str | None
    free_hours: float | None
    opportunities: list[OpportunityOut]
