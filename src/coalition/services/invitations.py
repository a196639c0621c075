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

Every move is one conditional ``UPDATE … WHERE status IN (allowed sources) AND expires_at > now``
so two answers racing on one invitation cannot both succeed; every move writes an audit line
(who, when, from → to) and a notification, in the same transaction as the move itself. Errors
are raised before any write or inside a savepoint, so a refused action changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, func, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..clock import utcnow
from ..config import Settings
from ..engines.formation.reasons import Reason
from ..errors import Conflict, Forbidden, Gone, Invalid, NotFound, Unauthorized
from ..i18n import _, lazy
from ..schemas.invitations import (
    AnswerIn,
    AnswerOut,
    CounterDecisionIn,
    EventOut,
    InvitationOut,
    InviteIn,
    MyInvitationsOut,
    ReplacementOut,
    SeatIn,
)
from ..store.tables import (
    Actor,
    ActorCapability,
    Engagement,
    Initiative,
    Network,
    Role,
)
from ..store.tables_invitations import OPEN_STATUSES, Invitation, InvitationEvent
from .access import Caller, field_visible
from .directory import ensure_same_network
from .engagements import (
    actor_capacity,
    capacity_visible,
    engagement_view,
    open_engagement,
    record,
    reserve,
)
from .formation_text import SHOWN_TO_CONVENOR_ALWAYS, for_reader, render
from .initiatives import load_initiative, readable_initiatives, require_convenor
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


def effective_status(invitation: Invitation, now: datetime) -> str:
    """The status as of ``now``: an open invitation past its ``expires_at`` is expired."""
    if invitation.status in OPEN_STATUSES and now >= invitation.expires_at:
        return "expired"
    return invitation.status


# -- the replacement hook -----------------------------------------------------------------


def suggest_replacements(
    db: Session,
    initiative: Initiative,
    role: Role,
    excluded_actor_ids: Iterable[int],
    locked_in_actor_ids: Iterable[int],
    *,
    limit: int = 5,
) -> list[ReplacementOut]:
    """Candidates for a seat someone declined or countered, best first.

    One SQL query finds who is eligible (every minimum level of the role met, free capacity
    ≥ the role's hours, not invited to or engaged in this initiative already, not excluded,
    locked-in teammates kept out); the formation engine then ranks them for the seat
    (:func:`_rank_with_formation`).
    Only profiles visible to the network are proposed; free hours are used, never shown.
    """
    blocked = set(excluded_actor_ids) | set(locked_in_actor_ids)
    busy = (
        select(Invitation.actor_id)
        .where(
            Invitation.initiative_id == initiative.id, Invitation.status.in_(list(OPEN_STATUSES))
        )
        .union(
            select(Engagement.actor_id).where(
                Engagement.initiative_id == initiative.id, Engagement.status == "active"
            )
        )
    )
    needs = {q.capability_id: q.min_level for q in role.requirements}
    fit = (
        select(func.coalesce(func.sum(ActorCapability.level), 0))
        .where(
            ActorCapability.actor_id == Actor.id,
            ActorCapability.capability_id.in_(list(needs) or [-1]),
        )
        .scalar_subquery()
    )
    stmt = select(Actor, fit.label("fit")).where(
        Actor.network_id == initiative.network_id,
        Actor.anonymised == 0,
        Actor.visibility != "private",
        Actor.capacity_hours - Actor.committed_hours >= role.hours_per_week,
        Actor.id.not_in(busy),
    )
    if blocked:
        stmt = stmt.where(Actor.id.not_in(sorted(blocked)))
    for capability_id, min_level in needs.items():
        stmt = stmt.where(
            Actor.id.in_(
                select(ActorCapability.actor_id).where(
                    ActorCapability.capability_id == capability_id,
                    ActorCapability.level >= min_level,
                )
            )
        )
    rows = db.execute(stmt.order_by(fit.desc(), Actor.name, Actor.id).limit(max(limit, 40))).all()
    ranked = _rank_with_formation(db, initiative, role, [actor.id for actor, _ in rows], limit)
    by_id = {actor.id: (actor, score) for actor, score in rows}
    order: list[tuple[int, list[Reason]]] = (
        ranked if ranked is not None else [(actor.id, []) for actor, _ in rows[:limit]]
    )
    out = []
    for actor_id, reasons in order:
        actor, score = by_id[actor_id]
        levels = {c.capability_id: (c.capability.term, c.level) for c in actor.capabilities}
        why = ", ".join(
            _("%(capability)s %(level)s (needs %(needed)s)")
            % {"capability": levels[cid][0], "level": levels[cid][1], "needed": lvl}
            for cid, lvl in sorted(needs.items(), key=lambda kv: levels[kv[0]][0])
        )
        # Capacity and rates steer the choice but are not shown to the convenor here.
        shown = [render(for_reader(r)) for r in reasons if r.code in SHOWN_TO_CONVENOR_ALWAYS]
        why = "; ".join([why, *shown[1:]]) if why else "; ".join(shown)
        out.append(
            ReplacementOut(
                actor_id=actor.id,
                name=actor.name,
                sector=actor.sector,
                headline=actor.headline,
                fit=int(score or 0),
                why=why or "meets the role's needs",
            )
        )
    return out


