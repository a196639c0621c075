"""Conversations of a network (Polis-style deliberation): opening them, their statements and
moderation decisions, and the votes members cast.

Every read goes through :func:`readable_conversations` (members of the conversation's network);
every change bumps the conversation's ``data_version``, which keys the cached analysis, so a
result is never older than the votes it is shown with. The analysis itself (opinion groups,
consensus, the next statement to show) is :mod:`coalition.services.conversation_analysis`;
Polis exports go in and out through :mod:`coalition.services.polis_exchange`.
"""

from __future__ import annotations

import time

from sqlalchemy import ScalarSelect, Select, and_, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..engines.common_ground import Moderation, VoteRefused, validate_vote
from ..errors import CoalitionError, Conflict, Forbidden, Invalid, NotFound
from ..i18n import _
from ..schemas.deliberation import (
    ConversationIn,
    ConversationOut,
    ModerationIn,
    StatementIn,
    StatementOut,
    VoteIn,
    VoteOut,
)
from ..store.stamps import COUNTED, SCOPE_OPTION
from ..store.tables import Actor, Initiative, Network
from ..store.tables_deliberation import Conversation, Participant, Statement, Vote
from .access import Caller, load_readable, readable_conversations, require_role
from .networks import get_network


def load_conversation(db: Session, caller: Caller, conversation_id: int) -> Conversation:
    """The conversation if the caller may read it, else the same 404 as for a missing one."""
    return load_readable(db, caller, Conversation, conversation_id)


def _require_moderator(db: Session, caller: Caller, conv: Conversation) -> Network:
    """The convenor of the conversation's initiative, or a network convenor or steward."""
    network = db.get_one(Network, conv.network_id)
    if conv.initiative_id is not None:
        initiative = db.get(Initiative, conv.initiative_id)
        if initiative is not None and initiative.convenor_id is not None:
            if caller.owns(initiative.convenor_id):
                require_role(caller, network, "member")
                return network
    require_role(caller, network, "convenor")
    return network


def _bump(db: Session, conv: Conversation) -> None:
    """Move the conversation's data version on, in one statement that returns the new value:
    the row is locked only from here to the commit, and no writer reads it first. The counter
    is the ``votes`` change stamp (store/stamps.py: read as the counters' sum); what else the
    transaction writes (a statement, a participant) moves its own."""
    db.flush()
    version = db.execute(
        update(Conversation)
        .where(Conversation.id == conv.id)
        .values(data_version=Conversation.data_version + 1)
        .returning(Conversation.data_version)
        .execution_options(synchronize_session=False, **{SCOPE_OPTION: COUNTED})
    ).scalar_one()
    set_committed_value(conv, "data_version", version)


def _counts(db: Session, conv_id: int) -> tuple[int, int, int]:
    n_s = db.scalar(select(func.count()).where(Statement.conversation_id == conv_id)) or 0
    n_p = db.scalar(select(func.count()).where(Participant.conversation_id == conv_id)) or 0
    n_v = db.scalar(select(func.count()).where(Vote.conversation_id == conv_id)) or 0
    return int(n_s), int(n_p), int(n_v)


def conversation_view(db: Session, conv: Conversation) -> ConversationOut:
    n_s, n_p, n_v = _counts(db, conv.id)
    slug = db.scalar(select(Network.slug).where(Network.id == conv.network_id)) or ""
    return ConversationOut(
        id=conv.id,
        network_id=conv.network_id,
        network_slug=slug,
        initiative_id=conv.initiative_id,
        topic=conv.topic,
        description=conv.description,
        attribution=conv.attribution,
        source=conv.source,
        data_version=conv.data_version,
        created_at=conv.created_at,
        n_statements=n_s,
        n_participants=n_p,
        n_votes=n_v,
        strict_moderation=conv.strict_moderation,
    )


# ---------------------------------------------------------------- conversations


def create_conversation(
    db: Session, caller: Caller, slug: str, data: ConversationIn
) -> ConversationOut:
    """Open a conversation: the convenor of its initiative, or a network convenor/steward."""
    network = get_network(db, caller, slug)
    if data.initiative_id is not None:
        initiative = db.scalars(
            select(Initiative).where(
                Initiative.id == data.initiative_id, Initiative.network_id == network.id
            )
        ).first()
        if initiative is None:
            require_role(caller, network, "member")
            raise Invalid(_("no such initiative in this network"), field="initiative_id")
        if initiative.convenor_id is not None and caller.owns(initiative.convenor_id):
            require_role(caller, network, "member")
        else:
            require_role(caller, network, "convenor")
    else:
        require_role(caller, network, "convenor")
    conv = Conversation(
        network_id=network.id,
        initiative_id=data.initiative_id,
        topic=data.topic,
        description=data.description,
    )
    db.add(conv)
    db.flush()
    return conversation_view(db, conv)


