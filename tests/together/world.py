"""A small world for threads and decisions: one initiative with a team of two and a convenor,
a network member who is not on the team, and an outsider in another network."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from coalition.schemas.directory import NetworkIn
from coalition.services import networks
from coalition.services.access import Caller
from coalition.store.tables import Engagement
from tests.invitations.factory import build, person

OP = Caller.operator()
CANARY = "TEAM-ONLY-CANARY-q7"


@dataclass
class Team:
    network_id: int
    slug: str
    initiative_id: int
    convenor: int
    ana: int  # on the team
    ben: int  # on the team
    carl: int  # in the network, not on the team
    outsider: int
    outsider_network: int

    def as_(self, actor_id: int, network_id: int | None = None) -> Caller:
        return Caller(
            account_id=1000 + actor_id,
            actor_ids=frozenset({actor_id}),
            roles={network_id or self.network_id: "member"},
        )


def build_team(db: Session, slug: str = "tog") -> Team:
    w = build(db, slug=slug)
    ana, ben, carl = w.members
    for actor in (ana, ben):
        db.add(
            Engagement(
                network_id=w.network_id,
                initiative_id=w.initiative_id,
                role_id=w.roles[0],
                actor_id=actor,
                hours_per_week=2.0,
                status="active",
            )
        )
    other = networks.create_network(db, OP, NetworkIn(slug=f"{slug}-other", name="Other"))
    outsider = person(db, other, "Olga Outsider", 10.0, capabilities=[])
    db.flush()
    return Team(w.network_id, slug, w.initiative_id, w.convenor, ana, ben, carl, outsider, other.id)
