"""The analysis of a conversation: opinion groups, representative statements and consensus,
as the :mod:`coalition.engines.common_ground` engine finds them in the votes, the next statement
to show a voter, and the charter of what every group agrees on.

A result is cached per data version of the conversation (see
:mod:`coalition.services.conversations`). The live analysis (the default seed) is recomputed as
Polis recomputes its math, periodically and not per vote: after a vote, the stored analysis is
served for a short freshness window (the ``results_freshness_s`` setting), then ONE request
recomputes it while the others go on serving the stored one (:func:`_live`); a result says
which data version it analysed, when, and from how many votes.
The analysis evolves as Polis's does (see :mod:`coalition.engines.common_ground.incremental`):
each new data version is ONE warm-started update from the history of the conversation's latest
analysis (table ``ground_history``), so opinion groups stay put as votes arrive instead of
being re-drawn from scratch each time. A Polis import replays its vote log once, at import
(:mod:`coalition.services.polis_exchange`), the way Polis's math worker ran it, so the imported
groups are Polis's; a request never replays — it runs at most one update.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import clock
from ..config import load_settings
from ..engines.common_ground import (
    GroundResult,
    Group,
    GroupStats,
    History,
    Moderation,
    VoteMatrix,
    analyze,
    next_statement_from,
)
from ..schemas.deliberation import (
    GroupOut,
    GroupSupport,
    NextOut,
    ParticipantPoint,
    RepresentativeOut,
    ResultsOut,
    StatementResult,
)
from ..store.cache import ProcessCache, cached_result, store_result
from ..store.tables import Network
from ..store.tables_deliberation import (
    Conversation,
    GroundCache,
    GroundHistory,
    Participant,
    Statement,
    Vote,
)
from .access import Caller, require_role
from .conversations import _my_actor, _shown_to_voters, _statement_out, load_conversation

log = logging.getLogger("coalition.deliberation")

DEFAULT_SEED = 0
"""The seed of a conversation's live analysis: the one the pages, ``next`` and exports use, and
the only one that keeps a Polis history (see :func:`results`)."""


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
    out = ResultsOut(
        conversation_id=conv.id,
        data_version=conv.data_version,
        seed=result.seed,
        k=result.k,
        attribution=conv.attribution,
        participants=[
            ParticipantPoint(
                external_id=p.external_id,
                group=result.group_of(i),
                x=round(result.position_of(i)[0], 6),
                y=round(result.position_of(i)[1], 6),
            )
            for i, p in enumerate(participants)
        ],
        statements=[_statement_result(result, j, s) for j, s in enumerate(statements)],
        groups=[_group_out(result.group_stats, grp, statements) for grp in result.groups],
        consensus=[statements[c.statement].id for c in result.consensus_agree],
    ).model_dump(mode="json")
    out["priorities"] = [float(x) if np.isfinite(x) else 1.0 for x in np.asarray(result.priorities)]
    return out


def _statement_result(result: GroundResult, j: int, s: Statement) -> StatementResult:
    """Statement ``s`` (column ``j``): each group's support, and whether it is consensus."""
    gic = float(result.group_informed_consensus[j])
    return StatementResult(
        id=s.id,
        external_id=s.external_id,
        text=s.text,
        moderation=s.moderation,
        is_meta=s.is_meta,
        groups=[_support(result.group_stats, g, j) for g in range(result.k)],
        consensus_agree=bool(result.is_consensus_agree[j]),
        consensus_disagree=bool(result.is_consensus_disagree[j]),
        group_informed_consensus=round(gic, 6) if np.isfinite(gic) else 0.0,
    )


def _support(st: GroupStats, g: int, j: int) -> GroupSupport:
    """How group ``g`` voted on statement ``j``."""
    ra, rd = float(st.ra[g, j]), float(st.rd[g, j])
    return GroupSupport(
        group=g,
        agree=_share(int(st.na[g, j]), int(st.ns[g, j])),
        disagree=_share(int(st.nd[g, j]), int(st.ns[g, j])),
        seen=int(st.ns[g, j]),
        repness=round(max(ra, rd), 4) if np.isfinite(max(ra, rd)) else 0.0,
        repful=None if int(st.ns[g, j]) == 0 else ("agree" if ra >= rd else "disagree"),
    )


