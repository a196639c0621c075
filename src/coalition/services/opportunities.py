""" "Opportunities for you": one member's open roles, ranked by the formation engine's own terms
(:mod:`coalition.engines.formation.opportunities`), computed per member.

What a page load reads afresh from the database, at the data version it runs at:

- the member (capabilities, free hours, languages, time zone, purpose, exposure, recent
  engagements): a handful of one-actor queries;
- the open roles (requirements, hours, languages, zones, seats left, titles): three queries,
  kept per data version (``ProcessCache`` keyed by :func:`~coalition.store.cache.version_key`).

Two of the engine's terms are relative to the whole network: purpose similarity is weighed by
the TF-IDF model fitted on every candidate's purpose, and the fair-spread score by the mean
exposure of those eligible for each role. Both come from the network's candidate index (the
one formation proposals use, :func:`~.formation.network_index`), the *basis*, with each open
role's terms (query vector, reference exposure) kept per basis and per role as the role
stands (its requirements, hours, languages and purpose): after a write only new or changed
roles are computed again, one role at a time.

The basis is the index at the current data version whenever one is held. A small network
(under :data:`SYNC_REBUILD_BELOW` candidates) rebuilds it in the request, which takes well
under a second; a large one keeps answering from the newest basis this process holds while a
background thread builds the current one (at 100,000 actors a full build takes a minute or
more; at most one every :data:`REFRESH_AFTER_S`, and on a new day), so no page load waits
for it. Eligibility, gaps, fit, capacity, languages and time zone are
always exact at the current version; only the two network-wide normalisers may lag a write
until that build lands. Every key carries the database's identity and the network's stored
``data_version``, so several processes sharing one database never mix their data.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import clock
from ..domain import OPEN_OFFER_STATUSES, InitiativeStatus
from ..engines.formation import Candidate, CandidateIndex
from ..engines.formation.opportunities import (
    OpenRole,
    RoleCatalog,
    RoleTerms,
    rank_opportunities,
    role_terms,
)
from ..engines.formation.problem import RoleSpec, Weights
from ..errors import Unauthorized
from ..i18n import _
from ..schemas.lifecycle import OpportunitiesOut, OpportunityOut
from ..store.cache import ProcessCache, version_key
from ..store.session import READ_ONLY
from ..store.tables import (
    Actor,
    ActorCapability,
    ActorPurpose,
    Capability,
    Engagement,
    Initiative,
    Network,
    Role,
    RoleRequirement,
)
from ..store.tables_lifecycle import Offer
from .access import Caller
from .fairness import exposure_by_actor, network_weight
from .formation import held_network_index, network_index
from .formation_text import for_reader, render

__all__ = [
    "OPEN_OFFERS",
    "REFRESH_AFTER_S",
    "SYNC_REBUILD_BELOW",
    "TAKING_OFFERS",
    "opportunities",
    "role_catalog",
]

#: Networks with fewer candidates rebuild the basis in the request (well under a second).
SYNC_REBUILD_BELOW = 2_000
#: A larger network's basis is rebuilt (in the background) at most this often: a full build
#: at 100,000 actors is a minute of one core, not to be spent after every write.
REFRESH_AFTER_S = 300.0
#: Statuses in which an initiative takes offers for its open roles.
TAKING_OFFERS = (InitiativeStatus.forming.value, InitiativeStatus.active.value)
OPEN_OFFERS = [s.value for s in OPEN_OFFER_STATUSES]
_SERIALS = itertools.count(1)


@dataclass
class _Basis:
    """A candidate index of one network at ``version`` and ``day``, with the terms of each
    role computed against it (keyed by the role as it stands)."""

    version: int
    day: date
    index: CandidateIndex
    terms: dict[Hashable, RoleTerms] = field(default_factory=dict)
    built_at: float = field(default_factory=time.monotonic)
    #: This basis among all built in the process (``id()`` of a freed index can come back).
    serial: int = field(default_factory=lambda: next(_SERIALS))


_BASES: dict[Hashable, _Basis] = {}
_BUILDING: set[Hashable] = set()
_LOCK = threading.Lock()
_ROLES: ProcessCache[tuple[list[OpenRole], dict[int, tuple[str, str]]]] = ProcessCache(8)
_CATALOGS: ProcessCache[RoleCatalog] = ProcessCache(8)


def _remember(
    where: Hashable, version: int, day: date, index: CandidateIndex, roles: list[OpenRole]
) -> _Basis:
    """Keep ``index`` as the network's basis (unless a newer one is kept), each of ``roles``'
    terms computed against it before it is shown to any request."""
    held = _BASES.get(where)
    if held is not None and held.index is index:
        return held
    fresh = _Basis(version, day, index)
    for role in roles:
        fresh.terms[_role_key(role)] = role_terms(index, role)
    with _LOCK:
        held = _BASES.get(where)
        if held is None or (version, day) >= (held.version, held.day):
            held = _BASES[where] = fresh
        return held


def _build_later(db: Session, network: Network, where: Hashable, day: date) -> None:
    """Build the current basis in a background thread (one at a time per network)."""
    with _LOCK:
        if where in _BUILDING:
            return
        _BUILDING.add(where)
    engine, network_id = db.get_bind().engine, network.id

    def work() -> None:
        try:
            # A deferred (read-only) transaction: on SQLite it holds no write lock meanwhile.
            with Session(bind=engine.execution_options(**{READ_ONLY: True})) as own:
                fresh = own.get_one(Network, network_id)
                index = network_index(own, fresh, day)[0]
                roles = _open_roles(own, fresh)[0]
                _remember(where, fresh.data_version, day, index, roles)
        finally:
            with _LOCK:
                _BUILDING.discard(where)

    threading.Thread(target=work, name=f"opportunities-basis-{network_id}", daemon=True).start()


def _basis(db: Session, network: Network, day: date, roles: list[OpenRole]) -> _Basis:
    """The basis to rank ``roles`` with now (see the module notes)."""
    where = version_key(db, network)[:3]  # database, network id, creation time
    held = _BASES.get(where)
    if held is not None and (held.version, held.day) == (network.data_version, day):
        return held
    built = held_network_index(db, network, day)
    if held is None or len(held.index) < SYNC_REBUILD_BELOW:
        index = built[0] if built is not None else network_index(db, network, day)[0]
        return _remember(where, network.data_version, day, index, roles)
    if time.monotonic() - held.built_at >= REFRESH_AFTER_S or held.day != day:
        _build_later(db, network, where, day)
    return held


def _open_roles(db: Session, network: Network) -> tuple[list[OpenRole], dict[int, tuple[str, str]]]:
    """The network's roles open to offers with a seat left, and (role, initiative) titles."""
    where = [
        Initiative.network_id == network.id,
        Initiative.status.in_(TAKING_OFFERS),
        Role.open_call == 1,
        Role.retired_at.is_(None),
    ]
    rows = db.execute(
        select(
            Role.id,
            Role.initiative_id,
            Role.title,
            Role.seats,
            Role.hours_per_week,
            Role.languages,
            Role.timezone_regions,
            Initiative.title,
            Initiative.purpose,
            Initiative.purpose_tags,
        )  # fmt: skip
        .join(Initiative, Initiative.id == Role.initiative_id)
        .where(*where)
        .order_by(Role.id)
    ).all()
    needs: dict[int, dict[str, int]] = {}
    for role_id, term, level in db.execute(
        select(RoleRequirement.role_id, Capability.term, RoleRequirement.min_level)
        .join(Capability, Capability.id == RoleRequirement.capability_id)
        .join(Role, Role.id == RoleRequirement.role_id)
        .join(Initiative, Initiative.id == Role.initiative_id)
        .where(*where)
    ):
        needs.setdefault(role_id, {})[term] = level
    taken = dict(  # seats held, counted over the initiatives taking offers only
        db.execute(
            select(Engagement.role_id, func.count())
            .join(Initiative, Initiative.id == Engagement.initiative_id)
            .where(where[0], where[1], Engagement.status == "active")
            .group_by(Engagement.role_id)
        ).all()
    )
    out, names = [], {}
    for r in rows:
        seats = r.seats - int(taken.get(r.id, 0))
        if seats <= 0:
            continue
        spec = RoleSpec(
            key=str(r.id), title=r.title, requirements=needs.get(r.id, {}), seats=seats,
            hours_per_week=r.hours_per_week, languages=frozenset(r.languages or []),
            tz_regions=frozenset(r.timezone_regions or []),
        )  # fmt: skip
        text = " . ".join([r.purpose, *(r.purpose_tags or [])])
        out.append(OpenRole(r.id, r.initiative_id, spec, text, seats))
        names[r.id] = (r.title, r[7])
    return out, names


