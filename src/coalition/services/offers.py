"""Open calls and offers: a forming initiative opens roles to its network, every member sees
the open roles that fit them ("Opportunities for you", ranked by the formation engine's own
terms), offers themselves, and the convenor accepts or declines.

An accepted offer becomes an engagement in one transaction, as an accepted invitation does:
the role row is locked (seats are counted by one request at a time), the offer moves by
compare-and-set, and the hours are reserved by the conditional UPDATE of the capacity ledger
(services/engagements.py). Both sides have consented: the member by offering, the convenor by
accepting; nobody is engaged by one side alone.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import clock
from ..clock import utcnow
from ..domain import OPEN_OFFER_STATUSES, InitiativeStatus
from ..engines.formation.opportunities import OpenRole, RoleCatalog, rank_opportunities
from ..engines.formation.problem import RoleSpec, Weights
from ..engines.formation.reasons import Reason
from ..errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from ..i18n import _, phrase
from ..schemas.lifecycle import (
    OfferDecisionIn,
    OfferIn,
    OfferOut,
    OpenCallIn,
    OpportunitiesOut,
    OpportunityOut,
)
from ..store.cache import ProcessCache, bump_version, version_key
from ..store.tables import Actor, Engagement, Initiative, Network, Role
from ..store.tables_lifecycle import Offer
from .access import Caller, load_readable
from .engagements import capacity_visible, engagement_view, open_engagement, record, reserve
from .fairness import network_weight
from .formation import network_index
from .formation_text import for_reader, render
from .initiatives import initiative_titles, initiative_view, load_initiative, require_convenor
from .lifecycle import by_of, locked_role, record_change
from .notifications import notify

#: Statuses in which an initiative takes offers for its open roles.
TAKING_OFFERS = (InitiativeStatus.forming.value, InitiativeStatus.active.value)
_OPEN = [s.value for s in OPEN_OFFER_STATUSES]


# -- open calls ------------------------------------------------------------------------------


def set_open_call(
    db: Session, caller: Caller, initiative_id: int, role_id: int, data: OpenCallIn
) -> Any:
    """Open a role to the whole network (or close its call: pending offers are withdrawn)."""
    from .lifecycle import withdraw_open_offers

    initiative = load_initiative(db, caller, initiative_id)
    require_convenor(db, caller, initiative)
    role = locked_role(db, initiative, role_id)
    if data.open:
        if initiative.status not in TAKING_OFFERS:
            raise Conflict(
                _("open a role once the initiative is forming (it is %(s)s)")
                % {"s": initiative.status}
            )
        if role.retired_at is not None:
            raise Conflict(_("this role is retired"))
    elif role.open_call:
        withdraw_open_offers(db, initiative, utcnow(), role_id=role.id)
    if bool(role.open_call) != data.open:
        record_change(
            db, initiative, "open_call", bool(role.open_call), data.open,
            by_of(caller, initiative), role_id=role.id,
        )  # fmt: skip
        role.open_call = int(data.open)
        bump_version(db, initiative.network_id)
        db.flush()
    return initiative_view(db, initiative)


# -- opportunities -----------------------------------------------------------------------------


def _open_roles(db: Session, network: Network) -> list[OpenRole]:
    rows = db.execute(
        select(Role, Initiative)
        .join(Initiative, Initiative.id == Role.initiative_id)
        .where(
            Initiative.network_id == network.id,
            Initiative.status.in_(TAKING_OFFERS),
            Role.open_call == 1,
            Role.retired_at.is_(None),
        )
        .order_by(Role.id)
    ).all()
    taken = dict(
        db.execute(
            select(Engagement.role_id, func.count())
            .where(Engagement.network_id == network.id, Engagement.status == "active")
            .group_by(Engagement.role_id)
        ).all()
    )
    out = []
    for role, initiative in rows:
        seats = role.seats - int(taken.get(role.id, 0))
        if seats <= 0:
            continue
        out.append(
            OpenRole(
                role_id=role.id,
                initiative_id=initiative.id,
                spec=RoleSpec(
                    key=str(role.id),
                    title=role.title,
                    requirements={q.capability.term: q.min_level for q in role.requirements},
                    seats=seats,
                    hours_per_week=role.hours_per_week,
                    languages=frozenset(role.languages or []),
                    tz_regions=frozenset(role.timezone_regions or []),
                ),
                purpose_text=" . ".join([initiative.purpose, *(initiative.purpose_tags or [])]),
                seats_open=seats,
            )
        )
    return out


_CATALOGS: ProcessCache[tuple[RoleCatalog, dict[int, tuple[str, str]]]] = ProcessCache(8)


def role_catalog(
    db: Session, network: Network, today: date | None = None
) -> tuple[RoleCatalog, dict[int, tuple[str, str]]]:
    """The network's open roles prepared for ranking, with (role title, initiative title) by
    role id; cached per data version and day, like the candidate index it is built on."""
    day = today or clock.today()

    def build() -> tuple[RoleCatalog, dict[int, tuple[str, str]]]:
        index, _graph = network_index(db, network, day)
        roles = _open_roles(db, network)
        titles = initiative_titles(db, {r.initiative_id for r in roles})
        names = {r.role_id: (r.spec.title, titles[r.initiative_id]) for r in roles}
        return RoleCatalog(index, roles), names

    return _CATALOGS.get(version_key(db, network, day, "open-roles"), build)


def opportunities(
    db: Session, caller: Caller, *, network_slug: str | None = None, limit: int = 30
) -> OpportunitiesOut:
    """Open roles that fit the caller's profile, best first, with the reasons and any gaps."""
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
    catalog, names = role_catalog(db, network)
    skip = set(
        db.scalars(
            select(Role.id)
            .join(Initiative, Initiative.id == Role.initiative_id)
            .where(
                Initiative.network_id == network.id,
                (Initiative.convenor_id == actor.id)
                | Initiative.id.in_(
                    select(Engagement.initiative_id).where(
                        Engagement.actor_id == actor.id, Engagement.status == "active"
                    )
                ),
            )
        )
    )
    offered = set(
        db.scalars(select(Offer.role_id).where(Offer.actor_id == actor.id, Offer.status.in_(_OPEN)))
    )
    weights = Weights(fairness=network_weight(network))
    ranked = rank_opportunities(
        catalog, actor.id, weights=weights, limit=limit, skip=frozenset(skip)
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
                reasons=list(o.reasons),
                gaps=[render(for_reader(g)) if isinstance(g, Reason) else g for g in o.gaps],
                offered=o.role_id in offered,
            )
            for o in ranked
        ],
    )


