"""Threads, posts and decisions of initiatives and networks (services/threads.py, decisions.py),
and the conversation each invitation carries (services/invitation_threads.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ...schemas.together import (
    CharterOut,
    CloseIn,
    DecisionIn,
    DecisionOut,
    InvitationConversationOut,
    InvitationMessageIn,
    InvitationMessageOut,
    PostEditIn,
    PostEditOut,
    PostIn,
    PostOut,
    ReminderOut,
    ThreadDetailOut,
    ThreadIn,
    ThreadOut,
    VoteIn,
)
from ...services import charters, decision_reminders, decisions, invitation_threads, threads
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..params import PathId

router = APIRouter(tags=["together"], route_class=CommitFirstRoute)


@router.get("/api/initiatives/{initiative_id}/threads", response_model=list[ThreadOut])
def list_threads(initiative_id: PathId, db: DB, caller: CurrentCaller) -> Any:
    """The initiative's threads the caller may read (team threads: its team only)."""
    return threads.list_threads(db, caller, initiative_id)


@router.post(
    "/api/initiatives/{initiative_id}/threads", response_model=ThreadDetailOut, status_code=201
)
def start_thread(initiative_id: PathId, data: ThreadIn, db: DB, caller: CurrentCaller) -> Any:
    """Open a thread (team or network) with its first post; a team member or the convenor."""
    return threads.start_thread(db, caller, initiative_id, data)


@router.get("/api/threads/{thread_id}", response_model=ThreadDetailOut)
def get_thread(thread_id: PathId, db: DB, caller: CurrentCaller) -> Any:
    """A thread and its posts (Markdown and its safe HTML); marks it read."""
    return threads.get_thread(db, caller, thread_id)


@router.post("/api/threads/{thread_id}/posts", response_model=PostOut, status_code=201)
def reply(thread_id: PathId, data: PostIn, db: DB, caller: CurrentCaller) -> Any:
    """Reply; ``@[Full Name]`` notifies that member when they may read the thread."""
    return threads.reply(db, caller, thread_id, data)


@router.patch("/api/posts/{post_id}", response_model=PostOut)
def edit_post(post_id: PathId, data: PostEditIn, db: DB, caller: CurrentCaller) -> Any:
    """Edit one's own post; the earlier text stays in its history."""
    return threads.edit_post(db, caller, post_id, data)


@router.get("/api/posts/{post_id}/history", response_model=list[PostEditOut])
def post_history(post_id: PathId, db: DB, caller: CurrentCaller) -> Any:
    return threads.post_history(db, caller, post_id)


@router.get("/api/me/threads", response_model=list[ThreadOut])
def my_threads(db: DB, caller: CurrentCaller) -> Any:
    """Every thread the caller reads, with its unread count, unread first."""
    return threads.my_threads(db, caller)


@router.get("/api/me/threads/unread")
def unread(db: DB, caller: CurrentCaller) -> dict[str, int]:
    """How many posts by others the caller has not read yet (the navigation's count)."""
    return {"unread": threads.unread_total(db, caller)}


@router.get("/api/initiatives/{initiative_id}/decisions", response_model=list[DecisionOut])
def initiative_decisions(initiative_id: PathId, db: DB, caller: CurrentCaller) -> Any:
    return decisions.list_decisions(db, caller, initiative_id=initiative_id)


@router.post(
    "/api/initiatives/{initiative_id}/decisions", response_model=DecisionOut, status_code=201
)
def propose_on_initiative(
    initiative_id: PathId, data: DecisionIn, db: DB, caller: CurrentCaller
) -> Any:
    """Propose a decision to the initiative's team (consent, choose, rank or score)."""
    return decisions.propose(db, caller, data, initiative_id=initiative_id)


@router.get("/api/networks/{slug}/decisions", response_model=list[DecisionOut])
def network_decisions(slug: str, db: DB, caller: CurrentCaller) -> Any:
    return decisions.list_decisions(db, caller, slug=slug)


@router.post("/api/networks/{slug}/decisions", response_model=DecisionOut, status_code=201)
def propose_on_network(slug: str, data: DecisionIn, db: DB, caller: CurrentCaller) -> Any:
    """Propose a decision to the whole network (its members with an account vote)."""
    return decisions.propose(db, caller, data, slug=slug)


@router.get("/api/decisions/{decision_id}", response_model=DecisionOut)
def get_decision(decision_id: PathId, db: DB, caller: CurrentCaller) -> Any:
    """Tally, blocks, votes (unless secret), who has not voted yet, and the decision log."""
    return decisions.get_decision(db, caller, decision_id)


@router.post("/api/decisions/{decision_id}/votes", response_model=DecisionOut)
def vote(decision_id: PathId, data: VoteIn, db: DB, caller: CurrentCaller) -> Any:
    """Cast or change one's vote; a block needs its reason."""
    return decisions.vote(db, caller, decision_id, data)


@router.post("/api/decisions/{decision_id}/close", response_model=DecisionOut)
def close(decision_id: PathId, data: CloseIn, db: DB, caller: CurrentCaller) -> Any:
    """The proposer closes it (or it closed at its time) and writes the outcome statement."""
    return decisions.close(db, caller, decision_id, data)


@router.post("/api/decisions/{decision_id}/remind", response_model=ReminderOut)
def remind(decision_id: PathId, db: DB, caller: CurrentCaller) -> Any:
    """The proposer reminds who has not voted yet (at most every 12 hours)."""
    return decision_reminders.remind(db, caller, decision_id)


@router.get("/api/initiatives/{initiative_id}/charter", response_model=CharterOut)
def charter(initiative_id: PathId, db: DB, caller: CurrentCaller) -> Any:
    """The charter adopted by the initiative's last passed charter decision (404 before)."""
    return charters.get_charter(db, caller, initiative_id)


@router.get("/api/invitations/{invitation_id}/messages", response_model=InvitationConversationOut)
def invitation_messages(invitation_id: PathId, db: DB, caller: CurrentCaller) -> Any:
    """The invitation's messages (its invitee and its convenor only); marks them read."""
    return invitation_threads.conversation(db, caller, invitation_id)


@router.post(
    "/api/invitations/{invitation_id}/messages",
    response_model=InvitationMessageOut,
    status_code=201,
)
def write_invitation_message(
    invitation_id: PathId, data: InvitationMessageIn, db: DB, caller: CurrentCaller
) -> Any:
    """Write to the other side of an invitation; they are notified."""
    return invitation_threads.write(db, caller, invitation_id, data)


@router.get("/api/me/invitations/unread")
def invitation_messages_unread(db: DB, caller: CurrentCaller) -> dict[str, int]:
    """How many messages on the caller's invitations (either side) are still unread."""
    return {"unread": invitation_threads.unread_total(db, caller)}
