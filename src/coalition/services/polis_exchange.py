"""Polis exchange: a Polis export (the CSV directory Polis writes) loaded as a new conversation,
and a conversation written back out as one.

An import is all or nothing, one bulk insert per table; it replays the export's vote log once,
the way Polis's math worker ran it (see :mod:`coalition.services.conversation_analysis`), so the
conversation shows Polis's opinion groups at once and its later votes continue from Polis's
state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..engines.common_ground import Moderation
from ..engines.common_ground import replay as replay_log
from ..engines.common_ground.stream import IMPORT_BATCH_MS
from ..errors import Invalid
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
from ..schemas.deliberation import ConversationOut
from ..store.tables import Network
from ..store.tables_deliberation import Conversation, Participant, Statement, Vote
from .access import Caller, require_operator
from .conversation_analysis import DEFAULT_SEED, _cached, _matrix, _rows, _store
from .conversations import _bump, conversation_view, load_conversation
from .networks import get_network


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
    export = _read_export(directory)
    conv = _new_conversation(db, network, export, Path(directory), topic)
    participants = _insert_participants(db, conv, export)
    statements = _insert_statements(db, conv, export, participants)
    _insert_votes(db, conv, export.votes, participants, statements)
    db.flush()
    _bump(db, conv)
    if replay:
        _replay_import(db, conv, export.votes, batch_ms, progress)
    return conversation_view(db, conv)


def _read_export(directory: str | Path) -> PolisExport:
    """The export in ``directory``; 422 (on ``directory``) listing what is malformed in it."""
    try:
        return read_polis_export(directory)
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


def _new_conversation(
    db: Session, network: Network, export: PolisExport, directory: Path, topic: str | None
) -> Conversation:
    """The conversation an export becomes: topic, description and source from its summary."""
    summary = dict((row[0], row[1]) for row in export.summary or () if len(row) >= 2)
    conv = Conversation(
        network_id=network.id,
        topic=(topic or summary.get("topic") or directory.name)[:300],
        description=summary.get("conversation-description", summary.get("description", "")),
        attribution=export.attribution or _collection_attribution(directory),
        source=(summary.get("url") or str(directory.name))[:300],
    )
    db.add(conv)
    db.flush()
    return conv


def _insert_participants(db: Session, conv: Conversation, export: PolisExport) -> dict[int, int]:
    """Every participant the export names (authors and voters too); external id → row id."""
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
    return dict(
        db.execute(
            select(Participant.external_id, Participant.id).where(
                Participant.conversation_id == conv.id
            )
        ).all()
    )


def _insert_statements(
    db: Session, conv: Conversation, export: PolisExport, pmap: dict[int, int]
) -> dict[int, int]:
    """The export's statements; external id → row id."""
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
    return dict(
        db.execute(
            select(Statement.external_id, Statement.id).where(Statement.conversation_id == conv.id)
        ).all()
    )


def _insert_votes(
    db: Session,
    conv: Conversation,
    votes: Sequence[PolisVote],
    pmap: dict[int, int],
    smap: dict[int, int],
) -> None:
    """Each participant's last vote on each statement (the log keeps every re-vote)."""
    last: dict[tuple[int, int], PolisVote] = {}
    for v in votes:
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
