"""Invitations, their audit log, and in-app notifications.

An invitation's *stored* status moves only by somebody's action; expiry is derived at read and
answer time from ``expires_at`` (no background job), and written down only when a later action
needs the row settled (see services.invitations).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from ..domain import OPEN_INVITATION_STATUSES, InvitationStatus
from .tables import Base, _now

INVITATION_STATUSES = tuple(s.value for s in InvitationStatus)
OPEN_STATUSES = tuple(s.value for s in OPEN_INVITATION_STATUSES)

_OPEN_SQL = "status IN (" + ", ".join(f"'{s}'" for s in OPEN_STATUSES) + ")"


class Invitation(Base):
    """A seat offered to an actor; answered accepted / declined / countered (fewer hours)."""

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint("hours_per_week > 0", name="hours_positive"),
        CheckConstraint(
            "counter_hours IS NULL OR (counter_hours > 0 AND counter_hours < hours_per_week)",
            name="counter_fewer_hours",
        ),
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in INVITATION_STATUSES) + ")",
            name="status_known",
        ),
        Index("ix_invitations_actor_status", "actor_id", "status"),
        # At most one open invitation per person and seat, even when two convenors race.
        Index(
            "uq_invitations_open_seat",
            "initiative_id",
            "role_id",
            "actor_id",
            unique=True,
            sqlite_where=sql_text(_OPEN_SQL),
            postgresql_where=sql_text(_OPEN_SQL),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    role_id: Mapped[int | None] = mapped_column(
        ForeignKey("roles.id", ondelete="SET NULL"), default=None
    )
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), default=None
    )
    # A proposal of the formation area, kept as a plain number (that table is another area's).
    proposal_id: Mapped[int | None] = mapped_column(Integer, default=None)
    hours_per_week: Mapped[float] = mapped_column(Float)
    counter_hours: Mapped[float | None] = mapped_column(Float, default=None)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    message: Mapped[str] = mapped_column(Text, default="")
    # The member's consent to appear on the team page, given with the answer.
    listed: Mapped[int] = mapped_column(Integer, default=1)
    # Private to the member: shown only as their ``declines_visibility`` allows.
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    engagement_id: Mapped[int | None] = mapped_column(
        ForeignKey("engagements.id", ondelete="SET NULL"), default=None
    )


class InvitationEvent(Base):
    """The audit log: who moved an invitation or engagement from one status to another, when."""

    __tablename__ = "invitation_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE"), default=None, index=True
    )
    engagement_id: Mapped[int | None] = mapped_column(
        ForeignKey("engagements.id", ondelete="CASCADE"), default=None, index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime)
    by_actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), default=None
    )
    # invitee, convenor, steward, operator or system
    by_role: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(20), default=None)
    to_status: Mapped[str] = mapped_column(String(20))
    hours: Mapped[float | None] = mapped_column(Float, default=None)


class Notification(Base):
    """An in-app message to one actor (email, when configured, carries the same text)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_recipient_read", "recipient_id", "read"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int | None] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), default=None
    )
    recipient_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(300), default="")
    read: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
