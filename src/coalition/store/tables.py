"""The schema: one SQLAlchemy 2 declarative model per table, shared by SQLite and PostgreSQL.

Every row that belongs to a tenant carries ``network_id`` so that queries can be scoped to a
network in SQL, not in templates.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ..clock import utcnow
from ..domain import PRIVACY_DEFAULTS

# A naming convention makes constraint names stable, so Alembic batch migrations work on SQLite.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON, list[Any]: JSON}


# Every timestamp column defaults to now, stored as UTC without a zone (see coalition.clock).
_now = utcnow


_DEFAULT = {field.value: audience.value for field, audience in PRIVACY_DEFAULTS.items()}


class Network(Base):
    __tablename__ = "networks"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    attribution: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    # Bumped on every write that changes derived analytics (map metrics, groups).
    data_version: Mapped[int] = mapped_column(Integer, default=0)
    # The stewards' default weight of fairness in formation; None: the platform's default.
    fairness_weight: Mapped[float | None] = mapped_column(Float, default=None)
    # Settings its stewards keep (see services.network_settings and domain.NetworkVisibility,
    # domain.JoinPolicy); the logo lives in tables_networks.NetworkLogo.
    purpose: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(20), default="public")
    join_policy: Mapped[str] = mapped_column(String(20), default="approval")
    welcome_text: Mapped[str] = mapped_column(Text, default="")
    # {field: audience} for new members' profiles; missing fields keep the domain's defaults.
    default_privacy: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Capability(Base):
    """One term of a network's capability vocabulary."""

    __tablename__ = "capabilities"
    __table_args__ = (UniqueConstraint("network_id", "term", name="network_term"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))
    term: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(80), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    esco_uri: Mapped[str | None] = mapped_column(String(300), default=None)


class Actor(Base):
    """A person or an organisation; the profile its owner controls."""

    __tablename__ = "actors"
    __table_args__ = (
        UniqueConstraint("network_id", "external_id", name="network_external_id"),
        CheckConstraint("capacity_hours >= 0", name="capacity_nonnegative"),
        CheckConstraint("committed_hours >= 0", name="committed_nonnegative"),
        # The capacity ledger can never be over-committed, whatever the code above does.
        CheckConstraint("committed_hours <= capacity_hours", name="within_capacity"),
        Index("ix_actors_network_sector", "network_id", "sector"),
        Index("ix_actors_network_region", "network_id", "region"),
        # Directory search (migration 0018; its PostgreSQL-only indexes: store.search_indexes).
        Index("ix_actors_network_kind", "network_id", "kind"),
        Index("ix_actors_network_timezone", "network_id", "timezone"),
        Index("ix_actors_network_name", "network_id", "name", "id"),
        Index("ix_actors_network_visibility", "network_id", "visibility", "anonymised"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), index=True
    )
    external_id: Mapped[str | None] = mapped_column(String(120), default=None)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(30))
    headline: Mapped[str] = mapped_column(String(300), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    timezone: Mapped[str | None] = mapped_column(String(64), default=None)
    region: Mapped[str | None] = mapped_column(String(16), default=None)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity_hours: Mapped[float] = mapped_column(Float, default=0.0)
    committed_hours: Mapped[float] = mapped_column(Float, default=0.0)
    day_rate: Mapped[float | None] = mapped_column(Float, default=None)
    email: Mapped[str | None] = mapped_column(String(200), default=None)
    phone: Mapped[str | None] = mapped_column(String(60), default=None)
    website: Mapped[str | None] = mapped_column(String(300), default=None)
    purpose_text: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(20), default="network")
    # Per-field audience chosen by the member (see domain.Visibility); columns, not JSON, so
    # that searches can filter on what the caller may see in SQL.
    day_rate_visibility: Mapped[str] = mapped_column(String(20), default=_DEFAULT["day_rate"])
    capacity_visibility: Mapped[str] = mapped_column(String(20), default=_DEFAULT["capacity"])
    contact_visibility: Mapped[str] = mapped_column(String(20), default=_DEFAULT["contact"])
    declines_visibility: Mapped[str] = mapped_column(String(20), default=_DEFAULT["declines"])
    joined_on: Mapped[date | None] = mapped_column(Date, default=None)
    anonymised: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)

    capabilities: Mapped[list[ActorCapability]] = relationship(
        back_populates="actor", cascade="all, delete-orphan", lazy="selectin"
    )
    purposes: Mapped[list[ActorPurpose]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ActorPurpose.tag"
    )


