"""The short conversation each invitation carries between its invitee and its convenor.

An invitation is a proposal between two sides, and a counter-offer ("I can give 3 hours, not
5") needs its context: why, from when, on what terms. The messages are read only by the two
sides, the invited member and the initiative's convenor (or whoever sent the invitation when
the initiative has no convenor), and by the operator; a steward who may manage the invitation
itself, another member of the network or an outsider never reads them. Writing notifies the
other side (an in-app row in the same transaction, and mail through the outbox, delivered by
its job once the transaction commits). How far each side has read is kept per actor, so the
navigation shows how many messages by the other side are still unread.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlalchemy.orm import Session

from ..domain import InvitationSide
from ..errors import Forbidden, Invalid, NotFound, Unauthorized
from ..i18n import _
from ..schemas.together import (
    InvitationConversationOut,
    InvitationMessageIn,
    InvitationMessageOut,
    InvitationSideName,
)
from ..store.tables import Actor, Initiative
from ..store.tables_invitations import Invitation
from ..store.tables_together import InvitationMessage, InvitationMessageRead
from . import markup
from .access import Caller
from .initiatives import readable_initiatives
from .notifications import notify


def _not_found(invitation_id: int) -> NotFound:
    return NotFound(_("no invitation %(invitation_id)s") % {"invitation_id": invitation_id})


def convenor_side(invitation: Invitation, initiative: Initiative) -> set[int]:
    """The actors who speak for the initiative on this invitation."""
    return {a for a in (initiative.convenor_id, invitation.invited_by_id) if a is not None}


def _side_of(caller: Caller, invitation: Invitation, initiative: Initiative) -> tuple[str, int]:
    """The caller's side and the actor they write as; raises when they are on neither side."""
    if not caller.system and caller.owns(invitation.actor_id):
        return InvitationSide.invitee.value, invitation.actor_id
    own = sorted(a for a in convenor_side(invitation, initiative) if caller.owns(a))
    if own and not caller.system:
        # The convenor before a co-worker who sent the invitation.
        first = initiative.convenor_id if initiative.convenor_id in own else own[0]
        return InvitationSide.convenor.value, int(first or own[0])
    raise Forbidden(_("only the invited member and the convenor read this conversation"))


def _load(
    db: Session, caller: Caller, invitation_id: int
) -> tuple[Invitation, Initiative, str | None, int | None]:
    """The invitation, its initiative, and the caller's side and actor (None for the operator)."""
    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    invitation = db.get(Invitation, invitation_id)
    if invitation is None:
        raise _not_found(invitation_id)
    initiative = db.get_one(Initiative, invitation.initiative_id)
    if caller.system and not caller.actor_ids:
        return invitation, initiative, None, None
    try:
        side, actor = _side_of(caller, invitation, initiative)
    except Forbidden:
        readable = db.scalar(
            select(Initiative.id).where(
                Initiative.id == initiative.id, readable_initiatives(caller)
            )
        )
        if readable is None:  # who cannot see the initiative is not told the invitation exists
            raise _not_found(invitation_id) from None
        raise
    return invitation, initiative, side, actor


def _seen(db: Session, invitation_id: int, actor_id: int | None) -> int:
    if actor_id is None:
        return 0
    row = db.get(InvitationMessageRead, (invitation_id, actor_id))
    return row.last_message_id if row is not None else 0


def _mark_read(db: Session, invitation_id: int, actor_id: int, message_id: int) -> None:
    row = db.get(InvitationMessageRead, (invitation_id, actor_id))
    if row is None:
        db.add(
            InvitationMessageRead(
                invitation_id=invitation_id, actor_id=actor_id, last_message_id=message_id
            )
        )
    elif row.last_message_id < message_id:
        row.last_message_id = message_id


def _views(
    db: Session, caller: Caller, rows: list[InvitationMessage], seen: int, me: int | None
) -> list[InvitationMessageOut]:
    names = dict(
        db.execute(
            select(Actor.id, Actor.name).where(
                Actor.id.in_({r.author_id for r in rows if r.author_id is not None})
            )
        ).all()
    )
    return [
        InvitationMessageOut(
            id=r.id,
            invitation_id=r.invitation_id,
            author_id=r.author_id,
            author_name=names.get(r.author_id or 0, _("A member")),
            side=cast(InvitationSideName, r.side),  # written from it only
            body=r.body,
            html=str(markup.render(r.body)),
            created_at=r.created_at,
            mine=r.author_id is not None and r.author_id == me,
            unread=r.id > seen and r.author_id != me and me is not None,
        )
        for r in rows
    ]


