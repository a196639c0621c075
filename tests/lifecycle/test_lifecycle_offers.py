"""Initiative lifecycle (actions, history, role edits, re-confirmation) and offers, on both
databases: nobody is engaged without their own offer, capacity and seats hold."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.domain import INITIATIVE_ACTIONS, STATUS_MOVES
from coalition.errors import Conflict, Forbidden
from coalition.schemas.initiatives import InitiativePatch
from coalition.schemas.invitations import InviteIn
from coalition.schemas.lifecycle import (
    OfferDecisionIn,
    OfferIn,
    OpenCallIn,
    ReconfirmIn,
    RolePatch,
)
from coalition.services import engagements, initiatives, invitations, lifecycle, offers
from coalition.store.tables import Actor, Engagement, Tie
from coalition.store.tables_invitations import Invitation
from tests.factories import T0, invitation_world


def test_every_action_is_a_status_move() -> None:
    for sources, target, rule in INITIATIVE_ACTIONS.values():
        assert rule
        for source in sources:
            assert target in STATUS_MOVES[source]


def _committed(db: Session, actor_id: int) -> float:
    db.expire_all()
    return db.get_one(Actor, actor_id).committed_hours


def _open(db: Session, w, role: int) -> None:  # type: ignore[no-untyped-def]
    offers.set_open_call(db, w.convenor_caller, w.initiative_id, role, OpenCallIn(open=True))


def test_offer_accepted_becomes_an_engagement_with_ties(db: Session) -> None:
    w = invitation_world(db, slug="off1", capacities=(10.0, 10.0))
    role = w.roles[0]
    _open(db, w, role)
    a, b = w.members
    mine = offers.opportunities(db, w.member(a))
    assert [o.role_id for o in mine.opportunities][:2] and mine.opportunities[0].reasons
    assert all(o.eligible for o in mine.opportunities)
    assert {o.role_id for o in mine.opportunities} == {role}  # only the open role
    made = offers.make_offer(db, w.member(a), role, OfferIn(hours_per_week=4, note="Keen"))
    assert made.status == "pending" and _committed(db, a) == 0
    with pytest.raises(Conflict):
        offers.make_offer(db, w.member(a), role, OfferIn(hours_per_week=4))
    with pytest.raises(Forbidden):  # the member cannot accept their own offer
        offers.decide_offer(db, w.member(a), made.id, OfferDecisionIn(decision="accept"))
    assert offers.opportunities(db, w.member(a)).opportunities[0].offered
    done = offers.decide_offer(db, w.convenor_caller, made.id, OfferDecisionIn(decision="accept"))
    assert done.status == "accepted" and done.engagement_id
    assert _committed(db, a) == 4
    # A second member offered and accepted is tied to the first, like accepted invitations.
    other = offers.make_offer(db, w.member(b), role, OfferIn(hours_per_week=3))
    offers.decide_offer(db, w.convenor_caller, other.id, OfferDecisionIn(decision="accept"))
    ties = db.scalars(select(Tie).where(Tie.initiative_id == w.initiative_id)).all()
    assert {(t.source_id, t.target_id) for t in ties} == {(b, a)}
    assert engagements.ledger_mismatches(db) == []


def test_offers_respect_seats_and_capacity(db: Session) -> None:
    w = invitation_world(db, slug="off2", capacities=(3.0, 10.0, 10.0, 10.0))
    role = w.roles[0]  # two seats
    _open(db, w, role)
    small, *others = w.members
    over = offers.make_offer(db, w.member(small), role, OfferIn(hours_per_week=4))
    with pytest.raises(Conflict, match="over capacity"):
        offers.decide_offer(db, w.convenor_caller, over.id, OfferDecisionIn(decision="accept"))
    db.rollback()
    w = invitation_world(db, slug="off2b", capacities=(10.0, 10.0, 10.0))
    role = w.roles[0]
    _open(db, w, role)
    made = [offers.make_offer(db, w.member(m), role, OfferIn(hours_per_week=2)) for m in w.members]
    for o in made[:2]:
        offers.decide_offer(db, w.convenor_caller, o.id, OfferDecisionIn(decision="accept"))
    with pytest.raises(Conflict, match="every seat"):
        offers.decide_offer(db, w.convenor_caller, made[2].id, OfferDecisionIn(decision="accept"))
    declined = offers.decide_offer(
        db, w.convenor_caller, made[2].id, OfferDecisionIn(decision="decline")
    )
    assert declined.status == "declined" and declined.engagement_id is None


def test_a_closed_role_takes_no_offers_and_draft_cannot_open(db: Session) -> None:
    w = invitation_world(db, slug="off3")
    with pytest.raises(Conflict):
        offers.make_offer(db, w.member(w.members[0]), w.roles[0], OfferIn(hours_per_week=2))
    lifecycle.transition(db, w.convenor_caller, w.initiative_id, "back_to_draft", now=T0)
    with pytest.raises(Conflict, match="forming"):
        _open(db, w, w.roles[0])


def test_hours_change_asks_reconfirmation_not_silent(db: Session) -> None:
    w = invitation_world(db, slug="rec", capacities=(10.0, 6.0))
    role = w.roles[0]
    _open(db, w, role)
    a, b = w.members
    for m in (a, b):
        o = offers.make_offer(db, w.member(m), role, OfferIn(hours_per_week=4))
        offers.decide_offer(db, w.convenor_caller, o.id, OfferDecisionIn(decision="accept"))
    lifecycle.edit_role(
        db, w.convenor_caller, w.initiative_id, role, RolePatch(hours_per_week=8), now=T0
    )
    # Nobody's commitment changed by itself.
    assert _committed(db, a) == 4 and _committed(db, b) == 4
    pending_a = lifecycle.my_reconfirmations(db, w.member(a))
    assert [(r.old_hours, r.new_hours, r.status) for r in pending_a] == [(4, 8, "pending")]
    everyone = lifecycle.initiative_reconfirmations(db, w.convenor_caller, w.initiative_id)
    assert len(everyone) == 2
    with pytest.raises(Forbidden):
        lifecycle.answer_reconfirmation(
            db, w.member(b), pending_a[0].id, ReconfirmIn(answer="confirm")
        )
    ok = lifecycle.answer_reconfirmation(
        db, w.member(a), pending_a[0].id, ReconfirmIn(answer="confirm")
    )
    assert ok.status == "confirmed" and _committed(db, a) == 8
    pending_b = lifecycle.my_reconfirmations(db, w.member(b))[0]
    with pytest.raises(Conflict, match="over capacity"):  # 6 h capacity: 8 do not fit
        lifecycle.answer_reconfirmation(
            db, w.member(b), pending_b.id, ReconfirmIn(answer="confirm")
        )
    db.expire_all()
    gone = lifecycle.answer_reconfirmation(
        db, w.member(b), pending_b.id, ReconfirmIn(answer="step_back")
    )
    assert gone.status == "stepped_back" and _committed(db, b) == 0
    with pytest.raises(Conflict, match="keep at least"):
        o = offers.make_offer(db, w.member(b), role, OfferIn(hours_per_week=4))
        offers.decide_offer(db, w.convenor_caller, o.id, OfferDecisionIn(decision="accept"))
        lifecycle.edit_role(db, w.convenor_caller, w.initiative_id, role, RolePatch(seats=1))
    fields = {c.field for c in lifecycle.history(db, w.member(a), w.initiative_id)}
    assert {"role.hours_per_week", "open_call"} <= fields
    assert engagements.ledger_mismatches(db) == []


def test_close_withdraws_invitations_and_offers_and_returns_capacity(db: Session) -> None:
    w = invitation_world(db, slug="close", capacities=(10.0, 10.0, 10.0))
    r0, r1 = w.roles
    _open(db, w, r0)
    a, b, c = w.members
    o = offers.make_offer(db, w.member(a), r0, OfferIn(hours_per_week=5))
    offers.decide_offer(db, w.convenor_caller, o.id, OfferDecisionIn(decision="accept"))
    pending_offer = offers.make_offer(db, w.member(b), r0, OfferIn(hours_per_week=2))
    invitations.invite(
        db, w.convenor_caller, w.initiative_id,
        InviteIn.model_validate({"seats": [{"actor_id": c, "role_id": r1}]}), now=T0,
    )  # fmt: skip
    assert _committed(db, a) == 5
    with pytest.raises(Conflict):  # forming cannot complete
        lifecycle.transition(db, w.convenor_caller, w.initiative_id, "complete", now=T0)
    out = lifecycle.transition(
        db, w.convenor_caller, w.initiative_id, "close", now=T0 + timedelta(days=1)
    )
    assert (out.status, out.invitations_withdrawn, out.offers_withdrawn, out.engagements_ended) == (
        "closed", 1, 1, 1,
    )  # fmt: skip
    assert _committed(db, a) == 0
    assert db.scalars(select(Invitation.status)).all() == ["withdrawn"]
    assert offers.my_offers(db, w.member(b))[0].status == "withdrawn"
    assert pending_offer.id
    with pytest.raises(Conflict):
        lifecycle.transition(db, w.convenor_caller, w.initiative_id, "open", now=T0)
    changes = lifecycle.history(db, w.convenor_caller, w.initiative_id)
    assert changes[0].field in {"status", "open_call"}
    assert any(c.field == "status" and c.after == "closed" for c in changes)


def test_complete_points_to_outcomes_and_edits_are_recorded(db: Session) -> None:
    w = invitation_world(db, slug="done")
    initiatives.update_initiative(
        db, w.convenor_caller, w.initiative_id, InitiativePatch(purpose="A better bid", budget=900)
    )
    lifecycle.transition(db, w.convenor_caller, w.initiative_id, "start", now=T0)
    out = lifecycle.transition(db, w.convenor_caller, w.initiative_id, "complete", now=T0)
    assert out.next_steps and "/outcomes" in out.next_steps[0]
    history = {
        (c.field, c.before, c.after)
        for c in lifecycle.history(db, w.convenor_caller, w.initiative_id)
    }
    assert ("purpose", "Win the bid", "A better bid") in history
    assert ("budget", None, 900) in history
    assert ("status", "active", "completed") in history
    view = lifecycle.lifecycle(db, w.convenor_caller, w.initiative_id)
    assert not any(a.allowed for a in view.actions)


def test_retire_role_ends_its_seats(db: Session) -> None:
    w = invitation_world(db, slug="ret")
    role = w.roles[0]
    _open(db, w, role)
    a = w.members[0]
    o = offers.make_offer(db, w.member(a), role, OfferIn(hours_per_week=3))
    offers.decide_offer(db, w.convenor_caller, o.id, OfferDecisionIn(decision="accept"))
    out = lifecycle.retire_role(db, w.convenor_caller, w.initiative_id, role, now=T0)
    assert [r.retired for r in out.roles] == [True, False]
    assert _committed(db, a) == 0
    assert db.scalars(select(Engagement.status)).all() == ["completed"]
    assert offers.opportunities(db, w.member(w.members[1])).opportunities == []


def test_the_member_is_told_in_their_own_language(db: Session) -> None:
    """A convenor working in English declines the offer of a member whose account chose
    Spanish: the notification and its e-mail are written in Spanish; a member with no choice
    hears in the language of the request."""
    from coalition.i18n import use_locale
    from coalition.store.tables_auth import Account, Membership, OutboxMessage
    from coalition.store.tables_invitations import Notification

    w = invitation_world(db, slug="off-es", capacities=(10.0, 10.0))
    role = w.roles[0]
    _open(db, w, role)
    a, b = w.members
    network_id = w.network_id
    db.get_one(Actor, a).email = "ana@example.org"
    db.get_one(Actor, b).email = "ben@example.org"
    account = Account(email="ana@example.org", password_hash="x", locale="es")
    db.add(account)
    db.flush()
    db.add(Membership(account_id=account.id, network_id=network_id, actor_id=a))
    db.flush()
    made_a = offers.make_offer(db, w.member(a), role, OfferIn(hours_per_week=2))
    made_b = offers.make_offer(db, w.member(b), role, OfferIn(hours_per_week=2))
    with use_locale("en"):
        for made in (made_a, made_b):
            offers.decide_offer(db, w.convenor_caller, made.id, OfferDecisionIn(decision="decline"))
    told = {
        n.recipient_id: n.text
        for n in db.scalars(select(Notification).where(Notification.kind == "offer_declined"))
    }
    assert told[a].startswith("Tu oferta para") and "rechazada" in told[a], told[a]
    assert "declined" not in told[a]
    assert "declined, with thanks" in told[b]
    mail = {m.to_addr: m.body for m in db.scalars(select(OutboxMessage))}
    assert mail["ana@example.org"].startswith(told[a])
    assert "declined, with thanks" in mail["ben@example.org"]
