"""A whole network as one JSON document: the backup, migration and demo format.

Rows refer to each other by ``ref`` (1..N in id order), never by database ids, so that
export → import into an empty database → export gives the same document.
Import is all-or-nothing: every row is checked first and all problems are reported together.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from ..domain import region_of
from ..errors import Conflict, Invalid
from ..schemas.common import (
    ActorKindName,
    IsoDate,
    RegionName,
    SectorName,
    TieKindName,
    VisibilityName,
)
from ..schemas.directory import NetworkIn
from ..schemas.initiatives import InitiativeIn
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

FORMAT = "coalition-bundle"
VERSION = 1
CHUNK = 5000


class _Row(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class BundleCapability(_Row):
    term: str = Field(min_length=1, max_length=120)
    category: str = ""
    description: str = ""
    esco_uri: str | None = None


class BundleActorCapability(_Row):
    term: str
    level: int = Field(ge=1, le=5)
    evidence: str = ""
    esco_uri: str | None = None


class BundleActor(_Row):
    ref: int = Field(ge=1)
    kind: ActorKindName
    name: str = Field(min_length=1, max_length=200)
    sector: SectorName
    external_id: str | None = None
    headline: str = ""
    bio: str = ""
    timezone: str | None = None
    languages: list[str] = []
    capacity_hours: float = Field(default=0.0, ge=0)
    committed_hours: float = Field(default=0.0, ge=0)
    day_rate: float | None = Field(default=None, ge=0)
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    purpose_text: str = ""
    purposes: list[str] = []
    capabilities: list[BundleActorCapability] = []
    visibility: VisibilityName = "network"
    privacy: dict[str, VisibilityName] = {}
    joined_on: date | None = None


class BundleAffiliation(_Row):
    actor: int
    organisation: int
    role_title: str = ""
    representative: bool = False
    start_date: date | None = None
    end_date: date | None = None


class BundleInitiative(InitiativeIn):
    ref: int = Field(ge=1)
    convenor: int | None = None


class BundleEngagement(_Row):
    initiative: int
    role: int | None = None
    actor: int
    hours_per_week: float = Field(gt=0)
    status: str = Field(pattern="^(active|completed|withdrawn)$")
    listed: bool = True
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None


class BundleTie(_Row):
    source: int
    target: int
    kind: TieKindName
    weight: float = Field(default=1.0, gt=0)
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    note: str = ""
    origin: str = "import"
    initiative: int | None = None


PRIVACY = {
    "day_rate": "day_rate_visibility",
    "capacity": "capacity_visibility",
    "contact": "contact_visibility",
    "declines": "declines_visibility",
}
PRIVACY_DEFAULTS = {
    "day_rate": "private",
    "capacity": "network",
    "contact": "network",
    "declines": "convenors",
}
_REGIONS: tuple[RegionName, ...] = ("americas", "emea", "apac")


@dataclass
class BundleProblem:
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


def _d(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


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

    out_actors = []
    for a in actors:
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
                "capacity_hours": a.capacity_hours if shown(a, "capacity") else 0.0,
                "committed_hours": a.committed_hours if shown(a, "capacity") else 0.0,
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
    engagements_stmt = select(Engagement).where(Engagement.network_id == network.id)
    if not include_private:
        # A member who asked not to be listed on a team page is not listed in a share either.
        engagements_stmt = engagements_stmt.where(Engagement.listed == 1)
    engagements = db.scalars(engagements_stmt.order_by(Engagement.id)).all()
    ties = db.scalars(select(Tie).where(Tie.network_id == network.id).order_by(Tie.id)).all()
    return {
        "format": FORMAT,
        "version": VERSION,
        "network": {
            "slug": network.slug,
            "name": network.name,
            "description": network.description,
            "attribution": network.attribution,
        },
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
    }


# ---------------------------------------------------------------- import


class Bundle(_Row):
    """The whole document; validated in one pass (pydantic-core) for speed at 100k actors."""

    format: Literal["coalition-bundle"]
    version: Literal[1]
    network: NetworkIn
    capabilities: list[BundleCapability] = []
    actors: list[BundleActor] = []
    affiliations: list[BundleAffiliation] = []
    initiatives: list[BundleInitiative] = []
    engagements: list[BundleEngagement] = []
    ties: list[BundleTie] = []


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
        data = json.dumps(data)
    try:
        bundle = _BUNDLE.validate_json(data, strict=True)
    except ValidationError as exc:
        problems = [BundleProblem(_where(tuple(err["loc"])), err["msg"]) for err in exc.errors()]
        return {}, problems + _raw_reference_problems(data)
    parsed: dict[str, list[Any]] = {
        "network": [bundle.network],
        "capabilities": bundle.capabilities,
        "actors": bundle.actors,
        "affiliations": bundle.affiliations,
        "initiatives": bundle.initiatives,
        "engagements": bundle.engagements,
        "ties": bundle.ties,
    }
    return parsed, list(_check_references(parsed))


def _raw_reference_problems(data: str | bytes) -> list[BundleProblem]:
    """Dangling actor refs, found on the raw document so they are reported with type errors."""
    try:
        doc = json.loads(data)
        refs = {a.get("ref") for a in doc.get("actors") or [] if isinstance(a, dict)}
        problems = []
        for section, ends in (("ties", ("source", "target")), ("affiliations", ("actor",))):
            for n, row in enumerate(doc.get(section) or []):
                for end in ends:
                    if isinstance(row, dict) and row.get(end) not in refs:
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
        if a.ref in kinds:
            yield BundleProblem(f"actors[{n}].ref", f"duplicate ref {a.ref}")
        kinds[a.ref] = a.kind
        if a.external_id is not None:
            if a.external_id in external:
                yield BundleProblem(f"actors[{n}].external_id", "duplicate external id")
            external.add(a.external_id)
        for m, c in enumerate(a.capabilities):
            if c.term not in vocab:
                yield BundleProblem(
                    f"actors[{n}].capabilities[{m}].term", f"unknown capability '{c.term}'"
                )
        if a.committed_hours > a.capacity_hours + 1e-9:
            yield BundleProblem(f"actors[{n}].committed_hours", "exceeds capacity_hours")
        for field in a.privacy:
            if field not in PRIVACY:
                yield BundleProblem(f"actors[{n}].privacy", f"unknown private field '{field}'")
    seen_aff: set[tuple[int, int]] = set()
    for n, f in enumerate(p["affiliations"]):
        if f.actor not in kinds:
            yield BundleProblem(f"affiliations[{n}].actor", f"no actor with ref {f.actor}")
        if kinds.get(f.organisation) != "organisation":
            yield BundleProblem(
                f"affiliations[{n}].organisation", f"ref {f.organisation} is not an organisation"
            )
        if (f.actor, f.organisation) in seen_aff:
            yield BundleProblem(f"affiliations[{n}]", "duplicate affiliation")
        seen_aff.add((f.actor, f.organisation))
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
        if e.actor not in kinds:
            yield BundleProblem(f"engagements[{n}].actor", f"no actor with ref {e.actor}")
        if e.initiative not in roles:
            yield BundleProblem(
                f"engagements[{n}].initiative", f"no initiative with ref {e.initiative}"
            )
        elif e.role is not None and not 0 <= e.role < roles[e.initiative]:
            yield BundleProblem(f"engagements[{n}].role", f"no role {e.role} in that initiative")
        if e.status == "active":
            active[e.actor] += e.hours_per_week
    for n, a in enumerate(p["actors"]):
        if abs(active.get(a.ref, 0.0) - a.committed_hours) > 1e-6:
            yield BundleProblem(
                f"actors[{n}].committed_hours",
                f"is {a.committed_hours:g} but active engagements sum to "
                f"{active.get(a.ref, 0.0):g}",
            )
    for n, t in enumerate(p["ties"]):
        for end in ("source", "target"):
            if getattr(t, end) not in kinds:
                yield BundleProblem(f"ties[{n}].{end}", f"no actor with ref {getattr(t, end)}")
        if t.source == t.target:
            yield BundleProblem(f"ties[{n}]", "a tie joins two different actors")
        if t.initiative is not None and t.initiative not in roles:
            yield BundleProblem(f"ties[{n}].initiative", f"no initiative with ref {t.initiative}")


def _chunks(rows: list[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _insert(db: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Plain executemany through the Core table: the ORM's per-row work costs minutes at 1M."""
    table = model.__table__
    for chunk in _chunks(rows):
        db.execute(insert(table), chunk)


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


