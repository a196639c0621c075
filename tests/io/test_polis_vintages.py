"""Every vintage of a Polis export reads: columns by name, optional columns and files, xids and
is-meta/is-seed flags kept; the real conversations in ../shared read when present."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coalition.io.polis import (
    PolisExport,
    PolisParticipant,
    PolisStatement,
    PolisVote,
    last_votes,
    read_polis_export,
    write_polis_export,
)
from tests.conftest import SHARED_DATA

ROOT = Path(__file__).resolve().parents[2]
VINTAGES = ROOT / "tests" / "data" / "polis"
SHARED = SHARED_DATA / "polis"
NAMES = ("classic-2017", "xid-2022", "opendata-2024", "minimal")


@pytest.mark.parametrize("name", NAMES)
def test_every_vintage_reads_the_same_conversation(name: str) -> None:
    export = read_polis_export(VINTAGES / name)
    reference = read_polis_export(VINTAGES / "classic-2017")
    key = [(s.external_id, s.text, s.moderation, s.author_external_id) for s in export.statements]
    assert key == [
        (s.external_id, s.text, s.moderation, s.author_external_id) for s in reference.statements
    ]
    assert [
        (v.participant_external_id, v.statement_external_id, v.value) for v in export.votes
    ] == [(v.participant_external_id, v.statement_external_id, v.value) for v in reference.votes]
    assert len(export.votes) == 40 and len(last_votes(export.votes)) == 39
    if name == "minimal":
        assert export.participants is None and export.summary is None
    else:
        assert export.groups() == reference.groups()
        assert export.groups()[7] is None and export.groups()[0] == 0


@pytest.mark.parametrize("name", NAMES)
def test_every_vintage_writes_back_byte_for_byte(name: str, tmp_path: Path) -> None:
    write_polis_export(read_polis_export(VINTAGES / name), tmp_path)
    for path in sorted((VINTAGES / name).glob("*.csv")):
        if path.name == "stats-history.csv":
            continue  # not read: conversation counts over time
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_xids_are_kept() -> None:
    for name in ("xid-2022", "opendata-2024"):
        xids = read_polis_export(VINTAGES / name).xids()
        assert xids[0] == "site-user-1000" and 2 not in xids and len(xids) == 7
    assert read_polis_export(VINTAGES / "classic-2017").xids() == {}


def test_2024_flags_and_missing_datetime() -> None:
    export = read_polis_export(VINTAGES / "opendata-2024")
    by_id = {s.external_id: s for s in export.statements}
    assert [i for i, s in sorted(by_id.items()) if s.is_meta] == [5]
    assert [i for i, s in sorted(by_id.items()) if s.is_seed] == [0, 1]
    assert all(s.datetime == "" for s in export.statements)
    assert all(v.datetime == "" for v in export.votes)
    assert float(by_id[1].group_informed_consensus) == pytest.approx(0.950224)
    assert export.summary is None
    assert "datetime" not in export.layout.comments


# -- real conversations ------------------------------------------------------------------

REAL = {
    "brexit-consensus": (50, 5312, 204),
    "scoop-hivemind.taxes": (148, 17379, 334),
    "austria-climate.5twd2jsnkf.2022-08-08": (522, 61936, 1116),
}


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_conversations_read(name: str, tmp_path: Path) -> None:
    folder = SHARED / name
    if not folder.is_dir():
        pytest.skip(f"Polis export {name} not found at {folder} (../shared/data absent)")
    export = read_polis_export(folder)
    n_s, n_v, n_p = REAL[name]
    assert (len(export.statements), len(export.votes), len(export.participants or ())) == (
        n_s,
        n_v,
        n_p,
    )
    assert ("xid" in export.layout.participants) == name.startswith("austria")
    write_polis_export(export, tmp_path)
    for file in ("comments.csv", "votes.csv", "participants-votes.csv"):
        assert (tmp_path / file).read_bytes() == (folder / file).read_bytes(), file


# -- property: any column order, any optional columns ------------------------------------

OPTIONAL_COMMENTS = ("datetime", "agrees", "disagrees", "is-meta", "is-seed")
TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)


@st.composite
def layouts(draw: st.DrawFn) -> tuple[list[str], list[str], list[str] | None]:
    comments = ["timestamp", "comment-id", "author-id", "moderated", "comment-body"]
    comments += [c for c in OPTIONAL_COMMENTS if draw(st.booleans())]
    if draw(st.booleans()):
        comments.append("group-informed-consensus")
    if draw(st.booleans()):
        comments.append("a-column-from-the-future")
    votes = ["timestamp", "comment-id", "voter-id", "vote"]
    if draw(st.booleans()):
        votes.append("datetime")
    participants = None
    if draw(st.booleans()):
        participants = ["participant", "group-id", "n-comments", "n-votes", "n-agree"]
        participants += ["n-disagree"] + (["xid"] if draw(st.booleans()) else [])
        participants = draw(st.permutations(participants))
    return draw(st.permutations(comments)), draw(st.permutations(votes)), participants


def _write(path: Path, header: list[str], rows: list[dict[str, object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_ALL)
        out.writerow(header)
        for row in rows:
            out.writerow([row.get(c, "") for c in header])


@settings(max_examples=80, deadline=None)
@given(
    layouts(),
    st.lists(st.tuples(TEXT, st.sampled_from([-1, 0, 1]), st.booleans()), max_size=5),
    st.lists(
        st.tuples(st.integers(0, 9), st.integers(0, 4), st.sampled_from([-1, 0, 1]), TEXT),
        max_size=20,
    ),
)
def test_any_column_order_and_optional_columns_read(
    layout: tuple[list[str], list[str], list[str] | None],
    comments: list[tuple[str, int, bool]],
    votes: list[tuple[int, int, int, str]],
) -> None:
    c_cols, v_cols, p_cols = layout
    statements = [
        PolisStatement(
            external_id=i,
            text=text,
            author_external_id=i % 3,
            moderation=mod,
            timestamp_ms=1000 + i,
            datetime=f"day {i}" if "datetime" in c_cols else "",
            agrees=i if "agrees" in c_cols else 0,
            disagrees=2 * i if "disagrees" in c_cols else 0,
            is_meta=flag and "is-meta" in c_cols,
            is_seed=flag and "is-seed" in c_cols,
            group_informed_consensus="0.25" if "group-informed-consensus" in c_cols else "",
        )
        for i, (text, mod, flag) in enumerate(comments)
    ]
    cast = [
        PolisVote(p, s, value, 5000 + n, when if "datetime" in v_cols else "")
        for n, (p, s, value, when) in enumerate(votes)
        if s < len(statements)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write(
            root / "comments.csv",
            c_cols,
            [
                {
                    "timestamp": s.timestamp_ms,
                    "datetime": s.datetime,
                    "comment-id": s.external_id,
                    "author-id": s.author_external_id,
                    "agrees": s.agrees,
                    "disagrees": s.disagrees,
                    "moderated": s.moderation,
                    "comment-body": s.text,
                    "is-meta": "TRUE" if s.is_meta else "0",
                    "is-seed": "1" if s.is_seed else "false",
                    "group-informed-consensus": s.group_informed_consensus,
                    "a-column-from-the-future": "ignored",
                }
                for s in statements
            ],
        )
        _write(
            root / "votes.csv",
            v_cols,
            [
                {
                    "timestamp": v.timestamp_ms,
                    "datetime": v.datetime,
                    "comment-id": v.statement_external_id,
                    "voter-id": v.participant_external_id,
                    "vote": v.value,
                }
                for v in cast
            ],
        )
        people: tuple[PolisParticipant, ...] | None = None
        if p_cols is not None:
            people = tuple(
                PolisParticipant(
                    p, p % 2 or None, 0, 0, 0, 0, (), f"x{p}" if "xid" in p_cols else ""
                )
                for p in range(3)
            )
            ids = [str(s.external_id) for s in statements]
            _write(
                root / "participants-votes.csv",
                [*p_cols, *ids],
                [
                    {
                        "participant": p.external_id,
                        "xid": p.xid,
                        "group-id": "" if p.group_id is None else p.group_id,
                        "n-comments": 0,
                        "n-votes": 0,
                        "n-agree": 0,
                        "n-disagree": 0,
                    }
                    for p in people
                ],
            )
        export = read_polis_export(root)
        assert export == PolisExport(tuple(statements), tuple(cast), people)
        # and what is read writes back to the same data
        write_polis_export(export, root / "again")
        assert read_polis_export(root / "again") == export
