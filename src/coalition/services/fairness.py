"""Fairness of opportunity across a network: who is invited and engaged, by sector and by
tenure (newcomer / veteran), how concentrated opportunity is (Gini), and which members
contribute much but are recognised little.

Definitions, as of a reference date ``on``:

- *engagements*: active or completed engagements that started on or before ``on``;
- *invitations*: invitations received up to ``on`` — counted only when the invitations table
  is part of this installation's schema (the invitations area is optional here);
- *opportunity* = invitations + engagements;
- *newcomer*: joined within the last 365 days (:func:`engines.outcomes.is_newcomer`);
  actors with no joining date form the group "unknown";
- *contribution* = confirmed contributions + reuses of assets the actor authored;
- *recognition* = invitations + listed engagements (those shown on team pages);
- *under-recognised*: contribution in the top quarter and recognition in the bottom quarter
  of the network (:func:`engines.outcomes.under_recognised`).

Aggregates cover every (non-anonymised) member; the list of named members holds only those
whose profile the caller may see.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Literal

import numpy as np
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .. import clock
from ..engines.formation import Candidate, CandidateIndex, RoleSpec
from ..engines.formation.fairness import EXPOSURE_HALF_LIFE_DAYS
from ..engines.outcomes import gini, is_newcomer, lorenz_curve, under_recognised
from ..errors import Invalid
from ..i18n import _
from ..schemas.outcomes import (
    FairnessGroupOut,
    FairnessOut,
    FairnessWeightIn,
    FairnessWeightOut,
    GiniPointOut,
    UnderRecognisedOut,
)
from ..store.tables import (
    Actor,
    ActorCapability,
    Base,
    Capability,
    Engagement,
    Network,
    Role,
)
from ..store.tables_outcomes import AssetAuthor, AssetReuse, Contribution
from .access import Caller, readable_actors, require_role
from .outcomes import ON_INITIATIVE

#: The platform's default weight of fairness in formation, where stewards set none.
DEFAULT_WEIGHT = 0.3
#: Chances older than this many half-lives are left out of exposure (they weigh < 1/64).
_HORIZON_HALF_LIVES = 6


def network_weight(network: Network) -> float:
    """The network's default fairness weight (the stewards', else :data:`DEFAULT_WEIGHT`)."""
    return DEFAULT_WEIGHT if network.fairness_weight is None else float(network.fairness_weight)


def get_weight(db: Session, caller: Caller, network: Network) -> FairnessWeightOut:
    """The default weight of fairness members' proposals use in ``network``."""
    require_role(caller, network, "member")
    return FairnessWeightOut(
        network=network.slug,
        weight=network_weight(network),
        default=network.fairness_weight is None,
    )


def set_weight(
    db: Session, caller: Caller, network: Network, data: FairnessWeightIn
) -> FairnessWeightOut:
    """Stewards set the weight fairness gets in a proposal when its request names none."""
    require_role(caller, network, "steward")
    if data.weight > 100:
        raise Invalid(_("the weight is at most 100"), field="weight")
    network.fairness_weight = float(data.weight)
    db.flush()
    return get_weight(db, caller, network)


def _chance_dates(
    db: Session, network_id: int, since: date | None, actor_id: int | None = None
) -> list[tuple[int, date]]:
    """(actor, date) of every chance in the network (or of one actor): engagements (by start,
    else creation) and, where the invitations area is installed, invitations (by creation)."""
    stmt = select(Engagement.actor_id, Engagement.start_date, Engagement.created_at).where(
        Engagement.network_id == network_id
    )
    if actor_id is not None:
        stmt = stmt.where(Engagement.actor_id == actor_id)
    if since is not None:
        stmt = stmt.where(or_(Engagement.start_date >= since, Engagement.created_at >= since))
    out = [(a, s or c.date()) for a, s, c in db.execute(stmt)]
    table = Base.metadata.tables.get("invitations")
    if table is not None and {"actor_id", "network_id", "created_at"} <= set(table.c.keys()):
        inv = select(table.c.actor_id, table.c.created_at).where(table.c.network_id == network_id)
        if actor_id is not None:
            inv = inv.where(table.c.actor_id == actor_id)
        if since is not None:
            inv = inv.where(table.c.created_at >= datetime.combine(since, time.min))
        out.extend((a, c.date()) for a, c in db.execute(inv))
    return out


def exposure_by_actor(
    db: Session, network_id: int, today: date, actor_id: int | None = None
) -> dict[int, float]:
    """Each member's (or one member's) time-decayed count of recent chances as of ``today``
    (:func:`~coalition.engines.formation.fairness.decayed_exposure`, summed per member)."""
    horizon = today - timedelta(days=int(EXPOSURE_HALF_LIFE_DAYS * _HORIZON_HALF_LIVES))
    events = _chance_dates(db, network_id, horizon, actor_id)
    if not events:
        return {}
    actors = np.fromiter((a for a, _ in events), dtype=np.int64, count=len(events))
    ages = np.fromiter(((today - d).days for _, d in events), dtype=np.float64, count=len(events))
    weights = 0.5 ** (np.maximum(ages, 0.0) / EXPOSURE_HALF_LIFE_DAYS)
    ids, inverse = np.unique(actors, return_inverse=True)
    sums = np.bincount(inverse, weights=weights)
    return dict(zip(ids.tolist(), sums.tolist(), strict=True))


