"""Working together: an initiative's (or a network's) threads, posts, and decisions.

A thread is read by the initiative's team or by the whole network (``visibility``); a decision
follows the same rule. Edits keep the text they replaced (``post_edits``); every step of a
decision is in its log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .tables import Base, _now


class Thread(Base):
    __tablename__ = "threads"
    __table_args__ = (Index("ix_threads_network_initiative", "network_id", "initiative_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), default=None
    )
    title: Mapped[str] = mapped_column(String(200))
    visibility: Mapped[str] = mapped_column(String(20), default="team")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    last_post_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), default=None
    )
    body: Mapped[str] = mapped_column(Text)
    # Knowledge-commons assets linked from the post (ids of knowledge_assets).
    asset_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    mentions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class PostEdit(Base):
    """The text a post had before one edit."""

    __tablename__ = "post_edits"
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    edited_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class ThreadRead(Base):
    """How far one actor has read one thread (the newest post id they have seen)."""

    __tablename__ = "thread_reads"
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True
    )
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True
    )
    last_post_id: Mapped[int] = mapped_column(Integer, default=0)


class Decision(Base):
    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_network_initiative", "network_id", "initiative_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), default=None
    )
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text, default="")
    options: Mapped[list[Any]] = mapped_column(JSON, default=list)
    visibility: Mapped[str] = mapped_column(String(20), default="team")
    # Secret votes: others see the tally and who has voted, never who voted what.
    secret_votes: Mapped[int] = mapped_column(Integer, default=0)
    proposer_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), default=None
    )
    status: Mapped[str] = mapped_column(String(20), default="open")
    closes_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    outcome: Mapped[str] = mapped_column(Text, default="")
    amends_id: Mapped[int | None] = mapped_column(
        ForeignKey("decisions.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class DecisionVote(Base):
    """One voter's current stance; changing it replaces it (the log keeps the change)."""

    __tablename__ = "decision_votes"
    __table_args__ = (UniqueConstraint("decision_id", "actor_id", name="one_vote"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("decisions.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    position: Mapped[str | None] = mapped_column(String(20), default=None)  # consent
    choice: Mapped[int | None] = mapped_column(Integer, default=None)  # choose: option index
    ranking: Mapped[list[Any]] = mapped_column(JSON, default=list)  # rank: option indices
    scores: Mapped[list[Any]] = mapped_column(JSON, default=list)  # score: one per option
    reason: Mapped[str] = mapped_column(Text, default="")
    voted_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class DecisionEvent(Base):
    """The decision log: opened, voted, blocked, block lifted, closed, amended."""

    __tablename__ = "decision_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("decisions.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), default=None
    )
    action: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class InvitationMessage(Base):
    """One message of the short conversation between an invitation's invitee and its convenor."""

    __tablename__ = "invitation_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), default=None
    )
    side: Mapped[str] = mapped_column(String(20))  # invitee | convenor
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class InvitationMessageRead(Base):
    """How far one actor has read one invitation's conversation (the newest message seen)."""

    __tablename__ = "invitation_message_reads"
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE"), primary_key=True
    )
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True
    )
    last_message_id: Mapped[int] = mapped_column(Integer, default=0)


class InitiativeCharter(Base):
    """One adopted version of an initiative's charter; the newest is the charter. Adopted only
    by a charter decision passing, and read as that decision was (its team, or the network)."""

    __tablename__ = "initiative_charters"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decisions.id", ondelete="SET NULL"), default=None
    )
    text: Mapped[str] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(20), default="team")
    adopted_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
