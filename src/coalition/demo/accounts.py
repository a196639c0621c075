"""The demo accounts: one steward, one convenor and one member, each linked to a demo actor."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..commands.auth import ensure_account

DEMO_PASSWORD = "coalition-demo"


def enrich_demo(db: Session, slug: str) -> None:
    """Three demo accounts (password ``coalition-demo``), each linked to a demo actor:

    - steward@example.org — steward, a person of the network;
    - convenor@example.org — convenor, the convenor of the first forming (else draft)
      initiative, if there is one;
    - member@example.org — member, a person with an affiliation, made that organisation's
      representative (so the account also manages the organisation's profile).
    Deterministic: the same actors are chosen for the same demo network.
    """
    from ..store.tables import Actor, Affiliation, Network
    from ..store.tables_auth import Account, Membership

    network = db.scalars(select(Network).where(Network.slug == slug)).first()
    if network is None:
        return
    done = db.scalar(
        select(Membership.id)
        .join(Account, Account.id == Membership.account_id)
        .where(Membership.network_id == network.id, Account.email == "steward@example.org")
    )
    if done is not None:
        return  # enriched already
    taken: set[int] = set(a for a in db.scalars(select(Membership.actor_id)) if a is not None)

    def person(extra: Any = None) -> int | None:
        stmt = select(Actor.id).where(
            Actor.network_id == network.id,
            Actor.kind == "person",
            Actor.anonymised == 0,
            Actor.visibility != "private",
        )
        if taken:
            stmt = stmt.where(Actor.id.not_in(taken))
        if extra is not None:
            stmt = stmt.where(extra)
        return db.scalar(stmt.order_by(Actor.id).limit(1))

    convenor_actor = _upcoming_convenor(db, network.id)
    if convenor_actor is not None and convenor_actor in taken:
        convenor_actor = None
    if convenor_actor is not None:
        taken.add(convenor_actor)
    else:
        convenor_actor = person()
        if convenor_actor is not None:
            taken.add(convenor_actor)

    member_actor = (
        person(Actor.id.in_(select(Affiliation.actor_id).where(Affiliation.end_date.is_(None))))
        or person()
    )
    if member_actor is not None:
        taken.add(member_actor)
        _make_representative(db, member_actor)
    steward_actor = person()

    for email, name, role, actor_id in (
        ("steward@example.org", "Demo steward", "steward", steward_actor),
        ("convenor@example.org", "Demo convenor", "convenor", convenor_actor),
        ("member@example.org", "Demo member", "member", member_actor),
    ):
        actor = db.get(Actor, actor_id) if actor_id is not None else None
        ensure_account(
            db,
            email,
            display_name=actor.name if actor is not None else name,
            password=DEMO_PASSWORD,
            network_slug=slug,
            role=role,
            actor_id=actor_id,
        )
    db.flush()


def _upcoming_convenor(db: Session, network_id: int) -> int | None:
    """The convenor of the network's first forming initiative, else of its first draft."""
    from ..store.tables import Initiative

    for status in ("forming", "draft"):
        convenor = db.scalar(
            select(Initiative.convenor_id)
            .where(
                Initiative.network_id == network_id,
                Initiative.status == status,
                Initiative.convenor_id.is_not(None),
            )
            .order_by(Initiative.id)
            .limit(1)
        )
        if convenor is not None:
            return convenor
    return None


def _make_representative(db: Session, actor_id: int) -> None:
    """Make ``actor_id`` the representative of its first current organisation, if any."""
    from ..store.tables import Affiliation

    first = db.scalars(
        select(Affiliation)
        .where(Affiliation.actor_id == actor_id, Affiliation.end_date.is_(None))
        .order_by(Affiliation.id)
        .limit(1)
    ).first()
    if first is not None:
        first.representative = 1
