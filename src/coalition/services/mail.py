"""Outgoing e-mail: every message goes to the ``outbox`` table, and over SMTP when configured.

Without ``COALITION_SMTP_URL`` the outbox is the mail: in development mode
(``COALITION_DEVELOPMENT=1``) read it at /dev/outbox; elsewhere nobody can.
With it, the message is written to the outbox in the transaction of the event it reports,
with a unique key for that event, and a ``deliver_mail`` job sends it with :mod:`smtplib`
once that transaction commits (coalition.jobs.functions.deliver_mail: retried with back-off,
sent at most once per event); the body is then cleared from the outbox, because messages can
carry one-time links (password resets, invitations) that must not sit in the database after
delivery. Nothing waits for the SMTP server inside a request any more.

``smtp_url`` forms: ``smtp://user:password@host:587`` (STARTTLS when the server offers it),
``smtps://user:password@host:465`` (TLS from the start); ``?from=noreply@example.org`` sets the
sender (default ``coalition@<host>``).
"""

from __future__ import annotations

import smtplib
import ssl
import uuid
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..config import load_settings, public_url
from ..domain import JobKind
from ..jobs.core import database_url_of, start, use_settings
from ..store.tables_auth import OutboxMessage


def smtp_url_for(db: Session) -> str | None:
    """The SMTP URL of the app serving this session (set per request), else the environment's."""
    settings = db.info.get("settings")
    if settings is not None:
        return settings.smtp_url
    return load_settings().smtp_url


def absolute_link(db: Session, link: str) -> str:
    """``link`` as a full address a mail client can open: a site path ("/initiatives/3")
    prefixed with the configured public URL (COALITION_PUBLIC_URL, else COALITION_BASE_URL)."""
    if not link.startswith("/") or link.startswith("//"):
        return link
    settings = db.info.get("settings") or load_settings()
    return public_url(settings) + link


def send_mail(
    db: Session, to: str, subject: str, body: str, *, key: str | None = None
) -> OutboxMessage:
    """Queue ``body`` for ``to`` in the outbox and, when SMTP is configured, start its
    delivery job (it runs after the caller's transaction commits).

    ``key`` names the event the message is for (one message per key: a second call with the
    same key returns the first message); by default every call is an event of its own.
    """
    key = key or f"mail:{uuid.uuid4().hex}"
    existing = db.scalars(select(OutboxMessage).where(OutboxMessage.event_key == key)).first()
    if existing is not None:
        return existing
    message = OutboxMessage(
        to_addr=to, subject=subject[:300], body=body, error="", event_key=key[:120], attempts=0
    )
    db.add(message)
    db.flush()
    settings = db.info.get("settings")
    if settings is not None:
        use_settings(settings, database_url_of(db))
    if smtp_url_for(db):
        start(db, JobKind.deliver_mail, {"outbox_id": message.id})
    return message


def deliver(url: str, to: str, subject: str, body: str) -> None:
    """Send one message over SMTP now (the ``deliver_mail`` job calls this)."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    query = parse_qs(parts.query)
    sender = query.get("from", [f"coalition@{host}"])[0]
    email = EmailMessage()
    email["From"] = sender
    email["To"] = to
    email["Subject"] = subject
    email.set_content(body)
    context = ssl.create_default_context()
    if parts.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            host, parts.port or 465, timeout=20, context=context
        )
    else:
        client = smtplib.SMTP(host, parts.port or 25, timeout=20)
    with client:
        if parts.scheme != "smtps":
            client.ehlo()
            if client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(email)
