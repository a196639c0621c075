"""Invitations: a convenor offers seats; each member accepts, declines or offers fewer hours.

Nobody is assigned. The moves an invitation may make (its stored ``status``)::

    pending ──accept────────────▶ accepted ──member steps back──▶ stepped_back
       │    ──decline───────────▶ declined
       │    ──counter───────────▶ countered ──convenor accepts──▶ accepted
       │                              │     ──convenor declines─▶ counter_declined
       ├─ convenor withdraws (pending or countered) ─────────────▶ withdrawn
       └─ expires_at passes (pending or countered) ──────────────▶ expired

Expiry needs no background job: an open invitation whose ``expires_at`` has passed *reads* as
``expired`` and answering it is 410; it is written down (with its audit line dated at
``expires_at``) only when a later invitation to the same seat needs the row settled.

Every move goes through :func:`transition`: one conditional ``UPDATE … WHERE status IN
(allowed sources) AND expires_at > now`` so two answers racing on one invitation cannot both
succeed, the engagement an acceptance opens, an audit line (who, when, from → to) and a
notification, all in the same transaction as the move itself. What leaves the database (the
notification's mail, the ranking of replacements after a decline) is a job that starts only
once that transaction commits. Errors are raised before any write or inside a savepoint, so a
refused action changes nothing. Replacements for a seat are
:mod:`coalition.services.invitation_replacements`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..clock import utcnow
from ..config import Settings
from ..errors import Conflict, Forbidden, Gone, Invalid, NotFound, Unauthorized
from ..i18n import _, lazy
from ..schemas.invitations import (
    AnswerIn,
    AnswerOut,
    CounterDecisionIn,
    InvitationOut,
    InviteIn,
    MyInvitationsOut,
    SeatIn,
)
from ..store.tables import Actor, Engagement, Initiative, Role
from ..store.tables_invitations import OPEN_STATUSES, Invitation
from .access import Caller
from .directory import ensure_same_network
from .engagements import (
    actor_capacity,
    capacity_visible,
    engagement_view,
    open_engagement,
    record,
    reserve,
)
from .initiatives import load_initiative, readable_initiatives, require_convenor
from .invitation_views import effective_status, is_convenor, open_first, views
from .notifications import notify

# The default of the setting, read without building Settings (no environment at import).
DEFAULT_TTL_DAYS = Settings.invitation_ttl_days

# The moves of the state machine above (the audit log never shows any other).
MOVES: dict[str, frozenset[str]] = {
    "pending": frozenset({"accepted", "declined", "countered", "withdrawn", "expired"}),
    "countered": frozenset({"accepted", "counter_declined", "withdrawn", "expired"}),
    "accepted": frozenset({"stepped_back"}),
}
CLOSED_INITIATIVE = ("completed", "closed")


# -- the replacements job ---------------------------------------------------------------


def _replacements_later(
    db: Session, caller: Caller, invitation: Invitation, initiative: Initiative
) -> int:
    """Start the job that ranks the seat's replacements (the formation engine takes seconds
    on a large network: the answer does not wait for it); the job's id."""
    from ..domain import JobKind
    from ..jobs import start

    job = start(
        db,
        JobKind.invitation_replacements,
        {"invitation_id": invitation.id},
        created_by=caller.account_id,
        network_id=invitation.network_id,
        result_link=f"/initiatives/{initiative.id}/invitations",
    )
    return job.id


# -- who may do what ----------------------------------------------------------------------


def _can_see_initiative(db: Session, caller: Caller, initiative_id: int) -> bool:
    return (
        db.scalar(
            select(Initiative.id).where(
                Initiative.id == initiative_id,
                readable_initiatives(caller),
            )
        )
        is not None
    )


def _get(db: Session, caller: Caller, invitation_id: int) -> Invitation:
    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    invitation = db.get(Invitation, invitation_id, populate_existing=True)
    if invitation is None:
        raise NotFound(_("no invitation %(invitation_id)s") % {"invitation_id": invitation_id})
    return invitation


