"""Read and write a Polis conversation export (a directory of CSV files), as plain dataclasses.

Format, as Polis exports it (compdemocracy/openData and the Polis server's ``export``
routes). Columns are read **by name**, in any order; every vintage of the layout reads:

``comments.csv``
    ``timestamp, datetime, comment-id, author-id, agrees, disagrees, moderated,
    comment-body`` (2014-2023); exports from 2024 drop ``datetime`` and add ``is-meta``,
    ``is-seed`` and ``group-informed-consensus``. ``moderated`` is 1 (accepted),
    0 (unmoderated) or -1 (moderated out). Required: ``timestamp``, ``comment-id``,
    ``author-id``, ``moderated``, ``comment-body``.
``votes.csv``
    ``timestamp, datetime, comment-id, voter-id, vote`` (``datetime`` optional) with vote 1
    agree, -1 disagree, 0 pass. Re-votes are kept: the last vote per (voter, comment) counts.
``participants-votes.csv`` (optional)
    ``participant, [xid,] group-id, n-comments, n-votes, n-agree, n-disagree`` then one
    column per comment id holding the participant's last vote (blank = none); ``group-id``
    is the opinion group Polis assigned (blank = not clustered); ``xid`` (2020 on) the
    participant's external id in the embedding site.
``summary.csv``, ``stats-history.csv`` (optional)
    ``key,value`` rows (topic, url, counts, description); counts over time (not read).
``ATTRIBUTION.md`` (optional)
    Licence and attribution text that must accompany results (CC BY data).

Columns this module does not know are ignored, so a newer export still reads.
:func:`read_polis_export` collects *every* problem (file, line, reason) before raising one
:class:`PolisFormatError`; :func:`write_polis_export` writes the layout that was read back,
so that ``read(write(export)) == export``. Pure: files in, dataclasses out, no database.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

__all__ = [
    "PolisExport",
    "PolisFormatError",
    "PolisLayout",
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
COMMENT_REQUIRED = ("timestamp", "comment-id", "author-id", "moderated", "comment-body")
COMMENT_2024 = (
    "timestamp",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
    "is-meta",
    "is-seed",
    "group-informed-consensus",
)
VOTE_COLUMNS = ("timestamp", "datetime", "comment-id", "voter-id", "vote")
VOTE_REQUIRED = ("timestamp", "comment-id", "voter-id", "vote")
PARTICIPANT_COLUMNS = (
    "participant",
    "group-id",
    "n-comments",
    "n-votes",
    "n-agree",
    "n-disagree",
)
PARTICIPANT_REQUIRED = ("participant",)
PARTICIPANT_KNOWN = frozenset((*PARTICIPANT_COLUMNS, "xid"))
FIELD_LIMIT = 1 << 20
"""Longest field read (1 MiB of text): a longer one is a broken file, not a statement."""

_INT = re.compile(r"-?[0-9]+")
_FLOAT = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_TRUE = frozenset(("1", "true", "t", "yes"))
_FALSE = frozenset(("0", "false", "f", "no", ""))


@dataclass(frozen=True)
class PolisStatement:
    """A comment (statement) of the conversation.

    ``group_informed_consensus`` is the text of that 2024 column as exported (Polis's own
    figure, kept for a faithful export; Coalition recomputes its own).
    """

    external_id: int
    text: str
    author_external_id: int
    moderation: int
    timestamp_ms: int
    datetime: str = ""
    agrees: int = 0
    disagrees: int = 0
    is_meta: bool = False
    is_seed: bool = False
    group_informed_consensus: str = ""


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
    in ascending statement id; ``group_id`` is Polis's opinion group, None when not clustered;
    ``xid`` the external id the embedding site gave the participant ("" when none) — private:
    Coalition stores it and never shows or exports it.
    """

    external_id: int
    group_id: int | None
    n_comments: int
    n_votes: int
    n_agree: int
    n_disagree: int
    votes: tuple[tuple[int, int], ...] = ()
    xid: str = ""