def list_conversations(db: Session, caller: Caller, slug: str) -> list[ConversationOut]:
    network = get_network(db, caller, slug)
    require_role(caller, network, "member")
    convs = db.scalars(
        select(Conversation)
        .where(Conversation.network_id == network.id, readable_conversations(caller))
        .order_by(Conversation.id)
    )
    return [conversation_view(db, c) for c in convs]


def get_conversation(db: Session, caller: Caller, conversation_id: int) -> ConversationOut:
    return conversation_view(db, load_conversation(db, caller, conversation_id))


# ---------------------------------------------------------------- statements


def _statement_views(db: Session, conv: Conversation) -> list[StatementOut]:
    tallies: dict[int, dict[int, int]] = {}
    for sid, value, n in db.execute(
        select(Vote.statement_id, Vote.value, func.count())
        .where(Vote.conversation_id == conv.id)
        .group_by(Vote.statement_id, Vote.value)
    ):
        tallies.setdefault(sid, {})[value] = n
    out = []
    for s in db.scalars(
        select(Statement)
        .where(Statement.conversation_id == conv.id)
        .order_by(Statement.external_id)
    ):
        t = tallies.get(s.id, {})
        out.append(_statement_out(s, t))
    return out


def _statement_out(
    s: Statement, t: dict[int, int] | None = None, *, tallies: bool = True
) -> StatementOut:
    t = t or {}
    return StatementOut(
        id=s.id,
        conversation_id=s.conversation_id,
        external_id=s.external_id,
        text=s.text,
        moderation=s.moderation,
        is_meta=s.is_meta,
        is_seed=s.is_seed,
        moderation_reason=s.moderation_reason,
        agrees=t.get(1, 0) if tallies else None,
        disagrees=t.get(-1, 0) if tallies else None,
        passes=t.get(0, 0) if tallies else None,
    )


def _shown_to_voters(conv: Conversation, s: Statement | StatementOut) -> bool:
    """Whether voters see (and may vote on) a statement: accepted ones under strict
    moderation, all but rejected ones under open moderation."""
    if conv.strict_moderation:
        return s.moderation == int(Moderation.accepted)
    return s.moderation != int(Moderation.out)


def _voted_statements(db: Session, caller: Caller, conv: Conversation) -> set[int]:
    """Ids of the statements the caller has voted on in ``conv``."""
    if not caller.actor_ids:
        return set()
    mine = select(Participant.id).where(
        Participant.conversation_id == conv.id,
        Participant.actor_id.in_(list(caller.actor_ids)),
    )
    return set(db.scalars(select(Vote.statement_id).where(Vote.participant_id.in_(mine))))


def _is_moderator(db: Session, caller: Caller, conv: Conversation) -> bool:
    try:
        _require_moderator(db, caller, conv)
    except CoalitionError:
        return False
    return True


def list_statements(db: Session, caller: Caller, conversation_id: int) -> list[StatementOut]:
    """The statements voters may see; a statement's tallies only once the caller voted on it
    (anti-herding). Moderators see every statement with its tallies."""
    conv = load_conversation(db, caller, conversation_id)
    views = _statement_views(db, conv)
    if _is_moderator(db, caller, conv):
        return views
    voted = _voted_statements(db, caller, conv)
    return [
        v
        if v.id in voted
        else v.model_copy(update={"agrees": None, "disagrees": None, "passes": None})
        for v in views
        if _shown_to_voters(conv, v)
    ]


def _own_actor(caller: Caller, network: Network) -> ScalarSelect[int | None]:
    """The caller's first actor in ``network``, as a subquery (NULL: they have none there)."""
    if not caller.actor_ids:
        raise Invalid(_("only a member's actor may take part in a conversation"), field="caller")
    ids = list(caller.actor_ids)
    mine = select(func.min(Actor.id)).where(Actor.id.in_(ids), Actor.network_id == network.id)
    return mine.scalar_subquery()


def _no_profile(network: Network) -> Forbidden:
    return Forbidden(_("you have no profile in network '%(slug)s'") % {"slug": network.slug})


def _my_actor(db: Session, caller: Caller, network: Network) -> int:
    actor = db.scalar(select(_own_actor(caller, network)))
    if actor is None:
        raise _no_profile(network)
    return int(actor)


