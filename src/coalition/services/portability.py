"""Data portability: a whole network in and out as one bundle, and a person's own data.

A network: who may export a share or a full backup, and load one. The bundle's format, checks
and bulk writing live in :mod:`coalition.io.bundle`; the API, the pages and the CLI call these
functions, so each rule of access is written once.

A person: everything held about them, as JSON (:func:`export_my_data`), and deleting their
account, which leaves their profiles in the map as "Former member" (:func:`delete_account`).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, or_, select, update
from sqlalchemy.orm import Session

from .. import clock
from ..errors import Unauthorized
from ..i18n import _
from ..io.bundle import export_bundle as _export
from ..io.bundle import import_bundle as _import
from ..store.cache import bump_version
from ..store.tables import Actor, Affiliation, Base, Engagement, Initiative, Network, Tie
from ..store.tables_auth import Account, Membership, OutboxMessage
from .access import Caller, require_operator, require_role
from .identity import require_session, signed_in_account, verify_password
from .networks import get_network

FORMER_MEMBER = "Former member"


def export_bundle(
    db: Session, caller: Caller, slug: str, *, include_private: bool = False
) -> dict[str, Any]:
    """The network ``slug`` as a bundle, for one of its members.

    A share (the default) holds only what every member may read; ``include_private`` (a full
    backup with private fields) is the server's operator's alone: members chose who sees their
    private fields, and a steward is not among them by right.
    """
    network = get_network(db, caller, slug, public_ok=False)
    require_role(caller, network, "member")
    if include_private:
        require_operator(caller)
    return _export(db, network, include_private=include_private)


def import_bundle(db: Session, caller: Caller, data: Any, *, slug: str | None = None) -> Network:
    """Load a bundle as a new network (under ``slug`` if given): all or nothing, operator only.

    Raises ``Invalid`` with every problem of the bundle, or ``Conflict`` if the network exists.
    """
    require_operator(caller)
    return _import(db, data, slug=slug)


# ---------------------------------------------------------------- a person's own data

# Columns that name the person a row is about, in any area's table; rows a member merely
# touched (an invitation they sent as convenor) are not theirs to take away.
_SUBJECT_COLUMNS = frozenset(
    {
        "actor_id",
        "account_id",
        "recipient_id",
        "participant_id",
        "author_id",
        "contributor_id",
        "confirmer_id",
    }
)
_SECRET_SUFFIXES = ("_hash",)
_COVERED = frozenset(
    {"accounts", "memberships", "actors", "ties", "engagements", "outbox", "login_failures"}
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def _rows(db: Session, table: Table, where: Any) -> list[dict[str, Any]]:
    columns = [c for c in table.columns if not c.name.endswith(_SECRET_SUFFIXES)]
    result = db.execute(select(*columns).where(where).order_by(*table.primary_key.columns))
    return [{k: _jsonable(v) for k, v in row._mapping.items()} for row in result]


def _rows_about(db: Session, account_id: int, own: list[int]) -> dict[str, list[dict[str, Any]]]:
    """Rows of every area's tables that are about the person, found through the foreign keys
    of their subject columns: to their account, their actors, then (a second hop) to rows
    found so far, such as votes of their participant rows in a conversation."""
    tables = Base.metadata.tables
    ids: dict[str, set[Any]] = {"accounts": {account_id}, "actors": set(own)}
    other: dict[str, list[dict[str, Any]]] = {}
    for _unused in range(3):
        found = False
        for name, table in sorted(tables.items()):
            if name in _COVERED or name in other:
                continue
            clauses: list[ColumnElement[bool]] = []
            for column in table.columns:
                if column.name not in _SUBJECT_COLUMNS:
                    continue
                for fk in column.foreign_keys:
                    wanted = ids.get(fk.column.table.name)
                    if wanted:
                        clauses.append(column.in_(sorted(wanted)))
            if not clauses:
                continue
            rows = _rows(db, table, or_(*clauses))
            if rows:
                other[name] = rows
                if "id" in table.columns:
                    ids[name] = {r["id"] for r in rows}
                found = True
        if not found:
            break
    return other


def export_my_data(db: Session, caller: Caller) -> dict[str, Any]:
    """Everything held about the caller, private fields included (their own), as JSON."""
    account = signed_in_account(db, caller)
    memberships = db.scalars(select(Membership).where(Membership.account_id == account.id)).all()
    own = sorted({m.actor_id for m in memberships if m.actor_id is not None})
    tables = Base.metadata.tables
    actors = _rows(db, tables["actors"], Actor.id.in_(own))
    for a in actors:
        actor = db.get_one(Actor, a["id"])
        a["capabilities"] = [
            {"term": c.capability.term, "level": c.level, "evidence": c.evidence}
            for c in actor.capabilities
        ]
        a["purposes"] = [p.tag for p in actor.purposes]
        a["affiliations"] = _rows(db, tables["affiliations"], Affiliation.actor_id == actor.id)
    other = _rows_about(db, account.id, own)
    return {
        "format": "coalition-personal-data",
        "version": 1,
        "exported_at": clock.utcnow().isoformat(),
        "account": {
            "id": account.id,
            "email": account.email,
            "display_name": account.display_name,
            "created_at": account.created_at.isoformat(),
        },
        "memberships": [
            {
                "network": db.get_one(Network, m.network_id).slug,
                "role": m.role,
                "actor_id": m.actor_id,
                "since": m.created_at.isoformat(),
            }
            for m in memberships
        ],
        "actors": actors,
        "ties": _rows(db, tables["ties"], or_(Tie.source_id.in_(own), Tie.target_id.in_(own))),
        "engagements": _rows(db, tables["engagements"], Engagement.actor_id.in_(own)),
        "mail": [
            {k: v for k, v in row.items() if k != "body"}
            for row in _rows(db, tables["outbox"], OutboxMessage.to_addr == account.email)
        ],
        "other": other,
    }


def delete_account(db: Session, caller: Caller, password: str) -> None:
    """Delete the caller's account; their people-profiles stay in the map as "Former member".

    Ties stay (the map keeps its shape); everything personal on the profile is blanked,
    active engagements end and open invitations are withdrawn.
    """
    account = signed_in_account(db, caller)
    require_session(caller)
    if not verify_password(account.password_hash, password):
        raise Unauthorized(_("wrong password; nothing was deleted"))
    own = [
        a
        for a in db.scalars(
            select(Membership.actor_id).where(
                Membership.account_id == account.id, Membership.actor_id.is_not(None)
            )
        )
        if a is not None
    ]
    for actor in db.scalars(select(Actor).where(Actor.id.in_(own), Actor.kind == "person")):
        anonymise_actor(db, actor)
    db.execute(delete(Account).where(Account.id == account.id))
    db.flush()


def _scrub_proposals(db: Session, actor: Actor) -> None:
    """Stored proposals (kept for audit) name people: a former member's entry keeps its seat
    but not its name or reasons, and others' reasons no longer name them."""
    proposals = Base.metadata.tables.get("proposals")
    if proposals is None or actor.name == FORMER_MEMBER:
        return
    named = re.compile(rf"(?<!\w){re.escape(actor.name)}(?!\w)")
    rows = db.execute(
        select(proposals.c.id, proposals.c.members)
        .join(Initiative, Initiative.id == proposals.c.initiative_id)
        .where(Initiative.network_id == actor.network_id)
    ).all()
    for row_id, members in rows:
        changed = False
        scrubbed = []
        for m in members or []:
            m = dict(m)
            if m.get("actor_id") == actor.id:
                m["name"], m["reasons"] = FORMER_MEMBER, []
                if "reason_data" in m:
                    m["reason_data"] = []
                changed = True
            else:
                reasons = [named.sub(FORMER_MEMBER, r) for r in m.get("reasons", [])]
                data = _scrub_reason_data(m.get("reason_data"), named)
                changed |= reasons != m.get("reasons", []) or data != m.get("reason_data")
                m["reasons"] = reasons
                if data is not None:
                    m["reason_data"] = data
            scrubbed.append(m)
        if changed:
            db.execute(update(proposals).where(proposals.c.id == row_id).values(members=scrubbed))


