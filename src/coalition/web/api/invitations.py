"""Invitations, engagements, team pages, notifications and calendars."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ...clock import utcnow
from ...config import public_url
from ...i18n import _
from ...io import ics
from ...schemas.invitations import (
    AnswerIn,
    AnswerOut,
    CounterDecisionIn,
    EngagementOut,
    EngagementPatch,
    InvitationOut,
    InviteIn,
    MyCommitmentsOut,
    MyInvitationsOut,
    NotificationOut,
    ReplacementOut,
    TeamOut,
)
from ...services import engagements, invitation_replacements, invitations, notifications
from ...services.engagements import window
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..params import PathId

router = APIRouter(tags=["invitations"], route_class=CommitFirstRoute)


def _ttl(request: Request) -> int:
    return int(request.app.state.settings.invitation_ttl_days)


@router.post(
    "/api/initiatives/{initiative_id}/invitations",
    status_code=201,
)
def invite(
    initiative_id: PathId, data: InviteIn, request: Request, db: DB, caller: CurrentCaller
) -> list[InvitationOut]:
    """Invite seats (a whole proposal, or one by hand) with a message: all or none."""
    return invitations.invite(db, caller, initiative_id, data, ttl_days=_ttl(request))


@router.get("/api/initiatives/{initiative_id}/invitations")
def list_for_initiative(
    initiative_id: PathId, db: DB, caller: CurrentCaller
) -> list[InvitationOut]:
    """Every invitation of an initiative (its convenor, or a steward)."""
    return invitations.list_for_initiative(db, caller, initiative_id)


@router.get("/api/invitations/{invitation_id}")
def get_invitation(invitation_id: PathId, db: DB, caller: CurrentCaller) -> InvitationOut:
    return invitations.get_invitation(db, caller, invitation_id)


@router.post("/api/invitations/{invitation_id}/answer")
def answer(
    invitation_id: PathId, data: AnswerIn, request: Request, db: DB, caller: CurrentCaller
) -> AnswerOut:
    """The invitee accepts, declines (reason optional, private) or counters with fewer hours."""
    return invitations.answer(db, caller, invitation_id, data, ttl_days=_ttl(request))


@router.post("/api/invitations/{invitation_id}/counter")
def decide_counter(
    invitation_id: PathId, data: CounterDecisionIn, db: DB, caller: CurrentCaller
) -> AnswerOut:
    """The convenor accepts or declines a counter-offer."""
    return invitations.decide_counter(db, caller, invitation_id, data)


@router.post("/api/invitations/{invitation_id}/withdraw")
def withdraw(invitation_id: PathId, db: DB, caller: CurrentCaller) -> InvitationOut:
    return invitations.withdraw(db, caller, invitation_id)


@router.get("/api/invitations/{invitation_id}/replacements")
def replacements(invitation_id: PathId, db: DB, caller: CurrentCaller) -> list[ReplacementOut]:
    return invitation_replacements.replacements(db, caller, invitation_id)


@router.get("/api/me/invitations")
def my_invitations(db: DB, caller: CurrentCaller) -> MyInvitationsOut:
    """Every invitation to the caller's actors, across networks, with capacity used and free."""
    return invitations.my_invitations(db, caller)


@router.get("/api/me/commitments")
def my_commitments(db: DB, caller: CurrentCaller) -> MyCommitmentsOut:
    return engagements.my_commitments(db, caller)


@router.post("/api/engagements/{engagement_id}/step-back")
def step_back(engagement_id: PathId, db: DB, caller: CurrentCaller) -> EngagementOut:
    """The member steps back: capacity released, the convenor told."""
    return engagements.step_back(db, caller, engagement_id)


@router.patch("/api/engagements/{engagement_id}")
def set_listed(
    engagement_id: PathId, data: EngagementPatch, db: DB, caller: CurrentCaller
) -> EngagementOut:
    return engagements.set_listed(db, caller, engagement_id, data)


@router.get("/api/initiatives/{initiative_id}/team")
def team(initiative_id: PathId, db: DB, caller: CurrentCaller) -> TeamOut:
    return engagements.team(db, caller, initiative_id)


@router.get("/api/me/notifications")
def my_notifications(
    db: DB,
    caller: CurrentCaller,
    unread: bool = False,
    limit: int = Query(200, ge=1, le=1000),
) -> list[NotificationOut]:
    return notifications.list_notifications(db, caller, unread_only=unread, limit=limit)


@router.post("/api/me/notifications/read")
def read_all(db: DB, caller: CurrentCaller) -> dict[str, int]:
    return {"marked": notifications.mark_read(db, caller)}


@router.post("/api/me/notifications/{notification_id}/read")
def read_one(notification_id: PathId, db: DB, caller: CurrentCaller) -> dict[str, int]:
    return {"marked": notifications.mark_read(db, caller, notification_id)}


def calendar_response(request: Request, db: DB, caller: CurrentCaller) -> Response:
    """The caller's current engagements as an RFC 5545 calendar (shared with the page)."""
    base = public_url(request.app.state.settings)
    host = base.split("://", 1)[-1].split("/", 1)[0] or "coalition"
    events = []
    for engagement, initiative in engagements.calendar_engagements(db, caller):
        start, last = window(initiative, engagement)
        role = f"{engagement.role_title} · " if engagement.role_title else ""
        events.append(
            ics.CalendarEvent(
                uid=f"engagement-{engagement.id}@{host}",
                start=start,
                last_day=last,
                summary=f"{role}{engagement.initiative_title}",
                description=_(
                    "%(hours)s h/week agreed, %(start)s to %(end)s (%(status)s)",
                )
                % {
                    "hours": f"{engagement.hours_per_week:g}",
                    "start": start.isoformat(),
                    "end": last.isoformat() if last else "…",
                    "status": engagement.status,
                },
                url=f"{base}/initiatives/{engagement.initiative_id}",
                hours_per_week=engagement.hours_per_week,
            )
        )
    text = ics.calendar(events, now=utcnow(), name="Coalition engagements")
    return Response(
        text,
        media_type="text/calendar; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="engagements.ics"'},
    )


@router.get("/api/me/engagements.ics", response_class=Response)
def my_calendar(request: Request, db: DB, caller: CurrentCaller) -> Response:
    return calendar_response(request, db, caller)
