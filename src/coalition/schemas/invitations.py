"""Input and output models of invitations, engagements, notifications and team pages."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from .common import Id, InvitationStatusName, OutModel, StrictModel, Timestamp

AnswerName = Literal["accept", "decline", "counter"]
DecisionName = Literal["accept", "decline"]


class SeatIn(StrictModel):
    """One seat of a proposal, or one invitation by hand: who, for which role, how many hours."""

    actor_id: Id
    role_id: Id
    hours: float | None = Field(default=None, gt=0, le=80)


class InviteIn(StrictModel):
    seats: list[SeatIn] = Field(min_length=1, max_length=200)
    message: str = Field(default="", max_length=4000)
    proposal_id: Id | None = None

    @model_validator(mode="after")
    def _distinct(self) -> InviteIn:
        keys = [(s.actor_id, s.role_id) for s in self.seats]
        if len(set(keys)) != len(keys):
            raise ValueError("each (actor_id, role_id) seat may be listed once")
        return self


class AnswerIn(StrictModel):
    """The member's answer; ``hours`` only with counter, ``reason`` only with decline."""

    answer: AnswerName
    hours: float | None = Field(default=None, gt=0, le=80)
    reason: str | None = Field(default=None, max_length=2000)
    listed: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> AnswerIn:
        if self.answer == "counter" and self.hours is None:
            raise ValueError("a counter needs the hours per week you can give")
        if self.answer != "counter" and self.hours is not None:
            raise ValueError("hours go with a counter only")
        if self.answer != "decline" and self.reason:
            raise ValueError("a reason goes with a decline only")
        return self


class CounterDecisionIn(StrictModel):
    """The convenor's answer to a counter-offer."""

    decision: DecisionName


class EngagementPatch(StrictModel):
    listed: bool


class EventOut(OutModel):
    at: Timestamp
    by_actor_id: int | None
    by_role: str
    from_status: str | None
    to_status: str
    hours: float | None


class InvitationOut(OutModel):
    """An invitation as the invitee or the convenor sees it; ``reason`` obeys privacy."""

    id: int
    network: str
    initiative_id: int
    initiative_title: str
    role_id: int | None
    role_title: str | None
    actor_id: int
    actor_name: str
    invited_by_id: int | None
    proposal_id: int | None
    hours_per_week: float
    counter_hours: float | None
    status: InvitationStatusName
    message: str
    reason: str | None
    reason_hidden: bool
    created_at: Timestamp
    expires_at: Timestamp
    answered_at: Timestamp | None
    engagement_id: int | None
    history: list[EventOut]


class ReplacementOut(OutModel):
    """A candidate for a seat someone declined or countered, with why they fit."""

    actor_id: int
    name: str
    sector: str
    headline: str
    fit: int
    why: str


class EngagementOut(OutModel):
    id: int
    network: str
    initiative_id: int
    initiative_title: str
    role_id: int | None
    role_title: str | None
    actor_id: int
    hours_per_week: float
    status: str
    listed: bool
    start_date: date | None
    end_date: date | None


class AnswerOut(OutModel):
    invitation: InvitationOut
    engagement: EngagementOut | None = None
    # Filled when asked for at once (the CLI); else ranked by the job below (/api/jobs/{id}).
    replacements: list[ReplacementOut] = []
    replacements_job: int | None = None


class CapacityOut(OutModel):
    """One of the caller's own actors: capacity used against free (the member's own view)."""

    actor_id: int
    name: str
    network: str
    capacity_hours: float
    committed_hours: float
    free_hours: float


class MyInvitationsOut(OutModel):
    capacity: list[CapacityOut]
    invitations: list[InvitationOut]


class MyCommitmentsOut(OutModel):
    capacity: list[CapacityOut]
    engagements: list[EngagementOut]


class NotificationOut(OutModel):
    id: int
    recipient_id: int
    kind: str
    text: str
    link: str
    read: bool
    created_at: Timestamp


class TeamRoleOut(OutModel):
    id: int
    title: str
    seats: int
    filled: int
    hours_per_week: float
    requirements: list[str]


class TeamMemberOut(OutModel):
    actor_id: int
    name: str
    kind: str
    sector: str
    headline: str
    bio: str
    role_id: int | None
    role_title: str | None
    # The hours a week the member agreed (members of the network only; None for others).
    hours_per_week: float | None = None


class TeamOut(OutModel):
    """The team page (project) or coalition page: only members who accepted and agreed to be
    listed, with what their profiles show publicly."""

    initiative_id: int
    network: str
    kind: str
    title: str
    purpose: str
    start_date: date | None
    end_date: date | None
    roles: list[TeamRoleOut]
    members: list[TeamMemberOut]
    sectors: dict[str, int]
    # Published pages are public; there, members whose profile is not public are only counted.
    published_at: Timestamp | None = None
    unnamed_members: int = 0
