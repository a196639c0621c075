"""An initiative's history of changes, re-confirmations of changed roles, and members' offers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .tables import Base, _now


class InitiativeChange(Base):
    """One change of an initiative or of one of its roles: who, when, before → after."""

    __tablename__ = "initiative_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    role_id: Mapped[int | None] = mapped_column(
        ForeignKey("roles.id", ondelete="SET NULL"), default=None
    )
    field: Mapped[str] = mapped_column(String(40))
    before: Mapped[Any] = mapped_column(JSON, nullable=True, default=None)
    after: Mapped[Any] = mapped_column(JSON, nullable=True, default=None)
    by_actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), default=None
    )
    by_role: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class Reconfirmation(Base):
    """A role's hours changed under an engaged member: their engagement keeps its old hours
    until they confirm the new ones (capacity permitting) or step back."""

    __tablename__ = "reconfirmations"
    __table_args__ = (
        CheckConstraint("old_hours > 0 AND new_hours > 0", name="hours_positive"),
        Index("ix_reconfirmations_engagement_status", "engagement_id", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"))
    role_id: Mapped[int | None] = mapped_column(
        ForeignKey("roles.id", ondelete="SET NULL"), default=None
    )
    old_hours: Mapped[float] = mapped_column(Float)
    new_hours: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    asked_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class Offer(Base):
    """A member offers themselves for an open role; accepted, it becomes an engagement."""

    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint("hours_per_week > 0", name="hours_positive"),
        Index("ix_offers_role_status", "role_id", "status"),
        Index("ix_offers_actor_status", "actor_id", "status"),
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
    hours_per_week: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    engagement_id: Mapped[int | None] = mapped_column(
        ForeignKey("engagements.id", ondelete="SET NULL"), default=None
    )
