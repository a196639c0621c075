"""Finished work gives capacity back: a stateful test on the real database.

Hypothesis engages members in initiatives (invite, accept), moves initiatives on (active,
completed, closed) and lets the calendar run past end dates (``settle_ended``), against a model
of what each must do. After every step: each member's ledger equals the model's and the sum of
their active engagements; an initiative that completed or closed holds no active engagement;
ended engagements keep the ties they made and say when they ended.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from coalition.errors import Conflict
from coalition.schemas.initiatives import InitiativePatch
from coalition.schemas.invitations import AnswerIn, InviteIn
from coalition.services import engagements, initiatives, invitations
from coalition.store.session import session_factory
from coalition.store.tables import Actor, Engagement, Initiative, Role, RoleRequirement, Tie
from tests.factories import OP, T0, InvitationWorld, invitation_world, person

HOURS = 4.0
CAPACITY = 10.0
START = date(2026, 4, 1)
_slugs = itertools.count()


def machine_for(url: str) -> type[RuleBasedStateMachine]:
    class CapacityMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.db = session_factory(url)()
            slug = f"cap{next(_slugs)}"
            self.w: InvitationWorld = invitation_world(
                self.db, slug=slug, capacities=(CAPACITY,) * 3, roles=1
            )
            network = self.w.network_id
            from coalition.store.tables import Network

            net = self.db.get_one(Network, network)
            self.w.members.append(person(self.db, net, "Member 3", CAPACITY))
            base = self.db.get_one(Initiative, self.w.initiative_id)
            requirement = base.roles[0].requirements[0].capability_id
            self.initiatives = [base.id]
            for k in range(2):  # two more, ending later and later
                extra = Initiative(
                    network_id=network,
                    kind="project",
                    title=f"Bid {slug}.{k}",
                    status="forming",
                    start_date=START,
                    end_date=START + timedelta(days=60 * (k + 2)),
                    convenor_id=self.w.convenor,
                    roles=[
                        Role(
                            title="Role",
                            seats=2,
                            hours_per_week=HOURS,
                            requirements=[RoleRequirement(capability_id=requirement, min_level=3)],
                        )
                    ],
                )
                self.db.add(extra)
                self.db.flush()
                self.initiatives.append(extra.id)
            base.end_date = START + timedelta(days=60)
            self.db.commit()
            self.status = dict.fromkeys(self.initiatives, "forming")
            self.ends = {i: self.db.get_one(Initiative, i).end_date for i in self.initiatives}
            self.committed = dict.fromkeys(self.w.members, 0.0)
            self.active: dict[int, tuple[int, int]] = {}  # engagement → (initiative, actor)
            self.ended: set[int] = set()

        def teardown(self) -> None:
            self.db.rollback()
            self.db.close()

        def _role(self, initiative_id: int) -> int:
            return self.db.get_one(Initiative, initiative_id).roles[0].id

        @rule(i=st.integers(0, 2), m=st.integers(0, 3))
        def engage(self, i: int, m: int) -> None:
            initiative, actor = self.initiatives[i], self.w.members[m]
            taken = [a for (ini, a) in self.active.values() if ini == initiative]
            if self.status[initiative] in ("completed", "closed") or actor in taken:
                return
            if len(taken) >= 2:
                return
            try:
                sent = invitations.invite(
                    self.db,
                    OP,
                    initiative,
                    InviteIn.model_validate(
                        {"seats": [{"actor_id": actor, "role_id": self._role(initiative)}]}
                    ),
                    now=T0,
                )
            except Conflict:  # invited before (and declined, or ended): not asked again
                self.db.rollback()
                return
            fits = self.committed[actor] + HOURS <= CAPACITY
            try:
                out = invitations.answer(
                    self.db, self.w.member(actor), sent[0].id, AnswerIn(answer="accept"), now=T0
                )
            except Conflict:
                assert not fits
                self.db.rollback()
                return
            assert fits
            assert out.engagement is not None
            self.db.commit()
            self.committed[actor] += HOURS
            self.active[out.engagement.id] = (initiative, actor)

        @rule(i=st.integers(0, 2))
        def activate(self, i: int) -> None:
            initiative = self.initiatives[i]
            if self.status[initiative] != "forming":
                return
            initiatives.update_initiative(self.db, OP, initiative, InitiativePatch(status="active"))
            self.db.commit()
            self.status[initiative] = "active"

        @rule(i=st.integers(0, 2), how=st.sampled_from(["completed", "closed"]))
        def finish(self, i: int, how: str) -> None:
            initiative = self.initiatives[i]
            allowed = {"forming": ("closed",), "active": ("completed", "closed")}
            if how not in allowed.get(self.status[initiative], ()):
                return
            ties_before = self.db.scalar(select(func.count()).select_from(Tie))
            initiatives.update_initiative(self.db, OP, initiative, InitiativePatch(status=how))
            self.db.commit()
            self.status[initiative] = how
            self._end(lambda ini: ini == initiative)
            assert self.db.scalar(select(func.count()).select_from(Tie)) == ties_before

        @rule(days=st.integers(1, 250))
        def time_passes(self, days: int) -> None:
            today = START + timedelta(days=days)
            engagements.settle_ended(self.db, today=today, network_id=self.w.network_id)
            self.db.commit()
            self._end(lambda ini: self.ends[ini] < today)

        def _end(self, due: object) -> None:
            for engagement, (ini, actor) in list(self.active.items()):
                if due(ini):  # type: ignore[operator]
                    self.committed[actor] -= HOURS
                    del self.active[engagement]
                    self.ended.add(engagement)

        @invariant()
        def ledger_matches_the_model(self) -> None:
            self.db.expire_all()
            for actor, hours in self.committed.items():
                committed = self.db.scalar(select(Actor.committed_hours).where(Actor.id == actor))
                assert committed is not None and abs(committed - hours) < 1e-9, (actor, hours)
            assert engagements.ledger_mismatches(self.db, self.w.network_id) == []

        @invariant()
        def finished_work_holds_no_capacity(self) -> None:
            rows = self.db.execute(
                select(Engagement.id, Engagement.status, Engagement.end_date).where(
                    Engagement.initiative_id.in_(self.initiatives)
                )
            ).all()
            for engagement, status, end in rows:
                if engagement in self.active:
                    assert status == "active"
                else:
                    assert engagement in self.ended
                    assert status == "completed"
                    assert end is not None  # the history says when it ended
            for initiative, status in self.status.items():
                if status in ("completed", "closed"):
                    assert not any(ini == initiative for ini, _ in self.active.values())

    return CapacityMachine


def test_capacity_returns_when_work_ends(clean_url: str) -> None:
    examples = 20 if clean_url.startswith("sqlite") else 6
    run_state_machine_as_test(
        machine_for(clean_url),
        settings=settings(
            max_examples=examples,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
