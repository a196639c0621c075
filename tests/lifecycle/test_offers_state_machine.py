"""A stateful property test of offers, on the real database (both databases).

Hypothesis drives random sequences of offer / withdraw / accept / decline / close the
initiative against a small model of what each must do. After every step the database must
agree with the model, and hold the invariants of working together:

- nobody is engaged without both sides consenting: every engagement on the initiative is the
  engagement of an offer its member made and the convenor accepted;
- committed hours are never above capacity, and always the sum of the active engagements;
- a role never holds more active engagements than its seats;
- closing the initiative withdraws the pending offers and ends every engagement: the
  capacity comes back (the members' committed hours return to what they were before).

Refused actions are followed by a COMMIT, so a refusal that changed anything would show.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

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

from coalition.errors import CoalitionError, Conflict
from coalition.schemas.lifecycle import OfferDecisionIn, OfferIn
from coalition.services import lifecycle, offers
from coalition.store.session import session_factory
from coalition.store.tables import Actor, Engagement, Role
from coalition.store.tables_lifecycle import Offer
from tests.factories import InvitationWorld as World
from tests.factories import fresh_initiative
from tests.factories import invitation_world as build

CAPACITY = (6.0, 8.0, 5.0)
SEATS = (1, 2)
_slugs = itertools.count()


@dataclass
class Bid:
    actor: int
    role: int
    hours: float
    status: str = "pending"
    engagement: int | None = None


def _world(db: Session, shared: dict[str, World]) -> World:
    """A fresh forming initiative with two open roles and three fresh members."""
    if "base" not in shared:
        shared["base"] = build(db, slug="offsm", capacities=(), roles=1)
    roles = [
        Role(title=f"Role {r}", seats=seats, hours_per_week=4.0, open_call=1)
        for r, seats in enumerate(SEATS)
    ]
    title = f"Open bid {next(_slugs)}"
    return fresh_initiative(db, shared["base"], title=title, capacities=CAPACITY, roles=roles)


def machine_for(url: str) -> type[RuleBasedStateMachine]:
    shared: dict[str, World] = {}

    class OfferMachine(RuleBasedStateMachine):
        made = Bundle("offers")

        def __init__(self) -> None:
            super().__init__()
            self.db = session_factory(url)()
            self.w = _world(self.db, shared)
            self.db.commit()
            self.bids: dict[int, Bid] = {}
            self.committed = dict.fromkeys(self.w.members, 0.0)
            self.active: dict[int, Bid] = {}  # engagement → the accepted offer
            self.closed = False

        def teardown(self) -> None:
            self.db.rollback()
            self.db.close()

        def expect(self, fn: Any, ok: bool) -> Any:
            """Run ``fn``; it must succeed exactly when the model says so, else be refused."""
            try:
                result = fn()
            except CoalitionError as exc:
                self.db.commit()  # a refusal must have changed nothing worth keeping
                assert not ok, f"refused unexpectedly: {exc.message}"
                assert isinstance(exc, Conflict), exc
                return None
            self.db.commit()
            assert ok, "the model expected a refusal"
            return result

        # -- rules -----------------------------------------------------------------------

        @rule(
            target=made,
            who=st.integers(0, 2),
            role=st.integers(0, 1),
            hours=st.sampled_from([1.5, 2.0, 3.0, 4.5]),
        )
        def offer(self, who: int, role: int, hours: float) -> Any:
            actor, role_id = self.w.members[who], self.w.roles[role]
            pending = any(
                b.actor == actor and b.role == role_id and b.status == "pending"
                for b in self.bids.values()
            )
            seated = any(b.actor == actor for b in self.active.values())
            out = self.expect(
                lambda: offers.make_offer(
                    self.db, self.w.member(actor), role_id, OfferIn(hours_per_week=hours)
                ),
                not self.closed and not pending and not seated,
            )
            if out is None:
                return multiple()
            self.bids[out.id] = Bid(actor, role_id, hours)
            return out.id

        @rule(offer=made)
        def withdraw(self, offer: int) -> None:
            bid = self.bids[offer]
            out = self.expect(
                lambda: offers.withdraw_offer(self.db, self.w.member(bid.actor), offer),
                bid.status == "pending",
            )
            if out is not None:
                bid.status = "withdrawn"

        @rule(offer=made)
        def accept(self, offer: int) -> None:
            bid = self.bids[offer]
            held = sum(1 for b in self.active.values() if b.role == bid.role)
            seats = SEATS[self.w.roles.index(bid.role)]
            ok = (
                bid.status == "pending"
                and not self.closed
                and held < seats
                and self.committed[bid.actor] + bid.hours
                <= CAPACITY[self.w.members.index(bid.actor)]
            )
            out = self.expect(
                lambda: offers.decide_offer(
                    self.db, self.w.convenor_caller, offer, OfferDecisionIn(decision="accept")
                ),
                ok,
            )
            if out is not None:
                assert out.engagement_id is not None
                bid.status, bid.engagement = "accepted", out.engagement_id
                self.committed[bid.actor] += bid.hours
                self.active[out.engagement_id] = bid

        @rule(offer=made)
        def decline(self, offer: int) -> None:
            bid = self.bids[offer]
            out = self.expect(
                lambda: offers.decide_offer(
                    self.db, self.w.convenor_caller, offer, OfferDecisionIn(decision="decline")
                ),
                bid.status == "pending",
            )
            if out is not None:
                bid.status = "declined"

        @rule()
        def close(self) -> None:
            out = self.expect(
                lambda: lifecycle.transition(
                    self.db, self.w.convenor_caller, self.w.initiative_id, "close"
                ),
                not self.closed,
            )
            if out is None:
                return
            pending = [b for b in self.bids.values() if b.status == "pending"]
            assert out.offers_withdrawn == len(pending)
            assert out.engagements_ended == len(self.active)
            for b in pending:
                b.status = "withdrawn"
            for b in self.active.values():
                self.committed[b.actor] -= b.hours
            self.active.clear()
            self.closed = True

        # -- invariants ------------------------------------------------------------------

        @invariant()
        def capacity_is_the_sum_of_active_engagements(self) -> None:
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
                assert committed <= capacity + 1e-9
                assert abs(committed - (hours or 0.0)) < 1e-9
                assert abs(committed - self.committed[actor]) < 1e-9
                if self.closed:
                    assert committed == 0.0  # closing gave every hour back

        @invariant()
        def nobody_is_engaged_by_one_side_alone(self) -> None:
            deals = self.db.execute(
                select(
                    Engagement.id, Engagement.actor_id, Engagement.role_id, Engagement.status
                ).where(Engagement.initiative_id == self.w.initiative_id)
            ).all()
            accepted = dict(
                self.db.execute(
                    select(Offer.engagement_id, Offer.actor_id).where(
                        Offer.initiative_id == self.w.initiative_id,
                        Offer.status == "accepted",
                    )
                ).all()
            )
            for engagement, actor, role, status in deals:
                # The member offered (the offer is theirs), the convenor accepted it.
                assert accepted.get(engagement) == actor, engagement
                assert (status == "active") == (engagement in self.active)
                if status == "active":
                    assert self.active[engagement].role == role
            for role, seats in zip(self.w.roles, SEATS, strict=True):
                held = sum(1 for _, _, r, s in deals if r == role and s == "active")
                assert held <= seats

        @invariant()
        def offers_are_as_the_model_says(self) -> None:
            rows = self.db.execute(
                select(Offer.id, Offer.status, Offer.engagement_id).where(
                    Offer.initiative_id == self.w.initiative_id
                )
            ).all()
            assert {i: (s, e) for i, s, e in rows} == {
                i: (b.status, b.engagement) for i, b in self.bids.items()
            }

    return OfferMachine


def test_offer_state_machine(clean_url: str) -> None:
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
