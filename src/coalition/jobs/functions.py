"""The job functions: each runs one kind of background work, given a JobContext, and
returns (result, result link). Their writes go through ``ctx.session()``: one transaction,
committed at the end, so an interrupted job leaves nothing half-written."""

from __future__ import annotations

import smtplib
from typing import Any

from sqlalchemy import select

from .. import clock
from ..domain import JobKind
from ..store.tables_auth import OutboxMessage
from .core import JobContext, job_function


class MailNotDelivered(Exception):
    """The SMTP server did not take the message: the job is retried with back-off."""


@job_function(JobKind.deliver_mail)
def deliver_mail(ctx: JobContext) -> tuple[dict[str, Any] | None, str]:
    """Send one outbox message over SMTP, at most once for its event.

    The message is claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` where it is not sent yet,
    sent, and marked sent (``sent_at``, body cleared) in that same transaction: a second job
    for the same event (a second worker, a retry, a re-queued hand-over) finds it locked or
    sent and does nothing. Only a crash between the SMTP server's acceptance and the commit
    could send it again; SMTP offers no transaction to close that gap.
    """
    from ..services.mail import deliver

    outbox_id = int(ctx.payload["outbox_id"])
    url = ctx.settings.smtp_url
    failed: str | None = None
    with ctx.session() as db:
        message = db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id == outbox_id, OutboxMessage.sent_at.is_(None))
            .with_for_update(skip_locked=True)
        ).first()
        if message is None:
            return {"delivered": False, "why": "sent already, or being sent"}, ""
        if not url:
            return {"delivered": False, "why": "no SMTP server is configured"}, ""
        message.attempts += 1
        try:
            deliver(url, message.to_addr, message.subject, message.body)
        except (OSError, smtplib.SMTPException) as exc:
            message.error = type(exc).__name__
            failed = message.error
        else:
            message.sent_at = clock.utcnow()
            message.body = ""  # one-time links do not stay in the database
            message.error = ""
    if failed:
        raise MailNotDelivered(failed)
    return {"delivered": True, "outbox_id": outbox_id}, ""


@job_function(JobKind.invitation_replacements)
def invitation_replacements(ctx: JobContext) -> tuple[dict[str, Any] | None, str]:
    """Rank the replacements for a seat someone declined or countered (the formation engine
    over the eligible actors; coalition.services.invitation_replacements.suggest_replacements)."""
    from ..services.invitation_replacements import replacements_for_job

    with ctx.reading() as db:  # it only reads: requests keep writing meanwhile (SQLite)
        ctx.progress(0, 1, force=True)
        initiative_id, found = replacements_for_job(db, int(ctx.payload["invitation_id"]))
        ctx.progress(1, 1, force=True)
    result = {"replacements": [r.model_dump(mode="json") for r in found]}
    return result, f"/initiatives/{initiative_id}/invitations"


@job_function(JobKind.polis_import)
def polis_import(ctx: JobContext) -> tuple[dict[str, Any] | None, str]:
    """Import a Polis export and replay its vote log (coalition.services.polis_exchange), all in
    one transaction, reporting the votes replayed as progress."""
    from ..services.access import Caller
    from ..services.polis_exchange import IMPORT_BATCH_MS, import_polis

    p = ctx.payload
    with ctx.session() as db:
        out = import_polis(
            db,
            Caller.operator(),
            str(p["network"]),
            str(p["directory"]),
            p.get("topic"),
            replay=bool(p.get("replay", True)),
            batch_ms=float(p.get("batch_ms") or IMPORT_BATCH_MS),
            progress=lambda done, total: ctx.progress(done, total),
        )
    return out.model_dump(mode="json"), f"/conversations/{out.id}"
