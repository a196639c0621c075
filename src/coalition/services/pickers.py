"""Pickers: find by name what a form asks for by id (issue 14, item 5).

A picker answers "who (or what) called …?" in one network, for one kind of form
(``domain.PickKind``): the network's profiles (invite to a role, lock in or exclude from a
proposal run, credit as authors), its profiles no account owns yet (a steward's invitation to
the network, which hands the profile over), or the assets of its knowledge commons
(attachments of a post). Every search reads through the scoping clauses of
services/access.py, so a private or anonymised profile, a profile of another network and an
asset of another network never appear; only a name, a sector and a headline are shown (never a
private field). The text is bounded (``QUERY_MAX``) and so are the results (``PICK_LIMIT``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, case, exists, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from ..domain import PickKind
from ..errors import Invalid, Unauthorized
from ..i18n import _
from ..store.tables import Actor, Network
from ..store.tables_auth import Membership
from ..store.tables_outcomes import KnowledgeAsset
from .access import Caller, readable_actors, readable_assets, require_role
from .networks import get_network

#: The most characters a search may have, and the most results one search returns.
QUERY_MAX = 100
PICK_LIMIT = 10
#: The most ids a page may ask names for (the ids already chosen in a form).
PICKED_MAX = 50
#: The most digits of a number taken as an id (beyond, it names no row).
ID_DIGITS = 12
#: A headline is cut to this many characters in a list of results.
NOTE_MAX = 80


@dataclass(frozen=True)
class Pick:
    """One result: the id the form takes, the name a person reads, and what tells namesakes
    apart (a profile's sector and headline, an asset's licence)."""

    id: int
    label: str
    sector: str | None = None
    note: str = ""


def picker_network(db: Session, caller: Caller, slug: str, kind: PickKind) -> Network:
    """The network whose ``kind`` the caller may pick from: a member's own network (a 404 for
    anyone else, as for its other content); profiles without an account are a steward's."""
    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    network = get_network(db, caller, slug, public_ok=False)
    if kind is PickKind.profiles:
        require_role(caller, network, "steward")
    return network


def clean_query(text: str) -> str:
    """The words searched for, spaces folded; a clear 422 beyond ``QUERY_MAX`` characters.

    >>> clean_query("  Ana   Ruiz ")
    'Ana Ruiz'
    """
    if len(text) > QUERY_MAX:
        raise Invalid(_("search: at most %(max)s characters") % {"max": QUERY_MAX}, field="q")
    return " ".join(text.split())


def search(db: Session, caller: Caller, network: Network, kind: PickKind, text: str) -> list[Pick]:
    """Up to ``PICK_LIMIT`` picks whose name (or title) contains ``text``, those that start
    with it first, then by name; a number finds its id too. Nothing for an empty text."""
    words = clean_query(text)
    if not words:
        return []
    if kind is PickKind.assets:
        stmt = _assets(caller, network)
        stmt = stmt.where(_matching(KnowledgeAsset.title, KnowledgeAsset.id, words))
        first = _starting(KnowledgeAsset.title, words)
        stmt = stmt.order_by(first, KnowledgeAsset.title, KnowledgeAsset.id)
        return _asset_picks(db, stmt.limit(PICK_LIMIT))
    found = _actors(caller, network, kind).where(_matching(Actor.name, Actor.id, words))
    found = found.order_by(_starting(Actor.name, words), Actor.name, Actor.id)
    return _actor_picks(db, found.limit(PICK_LIMIT))


def _matching(
    name: InstrumentedAttribute[str], key: InstrumentedAttribute[int], words: str
) -> ColumnElement[bool]:
    """``name`` contains ``words`` (any case; ``%`` and ``_`` are letters like the others),
    or ``key`` is the number ``words`` is. The lowered name is the trigram index's expression
    on PostgreSQL (store/search_indexes.py)."""
    clause = func.lower(name).contains(words.lower(), autoescape=True)
    if words.isascii() and words.isdigit() and len(words) <= ID_DIGITS:
        clause = clause | (key == int(words))
    return clause


def _starting(name: InstrumentedAttribute[str], words: str) -> ColumnElement[int]:
    """0 for a name that starts with ``words``, else 1: the first key of the order."""
    return case((func.lower(name).startswith(words.lower(), autoescape=True), 0), else_=1)


def picked(
    db: Session, caller: Caller, network: Network, kind: PickKind, ids: Iterable[int]
) -> list[Pick]:
    """The picks of ``ids`` the caller may pick (in the order given; others are left out):
    the names shown beside the ids a form already holds."""
    wanted = list(dict.fromkeys(ids))[:PICKED_MAX]
    if not wanted:
        return []
    if kind is PickKind.assets:
        rows = _asset_picks(db, _assets(caller, network).where(KnowledgeAsset.id.in_(wanted)))
    else:
        rows = _actor_picks(db, _actors(caller, network, kind).where(Actor.id.in_(wanted)))
    by_id = {p.id: p for p in rows}
    return [by_id[i] for i in wanted if i in by_id]


def _pickable_actors(caller: Caller, network: Network, kind: PickKind) -> ColumnElement[bool]:
    """Profiles of ``network`` the caller may read, never a private one (not even their own:
    a private profile is not proposed, invited or credited by name)."""
    clause = (
        (Actor.network_id == network.id)
        & readable_actors(caller)
        & (Actor.visibility != "private")
        & (Actor.anonymised == 0)
    )
    if kind is PickKind.profiles:
        clause = clause & ~exists().where(Membership.actor_id == Actor.id)
    return clause


def _actors(caller: Caller, network: Network, kind: PickKind) -> Select[int, str, str, str]:
    return select(Actor.id, Actor.name, Actor.sector, Actor.headline).where(
        _pickable_actors(caller, network, kind)
    )


def _assets(caller: Caller, network: Network) -> Select[int, str, str]:
    return select(KnowledgeAsset.id, KnowledgeAsset.title, KnowledgeAsset.licence).where(
        KnowledgeAsset.network_id == network.id, readable_assets(caller)
    )


def _actor_picks(db: Session, stmt: Select[int, str, str, str]) -> list[Pick]:
    return [
        Pick(id=i, label=name, sector=sector, note=_cut(headline or ""))
        for i, name, sector, headline in db.execute(stmt)
    ]


def _asset_picks(db: Session, stmt: Select[int, str, str]) -> list[Pick]:
    return [Pick(id=i, label=title, note=licence) for i, title, licence in db.execute(stmt)]


def _cut(text: str) -> str:
    """``text`` at most ``NOTE_MAX`` characters long, an ellipsis where it was cut.

    >>> _cut("short")
    'short'
    >>> len(_cut("x" * 200))
    80
    """
    return text if len(text) <= NOTE_MAX else text[: NOTE_MAX - 1].rstrip() + "…"
