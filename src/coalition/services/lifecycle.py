"""An initiative's life: explicit status actions, edits recorded in its history, and the
re-confirmation a member gives when the hours of their role change.

Status moves are declared once (``domain.INITIATIVE_ACTIONS``, within ``STATUS_MOVES``).
Closing withdraws open invitations and offers and ends engagements (capacity returns, through
:func:`~coalition.services.engagements.end_initiative_engagements`); completing does the same
and points to the outcomes and health-check forms. A role whose hours change never changes a
member's commitment by itself: each engaged member gets a pending re-confirmation, keeps the
old hours until they confirm (capacity permitting) or step back.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..clock import utcnow
from ..domain import (
    INITIATIVE_ACTIONS,
    OPEN_OFFER_STATUSES,
    InitiativeAction,
    InitiativeStatus,
    ReconfirmationStatus,
)
from ..errors import Conflict, Forbidden, NotFound, Unauthorized
from ..i18n import _, phrase
from ..schemas.initiatives import InitiativeOut, RoleIn
from ..schemas.lifecycle import (
    ActionRuleOut,
    ChangeOut,
    LifecycleOut,
    ReconfirmationOut,
    ReconfirmIn,
    RolePatch,
    TransitionOut,
)
from ..store.cache import bump_version
from ..store.tables import Actor, Engagement, Initiative, Role, RoleRequirement
from ..store.tables_invitations import OPEN_STATUSES, Invitation
from ..store.tables_lifecycle import InitiativeChange, Offer, Reconfirmation
from .access import Caller
from .engagements import end_initiative_engagements, record, release, reserve, step_back
from .initiatives import (
    _requirement_ids,
    initiative_view,
    load_initiative,
    require_convenor,
)
from .initiatives import add_role as _add_role
from .notifications import notify

By = tuple[int | None, str]
_OPEN_OFFERS = [s.value for s in OPEN_OFFER_STATUSES]


def by_of(caller: Caller, initiative: Initiative) -> By:
    """Who acts, in which capacity: the operator, the convenor, or a steward."""
    if caller.system:
        return (None, "operator")
    if initiative.convenor_id is not None and caller.owns(initiative.convenor_id):
        return (initiative.convenor_id, "convenor")
    return (None, "steward")


def record_change(
    db: Session,
    initiative: Initiative,
    field: str,
    before: Any,
    after: Any,
    by: By,
    *,
    role_id: int | None = None,
    at: datetime | None = None,
) -> None:
    """One line of the initiative's history (nothing when before and after are equal)."""
    if before == after:
        return
    db.add(
        InitiativeChange(
            network_id=initiative.network_id,
            initiative_id=initiative.id,
            role_id=role_id,
            field=field,
            before=before,
            after=after,
            by_actor_id=by[0],
            by_role=by[1],
            at=at or utcnow(),
        )
    )


def plain(value: Any) -> Any:
    """A value as the history stores it (JSON: dates as ISO text)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


# -- status actions --------------------------------------------------------------------------


def lifecycle(db: Session, caller: Caller, initiative_id: int) -> LifecycleOut:
    """The initiative's status and every action with its rule, and whether it applies now."""
    initiative = load_initiative(db, caller, initiative_id)
    status = InitiativeStatus(initiative.status)
    return LifecycleOut(
        initiative_id=initiative.id,
        status=status.value,
        actions=[
            ActionRuleOut(
                action=a.value, to_status=to.value, rule=_(rule), allowed=status in sources
            )
            for a, (sources, to, rule) in INITIATIVE_ACTIONS.items()
        ],
    )


_Open = TypeVar("_Open", Invitation, Offer)


def _withdrawn(
    db: Session,
    model: type[_Open],
    open_statuses: Sequence[str],
    initiative: Initiative,
    role_id: int | None,
    values: dict[str, object],
) -> Iterator[_Open]:
    """Move each open ``model`` row of the initiative (or of one role) to ``withdrawn``,
    setting ``values`` too, and yield it; a row another request moved meanwhile is skipped.
    Each move is conditional and runs when the previous row has been dealt with."""
    still_open = model.status.in_(list(open_statuses))
    stmt = select(model).where(model.initiative_id == initiative.id, still_open)
    if role_id is not None:
        stmt = stmt.where(model.role_id == role_id)
    for row in db.scalars(stmt.order_by(model.id)).all():
        moved = db.execute(
            update(model)
            .where(model.id == row.id, still_open)
            .values(status="withdrawn", **values)
            .execution_options(synchronize_session=False)
        )
        if getattr(moved, "rowcount", 0) == 1:
            yield row