def import_bundle(db: Session, data: Any, *, slug: str | None = None) -> Network:
    """Load a bundle as a new network in one transaction; refuse it whole on any problem.

    Raises :class:`Invalid` with every problem (``details`` lists them) or :class:`Conflict`
    when the network exists already. The caller's session is left untouched on failure.
    """
    parsed, problems = check_bundle(data)
    if problems:
        raise Invalid(
            f"the bundle has {len(problems)} problem(s); nothing was imported. "
            + "; ".join(str(p) for p in problems[:20]),
            field="bundle",
            details=[{"where": p.where, "reason": p.reason} for p in problems],
        )
    net_in = parsed["network"][0]
    target_slug = slug or net_in.slug
    if db.scalar(select(Network.id).where(Network.slug == target_slug)):
        raise Conflict(f"a network called '{target_slug}' exists already")
    with db.begin_nested():
        network = Network(
            slug=target_slug,
            name=net_in.name,
            description=net_in.description,
            attribution=net_in.attribution,
            data_version=1,
        )
        db.add(network)
        db.flush()
        first = _reserve_ids(db, Capability, len(parsed["capabilities"]))
        cap_ids = {c.term: first + n for n, c in enumerate(parsed["capabilities"])}
        _insert(
            db,
            Capability,
            [
                {"id": cap_ids[c.term], "network_id": network.id, **c.model_dump()}
                for c in parsed["capabilities"]
            ],
        )
        _sync_sequence(db, Capability)
        actors = parsed["actors"]
        actor_rows = []
        for a in actors:
            row = a.model_dump(exclude={"ref", "capabilities", "purposes", "privacy"})
            privacy = {**PRIVACY_DEFAULTS, **a.privacy}
            row.update({PRIVACY[f]: v for f, v in privacy.items()})
            row.update(network_id=network.id, region=region_of(a.timezone), anonymised=0)
            actor_rows.append(row)
        first = _reserve_ids(db, Actor, len(actors))
        actor_ids = {a.ref: first + n for n, a in enumerate(actors)}
        for a, row in zip(actors, actor_rows, strict=True):
            row["id"] = actor_ids[a.ref]
        _insert(db, Actor, actor_rows)
        _sync_sequence(db, Actor)
        _insert(
            db,
            ActorCapability,
            [
                {
                    "actor_id": actor_ids[a.ref],
                    "capability_id": cap_ids[c.term],
                    "level": c.level,
                    "evidence": c.evidence,
                    "esco_uri": c.esco_uri,
                }
                for a in actors
                for c in a.capabilities
            ],
        )
        _insert(
            db,
            ActorPurpose,
            [
                {"actor_id": actor_ids[a.ref], "tag": tag}
                for a in actors
                for tag in sorted(set(a.purposes))
            ],
        )
        _insert(
            db,
            Affiliation,
            [
                {
                    "actor_id": actor_ids[f.actor],
                    "organisation_id": actor_ids[f.organisation],
                    "role_title": f.role_title,
                    "representative": int(f.representative),
                    "start_date": f.start_date,
                    "end_date": f.end_date,
                }
                for f in parsed["affiliations"]
            ],
        )
        initiative_ids: dict[int, int] = {}
        role_ids: dict[tuple[int, int], int] = {}
        for i in parsed["initiatives"]:
            initiative = Initiative(
                network_id=network.id,
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
        _insert(
            db,
            Engagement,
            [
                {
                    "network_id": network.id,
                    "initiative_id": initiative_ids[e.initiative],
                    "role_id": role_ids[(e.initiative, e.role)] if e.role is not None else None,
                    "actor_id": actor_ids[e.actor],
                    "hours_per_week": e.hours_per_week,
                    "status": e.status,
                    "listed": int(e.listed),
                    "start_date": e.start_date,
                    "end_date": e.end_date,
                }
                for e in parsed["engagements"]
            ],
        )
        _insert(
            db,
            Tie,
            [
                {
                    "network_id": network.id,
                    "source_id": actor_ids[t.source],
                    "target_id": actor_ids[t.target],
                    "kind": t.kind,
                    "weight": t.weight,
                    "start_date": t.start_date,
                    "end_date": t.end_date,
                    "note": t.note,
                    "origin": t.origin,
                    "initiative_id": initiative_ids[t.initiative]
                    if t.initiative is not None
                    else None,
                }
                for t in parsed["ties"]
            ],
        )
    return network


__all__ = ["BundleProblem", "check_bundle", "export_bundle", "import_bundle"]