def _role_key(role: OpenRole) -> Hashable:
    """What a role's terms depend on: its requirements, hours, languages and purpose."""
    spec = role.spec
    reqs = tuple(sorted(spec.requirements.items()))
    return (role.role_id, reqs, spec.hours_per_week, spec.languages, role.purpose_text)


def role_catalog(
    db: Session, network: Network, today: date | None = None
) -> tuple[RoleCatalog, dict[int, tuple[str, str]]]:
    """The network's open roles prepared for ranking, with (role title, initiative title) by
    role id: the roles as of the current data version, their terms from the basis."""
    day = today or clock.today()
    key = version_key(db, network, day, "open-roles")
    roles, names = _ROLES.get(key, lambda: _open_roles(db, network))
    basis = _basis(db, network, day, roles)

    def build() -> RoleCatalog:
        terms = []
        for role in roles:
            k = _role_key(role)
            hit = basis.terms.get(k)
            if hit is None:
                hit = basis.terms[k] = role_terms(basis.index, role)
            terms.append(hit)
        return RoleCatalog(basis.index, roles, terms)

    return _CATALOGS.get((*key, basis.version, basis.day, basis.serial), build), names


def _member(db: Session, network: Network, actor: Actor, day: date) -> Candidate | None:
    """``actor`` as a formation candidate, read afresh (None when formation never proposes
    them: a private profile)."""
    if actor.visibility == "private":
        return None
    caps = db.execute(
        select(Capability.term, ActorCapability.level)
        .join(Capability, Capability.id == ActorCapability.capability_id)
        .where(ActorCapability.actor_id == actor.id, Capability.network_id == network.id)
    ).all()
    tags = db.scalars(select(ActorPurpose.tag).where(ActorPurpose.actor_id == actor.id)).all()
    since = day - timedelta(days=730)
    recent = db.scalar(
        select(func.count()).where(
            Engagement.network_id == network.id,
            Engagement.actor_id == actor.id,
            (Engagement.start_date.is_(None)) | (Engagement.start_date >= since),
        )
    )
    exposure = exposure_by_actor(db, network.id, day, actor_id=actor.id).get(actor.id, 0.0)
    return Candidate(
        actor_id=actor.id,
        name=actor.name,
        capabilities={term: level for term, level in caps},
        capacity_left_hours=max(0.0, actor.capacity_hours - actor.committed_hours),
        sector=actor.sector,
        tz_region=actor.region,
        languages=frozenset(actor.languages or []),
        purpose_text=actor.purpose_text or "",
        purpose_tags=tuple(tags),
        recent_engagements=int(recent or 0),
        is_newcomer=bool(actor.joined_on and (day - actor.joined_on).days < 365),
        exposure=float(exposure),
    )


