"""Engagements: accepted seats, the capacity ledger they consume, and what members see of them.

The ledger (``actors.committed_hours``) moves only through :func:`reserve` and :func:`release`,
each one conditional ``UPDATE`` inside the caller's transaction: the database decides whether
the hours fit, so two accepts racing for the last free hours cannot both win, on SQLite (whose
transactions begin IMMEDIATE) and on PostgreSQL (where the second ``UPDATE`` waits on the row
lock and re-checks its condition against the committed value). The CHECK constraint
``committed_hours <= capacity_hours`` stands behind it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, Row, case, func, or_, select, update
from sqlalchemy.orm import Session

from ..clock import utcnow
from ..errors import Conflict, Forbidden, NotFound
from ..i18n import _, phrase
from ..schemas.invitations import (
    CapacityOut,
    EngagementOut,
    EngagementPatch,
    MyCommitmentsOut,
    TeamMemberOut,
    TeamOut,
    TeamRoleOut,
)
from ..store.cache import bump_version
from ..store.tables import Actor, Engagement, Initiative, Network, Role, Tie
from ..store.tables_invitations import Invitation, InvitationEvent
from ..store.tables_publications import Publication
from .access import Caller, field_visible, readable_actors
from .initiatives import load_initiative, published_initiative, readable_initiatives
from .notifications import notify
from .ties import collaborated

# Engagements that count on team pages and calendars; only "active" ones hold capacity.
CURRENT = ("active", "completed")
_EPSILON = 1e-6


def _expire_actor(db: Session, actor_id: int) -> None:
    """Forget a loaded Actor's ledger after an UPDATE the session did not see."""
    for obj in list(db.identity_map.values()):
        if isinstance(obj, Actor) and obj.id == actor_id:
            db.expire(obj, ["committed_hours"])


def reserve(
    db: Session, actor_id: int, hours: float, *, show_numbers: bool, who: str = "this member"
) -> None:
    """Add ``hours`` to the actor's commitments if they fit, in one conditional UPDATE.

    Raises Conflict("over capacity …") when they do not; the numbers (capacity, committed,
    asked) are given only when ``show_numbers`` (the member's own view, or their privacy allows).
    """
    result = db.execute(
        update(Actor)
        .where(Actor.id == actor_id, Actor.committed_hours + hours <= Actor.capacity_hours)
        .values(committed_hours=Actor.committed_hours + hours)
        .execution_options(synchronize_session=False)
    )
    _expire_actor(db, actor_id)
    if getattr(result, "rowcount", 0) == 1:
        return
    capacity, committed = db.execute(
        select(Actor.capacity_hours, Actor.committed_hours).where(Actor.id == actor_id)
    ).one()
    if show_numbers:
        raise Conflict(
            _(
                "over capacity: capacity %(capacity)s h/week, committed "
                "%(committed)s h/week, asked %(hours)s h/week"
            )
            % {
                "capacity": format(capacity, "g"),
                "committed": format(committed, "g"),
                "hours": format(hours, "g"),
            },
            details={"capacity": capacity, "committed": committed, "asked": hours},
        )
    raise Conflict(
        _("over capacity: %(who)s cannot take %(hours)s more h/week now")
        % {"who": who, "hours": format(hours, "g")},
        details={"asked": hours},
    )


def release(db: Session, actor_id: int, hours: float) -> None:
    """Give ``hours`` back to the actor's free capacity (never below zero), conditionally."""
    remaining = Actor.committed_hours - hours
    result = db.execute(
        update(Actor)
        .where(Actor.id == actor_id, Actor.committed_hours >= hours - _EPSILON)
        .values(committed_hours=case((remaining < 0, 0.0), else_=remaining))
        .execution_options(synchronize_session=False)
    )
    _expire_actor(db, actor_id)
    if getattr(result, "rowcount", 0) != 1:
        raise Conflict(
            _("the capacity ledger holds fewer hours than this engagement; ask a steward")
        )


