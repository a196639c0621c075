"""The demo shows joint work: threads (team and network), one open decision and two closed ones,
the first blocked, then amended and passed; a charter adopted through a consent decision; the
message thread of an invitation."""

from __future__ import annotations

from sqlalchemy import select

from coalition.cli import _after_demo
from coalition.demo import build_demo_bundle
from coalition.io.bundle import import_bundle
from coalition.services.charters import get_charter
from coalition.services.identity import caller_for_account
from coalition.services.invitation_threads import conversation
from coalition.store.session import session_factory
from coalition.store.tables import Tie
from coalition.store.tables_auth import Account
from coalition.store.tables_together import (
    Decision,
    InitiativeCharter,
    InvitationMessage,
    Post,
    Thread,
)


def test_the_demo_has_threads_and_decisions(clean_url: str) -> None:
    with session_factory(clean_url)() as db:
        import_bundle(db, build_demo_bundle(actors=80))
        _after_demo(db, "demo")
        _after_demo(db, "demo")  # a second run adds nothing
        db.commit()
        assert sorted(db.scalars(select(Thread.visibility))) == ["network", "team"]
        assert len(db.scalars(select(Post.id)).all()) == 5
        rows = db.execute(select(Decision.id, Decision.status, Decision.amends_id)).all()
        (blocked,) = [r for r in rows if r.status == "blocked"]
        (passed, adopting) = [r for r in rows if r.status == "passed"]
        assert passed.amends_id == blocked.id
        assert [r.status for r in rows].count("open") == 1
        # The charter: adopted by a consent decision of kind charter, read by the team member.
        (charter,) = db.scalars(select(InitiativeCharter)).all()
        assert charter.decision_id == adopting.id
        assert db.get_one(Decision, adopting.id).kind == "charter"
        member_account = db.scalar(select(Account.id).where(Account.email == "member@example.org"))
        member = caller_for_account(db, member_account)
        shown = get_charter(db, member, charter.initiative_id)
        assert shown.decision_id == adopting.id and "consent" in shown.text
        # The invitation's message thread: both sides wrote, the member reads it.
        messages = db.scalars(select(InvitationMessage)).all()
        assert len(messages) == 3 and {m.side for m in messages} == {"convenor", "invitee"}
        (invitation_id,) = {m.invitation_id for m in messages}
        assert len(conversation(db, member, invitation_id).items) == 3
        origins = set(db.scalars(select(Tie.origin).where(Tie.origin.in_(["thread", "decision"]))))
        assert origins == {"thread", "decision"}
