"""Deliberation area: Polis-style conversations, their statements, participants and votes, and
a cache of the analysis per data version. Conversations carry ``network_id`` so reads are
scoped in SQL; the rows below them are reached through their conversation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .tables import Base, Network, _now


class Conversation(Base):
    """A question a network deliberates on; ``data_version`` moves on every vote or statement."""

    __tablename__ = "conversations"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), index=True
    )
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="SET NULL"), default=None
    )
    topic: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    attribution: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    data_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    # Polis's strict moderation: only accepted statements are shown (open: all but rejected)
    strict_moderation: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Read-only: for loading a conversation with its network in one statement (joinedload).
    network: Mapped[Network] = relationship(viewonly=True)


class Participant(Base):
    """Someone who votes in a conversation: a member's actor, or an imported Polis voter."""

    __tablename__ = "conversation_participants"
    __table_args__ = (
        UniqueConstraint("conversation_id", "external_id", name="participant_external"),
        UniqueConstraint("conversation_id", "actor_id", name="participant_actor"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    external_id: Mapped[int] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), default=None
    )
    # the embedding site's id of an imported (or outside) participant: private, never shown
    # or exported
    xid: Mapped[str | None] = mapped_column(String(200), default=None)


class Statement(Base):
    """A statement put to the conversation; moderation -1 out, 0 unmoderated, 1 accepted."""

    __tablename__ = "statements"
    __table_args__ = (
        UniqueConstraint("conversation_id", "external_id", name="statement_external"),
        CheckConstraint("moderation IN (-1, 0, 1)", name="moderation_known"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    external_id: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversation_participants.id", ondelete="SET NULL"), default=None
    )
    moderation: Mapped[int] = mapped_column(Integer, default=0)
    is_meta: Mapped[bool] = mapped_column(default=False)
    is_seed: Mapped[bool] = mapped_column(default=False, server_default=false())
    moderation_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    # Polis's own timestamp (ms) of imported statements, kept for a faithful export.
    timestamp_ms: Mapped[int | None] = mapped_column(BigInteger, default=None)


class Vote(Base):
    """A participant's last vote on a statement (a re-vote replaces it)."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("participant_id", "statement_id", name="vote_participant_statement"),
        CheckConstraint("value IN (-1, 0, 1)", name="value_known"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("conversation_participants.id", ondelete="CASCADE")
    )
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(Integer)
    ts_ms: Mapped[int] = mapped_column(BigInteger)


class GroundCache(Base):
    """The analysis of a conversation at one data version and seed, as its JSON."""

    __tablename__ = "ground_results"
    __table_args__ = (
        UniqueConstraint("conversation_id", "data_version", "seed", name="ground_version_seed"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    data_version: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class GroundHistory(Base):
    """The state Polis's next update of a conversation warm-starts from (one row each).

    ``history`` is :meth:`History.to_dict` of the latest analysis of the live lineage (the
    default seed), computed at ``data_version``. Its rows and columns are the conversation's
    participants and statements ordered by ``external_id`` as they were then:
    ``n_participants``/``n_statements`` of them, whose primary keys hash (SHA-256 of the
    little-endian int64 ids) to the two digests. A later matrix whose first rows and columns
    hash the same has only grown, so the history still applies. Kept apart from the results
    cache, which is evicted on every new version.
    """

    __tablename__ = "ground_history"
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    data_version: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    n_participants: Mapped[int] = mapped_column(Integer)
    n_statements: Mapped[int] = mapped_column(Integer)
    participants_digest: Mapped[str] = mapped_column(String(64))
    statements_digest: Mapped[str] = mapped_column(String(64))
    history: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
