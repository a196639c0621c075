"""Ties: the dated, typed relations the interdependence map is made of."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from ..schemas.initiatives import TieIn, TieOut
from ..store.cache import bump_version
from ..store.tables import Actor, Initiative, Network, Tie
from .access import Caller, readable_tie_ends, require_role
from .directory import ensure_same_network


def record_tie(db: Session, caller: Caller, network: Network, data: TieIn) -> TieOut:
    """Record a tie between two actors of ``network``; a member records their own ties."""
    require_role(caller, network, "member")
    ensure_same_network(db, network, [data.source_id, data.target_id], field="tie")
    if not (caller.owns(data.source_id) or caller.owns(data.target_id)):
        require_role(caller, network, "steward")
    tie = Tie(network_id=network.id, origin="recorded", **data.model_dump())
    db.add(tie)
    db.flush()
    bump_version(db, network.id)
    return TieOut.model_validate(tie)


def tie_once(
    db: Session,
    initiative: Initiative,
    source_id: int,
    target_id: int,
    *,
    origin: str,
    note: str,
    on: date,
) -> bool:
    """Record that two actors worked together in ``initiative`` (``collaborated``, weight 0.5,
    from ``on``) unless a tie of this ``origin`` joins them there already, either way round.

    True when a tie was added; the caller flushes and bumps the data version.
    """
    pair = or_(
        (Tie.source_id == source_id) & (Tie.target_id == target_id),
        (Tie.source_id == target_id) & (Tie.target_id == source_id),
    )
    found = db.scalar(
        select(Tie.id).where(Tie.initiative_id == initiative.id, Tie.origin == origin, pair)
    )
    if found is not None:
        return False
    db.add(collaborated(initiative, source_id, target_id, origin, note, weight=0.5, start=on))
    return True


def collaborated(
    initiative: Initiative,
    source_id: int,
    target_id: int,
    origin: str,
    note: str,
    *,
    weight: float,
    start: date,
    end: date | None = None,
) -> Tie:
    """A ``collaborated`` tie that working together in ``initiative`` made (``origin`` says
    how: an invitation, a decision, a thread)."""
    return Tie(
        network_id=initiative.network_id,
        source_id=source_id,
        target_id=target_id,
        kind="collaborated",
        weight=weight,
        start_date=start,
        end_date=end,
        note=note,
        origin=origin,
        initiative_id=initiative.id,
    )


def active_between(since: date | None, until: date | None) -> list[ColumnElement[bool]]:
    """Clauses for ties active at some moment of ``[since, until]`` (open sides when None;
    a tie without a start began long ago, one without an end goes on)."""
    clauses: list[ColumnElement[bool]] = []
    if since is not None:
        clauses.append(or_(Tie.end_date.is_(None), Tie.end_date >= since))
    if until is not None:
        clauses.append(or_(Tie.start_date.is_(None), Tie.start_date <= until))
    return clauses


def list_ties(
    db: Session,
    caller: Caller,
    network: Network,
    *,
    kind: str | None = None,
    actor_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 1000,
) -> list[TieOut]:
    """Ties of ``network`` between actors the caller may see, filtered by kind/actor/window."""
    visible = select(Actor.id).where(Actor.network_id == network.id, readable_tie_ends(caller))
    stmt = select(Tie).where(
        Tie.network_id == network.id, Tie.source_id.in_(visible), Tie.target_id.in_(visible)
    )
    if kind:
        stmt = stmt.where(Tie.kind == kind)
    if actor_id is not None:
        stmt = stmt.where(or_(Tie.source_id == actor_id, Tie.target_id == actor_id))
    stmt = stmt.where(*active_between(since, until))
    rows = db.scalars(stmt.order_by(Tie.start_date, Tie.id).limit(limit)).all()
    return [TieOut.model_validate(t) for t in rows]
