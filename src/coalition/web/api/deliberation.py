"""Deliberation: conversations, statements and moderation, votes, next statement, results and
the coalition charter."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse, Response

from ...schemas.deliberation import (
    ConversationIn,
    ConversationOut,
    ModerationIn,
    ModerationModeIn,
    ModerationQueueOut,
    NextOut,
    ResultsOut,
    StatementIn,
    StatementOut,
    VoteIn,
    VoteOut,
)
from ...services import conversation_analysis, conversations, deliberation_moderation
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..params import PathId, QueryCount

router = APIRouter(tags=["deliberation"], route_class=CommitFirstRoute)
Seed = QueryCount


@router.get("/api/networks/{slug}/conversations")
def list_conversations(slug: str, db: DB, caller: CurrentCaller) -> list[ConversationOut]:
    return conversations.list_conversations(db, caller, slug)


@router.post("/api/networks/{slug}/conversations", status_code=201)
def create_conversation(
    slug: str, data: ConversationIn, db: DB, caller: CurrentCaller
) -> ConversationOut:
    return conversations.create_conversation(db, caller, slug, data)


@router.get("/api/conversations/{conversation_id}")
def get_conversation(conversation_id: PathId, db: DB, caller: CurrentCaller) -> ConversationOut:
    return conversations.get_conversation(db, caller, conversation_id)


@router.get("/api/conversations/{conversation_id}/statements")
def list_statements(conversation_id: PathId, db: DB, caller: CurrentCaller) -> list[StatementOut]:
    return conversations.list_statements(db, caller, conversation_id)


@router.post(
    "/api/conversations/{conversation_id}/statements",
    status_code=201,
)
def submit_statement(
    conversation_id: PathId, data: StatementIn, db: DB, caller: CurrentCaller
) -> StatementOut:
    return conversations.submit_statement(db, caller, conversation_id, data)


@router.post("/api/statements/{statement_id}/moderation")
def moderate_statement(
    statement_id: PathId, data: ModerationIn, db: DB, caller: CurrentCaller
) -> StatementOut:
    return conversations.moderate_statement(db, caller, statement_id, data)


@router.post("/api/conversations/{conversation_id}/votes", response_model=VoteOut)
def cast_vote(conversation_id: PathId, data: VoteIn, db: DB, caller: CurrentCaller) -> Response:
    """Record the caller's vote; voting again on a statement replaces the earlier vote."""
    vote = conversations.cast_vote(db, caller, conversation_id, data)
    # The answer as JSON here, on the endpoint's thread: the most frequent write does not wait
    # for one more worker thread to check a model the service has just built.
    return Response(vote.model_dump_json(), media_type="application/json")


@router.get("/api/conversations/{conversation_id}/next")
def next_statement(conversation_id: PathId, db: DB, caller: CurrentCaller) -> NextOut:
    return conversation_analysis.next_for(db, caller, conversation_id)


@router.get("/api/conversations/{conversation_id}/results")
def results(conversation_id: PathId, db: DB, caller: CurrentCaller, seed: Seed = 0) -> ResultsOut:
    """Opinion groups, positions, representative statements and consensus (Polis)."""
    return conversation_analysis.results(db, caller, conversation_id, seed)


@router.get("/api/conversations/{conversation_id}/charter.md", response_class=PlainTextResponse)
def charter(conversation_id: PathId, db: DB, caller: CurrentCaller) -> PlainTextResponse:
    text = conversation_analysis.charter_markdown(db, caller, conversation_id)
    return PlainTextResponse(text, media_type="text/markdown; charset=utf-8")


@router.get("/api/conversations/{conversation_id}/moderation")
def moderation_queue(conversation_id: PathId, db: DB, caller: CurrentCaller) -> ModerationQueueOut:
    """Statements awaiting moderation, then those decided (moderators only)."""
    return deliberation_moderation.moderation_queue(db, caller, conversation_id)


@router.put("/api/conversations/{conversation_id}/moderation")
def set_moderation_mode(
    conversation_id: PathId, data: ModerationModeIn, db: DB, caller: CurrentCaller
) -> ConversationOut:
    """Strict (only accepted statements are voted on) or open moderation."""
    return deliberation_moderation.set_moderation_mode(db, caller, conversation_id, data)
