"""A small network for the deliberation tests: a convenor, members and an initiative."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from coalition.schemas.directory import ActorIn, NetworkIn
from coalition.schemas.initiatives import InitiativeIn
from coalition.services import directory, initiatives, networks
from coalition.services.access import Caller
from coalition.store.tables import Network

OP = Caller.operator()


@dataclass
class World:
    network: Network
    slug: str
    initiative: int
    cleo: int
    ada: int
    bola: int
    members: list[int]

    def caller(self, actor: int, role: str = "member") -> Caller:
        return Caller(account_id=actor, actor_ids=frozenset({actor}), roles={self.network.id: role})


def build(db: Session, slug: str = "delib", extra: int = 0) -> World:
    network = networks.create_network(db, OP, NetworkIn(slug=slug, name=slug.title()))

    def actor(name: str) -> int:
        data = {"kind": "person", "name": name, "sector": "independent", "visibility": "network"}
        return directory.create_actor(db, OP, network, ActorIn.model_validate(data)).id

    cleo, ada, bola = actor("Cleo"), actor("Ada"), actor("Bola")
    members = [actor(f"Member {i}") for i in range(extra)]
    made = initiatives.create_initiative(
        db,
        OP,
        network,
        InitiativeIn.model_validate(
            {"kind": "coalition", "title": "Warm homes", "convenor_id": cleo}
        ),
    )
    db.flush()
    return World(network, slug, made.id, cleo, ada, bola, members)