class ActorCapability(Base):
    __tablename__ = "actor_capabilities"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),
        Index("ix_actor_capabilities_cap_level", "capability_id", "level"),
    )
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True
    )
    capability_id: Mapped[int] = mapped_column(
        ForeignKey("capabilities.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[int] = mapped_column(Integer)
    evidence: Mapped[str] = mapped_column(Text, default="")
    esco_uri: Mapped[str | None] = mapped_column(String(300), default=None)

    actor: Mapped[Actor] = relationship(back_populates="capabilities")
    capability: Mapped[Capability] = relationship(lazy="joined")


class ActorPurpose(Base):
    __tablename__ = "actor_purposes"
    __table_args__ = (Index("ix_actor_purposes_tag", "tag"),)
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(120), primary_key=True)


class Affiliation(Base):
    """An actor's tie of belonging to an organisation actor (many per actor)."""

    __tablename__ = "affiliations"
    __table_args__ = (UniqueConstraint("actor_id", "organisation_id", name="actor_org"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    role_title: Mapped[str] = mapped_column(String(200), default="")
    representative: Mapped[int] = mapped_column(Integer, default=0)
    start_date: Mapped[date | None] = mapped_column(Date, default=None)
    end_date: Mapped[date | None] = mapped_column(Date, default=None)


class Tie(Base):
    """A dated, typed, weighted relation between two actors of one network."""

    __tablename__ = "ties"
    __table_args__ = (
        CheckConstraint("source_id <> target_id", name="no_self_tie"),
        CheckConstraint("weight > 0", name="positive_weight"),
        Index("ix_ties_network_kind", "network_id", "kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))
    source_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    start_date: Mapped[date | None] = mapped_column(Date, default=None)
    end_date: Mapped[date | None] = mapped_column(Date, default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(30), default="recorded")
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="SET NULL"), default=None
    )


class Initiative(Base):
    __tablename__ = "initiatives"
    __table_args__ = (
        UniqueConstraint("network_id", "title", name="network_title"),
        CheckConstraint("budget IS NULL OR budget >= 0", name="budget_nonnegative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    purpose_tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    start_date: Mapped[date | None] = mapped_column(Date, default=None)
    end_date: Mapped[date | None] = mapped_column(Date, default=None)
    budget: Mapped[float | None] = mapped_column(Float, default=None)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    # {"business": [min, max], ...}; max may be null.
    sector_mix: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    max_per_organisation: Mapped[int | None] = mapped_column(Integer, default=None)
    timezone_coverage: Mapped[list[str]] = mapped_column(JSON, default=list)
    convenor_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)

    roles: Mapped[list[Role]] = relationship(
        back_populates="initiative",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="Role.id",
    )


class Role(Base):
    __tablename__ = "roles"
    __table_args__ = (
        CheckConstraint("seats >= 1", name="seats_positive"),
        CheckConstraint("hours_per_week > 0", name="hours_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    seats: Mapped[int] = mapped_column(Integer, default=1)
    hours_per_week: Mapped[float] = mapped_column(Float, default=4.0)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    timezone_regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Opened to the whole network: members see it among their opportunities and may offer.
    open_call: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A retired role offers no more seats; it stays for the history of who held it.
    retired_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)

    initiative: Mapped[Initiative] = relationship(back_populates="roles")
    requirements: Mapped[list[RoleRequirement]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )


class RoleRequirement(Base):
    __tablename__ = "role_requirements"
    __table_args__ = (CheckConstraint("min_level BETWEEN 1 AND 5", name="min_level_range"),)
    role_id: Mapped[int] = mapped_column(
        ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True
    )
    capability_id: Mapped[int] = mapped_column(
        ForeignKey("capabilities.id", ondelete="CASCADE"), primary_key=True
    )
    min_level: Mapped[int] = mapped_column(Integer, default=1)
    capability: Mapped[Capability] = relationship(lazy="joined")


class Engagement(Base):
    """An accepted seat: consumes ``hours_per_week`` of the actor's capacity while active."""

    __tablename__ = "engagements"
    __table_args__ = (
        CheckConstraint("hours_per_week > 0", name="hours_positive"),
        Index("ix_engagements_actor_status", "actor_id", "status"),
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
    status: Mapped[str] = mapped_column(String(20), default="active")
    listed: Mapped[int] = mapped_column(Integer, default=1)
    start_date: Mapped[date | None] = mapped_column(Date, default=None)
    end_date: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


def _load_area_tables() -> None:
    """Import every ``tables_<area>.py`` beside this module, so one metadata holds them all."""
    import importlib
    from pathlib import Path

    for path in sorted(Path(__file__).parent.glob("tables_*.py")):
        importlib.import_module(f"{__package__}.{path.stem}")


_load_area_tables()
