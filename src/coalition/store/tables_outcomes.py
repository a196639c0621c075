"""Outcomes area: metrics and measurements, the contribution ledger, the knowledge commons and
partnership health checks. Every row carries ``network_id`` so reads are scoped in SQL.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .tables import Base, _now


class Outcome(Base):
    """A metric an initiative set out to move, from a dated baseline to a dated target."""

    __tablename__ = "outcomes"
    __table_args__ = (
        UniqueConstraint("initiative_id", "name", name="initiative_name"),
        CheckConstraint("direction IN ('increase', 'decrease')", name="direction_known"),
        CheckConstraint(
            "(direction = 'increase' AND target > baseline) "
            "OR (direction = 'decrease' AND target < baseline)",
            name="target_follows_direction",
        ),
        CheckConstraint("due_date > baseline_date", name="due_after_baseline"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), index=True
    )
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(60))
    baseline: Mapped[float] = mapped_column(Float)
    baseline_date: Mapped[date] = mapped_column(Date)
    target: Mapped[float] = mapped_column(Float)
    direction: Mapped[str] = mapped_column(String(10))
    due_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class Measurement(Base):
    """A dated value of an outcome's metric, with where it came from."""

    __tablename__ = "measurements"
    __table_args__ = (Index("ix_measurements_outcome_date", "outcome_id", "measured_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcomes.id", ondelete="CASCADE"))
    measured_on: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class Contribution(Base):
    """One line of the ledger: recorded by the contributor, confirmed by a co-member."""

    __tablename__ = "contributions"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "confirmed_by_id IS NULL OR confirmed_by_id <> contributor_id", name="not_self"
        ),
        CheckConstraint("status IN ('recorded', 'confirmed')", name="status_known"),
        Index("ix_contributions_network_contributor", "network_id", "contributor_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    contributor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    contributed_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="recorded")
    confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), default=None
    )
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    tie_id: Mapped[int | None] = mapped_column(
        ForeignKey("ties.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class KnowledgeAsset(Base):
    """A piece of the knowledge commons: a link or a small file, under an SPDX licence."""

    __tablename__ = "knowledge_assets"
    __table_args__ = (
        CheckConstraint("link IS NOT NULL OR content IS NOT NULL", name="link_or_file"),
        CheckConstraint("size_bytes <= 2097152", name="small_file"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(500), default=None)
    file_name: Mapped[str | None] = mapped_column(String(200), default=None)
    media_type: Mapped[str | None] = mapped_column(String(100), default=None)
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    content: Mapped[bytes | None] = mapped_column(LargeBinary, default=None, deferred=True)
    licence: Mapped[str] = mapped_column(String(200))
    shared_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), default=None
    )
    shared_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class AssetAuthor(Base):
    """Attribution: the actors who made an asset, in the order they are credited."""

    __tablename__ = "asset_authors"
    asset_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_assets.id", ondelete="CASCADE"), primary_key=True
    )
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)


class AssetReuse(Base):
    """An asset put to use in an initiative; credited to the asset's authors."""

    __tablename__ = "asset_reuses"
    __table_args__ = (UniqueConstraint("asset_id", "initiative_id", name="asset_initiative"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))
    asset_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_assets.id", ondelete="CASCADE"), index=True
    )
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), default=None
    )
    reused_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class HealthCheck(Base):
    """One round of the partnership health survey of an initiative."""

    __tablename__ = "health_checks"
    __table_args__ = (UniqueConstraint("initiative_id", "held_on", name="initiative_held_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date)
    label: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class HealthRating(Base):
    """One member's rating (1–5) of one building block in one health check."""

    __tablename__ = "health_ratings"
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),)
    check_id: Mapped[int] = mapped_column(
        ForeignKey("health_checks.id", ondelete="CASCADE"), primary_key=True
    )
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True
    )
    block: Mapped[str] = mapped_column(String(30), primary_key=True)
    rating: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