# -- use cases ----------------------------------------------------------------------------


def conversation(
    db: Session, caller: Caller, invitation_id: int, *, mark: bool = True
) -> InvitationConversationOut:
    """The invitation's messages, oldest first; reading them marks them read for the caller."""
    invitation, initiative, side, me = _load(db, caller, invitation_id)
    rows = list(
        db.scalars(
            select(InvitationMessage)
            .where(InvitationMessage.invitation_id == invitation.id)
            .order_by(InvitationMessage.id)
        ).all()
    )
    items = _views(db, caller, rows, _seen(db, invitation.id, me), me)
    invitee = db.scalar(select(Actor.name).where(Actor.id == invitation.actor_id)) or ""
    if mark and rows and me is not None:
        _mark_read(db, invitation.id, me, rows[-1].id)
        db.flush()
    return InvitationConversationOut(
        invitation_id=invitation.id,
        initiative_id=initiative.id,
        initiative_title=initiative.title,
        invitee_id=invitation.actor_id,
        invitee_name=invitee,
        my_side=cast(InvitationSideName | None, side),
        unread=sum(1 for i in items if i.unread),
        items=items,
    )


def write(
    db: Session, caller: Caller, invitation_id: int, data: InvitationMessageIn
) -> InvitationMessageOut:
    """Add a message as one side; the other side is notified (in-app, and by mail)."""
    invitation, initiative, side, me = _load(db, caller, invitation_id)
    if side is None or me is None:
        raise Invalid(_("the console writes as a member: give --as ACTOR_ID"), field="actor_id")
    message = InvitationMessage(
        invitation_id=invitation.id, author_id=me, side=side, body=data.body.strip()
    )
    if not message.body:
        raise Invalid(_("write a message first"), field="body")
    db.add(message)
    db.flush()
    _mark_read(db, invitation.id, me, message.id)
    author = db.scalar(select(Actor.name).where(Actor.id == me)) or _("A member")
    if side == InvitationSide.invitee.value:
        others = convenor_side(invitation, initiative) - {me}
    else:
        others = {invitation.actor_id} - {me}
    for other in sorted(others):
        notify(
            db,
            other,
            "invitation_message",
            _("%(author)s wrote about the invitation to '%(title)s'")
            % {"author": author, "title": initiative.title},
            link=f"/invitations/{invitation.id}#message-{message.id}",
            network_id=invitation.network_id,
        )
    db.flush()
    return _views(db, caller, [message], message.id, me)[0]


def _on_my_side(mine: list[int]) -> ColumnElement[bool]:
    convened = select(Initiative.id).where(Initiative.convenor_id.in_(mine))
    return or_(
        Invitation.actor_id.in_(mine),
        Invitation.invited_by_id.in_(mine),
        Invitation.initiative_id.in_(convened),
    )


def unread_statement(
    caller: Caller, invitation_ids: list[int] | None = None
) -> Select[int, int] | None:
    """(invitation id, messages by the other side newer than the caller has read) per
    invitation, as one statement; None when the caller has no actor."""
    mine = sorted(caller.actor_ids)
    if not caller.authenticated or caller.system or not mine:
        return None
    seen = (
        select(func.max(InvitationMessageRead.last_message_id))
        .where(
            InvitationMessageRead.invitation_id == InvitationMessage.invitation_id,
            InvitationMessageRead.actor_id.in_(mine),
        )
        .scalar_subquery()
    )
    stmt = (
        select(InvitationMessage.invitation_id, func.count())
        .join(Invitation, Invitation.id == InvitationMessage.invitation_id)
        .where(
            _on_my_side(mine),
            InvitationMessage.id > func.coalesce(seen, 0),
            or_(InvitationMessage.author_id.is_(None), InvitationMessage.author_id.not_in(mine)),
        )
        .group_by(InvitationMessage.invitation_id)
    )
    if invitation_ids is not None:
        stmt = stmt.where(
            InvitationMessage.invitation_id.in_(invitation_ids) if invitation_ids else false()
        )
    return stmt


def unread_by_invitation(
    db: Session, caller: Caller, invitation_ids: list[int] | None = None
) -> dict[int, int]:
    """Messages by the other side, newer than the caller has read, per invitation."""
    stmt = unread_statement(caller, invitation_ids)
    if stmt is None:
        return {}
    return {int(i): int(n) for i, n in db.execute(stmt).all()}


def unread_total(db: Session, caller: Caller) -> int:
    """How many messages on the caller's invitations (either side) they have not read yet."""
    return sum(unread_by_invitation(db, caller).values())
