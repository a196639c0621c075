"""Networks (tenants) and their capability vocabulary."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import Conflict, NotFound, Unauthorized
from ..i18n import _
from ..schemas.directory import CapabilityIn, NetworkIn
from ..store.tables import Capability, Network
from .access import (
    Caller,
    findable_networks,
    listed_networks,
    readable_networks,
    require_role,
)
from .memberships import on_network_created


def get_network(db: Session, caller: Caller, slug: str, *, public_ok: bool = True) -> Network:
    """The network called ``slug``; its name is public unless the network is private (then
    only its members find it), its content is scoped elsewhere."""
    stmt = select(Network).where(Network.slug == slug, findable_networks(caller))
    if not public_ok:
        stmt = stmt.where(readable_networks(caller))
    network = db.scalars(stmt).first()
    if network is None:
        raise NotFound(_("no network '%(slug)s'") % {"slug": slug})
    return network


def list_networks(db: Session, caller: Caller) -> list[Network]:
    """Public networks and the caller's own (unlisted ones are reached by their address)."""
    return list(db.scalars(select(Network).where(listed_networks(caller)).order_by(Network.slug)))


def create_network(db: Session, caller: Caller, data: NetworkIn) -> Network:
    """Open a new network; its creator becomes its first steward (see services.memberships)."""
    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    if db.scalar(select(func.count()).where(Network.slug == data.slug)):
        raise Conflict(_("a network called '%(slug)s' exists already") % {"slug": data.slug})
    network = Network(**data.model_dump())
    db.add(network)
    db.flush()
    on_network_created(db, caller, network)
    return network


def list_capabilities(db: Session, caller: Caller, network: Network) -> list[Capability]:
    return list(
        db.scalars(
            select(Capability).where(Capability.network_id == network.id).order_by(Capability.term)
        )
    )


def add_capability(db: Session, caller: Caller, network: Network, data: CapabilityIn) -> Capability:
    """Add a term to a network's vocabulary (stewards set the vocabulary)."""
    require_role(caller, network, "steward")
    exists = db.scalar(
        select(func.count()).where(
            Capability.network_id == network.id, Capability.term == data.term
        )
    )
    if exists:
        raise Conflict(_("the vocabulary has '%(term)s' already") % {"term": data.term})
    capability = Capability(network_id=network.id, **data.model_dump())
    db.add(capability)
    db.flush()
    return capability


def capability_ids(
    db: Session, network: Network, terms: list[str], *, field: str
) -> dict[str, int]:
    """Resolve vocabulary terms to ids; an unknown term is a 422 naming ``field``."""
    from ..errors import Invalid

    if not terms:
        return {}
    rows = db.execute(
        select(Capability.term, Capability.id).where(
            Capability.network_id == network.id, Capability.term.in_(set(terms))
        )
    ).all()
    found = {term: cid for term, cid in rows}
    missing = sorted(set(terms) - set(found))
    if missing:
        raise Invalid(
            _("unknown capability %(value)s (not in the vocabulary of network '%(slug)s')")
            % {"value": ", ".join(repr(m) for m in missing), "slug": network.slug},
            field=field,
        )
    return found


def network_counts(db: Session, caller: Caller) -> list[tuple[Network, dict[str, int] | None]]:
    """Every network with its numbers of actors, ties and initiatives, for the home page.

    The numbers describe a network's content, which only its members read: other callers
    (anonymous visitors included) get the network's name and description, and None.
    """
    from ..store.tables import Actor, Initiative, Tie

    out: list[tuple[Network, dict[str, int] | None]] = []
    for network in list_networks(db, caller):
        if not (caller.system or caller.member_of(network.id)):
            out.append((network, None))
            continue
        counts = {
            name: int(db.scalar(select(func.count()).where(model.network_id == network.id)) or 0)
            for name, model in (("actors", Actor), ("ties", Tie), ("initiatives", Initiative))
        }
        out.append((network, counts))
    return out
