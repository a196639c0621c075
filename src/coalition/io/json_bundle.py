"""A whole network as one JSON document: the backup, migration and demo format.

Rows refer to each other by ``ref`` (1..N in id order), never by database ids, so that
export → import into an empty database → export gives the same document.
Import is all-or-nothing: every row is checked first and all problems are reported together.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import repeat
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, with_config
from pydantic_core import to_json
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from typing_extensions import TypedDict

from ..domain import region_of
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


# The rows a bundle holds by the hundred thousand are validated into typed dicts: building a
# model instance per row cost about four times as much (tens of seconds at 100,000 actors).
_ROW = ConfigDict(strict=True, extra="forbid")


@with_config(_ROW)
class BundleActorCapability(TypedDict):
    term: str
    level: Annotated[int, Field(ge=1, le=5)]
    evidence: Annotated[str, Field(default="")]
    esco_uri: Annotated[str | None, Field(default=None)]


@with_config(_ROW)
class BundleActor(TypedDict):
    ref: Annotated[int, Field(ge=1)]
    kind: ActorKindName
    name: Annotated[str, Field(min_length=1, max_length=200)]
    sector: SectorName
    external_id: Annotated[str | None, Field(default=None)]
    headline: Annotated[str, Field(default="")]
    bio: Annotated[str, Field(default="")]
    timezone: Annotated[str | None, Field(default=None)]
    languages: Annotated[list[str], Field(default_factory=list)]
    capacity_hours: Annotated[float, Field(default=0.0, ge=0)]
    committed_hours: Annotated[float, Field(default=0.0, ge=0)]
    day_rate: Annotated[float | None, Field(default=None, ge=0)]
    email: Annotated[str | None, Field(default=None)]
    phone: Annotated[str | None, Field(default=None)]
    website: Annotated[str | None, Field(default=None)]
    purpose_text: Annotated[str, Field(default="")]
    purposes: Annotated[list[str], Field(default_factory=list)]
    capabilities: Annotated[list[BundleActorCapability], Field(default_factory=list)]
    visibility: Annotated[VisibilityName, Field(default="network")]
    privacy: Annotated[dict[str, VisibilityName], Field(default_factory=dict)]
    joined_on: Annotated[date | None, Field(default=None)]


@with_config(_ROW)
class BundleAffiliation(TypedDict):
    actor: int
    organisation: int
    role_title: Annotated[str, Field(default="")]
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
    origin: Annotated[str, Field(default="import")]
    initiative: Annotated[int | None, Field(default=None)]


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
        data = to_json(data)  # pydantic-core's serializer: twice as fast as json.dumps here
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
    with db.begin_nested(), _bulk_cache(db):
        network = Network(
            slug=target_slug,
            name=net_in.name,
            description=net_in.description,
            attribution=net_in.attribution,
            data_version=1,
        )
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
                    0,
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
        _insert(
            db,
            Engagement,
            (
                "network_id",
                "initiative_id",
                "role_id",
                "actor_id",
                "hours_per_week",
                "status",
                "listed",
                "start_date",
                "end_date",
            ),
            [
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
                for e in parsed["engagements"]
            ],
        )
        _insert(
            db,
            Tie,
            (
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
            ),
            [
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
            ],
        )
    return network


__all__ = ["BundleProblem", "check_bundle", "export_bundle", "import_bundle"]