# -- offers ------------------------------------------------------------------------------------


def _offer_rows(db: Session, where: list[Any]) -> list[OfferOut]:
    rows = db.execute(
        select(Offer, Initiative.title, Role.title, Role.hours_per_week, Actor.name)
        .join(Initiative, Initiative.id == Offer.initiative_id)
        .join(Actor, Actor.id == Offer.actor_id)
        .outerjoin(Role, Role.id == Offer.role_id)
        .where(*where)
        .order_by(Offer.created_at.desc(), Offer.id.desc())
    ).all()
    return [
        OfferOut(
            id=o.id,
            initiative_id=o.initiative_id,
            initiative_title=title,
            role_id=o.role_id,
            role_title=role_title,
            actor_id=o.actor_id,
            actor_name=name,
            hours_per_week=o.hours_per_week,
            role_hours=role_hours,
            note=o.note,
            status=o.status,
            created_at=o.created_at,
            answered_at=o.answered_at,
            engagement_id=o.engagement_id,
        )
        for o, title, role_title, role_hours, name in rows
    ]


def offer_view(db: Session, offer_id: int) -> OfferOut:
    return _offer_rows(db, [Offer.id == offer_id])[0]


def _role_for_offer(db: Session, caller: Caller, role_id: int) -> tuple[Role, Initiative]:
    role = load_readable(db, caller, Role, role_id)
    return role, db.get_one(Initiative, role.initiative_id)


def invitable_initiatives(db: Session, caller: Caller, actor_id: int) -> tuple[Any, list[Any]]:
    """ "Invite to…": the actor (as the directory shows them) and the forming or active
    initiatives of their network that the caller convenes, for the invitation form."""
    from .directory import get_actor

    actor = get_actor(db, caller, actor_id)
    mine = sorted(caller.actor_ids)
    rows = db.scalars(
        select(Initiative)
        .where(
            Initiative.convenor_id.in_(mine),
            Initiative.status.in_(TAKING_OFFERS),
            Initiative.network_id
            == select(Actor.network_id).where(Actor.id == actor_id).scalar_subquery(),
        )
        .order_by(Initiative.id)
    ).all()
    return actor, [initiative_view(db, i) for i in rows]


