"""Polis export: read → write → read is the identity; malformed exports list every problem."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coalition.io.polis import (
    PolisExport,
    PolisFormatError,
    PolisParticipant,
    PolisStatement,
    PolisVote,
    last_votes,
    participants_from_votes,
    read_polis_export,
    write_polis_export,
)
from tests.conftest import SHARED_DATA

BREXIT = SHARED_DATA / "polis" / "brexit-consensus"

# any text a CSV field can carry (NUL and lone surrogates cannot be encoded)
TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)
IDS = st.integers(0, 10**6)


@st.composite
def exports(draw: st.DrawFn) -> PolisExport:
    ids = draw(st.lists(IDS, unique=True, max_size=8))
    statements = tuple(
        PolisStatement(
            external_id=i,
            text=draw(TEXT),
            author_external_id=draw(IDS),
            moderation=draw(st.sampled_from([-1, 0, 1])),
            timestamp_ms=draw(st.integers(0, 2**53)),
            datetime=draw(TEXT),
            agrees=draw(st.integers(0, 10**4)),
            disagrees=draw(st.integers(0, 10**4)),
        )
        for i in ids
    )
    votes: tuple[PolisVote, ...] = ()
    if ids:
        votes = tuple(
            draw(
                st.lists(
                    st.builds(
                        PolisVote,
                        participant_external_id=st.integers(0, 30),
                        statement_external_id=st.sampled_from(ids),
                        value=st.sampled_from([-1, 0, 1]),
                        timestamp_ms=st.integers(-(2**40), 2**53),
                        datetime=TEXT,
                    ),
                    max_size=25,
                )
            )
        )
    participants = None
    if draw(st.booleans()):
        groups = draw(st.dictionaries(st.integers(0, 30), st.none() | st.integers(0, 4)))
        participants = participants_from_votes(statements, votes, groups)
    summary = draw(st.none() | st.lists(st.lists(TEXT, min_size=1, max_size=3), max_size=4))
    attribution = draw(st.none() | TEXT)
    return PolisExport(
        statements=statements,
        votes=votes,
        participants=participants,
        summary=None if summary is None else tuple(tuple(r) for r in summary),
        attribution=attribution,
    )


@settings(max_examples=120, deadline=None)
@given(exports())
def test_write_then_read_is_identity(export: PolisExport) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_polis_export(export, tmp)
        assert read_polis_export(tmp) == export


@pytest.fixture
def brexit_dir() -> Path:
    if not BREXIT.is_dir():
        pytest.skip(f"Polis Brexit export not found at {BREXIT} (../shared/data absent)")
    return BREXIT


def test_brexit_export_round_trips_byte_for_byte(brexit_dir: Path, tmp_path: Path) -> None:
    export = read_polis_export(brexit_dir)
    assert (len(export.statements), len(export.votes), len(export.participants or ())) == (
        50,
        5312,
        204,
    )
    assert all(s.moderation == 1 for s in export.statements)
    write_polis_export(export, tmp_path)
    for name in ("comments.csv", "votes.csv", "participants-votes.csv", "summary.csv"):
        assert (tmp_path / name).read_bytes() == (brexit_dir / name).read_bytes(), name
    # participants-votes.csv is what Polis derives from the votes (row order aside)
    derived = participants_from_votes(export.statements, export.votes, export.groups())
    assert {p.external_id: p for p in derived} == {p.external_id: p for p in export.participants}


def test_last_votes() -> None:
    votes = [
        PolisVote(1, 5, 1, 100),
        PolisVote(1, 5, -1, 50),  # older: ignored
        PolisVote(2, 5, 0, 10),
        PolisVote(2, 5, 1, 10),  # same time, later in file: counts
    ]
    assert [(v.participant_external_id, v.value) for v in last_votes(votes)] == [(1, 1), (2, 1)]


def _write(tmp: Path, name: str, text: str) -> None:
    (tmp / name).write_text(text, encoding="utf-8")


COMMENTS_HEADER = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
)
VOTES_HEADER = "timestamp,datetime,comment-id,voter-id,vote\n"


def test_malformed_export_lists_every_problem_with_file_and_line(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "comments.csv",
        COMMENTS_HEADER
        + "1,d,0,0,1,0,1,fine\n"
        + '2,d,1,0,1,0,1,"spans\ntwo lines"\n'
        + "3,d,x1,0,1,0,1,bad id\n"  # line 5
        + "4,d,2,0,1,0,7,bad moderation\n"  # line 6
        + "5,d,0,0,1,0,1,duplicate id\n",  # line 7
    )
    _write(
        tmp_path,
        "votes.csv",
        VOTES_HEADER
        + "10,d,0,1,1\n"
        + "11,d,9,1,1\n"  # line 3: unknown comment
        + "12,d,0,1,2\n"  # line 4: bad vote value
        + "1.5e3,d,0,2,1\n"  # line 5: unparsable timestamp
        + "13,d,0,2\n",  # line 6: missing field
    )
    _write(
        tmp_path,
        "participants-votes.csv",
        "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1,99\n"  # 99 unknown
        + "1,0,2,1,1,0,1,,\n"
        + "2,zero,0,1,1,0,1,,\n"  # line 3: bad group id
        + "3,,0,1,1,0,2,,\n",  # line 4: bad vote cell
    )
    with pytest.raises(PolisFormatError) as info:
        read_polis_export(tmp_path)
    found = {(p.file, p.line) for p in info.value.problems}
    assert found == {
        ("comments.csv", 5),
        ("comments.csv", 6),
        ("comments.csv", 7),
        ("votes.csv", 3),
        ("votes.csv", 4),
        ("votes.csv", 5),
        ("votes.csv", 6),
        ("participants-votes.csv", 1),
        ("participants-votes.csv", 3),
        ("participants-votes.csv", 4),
    }
    reasons = " | ".join(p.reason for p in info.value.problems)
    for phrase in (
        "comment-id: not an integer",
        "moderated: must be -1, 0 or 1",
        "duplicate comment-id 0 (first on line 2)",
        "comment-id 9 is not in comments.csv",
        "vote: must be -1, 0 or 1, not 2",
        "timestamp: not an integer: '1.5e3'",
        "expected 5 fields, found 4",
        "column '99': comment id not in comments.csv",
        "group-id: not an integer",
        "comment 0: vote must be -1, 0, 1 or blank",
    ):
        assert phrase in reasons
    assert "comments.csv:5:" in str(info.value)


def test_missing_files_and_columns(tmp_path: Path) -> None:
    with pytest.raises(PolisFormatError) as info:
        read_polis_export(tmp_path)
    assert {(p.file, p.line, p.reason) for p in info.value.problems} == {
        ("comments.csv", 0, "missing file"),
        ("votes.csv", 0, "missing file"),
    }
    _write(tmp_path, "comments.csv", "timestamp,comment-id,comment-body\n1,0,x\n")
    _write(tmp_path, "votes.csv", "")
    with pytest.raises(PolisFormatError) as info:
        read_polis_export(tmp_path)
    reasons = [(p.file, p.line, p.reason) for p in info.value.problems]
    assert ("comments.csv", 1, "missing column 'author-id'") in reasons
    assert ("votes.csv", 1, "empty file (no header)") in reasons
    with pytest.raises(PolisFormatError):
        read_polis_export(tmp_path / "nowhere")


def test_optional_files_absent(tmp_path: Path) -> None:
    export = PolisExport(
        statements=(PolisStatement(3, 'a, "quoted"\ntext', 1, 0, 5),),
        votes=(PolisVote(1, 3, -1, 6),),
    )
    write_polis_export(export, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["comments.csv", "votes.csv"]
    again = read_polis_export(tmp_path)
    assert again == export and again.participants is None and again.groups() == {}


def test_group_ids_come_back(tmp_path: Path) -> None:
    statements = (PolisStatement(0, "x", 0, 1, 0), PolisStatement(1, "y", 0, 1, 0))
    votes = (PolisVote(0, 0, 1, 1), PolisVote(1, 1, -1, 2), PolisVote(1, 1, 0, 3))
    participants = participants_from_votes(statements, votes, {0: 1, 1: None})
    assert participants == (
        PolisParticipant(0, 1, 2, 1, 1, 0, ((0, 1),)),
        PolisParticipant(1, None, 0, 1, 0, 0, ((1, 0),)),
    )
    export = PolisExport(statements, votes, participants, attribution="CC BY 4.0 — someone")
    write_polis_export(export, tmp_path)
    assert read_polis_export(tmp_path).groups() == {0: 1, 1: None}
    assert read_polis_export(tmp_path).attribution == "CC BY 4.0 — someone"


def test_undecodable_files_are_problems_not_crashes(tmp_path: Path) -> None:
    _write(tmp_path, "comments.csv", COMMENTS_HEADER + "1,d,0,0,1,0,1,fine\n")
    (tmp_path / "votes.csv").write_bytes(VOTES_HEADER.encode() + b"10,\xff\xfe,0,1,1\n")
    (tmp_path / "ATTRIBUTION.md").write_bytes(b"\xc3")
    with pytest.raises(PolisFormatError) as info:
        read_polis_export(tmp_path)
    # the line of the undecodable byte, not of the chunk the decoder was reading
    assert {(p.file, p.line) for p in info.value.problems} == {
        ("votes.csv", 2),
        ("ATTRIBUTION.md", 1),
    }