def _for_invitee(db: Session, caller: Caller, invitation_id: int) -> Invitation:
    """The invitation, if the caller is its invitee; 403 if it is someone else's they can see."""
    invitation = _get(db, caller, invitation_id)
    if caller.owns(invitation.actor_id):
        return invitation
    if _can_see_initiative(db, caller, invitation.initiative_id):
        raise Forbidden(_("only the invited member may answer this invitation"))
    raise NotFound(_("no invitation %(invitation_id)s") % {"invitation_id": invitation_id})


def _for_convenor(db: Session, caller: Caller, invitation_id: int) -> tuple[Invitation, Initiative]:
    invitation = _get(db, caller, invitation_id)
    try:
        initiative = load_initiative(db, caller, invitation.initiative_id)
    except NotFound:
        raise NotFound(
            _("no invitation %(invitation_id)s") % {"invitation_id": invitation_id}
        ) from None
    require_convenor(db, caller, initiative)
    return invitation, initiative


def _by_convenor(caller: Caller, initiative: Initiative) -> tuple[int | None, str]:
    if caller.system:
        return (None, "operator")
    if is_convenor(caller, initiative):
        return (initiative.convenor_id, "convenor")
    return (None, "steward")


def _by_invitee(caller: Caller, invitation: Invitation) -> tuple[int | None, str]:
    return (None, "operator") if caller.system else (invitation.actor_id, "invitee")


def _require_state(invitation: Invitation, now: datetime, allowed: tuple[str, ...]) -> None:
    status = effective_status(invitation, now)
    if status == "expired":
        raise Gone(
            _("this invitation expired on %(expires_at)s UTC")
            % {"expires_at": format(invitation.expires_at, "%Y-%m-%d %H:%M")}
        )
    if status not in allowed:
        raise Conflict(
            _("this invitation is %(value)s already") % {"value": status.replace("_", " ")}
        )


def _require_open_initiative(initiative: Initiative) -> None:
    if initiative.status in CLOSED_INITIATIVE:
        raise Conflict(
            _("initiative '%(title)s' is %(status)s")
            % {"title": initiative.title, "status": initiative.status}
        )


def _move(
    db: Session,
    invitation: Invitation,
    sources: tuple[str, ...],
    target: str,
    now: datetime,
    **values: object,
) -> str:
    """Compare-and-set the status; returns the status moved from."""
    before = invitation.status
    result = db.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.status.in_(list(sources)),
            Invitation.expires_at > now,
        )
        .values(status=target, **values)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise Conflict(_("this invitation was answered meanwhile"))
    db.refresh(invitation)
    return before


@dataclass(frozen=True)
class Notice:
    """What a move tells whom: a notification (in-app, and by mail once the move commits)."""

    recipient_id: int | None
    kind: str
    text: str
    link: str


def transition(
    db: Session,
    invitation: Invitation,
    target: str,
    *,
    now: datetime,
    by: tuple[int | None, str],
    sources: tuple[str, ...] | None,
    notice: Notice | None = None,
    engage: tuple[Initiative, float, bool] | None = None,
    engagement_id: int | None = None,
    hours: float | None = None,
    columns: dict[str, object] | None = None,
) -> int | None:
    """One move of the state machine, the only way an invitation's status changes.

    With ``sources`` the move is a compare-and-set (:func:`_move`: 409 when another answer
    won the race; ``columns`` are set with the status); without, the caller holds the row
    already: it is new (``pending``, moved from nothing), its expiry is written down (dated
    ``now``, its ``expires_at``), or its member stepped back from the engagement it opened
    (``engagement_id``; see :func:`coalition.services.engagements.step_back`). Then, in the
    caller's transaction: the engagement ``engage`` asks for (initiative, hours, whether a
    refusal may show the numbers), the audit line and the notification, whose mail is
    delivered by a job once the transaction commits. Returns the engagement's id (None when
    the move involves none).
    """
    if sources is not None:
        before: str | None = _move(db, invitation, sources, target, now, **(columns or {}))
    elif target == "pending":
        before = None
    else:
        before, invitation.status = invitation.status, target
    if engage is not None:
        initiative, engaged_hours, show_numbers = engage
        engagement_id = _engage(
            db, invitation, initiative, engaged_hours, now, show_numbers=show_numbers
        )
    record(
        db,
        network_id=invitation.network_id,
        invitation_id=invitation.id,
        engagement_id=engagement_id,
        at=now,
        by=by,
        from_status=before,
        to_status=target,
        hours=hours,
    )
    if notice is not None:
        notify(
            db,
            notice.recipient_id,
            notice.kind,
            notice.text,
            link=notice.link,
            network_id=invitation.network_id,
        )
    return engagement_id


