"""Moderation of a conversation: the queue of statements awaiting a decision, and strict or
open moderation (Polis's two modes).

Under **strict** moderation voters see and vote on accepted statements only; under **open**
moderation on every statement not rejected. Deciding a statement (accept, reject with a
reason, mark as meta) is :func:`~coalition.services.conversations.moderate_statement`; who may
moderate is the convenor of the conversation's initiative, or a network convenor or steward.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from ..engines.common_ground import Moderation
from ..schemas.deliberation import ConversationOut, ModerationModeIn, ModerationQueueOut
from ..store.tables_deliberation import Conversation
from .access import Caller
from .conversations import (
    _bump,
    _require_moderator,
    _statement_views,
    conversation_view,
    load_conversation,
)


def moderation_queue(db: Session, caller: Caller, conversation_id: int) -> ModerationQueueOut:
    """Statements awaiting moderation (oldest first), then those decided, for a moderator."""
    conv = load_conversation(db, caller, conversation_id)
    _require_moderator(db, caller, conv)
    views = _statement_views(db, conv)
    return ModerationQueueOut(
        conversation_id=conv.id,
        strict_moderation=conv.strict_moderation,
        pending=[v for v in views if v.moderation == int(Moderation.unmoderated)],
        decided=[v for v in views if v.moderation != int(Moderation.unmoderated)],
    )


def set_moderation_mode(
    db: Session, caller: Caller, conversation_id: int, data: ModerationModeIn
) -> ConversationOut:
    """Switch a conversation between strict and open moderation (a moderator's choice)."""
    conv = load_conversation(db, caller, conversation_id)
    _require_moderator(db, caller, conv)
    if conv.strict_moderation != data.strict:
        db.execute(
            update(Conversation)
            .where(Conversation.id == conv.id)
            .values(strict_moderation=data.strict)
        )
        db.refresh(conv, ["strict_moderation"])
        _bump(db, conv)  # what voters may see changed
    return conversation_view(db, conv)