def qualifying_actors(db: Session, network: Network, initiative_ids: Iterable[int]) -> set[int]:
    """The members who qualify for at least one role of the given initiatives.

    Qualifying is what formation asks of a seat holder, read by the formation engine itself
    (:meth:`~coalition.engines.formation.candidates.CandidateIndex.eligible`): every
    capability minimum, the role's languages and its hours a week within the member's
    capacity - the whole capacity, since qualifying does not depend on what one is busy
    with today - among the members formation may propose (neither private nor anonymised).
    A member with no capacity at all, or who keeps their profile private, is never asked,
    so does not count among those an unfair spread leaves out.
    """
    ids = sorted(set(initiative_ids))
    roles = db.scalars(select(Role).where(Role.initiative_id.in_(ids)).order_by(Role.id)).all()
    levels: dict[int, dict[str, int]] = defaultdict(dict)
    for actor_id, term, level in db.execute(
        select(ActorCapability.actor_id, Capability.term, ActorCapability.level)
        .join(Capability, Capability.id == ActorCapability.capability_id)
        .where(Capability.network_id == network.id)
    ):
        levels[actor_id][term] = level
    members = db.execute(
        select(Actor.id, Actor.languages, Actor.capacity_hours).where(
            Actor.network_id == network.id, Actor.anonymised == 0, Actor.visibility != "private"
        )
    ).all()
    if not roles or not members:
        return set()
    index = CandidateIndex(
        [
            Candidate(
                actor_id=a.id,
                capabilities=levels.get(a.id, {}),
                capacity_left_hours=max(float(a.capacity_hours or 0.0), 0.0),
                languages=frozenset(a.languages or []),
            )
            for a in members
        ]
    )
    anyone = np.zeros(len(index), dtype=bool)
    out: set[int] = set()
    for role in roles:
        spec = RoleSpec(
            key=str(role.id),
            requirements={q.capability.term: q.min_level for q in role.requirements},
            hours_per_week=role.hours_per_week,
            languages=frozenset(role.languages or []),
        )
        out.update(index.actor_ids[index.eligible(spec, anyone)].tolist())
    return out


def _invitations(db: Session, network: Network, on: date) -> Counter[int] | None:
    table = Base.metadata.tables.get("invitations")
    if table is None or "actor_id" not in table.c or "network_id" not in table.c:
        return None
    stmt = select(table.c.actor_id, func.count()).where(table.c.network_id == network.id)
    if "created_at" in table.c:
        stmt = stmt.where(table.c.created_at <= datetime.combine(on, time.max))
    return Counter(dict(db.execute(stmt.group_by(table.c.actor_id)).all()))


def _engagements(db: Session, network: Network, on: date, *, listed: bool) -> Counter[int]:
    stmt = select(Engagement.actor_id, func.count()).where(
        Engagement.network_id == network.id,
        Engagement.status.in_(ON_INITIATIVE),
        or_(Engagement.start_date.is_(None), Engagement.start_date <= on),
    )
    if listed:
        stmt = stmt.where(Engagement.listed == 1)
    return Counter(dict(db.execute(stmt.group_by(Engagement.actor_id)).all()))


def _contributions(db: Session, network: Network, on: date) -> Counter[int]:
    confirmed = db.execute(
        select(Contribution.contributor_id, func.count())
        .where(
            Contribution.network_id == network.id,
            Contribution.status == "confirmed",
            Contribution.contributed_on <= on,
        )
        .group_by(Contribution.contributor_id)
    ).all()
    credits = db.execute(
        select(AssetAuthor.actor_id, func.count())
        .join(AssetReuse, AssetReuse.asset_id == AssetAuthor.asset_id)
        .where(AssetReuse.network_id == network.id, AssetReuse.reused_on <= on)
        .group_by(AssetAuthor.actor_id)
    ).all()
    total: Counter[int] = Counter()
    for actor_id, n in [*confirmed, *credits]:
        total[actor_id] += n
    return total


def _group(
    dimension: Literal["sector", "region", "tenure"],
    name: str,
    members: list[int],
    engagements: Counter[int],
    invitations: Counter[int] | None,
) -> FairnessGroupOut:
    n = len(members)
    engaged = sum(1 for a in members if engagements[a] > 0)
    total_eng = sum(engagements[a] for a in members)
    invited = sum(1 for a in members if invitations[a] > 0) if invitations is not None else None
    total_inv = sum(invitations[a] for a in members) if invitations is not None else None
    return FairnessGroupOut(
        dimension=dimension,
        group=name,
        actors=n,
        invited=invited,
        engaged=engaged,
        invitations=total_inv,
        engagements=total_eng,
        share_invited=round(invited / n, 4) if invited is not None and n else None,
        share_engaged=round(engaged / n, 4) if n else 0.0,
        engagements_per_actor=round(total_eng / n, 4) if n else 0.0,
        gini_opportunity=round(
            gini([float(engagements[a] + (invitations or Counter[int]())[a]) for a in members]),
            4,
        ),
    )


