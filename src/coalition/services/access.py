"""Who is calling, and the query clauses that scope every read to what they may see.

Authorisation lives in the queries (Polar's ``get_readable_statement``): a service never loads a
row and then decides; it asks for the rows the caller may read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, SQLColumnExpression, false, or_, select, true

from ..domain import NetworkVisibility
from ..errors import Forbidden, Unauthorized
from ..i18n import _
from ..store.tables import Actor, Network

ROLE_RANK = {"member": 1, "convenor": 2, "steward": 3}


@dataclass(frozen=True)
class Caller:
    """The subject of a request: an account with roles per network, anonymous, or the system."""

    account_id: int | None = None
    actor_ids: frozenset[int] = frozenset()
    roles: Mapping[int, str] = field(default_factory=dict)
    system: bool = False
    scopes: frozenset[str] | None = None  # API tokens carry scopes; sessions have all

    @classmethod
    def anonymous(cls) -> Caller:
        return cls()

    @classmethod
    def operator(cls) -> Caller:
        """The person at the server's console (CLI): may do anything."""
        return cls(system=True)

    @property
    def authenticated(self) -> bool:
        return self.system or self.account_id is not None

    def member_of(self, network_id: int) -> bool:
        return self.system or network_id in self.roles

    def has_role(self, network_id: int, role: str) -> bool:
        if self.system:
            return True
        have = self.roles.get(network_id)
        return have is not None and ROLE_RANK[have] >= ROLE_RANK[role]

    def owns(self, actor_id: int) -> bool:
        return self.system or actor_id in self.actor_ids

    def may(self, scope: str) -> bool:
        return self.scopes is None or scope in self.scopes


def require_role(caller: Caller, network: Network, role: str) -> None:
    """Refuse unless the caller holds at least ``role`` in ``network``."""
    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    if not caller.has_role(network.id, role):
        raise Forbidden(
            _("this needs the %(role)s role in network '%(slug)s'")
            % {"role": role, "slug": network.slug}
        )


def require_scope(caller: Caller, scope: str) -> None:
    if not caller.may(scope):
        raise Forbidden(_("this API token lacks the '%(scope)s' scope") % {"scope": scope})


def readable_networks(caller: Caller) -> ColumnElement[bool]:
    """Networks whose content the caller may read (public profiles are read per actor)."""
    if caller.system:
        return true()
    return Network.id.in_(list(caller.roles)) if caller.roles else false()


def findable_networks(caller: Caller) -> ColumnElement[bool]:
    """Networks the caller may know exist: every one not private, and their own.

    A private network is, to anyone outside it, exactly like a network that does not exist.
    """
    if caller.system:
        return true()
    open_ = Network.visibility != NetworkVisibility.private.value
    return or_(open_, Network.id.in_(list(caller.roles))) if caller.roles else open_


def listed_networks(caller: Caller) -> ColumnElement[bool]:
    """Networks shown in lists (the directory of networks): public ones, and the caller's."""
    if caller.system:
        return true()
    public = Network.visibility == NetworkVisibility.public.value
    return or_(public, Network.id.in_(list(caller.roles))) if caller.roles else public


def readable_actors(caller: Caller) -> ColumnElement[bool]:
    """Actors whose profile the caller may see: public ones (outside private networks), their
    networks' ones, their own."""
    if caller.system:
        return true()
    not_private = select(Network.id).where(Network.visibility != NetworkVisibility.private.value)
    clauses: list[ColumnElement[bool]] = [
        (Actor.visibility == "public") & Actor.network_id.in_(not_private)
    ]
    if caller.roles:
        clauses.append(Actor.network_id.in_(list(caller.roles)) & (Actor.visibility != "private"))
    if caller.actor_ids:
        clauses.append(Actor.id.in_(list(caller.actor_ids)))
    return (Actor.anonymised == 0) & or_(*clauses)


def readable_tie_ends(caller: Caller) -> ColumnElement[bool]:
    """Actors whose ties the caller may see on the map: the readable ones, and former members
    (anonymised: "Former member", nothing personal left) of the caller's networks, so that the
    map keeps its shape when someone deletes their account."""
    if caller.system:
        return true()
    if not caller.roles:
        return readable_actors(caller)
    former = (Actor.anonymised == 1) & Actor.network_id.in_(list(caller.roles))
    return or_(readable_actors(caller), former)


def field_visible(caller: Caller, actor: Actor, audience: str, *, invited_by: bool = False) -> bool:
    """Whether a field whose member chose ``audience`` may be shown to ``caller``.

    ``invited_by`` is true when the caller convenes an initiative that invited this actor.
    """
    if caller.system or caller.owns(actor.id):
        return True
    if audience == "public":
        return True
    if audience == "network":
        return caller.member_of(actor.network_id)
    if audience == "convenors":
        return invited_by
    return False


def field_visible_clause(caller: Caller, column: SQLColumnExpression[str]) -> ColumnElement[bool]:
    """SQL form of :func:`field_visible` (without the invited-by case), for filters;
    ``column`` is a visibility column of Actor (or of a custom field's value)."""
    if caller.system:
        return true()
    clauses: list[ColumnElement[bool]] = [column == "public"]
    if caller.roles:
        clauses.append((column == "network") & Actor.network_id.in_(list(caller.roles)))
    if caller.actor_ids:
        clauses.append(Actor.id.in_(list(caller.actor_ids)))
    return or_(*clauses)


def require_operator(caller: Caller) -> None:
    """Whole-network operations (imports) are for the server's operator."""
    if not caller.system:
        raise Forbidden(_("only the server's operator may do this (use the CLI)"))
