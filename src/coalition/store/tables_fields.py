"""A network's custom profile fields and their values, and the record of each capability
merge (what it re-pointed), so that a steward can undo it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .tables import Base, _now


class ProfileField(Base):
    """A field stewards add to every profile of their network (domain.FieldKind)."""

    __tablename__ = "profile_fields"
    __table_args__ = (UniqueConstraint("network_id", "key", name="profile_field_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    help: Mapped[str] = mapped_column(Text, default="")
    # The audience a member's value starts with (domain.Visibility) until they choose.
    default_visibility: Mapped[str] = mapped_column(String(20), default="network")
    position: Mapped[int] = mapped_column(Integer, default=0)


class ProfileFieldValue(Base):
    """One member's value of one custom field, with the audience they chose for it.

    ``value`` is the typed value (text, number, list of choices, ISO date, boolean);
    ``search`` and ``number`` are what the directory filters on (computed from it)."""

    __tablename__ = "profile_field_values"
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True
    )
    field_id: Mapped[int] = mapped_column(
        ForeignKey("profile_fields.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    value: Mapped[Any] = mapped_column(JSON)
    search: Mapped[str] = mapped_column(String(2000), default="")
    number: Mapped[float | None] = mapped_column(Float, default=None)
    visibility: Mapped[str] = mapped_column(String(20), default="network")


class CapabilityMerge(Base):
    """One merge of a capability into another, as it was done: enough to undo it exactly.

    ``record`` holds the merged term (id, term, category, description, ESCO URI), the kept
    term's description and URI before, and every actor capability and role requirement of the
    two terms before the merge (with levels, evidence and minimums)."""

    __tablename__ = "capability_merges"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), index=True
    )
    merged_term: Mapped[str] = mapped_column(String(120))
    into_id: Mapped[int | None] = mapped_column(
        ForeignKey("capabilities.id", ondelete="SET NULL"), default=None
    )
    into_term: Mapped[str] = mapped_column(String(120))
    record: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    merged_at: Mapped[datetime] = mapped_column(default=_now)
    undone_at: Mapped[datetime | None] = mapped_column(default=None)