def _rank_with_formation(
    db: Session, initiative: Initiative, role: Role, eligible: list[int], limit: int
) -> list[tuple[int, list[Reason]]] | None:
    """Re-run the formation engine on the open seat over the eligible actors: best first.

    The seat is solved alone (one seat, the alternatives being other people), scored on fit,
    shared purpose, diversity, fairness and cost; ``None`` when the engine has no answer.
    """
    if not eligible:
        return []
    from ..engines.formation import (
        CandidateIndex,
        FormationInputError,
        FormationProblem,
        RoleSpec,
        Weights,
        propose,
    )
    from .fairness import network_weight
    from .formation import network_index

    network = db.get_one(Network, initiative.network_id)
    index, graph = network_index(db, network)
    wanted = set(eligible)
    pool = [c for c in index.candidates if c.actor_id in wanted]
    if not pool:
        return None
    spec = RoleSpec(
        key=str(role.id),
        title=role.title,
        requirements={q.capability.term: q.min_level for q in role.requirements},
        seats=1,
        hours_per_week=role.hours_per_week,
        languages=frozenset(role.languages or []),
        tz_regions=frozenset(role.timezone_regions or []),
    )
    needs = {q.capability.term: q.min_level for q in role.requirements}
    try:
        pool_index = CandidateIndex(
            pool, vocabulary=set(needs) | {t for c in pool for t in c.capabilities}
        )
    except FormationInputError:
        return None
    problem = FormationProblem(
        roles=[spec],
        candidates=pool_index,
        weights=Weights(fairness=network_weight(network)),
        purpose_text=initiative.purpose,
        purpose_tags=tuple(initiative.purpose_tags or []),
        ties=graph,
        k_alternatives=max(0, limit - 1),
        time_limit_s=1.0,
    )
    try:
        result = propose(problem)
    except FormationInputError:
        return None
    if not result.proposals:
        return None
    seen: dict[int, list[Reason]] = {}
    for proposal in result.proposals:
        for member in proposal.members:
            if member.actor_id in wanted:
                seen.setdefault(member.actor_id, list(member.reasons))
    return list(seen.items())[:limit]


def _replacements(
    db: Session, invitation: Invitation, initiative: Initiative
) -> list[ReplacementOut]:
    role = next((r for r in initiative.roles if r.id == invitation.role_id), None)
    if role is None:
        return []
    said_no = set(
        db.scalars(
            select(Invitation.actor_id).where(
                Invitation.initiative_id == initiative.id,
                Invitation.status.in_(["declined", "counter_declined", "stepped_back"]),
            )
        )
    )
    team = set(
        db.scalars(
            select(Engagement.actor_id).where(
                Engagement.initiative_id == initiative.id, Engagement.status == "active"
            )
        )
    )
    return suggest_replacements(db, initiative, role, said_no | {invitation.actor_id}, team)


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


def replacements_for_job(db: Session, invitation_id: int) -> tuple[int, list[ReplacementOut]]:
    """The replacements for an invitation's seat, as the job computes them: (initiative id,
    candidates best first)."""
    invitation = db.get_one(Invitation, invitation_id)
    initiative = db.get_one(Initiative, invitation.initiative_id)
    return initiative.id, _replacements(db, invitation, initiative)


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


def _is_convenor(caller: Caller, initiative: Initiative) -> bool:
    return initiative.convenor_id is not None and caller.owns(initiative.convenor_id)


