"""A small network for the outcomes tests: a convenor, two engaged members and an outsider."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.schemas.directory import ActorIn, CapabilityIn, NetworkIn
from coalition.schemas.initiatives import InitiativeIn
from coalition.services import directory, initiatives, networks
from coalition.services.access import Caller
from coalition.store.tables import Engagement, Network

OP = Caller.operator()


@dataclass
class World:
    network: Network
    initiative: int
    other_initiative: int
    cleo: int  # convenor of ``initiative``
    ada: int  # engaged
    bola: int  # engaged
    dan: int  # in the network, not on the initiative

    def caller(self, actor: int, role: str = "member") -> Caller:
        return Caller(account_id=actor, actor_ids=frozenset({actor}), roles={self.network.id: role})


def _actor(db: Session, network: Network, name: str, **kw: object) -> int:
    data: dict[str, object] = {
        "kind": "person",
        "name": name,
        "sector": "independent",
        "capacity_hours": 20.0,
        "visibility": "network",
    }
    data.update(kw)
    return directory.create_actor(db, OP, network, ActorIn.model_validate(data)).id


def build(db: Session, slug: str = "out") -> World:
    network = networks.create_network(db, OP, NetworkIn(slug=slug, name=slug.title()))
    networks.add_capability(db, OP, network, CapabilityIn(term="Facilitation"))
    cleo = _actor(db, network, "Cleo", sector="civil_society")
    ada = _actor(db, network, "Ada", sector="business")
    bola = _actor(db, network, "Bola", sector="government")
    dan = _actor(db, network, "Dan", sector="business")
    made = initiatives.create_initiative(
        db,
        OP,
        network,
        InitiativeIn(
            kind="coalition",
            title="Warm homes",
            status="active",
            start_date=date(2026, 1, 1),
            convenor_id=cleo,
        ),
    )
    other = initiatives.create_initiative(
        db, OP, network, InitiativeIn(kind="project", title="Other", convenor_id=dan)
    )
    for actor in (ada, bola):
        db.add(
            Engagement(
                network_id=network.id,
                initiative_id=made.id,
                actor_id=actor,
                hours_per_week=2.0,
                status="active",
                start_date=date(2026, 1, 1),
            )
        )
    db.flush()
    return World(network, made.id, other.id, cleo, ada, bola, dan)


def count(db: Session, table: type) -> int:
    return db.scalar(select(func.count()).select_from(table)) or 0