def _withdraw_open_invitations(
    db: Session, initiative: Initiative, by: By, now: datetime, role_id: int | None = None
) -> int:
    count = 0
    for invitation in _withdrawn(db, Invitation, OPEN_STATUSES, initiative, role_id, {}):
        record(
            db,
            network_id=invitation.network_id,
            invitation_id=invitation.id,
            at=now,
            by=by,
            from_status=invitation.status,
            to_status="withdrawn",
        )
        db.expire(invitation, ["status"])
        notify(
            db,
            invitation.actor_id,
            "invitation_withdrawn",
            phrase(
                "The invitation to '%(title)s' was withdrawn: the seat is no longer offered.",
                title=initiative.title,
            ),
            link="/me/invitations",
            network_id=initiative.network_id,
        )
        count += 1
    return count


def withdraw_open_offers(
    db: Session, initiative: Initiative, now: datetime, role_id: int | None = None
) -> int:
    """Pending offers on the initiative (or one role) are withdrawn; each member is told."""
    count = 0
    for offer in _withdrawn(db, Offer, _OPEN_OFFERS, initiative, role_id, {"answered_at": now}):
        db.expire(offer, ["status", "answered_at"])
        notify(
            db,
            offer.actor_id,
            "offer_withdrawn",
            phrase(
                "Your offer to '%(title)s' was closed: the role is no longer open.",
                title=initiative.title,
            ),
            link="/me/offers",
            network_id=initiative.network_id,
        )
        count += 1
    return count


def _supersede_reconfirmations(db: Session, engagement_ids: list[int], now: datetime) -> None:
    if engagement_ids:
        db.execute(
            update(Reconfirmation)
            .where(
                Reconfirmation.engagement_id.in_(engagement_ids),
                Reconfirmation.status == ReconfirmationStatus.pending.value,
            )
            .values(status=ReconfirmationStatus.superseded.value, answered_at=now)
            .execution_options(synchronize_session=False)
        )
        for obj in list(db.identity_map.values()):
            if isinstance(obj, Reconfirmation):
                db.expire(obj)


def transition(
    db: Session,
    caller: Caller,
    initiative_id: int,
    action: str,
    *,
    now: datetime | None = None,
) -> TransitionOut:
    """Take one status action (compare-and-set on the status: two racing actions cannot both
    apply) with its effects, recorded in the history."""
    now = now or utcnow()
    initiative = load_initiative(db, caller, initiative_id)
    require_convenor(db, caller, initiative)
    step = InitiativeAction(action)
    sources, target, _rule = INITIATIVE_ACTIONS[step]
    before = initiative.status
    if InitiativeStatus(before) not in sources:
        raise Conflict(
            _("'%(action)s' applies to an initiative that is %(from)s; this one is %(status)s")
            % {
                "action": step.value.replace("_", " "),
                "from": " or ".join(sorted(s.value for s in sources)),
                "status": before,
            }
        )
    by = by_of(caller, initiative)
    with db.begin_nested():
        moved = db.execute(
            update(Initiative)
            .where(Initiative.id == initiative.id, Initiative.status == before)
            .values(status=target.value)
            .execution_options(synchronize_session=False)
        )
        if getattr(moved, "rowcount", 0) != 1:
            raise Conflict(_("the initiative's status changed meanwhile; reload and try again"))
        db.expire(initiative, ["status"])
        record_change(db, initiative, "status", before, target.value, by, at=now)
        counts = apply_status_effects(db, initiative, target, by, now)
        bump_version(db, initiative.network_id)
        db.flush()
    next_steps = []
    if target is InitiativeStatus.completed:
        next_steps = [
            f"/initiatives/{initiative.id}/outcomes",
            f"/initiatives/{initiative.id}/outcomes#health",
        ]
    return TransitionOut(
        initiative_id=initiative.id,
        action=step.value,
        from_status=before,
        status=target.value,
        invitations_withdrawn=counts[0],
        offers_withdrawn=counts[1],
        engagements_ended=counts[2],
        next_steps=next_steps,
    )