def _group_out(st: GroupStats, grp: Group, statements: list[Statement]) -> GroupOut:
    """An opinion group with its representative statements."""
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
    return GroupOut(
        id=grp.id,
        n_members=grp.n_members,
        center=(round(grp.center[0], 6), round(grp.center[1], 6)),
        representative=reps,
    )


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
    mine = GroundHistory.conversation_id == conv.id
    locked = db.execute(
        select(GroundHistory.data_version).where(mine).with_for_update(skip_locked=True)
    ).first()
    if locked is None and db.scalar(select(GroundHistory.data_version).where(mine)) is not None:
        # Another request is storing its history now (PostgreSQL: the row is locked): its, or
        # the next one, is as valid a warm start; waiting for it would queue every request.
        return
    if locked is None:
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
    votes: int | None = None,
) -> dict[str, Any]:
    """Cache ``result`` (of ``votes`` votes: counted when not given) for the current data
    version and seed, dropping other versions, and, for the live seed, keep its history;
    returns the cached JSON, which says when it was computed and from how many votes."""
    if votes is None:
        votes = db.scalar(select(func.count()).where(Vote.conversation_id == conv.id)) or 0
    computed_at = clock.utcnow()
    data = _result_json(conv, result, statements, participants)
    data.update(computed_at=computed_at.isoformat(), votes=votes)
    owner = {"conversation_id": conv.id}
    store_result(db, GroundCache, conv.data_version, data, owner, seed=seed, created_at=computed_at)
    if seed == DEFAULT_SEED and result.history is not None:
        _store_history(db, conv, result.history, statements, participants)
    return data


def _compute(db: Session, conv: Conversation, seed: int) -> dict[str, Any]:
    """Analyse the conversation's votes now (the live seed: one update from its history) and
    store the result."""
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
    return _store(db, conv, seed, result, statements, participants, votes=matrix.nnz)


def _cached(db: Session, conv: Conversation, seed: int) -> dict[str, Any]:
    """The analysis of the conversation's current data version with ``seed``, computed when
    it is not stored yet, by one request of this process at a time (the others wait for it)."""

    def load() -> dict[str, Any]:
        hit = cached_result(db, GroundCache, conv.data_version, conversation_id=conv.id, seed=seed)
        return hit if hit is not None else _compute(db, conv, seed)

    where = db.get_bind().engine.url.render_as_string(hide_password=True)
    return _ANALYSES.get((where, conv.id, conv.created_at, conv.data_version, seed), load)


#: One computation per version and seed at a time in this process; nothing is kept (size 0:
#: the table keeps results, and a wiped test database reuses ids, times and versions).
_ANALYSES: ProcessCache[dict[str, Any]] = ProcessCache(0)


def freshness_s(db: Session) -> float:
    """How long a stored live analysis is served after the votes moved on (a setting)."""
    settings = db.info.get("settings") or load_settings()
    return float(settings.results_freshness_s)


def _live(db: Session, conv: Conversation) -> dict[str, Any]:
    """The conversation's live analysis as Polis serves it: recomputed at most once per
    freshness window, not after every vote.

    The latest stored analysis is served when it is of the current data version, or younger
    than :func:`freshness_s`. Otherwise ONE request recomputes it: the one that locks the
    stored row (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite runs one transaction at a
    time); any other request meanwhile serves the stored analysis instead of waiting. Only a
    conversation with no stored analysis yet has every reader compute (nothing to serve).
    A window of 0 serves only the current data version, which any reader computes.
    """
    window = freshness_s(db)
    if window <= 0:
        return _cached(db, conv, DEFAULT_SEED)
    mine = (GroundCache.conversation_id == conv.id, GroundCache.seed == DEFAULT_SEED)
    row = db.execute(
        select(GroundCache.id, GroundCache.data_version, GroundCache.created_at, GroundCache.result)
        .where(*mine)
        .order_by(GroundCache.data_version.desc())
        .limit(1)
    ).first()
    if row is None:
        return _cached(db, conv, DEFAULT_SEED)
    stored = dict(row.result)
    stored.setdefault("computed_at", row.created_at.isoformat())
    if row.data_version >= conv.data_version:
        return stored
    age = (clock.utcnow() - row.created_at).total_seconds()
    if age < window:
        return stored
    claimed = db.execute(
        select(GroundCache.id).where(GroundCache.id == row.id).with_for_update(skip_locked=True)
    ).first()
    if claimed is None:  # another request is recomputing (or just replaced it)
        return stored
    return _compute(db, conv, DEFAULT_SEED)


