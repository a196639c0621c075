"""The demo's joint work: a team that talks and decides (called from commands/together.py).

On an active initiative: the demo member is invited to a seat by its convenor and accepts
(consent, through the invitations service), then the team keeps a team-only kick-off thread and a
network-wide call for ideas, and decides: one consent decision blocked, then amended and
passed, a charter adopted through a consent decision (services/charters.py), and one open
consent decision (the member has not voted on it yet). The invitation to the seat carries a
short message thread between convenor and member before it is accepted
(services/invitation_threads.py). Everything goes
through the services, so the demo obeys the rules real use does. Idempotent: a network with
threads already is left as it is.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import CoalitionError
from .schemas.invitations import AnswerIn, InviteIn
from .schemas.together import (
    CloseIn,
    DecisionIn,
    InvitationMessageIn,
    PostIn,
    ThreadIn,
    VoteIn,
)
from .services import decisions, invitation_threads, invitations, threads
from .services.access import Caller
from .services.identity import caller_for_account
from .services.outcomes import initiative_member_ids
from .store.tables import Actor, Initiative, Network
from .store.tables_auth import Account
from .store.tables_together import Thread


def _account(db: Session, email: str) -> Caller | None:
    account_id = db.scalar(select(Account.id).where(Account.email == email))
    return caller_for_account(db, account_id) if account_id is not None else None


def _seat_for_member(db: Session, convenor: Caller, member: Caller, initiative: Initiative) -> None:
    """The member is offered the first role and accepts (skipped when it cannot fit)."""
    member_actor = min(member.actor_ids & set(_actors(db, initiative.network_id)), default=None)
    if member_actor is None or member_actor in initiative_member_ids(db, initiative):
        return
    role = initiative.roles[0] if initiative.roles else None
    if role is None:
        return
    try:
        with db.begin_nested():
            (invitation,) = invitations.invite(
                db,
                convenor,
                initiative.id,
                InviteIn.model_validate(
                    {"seats": [{"actor_id": member_actor, "role_id": role.id, "hours": 1.0}]}
                ),
            )
            _messages(db, convenor, member, invitation.id)
            invitations.answer(db, member, invitation.id, AnswerIn(answer="accept"))
    except CoalitionError:
        return


def _messages(db: Session, convenor: Caller, member: Caller, invitation_id: int) -> None:
    """The short conversation on the invitation that settles it (the member asks, the
    convenor answers)."""
    for who, body in (
        (convenor, "We'd love your help with the stakeholder map: an hour a week is plenty."),
        (member, "Happy to. Could I start after the 15th? I'm travelling until then."),
        (convenor, "Of course: the first call is on the 17th, see you there."),
    ):
        invitation_threads.write(db, who, invitation_id, InvitationMessageIn(body=body))


def _actors(db: Session, network_id: int) -> list[int]:
    return list(db.scalars(select(Actor.id).where(Actor.network_id == network_id)))


def _as_actor(network_id: int, actor_id: int) -> Caller:
    """A demo actor without an account, acting with exactly its own rights."""
    return Caller(account_id=0, actor_ids=frozenset({actor_id}), roles={network_id: "convenor"})


def build_together(db: Session, slug: str) -> None:
    """Threads and decisions on an active initiative of network ``slug`` that the demo member
    joins (the demo convenor's forming initiative is left to formation)."""
    network = db.scalars(select(Network).where(Network.slug == slug)).first()
    member = _account(db, "member@example.org")
    if network is None or member is None:
        return
    if db.scalar(select(Thread.id).where(Thread.network_id == network.id).limit(1)):
        return
    candidates = db.scalars(
        select(Initiative)
        .where(
            Initiative.network_id == network.id,
            Initiative.status == "active",
            Initiative.convenor_id.is_not(None),
            Initiative.convenor_id.not_in(list(member.actor_ids)),
        )
        .order_by(Initiative.id)
    ).all()
    for initiative in candidates:
        assert initiative.convenor_id is not None
        convenor = _as_actor(network.id, initiative.convenor_id)
        _seat_for_member(db, convenor, member, initiative)
        if member.actor_ids & initiative_member_ids(db, initiative):
            _talk(db, convenor, member, initiative)
            _decide(db, convenor, member, initiative)
            db.flush()
            return


def _talk(db: Session, convenor: Caller, member: Caller, initiative: Initiative) -> None:
    kickoff = threads.start_thread(
        db,
        convenor,
        initiative.id,
        ThreadIn(
            title="Kick-off: who does what in the first month",
            visibility="team",
            body="Welcome to the team! Please add **what you can take on** this month, "
            "and anything that worries you about the timeline.",
        ),
    )
    threads.reply(
        db,
        member,
        kickoff.id,
        PostIn(body="I can draft the stakeholder map by Friday and join the weekly call."),
    )
    threads.reply(
        db,
        convenor,
        kickoff.id,
        PostIn(body="Thank you. I'll put the draft on the agenda of the next call."),
    )
    ideas = threads.start_thread(
        db,
        convenor,
        initiative.id,
        ThreadIn(
            title="Ideas from the network",
            visibility="network",
            body="We're open to ideas from anyone in the network: who else should we talk to?",
        ),
    )
    threads.reply(db, member, ideas.id, PostIn(body="The local library runs a makers' group."))


def _decide(db: Session, convenor: Caller, member: Caller, initiative: Initiative) -> None:
    first = decisions.propose(
        db,
        convenor,
        DecisionIn(
            kind="consent",
            title="Meet every Monday at 8:00",
            details="A weekly call of one hour, cameras optional.",
        ),
        initiative_id=initiative.id,
    )
    decisions.vote(
        db,
        member,
        first.id,
        VoteIn(position="block", reason="8:00 clashes with school runs for several of us."),
    )
    decisions.close(
        db, convenor, first.id, CloseIn(outcome="Blocked: the time does not work. Amended below.")
    )
    second = decisions.propose(
        db,
        convenor,
        DecisionIn(
            kind="consent",
            title="Meet every Monday at 10:00",
            details="As before, two hours later.",
            amends_id=first.id,
        ),
        initiative_id=initiative.id,
    )
    decisions.vote(db, member, second.id, VoteIn(position="agree", reason="Works for me."))
    decisions.close(db, convenor, second.id, CloseIn(outcome="Adopted: Mondays at 10:00."))
    _charter(db, convenor, member, initiative)
    decisions.propose(
        db,
        convenor,
        DecisionIn(
            kind="consent",
            title="Share our drafts in the knowledge commons under CC BY 4.0",
            details="Everything we write for this initiative becomes reusable by the network.",
            closes_in_hours=24 * 7,
        ),
        initiative_id=initiative.id,
    )


CHARTER = """## How we work together

- We decide by consent: a proposal passes unless someone blocks it with a reason.
- Everyone says how many hours they can give, and nobody is asked for more.
- What we write is shared in the knowledge commons under CC BY 4.0.
- Disagreements are raised in the team thread first, kindly and early.
"""


def _charter(db: Session, convenor: Caller, member: Caller, initiative: Initiative) -> None:
    """The team adopts its charter through a consent decision (both agree; it passes)."""
    charter = decisions.propose(
        db,
        convenor,
        DecisionIn(kind="charter", title="Adopt our team charter", details=CHARTER),
        initiative_id=initiative.id,
    )
    decisions.vote(db, member, charter.id, VoteIn(position="agree", reason="Clear and fair."))
    decisions.vote(db, convenor, charter.id, VoteIn(position="agree"))
    decisions.close(db, convenor, charter.id, CloseIn(outcome="Adopted as our charter."))
