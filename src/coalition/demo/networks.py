"""The demo's second network: an open movement beside the approval-only demo network, with the
demo steward and member accounts in both (run after demo/accounts.py)."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

MOVEMENT_TERMS = (
    ("Community organising", "Organising"),
    ("Campaigning", "Advocacy"),
    ("Facilitation", "Process"),
    ("Policy analysis", "Policy"),
    ("Communications", "Media"),
    ("Fundraising", "Resources"),
)
MOVEMENT_INITIATIVES = (
    (
        "coalition",
        "Clean Air Streets coalition",
        "forming",
        "School streets in ten cities",
    ),
    ("project", "Repair café network", "active", "A repair café in every neighbourhood library"),
    ("project", "Heat-wave buddies", "completed", "Neighbours checking on neighbours in summer"),
)


BOTH = (("steward@example.org", "steward"), ("member@example.org", "member"))


def enrich_demo(db: Session, slug: str) -> None:
    """Give the demo network its settings, and open a second one beside it that anyone may
    join at once: a movement of people from the first network (the demo steward and member
    accounts belong to both) and newcomers. Deterministic for a given demo slug."""
    from ..services import memberships
    from ..store.tables import Network
    from ..store.tables_auth import Account

    demo = db.scalars(select(Network).where(Network.slug == slug)).first()
    movement_slug = f"{slug}-movement"[:80]
    if demo is None or db.scalar(select(Network.id).where(Network.slug == movement_slug)):
        return
    movement = _open_movement(db, demo, movement_slug)
    accounts = {
        email: db.scalars(select(Account).where(Account.email == email)).first()
        for email, _ in BOTH
    }
    own = {
        email: _own_actor(db, account.id, demo.id)
        for email, account in accounts.items()
        if account is not None
    }
    twins = _movement_people(db, demo, movement, {a for a in own.values() if a is not None})
    _movement_initiatives(db, movement, next(iter(twins.values()), None))
    # The demo's steward and member accounts belong to both networks, each with a profile.
    for email, role in BOTH:
        account = accounts.get(email)
        if account is None:
            continue
        actor_id = twins.get(own.get(email) or 0)
        if actor_id is None:
            actor_id = memberships.new_profile(
                db, movement, account.display_name, "person", "independent"
            ).id
        memberships.add_membership(db, account.id, movement.id, role, actor_id)
    db.flush()


def _own_actor(db: Session, account_id: int, network_id: int) -> int | None:
    from ..store.tables import Actor
    from ..store.tables_auth import Membership

    return db.scalar(
        select(Actor.id)
        .join(Membership, Membership.actor_id == Actor.id)
        .where(Membership.account_id == account_id, Actor.network_id == network_id)
    )


def _open_movement(db: Session, demo: Any, movement_slug: str) -> Any:
    """The demo joins by approval (its default); the movement is public and open."""
    from ..schemas.directory import CapabilityIn, NetworkIn
    from ..schemas.networks import NetworkSettingsPatch
    from ..services import network_settings, networks
    from ..services.access import Caller

    operator = Caller.operator()
    network_settings.update_settings(
        db,
        operator,
        demo,
        NetworkSettingsPatch(
            purpose="Independent practitioners and organisations who bid and build together.",
            welcome_text="Welcome! Fill in your capabilities and capacity so convenors can "
            "find you, then look at the initiatives that are forming.",
        ),
    )
    movement = networks.create_network(
        db,
        operator,
        NetworkIn(
            slug=movement_slug,
            name="Liveable Cities Movement",
            description="Residents, groups and councils making streets and neighbourhoods "
            "healthier, one campaign at a time.",
        ),
    )
    network_settings.update_settings(
        db,
        operator,
        movement,
        NetworkSettingsPatch.model_validate(
            {
                "purpose": "Streets for people: clean air, shade and repair in every city.",
                "visibility": "public",
                "join_policy": "open",
                "welcome_text": "Welcome to the movement. Say what you care about and how "
                "many hours you can give; campaigns that are forming will find you.",
                "default_privacy": {"contact": "private", "profile": "network"},
            }
        ),
    )
    for term, category in MOVEMENT_TERMS:
        networks.add_capability(db, operator, movement, CapabilityIn(term=term, category=category))
    return movement


def _movement_people(db: Session, demo: Any, movement: Any, keep: set[int]) -> dict[int, int]:
    """Profiles in the movement for the demo's first 40 people (and ``keep``): {demo: twin}."""
    from ..schemas.directory import ActorIn
    from ..services import directory
    from ..services.access import Caller
    from ..store.tables import Actor

    rng = random.Random(movement.slug)
    first = select(Actor.id).where(
        Actor.network_id == demo.id, Actor.kind == "person", Actor.anonymised == 0
    )
    chosen = set(db.scalars(first.order_by(Actor.id).limit(40))) | keep
    twins: dict[int, int] = {}
    for person in db.scalars(select(Actor).where(Actor.id.in_(chosen)).order_by(Actor.id)):
        terms = rng.sample([t for t, _ in MOVEMENT_TERMS], 2)
        twin = directory.create_actor(
            db,
            Caller.operator(),
            movement,
            ActorIn.model_validate(
                {
                    "kind": "person",
                    "name": person.name,
                    "sector": person.sector,
                    "headline": person.headline[:300],
                    "timezone": person.timezone,
                    "languages": list(person.languages or []),
                    "capacity_hours": float(rng.choice((2, 4, 6, 8))),
                    "purposes": ["clean air", rng.choice(["repair", "shade", "housing"])],
                    "capabilities": [{"term": t, "level": rng.randint(1, 5)} for t in terms],
                    "visibility": "network",
                }
            ),
        )
        twins[person.id] = twin.id
    return twins


def _movement_initiatives(db: Session, movement: Any, convenor: int | None) -> None:
    from ..schemas.initiatives import InitiativeIn
    from ..services import initiatives
    from ..services.access import Caller

    for kind, title, status, purpose in MOVEMENT_INITIATIVES:
        initiatives.create_initiative(
            db,
            Caller.operator(),
            movement,
            InitiativeIn.model_validate(
                {
                    "kind": kind,
                    "title": title,
                    "status": status,
                    "purpose": purpose,
                    "convenor_id": convenor,
                    "roles": [
                        {
                            "title": "Organiser",
                            "seats": 2,
                            "requirements": [{"capability": "Community organising"}],
                        }
                    ],
                }
            ),
        )