def record(
    db: Session,
    *,
    network_id: int,
    at: datetime,
    by: tuple[int | None, str],
    from_status: str | None,
    to_status: str,
    invitation_id: int | None = None,
    engagement_id: int | None = None,
    hours: float | None = None,
) -> None:
    """One line of the audit log: who (actor, in which capacity), when, from → to."""
    db.add(
        InvitationEvent(
            network_id=network_id,
            invitation_id=invitation_id,
            engagement_id=engagement_id,
            at=at,
            by_actor_id=by[0],
            by_role=by[1],
            from_status=from_status,
            to_status=to_status,
            hours=hours,
        )
    )


def open_engagement(
    db: Session,
    initiative: Initiative,
    *,
    actor_id: int,
    role_id: int | None,
    hours: float,
    listed: bool,
    now: datetime,
) -> Engagement:
    """Insert an active engagement and tie its member to every co-member (capacity reserved
    by the caller, in the same transaction)."""
    engagement = Engagement(
        network_id=initiative.network_id,
        initiative_id=initiative.id,
        role_id=role_id,
        actor_id=actor_id,
        hours_per_week=hours,
        status="active",
        listed=int(listed),
        start_date=initiative.start_date,
        end_date=initiative.end_date,
    )
    db.add(engagement)
    db.flush()
    _tie_co_members(db, initiative, actor_id, now.date())
    bump_version(db, initiative.network_id)
    return engagement


