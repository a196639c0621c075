"""Stewards keep a network's capability vocabulary: add, describe, rename, merge and retire.

Each merge is recorded first (services.vocabulary_history), so that a steward can undo it.
Merging re-points every actor's capability and every role requirement from one term to
another in the caller's transaction: an actor who had both keeps the higher level (and the
evidence they gave), a role that asked for both keeps the stricter minimum. Retiring removes
a term nobody uses; a term in use is merged into another instead, so nothing is lost.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from .. import clock
from ..errors import Conflict, Invalid, NotFound
from ..i18n import _
from ..schemas.directory import CapabilityIn
from ..schemas.networks import CapabilityPatch, MergeOut, VocabularyTermOut
from ..store.cache import bump_version
from ..store.tables import ActorCapability, Capability, Network, RoleRequirement
from ..store.tables_fields import CapabilityMerge
from .access import Caller, require_role
from .networks import add_capability
from .vocabulary_history import snapshot


def _term(
    db: Session, network: Network, capability_id: int, *, field: str = "capability"
) -> Capability:
    row = db.scalars(
        select(Capability).where(
            Capability.id == capability_id, Capability.network_id == network.id
        )
    ).first()
    if row is None:
        raise NotFound(
            _("%(field)s: no capability %(capability_id)s in network '%(slug)s'")
            % {"field": field, "capability_id": capability_id, "slug": network.slug}
        )
    return row


def vocabulary(db: Session, caller: Caller, network: Network) -> list[VocabularyTermOut]:
    """Every term with how many profiles and role requirements use it (stewards)."""
    require_role(caller, network, "steward")
    actors = (
        select(ActorCapability.capability_id, func.count().label("n"))
        .group_by(ActorCapability.capability_id)
        .subquery()
    )
    roles = (
        select(RoleRequirement.capability_id, func.count().label("n"))
        .group_by(RoleRequirement.capability_id)
        .subquery()
    )
    rows = db.execute(
        select(Capability, func.coalesce(actors.c.n, 0), func.coalesce(roles.c.n, 0))
        .outerjoin(actors, actors.c.capability_id == Capability.id)
        .outerjoin(roles, roles.c.capability_id == Capability.id)
        .where(Capability.network_id == network.id)
        .order_by(Capability.term)
    ).all()
    return [
        VocabularyTermOut(
            id=c.id,
            term=c.term,
            category=c.category,
            description=c.description,
            esco_uri=c.esco_uri,
            actors=int(a),
            requirements=int(r),
        )
        for c, a, r in rows
    ]


def add_term(db: Session, caller: Caller, network: Network, data: CapabilityIn) -> Capability:
    return add_capability(db, caller, network, data)


def update_term(
    db: Session, caller: Caller, network: Network, capability_id: int, data: CapabilityPatch
) -> Capability:
    """Rename or describe a term (only the fields sent); a name taken already is a 409."""
    require_role(caller, network, "steward")
    row = _term(db, network, capability_id)
    sent = data.model_dump(exclude_unset=True)
    term = sent.get("term")
    if term is not None and term != row.term:
        taken = db.scalar(
            select(func.count()).where(Capability.network_id == network.id, Capability.term == term)
        )
        if taken:
            raise Conflict(
                _("the vocabulary has '%(term)s' already: merge the two instead") % {"term": term}
            )
        row.term = term
    for name in ("category", "description"):
        if sent.get(name) is not None:
            setattr(row, name, sent[name])
    if "esco_uri" in sent:
        row.esco_uri = sent["esco_uri"]
    db.flush()
    bump_version(db, network.id)
    return row


def merge_terms(
    db: Session, caller: Caller, network: Network, source_id: int, into_id: int
) -> MergeOut:
    """Fold ``source`` into ``into``: every use re-pointed, the best level kept, ``source``
    removed. Runs in the caller's transaction, so it happens entirely or not at all."""
    require_role(caller, network, "steward")
    if source_id == into_id:
        raise Invalid(_("a term cannot be merged into itself"), field="into")
    source = _term(db, network, source_id, field="source")
    into = _term(db, network, into_id, field="into")
    record = snapshot(db, source, into)
    moved, raised = _merge_actor_levels(db, source.id, into.id)
    requirements = _merge_requirements(db, source.id, into.id)
    db.flush()
    if not into.description and source.description:
        into.description = source.description
    if into.esco_uri is None and source.esco_uri is not None:
        into.esco_uri = source.esco_uri
    merged_term = source.term
    db.execute(delete(Capability).where(Capability.id == source.id))
    history = CapabilityMerge(
        network_id=network.id,
        merged_term=merged_term,
        into_id=into.id,
        into_term=into.term,
        record=record,
        merged_at=clock.utcnow(),
    )
    db.add(history)
    db.flush()
    # Rows loaded before (profiles, roles) still point at the old term: read them afresh.
    db.expire_all()
    bump_version(db, network.id)
    return MergeOut(
        merged=merged_term,
        into=into.term,
        actors_moved=moved,
        actors_raised=raised,
        requirements_moved=requirements,
        merge_id=history.id,
    )


