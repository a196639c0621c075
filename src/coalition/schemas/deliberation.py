"""Deliberation: conversations, statements, votes and their common-ground results."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .common import OutModel, StrictModel, Timestamp

Text = Annotated[str, Field(min_length=1, max_length=2000)]
ModerationName = Literal["accept", "reject", "meta", "unmoderated"]


class ConversationIn(StrictModel):
    topic: Annotated[str, Field(min_length=1, max_length=300)]
    description: Annotated[str, Field(max_length=5000)] = ""
    initiative_id: Annotated[int, Field(ge=1, le=2_147_483_647)] | None = None


class ConversationOut(OutModel):
    id: int
    network_id: int
    network_slug: str
    initiative_id: int | None
    topic: str
    description: str
    attribution: str
    source: str
    data_version: int
    created_at: Timestamp
    n_statements: int
    n_participants: int
    n_votes: int
    strict_moderation: bool = False


class StatementIn(StrictModel):
    text: Text


class StatementOut(OutModel):
    id: int
    conversation_id: int
    external_id: int
    text: str
    moderation: int
    is_meta: bool
    is_seed: bool = False
    moderation_reason: str = ""
    # Anti-herding: None (absent) until the caller has voted on the statement (moderators
    # always see them), so nobody votes with the crowd they can see.
    agrees: int | None
    disagrees: int | None
    passes: int | None


class ModerationIn(StrictModel):
    action: ModerationName
    reason: Annotated[str, Field(max_length=500)] = ""


class ModerationModeIn(StrictModel):
    """Strict: only accepted statements are shown and voted on; open: all but rejected."""

    strict: bool


class ModerationQueueOut(OutModel):
    conversation_id: int
    strict_moderation: bool
    pending: list[StatementOut]
    decided: list[StatementOut]


class VoteIn(StrictModel):
    statement_id: Annotated[int, Field(ge=1, le=2_147_483_647)]
    value: Literal[-1, 0, 1]


class VoteOut(OutModel):
    statement_id: int
    participant_external_id: int
    value: int
    data_version: int


class NextOut(OutModel):
    statement: StatementOut | None
    remaining: int


class ParticipantPoint(OutModel):
    external_id: int
    group: int | None
    x: float
    y: float


class GroupSupport(OutModel):
    group: int
    agree: float
    disagree: float
    seen: int
    repness: float
    repful: Literal["agree", "disagree"] | None


class StatementResult(OutModel):
    id: int
    external_id: int
    text: str
    moderation: int
    is_meta: bool
    groups: list[GroupSupport]
    consensus_agree: bool
    consensus_disagree: bool
    group_informed_consensus: float


class RepresentativeOut(OutModel):
    statement_id: int
    external_id: int
    text: str
    repful: Literal["agree", "disagree"]
    agree: float
    disagree: float


class GroupOut(OutModel):
    id: int
    n_members: int
    center: tuple[float, float]
    representative: list[RepresentativeOut]


class ResultsOut(OutModel):
    conversation_id: int
    data_version: int
    seed: int
    k: int
    attribution: str
    participants: list[ParticipantPoint]
    statements: list[StatementResult]
    groups: list[GroupOut]
    consensus: list[int]
    # When the analysis was computed (UTC) and from how many votes: it is recomputed at most
    # once per freshness window, so it may lag the latest votes by a few seconds.
    computed_at: Timestamp | None = None
    votes: int | None = None


class ImportProblem(OutModel):
    file: str
    line: int
    reason: str