def results(
    db: Session, caller: Caller, conversation_id: int, seed: int = DEFAULT_SEED
) -> ResultsOut:
    """Opinion groups, representative statements and consensus, and when they were computed.

    With the default seed (:data:`DEFAULT_SEED`, what the pages show) the result is the
    conversation's live, Polis-like analysis: ONE warm-started update from the history of its
    previous analysis (or of the import's replay), so groups carry over as votes arrive; from
    scratch, seeded with the default seed, when there is no usable history yet (the first
    analysis, or participants or statements were removed since). Like Polis's, it is
    recomputed periodically, not per vote (:func:`_live`): within the freshness window after
    a vote, the previous analysis is served, and its ``data_version``, ``computed_at`` and
    ``votes`` say what it reflects. Any other seed gives a from-scratch analysis of the
    current votes with that seed — reproducible from the votes alone, always of the current
    data version, and it neither reads nor moves the live history.
    """
    conv = load_conversation(db, caller, conversation_id)
    data = _live(db, conv) if seed == DEFAULT_SEED else _cached(db, conv, seed)
    return ResultsOut.model_validate({k: v for k, v in data.items() if k != "priorities"})


def next_for(db: Session, caller: Caller, conversation_id: int) -> NextOut:
    """The statement to show the caller next (Polis's priority-weighted draw)."""
    conv = load_conversation(db, caller, conversation_id)
    network = db.get_one(Network, conv.network_id)
    require_role(caller, network, "member")
    actor_id = _my_actor(db, caller, network)
    participant = db.scalars(
        select(Participant).where(
            Participant.conversation_id == conv.id, Participant.actor_id == actor_id
        )
    ).first()
    voted: list[int] = []
    if participant is not None:
        voted = list(
            db.scalars(select(Vote.statement_id).where(Vote.participant_id == participant.id))
        )
    return next_statement(db, conv, voted, actor_id)


def next_statement(db: Session, conv: Conversation, voted: Collection[int], who: int) -> NextOut:
    """The next statement for the voter ``who`` (an actor, or an outside participant), who
    voted on the statements ``voted`` (ids): Polis's priority-weighted draw among those shown
    to voters, seeded by conversation, voter and data version. The statement comes without
    its tallies (anti-herding: the voter has not voted on it). The priorities are those of
    the live analysis, which may be up to a freshness window old: a statement added since
    has the priority of a new one."""
    data = _live(db, conv)
    statements = list(
        db.scalars(
            select(Statement)
            .where(Statement.conversation_id == conv.id)
            .order_by(Statement.external_id)
        )
    )
    seen = set(voted)
    done = [j for j, s in enumerate(statements) if s.id in seen]
    priorities = np.ones(len(statements))
    cached = data.get("priorities", [])
    shared = min(len(cached), len(statements))
    priorities[:shared] = cached[:shared]
    eligible = np.array([_shown_to_voters(conv, s) for s in statements], dtype=bool)
    remaining = int(eligible.sum()) - sum(1 for j in done if eligible[j])
    seed = (conv.id * 1_000_003 + who * 7919 + conv.data_version) % (2**32)
    j = next_statement_from(priorities, done, eligible, seed)
    return NextOut(
        statement=None if j is None else _statement_out(statements[j], tallies=False),
        remaining=remaining,
    )


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
