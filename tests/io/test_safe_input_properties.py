"""Properties of the input checks and the GML reader: any bytes end in a value or a
FormatError (never another exception), and what the checks accept reads as the plain
parsers read it."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coalition.io.csv_xlsx import read_csv, read_csv_zip, read_xlsx
from coalition.io.gexf import read_gexf
from coalition.io.gml import read_gml
from coalition.io.graph_model import FormatError
from coalition.io.graphml import read_graphml
from coalition.io.kumu import read_kumu
from coalition.io.safe_input import MAX_DEPTH, check_tree, load_json

READERS = [read_kumu, read_gexf, read_graphml, read_csv, read_csv_zip, read_xlsx, read_gml]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("read", READERS, ids=lambda r: r.__name__)
@FUZZ
@given(data=st.binary(max_size=400))
def test_any_bytes_are_read_or_refused_cleanly(read: Any, data: bytes) -> None:
    try:
        read(data)
    except FormatError as exc:
        assert exc.problems and all(p.where and p.why for p in exc.problems)


_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=20,
)


@FUZZ
@given(value=_JSON)
def test_accepted_json_reads_as_json_reads_it(value: Any) -> None:
    text = json.dumps(value)
    assert load_json(text.encode(), "test") == json.loads(text)


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


@FUZZ
@given(value=_JSON, extra=st.integers(min_value=0, max_value=40))
def test_nesting_is_refused_exactly_past_the_limit(value: Any, extra: int) -> None:
    for _ in range(extra):
        value = [value]
    text = json.dumps(value).encode()
    if _depth(value) > MAX_DEPTH:
        with pytest.raises(FormatError, match="nested more than"):
            load_json(text, "test")
        with pytest.raises(FormatError, match="nested more than"):
            check_tree(json.loads(text), "test")
    else:
        load_json(text, "test")
        check_tree(json.loads(text), "test")


@given(st.sampled_from(["NaN", "Infinity", "-Infinity"]), st.sampled_from(["[{}]", '{"a": {}}']))
def test_non_finite_numbers_are_refused_wherever_they_are(word: str, shape: str) -> None:
    text = shape.replace("{}", word)
    with pytest.raises(FormatError, match="is not a JSON number"):
        load_json(text.encode(), "test")
    with pytest.raises(FormatError, match="not a finite number"):
        check_tree(json.loads(text), "test")
    assert math.isnan(json.loads("NaN"))  # what json alone would have let through


_LABEL = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters='"&\x00'), max_size=30
)
_NUMBER = st.integers(-(10**6), 10**6) | st.floats(
    min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False
)


@FUZZ
@given(
    labels=st.lists(_LABEL, min_size=1, max_size=8),
    weights=st.lists(_NUMBER, max_size=10),
    directed=st.booleans(),
)
def test_gml_reads_back_what_was_written(
    labels: list[str], weights: list[int | float], directed: bool
) -> None:
    lines = [f"graph [\n  directed {int(directed)}"]
    for i, label in enumerate(labels):
        lines.append(f'  node [\n    id {i * 7}\n    label "{label}"\n    graphics [ x 1 ]\n  ]')
    edges = [((k * 3) % len(labels), (k * 5 + 1) % len(labels), w) for k, w in enumerate(weights)]
    for s, t, w in edges:
        lines.append(f"  edge [ source {s * 7} target {t * 7} w {w!r} ] # a comment")
    lines.append("]")
    graph = read_gml("\n".join(lines).encode())
    assert graph.directed is directed
    assert [n.attrs["label"] for n in graph.nodes] == labels
    assert [(e.attrs["source"], e.attrs["target"], e.attrs["w"]) for e in graph.edges] == [
        (s * 7, t * 7, w) for s, t, w in edges
    ]


def test_gml_refuses_a_character_that_is_neither_space_nor_token() -> None:
    with pytest.raises(FormatError, match=r"line 2: unexpected character '\\x0b'"):
        read_gml(b"graph [\n\x0b ]")


def _zip(files: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_an_archive_zipfile_cannot_unpack_is_refused_not_raised() -> None:
    import struct

    data = bytearray(_zip({"elements.csv": b"Label\nAda\n"}))
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = data.index(signature) + offset
        data[at : at + 2] = struct.pack("<H", 99)  # a compression method nobody knows
    with pytest.raises(FormatError, match="damaged"):
        read_csv_zip(bytes(data))


def test_a_sheet_openpyxl_chokes_on_is_refused_not_raised() -> None:
    import io
    import zipfile

    from coalition.io.csv_xlsx import write_xlsx
    from tests.io.test_formula_guard import _graph

    good = zipfile.ZipFile(io.BytesIO(write_xlsx(_graph())))
    parts = {i.filename: good.read(i) for i in good.infolist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b'<c r="A2" t="inlineStr"><is><t>a</t></is></c>', b'<c r="A2" t="n"><v>abc</v></c>'
    )
    with pytest.raises(FormatError, match="sheet Elements: damaged"):
        read_xlsx(_zip(parts))


def test_tables_longer_than_the_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows past the limit, counted as they are read (a sheet's rows need not be numbered)."""
    from coalition.io import safe_input
    from coalition.io.csv_xlsx import write_csv, write_xlsx
    from coalition.io.graph_model import MapGraph, MapNode

    graph = MapGraph(nodes=tuple(MapNode(f"n{i}", f"N{i}") for i in range(6)))
    monkeypatch.setattr(safe_input, "MAX_ROWS", 5)
    with pytest.raises(FormatError, match="elements.csv row 7: more than 5 rows"):
        read_csv(write_csv(graph)["elements.csv"])
    with pytest.raises(FormatError, match="sheet1.xml: a row numbered 7 .at most 5 rows"):
        read_xlsx(write_xlsx(graph))
    import io
    import re
    import zipfile

    book = zipfile.ZipFile(io.BytesIO(write_xlsx(graph)))
    parts = {i.filename: book.read(i) for i in book.infolist()}
    name = "xl/worksheets/sheet1.xml"
    parts[name] = re.sub(rb'(<row) r="\d+"', rb"\1", parts[name])  # numbers are optional
    with pytest.raises(FormatError, match="Elements row 7: more than 5 rows"):
        read_xlsx(_zip(parts))
    monkeypatch.setattr(safe_input, "MAX_ROWS", 6)
    assert len(read_xlsx(_zip(parts)).nodes) == 6
