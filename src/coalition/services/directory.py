"""The self-owned directory: members create and edit their profiles; everyone searches it.

Every read goes through :func:`access.readable_actors`, and every private field through
:func:`access.field_visible`, so what a caller may not see never leaves this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, String, cast, func, or_, select
from sqlalchemy.orm import Session

from ..domain import PrivateField, region_of
from ..errors import Conflict, Forbidden, Invalid
from ..i18n import _
from ..schemas.directory import (
    ActorCapabilityIn,
    ActorIn,
    ActorOut,
    ActorPage,
    ActorPatch,
    ActorSearch,
    AffiliationIn,
    AffiliationOut,
    CapabilityLevelOut,
)
from ..schemas.fields import FieldValueOut
from ..store.cache import ProcessCache, bump_version, version_key
from ..store.tables import Actor, ActorCapability, ActorPurpose, Affiliation, Network
from .access import (
    Caller,
    field_visible,
    field_visible_clause,
    load_readable,
    readable_actors,
    require_role,
)
from .directory_search import text_match
from .networks import capability_ids

PRIVACY_FIELDS = {f.value: f.column for f in PrivateField}
#: A search counts its matches up to this many past the page's start, then says "more than":
#: an exact count of a common word at 100,000 actors reads most of the table (measured:
#: 90 ms of the 100 ms of a two-letter search on PostgreSQL), a capped one stops early.
COUNT_CAP = 1000


def _privacy_columns(privacy: Mapping[Any, str]) -> dict[str, str]:
    return {PRIVACY_FIELDS[name]: audience for name, audience in privacy.items()}


def privacy_of(actor: Actor) -> dict[str, str]:
    return {name: getattr(actor, column) for name, column in PRIVACY_FIELDS.items()}


def _check_editor(caller: Caller, actor: Actor, network: Network) -> None:
    """A profile is edited by its owner (or an organisation's representative) or a steward."""
    if caller.owns(actor.id):
        return
    require_role(caller, network, "steward")


def _set_capabilities(
    db: Session, network: Network, actor: Actor, items: list[ActorCapabilityIn]
) -> None:
    terms = [item.term for item in items]
    if len(set(terms)) != len(terms):
        raise Invalid(_("each capability may be listed once"), field="capabilities")
    ids = capability_ids(db, network, terms, field="capabilities")
    actor.capabilities = [
        ActorCapability(
            capability_id=ids[item.term],
            level=item.level,
            evidence=item.evidence,
            esco_uri=item.esco_uri,
        )
        for item in items
    ]


def _set_purposes(actor: Actor, tags: list[str]) -> None:
    actor.purposes = [ActorPurpose(tag=tag) for tag in sorted(set(tags))]


def _set_affiliations(
    db: Session, network: Network, actor: Actor, items: list[AffiliationIn]
) -> None:
    org_ids = [item.organisation_id for item in items]
    if len(set(org_ids)) != len(org_ids):
        raise Invalid(_("each organisation may be listed once"), field="affiliations")
    if actor.id in org_ids:
        raise Invalid(_("an actor cannot be affiliated with itself"), field="affiliations")
    orgs = set(
        db.scalars(
            select(Actor.id).where(
                Actor.id.in_(org_ids),
                Actor.network_id == network.id,
                Actor.kind == "organisation",
            )
        )
    )
    missing = [oid for oid in org_ids if oid not in orgs]
    if missing:
        raise Conflict(
            _("affiliation to unknown organisation(s) %(missing)s in network '%(slug)s'")
            % {"missing": missing, "slug": network.slug}
        )
    existing = {a.organisation_id: a for a in _affiliations(db, actor.id)}
    for oid, old in existing.items():
        if oid not in org_ids:
            db.delete(old)
    for item in items:
        row = existing.get(item.organisation_id)
        if row is None:
            row = Affiliation(actor_id=actor.id, organisation_id=item.organisation_id)
            db.add(row)
        row.role_title = item.role_title
        row.representative = int(item.representative)


def _affiliations(db: Session, actor_id: int) -> list[Affiliation]:
    return list(
        db.scalars(
            select(Affiliation).where(Affiliation.actor_id == actor_id).order_by(Affiliation.id)
        )
    )


def create_actor(db: Session, caller: Caller, network: Network, data: ActorIn) -> ActorOut:
    """Add a profile to the directory of ``network``."""
    require_role(caller, network, "member")
    if data.external_id is not None and db.scalar(
        select(func.count()).where(
            Actor.network_id == network.id, Actor.external_id == data.external_id
        )
    ):
        raise Conflict(
            _("an actor with external id '%(external_id)s' exists already")
            % {"external_id": data.external_id}
        )
    fields = data.model_dump(exclude={"capabilities", "purposes", "affiliations", "privacy"})
    actor = Actor(
        network_id=network.id,
        region=region_of(data.timezone),
        committed_hours=0.0,
        anonymised=0,
        **fields,
        **_privacy_columns(data.privacy),
    )
    db.add(actor)
    db.flush()
    _set_capabilities(db, network, actor, data.capabilities)
    _set_purposes(actor, data.purposes)
    _set_affiliations(db, network, actor, data.affiliations)
    bump_version(db, network.id)
    db.flush()
    return actor_view(db, caller, actor)


def update_actor(db: Session, caller: Caller, actor_id: int, data: ActorPatch) -> ActorOut:
    """Change the fields sent in ``data``; capacity may not drop below what is committed."""
    actor = load_readable(db, caller, Actor, actor_id)
    network = db.get_one(Network, actor.network_id)
    _check_editor(caller, actor, network)
    sent = data.model_dump(exclude_unset=True)
    if "capacity_hours" in sent and sent["capacity_hours"] is not None:
        if sent["capacity_hours"] < actor.committed_hours:
            # The committed hours are part of the capacity field: named only to who may see it.
            if field_visible(caller, actor, actor.capacity_visibility):
                committed = f"the {actor.committed_hours:g} h/week already committed"
            else:
                committed = "the hours already committed"
            raise Conflict(
                _(
                    "capacity %(capacity_hours)s h/week is below %(committed)s; step "
                    "back from an engagement first"
                )
                % {"capacity_hours": format(sent["capacity_hours"], "g"), "committed": committed}
            )
    for name in ("name", "sector", "capacity_hours"):
        if name in sent and sent[name] is None:
            raise Invalid(_("%(name)s cannot be empty") % {"name": name}, field=name)
    if "capabilities" in sent:
        _set_capabilities(db, network, actor, data.capabilities or [])
    if "purposes" in sent:
        _set_purposes(actor, data.purposes or [])
    if "affiliations" in sent:
        _set_affiliations(db, network, actor, data.affiliations or [])
    if "privacy" in sent:
        for column, audience in _privacy_columns(data.privacy or {}).items():
            setattr(actor, column, audience)
    for name, value in sent.items():
        if name in {"capabilities", "purposes", "affiliations", "privacy"}:
            continue
        setattr(actor, name, value)
    if "timezone" in sent:
        actor.region = region_of(actor.timezone)
    bump_version(db, network.id)
    db.flush()
    return actor_view(db, caller, actor)


def get_actor(db: Session, caller: Caller, actor_id: int) -> ActorOut:
    return actor_view(db, caller, load_readable(db, caller, Actor, actor_id))


def editable_actor(db: Session, caller: Caller, actor_id: int) -> tuple[ActorOut, dict[str, str]]:
    """The profile and its privacy choices, for whoever may edit it (owner or steward).

    Fields the editor may not see stay hidden (named in ``hidden``): a steward editing a
    member's profile cannot read, and so does not overwrite, what the member keeps private.
    """
    actor = load_readable(db, caller, Actor, actor_id)
    _check_editor(caller, actor, db.get_one(Network, actor.network_id))
    return actor_view(db, caller, actor), privacy_of(actor)


def may_edit(db: Session, caller: Caller, actor_id: int) -> bool:
    """Whether ``caller`` may edit this profile (to offer the link; the edit checks again)."""
    if caller.owns(actor_id):
        return True
    network_id = db.scalar(select(Actor.network_id).where(Actor.id == actor_id))
    return network_id is not None and caller.has_role(network_id, "steward")


#: The search filters' choices per network version and audience (see :func:`facets`).
_FACETS: ProcessCache[dict[str, list[str]]] = ProcessCache(64)


def facets(db: Session, caller: Caller, network: Network) -> dict[str, list[str]]:
    """The time zones and languages of the profiles the caller may see, for search filters.

    They read every profile of the network, so they are kept per data version (any change to
    a profile moves it) and per audience: what :func:`access.readable_actors` depends on."""
    audience = (network.visibility, caller.system, network.id in caller.roles, caller.actor_ids)
    key = version_key(db, network, *audience)
    return _FACETS.get(key, lambda: _facets(db, caller, network))


def _facets(db: Session, caller: Caller, network: Network) -> dict[str, list[str]]:
    base = (Actor.network_id == network.id, readable_actors(caller))
    zones = db.scalars(
        select(Actor.timezone).where(*base, Actor.timezone.is_not(None)).distinct()
    ).all()
    languages: set[str] = set()
    for value in db.scalars(select(Actor.languages).where(*base)):
        languages.update(value or [])
    return {"timezones": sorted(z for z in zones if z), "languages": sorted(languages)}


def get_actor_row(db: Session, caller: Caller, actor_id: int) -> Actor:
    """The actor row, if the caller may see its profile (for other services)."""
    return load_readable(db, caller, Actor, actor_id)


def actor_view(
    db: Session,
    caller: Caller,
    actor: Actor,
    *,
    invited_by: bool = False,
    slug: str | None = None,
    affiliations: list[tuple[Affiliation, str]] | None = None,
    fields: tuple[list[FieldValueOut], list[str]] | None = None,
) -> ActorOut:
    """The profile as ``caller`` may see it: private fields blanked and named in ``hidden``.

    ``affiliations`` (with the organisations' names) and ``fields`` (custom field values the
    caller may see, and the keys kept) when the caller read them for a whole list already
    (:func:`actor_views`); otherwise they are read here.
    """
    if slug is None:
        slug = db.scalar(select(Network.slug).where(Network.id == actor.network_id)) or ""
    hidden: list[str] = []

    def show(field: str) -> bool:
        ok = field_visible(caller, actor, privacy_of(actor)[field], invited_by=invited_by)
        if not ok:
            hidden.append(field)
        return ok

    if fields is None:
        from .profile_fields import visible_values

        fields = visible_values(db, caller, [actor], invited_by=invited_by)[actor.id]
    custom, kept = fields
    rate = show("day_rate")
    capacity = show("capacity")
    contact = show("contact")
    hidden += kept
    if affiliations is None:
        affiliations = _readable_affiliations(db, caller, [actor.id]).get(actor.id, [])
    return ActorOut(
        id=actor.id,
        network=slug,
        kind=actor.kind,
        name=actor.name,
        sector=actor.sector,
        external_id=actor.external_id,
        headline=actor.headline,
        bio=actor.bio,
        timezone=actor.timezone,
        region=actor.region,
        languages=list(actor.languages or []),
        purpose_text=actor.purpose_text,
        purposes=[p.tag for p in actor.purposes],
        capabilities=sorted(
            (
                CapabilityLevelOut(
                    term=c.capability.term, level=c.level, evidence=c.evidence, esco_uri=c.esco_uri
                )
                for c in actor.capabilities
            ),
            key=lambda c: (-c.level, c.term),
        ),
        affiliations=[
            AffiliationOut(
                organisation_id=a.organisation_id,
                organisation_name=name,
                role_title=a.role_title,
                representative=bool(a.representative),
            )
            for a, name in affiliations
        ],
        visibility=actor.visibility,
        capacity_hours=actor.capacity_hours if capacity else None,
        free_hours=round(actor.capacity_hours - actor.committed_hours, 2) if capacity else None,
        day_rate=actor.day_rate if rate else None,
        email=actor.email if contact else None,
        phone=actor.phone if contact else None,
        website=actor.website,
        hidden=hidden,
        fields=custom,
    )


def search_actors(db: Session, caller: Caller, network: Network, query: ActorSearch) -> ActorPage:
    """Actors of ``network`` the caller may see, filtered by every criterion given (AND)."""
    stmt = select(Actor).where(Actor.network_id == network.id, readable_actors(caller))
    match = text_match(db, query.q) if query.q else None
    if match is not None:
        stmt = stmt.where(match.where)
    if query.capability:
        ids = capability_ids(db, network, list(query.capability), field="capability")
        for cid in ids.values():
            stmt = stmt.where(
                Actor.id.in_(
                    select(ActorCapability.actor_id).where(
                        ActorCapability.capability_id == cid,
                        ActorCapability.level >= query.min_level,
                    )
                )
            )
    if query.purpose:
        text = query.purpose.lower()
        stmt = stmt.where(
            or_(
                Actor.id.in_(
                    select(ActorPurpose.actor_id).where(func.lower(ActorPurpose.tag) == text)
                ),
                func.lower(Actor.purpose_text).like(f"%{text}%"),
            )
        )
    if query.sector:
        stmt = stmt.where(Actor.sector == query.sector)
    if query.kind:
        stmt = stmt.where(Actor.kind == query.kind)
    if query.timezone:
        stmt = stmt.where(Actor.timezone == query.timezone)
    if query.region:
        stmt = stmt.where(Actor.region == query.region)
    if query.language:
        stmt = stmt.where(cast(Actor.languages, String).like(f'%"{query.language}"%'))
    if query.min_free_hours is not None:
        # Filtering on capacity reveals it: only actors who show their capacity to the caller.
        stmt = stmt.where(
            Actor.capacity_hours - Actor.committed_hours >= query.min_free_hours,
            field_visible_clause(caller, Actor.capacity_visibility),
        )
    if query.min_completeness is not None:
        from .onboarding import completeness

        stmt = stmt.where(completeness(caller) >= query.min_completeness)
    if query.fields:
        from .profile_fields import filter_clauses

        stmt = stmt.where(*filter_clauses(db, caller, network, query.fields))
    total, capped = _capped_count(db, stmt, query.offset + COUNT_CAP)
    rank = () if match is None or match.rank is None else (match.rank.desc(),)
    order = (*rank, Actor.name, Actor.id)
    rows = db.scalars(stmt.order_by(*order).limit(query.limit).offset(query.offset)).all()
    items = actor_views(db, caller, rows, slug=network.slug)
    return ActorPage(total=total, items=items, total_capped=capped)


def _capped_count(db: Session, stmt: Select[Actor], cap: int) -> tuple[int, bool]:
    """How many rows ``stmt`` selects, counted up to ``cap`` (and whether there are more): the
    count reads ids only, unordered, and stops at the first row past the cap."""
    ids = stmt.with_only_columns(Actor.id).order_by(None).limit(cap + 1).subquery()
    found = db.scalar(select(func.count()).select_from(ids)) or 0
    return (cap, True) if found > cap else (found, False)


def actor_views(
    db: Session, caller: Caller, actors: Sequence[Actor], *, slug: str
) -> list[ActorOut]:
    """The profiles of a list (one network's), with their affiliations read in one query."""
    from .profile_fields import visible_values

    found = _readable_affiliations(db, caller, [a.id for a in actors])
    fields = visible_values(db, caller, list(actors))
    return [
        actor_view(
            db, caller, a, slug=slug, affiliations=found.get(a.id, []), fields=fields.get(a.id)
        )
        for a in actors
    ]


def _readable_affiliations(
    db: Session, caller: Caller, actor_ids: list[int]
) -> dict[int, list[tuple[Affiliation, str]]]:
    """Each actor's affiliations to organisations the caller may see, with their names."""
    out: dict[int, list[tuple[Affiliation, str]]] = {}
    if not actor_ids:
        return out
    rows = db.execute(
        select(Affiliation, Actor.name)
        .join(Actor, Actor.id == Affiliation.organisation_id)
        .where(Affiliation.actor_id.in_(actor_ids), readable_actors(caller))
        .order_by(Affiliation.id)
    ).all()
    for affiliation, name in rows:
        out.setdefault(affiliation.actor_id, []).append((affiliation, name))
    return out


def ensure_same_network(db: Session, network: Network, actor_ids: list[int], *, field: str) -> None:
    """Refuse references to actors outside ``network`` (a broken reference is a 409)."""
    if not actor_ids:
        return
    found = set(
        db.scalars(select(Actor.id).where(Actor.id.in_(actor_ids), Actor.network_id == network.id))
    )
    missing = sorted(set(actor_ids) - found)
    if missing:
        raise Conflict(
            _("%(field)s: no actor %(missing)s in network '%(slug)s'")
            % {"field": field, "missing": missing, "slug": network.slug}
        )


__all__ = [
    "Forbidden",
    "actor_view",
    "actor_views",
    "create_actor",
    "ensure_same_network",
    "get_actor",
    "search_actors",
    "update_actor",
]


def set_field_values(db: Session, caller: Caller, actor_id: int, data: Any) -> ActorOut:
    """Write custom field values (services.profile_fields) as the profile's editor; a value
    the editor may not see is left alone."""
    from .profile_fields import set_values

    actor = load_readable(db, caller, Actor, actor_id)
    network = db.get_one(Network, actor.network_id)
    _check_editor(caller, actor, network)
    kept = [h[6:] for h in actor_view(db, caller, actor).hidden if h.startswith("field.")]
    set_values(db, caller, actor, network, data, hidden=kept)
    return actor_view(db, caller, actor)
