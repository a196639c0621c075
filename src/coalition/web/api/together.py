"""Threads, posts and decisions of initiatives and networks (services/threads.py, decisions.py)."""

from __future__ import annotations

from fastapi import APIRouter

from ...schemas.together import (
    CloseIn,
    DecisionIn,
    DecisionOut,
    PostEditIn,
    PostEditOut,
    PostIn,
    PostOut,
    ThreadDetailOut,
    ThreadIn,
    ThreadOut,
    VoteIn,
)
from ...services import decisions, threads
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..params import PathId

router = APIRouter(tags=["together"], route_class=CommitFirstRoute)


@router.get("/api/initiatives/{initiative_id}/threads")
def list_threads(initiative_id: PathId, db: DB, caller: CurrentCaller) -> list[ThreadOut]:
    """The initiative's threads the caller may read (team threads: its team only)."""
    return threads.list_threads(db, caller, initiative_id)


@router.post("/api/initiatives/{initiative_id}/threads", status_code=201)
def start_thread(
    initiative_id: PathId, data: ThreadIn, db: DB, caller: CurrentCaller
) -> ThreadDetailOut:
    """Open a thread (team or network) with its first post; a team member or the convenor."""
    return threads.start_thread(db, caller, initiative_id, data)


@router.get("/api/threads/{thread_id}")
def get_thread(thread_id: PathId, db: DB, caller: CurrentCaller) -> ThreadDetailOut:
    """A thread and its posts (Markdown and its safe HTML); marks it read."""
    return threads.get_thread(db, caller, thread_id)


@router.post("/api/threads/{thread_id}/posts", status_code=201)
def reply(thread_id: PathId, data: PostIn, db: DB, caller: CurrentCaller) -> PostOut:
    """Reply; ``@[Full Name]`` notifies that member when they may read the thread."""
    return threads.reply(db, caller, thread_id, data)


@router.patch("/api/posts/{post_id}")
def edit_post(post_id: PathId, data: PostEditIn, db: DB, caller: CurrentCaller) -> PostOut:
    """Edit one's own post; the earlier text stays in its history."""
    return threads.edit_post(db, caller, post_id, data)


@router.get("/api/posts/{post_id}/history")
def post_history(post_id: PathId, db: DB, caller: CurrentCaller) -> list[PostEditOut]:
    return threads.post_history(db, caller, post_id)


@router.get("/api/me/threads")
def my_threads(db: DB, caller: CurrentCaller) -> list[ThreadOut]:
    """Every thread the caller reads, with its unread count, unread first."""
    return threads.my_threads(db, caller)


@router.get("/api/me/threads/unread")
def unread(db: DB, caller: CurrentCaller) -> dict[str, int]:
    """How many posts by others the caller has not read yet (the navigation's count)."""
    return {"unread": threads.unread_total(db, caller)}


@router.get("/api/initiatives/{initiative_id}/decisions")
def initiative_decisions(initiative_id: PathId, db: DB, caller: CurrentCaller) -> list[DecisionOut]:
    return decisions.list_decisions(db, caller, initiative_id=initiative_id)


@router.post("/api/initiatives/{initiative_id}/decisions", status_code=201)
def propose_on_initiative(
    initiative_id: PathId, data: DecisionIn, db: DB, caller: CurrentCaller
) -> DecisionOut:
    """Propose a decision to the initiative's team (consent, choose, rank or score)."""
    return decisions.propose(db, caller, data, initiative_id=initiative_id)


@router.get("/api/networks/{slug}/decisions")
def network_decisions(slug: str, db: DB, caller: CurrentCaller) -> list[DecisionOut]:
    return decisions.list_decisions(db, caller, slug=slug)


@router.post("/api/networks/{slug}/decisions", status_code=201)
def propose_on_network(slug: str, data: DecisionIn, db: DB, caller: CurrentCaller) -> DecisionOut:
    """Propose a decision to the whole network (its members with an account vote)."""
    return decisions.propose(db, caller, data, slug=slug)


@router.get("/api/decisions/{decision_id}")
def get_decision(decision_id: PathId, db: DB, caller: CurrentCaller) -> DecisionOut:
    """Tally, blocks, votes (unless secret), who has not voted yet, and the decision log."""
    return decisions.get_decision(db, caller, decision_id)


@router.post("/api/decisions/{decision_id}/votes")
def vote(decision_id: PathId, data: VoteIn, db: DB, caller: CurrentCaller) -> DecisionOut:
    """Cast or change one's vote; a block needs its reason."""
    return decisions.vote(db, caller, decision_id, data)


@router.post("/api/decisions/{decision_id}/close")
def close(decision_id: PathId, data: CloseIn, db: DB, caller: CurrentCaller) -> DecisionOut:
    """The proposer closes it (or it closed at its time) and writes the outcome statement."""
    return decisions.close(db, caller, decision_id, data)