def apply_status_effects(
    db: Session, initiative: Initiative, target: InitiativeStatus, by: By, now: datetime
) -> tuple[int, int, int]:
    """What a new status does: finishing withdraws open invitations and offers, ends the
    engagements (capacity returns) and closes open calls; going back to draft closes open
    calls. Returns (invitations withdrawn, offers withdrawn, engagements ended)."""
    invitations = offers = ended = 0
    if target in (InitiativeStatus.completed, InitiativeStatus.closed):
        invitations = _withdraw_open_invitations(db, initiative, by, now)
        offers = withdraw_open_offers(db, initiative, now)
        active = list(
            db.scalars(
                select(Engagement.id).where(
                    Engagement.initiative_id == initiative.id, Engagement.status == "active"
                )
            )
        )
        _supersede_reconfirmations(db, active, now)
        ended = end_initiative_engagements(db, initiative, now=now, by=by)
    if target in (InitiativeStatus.completed, InitiativeStatus.closed, InitiativeStatus.draft):
        for role in initiative.roles:
            if role.open_call:
                record_change(db, initiative, "open_call", True, False, by, role_id=role.id)
                role.open_call = 0
    return invitations, offers, ended


# -- history ---------------------------------------------------------------------------------


def history(db: Session, caller: Caller, initiative_id: int) -> list[ChangeOut]:
    """Every recorded change of the initiative, newest first (its network's members read it)."""
    initiative = load_initiative(db, caller, initiative_id)
    rows = db.execute(
        select(InitiativeChange, Actor.name)
        .outerjoin(Actor, Actor.id == InitiativeChange.by_actor_id)
        .where(InitiativeChange.initiative_id == initiative.id)
        .order_by(InitiativeChange.at.desc(), InitiativeChange.id.desc())
    ).all()
    return [
        ChangeOut(
            id=c.id,
            initiative_id=c.initiative_id,
            role_id=c.role_id,
            field=c.field,
            before=c.before,
            after=c.after,
            by_actor_id=c.by_actor_id,
            by_name=name,
            by_role=c.by_role,
            at=c.at,
        )
        for c, name in rows
    ]


# -- roles -----------------------------------------------------------------------------------


def _role_snapshot(role: Role) -> dict[str, Any]:
    return {
        "title": role.title,
        "seats": role.seats,
        "hours_per_week": role.hours_per_week,
        "languages": list(role.languages or []),
        "timezone_regions": list(role.timezone_regions or []),
        "requirements": sorted(f"{q.capability.term} ≥ {q.min_level}" for q in role.requirements),
    }