def _over_time(
    db: Session, network: Network, actors: list[tuple[int, date | None]], on: date
) -> list[GiniPointOut]:
    """Gini of opportunity among the members of the day, every quarter of the last two years."""
    position = {a: k for k, (a, _) in enumerate(actors)}
    events = [
        (position[a], d.toordinal())
        for a, d in _chance_dates(db, network.id, None)
        if a in position
    ]
    who = np.array([k for k, _ in events], dtype=np.int64)
    when = np.array([d for _, d in events], dtype=np.int64)
    joined = np.array([j.toordinal() if j is not None else 0 for _, j in actors], dtype=np.int64)
    points = []
    for quarter in range(8, -1, -1):
        day = on - timedelta(days=91 * quarter)
        counts = np.bincount(who[when <= day.toordinal()], minlength=len(actors))
        present = joined <= day.toordinal()
        if present.any():
            values = counts[present].astype(np.float64).tolist()
            points.append(GiniPointOut(on=day, gini=round(gini(values), 4)))
    return points


def fairness_report(
    db: Session, caller: Caller, network: Network, on: date | None = None
) -> FairnessOut:
    """Who gets the opportunities in ``network`` as of ``on`` (default today); members only."""
    require_role(caller, network, "member")
    on = on or clock.today()
    actors = [
        a
        for a in db.execute(
            select(Actor.id, Actor.name, Actor.sector, Actor.region, Actor.joined_on)
            .where(Actor.network_id == network.id, Actor.anonymised == 0)
            .order_by(Actor.id)
        ).all()
        if a.joined_on is None or a.joined_on <= on
    ]
    ids = [a.id for a in actors]
    engagements = _engagements(db, network, on, listed=False)
    listed = _engagements(db, network, on, listed=True)
    invitations = _invitations(db, network, on)
    contributions = _contributions(db, network, on)
    inv = invitations if invitations is not None else Counter[int]()
    opportunity = [float(inv[i] + engagements[i]) for i in ids]

    groups: list[FairnessGroupOut] = []
    by_sector: dict[str, list[int]] = {}
    by_tenure: dict[str, list[int]] = {}
    by_region: dict[str, list[int]] = {}
    tenure_of: dict[int, bool | None] = {}
    for a in actors:
        by_sector.setdefault(a.sector, []).append(a.id)
        by_region.setdefault(a.region or "unknown", []).append(a.id)
        tenure_of[a.id] = is_newcomer(a.joined_on, on)
        label = {True: "newcomer", False: "veteran", None: "unknown"}[tenure_of[a.id]]
        by_tenure.setdefault(label, []).append(a.id)
    for sector in sorted(by_sector):
        groups.append(_group("sector", sector, by_sector[sector], engagements, invitations))
    for region in sorted(by_region):
        groups.append(_group("region", region, by_region[region], engagements, invitations))
    for label in ("newcomer", "veteran", "unknown"):
        if label in by_tenure:
            groups.append(_group("tenure", label, by_tenure[label], engagements, invitations))

    contribution = [float(contributions[i]) for i in ids]
    recognition = [float(inv[i] + listed[i]) for i in ids]
    flagged = under_recognised(contribution, recognition)
    visible = set(
        db.scalars(
            select(Actor.id).where(Actor.id.in_([ids[k] for k in flagged]), readable_actors(caller))
        )
    )
    under = [
        UnderRecognisedOut(
            actor_id=actors[k].id,
            name=actors[k].name,
            sector=actors[k].sector,
            newcomer=tenure_of[actors[k].id],
            contribution=int(contribution[k]),
            recognition=int(recognition[k]),
        )
        for k in flagged
        if actors[k].id in visible
    ]
    return FairnessOut(
        network=network.slug,
        on=on,
        actors=len(actors),
        invitations_counted=invitations is not None,
        gini_engagements=round(gini([float(engagements[i]) for i in ids]), 4),
        gini_invitations=round(gini([float(inv[i]) for i in ids]), 4)
        if invitations is not None
        else None,
        gini_opportunity=round(gini(opportunity), 4),
        lorenz=[(round(x, 4), round(y, 4)) for x, y in lorenz_curve(opportunity, points=100)],
        groups=groups,
        under_recognised=under,
        over_time=_over_time(db, network, [(a.id, a.joined_on) for a in actors], on),
        weight=network_weight(network),
    )


__all__ = [
    "DEFAULT_WEIGHT",
    "exposure_by_actor",
    "fairness_report",
    "get_weight",
    "network_weight",
    "qualifying_actors",
    "set_weight",
]
