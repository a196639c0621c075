"""How invitations read: each as its invitee or convenor may see it at a given moment (an
expiry not yet written down shows as ``expired``; a decline's reason follows the member's own
privacy choice), with its history, for the state machine in
:mod:`coalition.services.invitations` and its readers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, case, select
from sqlalchemy.orm import Session

from ..schemas.invitations import EventOut, InvitationOut
from ..store.tables import Actor, Initiative, Network, Role
from ..store.tables_invitations import OPEN_STATUSES, Invitation, InvitationEvent
from .access import Caller, field_visible


def effective_status(invitation: Invitation, now: datetime) -> str:
    """The status as of ``now``: an open invitation past its ``expires_at`` is expired."""
    if invitation.status in OPEN_STATUSES and now >= invitation.expires_at:
        return "expired"
    return invitation.status


def is_convenor(caller: Caller, initiative: Initiative) -> bool:
    """Whether the caller acts as the initiative's own convenor (not a steward or operator)."""
    return initiative.convenor_id is not None and caller.owns(initiative.convenor_id)


def open_first() -> ColumnElement[int]:
    """An ordering that puts open invitations (pending, countered) before the others."""
    return case((Invitation.status.in_(list(OPEN_STATUSES)), 0), else_=1)


def views(
    db: Session, caller: Caller, invitations: Iterable[Invitation], now: datetime
) -> list[InvitationOut]:
    """``invitations`` as ``caller`` sees them at ``now``, read in one query per table."""
    items = list(invitations)
    if not items:
        return []
    initiatives = {
        i.id: i
        for i in db.scalars(
            select(Initiative).where(Initiative.id.in_({x.initiative_id for x in items}))
        )
    }
    roles = dict(
        db.execute(
            select(Role.id, Role.title).where(
                Role.id.in_({x.role_id for x in items if x.role_id is not None})
            )
        ).all()
    )
    actors = {
        a.id: a for a in db.scalars(select(Actor).where(Actor.id.in_({x.actor_id for x in items})))
    }
    slugs = dict(
        db.execute(
            select(Network.id, Network.slug).where(Network.id.in_({x.network_id for x in items}))
        ).all()
    )
    history: dict[int, list[EventOut]] = defaultdict(list)
    for event in db.scalars(
        select(InvitationEvent)
        .where(InvitationEvent.invitation_id.in_([x.id for x in items]))
        .order_by(InvitationEvent.at, InvitationEvent.id)
    ):
        history[event.invitation_id or 0].append(EventOut.model_validate(event))
    return [
        _view(
            caller,
            x,
            initiatives[x.initiative_id],
            actors[x.actor_id],
            history[x.id],
            now,
            network=slugs.get(x.network_id, ""),
            role_title=roles.get(x.role_id) if x.role_id is not None else None,
        )  # fmt: skip
        for x in items
    ]


def _view(
    caller: Caller,
    x: Invitation,
    initiative: Initiative,
    actor: Actor,
    history: list[EventOut],
    now: datetime,
    *,
    network: str,
    role_title: str | None,
) -> InvitationOut:
    """One invitation as ``caller`` may see it at ``now``: an expiry not yet written down
    shows in its history, and a decline's reason follows the member's own privacy choice."""
    status = effective_status(x, now)
    events = list(history)
    if status == "expired" and x.status != "expired":
        events.append(
            EventOut(
                at=x.expires_at,
                by_actor_id=None,
                by_role="system",
                from_status=x.status,
                to_status="expired",
                hours=None,
            )
        )
    # A decline's reason follows the member's own privacy choice, whoever asks.
    show_reason = field_visible(
        caller,
        actor,
        actor.declines_visibility,
        invited_by=is_convenor(caller, initiative),
    )
    return InvitationOut(
        id=x.id,
        network=network,
        initiative_id=x.initiative_id,
        initiative_title=initiative.title,
        role_id=x.role_id,
        role_title=role_title,
        actor_id=x.actor_id,
        actor_name=actor.name,
        invited_by_id=x.invited_by_id,
        proposal_id=x.proposal_id,
        hours_per_week=x.hours_per_week,
        counter_hours=x.counter_hours,
        status=status,  # type: ignore[arg-type]
        message=x.message,
        reason=x.reason if show_reason else None,
        reason_hidden=not show_reason,
        created_at=x.created_at,
        expires_at=x.expires_at,
        answered_at=x.answered_at,
        engagement_id=x.engagement_id,
        history=events,
    )
