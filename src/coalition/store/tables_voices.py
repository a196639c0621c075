"""Outside voices: signed links that open a conversation to people outside the network, and the
anonymous participants who came in through them.

A link's token is the app secret's signature (itsdangerous) of ``key``; the row is what makes
it count: a participant cap, an expiry and a revocation. A participant who came through a link
has a row in ``link_participants`` with a keyed hash of the address it came from
(never the address), which the rate limits count.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .tables import Base, _now


class ConversationLink(Base):
    """A signed link (or embed) to one conversation, for participants without an account."""

    __tablename__ = "conversation_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    max_participants: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class LinkParticipant(Base):
    """A participant who joined through a link; ``ip_hash`` keys the per-address limits."""

    __tablename__ = "link_participants"
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("conversation_participants.id", ondelete="CASCADE"), primary_key=True
    )
    link_id: Mapped[int] = mapped_column(
        ForeignKey("conversation_links.id", ondelete="CASCADE"), index=True
    )
    ip_hash: Mapped[str] = mapped_column(String(64), index=True)
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
