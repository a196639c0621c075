"""A small world for the invitation tests: one network, a convenor, members, an initiative."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.schemas.directory import ActorIn, CapabilityIn, NetworkIn
from coalition.schemas.initiatives import InitiativeIn
from coalition.services import directory, initiatives, networks
from coalition.services.access import Caller
from coalition.store.tables import Actor, Engagement, Network, Tie
from coalition.store.tables_invitations import Invitation, InvitationEvent, Notification

OP = Caller.operator()
T0 = datetime(2026, 3, 2, 9, 0, 0)


@dataclass
class World:
    network_id: int
    slug: str
    initiative_id: int
    roles: list[int]
    convenor: int
    members: list[int]

    def member(self, actor_id: int) -> Caller:
        return Caller(
            account_id=1000 + actor_id,
            actor_ids=frozenset({actor_id}),
            roles={self.network_id: "member"},
        )

    @property
    def convenor_caller(self) -> Caller:
        return Caller(
            account_id=1,
            actor_ids=frozenset({self.convenor}),
            roles={self.network_id: "convenor"},
        )


def person(db: Session, network: Network, name: str, capacity: float, **kw: Any) -> int:
    data: dict[str, Any] = {
        "kind": "person",
        "name": name,
        "sector": kw.pop("sector", "independent"),
        "capacity_hours": capacity,
        "visibility": "network",
        "capabilities": [{"term": "Facilitation", "level": 4}, {"term": "Research", "level": 3}],
    }
    data.update(kw)
    return directory.create_actor(db, OP, network, ActorIn.model_validate(data)).id


def build(
    db: Session,
    *,
    slug: str = "inv",
    capacities: tuple[float, ...] = (10.0, 10.0, 10.0),
    roles: int = 2,
    role_hours: float = 4.0,
    start: str | None = "2026-04-01",
    end: str | None = "2026-09-30",
) -> World:
    network = networks.create_network(db, OP, NetworkIn(slug=slug, name=slug.title()))
    for term in ("Facilitation", "Research"):
        networks.add_capability(db, OP, network, CapabilityIn(term=term))
    convenor = person(db, network, "Convenor", 40.0, sector="civil_society", capabilities=[])
    members = [
        person(db, network, f"Member {i}", cap, sector=("business", "health", "education")[i % 3])
        for i, cap in enumerate(capacities)
    ]
    initiative = initiatives.create_initiative(
        db,
        OP,
        network,
        InitiativeIn.model_validate(
            {
                "kind": "project",
                "title": f"Bid {slug}",
                "purpose": "Win the bid",
                "status": "forming",
                "start_date": start,
                "end_date": end,
                "convenor_id": convenor,
                "roles": [
                    {
                        "title": f"Role {r}",
                        "seats": 2,
                        "hours_per_week": role_hours,
                        "requirements": [{"capability": "Facilitation", "min_level": 3}],
                    }
                    for r in range(roles)
                ],
            }
        ),
    )
    db.flush()
    return World(
        network_id=network.id,
        slug=slug,
        initiative_id=initiative.id,
        roles=[r.id for r in initiative.roles],
        convenor=convenor,
        members=members,
    )


def snapshot(db: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row that an invitation action could change, for before/after comparisons."""
    db.expire_all()
    tables = {
        "invitations": select(
            Invitation.id,
            Invitation.status,
            Invitation.counter_hours,
            Invitation.reason,
            Invitation.expires_at,
            Invitation.answered_at,
            Invitation.engagement_id,
            Invitation.listed,
        ).order_by(Invitation.id),
        "events": select(InvitationEvent.id, InvitationEvent.to_status).order_by(
            InvitationEvent.id
        ),
        "engagements": select(Engagement.id, Engagement.status, Engagement.hours_per_week).order_by(
            Engagement.id
        ),
        "actors": select(Actor.id, Actor.committed_hours).order_by(Actor.id),
        "notifications": select(Notification.id, Notification.read).order_by(Notification.id),
        "ties": select(Tie.id).order_by(Tie.id),
        "networks": select(Network.id, Network.data_version).order_by(Network.id),
    }
    return {name: [tuple(r) for r in db.execute(stmt).all()] for name, stmt in tables.items()}
