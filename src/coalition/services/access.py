"""Who is calling, and the query clauses that scope every read to what they may see.

Authorisation lives in the queries (Polar's ``get_readable_statement``): a service never loads a
row and then decides; it asks for the rows the caller may read. Every kind of row has one
clause here, ``readable_<things>(caller) -> ColumnElement[bool]``, and one row is loaded with
:func:`load_readable` (a 404 when missing or hidden alike). Decisions and conversations keep
theirs in their services until those are split (issue 18).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    SQLColumnExpression,
    false,
    inspect,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption

from ..domain import NetworkVisibility, ThreadVisibility
from ..errors import Forbidden, NotFound, Unauthorized
from ..i18n import _
from ..store.tables import Actor, Engagement, Initiative, Network, Role
from ..store.tables_deliberation import Conversation
from ..store.tables_outcomes import Contribution, HealthCheck, KnowledgeAsset, Outcome
from ..store.tables_together import Decision, Thread

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


# --- what each kind of row the caller may read, and load-or-404 ---------------------------------

#: Engagement statuses that put an actor on an initiative's team.
ON_INITIATIVE = ("active", "completed")


def readable_initiatives(caller: Caller) -> ColumnElement[bool]:
    """Initiatives are read by members of their network."""
    return Initiative.network_id.in_(select(Network.id).where(readable_networks(caller)))


def readable_roles(caller: Caller) -> ColumnElement[bool]:
    """An initiative's roles are read with it."""
    return Role.initiative_id.in_(select(Initiative.id).where(readable_initiatives(caller)))


def readable_outcomes(caller: Caller) -> ColumnElement[bool]:
    """Outcomes are read with their initiative."""
    return Outcome.initiative_id.in_(select(Initiative.id).where(readable_initiatives(caller)))


def readable_contributions(caller: Caller) -> ColumnElement[bool]:
    """Contributions are read with their initiative."""
    on = select(Initiative.id).where(readable_initiatives(caller))
    return Contribution.initiative_id.in_(on)


def readable_health_checks(caller: Caller) -> ColumnElement[bool]:
    """Health checks are read with their initiative."""
    return HealthCheck.initiative_id.in_(select(Initiative.id).where(readable_initiatives(caller)))


def readable_assets(caller: Caller) -> ColumnElement[bool]:
    """The commons' assets are read by members of their network."""
    return KnowledgeAsset.network_id.in_(select(Network.id).where(readable_networks(caller)))


def _team_initiatives(caller: Caller) -> CompoundSelect:
    """The initiatives the caller is on the team of (engaged, or convening)."""
    mine = list(caller.actor_ids)
    engaged = select(Engagement.initiative_id).where(
        Engagement.actor_id.in_(mine), Engagement.status.in_(ON_INITIATIVE)
    )
    convened = select(Initiative.id).where(Initiative.convenor_id.in_(mine))
    return engaged.union(convened)


def team_threads(caller: Caller) -> ColumnElement[bool]:
    """Threads of initiatives the caller is on the team of (engaged, or convening)."""
    return Thread.initiative_id.in_(_team_initiatives(caller))


def readable_threads(caller: Caller) -> ColumnElement[bool]:
    """Threads the caller may read: network threads of their networks, team threads of theirs."""
    if caller.system:
        return true()
    if not caller.roles:
        return false()
    network = Thread.visibility == ThreadVisibility.network.value
    team = team_threads(caller) if caller.actor_ids else false()
    return Thread.network_id.in_(list(caller.roles)) & or_(network, team)


def readable_decisions(caller: Caller) -> ColumnElement[bool]:
    """Decisions the caller may read: network decisions of their networks, team decisions of
    the initiatives they are on the team of."""
    if caller.system:
        return true()
    if not caller.roles:
        return false()
    team = Decision.initiative_id.in_(_team_initiatives(caller)) if caller.actor_ids else false()
    return Decision.network_id.in_(list(caller.roles)) & or_(
        Decision.visibility == ThreadVisibility.network.value, team
    )


def readable_conversations(caller: Caller) -> ColumnElement[bool]:
    """Conversations are read by the members of their network."""
    return Conversation.network_id.in_(select(Network.id).where(readable_networks(caller)))


@dataclass(frozen=True)
class _Readable:
    clause: Callable[[Caller], ColumnElement[bool]]
    missing: Callable[[int], str]  # the 404's words, in the caller's language


_READABLE: dict[type[Any], _Readable] = {
    Actor: _Readable(readable_actors, lambda i: _("no actor %(actor_id)s") % {"actor_id": i}),
    Initiative: _Readable(
        readable_initiatives,
        lambda i: _("no initiative %(initiative_id)s") % {"initiative_id": i},
    ),
    Role: _Readable(readable_roles, lambda i: _("no role %(role_id)s") % {"role_id": i}),
    Outcome: _Readable(
        readable_outcomes, lambda i: _("no outcome %(outcome_id)s") % {"outcome_id": i}
    ),
    Contribution: _Readable(
        readable_contributions,
        lambda i: _("no contribution %(contribution_id)s") % {"contribution_id": i},
    ),
    HealthCheck: _Readable(
        readable_health_checks, lambda i: _("no health check %(check_id)s") % {"check_id": i}
    ),
    KnowledgeAsset: _Readable(
        readable_assets, lambda i: _("no asset %(asset_id)s") % {"asset_id": i}
    ),
    Thread: _Readable(readable_threads, lambda i: _("no thread %(thread_id)s") % {"thread_id": i}),
    Decision: _Readable(
        readable_decisions, lambda i: _("no decision %(decision_id)s") % {"decision_id": i}
    ),
    Conversation: _Readable(
        readable_conversations,
        lambda i: _("no conversation %(conversation_id)s") % {"conversation_id": i},
    ),
}

Row = TypeVar("Row")


def load_readable(
    db: Session,
    caller: Caller,
    model: type[Row],
    row_id: int,
    *,
    options: Sequence[ORMOption] = (),
) -> Row:
    """The row ``row_id`` of ``model`` if the caller may read it; else a 404, the same answer
    whether the row is missing or hidden, so that existence is not leaked."""
    readable = _READABLE[model]
    key = inspect(model).primary_key[0]
    stmt = select(model).where(key == row_id, readable.clause(caller)).options(*options)
    row = db.scalars(stmt).first()
    if row is None:
        raise NotFound(readable.missing(row_id))
    return row
