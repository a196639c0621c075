"""A newcomer's next steps: where a person lands after registering (and finds again from the
account page): their networks, each with its onboarding checklist (services/onboarding.py),
and the networks they could join."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..errors import CoalitionError, Unauthorized
from ..i18n import _
from ..schemas.auth import MembershipOut
from ..schemas.networks import ChecklistOut
from ..store.tables import Network
from . import accounts, onboarding
from .access import Caller
from .networks import get_network, list_networks


@dataclass(frozen=True)
class NetworkSteps:
    membership: MembershipOut
    checklist: ChecklistOut | None


@dataclass(frozen=True)
class NextSteps:
    name: str
    networks: list[NetworkSteps]
    joinable: list[Network]


def next_steps(db: Session, caller: Caller) -> NextSteps:
    """The signed-in caller's networks with their first-steps checklists, and the networks
    open to a request to join."""
    if caller.account_id is None:
        raise Unauthorized(_("sign in first"))
    me = accounts.me(db, caller)
    mine = []
    for membership in me.memberships:
        checklist = None
        try:
            network = get_network(db, caller, membership.network)
            checklist = onboarding.checklist(db, caller, network)
        except CoalitionError:
            checklist = None  # no profile in that network yet
        mine.append(NetworkSteps(membership, checklist))
    member_of = {m.network for m in me.memberships}
    joinable = [
        n
        for n in list_networks(db, caller)
        if n.slug not in member_of and n.join_policy != "invitation"
    ]
    return NextSteps(name=me.account.display_name, networks=mine, joinable=joinable)
