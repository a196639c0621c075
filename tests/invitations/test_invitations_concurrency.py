"""Fifty accepts racing for one member's last free hours: the database lets exactly three win."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from coalition.errors import Conflict
from coalition.schemas.invitations import AnswerIn, InviteIn
from coalition.services import engagements, invitations
from coalition.store.session import session_factory
from coalition.store.tables import Actor, Engagement
from tests.factories import T0, invitation_world

RACERS = 50


def test_fifty_concurrent_accepts_exactly_three_fit(clean_url: str) -> None:
    make = session_factory(clean_url)
    with make() as db:
        # 9 free hours; fifty seats of 3 h each: three fit.
        w = invitation_world(db, slug="race", capacities=(9.0,), roles=RACERS, role_hours=3.0)
        member = w.members[0]
        seats = [{"actor_id": member, "role_id": r} for r in w.roles]
        sent = invitations.invite(
            db,
            w.convenor_caller,
            w.initiative_id,
            InviteIn.model_validate({"seats": seats, "message": "race"}),
            now=T0,
        )
        db.commit()
    ids = [i.id for i in sent]
    barrier = threading.Barrier(RACERS)
    won: list[int] = []
    refused: list[Conflict] = []
    broken: list[BaseException] = []
    lock = threading.Lock()
    caller = w.member(member)

    def accept(invitation_id: int) -> None:
        session = make()
        try:
            barrier.wait(timeout=30)
            invitations.answer(
                session,
                caller,
                invitation_id,
                AnswerIn(answer="accept"),
                now=T0 + timedelta(hours=1),
            )
            session.commit()
            with lock:
                won.append(invitation_id)
        except Conflict as exc:
            session.rollback()
            with lock:
                refused.append(exc)
        except BaseException as exc:  # noqa: BLE001 - reported below
            session.rollback()
            with lock:
                broken.append(exc)
        finally:
            session.close()

    threads = [threading.Thread(target=accept, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert broken == []
    assert len(won) == 3 and len(refused) == RACERS - 3
    assert {e.message for e in refused} == {
        "over capacity: capacity 9 h/week, committed 9 h/week, asked 3 h/week"
    }
    assert all(e.details == {"capacity": 9.0, "committed": 9.0, "asked": 3.0} for e in refused)
    with make() as db:
        committed = db.scalar(select(Actor.committed_hours).where(Actor.id == member))
        engaged = db.scalar(
            select(func.sum(Engagement.hours_per_week)).where(
                Engagement.actor_id == member, Engagement.status == "active"
            )
        )
        assert committed == engaged == 9.0
        assert engagements.ledger_mismatches(db, w.network_id) == []
        statuses = invitations.list_invitations(db, caller, now=T0 + timedelta(hours=2))
        assert sorted(i.status for i in statuses).count("accepted") == 3
        assert sum(1 for i in statuses if i.status == "pending") == RACERS - 3