@dataclass(frozen=True)
class PolisLayout:
    """The named columns of each file, in file order (comment columns of
    ``participants-votes.csv`` follow the named ones). Reading records it; writing follows
    it, adding any column the data needs that it lacks."""

    comments: tuple[str, ...] = COMMENT_COLUMNS
    votes: tuple[str, ...] = VOTE_COLUMNS
    participants: tuple[str, ...] = PARTICIPANT_COLUMNS


@dataclass(frozen=True)
class PolisExport:
    """A whole export. ``participants`` is None when ``participants-votes.csv`` is absent,
    ``summary`` (rows of ``summary.csv``) and ``attribution`` likewise. ``layout`` (how the
    files were laid out) does not take part in equality."""

    statements: tuple[PolisStatement, ...]
    votes: tuple[PolisVote, ...]
    participants: tuple[PolisParticipant, ...] | None = None
    summary: tuple[tuple[str, ...], ...] | None = None
    attribution: str | None = None
    layout: PolisLayout = field(default=PolisLayout(), compare=False)

    def groups(self) -> dict[int, int | None]:
        """Polis's ``group-id`` per participant external id (empty without participants)."""
        return {p.external_id: p.group_id for p in self.participants or ()}

    def xids(self) -> dict[int, str]:
        """The non-empty ``xid`` per participant external id."""
        return {p.external_id: p.xid for p in self.participants or () if p.xid}


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


def _decode(data: bytes) -> tuple[str | None, int, str]:
    """UTF-8 text of ``data`` (a BOM dropped), or None with the line and reason it fails."""
    try:
        return data.decode("utf-8-sig"), 0, ""
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, line, f"not UTF-8 text (byte {data[exc.start]:#04x}): {exc.reason}"


class _Rows:
    """CSV records of one file with the line each starts on, and a problem sink."""

    def __init__(self, path: Path, problems: list[PolisProblem]) -> None:
        self.name = path.name
        self.path = path
        self.problems = problems
        self.header: tuple[str, ...] = ()

    def problem(self, line: int, reason: str) -> None:
        self.problems.append(PolisProblem(self.name, line, reason))

    def records(self) -> Iterator[tuple[int, list[str]]]:
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            self.problem(0, f"cannot read: {exc.strerror}")
            return
        text, bad_line, reason = _decode(data)
        if text is None:
            self.problem(bad_line, reason)
            return
        if "\x00" in text:
            self.problem(text[: text.index("\x00")].count("\n") + 1, "holds a NUL byte")
            return
        limit = csv.field_size_limit()
        csv.field_size_limit(FIELD_LIMIT)
        try:
            reader = csv.reader(io.StringIO(text, newline=""), strict=True)
            start = 1
            for row in reader:
                yield start, row
                start = reader.line_num + 1
        except csv.Error as exc:
            message = str(exc)
            if "field larger" in message:
                message = f"a field is longer than {FIELD_LIMIT:,} characters"
            elif "unexpected end of data" in message:
                message = "ends inside a quoted field (truncated file?)"
            self.problem(start, f"unreadable CSV: {message}")
        finally:
            csv.field_size_limit(limit)

    def table(
        self, required: tuple[str, ...]
    ) -> Iterator[tuple[int, dict[str, str], list[str], list[str]]]:
        """Yield (line, fields by column, header, raw row) for well-formed data rows."""
        header: list[str] | None = None
        for line, row in self.records():
            if header is None:
                header = [name.strip() for name in row]
                self.header = tuple(header)
                missing = [c for c in required if c not in header]
                for col in missing:
                    self.problem(line, f"missing column {col!r}")
                doubled = sorted({c for c in header if header.count(c) > 1})
                for col in doubled:
                    self.problem(line, f"column {col!r} appears twice")
                if missing or doubled:
                    return
                continue
            if not row:
                continue
            if len(row) != len(header):
                self.problem(line, f"expected {len(header)} fields, found {len(row)}")
                continue
            yield line, dict(zip(header, row, strict=True)), header, row
        if header is None and not any(p.file == self.name for p in self.problems):
            self.problem(1, "empty file (no header)")

    def integer(self, line: int, column: str, text: str) -> int | None:
        if _INT.fullmatch(text) is None:
            self.problem(line, f"{column}: not an integer: {_shown(text)}")
            return None
        return int(text)

    def optional_integer(self, line: int, f: Mapping[str, str], column: str) -> int | None:
        """An integer column that may be absent from the layout (0 then)."""
        return self.integer(line, column, f[column]) if column in f else 0

    def flag(self, line: int, f: Mapping[str, str], column: str) -> bool | None:
        text = f.get(column, "").strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        self.problem(line, f"{column}: not a flag (1/0, true/false): {_shown(f[column])}")
        return None