def _by_convenor(caller: Caller, initiative: Initiative) -> tuple[int | None, str]:
    if caller.system:
        return (None, "operator")
    if _is_convenor(caller, initiative):
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
    by = _by_convenor(caller, initiative)
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
    for invitation in created:
        role = roles[invitation.role_id or 0]
        record(
            db,
            network_id=initiative.network_id,
            invitation_id=invitation.id,
            at=now,
            by=by,
            from_status=None,
            to_status="pending",
            hours=invitation.hours_per_week,
        )
        notify(
            db,
            invitation.actor_id,
            "invitation",
            _(
                "You are invited to be %(title)s in '%(title2)s' "
                "(%(hours_per_week)s h/week). Accept, decline or offer fewer "
                "hours."
            )
            % {
                "title": role.title,
                "title2": initiative.title,
                "hours_per_week": format(invitation.hours_per_week, "g"),
            },
            link="/me/invitations",
            network_id=initiative.network_id,
        )
    db.flush()
    return _views(db, caller, created, now)


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
        before = invitation.status
        invitation.status = "expired"
        record(
            db,
            network_id=invitation.network_id,
            invitation_id=invitation.id,
            at=invitation.expires_at,
            by=(None, "system"),
            from_status=before,
            to_status="expired",
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
    engagement_id: int | None = None
    with db.begin_nested():
        if data.answer == "accept":
            before = _move(
                db, invitation, ("pending",), "accepted", now,
                answered_at=now, listed=int(data.listed),
            )  # fmt: skip
            engagement_id = _engage(
                db, invitation, initiative, invitation.hours_per_week, now, show_numbers=True
            )
            hours: float | None = invitation.hours_per_week
            text = f"{name} accepted to be {seat}."
        elif data.answer == "decline":
            before = _move(
                db, invitation, ("pending",), "declined", now,
                answered_at=now, reason=(data.reason or "").strip() or None,
            )  # fmt: skip
            hours = None
            text = f"{name} declined to be {seat}. Replacements are suggested."
        else:
            before = _move(
                db, invitation, ("pending",), "countered", now,
                answered_at=now, counter_hours=data.hours, listed=int(data.listed),
                expires_at=now + timedelta(days=ttl_days),
            )  # fmt: skip
            hours = data.hours
            text = (
                f"{name} offers {data.hours:g} h/week instead of "
                f"{invitation.hours_per_week:g} to be {seat}. Accept or decline the offer."
            )
        record(
            db,
            network_id=invitation.network_id,
            invitation_id=invitation.id,
            engagement_id=engagement_id,
            at=now,
            by=by,
            from_status=before,
            to_status=invitation.status,
            hours=hours,
        )
        notify(
            db,
            initiative.convenor_id,
            f"invitation_{invitation.status}",
            text,
            link=f"/initiatives/{initiative.id}/invitations",
            network_id=initiative.network_id,
        )
        db.flush()
    return AnswerOut(
        invitation=_views(db, caller, [invitation], now)[0],
        engagement=engagement_view(db, engagement_id) if engagement_id else None,
        replacements_job=None
        if data.answer == "accept"
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
    engagement_id: int | None = None
    with db.begin_nested():
        if data.decision == "accept":
            _require_open_initiative(initiative)
            before = _move(db, invitation, ("countered",), "accepted", now)
            # The convenor sees the numbers only if the member shows them their capacity.
            actor = db.get_one(Actor, invitation.actor_id)
            shown = capacity_visible(caller, actor, invited_by=_is_convenor(caller, initiative))
            engagement_id = _engage(db, invitation, initiative, hours, now, show_numbers=shown)
            text = f"Your offer of {hours:g} h/week to be {seat} was accepted."
        else:
            before = _move(db, invitation, ("countered",), "counter_declined", now)
            text = f"Your offer of {hours:g} h/week to be {seat} was declined, with thanks."
        record(
            db,
            network_id=invitation.network_id,
            invitation_id=invitation.id,
            engagement_id=engagement_id,
            at=now,
            by=by,
            from_status=before,
            to_status=invitation.status,
            hours=hours,
        )
        notify(
            db,
            invitation.actor_id,
            "counter_accepted" if engagement_id else "counter_declined",
            text,
            link="/me/commitments" if engagement_id else "/me/invitations",
            network_id=initiative.network_id,
        )
        db.flush()
    return AnswerOut(
        invitation=_views(db, caller, [invitation], now)[0],
        engagement=engagement_view(db, engagement_id) if engagement_id else None,
        replacements_job=None
        if engagement_id
        else _replacements_later(db, caller, invitation, initiative),
    )


def withdraw(
    db: Session, caller: Caller, invitation_id: int, *, now: datetime | None = None
) -> InvitationOut:
    """The convenor takes back an invitation not yet accepted."""
    now = now or utcnow()
    invitation, initiative = _for_convenor(db, caller, invitation_id)
    _require_state(invitation, now, OPEN_STATUSES)
    with db.begin_nested():
        before = _move(db, invitation, OPEN_STATUSES, "withdrawn", now)
        record(
            db,
            network_id=invitation.network_id,
            invitation_id=invitation.id,
            at=now,
            by=_by_convenor(caller, initiative),
            from_status=before,
            to_status="withdrawn",
        )
        notify(
            db,
            invitation.actor_id,
            "invitation_withdrawn",
            _("The invitation to be %(db)s was withdrawn.")
            % {"db": _seat_words(db, invitation, initiative)},
            link="/me/invitations",
            network_id=initiative.network_id,
        )
        db.flush()
    return _views(db, caller, [invitation], now)[0]


def replacements(db: Session, caller: Caller, invitation_id: int) -> list[ReplacementOut]:
    """Candidates for the seat of an invitation (the convenor's view)."""
    invitation, initiative = _for_convenor(db, caller, invitation_id)
    return _replacements(db, invitation, initiative)


# -- reading ------------------------------------------------------------------------------


def get_invitation(
    db: Session, caller: Caller, invitation_id: int, *, now: datetime | None = None
) -> InvitationOut:
    """One invitation, for its invitee or the initiative's convenor."""
    now = now or utcnow()
    invitation = _get(db, caller, invitation_id)
    if not caller.owns(invitation.actor_id):
        invitation, _ = _for_convenor(db, caller, invitation_id)
    return _views(db, caller, [invitation], now)[0]


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
        .order_by(_open_first(), Invitation.id.desc())
    ).all()
    return _views(db, caller, rows, now)


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
    rows = db.scalars(stmt.order_by(_open_first(), Invitation.id.desc())).all()
    return _views(db, caller, rows, now)


def my_invitations(db: Session, caller: Caller, *, now: datetime | None = None) -> MyInvitationsOut:
    """Every invitation to the caller's actors across all their networks, with capacity."""
    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    items = list_invitations(db, caller, now=now) if caller.actor_ids else []
    return MyInvitationsOut(capacity=actor_capacity(db, caller.actor_ids), invitations=items)


def _open_first() -> ColumnElement[int]:
    return case((Invitation.status.in_(list(OPEN_STATUSES)), 0), else_=1)


def _views(
    db: Session, caller: Caller, invitations: Iterable[Invitation], now: datetime
) -> list[InvitationOut]:
    items = list(invitations)
    if not items:
        return []
    initiatives = {
        i.id: i
        for i in db.scalars(
            select(Initiative).where(Initiative.id.in_({x.initiative_id for x in items}))
        )
    }
    roles = dict(
        db.execute(
            select(Role.id, Role.title).where(
                Role.id.in_({x.role_id for x in items if x.role_id is not None})
            )
        ).all()
    )
    actors = {
        a.id: a for a in db.scalars(select(Actor).where(Actor.id.in_({x.actor_id for x in items})))
    }
    slugs = dict(
        db.execute(
            select(Network.id, Network.slug).where(Network.id.in_({x.network_id for x in items}))
        ).all()
    )
    history: dict[int, list[EventOut]] = defaultdict(list)
    for event in db.scalars(
        select(InvitationEvent)
        .where(InvitationEvent.invitation_id.in_([x.id for x in items]))
        .order_by(InvitationEvent.at, InvitationEvent.id)
    ):
        history[event.invitation_id or 0].append(EventOut.model_validate(event))
    out = []
    for x in items:
        initiative = initiatives[x.initiative_id]
        actor = actors[x.actor_id]
        status = effective_status(x, now)
        events = list(history[x.id])
        if status == "expired" and x.status != "expired":
            events.append(
                EventOut(
                    at=x.expires_at,
                    by_actor_id=None,
                    by_role="system",
                    from_status=x.status,
                    to_status="expired",
                    hours=None,
                )
            )
        # A decline's reason follows the member's own privacy choice, whoever asks.
        show_reason = field_visible(
            caller,
            actor,
            actor.declines_visibility,
            invited_by=_is_convenor(caller, initiative),
        )
        out.append(
            InvitationOut(
                id=x.id,
                network=slugs.get(x.network_id, ""),
                initiative_id=x.initiative_id,
                initiative_title=initiative.title,
                role_id=x.role_id,
                role_title=roles.get(x.role_id) if x.role_id is not None else None,
                actor_id=x.actor_id,
                actor_name=actor.name,
                invited_by_id=x.invited_by_id,
                proposal_id=x.proposal_id,
                hours_per_week=x.hours_per_week,
                counter_hours=x.counter_hours,
                status=status,  # type: ignore[arg-type]
                message=x.message,
                reason=x.reason if show_reason else None,
                reason_hidden=not show_reason,
                created_at=x.created_at,
                expires_at=x.expires_at,
                answered_at=x.answered_at,
                engagement_id=x.engagement_id,
                history=events,
            )
        )
    return out


__all__ = [
    "MOVES",
    "answer",
    "decide_counter",
    "effective_status",
    "get_invitation",
    "invite",
    "list_for_initiative",
    "list_invitations",
    "my_invitations",
    "replacements",
    "replacements_for_job",
    "suggest_replacements",
    "withdraw",
]
