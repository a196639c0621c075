"""In-app notifications, and the same text by email.

A notification is written in the transaction of the change it reports, so it exists exactly
when the change does. Email goes through ``coalition.services.mail.send_mail`` (an outbox the
app shows in development, and SMTP when configured). A text given as a
:class:`~coalition.i18n.Phrase` is written in the recipient's language (their account's
setting), both in the app and by e-mail.
"""

from __future__ import annotations

import logging

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..errors import NotFound, Unauthorized
from ..i18n import Phrase, _
from ..schemas.invitations import NotificationOut
from ..store.tables import Actor
from ..store.tables_auth import Account, Membership
from ..store.tables_invitations import Notification
from .access import Caller
from .mail import absolute_link, send_mail

log = logging.getLogger("coalition.notifications")


def notify(
    db: Session,
    recipient_id: int | None,
    kind: str,
    text: str | Phrase,
    *,
    link: str = "",
    network_id: int | None = None,
    subject: str | Phrase | None = None,
) -> None:
    """Tell one actor something: an in-app row, and an email when mail is available; a
    :class:`Phrase` is rendered in the recipient's language."""
    if recipient_id is None:
        return
    locale = recipient_locale(db, recipient_id)
    if isinstance(text, Phrase):
        text = text.render(locale)
    if isinstance(subject, Phrase):
        subject = subject.render(locale)
    db.add(
        Notification(
            network_id=network_id,
            recipient_id=recipient_id,
            kind=kind,
            text=text,
            link=link,
            read=0,
        )
    )
    _email(db, recipient_id, subject or text, text, link)


def recipient_locale(db: Session, actor_id: int) -> str | None:
    """The language chosen by the account that is ``actor_id`` (None: not chosen, or no account;
    a Phrase then uses the current request's language)."""
    return db.scalar(
        select(Account.locale)
        .join(Membership, Membership.account_id == Account.id)
        .where(Membership.actor_id == actor_id, Account.locale.is_not(None))
        .limit(1)
    )


def _email(db: Session, recipient_id: int, subject: str, body: str, link: str) -> None:
    address = db.scalar(select(Actor.email).where(Actor.id == recipient_id))
    if not address:
        return
    text = f"{body}\n\n{absolute_link(db, link)}" if link else body
    try:
        # A savepoint: a failing mailer must not undo the change it reports.
        with db.begin_nested():
            send_mail(db, address, subject[:200], text)
    except Exception as exc:  # noqa: BLE001 - mail is best effort; the in-app row stays
        log.warning("mail to actor %s not queued (%s)", recipient_id, type(exc).__name__)


def _require_member(caller: Caller) -> list[int]:
    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    return sorted(caller.actor_ids)


def list_notifications(
    db: Session, caller: Caller, *, unread_only: bool = False, limit: int = 200
) -> list[NotificationOut]:
    """The caller's own notifications, newest first."""
    mine = _require_member(caller)
    stmt = select(Notification).where(Notification.recipient_id.in_(mine))
    if unread_only:
        stmt = stmt.where(Notification.read == 0)
    rows = db.scalars(stmt.order_by(Notification.id.desc()).limit(limit)).all()
    return [
        NotificationOut(
            id=n.id,
            recipient_id=n.recipient_id,
            kind=n.kind,
            text=n.text,
            link=n.link,
            read=bool(n.read),
            created_at=n.created_at,
        )
        for n in rows
    ]


def mark_read(db: Session, caller: Caller, notification_id: int | None = None) -> int:
    """Mark one notification (or all of the caller's) as read; returns how many changed."""
    mine = _require_member(caller)
    stmt = update(Notification).where(Notification.recipient_id.in_(mine), Notification.read == 0)
    if notification_id is not None:
        owned = db.scalar(
            select(Notification.id).where(
                Notification.id == notification_id, Notification.recipient_id.in_(mine)
            )
        )
        if owned is None:
            raise NotFound(
                _("no notification %(notification_id)s") % {"notification_id": notification_id}
            )
        stmt = stmt.where(Notification.id == notification_id)
    result = db.execute(stmt.values(read=1))
    db.flush()
    return int(getattr(result, "rowcount", 0) or 0)


def unread_count(db: Session, caller: Caller) -> int:
    from sqlalchemy import func

    if not caller.actor_ids:
        return 0
    return int(
        db.scalar(
            select(func.count()).where(
                Notification.recipient_id.in_(list(caller.actor_ids)), Notification.read == 0
            )
        )
        or 0
    )