# -- the convenor invites -----------------------------------------------------------------


def invite(
    db: Session,
    caller: Caller,
    initiative_id: int,
    data: InviteIn,
    *,
    now: datetime | None = None,
    ttl_days: int = DEFAULT_TTL_DAYS,
) -> list[InvitationOut]:
    """Invite every seat of ``data`` (a whole proposal, or one by hand): all or none."""
    now = now or utcnow()
    initiative = load_initiative(db, caller, initiative_id)
    network = require_convenor(db, caller, initiative)
    _require_open_initiative(initiative)
    roles = {r.id: r for r in initiative.roles if r.retired_at is None}
    for i, seat in enumerate(data.seats):
        if seat.role_id not in roles:
            raise Invalid(
                _("initiative %(id)s has no role %(role_id)s")
                % {"id": initiative.id, "role_id": seat.role_id},
                field=f"seats[{i}].role_id",
            )
    actor_ids = sorted({s.actor_id for s in data.seats})
    ensure_same_network(db, network, actor_ids, field="seats")
    actors = {a.id: a for a in db.scalars(select(Actor).where(Actor.id.in_(actor_ids)))}
    gone = sorted(a.id for a in actors.values() if a.anonymised)
    if gone:
        raise Conflict(_("seats: actor(s) %(gone)s have left the directory") % {"gone": gone})
    _settle_expired(db, now, Invitation.initiative_id == initiative.id, actor_ids)
    _refuse_taken_seats(db, initiative, data, actor_ids, actors, roles)
    created = _create(db, initiative, data, roles, now, ttl_days)
    by = _by_convenor(caller, initiative)
    for invitation in created:
        role = roles[invitation.role_id or 0]
        text = _(
            "You are invited to be %(title)s in '%(title2)s' "
            "(%(hours_per_week)s h/week). Accept, decline or offer fewer "
            "hours."
        ) % {
            "title": role.title,
            "title2": initiative.title,
            "hours_per_week": format(invitation.hours_per_week, "g"),
        }
        transition(
            db, invitation, "pending", now=now, by=by, sources=None,
            hours=invitation.hours_per_week,
            notice=Notice(invitation.actor_id, "invitation", text, "/me/invitations"),
        )  # fmt: skip
    db.flush()
    return views(db, caller, created, now)


def _refuse_taken_seats(
    db: Session,
    initiative: Initiative,
    data: InviteIn,
    actor_ids: list[int],
    actors: dict[int, Actor],
    roles: dict[int, Role],
) -> None:
    """409 naming the seats of ``data`` already offered (open) or taken (active)."""
    wanted = {(s.actor_id, s.role_id) for s in data.seats}
    already = (
        (
            lazy("already invited to that role: %(who)s"),
            select(Invitation.actor_id, Invitation.role_id).where(
                Invitation.initiative_id == initiative.id,
                Invitation.status.in_(list(OPEN_STATUSES)),
            ),
        ),
        (
            lazy("already engaged in that role: %(who)s"),
            select(Engagement.actor_id, Engagement.role_id).where(
                Engagement.initiative_id == initiative.id, Engagement.status == "active"
            ),
        ),
    )
    for what, stmt in already:
        taken = {(a, r) for a, r in db.execute(stmt.where(stmt.selected_columns[0].in_(actor_ids)))}
        clash = sorted((a, r) for a, r in taken & wanted if r is not None)
        if clash:
            who = ", ".join(f"{actors[a].name} ({roles[r].title})" for a, r in clash)
            raise Conflict(_(what) % {"who": who})


