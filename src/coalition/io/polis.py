"""Read and write a Polis conversation export (a directory of CSV files), as plain dataclasses.

Format, as Polis exports it (see compdemocracy/openData and the Polis server's
``export`` routes):

``comments.csv``
    ``timestamp, datetime, comment-id, author-id, agrees, disagrees, moderated, comment-body``;
    ``moderated`` is 1 (accepted), 0 (unmoderated) or -1 (moderated out).
``votes.csv``
    ``timestamp, datetime, comment-id, voter-id, vote`` with vote 1 agree, -1 disagree, 0 pass.
    Re-votes are kept: the last vote per (voter, comment) is the one that counts.
``participants-votes.csv`` (optional)
    ``participant, group-id, n-comments, n-votes, n-agree, n-disagree`` then one column per
    comment id holding the participant's last vote (blank = none); ``group-id`` is the opinion
    group Polis assigned (blank = not clustered).
``summary.csv`` (optional)
    ``key,value`` rows (topic, url, counts, description).
``ATTRIBUTION.md`` (optional)
    Licence and attribution text that must accompany results (CC BY data).

:func:`read_polis_export` collects *every* problem (file, line, reason) before raising one
:class:`PolisFormatError`; :func:`write_polis_export` writes the same format back, so that
``read(write(export)) == export``. Pure: files in, dataclasses out, no database.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

__all__ = [
    "PolisExport",
    "PolisFormatError",
    "PolisParticipant",
    "PolisProblem",
    "PolisStatement",
    "PolisVote",
    "last_votes",
    "participants_from_votes",
    "read_polis_export",
    "write_polis_export",
]

COMMENTS = "comments.csv"
VOTES = "votes.csv"
PARTICIPANTS = "participants-votes.csv"
SUMMARY = "summary.csv"
ATTRIBUTION = "ATTRIBUTION.md"

COMMENT_COLUMNS = (
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
)
VOTE_COLUMNS = ("timestamp", "datetime", "comment-id", "voter-id", "vote")
PARTICIPANT_COLUMNS = (
    "participant",
    "group-id",
    "n-comments",
    "n-votes",
    "n-agree",
    "n-disagree",
)

_INT = re.compile(r"-?[0-9]+")


@dataclass(frozen=True)
class PolisStatement:
    """A comment (statement) of the conversation."""

    external_id: int
    text: str
    author_external_id: int
    moderation: int
    timestamp_ms: int
    datetime: str = ""
    agrees: int = 0
    disagrees: int = 0


@dataclass(frozen=True)
class PolisVote:
    """One vote as recorded (re-votes included): 1 agree, -1 disagree, 0 pass."""

    participant_external_id: int
    statement_external_id: int
    value: int
    timestamp_ms: int
    datetime: str = ""


@dataclass(frozen=True)
class PolisParticipant:
    """A row of ``participants-votes.csv``.

    ``votes`` holds ``(statement external id, last vote)`` for the cells that are not blank,
    in ascending statement id; ``group_id`` is Polis's opinion group, None when not clustered.
    """

    external_id: int
    group_id: int | None
    n_comments: int
    n_votes: int
    n_agree: int
    n_disagree: int
    votes: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class PolisExport:
    """A whole export. ``participants`` is None when ``participants-votes.csv`` is absent,
    ``summary`` (rows of ``summary.csv``) and ``attribution`` likewise."""

    statements: tuple[PolisStatement, ...]
    votes: tuple[PolisVote, ...]
    participants: tuple[PolisParticipant, ...] | None = None
    summary: tuple[tuple[str, ...], ...] | None = None
    attribution: str | None = None

    def groups(self) -> dict[int, int | None]:
        """Polis's ``group-id`` per participant external id (empty without participants)."""
        return {p.external_id: p.group_id for p in self.participants or ()}


