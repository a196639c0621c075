"""The other areas' sections (all optional: absent = empty, so older bundles still import).

Invitations and their audit log (the invitee's and the convenor's: only in a full backup),
conversations (participants, statements, votes; in a share, without the actor each participant
is: votes stay anonymous, as in a Polis export), outcomes and their measurements, the
contribution ledger, the knowledge commons (assets, authors, reuses), health checks (their
individual ratings only in a full backup: only aggregates are ever shown) and publications.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field as Spec
from pydantic import NaiveDatetime

from ...schemas.invitations import InvitationStatusName
from ...schemas.outcomes import (
    BlockName,
    ContributionKindName,
    ContributionStatusName,
    DirectionName,
)
from ...store.tables_deliberation import Conversation, Participant, Statement, Vote
from ...store.tables_invitations import OPEN_STATUSES, Invitation, InvitationEvent
from ...store.tables_outcomes import (
    AssetAuthor,
    AssetReuse,
    Contribution,
    HealthCheck,
    HealthRating,
    KnowledgeAsset,
    Measurement,
    Outcome,
)
from ...store.tables_publications import Publication
from .core import (
    PARENT,
    Checking,
    Col,
    Columns,
    Exporting,
    Section,
    Text,
    Unique,
    computed,
    created,
    day,
    flag,
    nested,
    position,
    ref,
    val,
)
from .directory import within_initiatives

MAX_ASSET_BYTES = 2 * 1024 * 1024  # the knowledge_assets.small_file constraint

Quantity = Annotated[float, Spec(allow_inf_nan=False)]
Hours = Annotated[float, Spec(gt=0, allow_inf_nan=False)]
Unit = Annotated[str, Spec(min_length=1, max_length=60)]
Source = Annotated[str, Spec(default="", max_length=300)]
When = Annotated[NaiveDatetime | None, Spec(default=None)]
ExternalId = Annotated[int, Spec(ge=0, le=2**31 - 1)]
Millis = Annotated[int, Spec(ge=-(2**63), le=2**63 - 1)]
Status = Annotated[str | None, Spec(default=None, max_length=20)]


# ---- invitations


def _invitation_rules(x: Any, ctx: Checking) -> Iterator[tuple[str, str]]:
    engagements = ctx.parsed["engagements"]
    e = x["engagement"]
    if e is not None and 0 <= e < len(engagements):
        if engagements[e]["initiative"] != x["initiative"]:
            yield "engagement", "is an engagement of another initiative"
    if x["counter_hours"] is not None and not x["counter_hours"] < x["hours_per_week"]:
        yield "counter_hours", "must be fewer than hours_per_week"


INVITATIONS = Section(
    "invitations",
    Invitation,
    (
        ref("initiative", "initiatives", "initiative_id"),
        ref("role", "roles", "role_id", optional=True, by="initiative"),
        ref("actor", "actors", "actor_id"),
        ref("invited_by", "actors", "invited_by_id", optional=True),
        ref("proposal", "proposals", "proposal_id", optional=True),
        val("hours_per_week", Hours),
        val(
            "counter_hours", Annotated[float | None, Spec(default=None, gt=0, allow_inf_nan=False)]
        ),
        val("status", InvitationStatusName),
        val("message", Text),
        flag("listed", Annotated[bool, Spec(default=True)]),
        val("reason", Annotated[str | None, Spec(default=None)]),
        created(),
        day("expires_at", NaiveDatetime),
        day("answered_at", When),
        ref("engagement", "engagements", "engagement_id", optional=True),
    ),
    private=True,
    unique=(
        Unique(
            ("initiative", "role", "actor"),
            "a second open invitation to the same person and seat",
            when=lambda x: x["status"] in OPEN_STATUSES,
        ),
    ),
    rules=(_invitation_rules,),
)
INVITATION_EVENTS = Section(
    "invitation_events",
    InvitationEvent,
    (
        ref("invitation", "invitations", "invitation_id", optional=True),
        ref("engagement", "engagements", "engagement_id", optional=True),
        day("at", NaiveDatetime),
        ref("by_actor", "actors", "by_actor_id", optional=True),
        val("by_role", Annotated[str, Spec(min_length=1, max_length=20)]),
        val("from_status", Status),
        val("to_status", Annotated[str, Spec(min_length=1, max_length=20)]),
        val("hours", Annotated[float | None, Spec(default=None, allow_inf_nan=False)]),
    ),
    private=True,
)

# ---- conversations

_VOTER = ref("actor", "actors", "actor_id", optional=True)


def _only_in_backup(c: Columns, ctx: Exporting) -> Any:
    """Who each participant is stays in the full backup: votes are their own."""
    assert _VOTER.out is not None
    return _VOTER.out(c, ctx) if ctx.include_private else [None] * len(c["actor_id"])


PARTICIPANTS = Section(
    "participants",
    Participant,
    (val("external_id", ExternalId), replace(_VOTER, out=_only_in_backup)),
    key="external_id",
    missing="no participant {value}",
    parent="conversation_id",
    left_out=("xid",),  # an outside participant's own id never leaves the platform
    unique=(
        Unique(("external_id",), "duplicate", at="external_id"),
        Unique(("actor",), "takes part twice", at="actor"),
    ),
)
STATEMENTS = Section(
    "statements",
    Statement,
    (
        val("external_id", ExternalId),
        val("text", str),
        ref("author", "participants", "author_id", optional=True, by=PARENT),
        val("moderation", Annotated[Literal[-1, 0, 1], Spec(default=0)]),
        flag("is_meta"),
        flag("is_seed"),
        val("moderation_reason", Annotated[str, Spec(default="", max_length=5_000)]),
        created(),
        val("timestamp_ms", Annotated[int | None, Spec(default=None, ge=-(2**63), le=2**63 - 1)]),
    ),
    key="external_id",
    missing="no statement {value}",
    parent="conversation_id",
    unique=(Unique(("external_id",), "duplicate", at="external_id"),),
)
VOTES = Section(
    "votes",
    Vote,
    (
        ref("participant", "participants", "participant_id", by=PARENT),
        ref("statement", "statements", "statement_id", by=PARENT),
        val("value", Literal[-1, 0, 1]),
        val("ts_ms", Millis),
    ),
    parent="conversation_id",
    unique=(Unique(("participant", "statement"), "a second vote on the same statement"),),
)
CONVERSATIONS = Section(
    "conversations",
    Conversation,
    (
        ref("initiative", "initiatives", "initiative_id", optional=True),
        val("topic", Annotated[str, Spec(min_length=1, max_length=300)]),
        val("description", Text),
        val("attribution", Text),
        val("source", Source),
        flag("strict_moderation"),
        created(),
        nested("participants", PARTICIPANTS),
        nested("statements", STATEMENTS),
        nested("votes", VOTES),
    ),
    constants=(("data_version", 1),),
)

# ---- outcomes and the contribution ledger


def _outcome_rules(o: Any, _: Checking) -> Iterator[tuple[str, str]]:
    rising = o["direction"] == "increase"
    if not (o["target"] > o["baseline"] if rising else o["target"] < o["baseline"]):
        side = "above" if rising else "below"
        yield "target", f"to {o['direction']}, must be {side} the baseline"
    if not o["due_date"] > o["baseline_date"]:
        yield "due_date", "must come after baseline_date"


MEASUREMENTS = Section(
    "measurements",
    Measurement,
    (
        day("measured_on", date),
        val("value", Quantity),
        val("source", Source),
        val("note", Text),
        created(),
    ),
    parent="outcome_id",
)
OUTCOMES = Section(
    "outcomes",
    Outcome,
    (
        ref("initiative", "initiatives", "initiative_id"),
        val("name", Annotated[str, Spec(min_length=1, max_length=200)]),
        val("description", Text),
        val("unit", Unit),
        val("baseline", Quantity),
        day("baseline_date", date),
        val("target", Quantity),
        val("direction", DirectionName),
        day("due_date", date),
        created(),
        nested("measurements", MEASUREMENTS),
    ),
    unique=(Unique(("initiative", "name"), "duplicate name in that initiative", at="name"),),
    rules=(_outcome_rules,),
)


def _confirmed_by_another(x: Any, _: Checking) -> Iterator[tuple[str, str]]:
    if x["confirmed_by"] is not None and x["confirmed_by"] == x["contributor"]:
        yield "confirmed_by", "a contribution is confirmed by another"


CONTRIBUTIONS = Section(
    "contributions",
    Contribution,
    (
        ref("initiative", "initiatives", "initiative_id"),
        ref("contributor", "actors", "contributor_id"),
        val("kind", ContributionKindName),
        val("amount", Hours),
        val("unit", Unit),
        val("description", Text),
        day("contributed_on", date),
        val("status", Annotated[ContributionStatusName, Spec(default="recorded")]),
        ref("confirmed_by", "actors", "confirmed_by_id", optional=True),
        day("confirmed_at", When),
        ref("tie", "ties", "tie_id", optional=True),  # the tie its confirmation made
        created(),
    ),
    rules=(_confirmed_by_another,),
)

# ---- the knowledge commons


def _file(c: Columns, _: Exporting) -> list[str | None]:
    return [base64.b64encode(v).decode("ascii") if v is not None else None for v in c["content"]]


def _decoded(a: Any) -> bytes | None:
    return base64.b64decode(a["content"]) if a["content"] is not None else None


def _asset_rules(a: Any, _: Checking) -> Iterator[tuple[str, str]]:
    if a["content"] is not None:
        try:
            size = len(base64.b64decode(a["content"], validate=True))
        except (binascii.Error, ValueError):
            yield "content", "is not valid base64"
        else:
            if size > MAX_ASSET_BYTES:
                yield "content", f"{size:,} bytes; at most 2 MiB"
    elif a["link"] is None:
        yield "", "an asset needs a link or a content"
    if len(set(a["authors"])) != len(a["authors"]):
        yield "authors", "each author once"


AUTHORS = Section(
    "authors",
    AssetAuthor,
    (ref("actor", "actors", "actor_id"), position("position")),  # refs, in credit order
    parent="asset_id",
    order_by=("asset_id", "position", "actor_id"),
    scalar="actor",
)
REUSES = Section(
    "reuses",
    AssetReuse,
    (
        ref("initiative", "initiatives", "initiative_id"),
        ref("recorded_by", "actors", "recorded_by_id", optional=True),
        day("reused_on", date),
        val("note", Text),
        created(),
    ),
    parent="asset_id",
    unique=(Unique(("initiative",), "a second reuse in that initiative"),),
)
KNOWLEDGE_ASSETS = Section(
    "knowledge_assets",
    KnowledgeAsset,
    (
        val("title", Annotated[str, Spec(min_length=1, max_length=200)]),
        val("description", Text),
        val("link", Annotated[str | None, Spec(default=None, max_length=500)]),
        val("file_name", Annotated[str | None, Spec(default=None, max_length=200)]),
        val("media_type", Annotated[str | None, Spec(default=None, max_length=100)]),
        Col(  # the file, base64
            "content",
            Annotated[str | None, Spec(default=None)],
            ("content",),
            _file,
            lambda b, _: [[_decoded(a) for a in b.rows]],
        ),
        computed("size_bytes", lambda a: len(_decoded(a) or b"")),
        val("licence", Annotated[str, Spec(min_length=1, max_length=200)]),
        ref("shared_by", "actors", "shared_by_id", optional=True),
        day("shared_on", date),
        created(),
        nested("authors", AUTHORS),
        nested("reuses", REUSES),
    ),
    rules=(_asset_rules,),
)

# ---- health checks and publications

RATINGS = Section(
    "ratings",
    HealthRating,
    (
        ref("actor", "actors", "actor_id"),
        val("block", BlockName),
        val("rating", Annotated[int, Spec(ge=1, le=5)]),
        created(),
    ),
    parent="check_id",
    order_by=(),
    sort=lambda r: (r["actor"], r["block"]),
    private=True,  # individual ratings are never shown to others, only their aggregates
    unique=(Unique(("actor", "block"), "a second rating of that block"),),
)
HEALTH_CHECKS = Section(
    "health_checks",
    HealthCheck,
    (
        ref("initiative", "initiatives", "initiative_id"),
        day("held_on", date),
        val("label", Annotated[str, Spec(default="", max_length=120)]),
        created(),
        nested("ratings", RATINGS),
    ),
    unique=(
        Unique(
            ("initiative", "held_on"), "a second check of that initiative that day", at="held_on"
        ),
    ),
)
PUBLICATIONS = Section(
    "publications",
    Publication,
    (ref("initiative", "initiatives", "initiative_id"), created("published_at")),
    scope=within_initiatives(Publication.initiative_id),
    order_by=(),
    sort=lambda x: x["initiative"],
    unique=(Unique(("initiative",), "published twice", at="initiative"),),
    left_out=("published_by",),  # an account: accounts are not in bundles
)

AREAS = (
    INVITATIONS,
    INVITATION_EVENTS,
    CONVERSATIONS,
    OUTCOMES,
    CONTRIBUTIONS,
    KNOWLEDGE_ASSETS,
    HEALTH_CHECKS,
    PUBLICATIONS,
)
