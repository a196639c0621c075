"""Working together: threads with their posts and each post's earlier versions, decisions with
their votes and log, the conversation of each invitation, and the charters decisions adopted.

A share holds what every member may read: network threads (never a team thread, nor its
posts), network decisions with their log, and their votes unless the votes are secret; the
charters adopted by network decisions. An invitation's messages are between two people: only
in a full backup. How far each reader has read (``thread_reads``, ``invitation_message_reads``)
is per-reader state, left out like notifications.

A post's attachments are knowledge-commons assets by their position in ``knowledge_assets``;
its mentions name actors by ``ref``. A decision that amends another names it by its position
in ``decisions`` (an earlier one); the link is written once the decisions are in (``after``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import Field as Spec
from pydantic import NaiveDatetime
from sqlalchemy import select, update

from ...store.tables_invitations import Invitation
from ...store.tables_together import (
    Decision,
    DecisionEvent,
    DecisionVote,
    InitiativeCharter,
    InvitationMessage,
    Post,
    PostEdit,
    Thread,
)
from .core import (
    Batch,
    BundleProblem,
    Checking,
    Col,
    Columns,
    Exporting,
    Importing,
    Section,
    copied,
    created,
    day,
    flag,
    nested,
    ref,
    val,
)

Visibility = Literal["team", "network"]
Title = Annotated[str, Spec(min_length=1, max_length=200)]
Body = Annotated[str, Spec(min_length=1, max_length=20_000)]
When = Annotated[NaiveDatetime | None, Spec(default=None)]
Short = Annotated[str, Spec(default="", max_length=20_000)]
Positions = Annotated[list[Annotated[int, Spec(ge=0)]], Spec(default_factory=list, max_length=20)]


# ---- custom fields: lists of references held in a JSON column


def _assets_out(c: Columns, ctx: Exporting) -> list[list[int]]:
    index = ctx.index.get("knowledge_assets", {})
    return [[index[i] for i in (ids or []) if i in index] for ids in c["asset_ids"]]


def _assets_into(b: Batch, ctx: Importing) -> list[list[Any]]:
    ids = ctx.ids.get("knowledge_assets", {})
    return [[[ids[n] for n in r["attachments"]] for r in b.rows]]


def _assets_check(x: Any, ctx: Checking) -> Iterator[tuple[str, str]]:
    known = ctx.keys.get("knowledge_assets", range(0))
    for n, a in enumerate(x["attachments"]):
        if a not in known:
            yield f"attachments[{n}]", f"no row {a} in knowledge_assets"


ATTACHMENTS = Col(
    "attachments", Positions, ("asset_ids",), _assets_out, _assets_into, check=_assets_check
)


def _mentions_out(c: Columns, ctx: Exporting) -> list[list[dict[str, Any]]]:
    index = ctx.index["actors"]
    return [
        [
            {"actor": index[int(m["id"])], "name": str(m["name"])}
            for m in (ms or [])
            if int(m["id"]) in index
        ]
        for ms in c["mentions"]
    ]


def _mentions_into(b: Batch, ctx: Importing) -> list[list[Any]]:
    ids = ctx.ids["actors"]
    return [[[{"id": ids[m["actor"]], "name": m["name"]} for m in r["mentions"]] for r in b.rows]]


def _mentions_check(x: Any, ctx: Checking) -> Iterator[tuple[str, str]]:
    for n, m in enumerate(x["mentions"]):
        if not isinstance(m, dict) or set(m) != {"actor", "name"}:
            yield f"mentions[{n}]", "is {actor: ref, name: text}"
        elif not isinstance(m["actor"], int) or m["actor"] not in ctx.keys["actors"]:
            yield f"mentions[{n}].actor", f"no row {m['actor']} in actors"


MENTIONS = Col(
    "mentions",
    Annotated[list[dict[str, Any]], Spec(default_factory=list, max_length=50)],
    ("mentions",),
    _mentions_out,
    _mentions_into,
    check=_mentions_check,
)


# ---- threads

POST_EDITS = Section(
    "edits",
    PostEdit,
    (val("body", Body), day("edited_at", NaiveDatetime)),
    parent="post_id",
)
POSTS = Section(
    "posts",
    Post,
    (
        ref("author", "actors", "author_id", optional=True),
        val("body", Body),
        ATTACHMENTS,
        MENTIONS,
        created(),
        day("edited_at", When),
        nested("edits", POST_EDITS),
    ),
    parent="thread_id",
)
THREADS = Section(
    "threads",
    Thread,
    (
        ref("initiative", "initiatives", "initiative_id", optional=True),
        val("title", Title),
        val("visibility", Visibility),
        ref("author", "actors", "author_id", optional=True),
        created(),
        day("last_post_at", NaiveDatetime),
        nested("posts", POSTS),
    ),
    share_where=lambda: Thread.visibility == "network",
)


# ---- decisions


def _amends_out(c: Columns, ctx: Exporting) -> list[int | None]:
    place = {i: n for n, i in enumerate(c["id"])}
    return [place.get(a) if a is not None else None for a in c["amends_id"]]


def _amends_later(ctx: Checking) -> Iterator[BundleProblem]:
    for n, d in enumerate(ctx.parsed["decisions"]):
        if d["amends"] is not None and not 0 <= d["amends"] < n:
            yield BundleProblem(f"decisions[{n}].amends", "names an earlier decision")


def _link_amendments(batch: Batch, ctx: Importing) -> None:
    ids = ctx.ids.get("decisions", {})
    for n, d in enumerate(batch.rows):
        if d["amends"] is not None:
            ctx.db.execute(
                update(Decision).where(Decision.id == ids[n]).values(amends_id=ids[d["amends"]])
            )


VOTES = Section(
    "ballots",
    DecisionVote,
    (
        ref("actor", "actors", "actor_id"),
        val("position", Annotated[str | None, Spec(default=None, max_length=20)]),
        val("choice", Annotated[int | None, Spec(default=None, ge=0)]),
        copied("ranking", Positions),
        copied("scores", Annotated[list[int], Spec(default_factory=list, max_length=20)]),
        val("reason", Short),
        day("voted_at", NaiveDatetime),
    ),
    parent="decision_id",
    # Secret votes stay in the full backup: a share has the log, not who voted what.
    share_where=lambda: DecisionVote.decision_id.in_(
        select(Decision.id).where(Decision.secret_votes == 0)
    ),
)
EVENTS = Section(
    "log",
    DecisionEvent,
    (
        ref("actor", "actors", "actor_id", optional=True),
        val("action", Annotated[str, Spec(min_length=1, max_length=30)]),
        val("detail", Short),
        day("at", NaiveDatetime),
    ),
    parent="decision_id",
)
DECISIONS = Section(
    "decisions",
    Decision,
    (
        ref("initiative", "initiatives", "initiative_id", optional=True),
        val("kind", Literal["consent", "choose", "rank", "score", "charter"]),
        val("title", Title),
        val("details", Short),
        copied("options", Annotated[list[Title], Spec(default_factory=list, max_length=20)]),
        val("visibility", Visibility),
        flag("secret_votes"),
        ref("proposer", "actors", "proposer_id", optional=True),
        val("status", Literal["open", "passed", "not_passed", "blocked", "withdrawn"]),
        day("closes_at", NaiveDatetime),
        day("closed_at", When),
        val("outcome", Short),
        Col(
            "amends",
            Annotated[int | None, Spec(default=None, ge=0)],
            ("amends_id",),
            _amends_out,
            lambda b, _: [[None] * len(b.rows)],  # linked once the rows are in
        ),
        created(),
        nested("ballots", VOTES),
        nested("log", EVENTS),
    ),
    share_where=lambda: Decision.visibility == "network",
    checks=(_amends_later,),
    after=_link_amendments,
)
CHARTERS = Section(
    "initiative_charters",
    InitiativeCharter,
    (
        ref("initiative", "initiatives", "initiative_id"),
        ref("decision", "decisions", "decision_id", optional=True),
        val("text", Body),
        val("visibility", Visibility),
        day("adopted_at", NaiveDatetime),
    ),
    share_where=lambda: InitiativeCharter.visibility == "network",
)


# ---- invitations' conversations

INVITATION_MESSAGES = Section(
    "invitation_messages",
    InvitationMessage,
    (
        ref("invitation", "invitations", "invitation_id"),
        ref("author", "actors", "author_id", optional=True),
        val("side", Literal["invitee", "convenor"]),
        val("body", Annotated[str, Spec(min_length=1, max_length=2_000)]),
        created(),
    ),
    scope=lambda net: InvitationMessage.invitation_id.in_(
        select(Invitation.id).where(Invitation.network_id == net)
    ),
    private=True,
)

TOGETHER = (THREADS, DECISIONS, CHARTERS, INVITATION_MESSAGES)


def named_by_lists(parsed: dict[str, list[Any]]) -> set[str]:
    """Sections named from inside a JSON list (a post's attachments): they need known ids."""
    for thread in parsed.get("threads", []):
        if any(p["attachments"] for p in thread["posts"]):
            return {"knowledge_assets"}
    return set()