def offer_context(db: Session, caller: Caller, role_id: int) -> tuple[Any, int]:
    """The initiative (as its page shows it) and the role a member would offer for."""
    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    role, initiative = _role_for_offer(db, caller, role_id)
    return initiative_view(db, initiative), role.id


def make_offer(
    db: Session, caller: Caller, role_id: int, data: OfferIn, *, now: datetime | None = None
) -> OfferOut:
    """The caller offers one of their actors for an open role (hours, a short note)."""
    now = now or utcnow()
    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    role, initiative = _role_for_offer(db, caller, role_id)
    actor_id = data.actor_id
    if actor_id is None:
        actor_id = db.scalar(
            select(Actor.id).where(
                Actor.id.in_(sorted(caller.actor_ids)), Actor.network_id == initiative.network_id
            )
        )
    if actor_id is None or not caller.owns(actor_id):
        raise Forbidden(_("you offer yourself: a profile of your own in this network"))
    actor = db.get_one(Actor, actor_id)
    if actor.network_id != initiative.network_id or actor.anonymised:
        raise Invalid(_("that profile is not in this initiative's network"), field="actor_id")
    if not role.open_call or role.retired_at is not None:
        raise Conflict(_("this role is not open to offers"))
    if initiative.status not in TAKING_OFFERS:
        raise Conflict(
            _("initiative '%(t)s' is %(s)s") % {"t": initiative.title, "s": initiative.status}
        )
    if initiative.convenor_id == actor.id:
        raise Conflict(_("you convene this initiative: take a seat through an invitation"))
    engaged = db.scalar(
        select(func.count()).where(
            Engagement.initiative_id == initiative.id,
            Engagement.actor_id == actor.id,
            Engagement.status == "active",
        )
    )
    if engaged:
        raise Conflict(_("you hold a seat in this initiative already"))
    pending = db.scalar(
        select(func.count()).where(
            Offer.role_id == role.id, Offer.actor_id == actor.id, Offer.status.in_(_OPEN)
        )
    )
    if pending:
        raise Conflict(_("you have offered for this role already"))
    offer = Offer(
        network_id=initiative.network_id,
        initiative_id=initiative.id,
        role_id=role.id,
        actor_id=actor.id,
        hours_per_week=data.hours_per_week,
        note=data.note.strip(),
        status="pending",
        created_at=now,
    )
    db.add(offer)
    db.flush()
    notify(
        db,
        initiative.convenor_id,
        "offer_made",
        phrase("%(name)s offers %(h)s h/week to be %(role)s in '%(title)s'.", name=actor.name,
               h=f"{data.hours_per_week:g}", role=role.title, title=initiative.title),
        link=f"/initiatives/{initiative.id}/offers",
        network_id=initiative.network_id,
    )  # fmt: skip
    return offer_view(db, offer.id)


def _own_offer(db: Session, caller: Caller, offer_id: int) -> Offer:
    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    offer = db.get(Offer, offer_id, populate_existing=True)
    if offer is None:
        raise NotFound(_("no offer %(offer_id)s") % {"offer_id": offer_id})
    if caller.owns(offer.actor_id):
        return offer
    if caller.member_of(offer.network_id):
        raise Forbidden(_("only the member who offered may withdraw this offer"))
    raise NotFound(_("no offer %(offer_id)s") % {"offer_id": offer_id})


def withdraw_offer(
    db: Session, caller: Caller, offer_id: int, *, now: datetime | None = None
) -> OfferOut:
    """The member takes back a pending offer."""
    now = now or utcnow()
    offer = _own_offer(db, caller, offer_id)
    _move(db, offer, "withdrawn", now)
    return offer_view(db, offer.id)