def _shown(text: str) -> str:
    """``text`` quoted for a problem report, cut to 40 characters."""
    return repr(text if len(text) <= 40 else text[:40] + "…")


def read_polis_export(directory: str | Path) -> PolisExport:
    """Read a Polis export directory, of any vintage, into a :class:`PolisExport`.

    Parameters
    ----------
    directory : str or Path
        Folder holding ``comments.csv`` and ``votes.csv`` (required) and optionally
        ``participants-votes.csv``, ``summary.csv`` and ``ATTRIBUTION.md``.

    Returns
    -------
    PolisExport
        Rows in file order; votes keep re-votes (see :func:`last_votes`); ``layout`` records
        the columns found.

    Raises
    ------
    PolisFormatError
        With every problem found: missing files or required columns, a column twice, text
        that is not UTF-8, a NUL byte, a quoted field left open or longer than
        :data:`FIELD_LIMIT`, rows with the wrong number of fields, numbers or flags that do
        not parse, vote or moderation values other than -1/0/1, duplicate comment or
        participant ids, and votes or participant columns naming a comment id that
        ``comments.csv`` does not have.
    """
    root = Path(directory)
    problems: list[PolisProblem] = []
    if not root.is_dir():
        raise PolisFormatError([PolisProblem(str(root), 0, "not a directory")])
    for name in (COMMENTS, VOTES):
        if not (root / name).is_file():
            problems.append(PolisProblem(name, 0, "missing file"))
    layout: dict[str, tuple[str, ...]] = {}
    statements = []
    if (root / COMMENTS).is_file():
        statements = _read_comments(root / COMMENTS, problems, layout)
    known = {s.external_id for s in statements}
    votes = []
    if (root / VOTES).is_file():
        votes = _read_votes(root / VOTES, known, problems, layout)
    participants = None
    if (root / PARTICIPANTS).is_file():
        participants = tuple(_read_participants(root / PARTICIPANTS, known, problems, layout))
    summary = None
    if (root / SUMMARY).is_file():
        summary = tuple(tuple(row) for _, row in _Rows(root / SUMMARY, problems).records())
    attribution = None
    if (root / ATTRIBUTION).is_file():
        text, line, reason = _decode((root / ATTRIBUTION).read_bytes())
        if text is None:
            problems.append(PolisProblem(ATTRIBUTION, line, reason))
        attribution = text
    if problems:
        raise PolisFormatError(problems)
    return PolisExport(
        statements=tuple(statements),
        votes=tuple(votes),
        participants=participants,
        summary=summary,
        attribution=attribution,
        layout=PolisLayout(**layout),
    )


def _read_comments(
    path: Path, problems: list[PolisProblem], layout: dict[str, tuple[str, ...]]
) -> list[PolisStatement]:
    rows = _Rows(path, problems)
    out: list[PolisStatement] = []
    seen: dict[int, int] = {}
    for line, f, _, _ in rows.table(COMMENT_REQUIRED):
        ts = rows.integer(line, "timestamp", f["timestamp"])
        tid = rows.integer(line, "comment-id", f["comment-id"])
        author = rows.integer(line, "author-id", f["author-id"])
        agrees = rows.optional_integer(line, f, "agrees")
        disagrees = rows.optional_integer(line, f, "disagrees")
        mod = rows.integer(line, "moderated", f["moderated"])
        if mod is not None and mod not in (-1, 0, 1):
            rows.problem(line, f"moderated: must be -1, 0 or 1, not {mod}")
            mod = None
        meta, seed = rows.flag(line, f, "is-meta"), rows.flag(line, f, "is-seed")
        gic = f.get("group-informed-consensus", "").strip()
        gic_ok = not gic or _FLOAT.fullmatch(gic) is not None
        if not gic_ok:
            rows.problem(line, f"group-informed-consensus: not a number: {_shown(gic)}")
        if tid is not None:
            if tid in seen:
                rows.problem(line, f"duplicate comment-id {tid} (first on line {seen[tid]})")
                continue
            seen[tid] = line
        if (
            ts is None
            or tid is None
            or author is None
            or agrees is None
            or disagrees is None
            or mod is None
            or None in (meta, seed)
            or not gic_ok
        ):
            continue
        out.append(
            PolisStatement(
                external_id=tid,
                text=f["comment-body"],
                author_external_id=author,
                moderation=mod,
                timestamp_ms=ts,
                datetime=f.get("datetime", ""),
                agrees=agrees,
                disagrees=disagrees,
                is_meta=bool(meta),
                is_seed=bool(seed),
                group_informed_consensus=f.get("group-informed-consensus", ""),
            )
        )
    layout["comments"] = rows.header
    return out


