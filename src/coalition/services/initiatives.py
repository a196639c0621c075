"""Initiatives and their roles: what a convenor sets out to do, and who it needs."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..clock import utcnow
from ..domain import STATUS_MOVES, InitiativeStatus
from ..errors import CoalitionError, Conflict, Forbidden, Invalid, NotFound
from ..i18n import _
from ..schemas.initiatives import (
    InitiativeIn,
    InitiativeOut,
    InitiativePatch,
    InitiativePreviewOut,
    MemberOut,
    PublicationOut,
    RequirementOut,
    RoleIn,
    RoleOut,
    RoleSupplyOut,
    SectorBounds,
)
from ..store.cache import bump_version
from ..store.tables import (
    Actor,
    ActorCapability,
    Engagement,
    Initiative,
    Network,
    Role,
    RoleRequirement,
)
from ..store.tables_publications import Publication
from .access import (
    Caller,
    load_readable,
    readable_actors,
    readable_initiatives,
    require_role,
)
from .directory import ensure_same_network
from .networks import capability_ids

#: Statuses in which an initiative's work is over: its engagements end, capacity returns.
CLOSED_STATUSES = (InitiativeStatus.completed.value, InitiativeStatus.closed.value)


def load_initiative(db: Session, caller: Caller, initiative_id: int) -> Initiative:
    return load_readable(db, caller, Initiative, initiative_id)


def require_convenor(db: Session, caller: Caller, initiative: Initiative) -> Network:
    """The initiative's own convenor, or a steward, may change it."""
    network = db.get_one(Network, initiative.network_id)
    if initiative.convenor_id is not None and caller.owns(initiative.convenor_id):
        require_role(caller, network, "member")
        return network
    if initiative.convenor_id is None:
        require_role(caller, network, "convenor")
        return network
    if not caller.has_role(network.id, "steward"):
        require_role(caller, network, "member")  # a visitor is asked to sign in first
        raise Forbidden(
            _(
                "only the convenor of this initiative can do this (or a steward of the "
                "network); ask its convenor"
            )
        )
    return network


def _role(db: Session, network: Network, data: RoleIn, index: int) -> Role:
    ids = _requirement_ids(db, network, data, index)
    return Role(
        title=data.title,
        seats=data.seats,
        hours_per_week=data.hours_per_week,
        languages=list(data.languages),
        timezone_regions=list(data.timezone_regions),
        requirements=[
            RoleRequirement(capability_id=ids[r.capability], min_level=r.min_level)
            for r in data.requirements
        ],
    )


def _requirement_ids(db: Session, network: Network, data: RoleIn, index: int) -> dict[str, int]:
    terms = [r.capability for r in data.requirements]
    if len(set(terms)) != len(terms):
        raise Invalid(_("each capability once per role"), field=f"roles[{index}].requirements")
    return capability_ids(db, network, terms, field=f"roles[{index}].requirements")


def _title_taken(db: Session, network_id: int, title: str, exclude: int | None = None) -> bool:
    stmt = select(func.count()).where(
        Initiative.network_id == network_id, Initiative.title == title
    )
    if exclude is not None:
        stmt = stmt.where(Initiative.id != exclude)
    return bool(db.scalar(stmt))


def _checked_convenor(
    db: Session, caller: Caller, network: Network, data: InitiativeIn
) -> int | None:
    """Every check of a new initiative but its roles; the actor who will convene it."""
    require_role(caller, network, "convenor")
    if _title_taken(db, network.id, data.title):
        raise Conflict(_("an initiative called '%(title)s' exists already") % {"title": data.title})
    convenor_id = data.convenor_id
    if convenor_id is None and len(caller.actor_ids) >= 1:
        mine = db.scalars(
            select(Actor.id).where(
                Actor.id.in_(list(caller.actor_ids)), Actor.network_id == network.id
            )
        ).first()
        convenor_id = mine
    if convenor_id is not None:
        ensure_same_network(db, network, [convenor_id], field="convenor_id")
    return convenor_id