def _participant_for(db: Session, conv: Conversation, actor_id: int) -> Participant:
    mine = select(Participant).where(
        Participant.conversation_id == conv.id, Participant.actor_id == actor_id
    )
    p = db.scalars(mine).first()
    if p is not None:
        return p
    # A newcomer: lock the conversation's row first, so that newcomers arriving at once number
    # themselves one after the other, then look again (a concurrent request of this same actor
    # may just have added them). SQLite's transactions are serialised already.
    db.execute(select(Conversation.id).where(Conversation.id == conv.id).with_for_update())
    p = db.scalars(mine.execution_options(populate_existing=True)).first()
    if p is not None:
        return p
    top = db.scalar(
        select(func.max(Participant.external_id)).where(Participant.conversation_id == conv.id)
    )
    p = Participant(
        conversation_id=conv.id, external_id=0 if top is None else top + 1, actor_id=actor_id
    )
    db.add(p)
    db.flush()
    return p


def submit_statement(
    db: Session, caller: Caller, conversation_id: int, data: StatementIn
) -> StatementOut:
    """Any member may put a statement; a convenor's own statements are accepted at once."""
    conv = load_conversation(db, caller, conversation_id)
    network = db.get_one(Network, conv.network_id)
    require_role(caller, network, "member")
    author = _participant_for(db, conv, _my_actor(db, caller, network))
    top = db.scalar(
        select(func.max(Statement.external_id)).where(Statement.conversation_id == conv.id)
    )
    try:
        _require_moderator(db, caller, conv)
        moderation = int(Moderation.accepted)
    except (Forbidden, NotFound):
        moderation = int(Moderation.unmoderated)
    s = Statement(
        conversation_id=conv.id,
        external_id=0 if top is None else top + 1,
        text=data.text,
        author_id=author.id,
        moderation=moderation,
        is_meta=False,
        timestamp_ms=_now_ms(),
    )
    db.add(s)
    db.flush()
    _bump(db, conv)
    return _statement_out(s)


def moderate_statement(
    db: Session, caller: Caller, statement_id: int, data: ModerationIn
) -> StatementOut:
    """Accept, reject (moderate out) or mark a statement as meta (about the conversation)."""
    s = db.scalars(
        select(Statement).where(
            Statement.id == statement_id,
            Statement.conversation_id.in_(
                select(Conversation.id).where(readable_conversations(caller))
            ),
        )
    ).first()
    if s is None:
        raise NotFound(_("no statement %(statement_id)s") % {"statement_id": statement_id})
    conv = db.get_one(Conversation, s.conversation_id)
    _require_moderator(db, caller, conv)
    if data.action == "accept":
        s.moderation, s.is_meta = int(Moderation.accepted), False
    elif data.action == "reject":
        s.moderation, s.is_meta = int(Moderation.out), False
    elif data.action == "meta":
        s.moderation, s.is_meta = int(Moderation.accepted), True
    else:
        s.moderation, s.is_meta = int(Moderation.unmoderated), False
    s.moderation_reason = data.reason.strip() if data.action == "reject" else ""
    db.flush()
    _bump(db, conv)
    return _statement_views_one(db, s)


def _statement_views_one(db: Session, s: Statement) -> StatementOut:
    t = {
        v: n
        for v, n in db.execute(
            select(Vote.value, func.count()).where(Vote.statement_id == s.id).group_by(Vote.value)
        )
    }
    return _statement_out(s, t)


# ---------------------------------------------------------------- votes


def _now_ms() -> int:
    return int(time.time() * 1000)


def cast_vote(db: Session, caller: Caller, conversation_id: int, data: VoteIn) -> VoteOut:
    """Record the caller's vote; a second vote on the same statement replaces the first.

    The busiest write there is, in four statements once the voter takes part: the conversation
    with its network, the voter with the statement's state, the vote, the counter."""
    with_network = (joinedload(Conversation.network),)
    conv = load_readable(db, caller, Conversation, conversation_id, options=with_network)
    network = db.get_one(Network, conv.network_id)  # loaded with it: no statement
    require_role(caller, network, "member")
    actor_id, participant, state = _voter(db, caller, conv, network, data.statement_id)
    value = vote_value(conv, state, data)
    if participant is None:
        participant = _participant_for(db, conv, actor_id)
    return record_vote(db, conv, participant, data.statement_id, value)


