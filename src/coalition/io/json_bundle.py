"""A whole network as one JSON document: the backup, migration and demo format.

Rows refer to each other by ``ref`` (1..N in id order), never by database ids, so that
export → import into an empty database → export gives the same document. Actors and
initiatives have a ``ref``; other rows are referred to by their 0-based position in their
section (``engagements``, ``ties``, ``invitations``, ``proposals``), roles by their position in
their initiative, and a conversation's participants and statements by their ``external_id``.
Import is all-or-nothing: every row is checked first and all problems are reported together.

Besides the directory (capabilities, actors, affiliations, initiatives, engagements, ties) a
bundle carries every area's network data: invitations and their audit log, proposals of the
formation engine, conversations (participants, statements, votes), outcomes and their
measurements, the contribution ledger, the knowledge commons (assets, authors, reuses), health
checks and their ratings, and publications. Those sections are optional (absent = empty), so
older bundles still import. Left out on purpose: accounts, memberships, sessions, tokens and
join requests (personal and security data), notifications and the mail outbox (per-account
messages), and derived caches (map, common-ground results and histories), which are computed
again on demand.

A *shared* bundle (without ``include_private``) is readable by any member of the network, so
it holds only what every member may read: a private profile only as a placeholder without
anything personal and without its ties, capacity and contact details only where the member
made them public (a capacity kept private reads as fully used), not the invitations and
their audit log (the invitee's and the convenor's), not the proposals (the convenor's, with
costs from day rates), not the individual health ratings (only their aggregates are ever
shown), and a conversation's participants without the actor each one is (votes stay
anonymous, as in a Polis export). ``include_private`` (the operator's full backup) holds everything.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from itertools import repeat
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NaiveDatetime,
    TypeAdapter,
    ValidationError,
    with_config,
)
from pydantic_core import to_json
from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from typing_extensions import TypedDict

from .. import domain
from ..domain import PrivateField, Region, region_of
from ..errors import Conflict, Invalid
from ..schemas.common import (
    ActorKindName,
    RegionName,
    SectorName,
    TieKindName,
    VisibilityName,
)
from ..schemas.directory import NetworkIn
from ..schemas.initiatives import InitiativeIn
from ..schemas.invitations import InvitationStatusName
from ..schemas.networks import NetworkSettingsPatch
from ..schemas.outcomes import (
    BlockName,
    ContributionKindName,
    ContributionStatusName,
    DirectionName,
)
from ..store.tables import (
    Actor,
    ActorCapability,
    ActorPurpose,
    Affiliation,
    Capability,
    Engagement,
    Initiative,
    Network,
    Role,
    RoleRequirement,
    Tie,
)
from ..store.tables_deliberation import Conversation, Participant, Statement, Vote
from ..store.tables_formation import Proposal
from ..store.tables_invitations import OPEN_STATUSES, Invitation, InvitationEvent
from ..store.tables_outcomes import (
    AssetAuthor,
    AssetReuse,
    Contribution,
    HealthCheck,
    HealthRating,
    KnowledgeAsset,
    Measurement,
    Outcome,
)
from ..store.tables_publications import Publication

PRIVATE_NAME = "Private member"
FORMAT = "coalition-bundle"
VERSION = 1
CHUNK = 5000


class _Row(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class BundleCapability(_Row):
    term: str = Field(min_length=1, max_length=120)
    category: str = Field(default="", max_length=80)
    description: str = ""
    esco_uri: str | None = Field(default=None, max_length=300)


# The rows a bundle holds by the hundred thousand are validated into typed dicts: building a
# model instance per row cost about four times as much (tens of seconds at 100,000 actors).
_ROW = ConfigDict(strict=True, extra="forbid")


@with_config(_ROW)
class BundleActorCapability(TypedDict):
    term: str
    level: Annotated[int, Field(ge=1, le=5)]
    evidence: Annotated[str, Field(default="")]
    esco_uri: Annotated[str | None, Field(default=None, max_length=300)]


@with_config(_ROW)
class BundleActor(TypedDict):
    ref: Annotated[int, Field(ge=1)]
    kind: ActorKindName
    name: Annotated[str, Field(min_length=1, max_length=200)]
    sector: SectorName
    # Lengths are those of the columns (PostgreSQL refuses longer text; SQLite would not).
    external_id: Annotated[str | None, Field(default=None, max_length=120)]
    headline: Annotated[str, Field(default="", max_length=300)]
    bio: Annotated[str, Field(default="")]
    timezone: Annotated[str | None, Field(default=None, max_length=64)]
    languages: Annotated[list[str], Field(default_factory=list)]
    capacity_hours: Annotated[float, Field(default=0.0, ge=0)]
    committed_hours: Annotated[float, Field(default=0.0, ge=0)]
    day_rate: Annotated[float | None, Field(default=None, ge=0)]
    email: Annotated[str | None, Field(default=None, max_length=200)]
    phone: Annotated[str | None, Field(default=None, max_length=60)]
    website: Annotated[str | None, Field(default=None, max_length=300)]
    purpose_text: Annotated[str, Field(default="")]
    purposes: Annotated[list[Annotated[str, Field(max_length=120)]], Field(default_factory=list)]
    capabilities: Annotated[list[BundleActorCapability], Field(default_factory=list)]
    visibility: Annotated[VisibilityName, Field(default="network")]
    privacy: Annotated[dict[str, VisibilityName], Field(default_factory=dict)]
    joined_on: Annotated[date | None, Field(default=None)]
    # A former member ("Former member", nothing personal left) keeps its node and ties.
    anonymised: Annotated[bool, Field(default=False)]


@with_config(_ROW)
class BundleAffiliation(TypedDict):
    actor: int
    organisation: int
    role_title: Annotated[str, Field(default="", max_length=200)]
    representative: Annotated[bool, Field(default=False)]
    start_date: Annotated[date | None, Field(default=None)]
    end_date: Annotated[date | None, Field(default=None)]


class BundleInitiative(InitiativeIn):
    ref: int = Field(ge=1)
    convenor: int | None = None


@with_config(_ROW)
class BundleEngagement(TypedDict):
    initiative: int
    role: Annotated[int | None, Field(default=None)]
    actor: int
    hours_per_week: Annotated[float, Field(gt=0)]
    status: Annotated[str, Field(pattern="^(active|completed|withdrawn)$")]
    listed: Annotated[bool, Field(default=True)]
    start_date: Annotated[date | None, Field(default=None)]
    end_date: Annotated[date | None, Field(default=None)]


@with_config(_ROW)
class BundleTie(TypedDict):
    source: int
    target: int
    kind: TieKindName
    weight: Annotated[float, Field(default=1.0, gt=0)]
    # pydantic-core's own date (YYYY-MM-DD in strict JSON), as for actors and affiliations:
    # a Python validator here cost seconds per million ties.
    start_date: Annotated[date | None, Field(default=None)]
    end_date: Annotated[date | None, Field(default=None)]
    note: Annotated[str, Field(default="")]
    origin: Annotated[str, Field(default="import", max_length=30)]
    initiative: Annotated[int | None, Field(default=None)]


# ---- the other areas' sections (all optional). Timestamps are naive ISO 8601, as stored.

Stamp = Annotated[NaiveDatetime | None, Field(default=None)]  # absent: the time of import
Quantity = Annotated[float, Field(allow_inf_nan=False)]
Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
Index = Annotated[int | None, Field(default=None)]  # a 0-based position, or none
Ref = Annotated[int | None, Field(default=None)]  # an actor's ref, or none
Maybe = Annotated[int | None, Field(default=None)]


@with_config(_ROW)
class BundleInvitation(TypedDict):
    initiative: int
    role: Index
    actor: int
    invited_by: Ref
    proposal: Index  # position in ``proposals``
    hours_per_week: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    counter_hours: Annotated[float | None, Field(default=None, gt=0, allow_inf_nan=False)]
    status: InvitationStatusName
    message: Annotated[str, Field(default="")]
    listed: Annotated[bool, Field(default=True)]
    reason: Annotated[str | None, Field(default=None)]
    created_at: Stamp
    expires_at: NaiveDatetime
    answered_at: Annotated[NaiveDatetime | None, Field(default=None)]
    engagement: Index  # position in ``engagements``


@with_config(_ROW)
class BundleInvitationEvent(TypedDict):
    invitation: Index  # position in ``invitations``
    engagement: Index  # position in ``engagements``
    at: NaiveDatetime
    by_actor: Ref
    by_role: Annotated[str, Field(min_length=1, max_length=20)]
    from_status: Annotated[str | None, Field(default=None, max_length=20)]
    to_status: Annotated[str, Field(min_length=1, max_length=20)]
    hours: Annotated[float | None, Field(default=None, allow_inf_nan=False)]


@with_config(_ROW)
class BundleProposalMember(TypedDict):
    actor: int | None  # none: an actor no longer in the network
    name: str
    role: int | None  # position in the initiative's roles; none: a role since deleted
    role_title: str
    hours_per_week: float
    reasons: Annotated[list[str], Field(default_factory=list)]


@with_config(_ROW)
class BundleProposal(TypedDict):
    initiative: int
    run: Annotated[str, Field(min_length=1, max_length=40)]
    rank: Int32
    status: Annotated[str, Field(min_length=1, max_length=20)]
    total_score: float
    bound: float
    gap: float
    total_cost: Annotated[float, Field(default=0.0)]
    scores: Annotated[dict[str, float], Field(default_factory=dict)]
    members: Annotated[list[BundleProposalMember], Field(default_factory=list)]
    # The formation request as stored, its actor ids written as refs and role ids as
    # positions in the initiative's roles (none where they no longer name one).
    request: Annotated[dict[str, Any], Field(default_factory=dict)]
    method: Annotated[str, Field(default="", max_length=40)]
    created_at: Stamp


@with_config(_ROW)
class BundleParticipant(TypedDict):
    external_id: Annotated[int, Field(ge=0, le=2**31 - 1)]
    actor: Ref  # only in a full backup: who voted what is the participant's own


@with_config(_ROW)
class BundleStatement(TypedDict):
    external_id: Annotated[int, Field(ge=0, le=2**31 - 1)]
    text: str
    author: Maybe  # a participant's external_id
    moderation: Annotated[Literal[-1, 0, 1], Field(default=0)]
    is_meta: Annotated[bool, Field(default=False)]
    created_at: Stamp
    timestamp_ms: Annotated[int | None, Field(default=None, ge=-(2**63), le=2**63 - 1)]


@with_config(_ROW)
class BundleVote(TypedDict):
    participant: int  # external_id
    statement: int  # external_id
    value: Literal[-1, 0, 1]
    ts_ms: Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]


@with_config(_ROW)
class BundleConversation(TypedDict):
    initiative: Maybe  # an initiative's ref
    topic: Annotated[str, Field(min_length=1, max_length=300)]
    description: Annotated[str, Field(default="")]
    attribution: Annotated[str, Field(default="")]
    source: Annotated[str, Field(default="", max_length=300)]
    created_at: Stamp
    participants: Annotated[list[BundleParticipant], Field(default_factory=list)]
    statements: Annotated[list[BundleStatement], Field(default_factory=list)]
    votes: Annotated[list[BundleVote], Field(default_factory=list)]


@with_config(_ROW)
class BundleMeasurement(TypedDict):
    measured_on: date
    value: Quantity
    source: Annotated[str, Field(default="", max_length=300)]
    note: Annotated[str, Field(default="")]
    created_at: Stamp


@with_config(_ROW)
class BundleOutcome(TypedDict):
    initiative: int
    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(default="")]
    unit: Annotated[str, Field(min_length=1, max_length=60)]
    baseline: Quantity
    baseline_date: date
    target: Quantity
    direction: DirectionName
    due_date: date
    created_at: Stamp
    measurements: Annotated[list[BundleMeasurement], Field(default_factory=list)]


@with_config(_ROW)
class BundleContribution(TypedDict):
    initiative: int
    contributor: int
    kind: ContributionKindName
    amount: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    unit: Annotated[str, Field(min_length=1, max_length=60)]
    description: Annotated[str, Field(default="")]
    contributed_on: date
    status: Annotated[ContributionStatusName, Field(default="recorded")]
    confirmed_by: Ref
    confirmed_at: Annotated[NaiveDatetime | None, Field(default=None)]
    tie: Index  # position in ``ties``: the tie its confirmation made
    created_at: Stamp


@with_config(_ROW)
class BundleReuse(TypedDict):
    initiative: int
    recorded_by: Ref
    reused_on: date
    note: Annotated[str, Field(default="")]
    created_at: Stamp


@with_config(_ROW)
class BundleAsset(TypedDict):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(default="")]
    link: Annotated[str | None, Field(default=None, max_length=500)]
    file_name: Annotated[str | None, Field(default=None, max_length=200)]
    media_type: Annotated[str | None, Field(default=None, max_length=100)]
    content: Annotated[str | None, Field(default=None)]  # the file, base64
    licence: Annotated[str, Field(min_length=1, max_length=200)]
    shared_by: Ref
    shared_on: date
    created_at: Stamp
    authors: Annotated[list[int], Field(default_factory=list)]  # refs, in credit order
    reuses: Annotated[list[BundleReuse], Field(default_factory=list)]


@with_config(_ROW)
class BundleRating(TypedDict):
    actor: int
    block: BlockName
    rating: Annotated[int, Field(ge=1, le=5)]
    created_at: Stamp


@with_config(_ROW)
class BundleHealthCheck(TypedDict):
    initiative: int
    held_on: date
    label: Annotated[str, Field(default="", max_length=120)]
    created_at: Stamp
    ratings: Annotated[list[BundleRating], Field(default_factory=list)]


@with_config(_ROW)
class BundlePublication(TypedDict):
    initiative: int
    published_at: Stamp


MAX_ASSET_BYTES = 2 * 1024 * 1024  # the knowledge_assets.small_file constraint
PRIVACY = {f.value: f.column for f in PrivateField}
PRIVACY_DEFAULTS = {f.value: v.value for f, v in domain.PRIVACY_DEFAULTS.items()}
_REGIONS: tuple[RegionName, ...] = tuple(Region)


@dataclass
class BundleProblem:
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


def _d(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


# ---------------------------------------------------------------- export


def export_bundle(
    db: Session, network: Network, *, include_private: bool = False
) -> dict[str, Any]:
    """The whole of ``network`` as a bundle; private fields only with ``include_private``.

    Without it, each member's private choices hold: day rates, capacity and contact details are
    left out unless the member made them public.
    """
    caps = db.scalars(
        select(Capability).where(Capability.network_id == network.id).order_by(Capability.id)
    ).all()
    cap_term = {c.id: c.term for c in caps}
    actors = db.scalars(
        select(Actor).where(Actor.network_id == network.id).order_by(Actor.id)
    ).all()
    ref = {a.id: i + 1 for i, a in enumerate(actors)}
    caps_of: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in db.execute(
        select(ActorCapability).where(
            ActorCapability.actor_id.in_(select(Actor.id).where(Actor.network_id == network.id))
        )
    ).scalars():
        caps_of[row.actor_id].append(
            {
                "term": cap_term[row.capability_id],
                "level": row.level,
                "evidence": row.evidence,
                "esco_uri": row.esco_uri,
            }
        )
    purposes_of: dict[int, list[str]] = defaultdict(list)
    for actor_id, tag in db.execute(
        select(ActorPurpose.actor_id, ActorPurpose.tag).where(
            ActorPurpose.actor_id.in_(select(Actor.id).where(Actor.network_id == network.id))
        )
    ):
        purposes_of[actor_id].append(tag)

    def shown(actor: Actor, field: str) -> bool:
        return include_private or getattr(actor, PRIVACY[field]) == "public"

    engagements_stmt = select(Engagement).where(Engagement.network_id == network.id)
    if not include_private:
        # A member who asked not to be listed on a team page is not listed in a share either.
        engagements_stmt = engagements_stmt.where(Engagement.listed == 1)
    engagements = db.scalars(engagements_stmt.order_by(Engagement.id)).all()
    # In a share, the hours an actor has committed are those of the engagements it lists (no
    # more is known to members), and a capacity the member keeps to themselves is shown as
    # fully used: the bundle stays consistent (committed = active engagements <= capacity).
    listed_hours: dict[int, float] = defaultdict(float)
    for e in engagements:
        if e.status == "active":
            listed_hours[e.actor_id] += e.hours_per_week
    # A private profile is seen by nobody else in the app: in a share it is a placeholder
    # without anything personal, and its ties are left out (as on the map).
    hidden = (
        set()
        if include_private
        else {a.id for a in actors if a.visibility == "private" and not a.anonymised}
    )

    out_actors = []
    for a in actors:
        if a.id in hidden:
            committed = listed_hours.get(a.id, 0.0)
            out_actors.append(
                {
                    "ref": ref[a.id],
                    "kind": a.kind,
                    "name": PRIVATE_NAME,
                    "sector": a.sector,
                    "external_id": None,
                    "headline": "",
                    "bio": "",
                    "timezone": None,
                    "languages": [],
                    "capacity_hours": committed,
                    "committed_hours": committed,
                    "day_rate": None,
                    "email": None,
                    "phone": None,
                    "website": None,
                    "purpose_text": "",
                    "purposes": [],
                    "capabilities": [],
                    "visibility": a.visibility,
                    "privacy": {f: "private" for f in PRIVACY},
                    "joined_on": None,
                    "anonymised": False,
                }
            )
            continue
        committed = a.committed_hours if include_private else listed_hours.get(a.id, 0.0)
        out_actors.append(
            {
                "ref": ref[a.id],
                "kind": a.kind,
                "name": a.name,
                "sector": a.sector,
                "external_id": a.external_id,
                "headline": a.headline,
                "bio": a.bio,
                "timezone": a.timezone,
                "languages": list(a.languages or []),
                "capacity_hours": a.capacity_hours if shown(a, "capacity") else committed,
                "committed_hours": committed,
                "day_rate": a.day_rate if shown(a, "day_rate") else None,
                "email": a.email if shown(a, "contact") else None,
                "phone": a.phone if shown(a, "contact") else None,
                "website": a.website,
                "purpose_text": a.purpose_text,
                "purposes": sorted(purposes_of[a.id]),
                "capabilities": sorted(caps_of[a.id], key=lambda c: c["term"]),
                "visibility": a.visibility,
                "privacy": {f: getattr(a, col) for f, col in PRIVACY.items()},
                "joined_on": _d(a.joined_on),
                "anonymised": bool(a.anonymised),
            }
        )
    affiliations = db.scalars(
        select(Affiliation)
        .where(
            Affiliation.actor_id.in_(list(ref))
            if len(ref) < 30000
            else Affiliation.actor_id.in_(select(Actor.id).where(Actor.network_id == network.id))
        )
        .order_by(Affiliation.id)
    ).all()
    initiatives = db.scalars(
        select(Initiative).where(Initiative.network_id == network.id).order_by(Initiative.id)
    ).all()
    iref = {i.id: n + 1 for n, i in enumerate(initiatives)}
    role_index: dict[int, int] = {}
    out_initiatives = []
    for i in initiatives:
        roles = []
        for n, r in enumerate(i.roles):
            role_index[r.id] = n
            roles.append(
                {
                    "title": r.title,
                    "seats": r.seats,
                    "hours_per_week": r.hours_per_week,
                    "languages": list(r.languages or []),
                    "timezone_regions": list(r.timezone_regions or []),
                    "requirements": sorted(
                        (
                            {"capability": cap_term[q.capability_id], "min_level": q.min_level}
                            for q in r.requirements
                        ),
                        key=lambda q: str(q["capability"]),
                    ),
                }
            )
        out_initiatives.append(
            {
                "ref": iref[i.id],
                "kind": i.kind,
                "title": i.title,
                "purpose": i.purpose,
                "purpose_tags": list(i.purpose_tags or []),
                "start_date": _d(i.start_date),
                "end_date": _d(i.end_date),
                "budget": i.budget,
                "status": i.status,
                "sector_mix": dict(i.sector_mix or {}),
                "max_per_organisation": i.max_per_organisation,
                "timezone_coverage": list(i.timezone_coverage or []),
                "convenor": ref.get(i.convenor_id) if i.convenor_id else None,
                "roles": roles,
            }
        )
    ties = db.scalars(select(Tie).where(Tie.network_id == network.id).order_by(Tie.id)).all()
    if hidden:
        ties = [t for t in ties if t.source_id not in hidden and t.target_id not in hidden]
    areas = _export_areas(
        db,
        network,
        ref=ref,
        iref=iref,
        role_index=role_index,
        engagement_index={e.id: n for n, e in enumerate(engagements)},
        tie_index={t.id: n for n, t in enumerate(ties)},
        include_private=include_private,
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "network": {
            "slug": network.slug,
            "name": network.name,
            "description": network.description,
            "attribution": network.attribution,
        },
        "settings": _settings_record(network),
        "capabilities": [
            {
                "term": c.term,
                "category": c.category,
                "description": c.description,
                "esco_uri": c.esco_uri,
            }
            for c in caps
        ],
        "actors": out_actors,
        "affiliations": [
            {
                "actor": ref[a.actor_id],
                "organisation": ref[a.organisation_id],
                "role_title": a.role_title,
                "representative": bool(a.representative),
                "start_date": _d(a.start_date),
                "end_date": _d(a.end_date),
            }
            for a in affiliations
        ],
        "initiatives": out_initiatives,
        "engagements": [
            {
                "initiative": iref[e.initiative_id],
                "role": role_index.get(e.role_id) if e.role_id is not None else None,
                "actor": ref[e.actor_id],
                "hours_per_week": e.hours_per_week,
                "status": e.status,
                "listed": bool(e.listed),
                "start_date": _d(e.start_date),
                "end_date": _d(e.end_date),
            }
            for e in engagements
        ],
        "ties": [
            {
                "source": ref[t.source_id],
                "target": ref[t.target_id],
                "kind": t.kind,
                "weight": t.weight,
                "start_date": _d(t.start_date),
                "end_date": _d(t.end_date),
                "note": t.note,
                "origin": t.origin,
                "initiative": iref.get(t.initiative_id) if t.initiative_id else None,
            }
            for t in ties
        ],
        **areas,
    }


def _export_areas(
    db: Session,
    network: Network,
    *,
    ref: dict[int, int],
    iref: dict[int, int],
    role_index: dict[int, int],
    engagement_index: dict[int, int],
    tie_index: dict[int, int],
    include_private: bool,
) -> dict[str, list[dict[str, Any]]]:
    """The other areas' sections of :func:`export_bundle` (see the module's docstring)."""
    net = network.id
    initiatives_of_network = select(Initiative.id).where(Initiative.network_id == net)
    proposals: list[Proposal] = []
    invitations: list[Invitation] = []
    events: list[InvitationEvent] = []
    if include_private:
        proposals = list(
            db.scalars(
                select(Proposal)
                .where(Proposal.initiative_id.in_(initiatives_of_network))
                .order_by(Proposal.id)
            )
        )
        invitations = list(
            db.scalars(
                select(Invitation).where(Invitation.network_id == net).order_by(Invitation.id)
            )
        )
        events = list(
            db.scalars(
                select(InvitationEvent)
                .where(InvitationEvent.network_id == net)
                .order_by(InvitationEvent.id)
            )
        )
    proposal_index = {x.id: n for n, x in enumerate(proposals)}
    invitation_index = {x.id: n for n, x in enumerate(invitations)}

    def opt(mapping: dict[int, int], key: int | None) -> int | None:
        return mapping.get(key) if key is not None else None

    out: dict[str, list[dict[str, Any]]] = {}
    out["proposals"] = [
        {
            "initiative": iref[x.initiative_id],
            "run": x.run,
            "rank": x.rank,
            "status": x.status,
            "total_score": x.total_score,
            "bound": x.bound,
            "gap": x.gap,
            "total_cost": x.total_cost,
            "scores": dict(x.scores or {}),
            "members": [
                {
                    "actor": ref.get(m.get("actor_id")),  # type: ignore[arg-type]
                    "name": m.get("name", ""),
                    "role": role_index.get(m.get("role_id")),  # type: ignore[arg-type]
                    "role_title": m.get("role_title", ""),
                    "hours_per_week": m.get("hours_per_week", 0.0),
                    "reasons": list(m.get("reasons") or []),
                }
                for m in x.members or []
            ],
            "request": _map_request(x.request or {}, ref.get, role_index.get),
            "method": x.method,
            "created_at": _d(x.created_at),
        }
        for x in proposals
    ]
    out["invitations"] = [
        {
            "initiative": iref[x.initiative_id],
            "role": opt(role_index, x.role_id),
            "actor": ref[x.actor_id],
            "invited_by": opt(ref, x.invited_by_id),
            "proposal": opt(proposal_index, x.proposal_id),
            "hours_per_week": x.hours_per_week,
            "counter_hours": x.counter_hours,
            "status": x.status,
            "message": x.message,
            "listed": bool(x.listed),
            "reason": x.reason,
            "created_at": _d(x.created_at),
            "expires_at": _d(x.expires_at),
            "answered_at": _d(x.answered_at),
            "engagement": opt(engagement_index, x.engagement_id),
        }
        for x in invitations
    ]
    out["invitation_events"] = [
        {
            "invitation": opt(invitation_index, x.invitation_id),
            "engagement": opt(engagement_index, x.engagement_id),
            "at": _d(x.at),
            "by_actor": opt(ref, x.by_actor_id),
            "by_role": x.by_role,
            "from_status": x.from_status,
            "to_status": x.to_status,
            "hours": x.hours,
        }
        for x in events
    ]

    conversations = db.scalars(
        select(Conversation).where(Conversation.network_id == net).order_by(Conversation.id)
    ).all()
    of_network = select(Conversation.id).where(Conversation.network_id == net)
    participants: dict[int, list[dict[str, Any]]] = defaultdict(list)
    participant_ext: dict[int, int] = {}
    for pid, cid, ext, actor_id in db.execute(
        select(
            Participant.id,
            Participant.conversation_id,
            Participant.external_id,
            Participant.actor_id,
        )
        .where(Participant.conversation_id.in_(of_network))
        .order_by(Participant.id)
    ):
        participant_ext[pid] = ext
        participants[cid].append(
            # Who each participant is stays in the full backup: votes are their own.
            {"external_id": ext, "actor": opt(ref, actor_id) if include_private else None}
        )
    statements: dict[int, list[dict[str, Any]]] = defaultdict(list)
    statement_ext: dict[int, int] = {}
    for st in db.scalars(
        select(Statement).where(Statement.conversation_id.in_(of_network)).order_by(Statement.id)
    ):
        statement_ext[st.id] = st.external_id
        statements[st.conversation_id].append(
            {
                "external_id": st.external_id,
                "text": st.text,
                "author": opt(participant_ext, st.author_id),
                "moderation": st.moderation,
                "is_meta": bool(st.is_meta),
                "created_at": _d(st.created_at),
                "timestamp_ms": st.timestamp_ms,
            }
        )
    votes: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for cid, pid, sid, value, ts in db.execute(
        select(Vote.conversation_id, Vote.participant_id, Vote.statement_id, Vote.value, Vote.ts_ms)
        .where(Vote.conversation_id.in_(of_network))
        .order_by(Vote.id)
    ):
        votes[cid].append(
            {
                "participant": participant_ext[pid],
                "statement": statement_ext[sid],
                "value": value,
                "ts_ms": ts,
            }
        )
    out["conversations"] = [
        {
            "initiative": opt(iref, c.initiative_id),
            "topic": c.topic,
            "description": c.description,
            "attribution": c.attribution,
            "source": c.source,
            "created_at": _d(c.created_at),
            "participants": participants[c.id],
            "statements": statements[c.id],
            "votes": votes[c.id],
        }
        for c in conversations
    ]

    measurements: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for m in db.scalars(
        select(Measurement).where(Measurement.network_id == net).order_by(Measurement.id)
    ):
        measurements[m.outcome_id].append(
            {
                "measured_on": _d(m.measured_on),
                "value": m.value,
                "source": m.source,
                "note": m.note,
                "created_at": _d(m.created_at),
            }
        )
    out["outcomes"] = [
        {
            "initiative": iref[o.initiative_id],
            "name": o.name,
            "description": o.description,
            "unit": o.unit,
            "baseline": o.baseline,
            "baseline_date": _d(o.baseline_date),
            "target": o.target,
            "direction": o.direction,
            "due_date": _d(o.due_date),
            "created_at": _d(o.created_at),
            "measurements": measurements[o.id],
        }
        for o in db.scalars(select(Outcome).where(Outcome.network_id == net).order_by(Outcome.id))
    ]
    out["contributions"] = [
        {
            "initiative": iref[c.initiative_id],
            "contributor": ref[c.contributor_id],
            "kind": c.kind,
            "amount": c.amount,
            "unit": c.unit,
            "description": c.description,
            "contributed_on": _d(c.contributed_on),
            "status": c.status,
            "confirmed_by": opt(ref, c.confirmed_by_id),
            "confirmed_at": _d(c.confirmed_at),
            "tie": opt(tie_index, c.tie_id),
            "created_at": _d(c.created_at),
        }
        for c in db.scalars(
            select(Contribution).where(Contribution.network_id == net).order_by(Contribution.id)
        )
    ]

    assets_of_network = select(KnowledgeAsset.id).where(KnowledgeAsset.network_id == net)
    authors: dict[int, list[int]] = defaultdict(list)
    for asset_id, actor_id in db.execute(
        select(AssetAuthor.asset_id, AssetAuthor.actor_id)
        .where(AssetAuthor.asset_id.in_(assets_of_network))
        .order_by(AssetAuthor.asset_id, AssetAuthor.position, AssetAuthor.actor_id)
    ):
        authors[asset_id].append(ref[actor_id])
    reuses: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in db.scalars(
        select(AssetReuse).where(AssetReuse.network_id == net).order_by(AssetReuse.id)
    ):
        reuses[r.asset_id].append(
            {
                "initiative": iref[r.initiative_id],
                "recorded_by": opt(ref, r.recorded_by_id),
                "reused_on": _d(r.reused_on),
                "note": r.note,
                "created_at": _d(r.created_at),
            }
        )
    k = KnowledgeAsset
    out["knowledge_assets"] = [
        {
            "title": a.title,
            "description": a.description,
            "link": a.link,
            "file_name": a.file_name,
            "media_type": a.media_type,
            "content": base64.b64encode(a.content).decode("ascii")
            if a.content is not None
            else None,
            "licence": a.licence,
            "shared_by": opt(ref, a.shared_by_id),
            "shared_on": _d(a.shared_on),
            "created_at": _d(a.created_at),
            "authors": authors[a.id],
            "reuses": reuses[a.id],
        }
        for a in db.execute(
            select(
                k.id,
                k.title,
                k.description,
                k.link,
                k.file_name,
                k.media_type,
                k.content,
                k.licence,
                k.shared_by_id,
                k.shared_on,
                k.created_at,
            )
            .where(k.network_id == net)
            .order_by(k.id)
        )
    ]

    checks = db.scalars(
        select(HealthCheck).where(HealthCheck.network_id == net).order_by(HealthCheck.id)
    ).all()
    ratings: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if include_private:  # individual ratings are never shown to others, only their aggregates
        for h in db.scalars(
            select(HealthRating).where(
                HealthRating.check_id.in_(
                    select(HealthCheck.id).where(HealthCheck.network_id == net)
                )
            )
        ):
            ratings[h.check_id].append(
                {
                    "actor": ref[h.actor_id],
                    "block": h.block,
                    "rating": h.rating,
                    "created_at": _d(h.created_at),
                }
            )
    out["health_checks"] = [
        {
            "initiative": iref[h.initiative_id],
            "held_on": _d(h.held_on),
            "label": h.label,
            "created_at": _d(h.created_at),
            "ratings": sorted(ratings[h.id], key=lambda r: (r["actor"], r["block"])),
        }
        for h in checks
    ]
    out["publications"] = sorted(
        (
            {"initiative": iref[x.initiative_id], "published_at": _d(x.published_at)}
            for x in db.scalars(
                select(Publication).where(Publication.initiative_id.in_(initiatives_of_network))
            )
        ),
        key=lambda x: x["initiative"],
    )
    return out


def _map_request(
    request: dict[str, Any],
    actor: Callable[[Any], int | None],
    role: Callable[[Any], int | None],
) -> dict[str, Any]:
    """A stored formation request with its actor and role numbers mapped (ids ↔ refs).

    Only the keys the formation area defines as ids change (``locked_in``'s ``actor_id`` and
    ``role_id``, ``excluded``, ``conflicts``, ``competing_organisations``); the rest is kept.
    Values of an unexpected type are kept as they are (the checks report them).
    """
    out = dict(request)

    def many(values: Any) -> Any:
        return [actor(v) for v in values] if isinstance(values, list) else values

    if isinstance(request.get("locked_in"), list):
        out["locked_in"] = [
            {
                **lock,
                "actor_id": actor(lock.get("actor_id")),
                "role_id": role(lock.get("role_id")) if lock.get("role_id") is not None else None,
            }
            if isinstance(lock, dict)
            else lock
            for lock in request["locked_in"]
        ]
    for key in ("excluded", "competing_organisations"):
        if key in request:
            out[key] = many(request[key])
    if isinstance(request.get("conflicts"), list):
        out["conflicts"] = [many(pair) for pair in request["conflicts"]]
    return out


# ---------------------------------------------------------------- import


class Bundle(_Row):
    """The whole document; validated in one pass (pydantic-core) for speed at 100k actors."""

    format: Literal["coalition-bundle"]
    version: Literal[1]
    network: NetworkIn
    # Who may find and join the network (services.network_settings); absent in older bundles.
    settings: NetworkSettingsPatch | None = None
    capabilities: list[BundleCapability] = []
    actors: list[BundleActor] = []
    affiliations: list[BundleAffiliation] = []
    initiatives: list[BundleInitiative] = []
    engagements: list[BundleEngagement] = []
    ties: list[BundleTie] = []
    proposals: list[BundleProposal] = []
    invitations: list[BundleInvitation] = []
    invitation_events: list[BundleInvitationEvent] = []
    conversations: list[BundleConversation] = []
    outcomes: list[BundleOutcome] = []
    contributions: list[BundleContribution] = []
    knowledge_assets: list[BundleAsset] = []
    health_checks: list[BundleHealthCheck] = []
    publications: list[BundlePublication] = []


AREA_SECTIONS = (
    "proposals",
    "invitations",
    "invitation_events",
    "conversations",
    "outcomes",
    "contributions",
    "knowledge_assets",
    "health_checks",
    "publications",
)
_BUNDLE = TypeAdapter(Bundle)


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "bundle"


def check_bundle(data: Any) -> tuple[dict[str, list[Any]], list[BundleProblem]]:
    """Validate every row and every reference of a bundle; return parsed rows and problems.

    ``data`` is the JSON text (bytes or str) or the decoded document. Every problem is named
    by its place (``actors[3].capabilities[0].level``) and reason.
    """
    if not isinstance(data, (bytes, str)):
        data = to_json(data)  # pydantic-core's serializer: twice as fast as json.dumps here
    try:
        bundle = _BUNDLE.validate_json(data, strict=True)
    except ValidationError as exc:
        problems = [BundleProblem(_where(tuple(err["loc"])), err["msg"]) for err in exc.errors()]
        return {}, problems + _raw_reference_problems(data)
    parsed: dict[str, list[Any]] = {
        "network": [bundle.network],
        "settings": [bundle.settings],
        "capabilities": bundle.capabilities,
        "actors": bundle.actors,
        "affiliations": bundle.affiliations,
        "initiatives": bundle.initiatives,
        "engagements": bundle.engagements,
        "ties": bundle.ties,
        **{name: getattr(bundle, name) for name in AREA_SECTIONS},
    }
    return parsed, list(_check_references(parsed))


_RAW_ACTOR_FIELDS = (
    ("ties", ("source", "target")),
    ("affiliations", ("actor",)),
    ("invitations", ("actor", "invited_by")),
    ("invitation_events", ("by_actor",)),
    ("contributions", ("contributor", "confirmed_by")),
)
_NULLABLE = {"invited_by", "by_actor", "confirmed_by"}


def _raw_reference_problems(data: str | bytes) -> list[BundleProblem]:
    """Dangling actor refs, found on the raw document so they are reported with type errors."""
    try:
        doc = json.loads(data)
        refs = {a.get("ref") for a in doc.get("actors") or [] if isinstance(a, dict)}
        problems = []
        for section, ends in _RAW_ACTOR_FIELDS:
            for n, row in enumerate(doc.get(section) or []):
                for end in ends:
                    if not isinstance(row, dict) or (end in _NULLABLE and row.get(end) is None):
                        continue
                    if row.get(end) not in refs:
                        problems.append(
                            BundleProblem(
                                f"{section}[{n}].{end}", f"no actor with ref {row.get(end)}"
                            )
                        )
        return problems
    except (ValueError, AttributeError, TypeError):
        return []


def _check_references(p: dict[str, list[Any]]) -> Iterator[BundleProblem]:
    terms = [c.term for c in p["capabilities"]]
    if len(set(terms)) != len(terms):
        yield BundleProblem("capabilities", "terms must be unique")
    vocab = set(terms)
    kinds: dict[int, str] = {}
    external: set[str] = set()
    for n, a in enumerate(p["actors"]):
        if a["ref"] in kinds:
            yield BundleProblem(f"actors[{n}].ref", f"duplicate ref {a['ref']}")
        kinds[a["ref"]] = a["kind"]
        if a["external_id"] is not None:
            if a["external_id"] in external:
                yield BundleProblem(f"actors[{n}].external_id", "duplicate external id")
            external.add(a["external_id"])
        for m, c in enumerate(a["capabilities"]):
            if c["term"] not in vocab:
                yield BundleProblem(
                    f"actors[{n}].capabilities[{m}].term", f"unknown capability '{c['term']}'"
                )
        if a["committed_hours"] > a["capacity_hours"] + 1e-9:
            yield BundleProblem(f"actors[{n}].committed_hours", "exceeds capacity_hours")
        for field in a["privacy"]:
            if field not in PRIVACY:
                yield BundleProblem(f"actors[{n}].privacy", f"unknown private field '{field}'")
    seen_aff: set[tuple[int, int]] = set()
    for n, f in enumerate(p["affiliations"]):
        if f["actor"] not in kinds:
            yield BundleProblem(f"affiliations[{n}].actor", f"no actor with ref {f['actor']}")
        if kinds.get(f["organisation"]) != "organisation":
            yield BundleProblem(
                f"affiliations[{n}].organisation", f"ref {f['organisation']} is not an organisation"
            )
        if (f["actor"], f["organisation"]) in seen_aff:
            yield BundleProblem(f"affiliations[{n}]", "duplicate affiliation")
        seen_aff.add((f["actor"], f["organisation"]))
    roles: dict[int, int] = {}
    titles: set[str] = set()
    for n, i in enumerate(p["initiatives"]):
        if i.ref in roles:
            yield BundleProblem(f"initiatives[{n}].ref", f"duplicate ref {i.ref}")
        roles[i.ref] = len(i.roles)
        if i.title in titles:
            yield BundleProblem(f"initiatives[{n}].title", "duplicate title")
        titles.add(i.title)
        if i.convenor is not None and i.convenor not in kinds:
            yield BundleProblem(f"initiatives[{n}].convenor", f"no actor with ref {i.convenor}")
        for r, role in enumerate(i.roles):
            for q, req in enumerate(role.requirements):
                if req.capability not in vocab:
                    yield BundleProblem(
                        f"initiatives[{n}].roles[{r}].requirements[{q}].capability",
                        f"unknown capability '{req.capability}'",
                    )
    active: dict[int, float] = defaultdict(float)
    for n, e in enumerate(p["engagements"]):
        if e["actor"] not in kinds:
            yield BundleProblem(f"engagements[{n}].actor", f"no actor with ref {e['actor']}")
        if e["initiative"] not in roles:
            yield BundleProblem(
                f"engagements[{n}].initiative", f"no initiative with ref {e['initiative']}"
            )
        elif e["role"] is not None and not 0 <= e["role"] < roles[e["initiative"]]:
            yield BundleProblem(f"engagements[{n}].role", f"no role {e['role']} in that initiative")
        if e["status"] == "active":
            active[e["actor"]] += e["hours_per_week"]
    for n, a in enumerate(p["actors"]):
        if abs(active.get(a["ref"], 0.0) - a["committed_hours"]) > 1e-6:
            yield BundleProblem(
                f"actors[{n}].committed_hours",
                f"is {a['committed_hours']:g} but active engagements sum to "
                f"{active.get(a['ref'], 0.0):g}",
            )
    for n, t in enumerate(p["ties"]):
        for end in ("source", "target"):
            if t[end] not in kinds:
                yield BundleProblem(f"ties[{n}].{end}", f"no actor with ref {t[end]}")
        if t["source"] == t["target"]:
            yield BundleProblem(f"ties[{n}]", "a tie joins two different actors")
        if t["initiative"] is not None and t["initiative"] not in roles:
            yield BundleProblem(
                f"ties[{n}].initiative", f"no initiative with ref {t['initiative']}"
            )
    yield from _check_areas(p, kinds, roles)


def _check_areas(
    p: dict[str, list[Any]], kinds: dict[int, str], roles: dict[int, int]
) -> Iterator[BundleProblem]:
    """References and the database's rules in the other areas' sections."""

    def actor(where: str, value: int | None) -> Iterator[BundleProblem]:
        if value is not None and value not in kinds:
            yield BundleProblem(where, f"no actor with ref {value}")

    def initiative(where: str, value: int | None) -> Iterator[BundleProblem]:
        if value is not None and value not in roles:
            yield BundleProblem(where, f"no initiative with ref {value}")

    def role(where: str, of: int, value: int | None) -> Iterator[BundleProblem]:
        if value is not None and of in roles and not 0 <= value < roles[of]:
            yield BundleProblem(where, f"no role {value} in that initiative")

    def position(where: str, section: str, value: int | None) -> Iterator[BundleProblem]:
        if value is not None and not 0 <= value < len(p[section]):
            yield BundleProblem(where, f"no row {value} in {section}")

    for n, x in enumerate(p["proposals"]):
        at = f"proposals[{n}]"
        yield from initiative(f"{at}.initiative", x["initiative"])
        for m, member in enumerate(x["members"]):
            yield from actor(f"{at}.members[{m}].actor", member["actor"])
            yield from role(f"{at}.members[{m}].role", x["initiative"], member["role"])
        yield from _check_request(f"{at}.request", x["request"], kinds, roles, x["initiative"])

    engagements = p["engagements"]
    open_seats: set[tuple[int, int, int]] = set()
    for n, x in enumerate(p["invitations"]):
        at = f"invitations[{n}]"
        yield from initiative(f"{at}.initiative", x["initiative"])
        yield from role(f"{at}.role", x["initiative"], x["role"])
        yield from actor(f"{at}.actor", x["actor"])
        yield from actor(f"{at}.invited_by", x["invited_by"])
        yield from position(f"{at}.proposal", "proposals", x["proposal"])
        yield from position(f"{at}.engagement", "engagements", x["engagement"])
        e = x["engagement"]
        if e is not None and 0 <= e < len(engagements):
            if engagements[e]["initiative"] != x["initiative"]:
                yield BundleProblem(f"{at}.engagement", "is an engagement of another initiative")
        if x["counter_hours"] is not None and not x["counter_hours"] < x["hours_per_week"]:
            yield BundleProblem(f"{at}.counter_hours", "must be fewer than hours_per_week")
        if x["status"] in OPEN_STATUSES and x["role"] is not None:
            seat = (x["initiative"], x["role"], x["actor"])
            if seat in open_seats:
                yield BundleProblem(at, "a second open invitation to the same person and seat")
            open_seats.add(seat)
    for n, x in enumerate(p["invitation_events"]):
        at = f"invitation_events[{n}]"
        yield from position(f"{at}.invitation", "invitations", x["invitation"])
        yield from position(f"{at}.engagement", "engagements", x["engagement"])
        yield from actor(f"{at}.by_actor", x["by_actor"])

    for n, c in enumerate(p["conversations"]):
        at = f"conversations[{n}]"
        yield from initiative(f"{at}.initiative", c["initiative"])
        voters: set[int] = set()
        who: set[int] = set()
        for m, x in enumerate(c["participants"]):
            if x["external_id"] in voters:
                yield BundleProblem(f"{at}.participants[{m}].external_id", "duplicate")
            voters.add(x["external_id"])
            yield from actor(f"{at}.participants[{m}].actor", x["actor"])
            if x["actor"] is not None:
                if x["actor"] in who:
                    yield BundleProblem(f"{at}.participants[{m}].actor", "takes part twice")
                who.add(x["actor"])
        said: set[int] = set()
        for m, x in enumerate(c["statements"]):
            if x["external_id"] in said:
                yield BundleProblem(f"{at}.statements[{m}].external_id", "duplicate")
            said.add(x["external_id"])
            if x["author"] is not None and x["author"] not in voters:
                yield BundleProblem(f"{at}.statements[{m}].author", f"no participant {x['author']}")
        cast: set[tuple[int, int]] = set()
        for m, v in enumerate(c["votes"]):
            if v["participant"] not in voters:
                yield BundleProblem(
                    f"{at}.votes[{m}].participant", f"no participant {v['participant']}"
                )
            if v["statement"] not in said:
                yield BundleProblem(f"{at}.votes[{m}].statement", f"no statement {v['statement']}")
            if (v["participant"], v["statement"]) in cast:
                yield BundleProblem(f"{at}.votes[{m}]", "a second vote on the same statement")
            cast.add((v["participant"], v["statement"]))

    names: set[tuple[int, str]] = set()
    for n, o in enumerate(p["outcomes"]):
        at = f"outcomes[{n}]"
        yield from initiative(f"{at}.initiative", o["initiative"])
        if (o["initiative"], o["name"]) in names:
            yield BundleProblem(f"{at}.name", "duplicate name in that initiative")
        names.add((o["initiative"], o["name"]))
        rising = o["direction"] == "increase"
        if not (o["target"] > o["baseline"] if rising else o["target"] < o["baseline"]):
            side = "above" if rising else "below"
            yield BundleProblem(f"{at}.target", f"to {o['direction']}, must be {side} the baseline")
        if not o["due_date"] > o["baseline_date"]:
            yield BundleProblem(f"{at}.due_date", "must come after baseline_date")

    for n, x in enumerate(p["contributions"]):
        at = f"contributions[{n}]"
        yield from initiative(f"{at}.initiative", x["initiative"])
        yield from actor(f"{at}.contributor", x["contributor"])
        yield from actor(f"{at}.confirmed_by", x["confirmed_by"])
        if x["confirmed_by"] is not None and x["confirmed_by"] == x["contributor"]:
            yield BundleProblem(f"{at}.confirmed_by", "a contribution is confirmed by another")
        yield from position(f"{at}.tie", "ties", x["tie"])

    for n, a in enumerate(p["knowledge_assets"]):
        at = f"knowledge_assets[{n}]"
        if a["content"] is not None:
            try:
                size = len(base64.b64decode(a["content"], validate=True))
            except (binascii.Error, ValueError):
                yield BundleProblem(f"{at}.content", "is not valid base64")
            else:
                if size > MAX_ASSET_BYTES:
                    yield BundleProblem(f"{at}.content", f"{size:,} bytes; at most 2 MiB")
        elif a["link"] is None:
            yield BundleProblem(at, "an asset needs a link or a content")
        yield from actor(f"{at}.shared_by", a["shared_by"])
        for m, author in enumerate(a["authors"]):
            yield from actor(f"{at}.authors[{m}]", author)
        if len(set(a["authors"])) != len(a["authors"]):
            yield BundleProblem(f"{at}.authors", "each author once")
        used: set[int] = set()
        for m, r in enumerate(a["reuses"]):
            yield from initiative(f"{at}.reuses[{m}].initiative", r["initiative"])
            yield from actor(f"{at}.reuses[{m}].recorded_by", r["recorded_by"])
            if r["initiative"] in used:
                yield BundleProblem(f"{at}.reuses[{m}]", "a second reuse in that initiative")
            used.add(r["initiative"])

    held: set[tuple[int, date]] = set()
    for n, h in enumerate(p["health_checks"]):
        at = f"health_checks[{n}]"
        yield from initiative(f"{at}.initiative", h["initiative"])
        if (h["initiative"], h["held_on"]) in held:
            yield BundleProblem(f"{at}.held_on", "a second check of that initiative that day")
        held.add((h["initiative"], h["held_on"]))
        rated: set[tuple[int, str]] = set()
        for m, r in enumerate(h["ratings"]):
            yield from actor(f"{at}.ratings[{m}].actor", r["actor"])
            if (r["actor"], r["block"]) in rated:
                yield BundleProblem(f"{at}.ratings[{m}]", "a second rating of that block")
            rated.add((r["actor"], r["block"]))

    published: set[int] = set()
    for n, x in enumerate(p["publications"]):
        yield from initiative(f"publications[{n}].initiative", x["initiative"])
        if x["initiative"] in published:
            yield BundleProblem(f"publications[{n}].initiative", "published twice")
        published.add(x["initiative"])


def _check_request(
    at: str, request: dict[str, Any], kinds: dict[int, str], roles: dict[int, int], of: int
) -> Iterator[BundleProblem]:
    """A proposal's request: every actor number a ref of the bundle (or none), roles too."""

    def ref(where: str, value: Any) -> Iterator[BundleProblem]:
        if value is not None and (type(value) is not int or value not in kinds):
            yield BundleProblem(where, f"no actor with ref {value!r}")

    locked = request.get("locked_in", [])
    if not isinstance(locked, list):
        yield BundleProblem(f"{at}.locked_in", "must be a list")
        locked = []
    for m, lock in enumerate(locked):
        if not isinstance(lock, dict):
            yield BundleProblem(f"{at}.locked_in[{m}]", "must be an object")
            continue
        yield from ref(f"{at}.locked_in[{m}].actor_id", lock.get("actor_id"))
        r = lock.get("role_id")
        if r is not None and (type(r) is not int or (of in roles and not 0 <= r < roles[of])):
            yield BundleProblem(f"{at}.locked_in[{m}].role_id", f"no role {r!r} in that initiative")
    for key in ("excluded", "competing_organisations"):
        values = request.get(key, [])
        if not isinstance(values, list):
            yield BundleProblem(f"{at}.{key}", "must be a list")
            continue
        for m, value in enumerate(values):
            yield from ref(f"{at}.{key}[{m}]", value)
    pairs = request.get("conflicts", [])
    if not isinstance(pairs, list):
        yield BundleProblem(f"{at}.conflicts", "must be a list")
        pairs = []
    for m, pair in enumerate(pairs):
        if not isinstance(pair, list):
            yield BundleProblem(f"{at}.conflicts[{m}]", "must be a pair of refs")
            continue
        for end, value in enumerate(pair):
            yield from ref(f"{at}.conflicts[{m}][{end}]", value)