def create_initiative(
    db: Session, caller: Caller, network: Network, data: InitiativeIn
) -> InitiativeOut:
    """Open an initiative with its roles; the caller's own actor convenes it by default."""
    convenor_id = _checked_convenor(db, caller, network, data)
    initiative = Initiative(
        network_id=network.id,
        kind=data.kind,
        title=data.title,
        purpose=data.purpose,
        purpose_tags=list(data.purpose_tags),
        start_date=data.start_date,
        end_date=data.end_date,
        budget=data.budget,
        status=data.status,
        sector_mix={k: v.model_dump() for k, v in data.sector_mix.items()},
        max_per_organisation=data.max_per_organisation,
        timezone_coverage=list(data.timezone_coverage),
        convenor_id=convenor_id,
        roles=[_role(db, network, r, i) for i, r in enumerate(data.roles)],
    )
    db.add(initiative)
    db.flush()
    return initiative_view(db, initiative)


def preview_initiative(
    db: Session, caller: Caller, network: Network, data: InitiativeIn
) -> InitiativePreviewOut:
    """Make every check :func:`create_initiative` makes, write nothing, and say for each role
    how many profiles the caller can see meet its capability minimums (capacity, rates and
    languages are left to formation, which weighs them without showing them)."""
    _checked_convenor(db, caller, network, data)
    supply = []
    for i, role in enumerate(data.roles):
        ids = _requirement_ids(db, network, role, i)
        stmt = select(func.count()).where(
            Actor.network_id == network.id,
            Actor.visibility != "private",
            readable_actors(caller),
        )
        for r in role.requirements:
            stmt = stmt.where(
                Actor.id.in_(
                    select(ActorCapability.actor_id).where(
                        ActorCapability.capability_id == ids[r.capability],
                        ActorCapability.level >= r.min_level,
                    )
                )
            )
        supply.append(
            RoleSupplyOut(title=role.title, seats=role.seats, eligible=db.scalar(stmt) or 0)
        )
    return InitiativePreviewOut(title=data.title, kind=data.kind, roles=supply)


def update_initiative(
    db: Session, caller: Caller, initiative_id: int, data: InitiativePatch
) -> InitiativeOut:
    """Change an initiative; status moves follow draft → forming → active → completed/closed.

    Every change is written to the initiative's history (services/lifecycle.py); a new status
    has the effects its action has there (closing withdraws invitations and offers, ends the
    engagements and returns their hours)."""
    from .lifecycle import apply_status_effects, by_of, plain, record_change

    initiative = load_initiative(db, caller, initiative_id)
    require_convenor(db, caller, initiative)
    sent = data.model_dump(exclude_unset=True)
    if sent.get("title") and _title_taken(db, initiative.network_id, sent["title"], initiative.id):
        raise Conflict(
            _("an initiative called '%(title)s' exists already") % {"title": sent["title"]}
        )
    new_status: InitiativeStatus | None = None
    if "status" in sent and sent["status"] != initiative.status:
        old, new_status = InitiativeStatus(initiative.status), InitiativeStatus(sent["status"])
        if new_status not in STATUS_MOVES[old]:
            raise Conflict(
                _("an initiative cannot move from %(value)s to %(value2)s")
                % {"value": old.value, "value2": new_status.value}
            )
    by = by_of(caller, initiative)
    for name, value in sent.items():
        if name == "sector_mix":
            value = {k: SectorBounds.model_validate(v).model_dump() for k, v in value.items()}
        if name in {"title", "status"} and value is None:
            raise Invalid(_("%(name)s cannot be empty") % {"name": name}, field=name)
        record_change(db, initiative, name, plain(getattr(initiative, name)), plain(value), by)
        setattr(initiative, name, value)
    start, end = initiative.start_date, initiative.end_date
    if start and end and end < start:
        raise Invalid(_("end_date must not be before start_date"), field="end_date")
    db.flush()
    if new_status is not None:
        apply_status_effects(db, initiative, new_status, by, utcnow())
        bump_version(db, initiative.network_id)
        db.flush()
    return initiative_view(db, initiative)