def _voter(
    db: Session, caller: Caller, conv: Conversation, network: Network, statement_id: int
) -> tuple[int, Participant | None, int | None]:
    """In one statement: the caller's actor in ``network`` (as :func:`_my_actor`), its
    participant in ``conv`` if it has voted or written there, and the moderation state of
    statement ``statement_id`` (None: not one of the conversation's)."""
    actor = _own_actor(caller, network)
    state = _statement_state(conv, statement_id).scalar_subquery()
    one = select(literal(1).label("one")).subquery()
    joined = and_(Participant.conversation_id == conv.id, Participant.actor_id == actor)
    row = db.execute(
        select(actor.label("actor_id"), state.label("state"), Participant)
        .select_from(one)
        .outerjoin(Participant, joined)
    ).one()
    if row.actor_id is None:
        raise _no_profile(network)
    return int(row.actor_id), row.Participant, row.state


def checked_vote(db: Session, conv: Conversation, data: VoteIn) -> int:
    """The value of ``data`` once its statement may take a vote (see :func:`vote_value`)."""
    state = db.scalar(_statement_state(conv, data.statement_id))
    return vote_value(conv, state, data)


def _statement_state(conv: Conversation, statement_id: int) -> Select[int]:
    """The moderation state of statement ``statement_id`` if it is one of ``conv``'s."""
    return select(Statement.moderation).where(
        Statement.id == statement_id, Statement.conversation_id == conv.id
    )


def vote_value(conv: Conversation, state: int | None, data: VoteIn) -> int:
    """The value of ``data`` if its statement, in moderation ``state`` (None: not one of the
    conversation's), may take a vote: not moderated out, and accepted under strict moderation
    (else 422 on the field at fault)."""
    try:
        value = validate_vote(state, data.value)
    except VoteRefused as exc:
        field = "statement_id" if exc.reason != "bad_value" else "value"
        raise Invalid(exc.message, field=field) from None
    if conv.strict_moderation and state != int(Moderation.accepted):
        raise Invalid(_("this statement awaits moderation"), field="statement_id")
    return value


def record_vote(
    db: Session,
    conv: Conversation,
    participant: Participant,
    statement_id: int,
    value: int,
    *,
    once: bool = False,
) -> VoteOut:
    """Store ``participant``'s vote on a statement and move the data version on.

    One statement, whoever else votes at once (INSERT … ON CONFLICT on the vote's unique key):
    a member's second vote replaces the first, its time moved on by at least a millisecond;
    with ``once`` (an outside voice, who cannot be told apart from a newcomer) a second vote is
    refused (409), even when two arrive at once.
    """
    postgres = db.get_bind().dialect.name == "postgresql"
    insert = (pg_insert if postgres else sqlite_insert)(Vote).values(
        conversation_id=conv.id,
        participant_id=participant.id,
        statement_id=statement_id,
        value=value,
        ts_ms=_now_ms(),
    )
    key = [Vote.participant_id, Vote.statement_id]
    if once:
        stored = db.scalar(insert.on_conflict_do_nothing(index_elements=key).returning(Vote.id))
        if stored is None:
            raise Conflict(_("you have already voted on this statement"))
    else:
        later = func.greatest if postgres else func.max  # SQLite's max() of two is a scalar
        replace = {"value": value, "ts_ms": later(insert.excluded.ts_ms, Vote.ts_ms + 1)}
        db.execute(insert.on_conflict_do_update(index_elements=key, set_=replace))
    _bump(db, conv)
    return VoteOut(
        statement_id=statement_id,
        participant_external_id=participant.external_id,
        value=value,
        data_version=conv.data_version,
    )


def my_votes(
    db: Session, caller: Caller, conversation_id: int
) -> tuple[int | None, dict[int, int]]:
    """The caller's participant number in the conversation (None before they take part) and
    their vote on each statement (statement id → 1 agree, -1 disagree, 0 pass)."""
    conv = load_conversation(db, caller, conversation_id)
    if not caller.actor_ids:
        return None, {}
    actor = db.scalar(
        select(func.min(Actor.id)).where(
            Actor.id.in_(list(caller.actor_ids)), Actor.network_id == conv.network_id
        )
    )
    participant = db.scalars(
        select(Participant).where(
            Participant.conversation_id == conv.id, Participant.actor_id == actor
        )
    ).first()
    if actor is None or participant is None:
        return None, {}
    votes = db.execute(
        select(Vote.statement_id, Vote.value).where(Vote.participant_id == participant.id)
    ).all()
    return participant.external_id, {int(sid): int(value) for sid, value in votes}


def may_moderate(db: Session, caller: Caller, conversation_id: int) -> bool:
    """Whether the caller may moderate the conversation (for showing the controls)."""
    return _is_moderator(db, caller, load_conversation(db, caller, conversation_id))