@dataclass(frozen=True)
class PolisProblem:
    """One thing wrong with an export: the file, the 1-based line (0 = whole file), why."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class PolisFormatError(ValueError):
    """A malformed export; ``problems`` lists every problem found, in file order."""

    def __init__(self, problems: Iterable[PolisProblem]) -> None:
        self.problems: tuple[PolisProblem, ...] = tuple(problems)
        shown = "; ".join(str(p) for p in self.problems[:10])
        more = len(self.problems) - 10
        suffix = f" (and {more} more)" if more > 0 else ""
        super().__init__(f"malformed Polis export: {shown}{suffix}")


class _Writer:
    """``csv.writer`` with ``\n`` line ends that still quotes fields holding a bare ``\r``.

    Python's writer quotes only the characters of its own line terminator, so a field with
    ``\r`` would be split on reading; such rows go through a ``\r\n`` writer instead.
    """

    def __init__(self, fh: IO[str]) -> None:
        self.fh = fh
        self.plain = csv.writer(fh, lineterminator="\n")
        self.buffer = io.StringIO()
        self.careful = csv.writer(self.buffer, lineterminator="\r\n")

    def writerow(self, row: Iterable[object]) -> None:
        cells = list(row)
        if not any(isinstance(c, str) and "\r" in c for c in cells):
            self.plain.writerow(cells)
            return
        self.buffer.seek(0)
        self.buffer.truncate()
        self.careful.writerow(cells)
        self.fh.write(self.buffer.getvalue()[:-2] + "\n")


class _Rows:
    """CSV records of one file with the line each starts on, and a problem sink."""

    def __init__(
        self, path: Path, problems: list[PolisProblem], encoding: str = "utf-8-sig"
    ) -> None:
        self.name = path.name
        self.path = path
        self.problems = problems
        self.encoding = encoding

    def problem(self, line: int, reason: str) -> None:
        self.problems.append(PolisProblem(self.name, line, reason))

    def records(self) -> Iterator[tuple[int, list[str]]]:
        with self.path.open(newline="", encoding=self.encoding) as fh:
            reader = csv.reader(fh)
            start = 1
            try:
                for row in reader:
                    yield start, row
                    start = reader.line_num + 1
            except csv.Error as exc:
                self.problem(start, f"unreadable CSV: {exc}")
            except UnicodeDecodeError as exc:
                self.problem(start, f"not UTF-8 text: {exc.reason}")

    def table(
        self, required: tuple[str, ...]
    ) -> Iterator[tuple[int, dict[str, str], list[str], list[str]]]:
        """Yield (line, fields by column, header, raw row) for well-formed data rows."""
        header: list[str] | None = None
        for line, row in self.records():
            if header is None:
                header = row
                missing = [c for c in required if c not in header]
                for col in missing:
                    self.problem(line, f"missing column {col!r}")
                if missing:
                    return
                continue
            if not row:
                continue
            if len(row) != len(header):
                self.problem(line, f"expected {len(header)} fields, found {len(row)}")
                continue
            yield line, dict(zip(header, row, strict=True)), header, row
        if header is None:
            self.problem(1, "empty file (no header)")

    def integer(self, line: int, column: str, text: str) -> int | None:
        if _INT.fullmatch(text) is None:
            self.problem(line, f"{column}: not an integer: {text!r}")
            return None
        return int(text)


def read_polis_export(directory: str | Path) -> PolisExport:
    """Read a Polis export directory into a :class:`PolisExport`.

    Parameters
    ----------
    directory : str or Path
        Folder holding ``comments.csv`` and ``votes.csv`` (required) and optionally
        ``participants-votes.csv``, ``summary.csv`` and ``ATTRIBUTION.md``.

    Returns
    -------
    PolisExport
        Rows in file order; votes keep re-votes (see :func:`last_votes`).

    Raises
    ------
    PolisFormatError
        With every problem found: missing files or columns, rows with the wrong number of
        fields, numbers that do not parse, vote values other than -1/0/1, moderation values
        other than -1/0/1, duplicate comment or participant ids, and votes or participant
        columns naming a comment id that ``comments.csv`` does not have.
    """
    root = Path(directory)
    problems: list[PolisProblem] = []
    if not root.is_dir():
        raise PolisFormatError([PolisProblem(str(root), 0, "not a directory")])
    for name in (COMMENTS, VOTES):
        if not (root / name).is_file():
            problems.append(PolisProblem(name, 0, "missing file"))
    statements = _read_comments(root / COMMENTS, problems) if (root / COMMENTS).is_file() else []
    known = {s.external_id for s in statements}
    votes = _read_votes(root / VOTES, known, problems) if (root / VOTES).is_file() else []
    participants = None
    if (root / PARTICIPANTS).is_file():
        participants = tuple(_read_participants(root / PARTICIPANTS, known, problems))
    summary = None
    if (root / SUMMARY).is_file():
        summary = tuple(tuple(row) for _, row in _Rows(root / SUMMARY, problems, "utf-8").records())
    attribution = None
    if (root / ATTRIBUTION).is_file():
        try:
            attribution = (root / ATTRIBUTION).read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(PolisProblem(ATTRIBUTION, 0, f"not UTF-8 text: {exc.reason}"))
    if problems:
        raise PolisFormatError(problems)
    return PolisExport(
        statements=tuple(statements),
        votes=tuple(votes),
        participants=participants,
        summary=summary,
        attribution=attribution,
    )


def _read_comments(path: Path, problems: list[PolisProblem]) -> list[PolisStatement]:
    rows = _Rows(path, problems)
    out: list[PolisStatement] = []
    seen: dict[int, int] = {}
    for line, f, _, _ in rows.table(COMMENT_COLUMNS):
        ts = rows.integer(line, "timestamp", f["timestamp"])
        tid = rows.integer(line, "comment-id", f["comment-id"])
        author = rows.integer(line, "author-id", f["author-id"])
        agrees = rows.integer(line, "agrees", f["agrees"])
        disagrees = rows.integer(line, "disagrees", f["disagrees"])
        mod = rows.integer(line, "moderated", f["moderated"])
        if mod is not None and mod not in (-1, 0, 1):
            rows.problem(line, f"moderated: must be -1, 0 or 1, not {mod}")
            mod = None
        if tid is not None:
            if tid in seen:
                rows.problem(line, f"duplicate comment-id {tid} (first on line {seen[tid]})")
                continue
            seen[tid] = line
        if None in (ts, tid, author, agrees, disagrees, mod):
            continue
        out.append(
            PolisStatement(
                external_id=tid,  # type: ignore[arg-type]
                text=f["comment-body"],
                author_external_id=author,  # type: ignore[arg-type]
                moderation=mod,  # type: ignore[arg-type]
                timestamp_ms=ts,  # type: ignore[arg-type]
                datetime=f["datetime"],
                agrees=agrees,  # type: ignore[arg-type]
                disagrees=disagrees,  # type: ignore[arg-type]
            )
        )
    return out


def _read_votes(path: Path, known: set[int], problems: list[PolisProblem]) -> list[PolisVote]:
    rows = _Rows(path, problems)
    out: list[PolisVote] = []
    for line, f, _, _ in rows.table(VOTE_COLUMNS):
        ts = rows.integer(line, "timestamp", f["timestamp"])
        tid = rows.integer(line, "comment-id", f["comment-id"])
        pid = rows.integer(line, "voter-id", f["voter-id"])
        value = rows.integer(line, "vote", f["vote"])
        if value is not None and value not in (-1, 0, 1):
            rows.problem(line, f"vote: must be -1, 0 or 1, not {value}")
            value = None
        if tid is not None and tid not in known:
            rows.problem(line, f"comment-id {tid} is not in {COMMENTS}")
            tid = None
        if ts is None or tid is None or pid is None or value is None:
            continue
        out.append(PolisVote(pid, tid, value, ts, f["datetime"]))
    return out


def _read_participants(
    path: Path, known: set[int], problems: list[PolisProblem]
) -> list[PolisParticipant]:
    rows = _Rows(path, problems)
    out: list[PolisParticipant] = []
    seen: dict[int, int] = {}
    columns: list[tuple[int, int]] | None = None  # (position in row, comment id)
    for line, f, header, raw in rows.table(PARTICIPANT_COLUMNS):
        if columns is None:
            columns = []
            fixed = set(PARTICIPANT_COLUMNS)
            for pos, name in enumerate(header):
                if name in fixed:
                    continue
                if _INT.fullmatch(name) is None:
                    rows.problem(1, f"column {name!r} is not a comment id")
                elif int(name) not in known:
                    rows.problem(1, f"column {name!r}: comment id not in {COMMENTS}")
                else:
                    columns.append((pos, int(name)))
        pid = rows.integer(line, "participant", f["participant"])
        group = None
        if f["group-id"] != "":
            group = rows.integer(line, "group-id", f["group-id"])
        counts = [rows.integer(line, c, f[c]) for c in PARTICIPANT_COLUMNS[2:]]
        cells: list[tuple[int, int]] = []
        bad = False
        for pos, tid in columns:
            cell = raw[pos]
            if cell == "":
                continue
            if cell not in ("-1", "0", "1"):
                rows.problem(line, f"comment {tid}: vote must be -1, 0, 1 or blank, not {cell!r}")
                bad = True
                continue
            cells.append((tid, int(cell)))
        if pid is not None:
            if pid in seen:
                rows.problem(line, f"duplicate participant {pid} (first on line {seen[pid]})")
                continue
            seen[pid] = line
        if pid is None or bad or None in counts or (f["group-id"] != "" and group is None):
            continue
        n_comments, n_votes, n_agree, n_disagree = (int(c) for c in counts)  # type: ignore[arg-type]
        out.append(
            PolisParticipant(
                pid, group, n_comments, n_votes, n_agree, n_disagree, tuple(sorted(cells))
            )
        )
    return out


def write_polis_export(export: PolisExport, directory: str | Path) -> None:
    """Write ``export`` as a Polis export directory (created if needed).

    Writes ``comments.csv`` and ``votes.csv``, and ``participants-votes.csv``,
    ``summary.csv`` and ``ATTRIBUTION.md`` when the export has them; UTF-8, ``\\n`` line ends,
    fields quoted only when needed — the layout Polis produces. The participant vote columns
    are every statement id in ascending order.
    """
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    with (root / COMMENTS).open("w", newline="", encoding="utf-8") as fh:
        w = _Writer(fh)
        w.writerow(COMMENT_COLUMNS)
        for s in export.statements:
            w.writerow(
                [
                    s.timestamp_ms,
                    s.datetime,
                    s.external_id,
                    s.author_external_id,
                    s.agrees,
                    s.disagrees,
                    s.moderation,
                    s.text,
                ]
            )
    with (root / VOTES).open("w", newline="", encoding="utf-8") as fh:
        w = _Writer(fh)
        w.writerow(VOTE_COLUMNS)
        for v in export.votes:
            w.writerow(
                [
                    v.timestamp_ms,
                    v.datetime,
                    v.statement_external_id,
                    v.participant_external_id,
                    v.value,
                ]
            )
    if export.participants is not None:
        ids = sorted(s.external_id for s in export.statements)
        with (root / PARTICIPANTS).open("w", newline="", encoding="utf-8") as fh:
            w = _Writer(fh)
            w.writerow([*PARTICIPANT_COLUMNS, *map(str, ids)])
            for p in export.participants:
                cells = dict(p.votes)
                w.writerow(
                    [
                        p.external_id,
                        "" if p.group_id is None else p.group_id,
                        p.n_comments,
                        p.n_votes,
                        p.n_agree,
                        p.n_disagree,
                        *(cells.get(t, "") for t in ids),
                    ]
                )
    if export.summary is not None:
        with (root / SUMMARY).open("w", newline="", encoding="utf-8") as fh:
            w = _Writer(fh)
            for row in export.summary:
                w.writerow(row)
    if export.attribution is not None:
        (root / ATTRIBUTION).write_bytes(export.attribution.encode("utf-8"))


def last_votes(votes: Iterable[PolisVote]) -> list[PolisVote]:
    """The votes that count: the last per (participant, comment) by timestamp, then file order.

    Returned in the order of their first vote on that pair.
    """
    best: dict[tuple[int, int], tuple[int, PolisVote]] = {}
    for v in votes:
        key = (v.participant_external_id, v.statement_external_id)
        current = best.get(key)
        if current is None or v.timestamp_ms >= current[0]:
            best[key] = (v.timestamp_ms, v)
    return [entry[1] for entry in best.values()]


def participants_from_votes(
    statements: Iterable[PolisStatement],
    votes: Iterable[PolisVote],
    groups: Mapping[int, int | None] | None = None,
) -> tuple[PolisParticipant, ...]:
    """Build ``participants-votes.csv`` rows from statements and votes, as Polis computes them.

    Every voter and every author gets a row (ascending id): comments authored, last votes
    (count, agrees, disagrees, and the vote per comment in ascending comment id), and the
    group from ``groups`` (None when absent).
    """
    stmts = list(statements)
    authored: dict[int, int] = {}
    for s in stmts:
        authored[s.author_external_id] = authored.get(s.author_external_id, 0) + 1
    per: dict[int, dict[int, int]] = {}
    for v in last_votes(votes):
        per.setdefault(v.participant_external_id, {})[v.statement_external_id] = v.value
    ids = sorted(set(per) | set(authored))
    groups = groups or {}
    out = []
    for pid in ids:
        cast = per.get(pid, {})
        out.append(
            PolisParticipant(
                external_id=pid,
                group_id=groups.get(pid),
                n_comments=authored.get(pid, 0),
                n_votes=len(cast),
                n_agree=sum(1 for x in cast.values() if x == 1),
                n_disagree=sum(1 for x in cast.values() if x == -1),
                votes=tuple(sorted(cast.items())),
            )
        )
    return tuple(out)
