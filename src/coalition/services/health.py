"""Partnership health checks: a periodic survey of an initiative's members on the standard
building blocks (shared purpose, trust, communication, fair value, decision-making,
accountability, learning), each rated 1–5.

Results are shown per block as the mean *and the disagreement* — population standard
deviation and range (:func:`coalition.engines.outcomes.spread`) — over time, because a
partnership whose members disagree about its trust has a problem that an average hides.
Individual ratings are never shown to others: only their aggregates, and each member's own.
An aggregate of one or two ratings would show them (the minimum and maximum of two raters are
their ratings), so a block's mean and spread appear only from ``MIN_RATERS`` raters up; below,
only how many rated it.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..engines.outcomes import spread
from ..errors import Conflict, Forbidden, Unauthorized
from ..i18n import _
from ..schemas.outcomes import (
    BLOCK_LABELS,
    BLOCKS,
    BlockSpreadOut,
    HealthCheckIn,
    HealthCheckOut,
    HealthOverviewOut,
    RatingsIn,
)
from ..store.tables import Initiative
from ..store.tables_outcomes import HealthCheck, HealthRating
from .access import Caller, load_readable, readable_initiatives
from .initiatives import load_initiative, require_convenor
from .outcomes import initiative_member_ids

#: The fewest raters of a block whose ratings are summarised (mean, spread, range).
MIN_RATERS = 3


def _block_views(ratings: dict[str, list[int]]) -> list[BlockSpreadOut]:
    out = []
    for block in BLOCKS:
        values = ratings.get(block, [])
        if len(values) >= MIN_RATERS:
            s = spread(values)
            out.append(
                BlockSpreadOut(
                    block=block,
                    label=BLOCK_LABELS[block],
                    n=s.n,
                    mean=round(s.mean, 3),
                    sd=round(s.sd, 3),
                    minimum=int(s.minimum),
                    maximum=int(s.maximum),
                    range=int(s.range),
                )
            )
        else:
            out.append(
                BlockSpreadOut(
                    block=block,
                    label=BLOCK_LABELS[block],
                    n=len(values),
                    mean=None,
                    sd=None,
                    minimum=None,
                    maximum=None,
                    range=None,
                )
            )
    return out


def _check_views(
    db: Session, caller: Caller, initiative: Initiative, checks: list[HealthCheck]
) -> list[HealthCheckOut]:
    ids = [c.id for c in checks]
    by_check: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    respondents: dict[int, set[int]] = defaultdict(set)
    mine: dict[int, dict[str, int]] = defaultdict(dict)
    if ids:
        for r in db.scalars(select(HealthRating).where(HealthRating.check_id.in_(ids))):
            by_check[r.check_id][r.block].append(r.rating)
            respondents[r.check_id].add(r.actor_id)
            if r.actor_id in caller.actor_ids:
                mine[r.check_id][r.block] = r.rating
    members = len(initiative_member_ids(db, initiative))
    return [
        HealthCheckOut(
            id=c.id,
            initiative_id=c.initiative_id,
            held_on=c.held_on,
            label=c.label,
            respondents=len(respondents[c.id]),
            members=members,
            blocks=_block_views(by_check[c.id]),
            my_ratings=mine[c.id],
        )
        for c in checks
    ]


def open_check(
    db: Session, caller: Caller, initiative_id: int, data: HealthCheckIn
) -> HealthCheckOut:
    """Open a round of the health survey (the initiative's convenor, or a steward)."""
    initiative = load_initiative(db, caller, initiative_id)
    require_convenor(db, caller, initiative)
    taken = db.scalar(
        select(func.count()).where(
            HealthCheck.initiative_id == initiative.id, HealthCheck.held_on == data.held_on
        )
    )
    if taken:
        raise Conflict(
            _("a health check on %(value)s exists already") % {"value": data.held_on.isoformat()}
        )
    check = HealthCheck(
        network_id=initiative.network_id,
        initiative_id=initiative.id,
        held_on=data.held_on,
        label=data.label or f"Health check {data.held_on.isoformat()}",
    )
    db.add(check)
    db.flush()
    return _check_views(db, caller, initiative, [check])[0]


def _load_check(db: Session, caller: Caller, check_id: int) -> HealthCheck:
    return load_readable(db, caller, HealthCheck, check_id)


def rate(db: Session, caller: Caller, check_id: int, data: RatingsIn) -> HealthCheckOut:
    """Record (or change) a member's ratings; only actors on the initiative may rate."""
    check = _load_check(db, caller, check_id)
    initiative = db.get_one(Initiative, check.initiative_id)
    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    if not caller.owns(data.actor_id):
        raise Forbidden(_("you may rate only as an actor of your own"))
    if data.actor_id not in initiative_member_ids(db, initiative):
        raise Forbidden(
            _(
                "actor %(actor_id)s is not engaged in initiative %(id)s; only "
                "its members rate its health"
            )
            % {"actor_id": data.actor_id, "id": initiative.id}
        )
    db.execute(
        delete(HealthRating).where(
            HealthRating.check_id == check.id,
            HealthRating.actor_id == data.actor_id,
            HealthRating.block.in_(list(data.ratings)),
        )
    )
    for block, value in data.ratings.items():
        db.add(HealthRating(check_id=check.id, actor_id=data.actor_id, block=block, rating=value))
    db.flush()
    return _check_views(db, caller, initiative, [check])[0]


def health_overview(db: Session, caller: Caller, initiative_id: int) -> HealthOverviewOut:
    """Every health check of an initiative, oldest first, with mean and spread per block."""
    initiative = load_initiative(db, caller, initiative_id)
    checks = db.scalars(
        select(HealthCheck)
        .where(HealthCheck.initiative_id == initiative.id)
        .order_by(HealthCheck.held_on, HealthCheck.id)
    ).all()
    return HealthOverviewOut(
        initiative_id=initiative.id,
        blocks=list(BLOCKS),
        checks=_check_views(db, caller, initiative, list(checks)),
    )


def network_health_summary(
    db: Session, caller: Caller, network_id: int
) -> list[tuple[HealthCheck, str, list[BlockSpreadOut]]]:
    """For the CSV export: (check, initiative title, block spreads) of every readable check."""
    rows = db.execute(
        select(HealthCheck, Initiative)
        .join(Initiative, Initiative.id == HealthCheck.initiative_id)
        .where(HealthCheck.network_id == network_id, readable_initiatives(caller))
        .order_by(Initiative.title, HealthCheck.held_on)
    ).all()
    ratings: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    ids = [c.id for c, _ in rows]
    if ids:
        for r in db.scalars(select(HealthRating).where(HealthRating.check_id.in_(ids))):
            ratings[r.check_id][r.block].append(r.rating)
    return [(c, i.title, _block_views(ratings[c.id])) for c, i in rows]


__all__ = ["MIN_RATERS", "health_overview", "network_health_summary", "open_check", "rate"]