def _skipped(db: Session, network: Network, actor: Actor) -> frozenset[int]:
    """Roles never shown to ``actor``: those of initiatives they convene or sit in."""
    mine = (Initiative.convenor_id == actor.id) | Initiative.id.in_(
        select(Engagement.initiative_id).where(
            Engagement.actor_id == actor.id, Engagement.status == "active"
        )
    )
    return frozenset(
        db.scalars(
            select(Role.id)
            .join(Initiative, Initiative.id == Role.initiative_id)
            .where(Initiative.network_id == network.id, mine)
        )
    )


def opportunities(
    db: Session, caller: Caller, *, network_slug: str | None = None, limit: int = 30
) -> OpportunitiesOut:
    """Open roles that fit the caller's profile, best first, with the reasons and any gaps
    (in the reader's language)."""
    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    stmt = select(Actor, Network).join(Network, Network.id == Actor.network_id)
    stmt = stmt.where(Actor.id.in_(sorted(caller.actor_ids)), Actor.anonymised == 0)
    if network_slug:
        stmt = stmt.where(Network.slug == network_slug)
    found = db.execute(stmt.order_by(Actor.id)).first()
    if found is None:
        return OpportunitiesOut(
            actor_id=None, network=network_slug, free_hours=None, opportunities=[]
        )
    actor, network = found
    day = clock.today()
    member = _member(db, network, actor, day)
    catalog, names = role_catalog(db, network, day)
    ranked = []
    if member is not None:
        weights = Weights(fairness=network_weight(network))
        skip = _skipped(db, network, actor)
        ranked = rank_opportunities(catalog, member, weights=weights, limit=limit, skip=skip)
    offered = set(
        db.scalars(
            select(Offer.role_id).where(Offer.actor_id == actor.id, Offer.status.in_(OPEN_OFFERS))
        )
    )
    seats = {r.role_id: r for r in catalog.roles}
    return OpportunitiesOut(
        actor_id=actor.id,
        network=network.slug,
        free_hours=round(actor.capacity_hours - actor.committed_hours, 4),
        opportunities=[
            OpportunityOut(
                role_id=o.role_id,
                role_title=names[o.role_id][0],
                initiative_id=o.initiative_id,
                initiative_title=names[o.role_id][1],
                network=network.slug,
                hours_per_week=seats[o.role_id].spec.hours_per_week,
                seats_open=seats[o.role_id].seats_open,
                score=o.score,
                fit=o.fit,
                purpose=o.purpose,
                fairness=o.fairness,
                eligible=o.eligible,
                reasons=[render(for_reader(r)) for r in o.reasons],
                gaps=[render(for_reader(g)) for g in o.gaps],
                offered=o.role_id in offered,
            )
            for o in ranked
        ],
    )