def _read_votes(
    path: Path,
    known: set[int],
    problems: list[PolisProblem],
    layout: dict[str, tuple[str, ...]],
) -> list[PolisVote]:
    rows = _Rows(path, problems)
    out: list[PolisVote] = []
    for line, f, _, _ in rows.table(VOTE_REQUIRED):
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
        out.append(PolisVote(pid, tid, value, ts, f.get("datetime", "")))
    layout["votes"] = rows.header
    return out


def _comment_columns(
    rows: _Rows, header: list[str], known: set[int]
) -> tuple[list[tuple[int, int]], tuple[str, ...]]:
    """(position, comment id) of the comment columns, and the named columns in order."""
    columns: list[tuple[int, int]] = []
    named: list[str] = []
    for pos, name in enumerate(header):
        if name in PARTICIPANT_KNOWN:
            named.append(name)
        elif _INT.fullmatch(name) is None:
            continue  # a column of a later vintage: ignored
        elif int(name) not in known:
            rows.problem(1, f"column {name!r}: comment id not in {COMMENTS}")
        else:
            columns.append((pos, int(name)))
    return columns, tuple(named)


def _read_participants(
    path: Path,
    known: set[int],
    problems: list[PolisProblem],
    layout: dict[str, tuple[str, ...]],
) -> list[PolisParticipant]:
    rows = _Rows(path, problems)
    out: list[PolisParticipant] = []
    seen: dict[int, int] = {}
    columns: list[tuple[int, int]] | None = None  # (position in row, comment id)
    for line, f, header, raw in rows.table(PARTICIPANT_REQUIRED):
        if columns is None:
            columns, layout["participants"] = _comment_columns(rows, header, known)
        pid = rows.integer(line, "participant", f["participant"])
        group_text = f.get("group-id", "")
        group = rows.integer(line, "group-id", group_text) if group_text != "" else None
        counts = [rows.optional_integer(line, f, c) for c in PARTICIPANT_COLUMNS[2:]]
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
        given = [c for c in counts if c is not None]
        if pid is None or bad or len(given) < len(counts) or (group_text != "" and group is None):
            continue
        n_comments, n_votes, n_agree, n_disagree = given
        out.append(
            PolisParticipant(
                pid,
                group,
                n_comments,
                n_votes,
                n_agree,
                n_disagree,
                tuple(sorted(cells)),
                f.get("xid", ""),
            )
        )
    layout.setdefault("participants", tuple(c for c in rows.header if c in PARTICIPANT_KNOWN))
    return out


def _with(columns: tuple[str, ...], needed: Iterable[str]) -> tuple[str, ...]:
    """``columns`` and, at the end, those of ``needed`` it lacks."""
    return columns + tuple(c for c in needed if c not in columns)


def _comment_cells(s: PolisStatement) -> dict[str, object]:
    return {
        "timestamp": s.timestamp_ms,
        "datetime": s.datetime,
        "comment-id": s.external_id,
        "author-id": s.author_external_id,
        "agrees": s.agrees,
        "disagrees": s.disagrees,
        "moderated": s.moderation,
        "comment-body": s.text,
        "is-meta": "true" if s.is_meta else "false",
        "is-seed": "true" if s.is_seed else "false",
        "group-informed-consensus": s.group_informed_consensus,
    }


