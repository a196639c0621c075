"""The history of capability merges, and undoing one.

A merge records, before it changes anything, the merged term as it was and every actor
capability and role requirement of the two terms (levels, evidence, minimums, ESCO URIs).
Undoing it puts the merged term back (under its old id when that is free) and gives back every
actor and role that named it exactly what they had before, in the caller's transaction; the
kept term's description and URI return to what they were. A merge is undone once; merges into a
term that a later merge folded away are undone in reverse order.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from .. import clock
from ..errors import Conflict, NotFound
from ..i18n import _
from ..schemas.networks import MergeRecordOut
from ..store.cache import bump_version
from ..store.tables import Actor, ActorCapability, Capability, Network, Role, RoleRequirement
from ..store.tables_fields import CapabilityMerge
from .access import Caller, require_role


def snapshot(db: Session, source: Capability, into: Capability) -> dict[str, Any]:
    """Everything a merge of ``source`` into ``into`` changes, as it is before it."""
    ac, rr = ActorCapability, RoleRequirement
    which = {source.id: "source", into.id: "into"}
    actors = [
        {
            "actor_id": r.actor_id,
            "term": which[r.capability_id],
            "level": r.level,
            "evidence": r.evidence,
            "esco_uri": r.esco_uri,
        }
        for r in db.execute(
            select(ac.actor_id, ac.capability_id, ac.level, ac.evidence, ac.esco_uri)
            .where(ac.capability_id.in_(list(which)))
            .order_by(ac.actor_id, ac.capability_id)
        )
    ]
    requirements = [
        {"role_id": r.role_id, "term": which[r.capability_id], "min_level": r.min_level}
        for r in db.execute(
            select(rr.role_id, rr.capability_id, rr.min_level)
            .where(rr.capability_id.in_(list(which)))
            .order_by(rr.role_id, rr.capability_id)
        )
    ]
    return {
        "source": {
            "id": source.id,
            "term": source.term,
            "category": source.category,
            "description": source.description,
            "esco_uri": source.esco_uri,
        },
        "into": {"id": into.id, "description": into.description, "esco_uri": into.esco_uri},
        "actors": actors,
        "requirements": requirements,
    }


def _out(row: CapabilityMerge) -> MergeRecordOut:
    record = row.record or {}
    return MergeRecordOut(
        id=row.id,
        merged=row.merged_term,
        into=row.into_term,
        actors=len({a["actor_id"] for a in record.get("actors", []) if a["term"] == "source"}),
        requirements=len(
            {r["role_id"] for r in record.get("requirements", []) if r["term"] == "source"}
        ),
        merged_at=row.merged_at,
        undone_at=row.undone_at,
        undoable=row.undone_at is None,
    )


def merge_history(db: Session, caller: Caller, network: Network) -> list[MergeRecordOut]:
    """The network's merges, the latest first (stewards)."""
    require_role(caller, network, "steward")
    rows = db.scalars(
        select(CapabilityMerge)
        .where(CapabilityMerge.network_id == network.id)
        .order_by(CapabilityMerge.id.desc())
    )
    return [_out(r) for r in rows]


def undo_merge(db: Session, caller: Caller, network: Network, merge_id: int) -> MergeRecordOut:
    """Put a merged term back with every use it had; refused (409) when it is undone already,
    when the kept term is gone (undo the later merge first) or the name is taken again."""
    require_role(caller, network, "steward")
    row = db.scalars(
        select(CapabilityMerge).where(
            CapabilityMerge.id == merge_id, CapabilityMerge.network_id == network.id
        )
    ).first()
    if row is None:
        raise NotFound(
            _("no merge %(merge_id)s in network '%(slug)s'")
            % {"merge_id": merge_id, "slug": network.slug}
        )
    if row.undone_at is not None:
        raise Conflict(_("this merge is undone already"))
    into = _kept_term(db, row)
    if into is None:
        raise Conflict(
            _("'%(into_term)s' was merged away or retired since: undo that first")
            % {"into_term": row.into_term}
        )
    record = row.record
    old = record["source"]
    if db.scalar(
        select(func.count()).where(
            Capability.network_id == network.id, Capability.term == old["term"]
        )
    ):
        raise Conflict(
            _("the vocabulary has a term '%(term)s' again: rename it first") % {"term": old["term"]}
        )
    free = db.get(Capability, old["id"]) is None
    source = Capability(
        network_id=network.id,
        term=old["term"],
        category=old["category"],
        description=old["description"],
        esco_uri=old["esco_uri"],
        **({"id": old["id"]} if free else {}),
    )
    db.add(source)
    db.flush()
    _restore_actors(db, record["actors"], source.id, into.id)
    _restore_requirements(db, record["requirements"], source.id, into.id)
    into.description = record["into"]["description"]
    into.esco_uri = record["into"]["esco_uri"]
    row.undone_at = clock.utcnow()
    db.flush()
    db.expire_all()
    bump_version(db, network.id)
    return _out(row)


def _kept_term(db: Session, row: CapabilityMerge) -> Capability | None:
    """The term the merge kept: by its id, or (merged away and brought back by an undo since)
    under the same id and name again."""
    if row.into_id is not None:
        return db.get(Capability, row.into_id)
    kept = (row.record or {}).get("into", {}).get("id")
    found = db.get(Capability, kept) if kept is not None else None
    if found is None or found.term != row.into_term or found.network_id != row.network_id:
        return None
    row.into_id = found.id
    return found


def _restore_actors(db: Session, rows: list[dict[str, Any]], source: int, into: int) -> None:
    """Actors who named the merged term get back both rows exactly as they were."""
    ac = ActorCapability
    affected = {r["actor_id"] for r in rows if r["term"] == "source"}
    alive = set(db.scalars(select(Actor.id).where(Actor.id.in_(affected)))) if affected else set()
    if not alive:
        return
    db.execute(delete(ac).where(ac.actor_id.in_(alive), ac.capability_id.in_([source, into])))
    values = [
        {
            "actor_id": r["actor_id"],
            "capability_id": source if r["term"] == "source" else into,
            "level": r["level"],
            "evidence": r["evidence"],
            "esco_uri": r["esco_uri"],
        }
        for r in rows
        if r["actor_id"] in alive
    ]
    db.execute(insert(ac), values)


def _restore_requirements(db: Session, rows: list[dict[str, Any]], source: int, into: int) -> None:
    """Roles that asked for the merged term get back both requirements as they were."""
    rr = RoleRequirement
    affected = {r["role_id"] for r in rows if r["term"] == "source"}
    alive = set(db.scalars(select(Role.id).where(Role.id.in_(affected)))) if affected else set()
    if not alive:
        return
    db.execute(delete(rr).where(rr.role_id.in_(alive), rr.capability_id.in_([source, into])))
    values = [
        {
            "role_id": r["role_id"],
            "capability_id": source if r["term"] == "source" else into,
            "min_level": r["min_level"],
        }
        for r in rows
        if r["role_id"] in alive
    ]
    db.execute(insert(rr), values)
