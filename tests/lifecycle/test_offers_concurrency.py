"""Fifty requests racing on offers and role edits (both databases; PostgreSQL is the one where
the row locks matter): seats and capacity are never exceeded, the ledger stays exact."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import func, select

from coalition.errors import Conflict
from coalition.schemas.lifecycle import OfferDecisionIn, OfferIn, OpenCallIn, RolePatch
from coalition.services import engagements, lifecycle, offers
from coalition.store.session import session_factory
from coalition.store.tables import Actor, Engagement, Role
from tests.factories import invitation_world

RACERS = 50


def _race(
    make: Callable[[], object], jobs: list[Callable[[object], object]]
) -> tuple[int, int, list[BaseException]]:
    barrier = threading.Barrier(len(jobs))
    won, refused, broken = [], [], []
    lock = threading.Lock()

    def run(job: Callable[[object], object]) -> None:
        session = make()
        try:
            barrier.wait(timeout=30)
            job(session)
            session.commit()  # type: ignore[attr-defined]
            with lock:
                won.append(1)
        except Conflict:
            session.rollback()  # type: ignore[attr-defined]
            with lock:
                refused.append(1)
        except BaseException as exc:  # noqa: BLE001 - reported below
            session.rollback()  # type: ignore[attr-defined]
            with lock:
                broken.append(exc)
        finally:
            session.close()  # type: ignore[attr-defined]

    threads = [threading.Thread(target=run, args=(j,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return len(won), len(refused), broken


def test_fifty_accepts_of_offers_fill_exactly_the_seats(clean_url: str) -> None:
    make = session_factory(clean_url)
    with make() as db:
        w = invitation_world(db, slug="orace", capacities=(10.0,) * RACERS, roles=1, role_hours=3.0)
        role = w.roles[0]
        db.execute(Role.__table__.update().where(Role.id == role).values(seats=3))
        offers.set_open_call(db, w.convenor_caller, w.initiative_id, role, OpenCallIn(open=True))
        made = [
            offers.make_offer(db, w.member(m), role, OfferIn(hours_per_week=3)).id
            for m in w.members
        ]
        db.commit()
    decision = OfferDecisionIn(decision="accept")
    jobs = [
        (lambda s, i=i: offers.decide_offer(s, w.convenor_caller, i, decision))  # type: ignore[misc]
        for i in made
    ]
    won, refused, broken = _race(make, jobs)
    assert broken == []
    assert (won, refused) == (3, RACERS - 3)
    with make() as db:
        held = db.scalar(
            select(func.count()).where(Engagement.role_id == role, Engagement.status == "active")
        )
        assert held == 3
        assert engagements.ledger_mismatches(db, w.network_id) == []


def test_fifty_offers_of_one_member_fit_their_capacity(clean_url: str) -> None:
    make = session_factory(clean_url)
    with make() as db:
        w = invitation_world(db, slug="ocap", capacities=(9.0,), roles=RACERS, role_hours=3.0)
        member = w.members[0]
        for role in w.roles:
            offers.set_open_call(
                db, w.convenor_caller, w.initiative_id, role, OpenCallIn(open=True)
            )
        made = [
            offers.make_offer(db, w.member(member), role, OfferIn(hours_per_week=3)).id
            for role in w.roles
        ]
        db.commit()
    decision = OfferDecisionIn(decision="accept")
    jobs = [
        (lambda s, i=i: offers.decide_offer(s, w.convenor_caller, i, decision))  # type: ignore[misc]
        for i in made
    ]
    won, refused, broken = _race(make, jobs)
    assert broken == [] and (won, refused) == (3, RACERS - 3)
    with make() as db:
        assert db.scalar(select(Actor.committed_hours).where(Actor.id == member)) == 9.0
        assert engagements.ledger_mismatches(db, w.network_id) == []


def test_role_edits_racing_with_accepts_never_exceed_the_seats(clean_url: str) -> None:
    make = session_factory(clean_url)
    with make() as db:
        w = invitation_world(db, slug="oedit", capacities=(10.0,) * 25, roles=1, role_hours=2.0)
        role = w.roles[0]
        offers.set_open_call(db, w.convenor_caller, w.initiative_id, role, OpenCallIn(open=True))
        made = [
            offers.make_offer(db, w.member(m), role, OfferIn(hours_per_week=2)).id
            for m in w.members
        ]
        db.commit()
    decision = OfferDecisionIn(decision="accept")
    jobs: list[Callable[[object], object]] = [
        (lambda s, i=i: offers.decide_offer(s, w.convenor_caller, i, decision))  # type: ignore[misc]
        for i in made
    ]
    for n in range(RACERS - len(made)):
        patch = RolePatch(seats=1 + n % 3) if n % 2 else RolePatch(hours_per_week=2 + n % 3)
        jobs.append(
            lambda s, p=patch: lifecycle.edit_role(s, w.convenor_caller, w.initiative_id, role, p)  # type: ignore[misc]
        )
    won, refused, broken = _race(make, jobs)
    assert broken == [] and won + refused == RACERS
    with make() as db:
        seats = db.scalar(select(Role.seats).where(Role.id == role))
        held = db.scalar(
            select(func.count()).where(Engagement.role_id == role, Engagement.status == "active")
        )
        assert 1 <= held <= seats
        # New hours never changed anyone's commitment by itself.
        assert set(
            db.scalars(select(Engagement.hours_per_week).where(Engagement.role_id == role))
        ) == {2.0}
        assert engagements.ledger_mismatches(db, w.network_id) == []
