"""Threads, posts and decisions: what the API takes in and gives back."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .common import Id, OutModel, StrictModel, Timestamp

ThreadVisibilityName = Literal["team", "network"]
DecisionKindName = Literal["consent", "choose", "rank", "score", "charter"]
ConsentPositionName = Literal["agree", "abstain", "disagree", "block"]
DecisionStatusName = Literal["open", "passed", "not_passed", "blocked", "withdrawn"]

Body = Annotated[str, Field(min_length=1, max_length=20_000)]
Title = Annotated[str, Field(min_length=1, max_length=200)]
Reason = Annotated[str, Field(max_length=2_000)]
AssetIds = Annotated[list[Id], Field(max_length=10)]


class PostIn(StrictModel):
    body: Body
    asset_ids: AssetIds = []


class PostEditIn(StrictModel):
    body: Body


class ThreadIn(StrictModel):
    title: Title
    visibility: ThreadVisibilityName = "team"
    body: Body
    asset_ids: AssetIds = []


class AttachmentOut(OutModel):
    asset_id: int
    title: str
    url: str


class PostOut(OutModel):
    id: int
    thread_id: int
    author_id: int | None
    author_name: str
    body: str
    html: str
    attachments: list[AttachmentOut] = []
    created_at: Timestamp
    edited_at: Timestamp | None = None
    edits: int = 0
    mine: bool = False


class PostEditOut(OutModel):
    body: str
    edited_at: Timestamp


class ThreadOut(OutModel):
    id: int
    network: str
    initiative_id: int | None
    initiative_title: str | None = None
    title: str
    visibility: ThreadVisibilityName
    author_name: str
    posts: int = 0
    unread: int = 0
    created_at: Timestamp
    last_post_at: Timestamp


class ThreadDetailOut(ThreadOut):
    items: list[PostOut] = []


InvitationSideName = Literal["invitee", "convenor"]
MessageBody = Annotated[str, Field(min_length=1, max_length=2_000)]


class InvitationMessageIn(StrictModel):
    body: MessageBody


class InvitationMessageOut(OutModel):
    id: int
    invitation_id: int
    author_id: int | None
    author_name: str
    side: InvitationSideName
    body: str
    html: str
    created_at: Timestamp
    mine: bool = False
    unread: bool = False


class InvitationConversationOut(OutModel):
    """The messages of one invitation, for its invitee and its convenor."""

    invitation_id: int
    initiative_id: int
    initiative_title: str
    invitee_id: int
    invitee_name: str
    my_side: InvitationSideName | None
    unread: int
    items: list[InvitationMessageOut] = []


class DecisionIn(StrictModel):
    kind: DecisionKindName
    title: Title
    details: Annotated[str, Field(max_length=20_000)] = ""
    options: Annotated[list[Title], Field(max_length=20)] = []
    visibility: ThreadVisibilityName = "team"
    secret_votes: bool = False
    closes_in_hours: Annotated[float, Field(gt=0, le=24 * 365)] = 72.0
    amends_id: Id | None = None


class VoteIn(StrictModel):
    position: ConsentPositionName | None = None
    choice: Annotated[int, Field(ge=0, le=19)] | None = None
    ranking: Annotated[list[Annotated[int, Field(ge=0, le=19)]], Field(max_length=20)] = []
    scores: Annotated[list[Annotated[int, Field(ge=0, le=5)]], Field(max_length=20)] = []
    reason: Reason = ""
    actor_id: Id | None = None


class CloseIn(StrictModel):
    outcome: Annotated[str, Field(min_length=1, max_length=20_000)]


class VoteOut(OutModel):
    actor_id: int | None
    actor_name: str
    position: ConsentPositionName | None = None
    choice: str | None = None
    ranking: list[str] = []
    scores: list[int] = []
    reason: str = ""
    voted_at: Timestamp


class DecisionEventOut(OutModel):
    """One event of a decision's log: ``action`` (a code) and ``detail`` (its data), and
    ``text``, the event in the reader's language."""

    at: Timestamp
    actor_name: str
    action: str
    detail: str
    text: str = ""


class TallyOut(OutModel):
    counts: dict[str, float]
    leader: str | None
    passes: bool
    blocked: bool
    voters: int


class DecisionOut(OutModel):
    id: int
    network: str
    initiative_id: int | None
    initiative_title: str | None = None
    kind: DecisionKindName
    title: str
    details_html: str
    details: str
    options: list[str]
    visibility: ThreadVisibilityName
    secret_votes: bool
    proposer_id: int | None
    proposer_name: str
    status: DecisionStatusName
    closes_at: Timestamp
    closed_at: Timestamp | None = None
    outcome: str = ""
    outcome_html: str = ""
    amends_id: Id | None = None
    amended_by_id: int | None = None
    tally: TallyOut
    votes: list[VoteOut] = []
    blocks: list[VoteOut] = []
    # Names of who has not voted yet: for voters always; for others only counted
    # (``not_voted_count``) when the votes are secret.
    not_voted: list[str] = []
    not_voted_count: int = 0
    may_remind: bool = False
    my_vote: VoteOut | None = None
    may_vote: bool = False
    may_close: bool = False
    log: list[DecisionEventOut] = []


class ReminderOut(OutModel):
    decision_id: int
    reminded: int


class CharterOut(OutModel):
    """The initiative's adopted charter (the latest version) and the versions before it."""

    initiative_id: int
    text: str
    html: str
    decision_id: int | None
    adopted_at: Timestamp | None
    versions: int = 0