def _layout_for(export: PolisExport) -> PolisLayout:
    """The export's layout, with every column its data needs (known columns only)."""
    lay = export.layout
    comments = tuple(c for c in lay.comments if c in _comment_cells(PolisStatement(0, "", 0, 0, 0)))
    comments = _with(comments, COMMENT_REQUIRED)
    if any(s.datetime for s in export.statements):
        comments = _with(comments, ("datetime",))
    for name, needed in (
        ("agrees", any(s.agrees for s in export.statements)),
        ("disagrees", any(s.disagrees for s in export.statements)),
        ("is-meta", any(s.is_meta for s in export.statements)),
        ("is-seed", any(s.is_seed for s in export.statements)),
        ("group-informed-consensus", any(s.group_informed_consensus for s in export.statements)),
    ):
        if needed:
            comments = _with(comments, (name,))
    votes = _with(tuple(c for c in lay.votes if c in VOTE_COLUMNS), VOTE_REQUIRED)
    if any(v.datetime for v in export.votes):
        votes = _with(votes, ("datetime",))
    people = export.participants or ()
    participants = _with(
        tuple(c for c in lay.participants if c in PARTICIPANT_KNOWN), PARTICIPANT_COLUMNS
    )
    if any(p.xid for p in people):
        participants = _with(participants, ("xid",))
    return PolisLayout(comments, votes, participants)


def write_polis_export(export: PolisExport, directory: str | Path) -> None:
    """Write ``export`` as a Polis export directory (created if needed).

    Writes ``comments.csv`` and ``votes.csv``, and ``participants-votes.csv``,
    ``summary.csv`` and ``ATTRIBUTION.md`` when the export has them; UTF-8, ``\\n`` line ends,
    fields quoted only when needed — the layout Polis produces, in the column order of
    ``export.layout`` plus any column the data needs that the layout lacks (``datetime``,
    ``is-meta``, ``xid``, …). The participant vote columns are every statement id in
    ascending order. Whoever must not publish xids passes participants without them.
    """
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    layout = _layout_for(export)
    with (root / COMMENTS).open("w", newline="", encoding="utf-8") as fh:
        w = _Writer(fh)
        w.writerow(layout.comments)
        for s in export.statements:
            cells = _comment_cells(s)
            w.writerow(cells[c] for c in layout.comments)
    with (root / VOTES).open("w", newline="", encoding="utf-8") as fh:
        w = _Writer(fh)
        w.writerow(layout.votes)
        for v in export.votes:
            vote_cells: dict[str, object] = {
                "timestamp": v.timestamp_ms,
                "datetime": v.datetime,
                "comment-id": v.statement_external_id,
                "voter-id": v.participant_external_id,
                "vote": v.value,
            }
            w.writerow(vote_cells[c] for c in layout.votes)
    if export.participants is not None:
        _write_participants(root / PARTICIPANTS, export, layout.participants)
    if export.summary is not None:
        with (root / SUMMARY).open("w", newline="", encoding="utf-8") as fh:
            w = _Writer(fh)
            for row in export.summary:
                w.writerow(row)
    if export.attribution is not None:
        (root / ATTRIBUTION).write_bytes(export.attribution.encode("utf-8"))


def _write_participants(path: Path, export: PolisExport, named: tuple[str, ...]) -> None:
    ids = sorted(s.external_id for s in export.statements)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = _Writer(fh)
        w.writerow([*named, *map(str, ids)])
        for p in export.participants or ():
            cells = dict(p.votes)
            fixed: dict[str, object] = {
                "participant": p.external_id,
                "xid": p.xid,
                "group-id": "" if p.group_id is None else p.group_id,
                "n-comments": p.n_comments,
                "n-votes": p.n_votes,
                "n-agree": p.n_agree,
                "n-disagree": p.n_disagree,
            }
            w.writerow([*(fixed[c] for c in named), *(cells.get(t, "") for t in ids)])


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
    group from ``groups`` (None when absent). No xids: they are not derived from votes.
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
