"""The demo's open calls and offers: the first role of a few forming initiatives is opened to
the network, members who meet its minimums offer themselves, and on one initiative the
convenor has accepted one offer (an engagement, tied to its co-members like an invitation).
The demo member (member@example.org) sees these roles among their opportunities."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import CoalitionError
from ..schemas.lifecycle import OfferDecisionIn, OfferIn, OpenCallIn
from ..services import offers
from ..services.access import Caller
from ..store.tables import Actor, ActorCapability, Engagement, Initiative, Network, Role
from ..store.tables_lifecycle import Offer

OPEN_CALLS = 3
OFFERS_PER_CALL = 3


def _as(network_id: int, actor_id: int, role: str = "member") -> Caller:
    return Caller(account_id=0, actor_ids=frozenset({actor_id}), roles={network_id: role})


def _offerers(db: Session, initiative: Initiative, role: Role, n: int) -> list[int]:
    """Persons meeting every minimum of ``role`` with its hours free, not already engaged."""
    stmt = select(Actor.id).where(
        Actor.network_id == initiative.network_id,
        Actor.kind == "person",
        Actor.anonymised == 0,
        Actor.visibility != "private",
        Actor.capacity_hours - Actor.committed_hours >= role.hours_per_week,
        Actor.id != (initiative.convenor_id or 0),
        Actor.id.not_in(
            select(Engagement.actor_id).where(Engagement.initiative_id == initiative.id)
        ),
    )
    for q in role.requirements:
        stmt = stmt.where(
            Actor.id.in_(
                select(ActorCapability.actor_id).where(
                    ActorCapability.capability_id == q.capability_id,
                    ActorCapability.level >= q.min_level,
                )
            )
        )
    return list(db.scalars(stmt.order_by(Actor.id).limit(n)))


def enrich_demo(db: Session, slug: str) -> None:
    network = db.scalars(select(Network).where(Network.slug == slug)).first()
    if network is None or db.scalar(
        select(func.count()).select_from(Offer).where(Offer.network_id == network.id)
    ):
        return
    forming = db.scalars(
        select(Initiative)
        .where(
            Initiative.network_id == network.id,
            Initiative.status == "forming",
            Initiative.convenor_id.is_not(None),
        )
        .order_by(Initiative.id)
        .limit(OPEN_CALLS)
    ).all()
    accepted = False
    for initiative in forming:
        role = _role_with_seats(db, initiative)
        if role is None or initiative.convenor_id is None:
            continue
        convenor = _as(network.id, initiative.convenor_id, "convenor")
        try:
            with db.begin_nested():
                offers.set_open_call(db, convenor, initiative.id, role.id, OpenCallIn(open=True))
        except CoalitionError:
            continue
        made = []
        for actor_id in _offerers(db, initiative, role, OFFERS_PER_CALL):
            data = OfferIn(
                hours_per_week=role.hours_per_week,
                note="This is close to what I work on; happy to help.",
            )
            try:
                with db.begin_nested():
                    made.append(offers.make_offer(db, _as(network.id, actor_id), role.id, data))
            except CoalitionError:
                continue
        if len(made) > 1 and not accepted and _free_seats(db, role) > 1:
            try:
                with db.begin_nested():
                    decision = OfferDecisionIn(decision="accept")
                    offers.decide_offer(db, convenor, made[0].id, decision)
                    accepted = True
            except CoalitionError:
                pass
    db.flush()


def _free_seats(db: Session, role: Role) -> int:
    held = db.scalar(
        select(func.count()).where(Engagement.role_id == role.id, Engagement.status == "active")
    )
    return role.seats - int(held or 0)


def _role_with_seats(db: Session, initiative: Initiative) -> Role | None:
    """The role with the most free seats (the first such), if any is free."""
    live = [r for r in initiative.roles if r.retired_at is None]
    best = max(live, key=lambda r: (_free_seats(db, r), -r.id), default=None)
    return best if best is not None and _free_seats(db, best) > 0 else None
