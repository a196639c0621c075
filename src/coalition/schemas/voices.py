"""Outside voices: links that open a conversation to people without an account."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .common import OutModel, StrictModel, Timestamp
from .deliberation import NextOut, StatementOut

MAX_LINK_PARTICIPANTS = 100_000
MAX_LINK_DAYS = 366


class LinkIn(StrictModel):
    label: Annotated[str, Field(max_length=200)] = ""
    max_participants: Annotated[int, Field(ge=1, le=MAX_LINK_PARTICIPANTS)] = 500
    expires_in_days: Annotated[int, Field(ge=1, le=MAX_LINK_DAYS)] = 30


class LinkOut(OutModel):
    id: int
    conversation_id: int
    label: str
    token: str
    path: str
    max_participants: int
    n_participants: int
    expires_at: Timestamp
    revoked_at: Timestamp | None
    active: bool
    created_at: Timestamp


class OutsideConversationOut(OutModel):
    """What a participant who came through a link sees: the question, the statements they may
    vote on (tallies only of those they voted on), their next statement and their votes."""

    topic: str
    description: str
    statements: list[StatementOut]
    next: NextOut
    my_votes: dict[int, int]
    participant: int | None
