"""Outgoing e-mail: every message goes to the ``outbox`` table, and over SMTP when configured.

Without ``COALITION_SMTP_URL`` the outbox is the mail: in development mode
(``COALITION_DEVELOPMENT=1``) read it at /dev/outbox; elsewhere nobody can.
With it, each message is sent at once with :mod:`smtplib`; the body is then cleared from the
outbox, because messages can carry one-time links (password resets, invitations) that must not
sit in the database after delivery.

``smtp_url`` forms: ``smtp://user:password@host:587`` (STARTTLS when the server offers it),
``smtps://user:password@host:465`` (TLS from the start); ``?from=noreply@example.org`` sets the
sender (default ``coalition@<host>``).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy.orm import Session

from .. import clock
from ..config import load_settings, public_url
from ..store.tables_auth import OutboxMessage

log = logging.getLogger("coalition.mail")


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


def send_mail(db: Session, to: str, subject: str, body: str) -> OutboxMessage:
    """Queue ``body`` for ``to`` in the outbox and, when SMTP is configured, send it now.

    A delivery failure is recorded on the message (and logged without its body); it never
    fails the caller's transaction.
    """
    message = OutboxMessage(to_addr=to, subject=subject[:300], body=body, error="")
    db.add(message)
    db.flush()
    url = smtp_url_for(db)
    if url:
        try:
            _deliver(url, to, subject, body)
        except (OSError, smtplib.SMTPException) as exc:
            message.error = type(exc).__name__
            log.warning("mail to outbox #%s not delivered: %s", message.id, type(exc).__name__)
        else:
            message.sent_at = clock.utcnow()
            message.body = ""
    db.flush()
    return message


def _deliver(url: str, to: str, subject: str, body: str) -> None:
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