def _merge_actor_levels(db: Session, source: int, into: int) -> tuple[int, int]:
    """Re-point actors' ``source`` to ``into``; who had both keeps the higher level."""
    ac = ActorCapability
    both = db.execute(
        select(ac.actor_id, ac.level, ac.evidence, ac.esco_uri).where(
            ac.capability_id == source,
            ac.actor_id.in_(select(ac.actor_id).where(ac.capability_id == into)),
        )
    ).all()
    targets = {
        r.actor_id: r
        for r in db.execute(
            select(ac.actor_id, ac.level, ac.evidence, ac.esco_uri).where(
                ac.capability_id == into, ac.actor_id.in_([b.actor_id for b in both])
            )
        )
    }
    raised = 0
    for old in both:
        target = targets[old.actor_id]
        values: dict[str, object] = {}
        if old.level > target.level:
            values = {"level": old.level, "evidence": old.evidence or target.evidence}
            values["esco_uri"] = old.esco_uri or target.esco_uri
            raised += 1
        elif not target.evidence and old.evidence:
            values = {"evidence": old.evidence}
        if values:
            db.execute(
                update(ac)
                .where(ac.actor_id == old.actor_id, ac.capability_id == into)
                .values(**values)
            )
    db.execute(
        delete(ac).where(ac.capability_id == source, ac.actor_id.in_([b.actor_id for b in both]))
    )
    moved = db.execute(update(ac).where(ac.capability_id == source).values(capability_id=into))
    return int(getattr(moved, "rowcount", 0) or 0), raised


def _merge_requirements(db: Session, source: int, into: int) -> int:
    """Re-point role requirements; a role that asked for both keeps the stricter minimum."""
    rr = RoleRequirement
    both = db.execute(
        select(rr.role_id, rr.min_level).where(
            rr.capability_id == source,
            rr.role_id.in_(select(rr.role_id).where(rr.capability_id == into)),
        )
    ).all()
    for role_id, min_level in both:
        db.execute(
            update(rr)
            .where(rr.role_id == role_id, rr.capability_id == into, rr.min_level < min_level)
            .values(min_level=min_level)
        )
    db.execute(delete(rr).where(rr.capability_id == source, rr.role_id.in_([b[0] for b in both])))
    moved = db.execute(update(rr).where(rr.capability_id == source).values(capability_id=into))
    return len(both) + int(getattr(moved, "rowcount", 0) or 0)


def retire_term(db: Session, caller: Caller, network: Network, capability_id: int) -> None:
    """Remove a term nobody uses; one in use must be merged into another first (409)."""
    require_role(caller, network, "steward")
    row = _term(db, network, capability_id)
    actors = db.scalar(select(func.count()).where(ActorCapability.capability_id == row.id))
    roles = db.scalar(select(func.count()).where(RoleRequirement.capability_id == row.id))
    if actors or roles:
        raise Conflict(
            _(
                "'%(term)s' is used by %(value)s profile(s) and %(value2)s role "
                "requirement(s): merge it into another term instead of retiring "
                "it"
            )
            % {"term": row.term, "value": actors or 0, "value2": roles or 0}
        )
    db.delete(row)
    db.flush()