def _create(
    db: Session,
    initiative: Initiative,
    data: InviteIn,
    roles: dict[int, Role],
    now: datetime,
    ttl_days: int,
) -> list[Invitation]:
    """The pending invitations of ``data``'s seats, inserted in a savepoint (409 when one of
    them was offered meanwhile)."""
    created: list[Invitation] = []
    try:
        with db.begin_nested():
            for seat in data.seats:
                role = roles[seat.role_id]
                created.append(
                    Invitation(
                        network_id=initiative.network_id,
                        initiative_id=initiative.id,
                        role_id=role.id,
                        actor_id=seat.actor_id,
                        invited_by_id=initiative.convenor_id,
                        proposal_id=data.proposal_id,
                        hours_per_week=seat.hours
                        if seat.hours is not None
                        else role.hours_per_week,
                        status="pending",
                        message=data.message,
                        listed=1,
                        created_at=now,
                        expires_at=now + timedelta(days=ttl_days),
                    )
                )
            db.add_all(created)
            db.flush()
    except IntegrityError:
        raise Conflict(
            _("one of these members was invited to the same role meanwhile; reload and retry")
        ) from None
    return created


def invite_proposal(
    db: Session,
    caller: Caller,
    proposal_id: int,
    message: str = "",
    *,
    now: datetime | None = None,
    ttl_days: int = DEFAULT_TTL_DAYS,
    initiative_id: int | None = None,
) -> list[InvitationOut]:
    """Invite every member of a stored proposal to the seat it proposes them for.

    Seats already offered or answered (an invitation that was neither withdrawn nor let
    expire) or taken (an active engagement) are left as they are, so a convenor who invited
    one member by hand can still invite the rest of the team, and nobody who declined is asked
    twice. A draft initiative moves to ``forming``: people are being asked now.
    """
    from .formation import get_proposal

    now = now or utcnow()
    row, proposal = get_proposal(db, caller, proposal_id)
    if initiative_id is not None and row.initiative_id != initiative_id:
        raise NotFound(
            _("no proposal %(proposal_id)s in initiative %(initiative_id)s")
            % {"proposal_id": proposal_id, "initiative_id": initiative_id}
        )
    initiative = load_initiative(db, caller, row.initiative_id)
    # Asked already: an open invitation, or an answer (a member who declined is not asked
    # again by a click on the whole team); withdrawn and expired seats may be offered anew.
    asked = db.execute(
        select(
            Invitation.actor_id, Invitation.role_id, Invitation.status, Invitation.expires_at
        ).where(Invitation.initiative_id == initiative.id)
    ).all()
    busy = {
        (a, r)
        for a, r, status, expires in asked
        if status not in ("withdrawn", "expired")
        and not (status in OPEN_STATUSES and expires <= now)
    } | {
        (a, r)
        for a, r in db.execute(
            select(Engagement.actor_id, Engagement.role_id).where(
                Engagement.initiative_id == initiative.id, Engagement.status == "active"
            )
        )
    }
    seats = [
        SeatIn(actor_id=m.actor_id, role_id=m.role_id, hours=m.hours_per_week)
        for m in proposal.members
        if (m.actor_id, m.role_id) not in busy
    ]
    if not seats:
        raise Conflict(_("everyone in this proposal has been invited to their seat already"))
    data = InviteIn(seats=seats, message=message, proposal_id=proposal.id)
    created = invite(db, caller, initiative.id, data, now=now, ttl_days=ttl_days)
    if initiative.status == "draft":
        initiative.status = "forming"
        db.flush()
    return created


def _settle_expired(
    db: Session, now: datetime, where: ColumnElement[bool], actor_ids: list[int]
) -> None:
    """Write down the expiry of open invitations whose time has passed (dated when it did)."""
    stale = db.scalars(
        select(Invitation).where(
            where,
            Invitation.actor_id.in_(actor_ids),
            Invitation.status.in_(list(OPEN_STATUSES)),
            Invitation.expires_at <= now,
        )
    ).all()
    for invitation in stale:
        transition(
            db, invitation, "expired", now=invitation.expires_at, by=(None, "system"), sources=None
        )
    db.flush()


# -- the member answers -------------------------------------------------------------------