def _move(db: Session, offer: Offer, target: str, now: datetime, **values: object) -> None:
    moved = db.execute(
        update(Offer)
        .where(Offer.id == offer.id, Offer.status.in_(_OPEN))
        .values(status=target, answered_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if getattr(moved, "rowcount", 0) != 1:
        raise Conflict(_("this offer was answered meanwhile"))
    db.expire(offer)


def _for_convenor(db: Session, caller: Caller, offer_id: int) -> tuple[Offer, Initiative]:
    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    offer = db.get(Offer, offer_id, populate_existing=True)
    if offer is None:
        raise NotFound(_("no offer %(offer_id)s") % {"offer_id": offer_id})
    try:
        initiative = load_initiative(db, caller, offer.initiative_id)
    except NotFound:
        raise NotFound(_("no offer %(offer_id)s") % {"offer_id": offer_id}) from None
    if caller.owns(offer.actor_id) and not caller.system:
        convening = initiative.convenor_id is not None and caller.owns(initiative.convenor_id)
        if not convening:
            raise Forbidden(_("the convenor answers an offer, not the member who made it"))
    require_convenor(db, caller, initiative)
    return offer, initiative


def decide_offer(
    db: Session,
    caller: Caller,
    offer_id: int,
    data: OfferDecisionIn,
    *,
    now: datetime | None = None,
) -> OfferOut:
    """The convenor accepts (an engagement within capacity and seats, in one transaction) or
    declines an offer; the member is told either way."""
    now = now or utcnow()
    offer, initiative = _for_convenor(db, caller, offer_id)
    by = by_of(caller, initiative)
    with db.begin_nested():
        if data.decision == "decline":
            _move(db, offer, "declined", now)
            text = phrase("Your offer to '%(t)s' was declined, with thanks.", t=initiative.title)
            link = "/me/offers"
        else:
            if initiative.status not in TAKING_OFFERS:
                raise Conflict(
                    _("initiative '%(t)s' is %(s)s")
                    % {"t": initiative.title, "s": initiative.status}
                )
            if offer.role_id is None:
                raise Conflict(_("the role of this offer was removed"))
            role = locked_role(db, initiative, offer.role_id)  # seats: one request at a time
            if role.retired_at is not None:
                raise Conflict(_("this role is retired"))
            held = db.scalar(
                select(func.count()).where(
                    Engagement.role_id == role.id, Engagement.status == "active"
                )
            )
            if (held or 0) >= role.seats:
                raise Conflict(_("every seat of '%(r)s' is taken") % {"r": role.title})
            _move(db, offer, "accepted", now)
            actor = db.get_one(Actor, offer.actor_id)
            shown = capacity_visible(caller, actor, invited_by=by[1] == "convenor")
            reserve(db, actor.id, offer.hours_per_week, show_numbers=shown, who=actor.name)
            engagement = open_engagement(
                db, initiative, actor_id=actor.id, role_id=role.id,
                hours=offer.hours_per_week, listed=True, now=now,
            )  # fmt: skip
            offer.engagement_id = engagement.id
            record(
                db, network_id=initiative.network_id, engagement_id=engagement.id, at=now,
                by=by, from_status=None, to_status="active", hours=offer.hours_per_week,
            )  # fmt: skip
            text = phrase(
                "Your offer to be %(r)s in '%(t)s' was accepted: welcome to the team.",
                r=role.title,
                t=initiative.title,
            )
            link = "/me/commitments"
        kind = "offer_declined" if data.decision == "decline" else "offer_accepted"
        notify(db, offer.actor_id, kind, text, link=link,
               network_id=initiative.network_id)  # fmt: skip
        db.flush()
    return offer_view(db, offer.id)


def initiative_offers(db: Session, caller: Caller, initiative_id: int) -> list[OfferOut]:
    """The offers for an initiative's roles (its convenor's view), pending first."""
    initiative = load_initiative(db, caller, initiative_id)
    require_convenor(db, caller, initiative)
    rows = _offer_rows(db, [Offer.initiative_id == initiative.id])
    return sorted(rows, key=lambda o: o.status != "pending")


def my_offers(db: Session, caller: Caller) -> list[OfferOut]:
    """The caller's own offers, pending first."""
    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    mine = sorted(caller.actor_ids)
    rows = _offer_rows(db, [Offer.actor_id.in_(mine)]) if mine else []
    return sorted(rows, key=lambda o: o.status != "pending")


def pending_offer_locks(db: Session, initiative_id: int) -> dict[int, list[int]]:
    """Pending offers as lock-ins for a proposal run: role id → actor ids."""
    out: dict[int, list[int]] = defaultdict(list)
    for role_id, actor_id in db.execute(
        select(Offer.role_id, Offer.actor_id).where(
            Offer.initiative_id == initiative_id, Offer.status.in_(_OPEN)
        )
    ):
        if role_id is not None:
            out[role_id].append(actor_id)
    return dict(out)


__all__ = [
    "decide_offer",
    "engagement_view",
    "initiative_offers",
    "make_offer",
    "my_offers",
    "opportunities",
    "role_catalog",
    "set_open_call",
    "withdraw_offer",
]
