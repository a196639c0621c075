"""HTML pages of invitations: the member's inbox and commitments, the convenor's view of an
initiative's invitations, the team page (HTML, Markdown, PDF), notifications and the calendar.

Forms post here and are answered with a redirect (post/redirect/get); a refused action shows
the same page again with the reason and the error's status. Every page's data is also in the
JSON API (web/api/invitations.py), from the same service calls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from ...i18n import lazy, translated_map
from ...io import team_page
from ...schemas.invitations import AnswerIn, CounterDecisionIn, EngagementPatch, InviteIn
from ...services import (
    engagements,
    initiatives,
    invitation_replacements,
    invitations,
    notifications,
)
from ...services.access import Caller
from .. import kit
from ..api.invitations import calendar_response
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..kit import act, see_other, signed_out
from ..params import PathId, form_int

router = APIRouter(include_in_schema=False, route_class=CommitFirstRoute)

STATUS_LABELS = {
    "pending": lazy("Waiting for an answer"),
    "countered": lazy("Offered fewer hours"),
    "accepted": lazy("Accepted"),
    "declined": lazy("Declined"),
    "counter_declined": lazy("Offer declined"),
    "withdrawn": lazy("Withdrawn"),
    "expired": lazy("Expired"),
    "stepped_back": lazy("Stepped back"),
    "active": lazy("Active"),
    "completed": lazy("Completed"),
}


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    context = {"labels": translated_map(STATUS_LABELS), **context}
    return kit.render(request, template, context, status)


def _number(text: str) -> float | str | None:
    """A number typed in a form (kept as text when it is not one, so validation names it)."""
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text


# -- the member ---------------------------------------------------------------------------


def _inbox(request: Request, db: DB, caller: Caller, errors: list[str], status: int) -> Response:
    mine = invitations.my_invitations(db, caller)
    open_ = [i for i in mine.invitations if i.status in ("pending", "countered")]
    past = [i for i in mine.invitations if i.status not in ("pending", "countered")]
    return render(
        request,
        "invitations/inbox.html",
        {
            "caller": caller,
            "capacity": mine.capacity,
            "open": open_,
            "past": past,
            "errors": errors,
            "unread": notifications.unread_count(db, caller),
        },
        status,
    )


class AnswerForm(BaseModel):
    """An answer as typed: accept, counter (with hours), decline (with a reason)."""

    answer: str = ""
    hours: str = ""
    reason: str = ""
    listed: str = ""


class ListedForm(BaseModel):
    """A checkbox: listed on the team page when sent (any value), else not."""

    listed: str = ""


class CounterForm(BaseModel):
    """The convenor's answer to a counter-proposal, as typed (the API's model checks it)."""

    decision: str = ""


class InviteForm(BaseModel):
    """One seat offered as typed: who, which role, how many hours, and a message."""

    actor_id: str = ""
    role_id: str = ""
    hours: str = ""
    message: str = ""


@router.get("/me/invitations", response_class=HTMLResponse)
def inbox(request: Request, db: DB, caller: CurrentCaller) -> Response:
    return signed_out(request, caller) or _inbox(request, db, caller, [], 200)


@router.post("/invitations/{invitation_id}/answer")
def answer_form(
    request: Request,
    invitation_id: PathId,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[AnswerForm, Form()],
) -> Response:
    if (out := signed_out(request, caller)) is not None:
        return out
    ttl = int(request.app.state.settings.invitation_ttl_days)

    def action() -> object:
        data: dict[str, Any] = {"answer": form.answer, "listed": bool(form.listed)}
        if form.answer == "counter":
            data["hours"] = _number(form.hours)
        if form.answer == "decline" and form.reason.strip():
            data["reason"] = form.reason.strip()
        return invitations.answer(
            db, caller, invitation_id, AnswerIn.model_validate(data), ttl_days=ttl
        )

    return act(
        db,
        action,
        "/me/invitations",
        lambda errors, status: _inbox(request, db, caller, errors, status),
    )


def _commitments(
    request: Request, db: DB, caller: Caller, errors: list[str], status: int
) -> Response:
    mine = engagements.my_commitments(db, caller)
    return render(
        request,
        "invitations/commitments.html",
        {
            "caller": caller,
            "capacity": mine.capacity,
            "engagements": mine.engagements,
            "errors": errors,
        },
        status,
    )


@router.get("/me/commitments", response_class=HTMLResponse)
def commitments(request: Request, db: DB, caller: CurrentCaller) -> Response:
    return signed_out(request, caller) or _commitments(request, db, caller, [], 200)


def _commitment_action(
    request: Request, db: DB, caller: Caller, action: Callable[[], object]
) -> Response:
    """A member's change to one of their engagements: back to the commitments page, or it
    again with why."""
    if (out := signed_out(request, caller)) is not None:
        return out
    return act(
        db,
        action,
        "/me/commitments",
        lambda errors, status: _commitments(request, db, caller, errors, status),
    )


@router.post("/engagements/{engagement_id}/step-back")
def step_back_form(
    request: Request, engagement_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    return _commitment_action(
        request, db, caller, lambda: engagements.step_back(db, caller, engagement_id)
    )


@router.post("/engagements/{engagement_id}/listed")
def listed_form(
    request: Request,
    engagement_id: PathId,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[ListedForm, Form()],
) -> Response:
    return _commitment_action(
        request,
        db,
        caller,
        lambda: engagements.set_listed(
            db, caller, engagement_id, EngagementPatch(listed=bool(form.listed))
        ),
    )


@router.get("/me/notifications", response_class=HTMLResponse)
def notifications_page(request: Request, db: DB, caller: CurrentCaller) -> Response:
    if (out := signed_out(request, caller)) is not None:
        return out
    items = notifications.list_notifications(db, caller)
    return render(request, "invitations/notifications.html", {"caller": caller, "items": items})


@router.post("/me/notifications/read")
def read_all_form(request: Request, db: DB, caller: CurrentCaller) -> Response:
    if (out := signed_out(request, caller)) is not None:
        return out
    notifications.mark_read(db, caller)
    return see_other("/me/notifications")


@router.get("/me/engagements.ics")
def calendar(request: Request, db: DB, caller: CurrentCaller) -> Response:
    return calendar_response(request, db, caller)


# -- the convenor -------------------------------------------------------------------------


def _convenor(
    request: Request, db: DB, caller: Caller, initiative_id: int, errors: list[str], status: int
) -> Response:
    items = invitations.list_for_initiative(db, caller, initiative_id)
    initiative = initiatives.get_initiative(db, caller, initiative_id)
    # Replacements for seats someone said no (or less) to, while they are still to fill.
    suggestions = {
        i.id: invitation_replacements.replacements(db, caller, i.id)
        for i in items
        if i.status in ("declined", "countered", "counter_declined", "expired")
    }
    return render(
        request,
        "invitations/convenor.html",
        {
            "caller": caller,
            "item": initiative,
            "invitations": items,
            "suggestions": suggestions,
            "publication": initiatives.get_publication(db, caller, initiative_id),
            "errors": errors,
        },
        status,
    )


@router.get("/initiatives/{initiative_id}/invitations", response_class=HTMLResponse)
def convenor_page(
    request: Request, initiative_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    if (out := signed_out(request, caller)) is not None:
        return out
    return _convenor(request, db, caller, initiative_id, [], 200)


@router.post("/initiatives/{initiative_id}/invitations")
def invite_form(
    request: Request,
    initiative_id: PathId,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[InviteForm, Form()],
) -> Response:
    if (out := signed_out(request, caller)) is not None:
        return out
    ttl = int(request.app.state.settings.invitation_ttl_days)

    def action() -> object:
        seat: dict[str, Any] = {
            "actor_id": form_int(form.actor_id),
            "role_id": form_int(form.role_id),
        }
        if (h := _number(form.hours)) is not None:
            seat["hours"] = h
        data = InviteIn.model_validate({"seats": [seat], "message": form.message.strip()})
        return invitations.invite(db, caller, initiative_id, data, ttl_days=ttl)

    back = f"/initiatives/{initiative_id}/invitations"
    return act(
        db,
        action,
        back,
        lambda errors, status: _convenor(request, db, caller, initiative_id, errors, status),
    )


def _convenor_action(
    request: Request, db: DB, caller: Caller, invitation_id: int, action: Callable[[], object]
) -> Response:
    if (out := signed_out(request, caller)) is not None:
        return out
    initiative_id = invitations.get_invitation(db, caller, invitation_id).initiative_id
    return act(
        db,
        action,
        f"/initiatives/{initiative_id}/invitations",
        lambda errors, status: _convenor(request, db, caller, initiative_id, errors, status),
    )


@router.post("/invitations/{invitation_id}/withdraw")
def withdraw_form(
    request: Request, invitation_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    return _convenor_action(
        request, db, caller, invitation_id, lambda: invitations.withdraw(db, caller, invitation_id)
    )


@router.post("/invitations/{invitation_id}/counter")
def counter_form(
    request: Request,
    invitation_id: PathId,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[CounterForm, Form()],
) -> Response:
    return _convenor_action(
        request,
        db,
        caller,
        invitation_id,
        lambda: invitations.decide_counter(
            db, caller, invitation_id, CounterDecisionIn.model_validate(form.model_dump())
        ),
    )


# -- the team page ------------------------------------------------------------------------


def _team(
    request: Request, db: DB, caller: Caller, initiative_id: int, errors: list[str], status: int
) -> Response:
    data = engagements.team(db, caller, initiative_id)
    return render(
        request,
        "invitations/team.html",
        {
            "caller": caller,
            "team": data,
            "title": team_page.title_of(data),
            "can_publish": initiatives.can_convene(db, caller, initiative_id),
            "errors": errors,
        },
        status,
    )


def _team_action(
    request: Request,
    db: DB,
    caller: Caller,
    initiative_id: int,
    service: Callable[[DB, Caller, int], object],
) -> Response:
    """The convenor's publish/unpublish of the team page: back to it, or it again with why."""
    if (out := signed_out(request, caller)) is not None:
        return out
    return act(
        db,
        lambda: service(db, caller, initiative_id),
        f"/initiatives/{initiative_id}/team",
        lambda errors, status: _team(request, db, caller, initiative_id, errors, status),
    )


@router.get("/initiatives/{initiative_id}/team", response_class=HTMLResponse)
def team(request: Request, initiative_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    return _team(request, db, caller, initiative_id, [], 200)


@router.post("/initiatives/{initiative_id}/team/publish")
def publish_form(
    request: Request, initiative_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    """The convenor publishes the team (or coalition) page: anyone may read it."""
    return _team_action(request, db, caller, initiative_id, initiatives.publish_team)


@router.post("/initiatives/{initiative_id}/team/unpublish")
def unpublish_form(
    request: Request, initiative_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    """Back to the network's members only."""
    return _team_action(request, db, caller, initiative_id, initiatives.unpublish_team)


@router.get("/initiatives/{initiative_id}/team.md")
def team_markdown(initiative_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    data = engagements.team(db, caller, initiative_id)
    return Response(
        team_page.markdown(data),
        media_type="text/markdown; charset=utf-8",
        headers={"content-disposition": f'inline; filename="team-{initiative_id}.md"'},
    )


@router.get("/initiatives/{initiative_id}/team.pdf")
def team_pdf(initiative_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    data = engagements.team(db, caller, initiative_id)
    return Response(
        team_page.pdf(data),
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="team-{initiative_id}.pdf"'},
    )