def answer(
    db: Session,
    caller: Caller,
    invitation_id: int,
    data: AnswerIn,
    *,
    now: datetime | None = None,
    ttl_days: int = DEFAULT_TTL_DAYS,
) -> AnswerOut:
    """Accept (an engagement, capacity permitting), decline (with a private reason), or counter
    with fewer hours (the convenor then decides). A decline or counter returns replacements."""
    now = now or utcnow()
    invitation = _for_invitee(db, caller, invitation_id)
    _require_state(invitation, now, ("pending",))
    initiative = db.get_one(Initiative, invitation.initiative_id)
    if data.answer != "decline":  # saying no stays possible once an initiative has closed
        _require_open_initiative(initiative)
    if data.answer == "counter" and (data.hours or 0) >= invitation.hours_per_week:
        raise Invalid(
            _("a counter offers fewer than the %(hours_per_week)s h/week asked")
            % {"hours_per_week": format(invitation.hours_per_week, "g")},
            field="hours",
        )
    by = _by_invitee(caller, invitation)
    name = db.scalar(select(Actor.name).where(Actor.id == invitation.actor_id)) or ""
    seat = _seat_words(db, invitation, initiative)
    link = f"/initiatives/{initiative.id}/invitations"
    if data.answer == "accept":
        target, hours, text = (
            "accepted",
            invitation.hours_per_week,
            f"{name} accepted to be {seat}.",
        )
        values: dict[str, object] = {"listed": int(data.listed)}
    elif data.answer == "decline":
        target, hours = "declined", None
        text = f"{name} declined to be {seat}. Replacements are suggested."
        values = {"reason": (data.reason or "").strip() or None}
    else:
        target, hours = "countered", data.hours
        text = (
            f"{name} offers {data.hours:g} h/week instead of "
            f"{invitation.hours_per_week:g} to be {seat}. Accept or decline the offer."
        )
        values = {"counter_hours": data.hours, "listed": int(data.listed)}
        values["expires_at"] = now + timedelta(days=ttl_days)
    with db.begin_nested():
        engagement_id = transition(
            db, invitation, target, now=now, by=by, sources=("pending",), hours=hours,
            engage=(initiative, invitation.hours_per_week, True) if target == "accepted" else None,
            notice=Notice(initiative.convenor_id, f"invitation_{target}", text, link),
            columns={"answered_at": now, **values},
        )  # fmt: skip
        db.flush()
    return _answered(db, caller, invitation, initiative, engagement_id, now)


def _answered(
    db: Session,
    caller: Caller,
    invitation: Invitation,
    initiative: Initiative,
    engagement_id: int | None,
    now: datetime,
) -> AnswerOut:
    """The answer's outcome: the invitation, the engagement it opened, or else the job that
    ranks replacements for the seat (started once the answer commits)."""
    return AnswerOut(
        invitation=views(db, caller, [invitation], now)[0],
        engagement=engagement_view(db, engagement_id) if engagement_id else None,
        replacements_job=None
        if engagement_id
        else _replacements_later(db, caller, invitation, initiative),
    )


def _engage(
    db: Session,
    invitation: Invitation,
    initiative: Initiative,
    hours: float,
    now: datetime,
    *,
    show_numbers: bool,
) -> int:
    """Reserve the hours and open the engagement (inside the caller's savepoint)."""
    actor = db.get_one(Actor, invitation.actor_id)
    reserve(db, actor.id, hours, show_numbers=show_numbers, who=actor.name)
    engagement = open_engagement(
        db,
        initiative,
        actor_id=actor.id,
        role_id=invitation.role_id,
        hours=hours,
        listed=bool(invitation.listed),
        now=now,
    )
    invitation.engagement_id = engagement.id
    db.flush()
    return engagement.id


def _seat_words(db: Session, invitation: Invitation, initiative: Initiative) -> str:
    role = next((r.title for r in initiative.roles if r.id == invitation.role_id), None)
    return f"{role} in '{initiative.title}'" if role else f"a member of '{initiative.title}'"


# -- the convenor decides -----------------------------------------------------------------