def _scrub_reason_data(data: Any, named: re.Pattern[str]) -> Any:
    """Stored reasons' data (code and values) with the values no longer naming the person."""
    if data is None:
        return None
    return [{**d, "values": _scrub_names(d.get("values"), named)} for d in data]


def _scrub_names(value: Any, named: re.Pattern[str]) -> Any:
    """``value`` (a stored reason's values) with every string naming the person replaced."""
    if isinstance(value, str):
        return named.sub(FORMER_MEMBER, value)
    if isinstance(value, list):
        return [_scrub_names(v, named) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_names(v, named) for k, v in value.items()}
    return value


def anonymise_actor(db: Session, actor: Actor) -> None:
    """Blank a person's profile, keeping the node (and its ties) as "Former member"."""
    today = clock.today()
    db.execute(
        update(Engagement)
        .where(Engagement.actor_id == actor.id, Engagement.status == "active")
        .values(status="withdrawn", end_date=today)
    )
    tables = Base.metadata.tables
    invitations = tables.get("invitations")
    if invitations is not None and {"actor_id", "reason", "status"} <= set(invitations.c.keys()):
        db.execute(
            update(invitations).where(invitations.c.actor_id == actor.id).values(reason=None)
        )
        db.execute(
            update(invitations)
            .where(
                invitations.c.actor_id == actor.id,
                invitations.c.status.in_(["pending", "countered"]),
            )
            .values(status="withdrawn")
        )
    _scrub_proposals(db, actor)
    notifications = tables.get("notifications")
    if notifications is not None and "recipient_id" in notifications.c:
        db.execute(delete(notifications).where(notifications.c.recipient_id == actor.id))
    db.execute(delete(Affiliation).where(Affiliation.actor_id == actor.id))
    actor.committed_hours = 0.0
    db.flush()
    actor.capacity_hours = 0.0
    actor.name = FORMER_MEMBER
    actor.external_id = None
    actor.headline = ""
    actor.bio = ""
    actor.timezone = None
    actor.region = None
    actor.languages = []
    actor.day_rate = None
    actor.email = None
    actor.phone = None
    actor.website = None
    actor.purpose_text = ""
    actor.joined_on = None
    actor.visibility = "private"
    actor.anonymised = 1
    actor.capabilities = []
    actor.purposes = []
    db.flush()
    bump_version(db, actor.network_id)