def _leave(
    db: Session,
    engagement: Engagement,
    to_status: str,
    values: dict[str, object],
    *,
    now: datetime,
    by: tuple[int | None, str],
) -> bool:
    """Move a still-active engagement to ``to_status`` (setting ``values`` too), give its hours
    back and log the move; False, and nothing done, when it is no longer active."""
    result = db.execute(
        update(Engagement)
        .where(Engagement.id == engagement.id, Engagement.status == "active")
        .values(status=to_status, **values)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return False
    release(db, engagement.actor_id, engagement.hours_per_week)
    record(
        db,
        network_id=engagement.network_id,
        engagement_id=engagement.id,
        at=now,
        by=by,
        from_status="active",
        to_status=to_status,
        hours=engagement.hours_per_week,
    )
    return True


def _end(
    db: Session,
    engagements: Iterable[Engagement],
    *,
    on: date,
    now: datetime,
    by: tuple[int | None, str],
) -> int:
    """End each still-active engagement as ``completed``, giving its hours back.

    The end date becomes ``on`` when the engagement was planned to run longer (so the member's
    history says when the work really stopped); an earlier planned end is kept. Ties made by
    the engagement keep their dates. Returns how many ended.
    """
    ended = 0
    for engagement in engagements:
        end = on if engagement.end_date is None or engagement.end_date > on else None
        values: dict[str, object] = {} if end is None else {"end_date": end}
        if not _leave(db, engagement, "completed", values, now=now, by=by):
            continue  # ended meanwhile (stepped back, or another request)
        db.expire(engagement, ["status", "end_date"])
        ended += 1
    return ended


def end_initiative_engagements(
    db: Session,
    initiative: Initiative,
    *,
    now: datetime | None = None,
    by: tuple[int | None, str] = (None, "system"),
) -> int:
    """An initiative completed or closed: its active engagements end today and their hours
    return to each member's free capacity (in the caller's transaction). Returns how many."""
    now = now or utcnow()
    active = db.scalars(
        select(Engagement)
        .where(Engagement.initiative_id == initiative.id, Engagement.status == "active")
        .order_by(Engagement.id)
    ).all()
    ended = _end(db, active, on=now.date(), now=now, by=by)
    if ended:
        bump_version(db, initiative.network_id)
        db.flush()
    return ended


def settle_ended(
    db: Session,
    *,
    today: date | None = None,
    network_id: int | None = None,
    actor_ids: Iterable[int] | None = None,
) -> int:
    """End every active engagement whose end date has passed (before ``today``).

    A periodic step (``coalition engagements settle``, daily from cron or a worker), and run
    before every formation request, so capacity counts as free on the day after the work
    ends. Returns how many ended.
    """
    now = utcnow()
    today = today or now.date()
    stmt = select(Engagement).where(
        Engagement.status == "active",
        Engagement.end_date.is_not(None),
        Engagement.end_date < today,
    )
    if network_id is not None:
        stmt = stmt.where(Engagement.network_id == network_id)
    if actor_ids is not None:
        stmt = stmt.where(Engagement.actor_id.in_(sorted(set(actor_ids))))
    due = db.scalars(stmt.order_by(Engagement.id)).all()
    if not due:
        return 0
    ended = _end(db, due, on=today, now=now, by=(None, "system"))
    for network in sorted({e.network_id for e in due}):
        bump_version(db, network)
    db.flush()
    return ended


def _tie_co_members(db: Session, initiative: Initiative, actor_id: int, today: date) -> None:
    """Dated ``collaborated`` ties from real joint work: the newcomer and each active member."""
    others = set(
        db.scalars(
            select(Engagement.actor_id).where(
                Engagement.initiative_id == initiative.id,
                Engagement.status == "active",
                Engagement.actor_id != actor_id,
            )
        )
    )
    if not others:
        return
    tied = set(
        db.execute(
            select(Tie.source_id, Tie.target_id).where(
                Tie.initiative_id == initiative.id,
                Tie.origin == "invitation",
                or_(Tie.source_id == actor_id, Tie.target_id == actor_id),
            )
        ).all()
    )
    already = {s for s, _ in tied} | {t for _, t in tied}
    start = initiative.start_date or today
    end = initiative.end_date if initiative.end_date and initiative.end_date >= start else None
    for other in sorted(others - already):
        note = f"co-members of '{initiative.title}'"
        db.add(
            collaborated(
                initiative, actor_id, other, "invitation", note, weight=1.0, start=start, end=end
            )
        )


def _engagement_rows(db: Session, where: Iterable[ColumnElement[bool]]) -> list[EngagementOut]:
    rows = db.execute(
        select(Engagement, Initiative.title, Role.title, Network.slug)
        .join(Initiative, Initiative.id == Engagement.initiative_id)
        .join(Network, Network.id == Engagement.network_id)
        .outerjoin(Role, Role.id == Engagement.role_id)
        .where(*where)
        .order_by(
            case((Engagement.status == "active", 0), else_=1),
            Initiative.start_date,
            Engagement.id,
        )
    ).all()
    return [
        EngagementOut(
            id=e.id,
            network=slug,
            initiative_id=e.initiative_id,
            initiative_title=title,
            role_id=e.role_id,
            role_title=role_title,
            actor_id=e.actor_id,
            hours_per_week=e.hours_per_week,
            status=e.status,
            listed=bool(e.listed),
            start_date=e.start_date,
            end_date=e.end_date,
        )
        for e, title, role_title, slug in rows
    ]


def engagement_view(db: Session, engagement_id: int) -> EngagementOut:
    return _engagement_rows(db, [Engagement.id == engagement_id])[0]


def _own_engagement(db: Session, caller: Caller, engagement_id: int) -> Engagement:
    """An engagement of one of the caller's actors; someone else's is 403 if they can see it."""
    engagement = db.get(Engagement, engagement_id)
    if engagement is None:
        raise NotFound(_("no engagement %(engagement_id)s") % {"engagement_id": engagement_id})
    if not caller.owns(engagement.actor_id):
        visible = db.scalar(
            select(Initiative.id).where(
                Initiative.id == engagement.initiative_id,
                readable_initiatives(caller),
            )
        )
        if visible is None:
            raise NotFound(_("no engagement %(engagement_id)s") % {"engagement_id": engagement_id})
        raise Forbidden(_("only the member engaged may change this engagement"))
    return engagement


def actor_capacity(db: Session, actor_ids: Iterable[int]) -> list[CapacityOut]:
    """Capacity used against free for the given actors (callers pass only their own)."""
    ids = sorted(set(actor_ids))
    if not ids:
        return []
    rows = db.execute(
        select(Actor, Network.slug)
        .join(Network, Network.id == Actor.network_id)
        .where(Actor.id.in_(ids))
        .order_by(Actor.name, Actor.id)
    ).all()
    return [
        CapacityOut(
            actor_id=a.id,
            name=a.name,
            network=slug,
            capacity_hours=a.capacity_hours,
            committed_hours=a.committed_hours,
            free_hours=round(a.capacity_hours - a.committed_hours, 4),
        )
        for a, slug in rows
    ]


def my_commitments(db: Session, caller: Caller) -> MyCommitmentsOut:
    """Every engagement of the caller's actors, across all their networks and initiatives."""
    mine = _members_actors(caller)
    return MyCommitmentsOut(
        capacity=actor_capacity(db, mine),
        engagements=_engagement_rows(db, [Engagement.actor_id.in_(mine)]) if mine else [],
    )


def _members_actors(caller: Caller) -> list[int]:
    from ..errors import Unauthorized

    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    return sorted(caller.actor_ids)


def calendar_engagements(db: Session, caller: Caller) -> list[tuple[EngagementOut, Initiative]]:
    """The caller's current engagements with their initiatives, for an .ics calendar."""
    mine = _members_actors(caller)
    if not mine:
        return []
    items = _engagement_rows(
        db, [Engagement.actor_id.in_(mine), Engagement.status.in_(list(CURRENT))]
    )
    initiatives = {
        i.id: i
        for i in db.scalars(
            select(Initiative).where(Initiative.id.in_({e.initiative_id for e in items}))
        )
    }
    return [(e, initiatives[e.initiative_id]) for e in items]


def step_back(
    db: Session, caller: Caller, engagement_id: int, *, now: datetime | None = None
) -> EngagementOut:
    """The member leaves an engagement: status ``withdrawn``, capacity released, convenor told."""
    now = now or utcnow()
    engagement = _own_engagement(db, caller, engagement_id)
    with db.begin_nested():
        by = (None, "operator") if caller.system else (engagement.actor_id, "invitee")
        if not _leave(db, engagement, "withdrawn", {"end_date": now.date()}, now=now, by=by):
            raise Conflict(
                _("this engagement is %(status)s already, not active")
                % {"status": engagement.status}
            )
        invitation = db.scalars(
            select(Invitation).where(Invitation.engagement_id == engagement.id)
        ).first()
        if invitation is not None and invitation.status == "accepted":
            from .invitations import transition  # the state machine builds on this module

            transition(
                db, invitation, "stepped_back", now=now, by=by, sources=None,
                engagement_id=engagement.id,
            )  # fmt: skip
        initiative = db.get_one(Initiative, engagement.initiative_id)
        name = db.scalar(select(Actor.name).where(Actor.id == engagement.actor_id)) or ""
        notify(
            db,
            initiative.convenor_id,
            "engagement_withdrawn",
            phrase("%(name)s stepped back from '%(title)s'.", name=name, title=initiative.title),
            link=f"/initiatives/{initiative.id}/invitations",
            network_id=initiative.network_id,
        )
        bump_version(db, engagement.network_id)
        db.flush()
    db.refresh(engagement)
    return engagement_view(db, engagement.id)


def set_listed(
    db: Session, caller: Caller, engagement_id: int, data: EngagementPatch
) -> EngagementOut:
    """The member chooses whether the team page names them."""
    engagement = _own_engagement(db, caller, engagement_id)
    engagement.listed = int(data.listed)
    db.flush()
    return engagement_view(db, engagement.id)


def team(db: Session, caller: Caller, initiative_id: int) -> TeamOut:
    """The team page of a project (or coalition page): roles, and the members who accepted and
    agreed to be listed, with the headline and bio their profile shows the caller.

    A page its convenor published is read by anyone; a caller from outside the network sees
    there only the members whose profile is public to them, and a count of the others."""
    publication = db.get(Publication, initiative_id)
    try:
        initiative = load_initiative(db, caller, initiative_id)
    except NotFound:
        found = published_initiative(db, initiative_id) if publication is not None else None
        if found is None:
            raise
        initiative = found
    slug = db.scalar(select(Network.slug).where(Network.id == initiative.network_id)) or ""
    rows = db.execute(
        select(Engagement, Actor)
        .join(Actor, Actor.id == Engagement.actor_id)
        .where(
            Engagement.initiative_id == initiative.id,
            Engagement.status.in_(list(CURRENT)),
            Engagement.listed == 1,
            Actor.anonymised == 0,
        )
        .order_by(Engagement.role_id, Actor.name, Engagement.id)
    ).all()
    members, seen, unnamed = _team_members(db, caller, initiative, rows)
    filled = Counter(role_id for _, role_id in seen)
    by_actor = {a.id: a.sector for _, a in rows}
    return TeamOut(
        initiative_id=initiative.id,
        network=slug,
        kind=initiative.kind,
        title=initiative.title,
        purpose=initiative.purpose,
        start_date=initiative.start_date,
        end_date=initiative.end_date,
        roles=[
            TeamRoleOut(
                id=r.id,
                title=r.title,
                seats=r.seats,
                filled=filled.get(r.id, 0),
                hours_per_week=r.hours_per_week,
                requirements=[f"{q.capability.term} ≥ {q.min_level}" for q in r.requirements],
            )
            for r in initiative.roles
        ],
        members=members,
        sectors=dict(sorted(Counter(by_actor.values()).items())),
        published_at=publication.published_at if publication is not None else None,
        unnamed_members=unnamed,
    )


def _team_members(
    db: Session,
    caller: Caller,
    initiative: Initiative,
    rows: Sequence[Row[Engagement, Actor]],
) -> tuple[list[TeamMemberOut], set[tuple[int, int | None]], int]:
    """The members the team page names (each once per role), the (actor, role) seats they
    fill, and how many it does not name (outside the network, their profile is not public)."""
    insider = caller.member_of(initiative.network_id)
    readable = set(
        db.scalars(
            select(Actor.id).where(Actor.id.in_({a.id for _, a in rows}), readable_actors(caller))
        )
    )
    roles = {r.id: r for r in initiative.roles}
    members: list[TeamMemberOut] = []
    seen: set[tuple[int, int | None]] = set()
    unnamed: set[int] = set()
    for e, actor in rows:
        if (actor.id, e.role_id) in seen:
            continue
        seen.add((actor.id, e.role_id))
        shown = actor.id in readable
        if not shown and not insider:
            unnamed.add(actor.id)
            continue
        role = roles.get(e.role_id) if e.role_id is not None else None
        members.append(
            TeamMemberOut(
                actor_id=actor.id,
                name=actor.name,
                kind=actor.kind,
                sector=actor.sector,
                headline=actor.headline if shown else "",
                bio=actor.bio if shown else "",
                role_id=e.role_id,
                role_title=role.title if role else None,
                # Agreed hours follow the member's capacity setting (a private field).
                hours_per_week=e.hours_per_week
                if capacity_visible(caller, actor, invited_by=False)
                else None,
            )
        )
    return members, seen, len(unnamed)


def capacity_visible(caller: Caller, actor: Actor, *, invited_by: bool) -> bool:
    return field_visible(caller, actor, actor.capacity_visibility, invited_by=invited_by)


def ledger_mismatches(db: Session, network_id: int | None = None) -> list[tuple[int, float, float]]:
    """Actors whose ledger differs from the sum of their active engagements (should be none)."""
    sums = (
        select(Engagement.actor_id, func.sum(Engagement.hours_per_week).label("hours"))
        .where(Engagement.status == "active")
        .group_by(Engagement.actor_id)
        .subquery()
    )
    stmt = select(Actor.id, Actor.committed_hours, func.coalesce(sums.c.hours, 0.0)).outerjoin(
        sums, sums.c.actor_id == Actor.id
    )
    if network_id is not None:
        stmt = stmt.where(Actor.network_id == network_id)
    return [
        (aid, committed, total)
        for aid, committed, total in db.execute(stmt).all()
        if abs(committed - total) > _EPSILON
    ]


def window(initiative: Initiative, engagement: EngagementOut) -> tuple[date, date | None]:
    """The dates an engagement spans: the initiative's window, else the engagement's own."""
    start = initiative.start_date or engagement.start_date or initiative.created_at.date()
    end = initiative.end_date or engagement.end_date
    if end is not None and end < start:
        end = start
    return start, end


__all__ = [
    "calendar_engagements",
    "end_initiative_engagements",
    "ledger_mismatches",
    "my_commitments",
    "open_engagement",
    "record",
    "release",
    "reserve",
    "set_listed",
    "settle_ended",
    "step_back",
    "team",
]