def decide_counter(
    db: Session,
    caller: Caller,
    invitation_id: int,
    data: CounterDecisionIn,
    *,
    now: datetime | None = None,
) -> AnswerOut:
    """The convenor accepts a counter-offer (an engagement for the countered hours) or not."""
    now = now or utcnow()
    invitation, initiative = _for_convenor(db, caller, invitation_id)
    _require_state(invitation, now, ("countered",))
    by = _by_convenor(caller, initiative)
    seat = _seat_words(db, invitation, initiative)
    hours = invitation.counter_hours or 0.0
    with db.begin_nested():
        if data.decision == "accept":
            _require_open_initiative(initiative)
            # The convenor sees the numbers only if the member shows them their capacity.
            actor = db.get_one(Actor, invitation.actor_id)
            shown = capacity_visible(caller, actor, invited_by=is_convenor(caller, initiative))
            engagement_id = transition(
                db, invitation, "accepted", now=now, by=by, sources=("countered",), hours=hours,
                engage=(initiative, hours, shown),
                notice=Notice(
                    invitation.actor_id, "counter_accepted",
                    f"Your offer of {hours:g} h/week to be {seat} was accepted.",
                    "/me/commitments",
                ),
            )  # fmt: skip
        else:
            engagement_id = transition(
                db, invitation, "counter_declined", now=now, by=by, sources=("countered",),
                hours=hours,
                notice=Notice(
                    invitation.actor_id, "counter_declined",
                    f"Your offer of {hours:g} h/week to be {seat} was declined, with thanks.",
                    "/me/invitations",
                ),
            )  # fmt: skip
        db.flush()
    return _answered(db, caller, invitation, initiative, engagement_id, now)


def withdraw(
    db: Session, caller: Caller, invitation_id: int, *, now: datetime | None = None
) -> InvitationOut:
    """The convenor takes back an invitation not yet accepted."""
    now = now or utcnow()
    invitation, initiative = _for_convenor(db, caller, invitation_id)
    _require_state(invitation, now, OPEN_STATUSES)
    text = _("The invitation to be %(db)s was withdrawn.") % {
        "db": _seat_words(db, invitation, initiative)
    }
    with db.begin_nested():
        transition(
            db, invitation, "withdrawn", now=now, by=_by_convenor(caller, initiative),
            sources=OPEN_STATUSES,
            notice=Notice(invitation.actor_id, "invitation_withdrawn", text, "/me/invitations"),
        )  # fmt: skip
        db.flush()
    return views(db, caller, [invitation], now)[0]


# -- reading ------------------------------------------------------------------------------


def get_invitation(
    db: Session, caller: Caller, invitation_id: int, *, now: datetime | None = None
) -> InvitationOut:
    """One invitation, for its invitee or the initiative's convenor."""
    now = now or utcnow()
    invitation = _get(db, caller, invitation_id)
    if not caller.owns(invitation.actor_id):
        invitation, _ = _for_convenor(db, caller, invitation_id)
    return views(db, caller, [invitation], now)[0]


def list_for_initiative(
    db: Session, caller: Caller, initiative_id: int, *, now: datetime | None = None
) -> list[InvitationOut]:
    """Every invitation of an initiative (the convenor's view), open ones first."""
    now = now or utcnow()
    initiative = load_initiative(db, caller, initiative_id)
    require_convenor(db, caller, initiative)
    rows = db.scalars(
        select(Invitation)
        .where(Invitation.initiative_id == initiative.id)
        .order_by(open_first(), Invitation.id.desc())
    ).all()
    return views(db, caller, rows, now)


def list_invitations(
    db: Session, caller: Caller, *, actor_id: int | None = None, now: datetime | None = None
) -> list[InvitationOut]:
    """Invitations of the caller's actors (every one, for the operator), open ones first."""
    now = now or utcnow()
    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    scope: ColumnElement[bool] = (
        true() if caller.system else Invitation.actor_id.in_(sorted(caller.actor_ids))
    )
    stmt = select(Invitation).where(scope)
    if actor_id is not None:
        stmt = stmt.where(Invitation.actor_id == actor_id)
    rows = db.scalars(stmt.order_by(open_first(), Invitation.id.desc())).all()
    return views(db, caller, rows, now)


def my_invitations(db: Session, caller: Caller, *, now: datetime | None = None) -> MyInvitationsOut:
    """Every invitation to the caller's actors across all their networks, with capacity."""
    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    items = list_invitations(db, caller, now=now) if caller.actor_ids else []
    return MyInvitationsOut(capacity=actor_capacity(db, caller.actor_ids), invitations=items)


__all__ = [
    "MOVES",
    "Notice",
    "answer",
    "decide_counter",
    "effective_status",
    "get_invitation",
    "invite",
    "invite_proposal",
    "list_for_initiative",
    "list_invitations",
    "my_invitations",
    "transition",
    "withdraw",
]
