"""Deliberation: Polis-style conversations of a network, their votes, and the common ground the
:mod:`coalition.engines.common_ground` engine finds in them.

Every read goes through :func:`readable_conversations` (members of the conversation's network);
every change bumps the conversation's ``data_version``, which keys the cached analysis, so a
result is never older than the votes it is shown with.

The analysis evolves as Polis's does (see :mod:`coalition.engines.common_ground.incremental`):
each new data version is ONE warm-started update from the history of the conversation's latest
analysis (table ``ground_history``), so opinion groups stay put as votes arrive instead of
being re-drawn from scratch each time. A Polis import replays its vote log once, at import,
the way Polis's math worker ran it, so the imported groups are Polis's; a request never
replays — it runs at most one update.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from .. import clock
from ..engines.common_ground import (
    GroundResult,
    History,
    Moderation,
    VoteMatrix,
    VoteRefused,
    analyze,
    next_statement_from,
    validate_vote,
)
from ..engines.common_ground import replay as replay_log
from ..engines.common_ground.stream import IMPORT_BATCH_MS
from ..errors import CoalitionError, Forbidden, Invalid, NotFound
from ..i18n import _
from ..io.polis import (
    PolisExport,
    PolisFormatError,
    PolisStatement,
    PolisVote,
    participants_from_votes,
    read_polis_export,
    write_polis_export,
)
from ..schemas.deliberation import (
    ConversationIn,
    ConversationOut,
    GroupOut,
    GroupSupport,
    ModerationIn,
    NextOut,
    ParticipantPoint,
    RepresentativeOut,
    ResultsOut,
    StatementIn,
    StatementOut,
    StatementResult,
    VoteIn,
    VoteOut,
)
from ..store.cache import cached_result, store_result
from ..store.tables import Actor, Initiative, Network
from ..store.tables_deliberation import (
    Conversation,
    GroundCache,
    GroundHistory,
    Participant,
    Statement,
    Vote,
)
from .access import Caller, readable_networks, require_operator, require_role
from .networks import get_network

log = logging.getLogger("coalition.deliberation")

DEFAULT_SEED = 0
"""The seed of a conversation's live analysis: the one the pages, ``next`` and exports use, and
the only one that keeps a Polis history (see :func:`results`)."""


def readable_conversations(caller: Caller) -> ColumnElement[bool]:
    """Conversations are read by the members of their network."""
    return Conversation.network_id.in_(select(Network.id).where(readable_networks(caller)))


def load_conversation(db: Session, caller: Caller, conversation_id: int) -> Conversation:
    conv = db.scalars(
        select(Conversation).where(
            Conversation.id == conversation_id, readable_conversations(caller)
        )
    ).first()
    if conv is None:
        raise NotFound(
            _("no conversation %(conversation_id)s") % {"conversation_id": conversation_id}
        )
    return conv


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
    the row is locked only from here to the commit, and no writer reads it first."""
    db.flush()
    version = db.execute(
        update(Conversation)
        .where(Conversation.id == conv.id)
        .values(data_version=Conversation.data_version + 1)
        .returning(Conversation.data_version)
        .execution_options(synchronize_session=False)
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


def _my_actor(db: Session, caller: Caller, network: Network) -> int:
    if not caller.actor_ids:
        raise Invalid(_("only a member's actor may take part in a conversation"), field="caller")
    actor = db.scalar(
        select(func.min(Actor.id)).where(
            Actor.id.in_(list(caller.actor_ids)), Actor.network_id == network.id
        )
    )
    if actor is None:
        raise Forbidden(_("you have no profile in network '%(slug)s'") % {"slug": network.slug})
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
    """Record the caller's vote; a second vote on the same statement replaces the first."""
    conv = load_conversation(db, caller, conversation_id)
    network = db.get_one(Network, conv.network_id)
    require_role(caller, network, "member")
    actor_id = _my_actor(db, caller, network)
    state = db.scalar(
        select(Statement.moderation).where(
            Statement.id == data.statement_id, Statement.conversation_id == conv.id
        )
    )
    try:
        value = validate_vote(state, data.value)
    except VoteRefused as exc:
        field = "statement_id" if exc.reason != "bad_value" else "value"
        raise Invalid(exc.message, field=field) from None
    if conv.strict_moderation and state != int(Moderation.accepted):
        raise Invalid(_("this statement awaits moderation"), field="statement_id")
    participant = _participant_for(db, conv, actor_id)
    vote = db.scalars(
        select(Vote).where(
            Vote.participant_id == participant.id, Vote.statement_id == data.statement_id
        )
    ).first()
    if vote is None:
        db.add(
            Vote(
                conversation_id=conv.id,
                participant_id=participant.id,
                statement_id=data.statement_id,
                value=value,
                ts_ms=_now_ms(),
            )
        )
    else:
        vote.value = value
        vote.ts_ms = max(_now_ms(), vote.ts_ms + 1)
    db.flush()
    _bump(db, conv)
    return VoteOut(
        statement_id=data.statement_id,
        participant_external_id=participant.external_id,
        value=value,
        data_version=conv.data_version,
    )


# ---------------------------------------------------------------- analysis


def _rows(db: Session, conv: Conversation) -> tuple[list[Statement], list[Participant]]:
    """Statements and participants by ``external_id``: the columns and rows of the matrix."""
    statements = list(
        db.scalars(
            select(Statement)
            .where(Statement.conversation_id == conv.id)
            .order_by(Statement.external_id)
        )
    )
    participants = list(
        db.scalars(
            select(Participant)
            .where(Participant.conversation_id == conv.id)
            .order_by(Participant.external_id)
        )
    )
    return statements, participants


def _matrix(
    db: Session, conv: Conversation
) -> tuple[VoteMatrix, list[Statement], list[Participant]]:
    statements, participants = _rows(db, conv)
    rows = db.execute(
        select(Vote.participant_id, Vote.statement_id, Vote.value, Vote.ts_ms).where(
            Vote.conversation_id == conv.id
        )
    )
    matrix = VoteMatrix.from_labelled(
        ((p, s, v, float(t)) for p, s, v, t in rows),
        participant_ids=[p.id for p in participants],
        statement_ids=[s.id for s in statements],
    )
    return matrix, statements, participants


def _share(n: int, seen: int) -> float:
    return round(n / seen, 4) if seen else 0.0


def _result_json(
    conv: Conversation,
    result: GroundResult,
    statements: list[Statement],
    participants: list[Participant],
) -> dict[str, Any]:
    st = result.group_stats
    points = [
        ParticipantPoint(
            external_id=p.external_id,
            group=result.group_of(i),
            x=round(result.position_of(i)[0], 6),
            y=round(result.position_of(i)[1], 6),
        )
        for i, p in enumerate(participants)
    ]
    rows = []
    for j, s in enumerate(statements):
        support = []
        for g in range(result.k):
            ra, rd = float(st.ra[g, j]), float(st.rd[g, j])
            support.append(
                GroupSupport(
                    group=g,
                    agree=_share(int(st.na[g, j]), int(st.ns[g, j])),
                    disagree=_share(int(st.nd[g, j]), int(st.ns[g, j])),
                    seen=int(st.ns[g, j]),
                    repness=round(max(ra, rd), 4) if np.isfinite(max(ra, rd)) else 0.0,
                    repful=None if int(st.ns[g, j]) == 0 else ("agree" if ra >= rd else "disagree"),
                )
            )
        gic = float(result.group_informed_consensus[j])
        rows.append(
            StatementResult(
                id=s.id,
                external_id=s.external_id,
                text=s.text,
                moderation=s.moderation,
                is_meta=s.is_meta,
                groups=support,
                consensus_agree=bool(result.is_consensus_agree[j]),
                consensus_disagree=bool(result.is_consensus_disagree[j]),
                group_informed_consensus=round(gic, 6) if np.isfinite(gic) else 0.0,
            )
        )
    groups = []
    for grp in result.groups:
        reps = []
        for r in grp.representative:
            s = statements[r.statement]
            agree = _share(int(st.na[grp.id, r.statement]), int(st.ns[grp.id, r.statement]))
            disagree = _share(int(st.nd[grp.id, r.statement]), int(st.ns[grp.id, r.statement]))
            reps.append(
                RepresentativeOut(
                    statement_id=s.id,
                    external_id=s.external_id,
                    text=s.text,
                    repful=r.repful_for,
                    agree=agree,
                    disagree=disagree,
                )
            )
        groups.append(
            GroupOut(
                id=grp.id,
                n_members=grp.n_members,
                center=(round(grp.center[0], 6), round(grp.center[1], 6)),
                representative=reps,
            )
        )
    consensus = [statements[c.statement].id for c in result.consensus_agree]
    out = ResultsOut(
        conversation_id=conv.id,
        data_version=conv.data_version,
        seed=result.seed,
        k=result.k,
        attribution=conv.attribution,
        participants=points,
        statements=rows,
        groups=groups,
        consensus=consensus,
    ).model_dump(mode="json")
    out["priorities"] = [float(x) if np.isfinite(x) else 1.0 for x in np.asarray(result.priorities)]
    return out


def _ids_digest(ids: Sequence[int]) -> str:
    """SHA-256 of primary keys as little-endian int64: names the rows or columns a history
    was computed on."""
    return hashlib.sha256(np.asarray(ids, dtype="<i8").tobytes()).hexdigest()


def _previous_history(
    db: Session,
    conv: Conversation,
    statements: list[Statement],
    participants: list[Participant],
) -> History | None:
    """The stored history of the conversation's latest live analysis, when the current
    matrix only grew since (its first rows and columns are the same participants and
    statements, in the same order); None when there is none or it cannot be used."""
    row = db.execute(  # columns, not the ORM object: an identity-mapped row could be stale
        select(
            GroundHistory.data_version,
            GroundHistory.n_participants,
            GroundHistory.n_statements,
            GroundHistory.participants_digest,
            GroundHistory.statements_digest,
            GroundHistory.history,
        ).where(GroundHistory.conversation_id == conv.id)
    ).first()
    if row is None:
        return None
    n_p, n_s = row.n_participants, row.n_statements
    if (
        n_p > len(participants)
        or n_s > len(statements)
        or _ids_digest([p.id for p in participants[:n_p]]) != row.participants_digest
        or _ids_digest([s.id for s in statements[:n_s]]) != row.statements_digest
    ):
        log.info(
            "conversation %s: participants or statements were removed since version %s; "
            "analysing from scratch",
            conv.id,
            row.data_version,
        )
        return None
    try:
        history = History.from_dict(row.history)
    except ValueError as exc:
        log.warning("conversation %s: stored history unusable (%s)", conv.id, exc)
        return None
    if history.n_participants != n_p or history.n_statements != n_s:
        log.warning("conversation %s: stored history has the wrong shape", conv.id)
        return None
    return history


def _store_history(
    db: Session,
    conv: Conversation,
    history: History,
    statements: list[Statement],
    participants: list[Participant],
) -> None:
    """Keep ``history`` (computed at the conversation's current data version) for the next
    update, unless a newer one is already stored."""
    if history.n_participants != len(participants) or history.n_statements != len(statements):
        return
    try:
        data = history.to_dict()
    except ValueError as exc:  # the previous history stays: a valid, older warm start
        log.warning("conversation %s: history not stored (%s)", conv.id, exc)
        return
    values: dict[str, Any] = {
        "data_version": conv.data_version,
        "seed": DEFAULT_SEED,
        "n_participants": len(participants),
        "n_statements": len(statements),
        "participants_digest": _ids_digest([p.id for p in participants]),
        "statements_digest": _ids_digest([s.id for s in statements]),
        "history": data,
        "updated_at": clock.utcnow(),
    }
    exists = db.scalar(
        select(GroundHistory.data_version).where(GroundHistory.conversation_id == conv.id)
    )
    if exists is None:
        try:
            with db.begin_nested():
                db.execute(insert(GroundHistory).values(conversation_id=conv.id, **values))
        except IntegrityError:
            pass  # a concurrent request stored the same version's history first
        return
    # never replace a newer history (a request that read an older version may finish last)
    db.execute(
        update(GroundHistory)
        .where(
            GroundHistory.conversation_id == conv.id,
            GroundHistory.data_version < conv.data_version,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def _store(
    db: Session,
    conv: Conversation,
    seed: int,
    result: GroundResult,
    statements: list[Statement],
    participants: list[Participant],
) -> dict[str, Any]:
    """Cache ``result`` for the current data version and seed (dropping other versions) and,
    for the live seed, keep its history; returns the cached JSON."""
    data = _result_json(conv, result, statements, participants)
    owner = {"conversation_id": conv.id}
    store_result(db, GroundCache, conv.data_version, data, owner, seed=seed)
    if seed == DEFAULT_SEED and result.history is not None:
        _store_history(db, conv, result.history, statements, participants)
    return data


def _cached(db: Session, conv: Conversation, seed: int) -> dict[str, Any]:
    hit = cached_result(db, GroundCache, conv.data_version, conversation_id=conv.id, seed=seed)
    if hit is not None:
        return hit
    matrix, statements, participants = _matrix(db, conv)
    moderated_out = [j for j, s in enumerate(statements) if s.moderation == int(Moderation.out)]
    meta = [j for j, s in enumerate(statements) if s.is_meta]
    previous = (
        _previous_history(db, conv, statements, participants) if seed == DEFAULT_SEED else None
    )
    result = analyze(
        matrix,
        seed=seed,
        moderated_out=moderated_out,
        meta=meta,
        data_version=conv.data_version,
        attribution=conv.attribution or None,
        history=previous,
    )
    return _store(db, conv, seed, result, statements, participants)


def results(
    db: Session, caller: Caller, conversation_id: int, seed: int = DEFAULT_SEED
) -> ResultsOut:
    """Opinion groups, representative statements and consensus, cached per data version.

    With the default seed (:data:`DEFAULT_SEED`, what the pages show) the result is the
    conversation's live, Polis-like analysis: ONE warm-started update from the history of its
    previous analysis (or of the import's replay), so groups carry over as votes arrive; from
    scratch, seeded with the default seed, when there is no usable history yet (the first
    analysis, or participants or statements were removed since). Any other seed gives a
    from-scratch analysis of the current votes with that seed — reproducible from the votes
    alone, and it neither reads nor moves the live history.
    """
    conv = load_conversation(db, caller, conversation_id)
    data = _cached(db, conv, seed)
    return ResultsOut.model_validate({k: v for k, v in data.items() if k != "priorities"})


def next_for(db: Session, caller: Caller, conversation_id: int) -> NextOut:
    """The statement to show the caller next (Polis's priority-weighted draw)."""
    conv = load_conversation(db, caller, conversation_id)
    network = db.get_one(Network, conv.network_id)
    require_role(caller, network, "member")
    actor_id = _my_actor(db, caller, network)
    data = _cached(db, conv, DEFAULT_SEED)
    statements = list(
        db.scalars(
            select(Statement)
            .where(Statement.conversation_id == conv.id)
            .order_by(Statement.external_id)
        )
    )
    index = {s.id: j for j, s in enumerate(statements)}
    participant = db.scalars(
        select(Participant).where(
            Participant.conversation_id == conv.id, Participant.actor_id == actor_id
        )
    ).first()
    voted: list[int] = []
    if participant is not None:
        voted = [
            index[sid]
            for sid in db.scalars(
                select(Vote.statement_id).where(Vote.participant_id == participant.id)
            )
        ]
    priorities = np.ones(len(statements))
    cached = data.get("priorities", [])
    shared = min(len(cached), len(statements))
    priorities[:shared] = cached[:shared]
    eligible = np.array([_shown_to_voters(conv, s) for s in statements], dtype=bool)
    remaining = int(eligible.sum()) - sum(1 for j in voted if eligible[j])
    seed = (conv.id * 1_000_003 + actor_id * 7919 + conv.data_version) % (2**32)
    j = next_statement_from(priorities, voted, eligible, seed)
    # never voted on by the caller, so shown without its tallies (anti-herding)
    return NextOut(
        statement=None if j is None else _statement_out(statements[j], tallies=False),
        remaining=remaining,
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


def charter_markdown(db: Session, caller: Caller, conversation_id: int) -> str:
    """The coalition charter: what every group agrees on, with each group's support."""
    conv = load_conversation(db, caller, conversation_id)
    res = results(db, caller, conversation_id)
    lines = [f"# Charter: {conv.topic}", ""]
    if conv.description:
        lines += [conv.description, ""]
    lines += [
        f"{len(res.participants)} participants, {res.k} opinion group(s). "
        "Statements below are the common ground: agreed across groups.",
        "",
    ]
    chosen = charter_statements(res)
    if not chosen:
        lines.append("No common ground has been found yet.")
    for s in chosen:
        support = ", ".join(f"group {g.group + 1}: {g.agree:.0%} agree" for g in s.groups)
        lines.append(f"- {s.text}" + (f" ({support})" if support else ""))
    if res.attribution:
        lines += ["", "---", "", res.attribution.strip()]
    return "\n".join(lines) + "\n"


def charter_statements(res: ResultsOut) -> list[StatementResult]:
    """Consensus statements, most group-informed consensus first."""
    picked = [s for s in res.statements if s.consensus_agree]
    return sorted(picked, key=lambda s: -s.group_informed_consensus)


# ---------------------------------------------------------------- Polis import/export


def import_polis(
    db: Session,
    caller: Caller,
    slug: str,
    directory: str | Path,
    topic: str | None = None,
    *,
    replay: bool = True,
    batch_ms: float = IMPORT_BATCH_MS,
    progress: Callable[[int, int], None] | None = None,
) -> ConversationOut:
    """Load a Polis export as a new conversation, all or nothing.

    With ``replay`` (the default) the export's vote log is replayed as Polis's math worker
    ran it — one warm-started update per ``batch_ms`` of votes (:data:`IMPORT_BATCH_MS`, the
    window that agreed best with Polis's groups across the real conversations measured) —
    and the result and its history are stored, so the conversation shows Polis's groups at
    once and its later votes continue from Polis's state; ``progress(votes_done,
    votes_total)`` follows it. Without it the first results request analyses the final
    votes from scratch. Rows go in with one bulk insert per table.
    """
    require_operator(caller)
    network = get_network(db, caller, slug)
    try:
        export = read_polis_export(directory)
    except PolisFormatError as exc:
        problems = [
            {"where": f"{p.file}:{p.line}", "file": p.file, "line": p.line, "reason": p.reason}
            for p in exc.problems
        ]
        raise Invalid(
            _("malformed Polis export (%(problems)s problem(s))") % {"problems": len(problems)},
            field="directory",
            details=problems,
        ) from None
    except OSError as exc:
        raise Invalid(
            _("cannot read the export: %(strerror)s") % {"strerror": exc.strerror},
            field="directory",
        ) from None
    summary = dict((row[0], row[1]) for row in export.summary or () if len(row) >= 2)
    conv = Conversation(
        network_id=network.id,
        topic=(topic or summary.get("topic") or Path(directory).name)[:300],
        description=summary.get("conversation-description", summary.get("description", "")),
        attribution=export.attribution or _collection_attribution(Path(directory)),
        source=(summary.get("url") or str(Path(directory).name))[:300],
    )
    db.add(conv)
    db.flush()
    ids = {s.author_external_id for s in export.statements} | {
        v.participant_external_id for v in export.votes
    }
    ids |= {p.external_id for p in export.participants or ()}
    xids = export.xids()
    participant_rows = [
        {"conversation_id": conv.id, "external_id": pid, "xid": xids.get(pid)}
        for pid in sorted(ids)
    ]
    if participant_rows:
        db.execute(insert(Participant), participant_rows)
    pmap = dict(
        db.execute(
            select(Participant.external_id, Participant.id).where(
                Participant.conversation_id == conv.id
            )
        ).all()
    )
    statement_rows = [
        {
            "conversation_id": conv.id,
            "external_id": s.external_id,
            "text": s.text,
            "author_id": pmap.get(s.author_external_id),
            "moderation": s.moderation,
            "is_meta": s.is_meta,
            "is_seed": s.is_seed,
            "timestamp_ms": s.timestamp_ms,
        }
        for s in export.statements
    ]
    if statement_rows:
        db.execute(insert(Statement), statement_rows)
    smap = dict(
        db.execute(
            select(Statement.external_id, Statement.id).where(Statement.conversation_id == conv.id)
        ).all()
    )
    last: dict[tuple[int, int], PolisVote] = {}
    for v in export.votes:
        key = (v.participant_external_id, v.statement_external_id)
        if key not in last or v.timestamp_ms >= last[key].timestamp_ms:
            last[key] = v
    vote_rows = [
        {
            "conversation_id": conv.id,
            "participant_id": pmap[v.participant_external_id],
            "statement_id": smap[v.statement_external_id],
            "value": v.value,
            "ts_ms": v.timestamp_ms,
        }
        for v in last.values()
    ]
    if vote_rows:
        db.execute(insert(Vote), vote_rows)
    db.flush()
    _bump(db, conv)
    if replay:
        _replay_import(db, conv, export.votes, batch_ms, progress)
    return conversation_view(db, conv)


def _replay_import(
    db: Session,
    conv: Conversation,
    votes: Sequence[PolisVote],
    batch_ms: float,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Replay an imported vote log (re-votes included) as Polis's updates, and store the last
    update's result and history as the conversation's live analysis."""
    statements, participants = _rows(db, conv)
    row = {p.external_id: i for i, p in enumerate(participants)}
    col = {s.external_id: j for j, s in enumerate(statements)}
    result = replay_log(
        np.array([row[v.participant_external_id] for v in votes], dtype=np.int64),
        np.array([col[v.statement_external_id] for v in votes], dtype=np.int64),
        np.array([v.value for v in votes], dtype=np.int64),
        np.array([v.timestamp_ms for v in votes], dtype=np.int64),
        n_participants=len(participants),
        n_statements=len(statements),
        participant_ids=[p.id for p in participants],
        statement_ids=[s.id for s in statements],
        seed=DEFAULT_SEED,
        moderated_out=[j for j, s in enumerate(statements) if s.moderation == int(Moderation.out)],
        meta=[j for j, s in enumerate(statements) if s.is_meta],
        data_version=conv.data_version,
        attribution=conv.attribution or None,
        batch_ms=batch_ms,
        progress=progress,
    )
    _store(db, conv, DEFAULT_SEED, result, statements, participants)


def _collection_attribution(directory: Path) -> str:
    """The licence note of a collection of exports (``ATTRIBUTION.md`` beside the export
    directory, as openData-style collections keep it) when the export has none of its own."""
    note = directory.parent / "ATTRIBUTION.md"
    try:
        return note.read_text(encoding="utf-8") if note.is_file() else ""
    except (OSError, UnicodeDecodeError):
        return ""


def export_polis(db: Session, caller: Caller, conversation_id: int, directory: str | Path) -> int:
    """Write the conversation as a Polis export directory; returns the number of votes."""
    conv = load_conversation(db, caller, conversation_id)
    _unused, statements, participants = _matrix(db, conv)
    ext = {p.id: p.external_id for p in participants}
    sext = {s.id: s.external_id for s in statements}
    rows = db.execute(
        select(Vote.participant_id, Vote.statement_id, Vote.value, Vote.ts_ms)
        .where(Vote.conversation_id == conv.id)
        .order_by(Vote.ts_ms, Vote.id)
    ).all()
    tallies: dict[int, dict[int, int]] = {}
    for _p, sid, value, _t in rows:
        per = tallies.setdefault(sid, {})
        per[value] = per.get(value, 0) + 1
    votes = [PolisVote(ext[p], sext[sid], v, int(t)) for p, sid, v, t in rows]
    polis_statements = tuple(
        PolisStatement(
            external_id=s.external_id,
            text=s.text,
            author_external_id=ext.get(s.author_id, -1) if s.author_id is not None else -1,
            moderation=s.moderation,
            timestamp_ms=s.timestamp_ms or 0,
            agrees=tallies.get(s.id, {}).get(1, 0),
            disagrees=tallies.get(s.id, {}).get(-1, 0),
            is_meta=s.is_meta,
            is_seed=s.is_seed,
        )
        for s in statements
    )
    res = _cached(db, conv, DEFAULT_SEED)
    groups = {p["external_id"]: p["group"] for p in res["participants"]}
    export = PolisExport(
        statements=polis_statements,
        votes=tuple(votes),
        participants=participants_from_votes(polis_statements, votes, groups),
        summary=(("topic", conv.topic), ("conversation-description", conv.description)),
        attribution=conv.attribution or None,
    )
    write_polis_export(export, directory)
    return len(votes)


def may_moderate(db: Session, caller: Caller, conversation_id: int) -> bool:
    """Whether the caller may moderate the conversation (for showing the controls)."""
    conv = load_conversation(db, caller, conversation_id)
    try:
        _require_moderator(db, caller, conv)
    except CoalitionError:
        return False
    return True