ACTOR_COLUMNS = (
    "id",
    "network_id",
    "external_id",
    "kind",
    "name",
    "sector",
    "headline",
    "bio",
    "timezone",
    "region",
    "languages",
    "capacity_hours",
    "committed_hours",
    "day_rate",
    "email",
    "phone",
    "website",
    "purpose_text",
    "visibility",
    "day_rate_visibility",
    "capacity_visibility",
    "contact_visibility",
    "declines_visibility",
    "joined_on",
    "anonymised",
)


def _insert(
    db: Session, model: Any, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Rows (tuples in ``columns`` order) straight to the driver, in the session's transaction.

    SQLAlchemy's per-row parameter handling cost most of a 100,000-actor import, so rows go
    to the DBAPI: ``executemany`` on SQLite, ``COPY … FROM STDIN`` on PostgreSQL. Each value
    still passes through its column type's bind processor (dates and JSON stored exactly as
    the ORM stores them) and columns left out get their defaults (evaluated once: every row of
    one import is created at the same moment).
    """
    if not rows:
        return
    table = model.__table__
    connection = db.connection()
    dialect = connection.dialect
    given = [table.c[name] for name in columns]
    defaults = [
        c for c in table.c if c.name not in columns and c.default is not None and not c.primary_key
    ]
    constants: list[Any] = []
    for column in defaults:
        default: Any = column.default
        value = default.arg if default.is_scalar else default.arg(None)
        processor = column.type.dialect_impl(dialect).bind_processor(dialect)
        constants.append(processor(value) if processor else value)
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in given]
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(c.name) for c in given + defaults)
    raw: Any = connection.connection.driver_connection
    for start in range(0, len(rows), CHUNK):
        values: list[Any] = list(zip(*rows[start : start + CHUNK], strict=True))
        for k, processor in enumerate(processors):
            if processor is not None:
                values[k] = [processor(v) for v in values[k]]
        values.extend(repeat(c) for c in constants)
        chunk = zip(*values, strict=False)  # the constants repeat without end
        if dialect.name == "postgresql":
            with raw.cursor() as cursor:
                with cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
                    for row in chunk:
                        copy.write_row(row)
        else:
            marks = ", ".join("?" * (len(given) + len(defaults)))
            raw.executemany(f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})", chunk)


SQLITE_BULK_CACHE_KIB = 262_144


@contextmanager
def _bulk_cache(db: Session) -> Iterator[None]:
    """On SQLite, a 256 MiB page cache for this connection while a bundle loads.

    The default 2 MiB cache spilled the indexes of a million ties to the WAL again and again
    (twice the time). Only the cache's size changes (no durability or journal setting), and
    the connection's own size is put back afterwards, as it goes back to the pool.
    """
    connection = db.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    raw: Any = connection.connection.driver_connection
    before = int(raw.execute("PRAGMA cache_size").fetchone()[0])
    raw.execute(f"PRAGMA cache_size=-{SQLITE_BULK_CACHE_KIB}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size={before}")


@contextmanager
def _refused_by_database(db: Session) -> Iterator[None]:
    """A rule of the database the checks above did not foresee: a refusal (4xx), not a crash.

    The savepoint inside has been rolled back by then, so nothing of the bundle stays.
    """
    dbapi: Any = db.get_bind().dialect.dbapi
    refusals: tuple[type[BaseException], ...] = (sa_exc.IntegrityError, sa_exc.DataError)
    if dbapi is not None:
        refusals += (dbapi.IntegrityError, dbapi.DataError)
    try:
        yield
    except refusals as exc:
        reason = (str(exc).strip().splitlines() or ["refused"])[0][:300]
        raise Invalid(
            f"the database refused the bundle; nothing was imported: {reason}",
            field="bundle",
            details=[{"where": "bundle", "reason": reason}],
        ) from None


def _reserve_ids(db: Session, model: Any, count: int) -> int:
    """The first of ``count`` fresh ids for ``model``; the table is locked on PostgreSQL."""
    table = model.__table__
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text(f"LOCK TABLE {table.name} IN EXCLUSIVE MODE"))
    top = db.scalar(select(func.max(table.c.id))) or 0
    return int(top) + 1


def _sync_sequence(db: Session, model: Any) -> None:
    table = model.__table__
    if db.get_bind().dialect.name == "postgresql":
        db.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))"
            )
        )


def _insert_numbered(
    db: Session, model: Any, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> int:
    """``rows`` (without their id) under fresh consecutive ids; returns the first id."""
    if not rows:
        return 0
    first = _reserve_ids(db, model, len(rows))
    _insert(db, model, ("id", *columns), [(first + n, *row) for n, row in enumerate(rows)])
    _sync_sequence(db, model)
    return first


def _import_areas(
    db: Session,
    net: int,
    p: dict[str, list[Any]],
    *,
    actor_ids: dict[int, int],
    initiative_ids: dict[int, int],
    role_ids: dict[tuple[int, int], int],
    first_engagement: int,
    first_tie: int,
) -> None:
    """The other areas' sections of a checked bundle, parents before the rows that refer to
    them. A timestamp the bundle leaves out is the time of import."""
    now = _now()

    def actor(value: int | None) -> int | None:
        return actor_ids[value] if value is not None else None

    def role(of: int, value: int | None) -> int | None:
        return role_ids[(of, value)] if value is not None else None

    def after(first: int, position: int | None) -> int | None:
        return first + position if position is not None else None

    # A number that names no row any more (kept so in the source) is written 0, which names
    # none either: proposals are an audit record, kept as they were.
    proposals: list[BundleProposal] = p["proposals"]
    first_proposal = _insert_numbered(
        db,
        Proposal,
        (
            "initiative_id",
            "run",
            "rank",
            "status",
            "total_score",
            "bound",
            "gap",
            "total_cost",
            "scores",
            "members",
            "request",
            "method",
            "requested_by",
            "created_at",
        ),
        [
            (
                initiative_ids[x["initiative"]],
                x["run"],
                x["rank"],
                x["status"],
                x["total_score"],
                x["bound"],
                x["gap"],
                x["total_cost"],
                x["scores"],
                [
                    {
                        "actor_id": actor_ids.get(m["actor"], 0) if m["actor"] is not None else 0,
                        "name": m["name"],
                        "role_id": role_ids.get((x["initiative"], m["role"]), 0)
                        if m["role"] is not None
                        else 0,
                        "role_title": m["role_title"],
                        "hours_per_week": m["hours_per_week"],
                        "reasons": m["reasons"],
                    }
                    for m in x["members"]
                ],
                _map_request(
                    x["request"],
                    lambda r: actor_ids.get(r, 0),
                    lambda r, of=x["initiative"]: role_ids.get((of, r)),  # type: ignore[misc]
                ),
                x["method"],
                None,  # an account: accounts are not in bundles
                x["created_at"] or now,
            )
            for x in proposals
        ],
    )
    invitations: list[BundleInvitation] = p["invitations"]
    first_invitation = _insert_numbered(
        db,
        Invitation,
        (
            "network_id",
            "initiative_id",
            "role_id",
            "actor_id",
            "invited_by_id",
            "proposal_id",
            "hours_per_week",
            "counter_hours",
            "status",
            "message",
            "listed",
            "reason",
            "created_at",
            "expires_at",
            "answered_at",
            "engagement_id",
        ),
        [
            (
                net,
                initiative_ids[x["initiative"]],
                role(x["initiative"], x["role"]),
                actor_ids[x["actor"]],
                actor(x["invited_by"]),
                after(first_proposal, x["proposal"]),
                x["hours_per_week"],
                x["counter_hours"],
                x["status"],
                x["message"],
                int(x["listed"]),
                x["reason"],
                x["created_at"] or now,
                x["expires_at"],
                x["answered_at"],
                after(first_engagement, x["engagement"]),
            )
            for x in invitations
        ],
    )
    events: list[BundleInvitationEvent] = p["invitation_events"]
    _insert(
        db,
        InvitationEvent,
        (
            "network_id",
            "invitation_id",
            "engagement_id",
            "at",
            "by_actor_id",
            "by_role",
            "from_status",
            "to_status",
            "hours",
        ),
        [
            (
                net,
                after(first_invitation, x["invitation"]),
                after(first_engagement, x["engagement"]),
                x["at"],
                actor(x["by_actor"]),
                x["by_role"],
                x["from_status"],
                x["to_status"],
                x["hours"],
            )
            for x in events
        ],
    )

    conversations: list[BundleConversation] = p["conversations"]
    first_conversation = _insert_numbered(
        db,
        Conversation,
        (
            "network_id",
            "initiative_id",
            "topic",
            "description",
            "attribution",
            "source",
            "data_version",
            "created_at",
        ),
        [
            (
                net,
                initiative_ids[c["initiative"]] if c["initiative"] is not None else None,
                c["topic"],
                c["description"],
                c["attribution"],
                c["source"],
                1,
                c["created_at"] or now,
            )
            for c in conversations
        ],
    )
    voters = [
        (first_conversation + n, x["external_id"], actor(x["actor"]))
        for n, c in enumerate(conversations)
        for x in c["participants"]
    ]
    first_participant = _insert_numbered(
        db, Participant, ("conversation_id", "external_id", "actor_id"), voters
    )
    participant_id = {(cid, ext): first_participant + k for k, (cid, ext, _) in enumerate(voters)}
    statement_rows = [
        (
            first_conversation + n,
            x["external_id"],
            x["text"],
            participant_id[(first_conversation + n, x["author"])]
            if x["author"] is not None
            else None,
            x["moderation"],
            x["is_meta"],
            x["created_at"] or now,
            x["timestamp_ms"],
        )
        for n, c in enumerate(conversations)
        for x in c["statements"]
    ]
    first_statement = _insert_numbered(
        db,
        Statement,
        (
            "conversation_id",
            "external_id",
            "text",
            "author_id",
            "moderation",
            "is_meta",
            "created_at",
            "timestamp_ms",
        ),
        statement_rows,
    )
    statement_id = {(row[0], row[1]): first_statement + k for k, row in enumerate(statement_rows)}
    _insert(
        db,
        Vote,
        ("conversation_id", "participant_id", "statement_id", "value", "ts_ms"),
        [
            (
                cid,
                participant_id[(cid, v["participant"])],
                statement_id[(cid, v["statement"])],
                v["value"],
                v["ts_ms"],
            )
            for n, c in enumerate(conversations)
            for cid in (first_conversation + n,)
            for v in c["votes"]
        ],
    )

    outcomes: list[BundleOutcome] = p["outcomes"]
    first_outcome = _insert_numbered(
        db,
        Outcome,
        (
            "network_id",
            "initiative_id",
            "name",
            "description",
            "unit",
            "baseline",
            "baseline_date",
            "target",
            "direction",
            "due_date",
            "created_at",
        ),
        [
            (
                net,
                initiative_ids[o["initiative"]],
                o["name"],
                o["description"],
                o["unit"],
                o["baseline"],
                o["baseline_date"],
                o["target"],
                o["direction"],
                o["due_date"],
                o["created_at"] or now,
            )
            for o in outcomes
        ],
    )
    _insert(
        db,
        Measurement,
        ("network_id", "outcome_id", "measured_on", "value", "source", "note", "created_at"),
        [
            (
                net,
                first_outcome + n,
                m["measured_on"],
                m["value"],
                m["source"],
                m["note"],
                m["created_at"] or now,
            )
            for n, o in enumerate(outcomes)
            for m in o["measurements"]
        ],
    )
    contributions: list[BundleContribution] = p["contributions"]
    _insert(
        db,
        Contribution,
        (
            "network_id",
            "initiative_id",
            "contributor_id",
            "kind",
            "amount",
            "unit",
            "description",
            "contributed_on",
            "status",
            "confirmed_by_id",
            "confirmed_at",
            "tie_id",
            "created_at",
        ),
        [
            (
                net,
                initiative_ids[x["initiative"]],
                actor_ids[x["contributor"]],
                x["kind"],
                x["amount"],
                x["unit"],
                x["description"],
                x["contributed_on"],
                x["status"],
                actor(x["confirmed_by"]),
                x["confirmed_at"],
                after(first_tie, x["tie"]),
                x["created_at"] or now,
            )
            for x in contributions
        ],
    )

    assets: list[BundleAsset] = p["knowledge_assets"]
    files = [base64.b64decode(a["content"]) if a["content"] is not None else None for a in assets]
    first_asset = _insert_numbered(
        db,
        KnowledgeAsset,
        (
            "network_id",
            "title",
            "description",
            "link",
            "file_name",
            "media_type",
            "size_bytes",
            "content",
            "licence",
            "shared_by_id",
            "shared_on",
            "created_at",
        ),
        [
            (
                net,
                a["title"],
                a["description"],
                a["link"],
                a["file_name"],
                a["media_type"],
                len(content) if content is not None else 0,
                content,
                a["licence"],
                actor(a["shared_by"]),
                a["shared_on"],
                a["created_at"] or now,
            )
            for a, content in zip(assets, files, strict=True)
        ],
    )
    _insert(
        db,
        AssetAuthor,
        ("asset_id", "actor_id", "position"),
        [
            (first_asset + n, actor_ids[author], position)
            for n, a in enumerate(assets)
            for position, author in enumerate(a["authors"])
        ],
    )
    _insert(
        db,
        AssetReuse,
        (
            "network_id",
            "asset_id",
            "initiative_id",
            "recorded_by_id",
            "reused_on",
            "note",
            "created_at",
        ),
        [
            (
                net,
                first_asset + n,
                initiative_ids[r["initiative"]],
                actor(r["recorded_by"]),
                r["reused_on"],
                r["note"],
                r["created_at"] or now,
            )
            for n, a in enumerate(assets)
            for r in a["reuses"]
        ],
    )

    checks: list[BundleHealthCheck] = p["health_checks"]
    first_check = _insert_numbered(
        db,
        HealthCheck,
        ("network_id", "initiative_id", "held_on", "label", "created_at"),
        [
            (net, initiative_ids[h["initiative"]], h["held_on"], h["label"], h["created_at"] or now)
            for h in checks
        ],
    )
    _insert(
        db,
        HealthRating,
        ("check_id", "actor_id", "block", "rating", "created_at"),
        [
            (
                first_check + n,
                actor_ids[r["actor"]],
                r["block"],
                r["rating"],
                r["created_at"] or now,
            )
            for n, h in enumerate(checks)
            for r in h["ratings"]
        ],
    )
    publications: list[BundlePublication] = p["publications"]
    _insert(
        db,
        Publication,
        ("initiative_id", "published_at", "published_by"),
        [(initiative_ids[x["initiative"]], x["published_at"] or now, None) for x in publications],
    )


def import_bundle(db: Session, data: Any, *, slug: str | None = None) -> Network:
    """Load a bundle as a new network in one transaction; refuse it whole on any problem.

    Raises :class:`Invalid` with every problem (``details`` lists them) or :class:`Conflict`
    when the network exists already. The caller's session is left untouched on failure.
    """
    from .safe_input import MAX_BLOB_CHARS, check_tree

    check_tree(data, "JSON bundle", max_chars=MAX_BLOB_CHARS)  # before any parsing
    parsed, problems = check_bundle(data)
    if problems:
        raise Invalid(
            f"the bundle has {len(problems)} problem(s); nothing was imported. "
            + "; ".join(str(p) for p in problems[:20]),
            field="bundle",
            details=[{"where": p.where, "reason": p.reason} for p in problems],
        )
    net_in = parsed["network"][0]
    bundle_settings = parsed.get("settings", [None])[0]
    target_slug = slug or net_in.slug
    if db.scalar(select(Network.id).where(Network.slug == target_slug)):
        raise Conflict(f"a network called '{target_slug}' exists already")
    with _refused_by_database(db), db.begin_nested(), _bulk_cache(db):
        network = Network(
            slug=target_slug,
            name=net_in.name,
            description=net_in.description,
            attribution=net_in.attribution,
            data_version=1,
        )
        _apply_settings(network, bundle_settings)
        db.add(network)
        db.flush()
        net = network.id
        caps: list[BundleCapability] = parsed["capabilities"]
        first = _reserve_ids(db, Capability, len(caps))
        cap_ids = {c.term: first + n for n, c in enumerate(caps)}
        _insert(
            db,
            Capability,
            ("id", "network_id", "term", "category", "description", "esco_uri"),
            [(cap_ids[c.term], net, c.term, c.category, c.description, c.esco_uri) for c in caps],
        )
        _sync_sequence(db, Capability)
        actors: list[BundleActor] = parsed["actors"]
        first = _reserve_ids(db, Actor, len(actors))
        actor_ids = {a["ref"]: first + n for n, a in enumerate(actors)}
        rows = []
        for a in actors:
            privacy = {**PRIVACY_DEFAULTS, **a["privacy"]}
            rows.append(
                (
                    actor_ids[a["ref"]],
                    net,
                    a["external_id"],
                    a["kind"],
                    a["name"],
                    a["sector"],
                    a["headline"],
                    a["bio"],
                    a["timezone"],
                    region_of(a["timezone"]),
                    a["languages"],
                    a["capacity_hours"],
                    a["committed_hours"],
                    a["day_rate"],
                    a["email"],
                    a["phone"],
                    a["website"],
                    a["purpose_text"],
                    a["visibility"],
                    privacy["day_rate"],
                    privacy["capacity"],
                    privacy["contact"],
                    privacy["declines"],
                    a["joined_on"],
                    int(a["anonymised"]),
                )
            )
        _insert(db, Actor, ACTOR_COLUMNS, rows)
        _sync_sequence(db, Actor)
        _insert(
            db,
            ActorCapability,
            ("actor_id", "capability_id", "level", "evidence", "esco_uri"),
            [
                (actor_ids[a["ref"]], cap_ids[c["term"]], c["level"], c["evidence"], c["esco_uri"])
                for a in actors
                for c in a["capabilities"]
            ],
        )
        _insert(
            db,
            ActorPurpose,
            ("actor_id", "tag"),
            [(actor_ids[a["ref"]], tag) for a in actors for tag in sorted(set(a["purposes"]))],
        )
        _insert(
            db,
            Affiliation,
            (
                "actor_id",
                "organisation_id",
                "role_title",
                "representative",
                "start_date",
                "end_date",
            ),
            [
                (
                    actor_ids[f["actor"]],
                    actor_ids[f["organisation"]],
                    f["role_title"],
                    int(f["representative"]),
                    f["start_date"],
                    f["end_date"],
                )
                for f in parsed["affiliations"]
            ],
        )
        initiative_ids: dict[int, int] = {}
        role_ids: dict[tuple[int, int], int] = {}
        for i in parsed["initiatives"]:
            initiative = Initiative(
                network_id=net,
                kind=i.kind,
                title=i.title,
                purpose=i.purpose,
                purpose_tags=list(i.purpose_tags),
                start_date=i.start_date,
                end_date=i.end_date,
                budget=i.budget,
                status=i.status,
                sector_mix={k: v.model_dump() for k, v in i.sector_mix.items()},
                max_per_organisation=i.max_per_organisation,
                timezone_coverage=list(i.timezone_coverage),
                convenor_id=actor_ids[i.convenor] if i.convenor is not None else None,
                roles=[
                    Role(
                        title=r.title,
                        seats=r.seats,
                        hours_per_week=r.hours_per_week,
                        languages=list(r.languages),
                        timezone_regions=list(r.timezone_regions),
                        requirements=[
                            RoleRequirement(
                                capability_id=cap_ids[q.capability], min_level=q.min_level
                            )
                            for q in r.requirements
                        ],
                    )
                    for r in i.roles
                ],
            )
            db.add(initiative)
            db.flush()
            initiative_ids[i.ref] = initiative.id
            for n, role in enumerate(initiative.roles):
                role_ids[(i.ref, n)] = role.id
        engagements: list[BundleEngagement] = parsed["engagements"]
        engagement_rows = [
            (
                net,
                initiative_ids[e["initiative"]],
                role_ids[(e["initiative"], e["role"])] if e["role"] is not None else None,
                actor_ids[e["actor"]],
                e["hours_per_week"],
                e["status"],
                int(e["listed"]),
                e["start_date"],
                e["end_date"],
            )
            for e in engagements
        ]
        engagement_columns = (
            "network_id",
            "initiative_id",
            "role_id",
            "actor_id",
            "hours_per_week",
            "status",
            "listed",
            "start_date",
            "end_date",
        )
        if parsed["invitations"] or parsed["invitation_events"]:
            first_engagement = _insert_numbered(db, Engagement, engagement_columns, engagement_rows)
        else:
            first_engagement = 0
            _insert(db, Engagement, engagement_columns, engagement_rows)
        tie_rows = [
            (
                net,
                actor_ids[t["source"]],
                actor_ids[t["target"]],
                t["kind"],
                t["weight"],
                t["start_date"],
                t["end_date"],
                t["note"],
                t["origin"],
                initiative_ids[t["initiative"]] if t["initiative"] is not None else None,
            )
            for t in parsed["ties"]
        ]
        tie_columns = (
            "network_id",
            "source_id",
            "target_id",
            "kind",
            "weight",
            "start_date",
            "end_date",
            "note",
            "origin",
            "initiative_id",
        )
        if any(c["tie"] is not None for c in parsed["contributions"]):
            first_tie = _insert_numbered(db, Tie, tie_columns, tie_rows)
        else:
            first_tie = 0
            _insert(db, Tie, tie_columns, tie_rows)
        _import_areas(
            db,
            net,
            parsed,
            actor_ids=actor_ids,
            initiative_ids=initiative_ids,
            role_ids=role_ids,
            first_engagement=first_engagement,
            first_tie=first_tie,
        )
    return network


__all__ = ["BundleProblem", "check_bundle", "export_bundle", "import_bundle"]


def _settings_record(network: Network) -> dict[str, Any]:
    """A network's settings as the bundle carries them (the logo stays out: it is a file)."""
    return {
        "purpose": network.purpose,
        "visibility": network.visibility,
        "join_policy": network.join_policy,
        "welcome_text": network.welcome_text,
        "default_privacy": dict(sorted((network.default_privacy or {}).items())),
    }


def _apply_settings(network: Network, settings: NetworkSettingsPatch | None) -> None:
    if settings is None:
        return
    network.purpose = settings.purpose or ""
    network.welcome_text = settings.welcome_text or ""
    if settings.visibility is not None:
        network.visibility = settings.visibility.value
    if settings.join_policy is not None:
        network.join_policy = settings.join_policy.value
    network.default_privacy = {k: v.value for k, v in (settings.default_privacy or {}).items()}
