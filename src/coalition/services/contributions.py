"""The contribution ledger: who gave what to which initiative, seen and confirmed by a peer.

Two-sided by design: a contribution is recorded by the contributing actor (for an initiative
they are on) and confirmed by *another* actor on the same initiative. Confirmation turns it
into a tie of the interdependence map between contributor and confirmer (origin
``contribution``) and marks the network's derived analytics stale.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..errors import Conflict, Forbidden, Invalid, Unauthorized
from ..i18n import _
from ..schemas.outcomes import (
    ContributionIn,
    ContributionKindName,
    ContributionOut,
    ContributionStatusName,
)
from ..store.cache import bump_version
from ..store.tables import Initiative, Network, Tie
from ..store.tables_outcomes import Contribution
from .access import Caller, load_readable, readable_networks, require_role
from .initiatives import initiative_titles, load_initiative
from .outcomes import initiative_member_ids, visible_names

#: The tie each kind of contribution creates once it is confirmed.
TIE_KIND = {
    "knowledge": "shared_knowledge",
    "money": "funded",
    "introductions": "referred",
    "time": "collaborated",
    "facilitation": "collaborated",
    "in_kind": "collaborated",
}


def _views(db: Session, caller: Caller, rows: list[Contribution]) -> list[ContributionOut]:
    names = visible_names(
        db,
        caller,
        [r.contributor_id for r in rows] + [r.confirmed_by_id for r in rows if r.confirmed_by_id],
    )
    titles = initiative_titles(db, {r.initiative_id for r in rows})
    return [
        ContributionOut(
            id=r.id,
            initiative_id=r.initiative_id,
            initiative_title=titles.get(r.initiative_id, ""),
            contributor_id=r.contributor_id,
            contributor_name=names.get(r.contributor_id),
            kind=cast(ContributionKindName, r.kind),  # the column's CHECK holds it
            amount=r.amount,
            unit=r.unit,
            description=r.description,
            contributed_on=r.contributed_on,
            status=cast(ContributionStatusName, r.status),
            confirmed_by_id=r.confirmed_by_id,
            confirmed_by_name=names.get(r.confirmed_by_id) if r.confirmed_by_id else None,
            confirmed_at=r.confirmed_at,
            tie_id=r.tie_id,
        )
        for r in rows
    ]


def record_contribution(
    db: Session, caller: Caller, initiative_id: int, data: ContributionIn
) -> ContributionOut:
    """Record a contribution by the caller's own actor to an initiative they are on."""
    initiative = load_initiative(db, caller, initiative_id)
    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    if not caller.owns(data.contributor_id):
        raise Forbidden(_("a contribution is recorded by the contributor themselves"))
    if data.contributor_id not in initiative_member_ids(db, initiative):
        raise Invalid(
            _(
                "actor %(contributor_id)s is not on initiative %(id)s; only its "
                "members record contributions to it"
            )
            % {"contributor_id": data.contributor_id, "id": initiative.id},
            field="contributor_id",
        )
    row = Contribution(
        network_id=initiative.network_id,
        initiative_id=initiative.id,
        status="recorded",
        **data.model_dump(),
    )
    db.add(row)
    db.flush()
    return _views(db, caller, [row])[0]


def confirm_contribution(
    db: Session, caller: Caller, contribution_id: int, confirmer_id: int
) -> ContributionOut:
    """Confirm a co-member's contribution as ``confirmer_id`` (an actor the caller owns).

    The confirmer must be on the same initiative and must not be the contributor; a
    contribution is confirmed once. The tie it creates joins contributor → confirmer, dated
    on the day of the contribution.
    """
    row = load_readable(db, caller, Contribution, contribution_id)
    initiative = db.get_one(Initiative, row.initiative_id)
    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    if not caller.owns(confirmer_id):
        raise Forbidden(_("you may confirm only as an actor of your own"))
    if row.status == "confirmed":
        raise Conflict(_("contribution %(id)s is confirmed already") % {"id": row.id})
    if confirmer_id == row.contributor_id:
        raise Invalid(
            _(
                "a contributor cannot confirm their own contribution; another "
                "member of the initiative must"
            ),
            field="confirmer_id",
        )
    if confirmer_id not in initiative_member_ids(db, initiative):
        raise Invalid(
            _(
                "actor %(confirmer_id)s was not on initiative %(id)s; only a "
                "co-member can confirm a contribution to it"
            )
            % {"confirmer_id": confirmer_id, "id": initiative.id},
            field="confirmer_id",
        )
    tie = Tie(
        network_id=row.network_id,
        source_id=row.contributor_id,
        target_id=confirmer_id,
        kind=TIE_KIND[row.kind],
        weight=1.0,
        start_date=row.contributed_on,
        note=f"{row.kind} contribution to {initiative.title}"[:1000],
        origin="contribution",
        initiative_id=initiative.id,
    )
    db.add(tie)
    db.flush()
    row.status = "confirmed"
    row.confirmed_by_id = confirmer_id
    row.confirmed_at = clock.utcnow()
    row.tie_id = tie.id
    db.flush()
    bump_version(db, row.network_id)
    return _views(db, caller, [row])[0]


def list_contributions(
    db: Session,
    caller: Caller,
    network: Network,
    *,
    initiative_id: int | None = None,
    actor_id: int | None = None,
    status: str | None = None,
    limit: int = 1000,
) -> list[ContributionOut]:
    """The ledger of a network (members only), optionally for one initiative or actor."""
    require_role(caller, network, "member")
    stmt = select(Contribution).where(
        Contribution.network_id == network.id,
        Contribution.network_id.in_(select(Network.id).where(readable_networks(caller))),
    )
    if initiative_id is not None:
        load_initiative(db, caller, initiative_id)
        stmt = stmt.where(Contribution.initiative_id == initiative_id)
    if actor_id is not None:
        stmt = stmt.where(
            (Contribution.contributor_id == actor_id) | (Contribution.confirmed_by_id == actor_id)
        )
    if status is not None:
        stmt = stmt.where(Contribution.status == status)
    rows = db.scalars(
        stmt.order_by(Contribution.contributed_on.desc(), Contribution.id.desc()).limit(limit)
    ).all()
    return _views(db, caller, list(rows))


def initiative_contributions(
    db: Session, caller: Caller, initiative_id: int
) -> list[ContributionOut]:
    initiative = load_initiative(db, caller, initiative_id)
    network = db.get_one(Network, initiative.network_id)
    return list_contributions(db, caller, network, initiative_id=initiative.id)


__all__ = [
    "TIE_KIND",
    "confirm_contribution",
    "initiative_contributions",
    "list_contributions",
    "record_contribution",
]