def add_role(db: Session, caller: Caller, initiative_id: int, data: RoleIn) -> InitiativeOut:
    initiative = load_initiative(db, caller, initiative_id)
    network = require_convenor(db, caller, initiative)
    initiative.roles.append(_role(db, network, data, len(initiative.roles)))
    db.flush()
    return initiative_view(db, initiative)


def delete_role(db: Session, caller: Caller, initiative_id: int, role_id: int) -> InitiativeOut:
    initiative = load_initiative(db, caller, initiative_id)
    require_convenor(db, caller, initiative)
    role = next((r for r in initiative.roles if r.id == role_id), None)
    if role is None:
        raise NotFound(
            _("no role %(role_id)s in initiative %(initiative_id)s")
            % {"role_id": role_id, "initiative_id": initiative_id}
        )
    taken = db.scalar(
        select(func.count()).where(Engagement.role_id == role_id, Engagement.status == "active")
    )
    if taken:
        raise Conflict(_("this role has active engagements; members must step back first"))
    initiative.roles.remove(role)
    db.flush()
    return initiative_view(db, initiative)


def list_initiatives(
    db: Session, caller: Caller, network: Network, status: str | None = None
) -> list[InitiativeOut]:
    stmt = select(Initiative).where(
        Initiative.network_id == network.id,
        readable_initiatives(caller),
    )
    if status:
        stmt = stmt.where(Initiative.status == status)
    rows = db.scalars(stmt.order_by(Initiative.start_date.desc(), Initiative.id.desc())).all()
    members = _listed_members(db, [i.id for i in rows])
    return [initiative_view(db, i, slug=network.slug, members=members.get(i.id, [])) for i in rows]


def _listed_members(
    db: Session, initiative_ids: list[int]
) -> dict[int, list[tuple[Engagement, str]]]:
    """Each initiative's listed engagements (active or completed) and names, in one query."""
    out: dict[int, list[tuple[Engagement, str]]] = {}
    if not initiative_ids:
        return out
    rows = db.execute(
        select(Engagement, Actor.name)
        .join(Actor, Actor.id == Engagement.actor_id)
        .where(
            Engagement.initiative_id.in_(initiative_ids),
            Engagement.status.in_(["active", "completed"]),
            Engagement.listed == 1,
        )
        .order_by(Engagement.id)
    ).all()
    for engagement, name in rows:
        out.setdefault(engagement.initiative_id, []).append((engagement, name))
    return out


def get_initiative(db: Session, caller: Caller, initiative_id: int) -> InitiativeOut:
    return initiative_view(db, load_initiative(db, caller, initiative_id))


def initiative_view(
    db: Session,
    initiative: Initiative,
    slug: str | None = None,
    members: list[tuple[Engagement, str]] | None = None,
) -> InitiativeOut:
    """The initiative; ``members`` when the caller read them for a whole list already."""
    if slug is None:
        slug = db.scalar(select(Network.slug).where(Network.id == initiative.network_id)) or ""
    if members is None:
        members = _listed_members(db, [initiative.id]).get(initiative.id, [])
    return InitiativeOut(
        id=initiative.id,
        network=slug,
        kind=initiative.kind,
        title=initiative.title,
        purpose=initiative.purpose,
        purpose_tags=list(initiative.purpose_tags or []),
        start_date=initiative.start_date,
        end_date=initiative.end_date,
        budget=initiative.budget,
        status=initiative.status,
        sector_mix={
            k: SectorBounds.model_validate(v) for k, v in (initiative.sector_mix or {}).items()
        },
        max_per_organisation=initiative.max_per_organisation,
        timezone_coverage=list(initiative.timezone_coverage or []),
        convenor_id=initiative.convenor_id,
        roles=[
            RoleOut(
                id=r.id,
                title=r.title,
                seats=r.seats,
                hours_per_week=r.hours_per_week,
                languages=list(r.languages or []),
                timezone_regions=list(r.timezone_regions or []),
                requirements=[
                    RequirementOut(capability=q.capability.term, min_level=q.min_level)
                    for q in r.requirements
                ],
                open_call=bool(r.open_call),
                retired=r.retired_at is not None,
            )
            for r in initiative.roles
        ],
        members=[
            MemberOut(
                actor_id=e.actor_id,
                name=name,
                role_id=e.role_id,
                hours_per_week=e.hours_per_week,
                status=e.status,
            )
            for e, name in members
        ],
    )


