"""A corpus of broken Polis exports: each is refused whole, with the file and line at fault and
a reason a person can act on — never a traceback, never a partial import."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.errors import Invalid
from coalition.io.polis import PolisFormatError, read_polis_export
from coalition.services import polis_exchange as polis
from coalition.store.tables_deliberation import Conversation, Participant, Statement, Vote
from tests.factories import OP, deliberation_world

GOOD = Path(__file__).resolve().parents[1] / "data" / "polis" / "opendata-2024"


def _edit(name: str, change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / name).write_bytes(change((root / name).read_bytes()))

    return apply


def _line(name: str, number: int, text: str, encoding: str = "utf-8") -> Callable[[Path], None]:
    """Replace line ``number`` (1-based) of ``name``, the whole file in ``encoding``."""

    def change(data: bytes) -> bytes:
        lines = data.decode().split("\n")
        lines[number - 1] = text
        return "\n".join(lines).encode(encoding)

    return _edit(name, change)


CASES: dict[str, tuple[Callable[[Path], None], str, int, str]] = {
    # name: (how to break the good export, file at fault, line, phrase of the reason)
    "truncated inside a quote": (
        _edit("comments.csv", lambda b: b + b'1,9,0,0,0,1,"cut off in the mid'),
        "comments.csv",
        8,
        "ends inside a quoted field",
    ),
    "latin-1 text": (
        _line("comments.csv", 3, "1600000240000,4,5,2,1,-1,F\xfcr alle,false,false,0.3", "latin-1"),
        "comments.csv",
        3,
        "not UTF-8",
    ),
    "utf-16 file": (
        _edit("votes.csv", lambda b: b.decode().encode("utf-16")),
        "votes.csv",
        1,
        "not UTF-8",
    ),
    "huge field": (
        _line("comments.csv", 4, "1600000180000,3,4,2,0,0," + "x" * 1_200_000 + ",false,false,"),
        "comments.csv",
        4,
        "longer than 1,048,576 characters",
    ),
    "NUL byte": (
        _edit("votes.csv", lambda b: b.replace(b"\n1600", b"\n16\x0000", 1)),
        "votes.csv",
        2,
        "NUL byte",
    ),
    "binary file": (
        _edit("votes.csv", lambda b: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe"),
        "votes.csv",
        1,
        "not UTF-8",
    ),
    "empty comments": (_edit("comments.csv", lambda b: b""), "comments.csv", 1, "empty file"),
    "column twice": (
        _edit("votes.csv", lambda b: b.replace(b"voter-id", b"vote", 1)),
        "votes.csv",
        1,
        "column 'vote' appears twice",
    ),
    "required column renamed": (
        _edit("votes.csv", lambda b: b.replace(b"voter-id", b"voter", 1)),
        "votes.csv",
        1,
        "missing column 'voter-id'",
    ),
    "vote out of range": (_line("votes.csv", 5, "1600000410000,2,1,5"), "votes.csv", 5, "not 5"),
    "vote on an unknown comment": (
        _line("votes.csv", 6, "1600000410000,77,1,1"),
        "votes.csv",
        6,
        "comment-id 77 is not in comments.csv",
    ),
    "too many fields": (
        _line("votes.csv", 7, "1600000410000,2,1,1,extra"),
        "votes.csv",
        7,
        "expected 4 fields, found 5",
    ),
    "stray quote": (
        _line("comments.csv", 5, '1600000120000,2,3,5,1,1,"Cycling lanes"!,false,false,0.8'),
        "comments.csv",
        5,
        "unreadable CSV",
    ),
    "flag that is not a flag": (
        _line("comments.csv", 2, "1600000300000,5,2,3,3,1,Publish?,maybe,false,0.6"),
        "comments.csv",
        2,
        "is-meta: not a flag",
    ),
    "consensus that is not a number": (
        _line("comments.csv", 2, "1600000300000,5,2,3,3,1,Publish?,true,false,high"),
        "comments.csv",
        2,
        "group-informed-consensus: not a number: 'high'",
    ),
    "participant column for an unknown comment": (
        _edit("participants-votes.csv", lambda b: b.replace(b",5\n", b",55\n", 1)),
        "participants-votes.csv",
        1,
        "column '55': comment id not in comments.csv",
    ),
    "duplicate participant": (
        _line("participants-votes.csv", 3, "0,x,0,0,0,0,0,,,,,,"),
        "participants-votes.csv",
        3,
        "duplicate participant 0 (first on line 2)",
    ),
}


def _broken(tmp_path: Path, case: str) -> Path:
    root = tmp_path / "export"
    shutil.copytree(GOOD, root)
    CASES[case][0](root)
    return root


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_broken_export_names_its_line(case: str, tmp_path: Path) -> None:
    _, file, line, phrase = CASES[case]
    with pytest.raises(PolisFormatError) as info:
        read_polis_export(_broken(tmp_path, case))
    found = [(p.file, p.line, p.reason) for p in info.value.problems]
    assert any(f == file and n == line and phrase in r for f, n, r in found), found
    assert "Traceback" not in str(info.value)
    assert len(str(info.value)) < 2_000  # a huge field is not echoed back


def test_the_good_export_reads(tmp_path: Path) -> None:
    assert len(read_polis_export(GOOD).votes) == 40


@pytest.mark.parametrize("case", ["truncated inside a quote", "latin-1 text", "vote out of range"])
def test_nothing_is_imported_from_a_broken_export(db: Session, case: str, tmp_path: Path) -> None:
    w = deliberation_world(db)
    with pytest.raises(Invalid) as info:
        polis.import_polis(db, OP, w.slug, _broken(tmp_path, case))
    _, file, line, phrase = CASES[case]
    details = info.value.details
    assert isinstance(details, list)
    assert any(d["file"] == file and d["line"] == line and phrase in d["reason"] for d in details)
    for table in (Conversation, Participant, Statement, Vote):
        assert db.scalar(select(func.count()).select_from(table)) == 0
