"""A stateful property test of the invitation state machine, on the real database.

Hypothesis drives random sequences of invite / accept / decline / counter / accept-counter /
decline-counter / withdraw / step back / answering someone else's invitation / the clock moving
on, against a small model of what each action must do. After every step the database must agree
with the model: every status, every engagement, every actor's ledger (never above capacity and
always the sum of their active engagements), and an audit log whose every line is a legal move.
Refused actions are followed by a COMMIT, so a refusal that changed anything would show.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.errors import CoalitionError, Conflict, Forbidden, Gone, Invalid
from coalition.schemas.invitations import AnswerIn, CounterDecisionIn, InviteIn
from coalition.services import engagements, invitations
from coalition.services.invitation_replacements import replacements_for_job
from coalition.store.session import session_factory
from coalition.store.tables import (
    Actor,
    Capability,
    Engagement,
    Role,
    RoleRequirement,
)
from coalition.store.tables_invitations import Invitation, InvitationEvent
from tests.factories import T0, InvitationWorld, fresh_initiative, invitation_world

CAPACITY = (6.0, 8.0, 5.0)
TTL = 14
_slugs = itertools.count()


@dataclass
class Seat:
    actor: int
    role: int
    hours: float
    status: str = "pending"
    counter: float | None = None
    expires: datetime = T0
    engagement: int | None = None


def _world(db: Session, shared: dict[str, InvitationWorld]) -> InvitationWorld:
    """A fresh initiative with three fresh members, in one network shared by all examples."""
    if "base" not in shared:
        shared["base"] = invitation_world(db, slug="sm", capacities=(), roles=1)
    base = shared["base"]
    facilitation = db.scalar(
        select(Capability.id).where(
            Capability.network_id == base.network_id, Capability.term == "Facilitation"
        )
    )
    assert facilitation is not None
    roles = [
        Role(
            title=f"Role {r}",
            seats=2,
            hours_per_week=4.0,
            requirements=[RoleRequirement(capability_id=facilitation, min_level=3)],
        )
        for r in range(2)
    ]
    return fresh_initiative(
        db,
        base,
        title=f"Bid {next(_slugs)}",
        capacities=CAPACITY,
        roles=roles,
        capability=(facilitation, 4),
    )


def machine_for(url: str) -> type[RuleBasedStateMachine]:
    shared: dict[str, InvitationWorld] = {}

    class InvitationMachine(RuleBasedStateMachine):
        sent = Bundle("invitations")
        engaged = Bundle("engagements")

        def __init__(self) -> None:
            super().__init__()
            self.db = session_factory(url)()
            self.w = _world(self.db, shared)
            self.db.commit()
            self.now = T0
            self.seats: dict[int, Seat] = {}
            self.committed = dict.fromkeys(self.w.members, 0.0)
            self.active: dict[int, tuple[int, float]] = {}  # engagement → (actor, hours)

        def teardown(self) -> None:
            self.db.rollback()
            self.db.close()

        # -- the model -------------------------------------------------------------------

        def status(self, seat: Seat) -> str:
            if seat.status in ("pending", "countered") and self.now >= seat.expires:
                return "expired"
            return seat.status

        def expect(self, fn, ok: bool, error: type[CoalitionError] | None):  # type: ignore[no-untyped-def]
            """Run ``fn``; it must succeed exactly when the model says so, else raise ``error``."""
            try:
                result = fn()
            except CoalitionError as exc:
                self.db.commit()  # a refusal must have changed nothing worth keeping
                assert not ok, f"refused unexpectedly: {exc.message}"
                assert isinstance(exc, error or CoalitionError), exc
                return None
            self.db.commit()
            assert ok, "the model expected a refusal"
            return result

        def fits(self, actor: int, hours: float) -> bool:
            return self.committed[actor] + hours <= CAPACITY[self.w.members.index(actor)]

        # -- rules -----------------------------------------------------------------------

        @rule(
            target=sent,
            who=st.integers(0, 2),
            role=st.integers(0, 1),
            hours=st.sampled_from([1.5, 2.0, 3.0, 4.5]),
        )
        def invite(self, who: int, role: int, hours: float):  # type: ignore[no-untyped-def]
            actor, role_id = self.w.members[who], self.w.roles[role]
            busy = any(
                s.actor == actor
                and s.role == role_id
                and self.status(s) in ("pending", "countered")
                for s in self.seats.values()
            ) or any(
                self.seats_by_engagement(e).role == role_id
                for e, (a, _) in self.active.items()
                if a == actor
            )
            out = self.expect(
                lambda: invitations.invite(
                    self.db,
                    self.w.convenor_caller,
                    self.w.initiative_id,
                    InviteIn.model_validate(
                        {"seats": [{"actor_id": actor, "role_id": role_id, "hours": hours}]}
                    ),
                    now=self.now,
                    ttl_days=TTL,
                ),
                not busy,
                Conflict,
            )
            if out is None:
                return multiple()
            self.seats[out[0].id] = Seat(actor, role_id, hours, expires=self.now + timedelta(TTL))
            return out[0].id

        def seats_by_engagement(self, engagement_id: int) -> Seat:
            return next(s for s in self.seats.values() if s.engagement == engagement_id)

        def _refusal(self, seat: Seat, allowed: str) -> type[CoalitionError] | None:
            status = self.status(seat)
            if status == "expired":
                return Gone
            return None if status == allowed else Conflict

        def _engage(self, seat: Seat, hours: float, engagement_id: int) -> None:
            seat.status, seat.engagement = "accepted", engagement_id
            self.committed[seat.actor] += hours
            self.active[engagement_id] = (seat.actor, hours)

        @rule(target=engaged, inv=sent, listed=st.booleans())
        def accept(self, inv: int, listed: bool):  # type: ignore[no-untyped-def]
            seat = self.seats[inv]
            refusal = self._refusal(seat, "pending")
            ok = refusal is None and self.fits(seat.actor, seat.hours)
            out = self.expect(
                lambda: invitations.answer(
                    self.db,
                    self.w.member(seat.actor),
                    inv,
                    AnswerIn(answer="accept", listed=listed),
                    now=self.now,
                ),
                ok,
                refusal or Conflict,
            )
            if out is None:
                return multiple()
            assert out.engagement is not None and out.engagement.hours_per_week == seat.hours
            self._engage(seat, seat.hours, out.engagement.id)
            return out.engagement.id

        @rule(inv=sent)
        def decline(self, inv: int) -> None:
            seat = self.seats[inv]
            refusal = self._refusal(seat, "pending")
            out = self.expect(
                lambda: invitations.answer(
                    self.db,
                    self.w.member(seat.actor),
                    inv,
                    AnswerIn(answer="decline", reason="not now"),
                    now=self.now,
                ),
                refusal is None,
                refusal,
            )
            if out is not None:
                seat.status = "declined"
                _, found = replacements_for_job(self.db, inv)
                assert out.replacements_job and seat.actor not in [r.actor_id for r in found]

        @rule(inv=sent, hours=st.sampled_from([0.5, 1.0, 2.0, 3.0]))
        def counter(self, inv: int, hours: float) -> None:
            seat = self.seats[inv]
            refusal = self._refusal(seat, "pending")
            if refusal is None and hours >= seat.hours:
                refusal = Invalid
            out = self.expect(
                lambda: invitations.answer(
                    self.db,
                    self.w.member(seat.actor),
                    inv,
                    AnswerIn(answer="counter", hours=hours),
                    now=self.now,
                    ttl_days=TTL,
                ),
                refusal is None,
                refusal,
            )
            if out is not None:
                seat.status, seat.counter = "countered", hours
                seat.expires = self.now + timedelta(TTL)

        @rule(target=engaged, inv=sent)
        def accept_counter(self, inv: int):  # type: ignore[no-untyped-def]
            seat = self.seats[inv]
            refusal = self._refusal(seat, "countered")
            ok = refusal is None and self.fits(seat.actor, seat.counter or 0.0)
            out = self.expect(
                lambda: invitations.decide_counter(
                    self.db,
                    self.w.convenor_caller,
                    inv,
                    CounterDecisionIn(decision="accept"),
                    now=self.now,
                ),
                ok,
                refusal or Conflict,
            )
            if out is None:
                return multiple()
            assert out.engagement is not None and out.engagement.hours_per_week == seat.counter
            self._engage(seat, seat.counter or 0.0, out.engagement.id)
            return out.engagement.id

        @rule(inv=sent)
        def decline_counter(self, inv: int) -> None:
            seat = self.seats[inv]
            refusal = self._refusal(seat, "countered")
            out = self.expect(
                lambda: invitations.decide_counter(
                    self.db,
                    self.w.convenor_caller,
                    inv,
                    CounterDecisionIn(decision="decline"),
                    now=self.now,
                ),
                refusal is None,
                refusal,
            )
            if out is not None:
                seat.status = "counter_declined"

        @rule(inv=sent)
        def withdraw(self, inv: int) -> None:
            seat = self.seats[inv]
            status = self.status(seat)
            refusal = (
                Gone
                if status == "expired"
                else None
                if status in ("pending", "countered")
                else Conflict
            )
            out = self.expect(
                lambda: invitations.withdraw(self.db, self.w.convenor_caller, inv, now=self.now),
                refusal is None,
                refusal,
            )
            if out is not None:
                seat.status = "withdrawn"

        @rule(inv=sent, other=st.integers(1, 2))
        def answer_someone_elses(self, inv: int, other: int) -> None:
            seat = self.seats[inv]
            stranger = self.w.members[(self.w.members.index(seat.actor) + other) % 3]
            self.expect(
                lambda: invitations.answer(
                    self.db, self.w.member(stranger), inv, AnswerIn(answer="accept"), now=self.now
                ),
                False,
                Forbidden,
            )

        @rule(eng=engaged)
        def step_back(self, eng: int) -> None:
            seat = self.seats_by_engagement(eng)
            out = self.expect(
                lambda: engagements.step_back(
                    self.db, self.w.member(seat.actor), eng, now=self.now
                ),
                eng in self.active,
                Conflict,
            )
            if out is not None:
                actor, hours = self.active.pop(eng)
                self.committed[actor] -= hours
                seat.status = "stepped_back"

        @rule(hours=st.sampled_from([1, 24, 24 * 7, 24 * 13, 24 * 15]))
        def advance_clock(self, hours: int) -> None:
            self.now += timedelta(hours=hours)

        # -- what must always hold -------------------------------------------------------

        @invariant()
        def database_agrees_with_model(self) -> None:
            self.db.expire_all()
            engaged = (
                select(Engagement.actor_id, func.sum(Engagement.hours_per_week).label("h"))
                .where(Engagement.status == "active")
                .group_by(Engagement.actor_id)
                .subquery()
            )
            ledger = self.db.execute(
                select(Actor.id, Actor.capacity_hours, Actor.committed_hours, engaged.c.h)
                .outerjoin(engaged, engaged.c.actor_id == Actor.id)
                .where(Actor.id.in_(self.w.members))
            ).all()
            for actor, capacity, committed, hours in ledger:
                # Never over capacity; always the sum of active engagements; as the model says.
                assert committed <= capacity
                assert committed == (hours or 0.0) == self.committed[actor]
            rows = self.db.scalars(
                select(Invitation).where(Invitation.initiative_id == self.w.initiative_id)
            ).all()
            assert {r.id for r in rows} == set(self.seats)
            stored = {}
            for row in rows:
                seat = self.seats[row.id]
                stored[row.id] = row.status
                assert invitations.effective_status(row, self.now) == self.status(seat), row.id
                assert row.engagement_id == seat.engagement
            deals = self.db.execute(
                select(Engagement.id, Engagement.status, Engagement.hours_per_week).where(
                    Engagement.initiative_id == self.w.initiative_id
                )
            ).all()
            by_engagement = {s.engagement: s for s in self.seats.values() if s.engagement}
            assert {e for e, _, _ in deals} == set(by_engagement)
            for engagement, status, hours in deals:
                seat = by_engagement[engagement]
                assert status == ("active" if engagement in self.active else "withdrawn")
                assert hours == (seat.counter or seat.hours)
            open_seats = [
                (s.actor, s.role)
                for s in self.seats.values()
                if self.status(s) in ("pending", "countered")
            ]
            assert len(open_seats) == len(set(open_seats))
            # The audit log: per invitation, a chain of legal moves ending at the stored status.
            events = self.db.execute(
                select(InvitationEvent.invitation_id, InvitationEvent.from_status,
                       InvitationEvent.to_status)
                .join(Invitation, Invitation.id == InvitationEvent.invitation_id)
                .where(Invitation.initiative_id == self.w.initiative_id)
                .order_by(InvitationEvent.invitation_id, InvitationEvent.at, InvitationEvent.id)
            ).all()  # fmt: skip
            last: dict[int, str] = {}
            for inv, before, after in events:
                assert before == last.get(inv), (inv, before, after)
                if before is None:
                    assert after == "pending"
                else:
                    assert after in invitations.MOVES[before], (before, after)
                last[inv] = after
            assert last == stored

    return InvitationMachine


def test_invitation_state_machine(clean_url: str) -> None:
    # SQLite explores more; PostgreSQL (a round trip per statement) fewer, to stay fast.
    examples = 25 if clean_url.startswith("sqlite") else 10
    run_state_machine_as_test(
        machine_for(clean_url),
        settings=settings(
            max_examples=examples,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