def can_convene(db: Session, caller: Caller, initiative_id: int) -> bool:
    """Whether the caller may change the initiative (its convenor, or a steward)."""
    try:
        require_convenor(db, caller, load_initiative(db, caller, initiative_id))
    except CoalitionError:
        return False
    return True


# -- publishing the team (or coalition) page ----------------------------------------------


def initiative_titles(db: Session, ids: set[int]) -> dict[int, str]:
    """The title of each initiative in ``ids``, by id."""
    rows = db.execute(select(Initiative.id, Initiative.title).where(Initiative.id.in_(ids)))
    return {i: title for i, title in rows}


def published_initiative(db: Session, initiative_id: int) -> Initiative | None:
    """The initiative if its team page is published (then anyone may read that page)."""
    return db.scalars(
        select(Initiative)
        .join(Publication, Publication.initiative_id == Initiative.id)
        .where(Initiative.id == initiative_id)
    ).first()


def _publication_view(initiative_id: int, row: Publication | None) -> PublicationOut:
    return PublicationOut(
        initiative_id=initiative_id,
        published=row is not None,
        published_at=row.published_at if row is not None else None,
        url=f"/initiatives/{initiative_id}/team",
    )


def get_publication(db: Session, caller: Caller, initiative_id: int) -> PublicationOut:
    if published_initiative(db, initiative_id) is None:
        load_initiative(db, caller, initiative_id)
    return _publication_view(initiative_id, db.get(Publication, initiative_id))


def publish_team(db: Session, caller: Caller, initiative_id: int) -> PublicationOut:
    """Make the team page public: anyone may read it, members whose profile is not public
    are counted but not named. Needs somebody on the team (accepted and listed)."""
    initiative = load_initiative(db, caller, initiative_id)
    require_convenor(db, caller, initiative)
    row = db.get(Publication, initiative.id)
    if row is not None:
        return _publication_view(initiative.id, row)
    listed = db.scalar(
        select(func.count()).where(
            Engagement.initiative_id == initiative.id,
            Engagement.status.in_(["active", "completed"]),
            Engagement.listed == 1,
        )
    )
    if not listed:
        raise Conflict(
            _(
                "nobody has accepted a seat (and agreed to be listed) yet: "
                "publish the page once the team has members"
            )
        )
    row = Publication(initiative_id=initiative.id, published_by=caller.account_id)
    db.add(row)
    db.flush()
    return _publication_view(initiative.id, row)


def unpublish_team(db: Session, caller: Caller, initiative_id: int) -> PublicationOut:
    """Take the team page back to the network's members only."""
    initiative = load_initiative(db, caller, initiative_id)
    require_convenor(db, caller, initiative)
    row = db.get(Publication, initiative.id)
    if row is not None:
        db.delete(row)
        db.flush()
    return _publication_view(initiative.id, None)


__all__ = [
    "add_role",
    "bump_version",
    "can_convene",
    "create_initiative",
    "delete_role",
    "get_initiative",
    "get_publication",
    "list_initiatives",
    "preview_initiative",
    "publish_team",
    "published_initiative",
    "unpublish_team",
    "update_initiative",
]
