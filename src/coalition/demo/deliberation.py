"""The demo conversation: three camps voting on twenty statements, so that groups show."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from ..store.tables_deliberation import Participant, Statement, Vote

_CAMPS = (
    (
        "Retrofit every home in the city by 2035",
        "Public money should go to insulation before new energy supply",
        "Tenants must not pay for landlords' retrofits",
        "Neighbourhood energy co-ops deserve first call on grants",
        "Council housing should lead the way on heat pumps",
        "Rent rises after a retrofit should be capped",
    ),
    (
        "Local businesses should be paid to train retrofit installers",
        "Private investment will move faster than grants",
        "Energy bills matter more than carbon targets",
        "Planning rules slow down solar on roofs",
        "Firms that join the coalition should get procurement credit",
        "We need a single retrofit marketplace run by business",
    ),
    (
        "Older people in cold homes must come first",
        "Advice in community languages before any campaign",
        "Health services should prescribe warm homes",
        "Volunteers should visit every household at risk",
        "Fuel debt should be written off for the poorest",
        "Schools should teach families to save energy",
    ),
)
_SHARED = (
    "Nobody in our city should live in a cold, damp home",
    "The coalition should publish what it spends and achieves",
)


def enrich_demo(db: Session, slug: str) -> None:
    """A deterministic demo conversation on the network's first coalition initiative: members
    of three camps voting on twenty statements (about 70% of the votes cast), so that the
    results page shows groups. Does nothing when the network has a conversation already."""
    from ..engines.common_ground import Moderation
    from ..store.tables import Actor, Initiative, Network
    from ..store.tables_deliberation import Conversation, Participant, Statement

    network = db.scalars(select(Network).where(Network.slug == slug)).first()
    if network is None:
        return
    if db.scalar(select(Conversation.id).where(Conversation.network_id == network.id).limit(1)):
        return
    initiative = db.scalars(
        select(Initiative)
        .where(Initiative.network_id == network.id, Initiative.kind == "coalition")
        .order_by(Initiative.id)
    ).first()
    actors = list(
        db.scalars(
            select(Actor.id)
            .where(Actor.network_id == network.id, Actor.anonymised == 0)
            .order_by(Actor.id)
            .limit(40)
        )
    )
    if len(actors) < 6:
        return
    rng = random.Random(f"deliberation:{slug}")
    conv = Conversation(
        network_id=network.id,
        initiative_id=None if initiative is None else initiative.id,
        topic="What should our coalition stand for?",
        description="Agree, disagree or pass on each statement; add your own.",
    )
    db.add(conv)
    db.flush()
    base_ms = 1_780_000_000_000
    participants = []
    for i, actor_id in enumerate(actors):
        p = Participant(conversation_id=conv.id, external_id=i, actor_id=actor_id)
        db.add(p)
        participants.append(p)
    db.flush()
    texts = [(c, t) for c, camp in enumerate(_CAMPS) for t in camp] + [(-1, t) for t in _SHARED]
    statements = []
    for j, (camp, text) in enumerate(texts):
        s = Statement(
            conversation_id=conv.id,
            external_id=j,
            text=text,
            author_id=participants[j % len(participants)].id,
            moderation=int(Moderation.accepted),
            is_meta=False,
            timestamp_ms=base_ms + j * 60_000,
        )
        db.add(s)
        statements.append((camp, s))
    db.flush()
    rows = _votes(conv.id, participants, statements, base_ms, rng)
    db.add_all(rows)
    conv.data_version = 1
    db.flush()


def _votes(
    conversation_id: int,
    participants: list[Participant],
    statements: list[tuple[int, Statement]],
    base_ms: int,
    rng: random.Random,
) -> list[Vote]:
    """About 70% of the votes: everyone agrees with the shared statements and their own
    camp's, and mostly disagrees with the other camps'."""
    from ..store.tables_deliberation import Vote

    rows = []
    for i, p in enumerate(participants):
        mine = i % 3
        for j, (camp, s) in enumerate(statements):
            if rng.random() > 0.7:
                continue
            if camp == -1:
                value = 1 if rng.random() < 0.9 else 0
            elif camp == mine:
                value = 1 if rng.random() < 0.85 else 0
            else:
                value = -1 if rng.random() < 0.7 else rng.choice((0, 1))
            rows.append(
                Vote(
                    conversation_id=conversation_id,
                    participant_id=p.id,
                    statement_id=s.id,
                    value=value,
                    ts_ms=base_ms + 3_600_000 + (i * len(statements) + j) * 1000,
                )
            )
    return rows
