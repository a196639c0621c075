"""Memberships: who belongs to a network and in which role, and each member's first profile.

How one comes to be a member (a request or an invitation) is in :mod:`.joining`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import clock
from ..errors import Conflict, Invalid, NotFound
from ..i18n import _
from ..schemas.auth import NetworkMemberOut
from ..store.cache import bump_version
from ..store.tables import Actor, Network
from ..store.tables_auth import Account, Membership
from .access import ROLE_RANK, Caller, require_role
from .network_settings import apply_default_privacy


def add_membership(
    db: Session, account_id: int, network_id: int, role: str, actor_id: int | None = None
) -> Membership:
    """Give an account ``role`` in a network (or change it); for the operator and joins."""
    if role not in ROLE_RANK:
        raise Invalid(_("unknown role '%(role)s'") % {"role": role}, field="role")
    if actor_id is not None:
        in_network = db.scalar(
            select(func.count()).where(Actor.id == actor_id, Actor.network_id == network_id)
        )
        if not in_network:
            raise Conflict(_("actor %(actor_id)s is not in this network") % {"actor_id": actor_id})
        taken = db.scalar(
            select(Membership.account_id).where(
                Membership.actor_id == actor_id, Membership.account_id != account_id
            )
        )
        if taken is not None:
            raise Conflict(
                _("actor %(actor_id)s belongs to another account already") % {"actor_id": actor_id}
            )
    row = db.scalars(
        select(Membership).where(
            Membership.account_id == account_id, Membership.network_id == network_id
        )
    ).first()
    if row is None:
        row = Membership(
            account_id=account_id, network_id=network_id, role=role, created_at=clock.utcnow()
        )
        db.add(row)
    else:
        row.role = role
    if actor_id is not None:
        row.actor_id = actor_id
    db.flush()
    return row


def on_network_created(db: Session, caller: Caller, network: Network) -> None:
    """The account that opens a network becomes its first steward."""
    if caller.account_id is not None:
        add_membership(db, caller.account_id, network.id, "steward")


def _members_stmt(caller: Caller, network: Network) -> Any:
    return (
        select(Membership, Account, Actor.name)
        .join(Account, Account.id == Membership.account_id)
        .outerjoin(Actor, Actor.id == Membership.actor_id)
        .where(Membership.network_id == network.id)
    )


def list_members(db: Session, caller: Caller, network: Network) -> list[NetworkMemberOut]:
    """The network's members and roles, for its members; e-mail addresses for stewards only."""
    require_role(caller, network, "member")
    steward = caller.has_role(network.id, "steward")
    rows = db.execute(_members_stmt(caller, network).order_by(Account.display_name, Account.id))
    return [
        NetworkMemberOut(
            account_id=a.id,
            display_name=a.display_name,
            email=a.email if steward else None,
            role=m.role,
            actor_id=m.actor_id,
            actor_name=name,
        )
        for m, a, name in rows
    ]


def membership_of(db: Session, network: Network, account_id: int) -> Membership:
    row = db.scalars(
        select(Membership).where(
            Membership.network_id == network.id, Membership.account_id == account_id
        )
    ).first()
    if row is None:
        raise NotFound(
            _("account %(account_id)s is not a member of '%(slug)s'")
            % {"account_id": account_id, "slug": network.slug}
        )
    return row


def _keep_a_steward(db: Session, network: Network, row: Membership) -> None:
    if row.role != "steward":
        return
    stewards = db.scalar(
        select(func.count()).where(
            Membership.network_id == network.id, Membership.role == "steward"
        )
    )
    if (stewards or 0) <= 1:
        raise Conflict(_("a network needs at least one steward; name another first"))


def change_role(
    db: Session, caller: Caller, network: Network, account_id: int, role: str
) -> NetworkMemberOut:
    require_role(caller, network, "steward")
    row = membership_of(db, network, account_id)
    if role != "steward":
        _keep_a_steward(db, network, row)
    row.role = role
    db.flush()
    return next(m for m in list_members(db, caller, network) if m.account_id == account_id)


def remove_member(db: Session, caller: Caller, network: Network, account_id: int) -> None:
    """A steward removes a member, or a member leaves; their profile stays in the directory."""
    if caller.account_id != account_id:
        require_role(caller, network, "steward")
    elif not caller.member_of(network.id):
        raise NotFound(
            _("account %(account_id)s is not a member of '%(slug)s'")
            % {"account_id": account_id, "slug": network.slug}
        )
    row = membership_of(db, network, account_id)
    _keep_a_steward(db, network, row)
    db.delete(row)
    db.flush()


def new_profile(db: Session, network: Network, name: str, kind: str, sector: str) -> Actor:
    """A new member's first profile: visible to the network, every private field at default."""
    actor = Actor(
        network_id=network.id,
        kind=kind,
        name=name,
        sector=sector,
        visibility="network",
        committed_hours=0.0,
        capacity_hours=0.0,
        anonymised=0,
        joined_on=clock.today(),
    )
    apply_default_privacy(network, actor)
    db.add(actor)
    db.flush()
    bump_version(db, network.id)
    return actor