def locked_role(db: Session, initiative: Initiative, role_id: int) -> Role:
    """The role, its row locked until the transaction ends (seat counts and hours are then
    read by one request at a time on PostgreSQL; SQLite's write transactions are serial)."""
    role = db.scalars(
        select(Role)
        .where(Role.id == role_id, Role.initiative_id == initiative.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if role is None:
        raise NotFound(
            _("no role %(role_id)s in initiative %(id)s")
            % {"role_id": role_id, "id": initiative.id}
        )
    return role


def active_on_role(db: Session, role_id: int) -> list[Engagement]:
    return list(
        db.scalars(
            select(Engagement)
            .where(Engagement.role_id == role_id, Engagement.status == "active")
            .order_by(Engagement.id)
        )
    )


def add_role(db: Session, caller: Caller, initiative_id: int, data: RoleIn) -> InitiativeOut:
    """Add a role (recorded in the history)."""
    out = _add_role(db, caller, initiative_id, data)
    initiative = load_initiative(db, caller, initiative_id)
    role = initiative.roles[-1]
    record_change(
        db, initiative, "role_added", None, _role_snapshot(role), by_of(caller, initiative),
        role_id=role.id,
    )  # fmt: skip
    db.flush()
    return out


def edit_role(
    db: Session,
    caller: Caller,
    initiative_id: int,
    role_id: int,
    data: RolePatch,
    *,
    now: datetime | None = None,
) -> InitiativeOut:
    """Change a role's title, seats, levels, languages, regions or hours. Fewer seats than
    members holding it is refused; new hours ask each engaged member to re-confirm."""
    now = now or utcnow()
    initiative = load_initiative(db, caller, initiative_id)
    network = require_convenor(db, caller, initiative)
    if initiative.status in ("completed", "closed"):
        raise Conflict(
            _("the initiative is %(s)s: its roles no longer change") % {"s": initiative.status}
        )
    by = by_of(caller, initiative)
    sent = data.model_dump(exclude_unset=True)
    with db.begin_nested():
        role = locked_role(db, initiative, role_id)
        if role.retired_at is not None:
            raise Conflict(_("this role is retired"))
        before = _role_snapshot(role)
        engaged = active_on_role(db, role.id)
        if sent.get("seats") is not None and sent["seats"] < len(engaged):
            raise Conflict(
                _("%(n)s members hold this role: keep at least %(n)s seats") % {"n": len(engaged)}
            )
        for name in ("title", "seats", "languages", "timezone_regions"):
            if sent.get(name) is not None:
                setattr(role, name, sent[name])
        if data.requirements is not None:
            ids = _requirement_ids(
                db, network, RoleIn(title=role.title, requirements=data.requirements), 0
            )
            role.requirements = [
                RoleRequirement(capability_id=ids[r.capability], min_level=r.min_level)
                for r in data.requirements
            ]
        old_hours = role.hours_per_week
        new_hours = data.hours_per_week
        if new_hours is not None and abs(new_hours - old_hours) > 1e-9:
            role.hours_per_week = new_hours
            ask_reconfirmation(db, initiative, role, engaged, new_hours, now)
        db.flush()
        after = _role_snapshot(role)
        for key in before:
            record_change(
                db, initiative, f"role.{key}", before[key], after[key], by, role_id=role.id, at=now
            )
        bump_version(db, initiative.network_id)
        db.flush()
    db.expire(initiative)
    return initiative_view(db, initiative)


def ask_reconfirmation(
    db: Session,
    initiative: Initiative,
    role: Role,
    engaged: list[Engagement],
    new_hours: float,
    now: datetime,
) -> None:
    """Each member holding ``role`` re-confirms the new hours (earlier asks are superseded);
    their engagement keeps its hours meanwhile."""
    _supersede_reconfirmations(db, [e.id for e in engaged], now)
    for engagement in engaged:
        if abs(engagement.hours_per_week - new_hours) < 1e-9:
            continue
        db.add(
            Reconfirmation(
                network_id=initiative.network_id,
                engagement_id=engagement.id,
                role_id=role.id,
                old_hours=engagement.hours_per_week,
                new_hours=new_hours,
                status=ReconfirmationStatus.pending.value,
                asked_at=now,
            )
        )
        notify(
            db,
            engagement.actor_id,
            "reconfirm",
            phrase(
                "The role '%(role)s' in '%(title)s' now asks %(new)s h/week instead of "
                "%(old)s. Confirm the new hours or step back.",
                role=role.title,
                title=initiative.title,
                new=f"{new_hours:g}",
                old=f"{engagement.hours_per_week:g}",
            ),
            link="/me/reconfirmations",
            network_id=initiative.network_id,
        )


def retire_role(
    db: Session, caller: Caller, initiative_id: int, role_id: int, *, now: datetime | None = None
) -> InitiativeOut:
    """Retire a role: no more seats are offered (its open call, invitations and offers are
    withdrawn) and its engagements end, their hours returning; the role stays in history."""
    now = now or utcnow()
    initiative = load_initiative(db, caller, initiative_id)
    require_convenor(db, caller, initiative)
    by = by_of(caller, initiative)
    with db.begin_nested():
        role = locked_role(db, initiative, role_id)
        if role.retired_at is not None:
            raise Conflict(_("this role is retired already"))
        _withdraw_open_invitations(db, initiative, by, now, role_id=role.id)
        withdraw_open_offers(db, initiative, now, role_id=role.id)
        engaged = active_on_role(db, role.id)
        _supersede_reconfirmations(db, [e.id for e in engaged], now)
        from .engagements import _end

        _end(db, engaged, on=now.date(), now=now, by=by)
        role.retired_at = now
        role.open_call = 0
        record_change(db, initiative, "role_retired", None, role.title, by, role_id=role.id, at=now)
        bump_version(db, initiative.network_id)
        db.flush()
    return initiative_view(db, initiative)


# -- re-confirmation by the member --------------------------------------------------------------


def _reconfirmation_rows(db: Session, where: list[Any]) -> list[ReconfirmationOut]:
    rows = db.execute(
        select(Reconfirmation, Engagement, Initiative.title, Role.title)
        .join(Engagement, Engagement.id == Reconfirmation.engagement_id)
        .join(Initiative, Initiative.id == Engagement.initiative_id)
        .outerjoin(Role, Role.id == Engagement.role_id)
        .where(*where)
        .order_by(Reconfirmation.asked_at.desc(), Reconfirmation.id.desc())
    ).all()
    return [
        ReconfirmationOut(
            id=r.id,
            engagement_id=e.id,
            initiative_id=e.initiative_id,
            initiative_title=title,
            role_id=e.role_id,
            role_title=role_title,
            actor_id=e.actor_id,
            old_hours=r.old_hours,
            new_hours=r.new_hours,
            status=r.status,
            asked_at=r.asked_at,
            answered_at=r.answered_at,
        )
        for r, e, title, role_title in rows
    ]


def my_reconfirmations(db: Session, caller: Caller) -> list[ReconfirmationOut]:
    """The caller's re-confirmations, pending first."""
    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    mine = sorted(caller.actor_ids)
    if not mine:
        return []
    rows = _reconfirmation_rows(db, [Engagement.actor_id.in_(mine)])
    return sorted(rows, key=lambda r: r.status != "pending")


def initiative_reconfirmations(
    db: Session, caller: Caller, initiative_id: int
) -> list[ReconfirmationOut]:
    """The convenor sees who has (not yet) re-confirmed changed hours."""
    initiative = load_initiative(db, caller, initiative_id)
    require_convenor(db, caller, initiative)
    return _reconfirmation_rows(db, [Engagement.initiative_id == initiative.id])


def answer_reconfirmation(
    db: Session,
    caller: Caller,
    reconfirmation_id: int,
    data: ReconfirmIn,
    *,
    now: datetime | None = None,
) -> ReconfirmationOut:
    """The member confirms the new hours (more hours must fit their free capacity) or steps
    back (the engagement ends, its hours return)."""
    now = now or utcnow()
    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    item = db.get(Reconfirmation, reconfirmation_id, populate_existing=True)
    engagement = db.get(Engagement, item.engagement_id) if item is not None else None
    if item is None or engagement is None:
        raise NotFound(
            _("no re-confirmation %(reconfirmation_id)s") % {"reconfirmation_id": reconfirmation_id}
        )
    if not caller.owns(engagement.actor_id):
        raise (
            Forbidden(_("only the member engaged answers this"))
            if caller.member_of(engagement.network_id)
            else NotFound(
                _("no re-confirmation %(reconfirmation_id)s")
                % {"reconfirmation_id": reconfirmation_id}
            )
        )
    target = "confirmed" if data.answer == "confirm" else "stepped_back"
    with db.begin_nested():
        moved = db.execute(
            update(Reconfirmation)
            .where(Reconfirmation.id == item.id, Reconfirmation.status == "pending")
            .values(status=target, answered_at=now)
            .execution_options(synchronize_session=False)
        )
        if getattr(moved, "rowcount", 0) != 1:
            raise Conflict(_("this re-confirmation is answered already"))
        db.expire(item)
        if data.answer == "step_back":
            step_back(db, caller, engagement.id, now=now)
        else:
            _change_hours(db, engagement, item.old_hours, item.new_hours, now)
        db.flush()
    return _reconfirmation_rows(db, [Reconfirmation.id == item.id])[0]


def _change_hours(
    db: Session, engagement: Engagement, old: float, new: float, now: datetime
) -> None:
    """Move an active engagement from ``old`` to ``new`` hours within capacity."""
    moved = db.execute(
        update(Engagement)
        .where(
            Engagement.id == engagement.id,
            Engagement.status == "active",
            func.abs(Engagement.hours_per_week - old) < 1e-9,
        )
        .values(hours_per_week=new)
        .execution_options(synchronize_session=False)
    )
    if getattr(moved, "rowcount", 0) != 1:
        raise Conflict(_("this engagement is no longer active"))
    if new > old:
        reserve(db, engagement.actor_id, new - old, show_numbers=True)
    else:
        release(db, engagement.actor_id, old - new)
    record(
        db,
        network_id=engagement.network_id,
        engagement_id=engagement.id,
        at=now,
        by=(engagement.actor_id, "invitee"),
        from_status="active",
        to_status="active",
        hours=new,
    )
    db.expire(engagement, ["hours_per_week"])
    bump_version(db, engagement.network_id)


__all__ = [
    "add_role",
    "answer_reconfirmation",
    "apply_status_effects",
    "edit_role",
    "history",
    "initiative_reconfirmations",
    "lifecycle",
    "my_reconfirmations",
    "record_change",
    "retire_role",
    "transition",
]
