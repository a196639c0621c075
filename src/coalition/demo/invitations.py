"""The demo invitations: the best candidates of a few forming initiatives, invited and answering."""

from __future__ import annotations

import random

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..services.access import Caller


def enrich_demo(db: Session, slug: str) -> None:
    """Invitations in the demo: for a few forming initiatives, the best candidates of each role
    are invited and answer (mostly accept; some decline or counter), deterministically.

    Every seat is picked and invited first, and the answers come after, declines and counters
    before accepts: an accept opens an engagement, which changes the network's data version
    and so the formation index that ranks candidates (a whole-network read, seconds at
    100,000 actors). This order reads it once, however large the network.
    """
    from ..clock import utcnow
    from ..errors import CoalitionError
    from ..schemas.invitations import AnswerIn, InviteIn
    from ..services.invitation_replacements import suggest_replacements
    from ..services.invitations import answer, invite
    from ..store.tables import Engagement, Initiative, Network

    rng = random.Random(f"invitations:{slug}")
    network_id = db.scalar(select(Network.id).where(Network.slug == slug))
    if network_id is None:
        return
    operator = Caller.operator()
    forming = db.scalars(
        select(Initiative)
        .where(Initiative.network_id == network_id, Initiative.status.in_(["forming", "draft"]))
        .order_by(Initiative.id)
        .limit(4)
    ).all()
    now = utcnow()
    answers: list[tuple[int, AnswerIn]] = []
    for initiative in forming:
        for role in initiative.roles:
            filled = db.scalar(
                select(func.count()).where(
                    Engagement.role_id == role.id, Engagement.status == "active"
                )
            )
            free = role.seats - int(filled or 0)
            if free <= 0:
                continue
            picks = suggest_replacements(db, initiative, role, [], [], limit=free)
            for pick in picks:
                try:
                    with db.begin_nested():
                        made = invite(
                            db,
                            operator,
                            initiative.id,
                            InviteIn.model_validate(
                                {
                                    "seats": [{"actor_id": pick.actor_id, "role_id": role.id}],
                                    "message": f"Would you join us as {role.title}?",
                                }
                            ),
                            now=now,
                        )[0]
                except CoalitionError:
                    continue  # a closed seat: the demo moves on
                roll = rng.random()
                if roll < 0.5:
                    answers.append((made.id, AnswerIn(answer="accept")))
                elif roll < 0.65:
                    answers.append((made.id, AnswerIn(answer="decline")))
                elif roll < 0.8 and made.hours_per_week > 1:
                    answers.append(
                        (made.id, AnswerIn(answer="counter", hours=made.hours_per_week / 2))
                    )
                # else: left waiting for an answer
    # Stable: declines and counters keep their order, then the accepts keep theirs.
    for invitation_id, data in sorted(answers, key=lambda a: a[1].answer == "accept"):
        try:
            with db.begin_nested():
                answer(db, operator, invitation_id, data, now=now)
        except CoalitionError:
            continue  # a full calendar: the demo moves on
