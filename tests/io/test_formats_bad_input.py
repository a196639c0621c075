"""Malformed files are rejected whole, with every problem's place (element/line/row) and reason."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest

from coalition.errors import Invalid
from coalition.io.csv_xlsx import read_csv, read_csv_zip, read_xlsx, write_xlsx
from coalition.io.gexf import read_gexf, write_gexf
from coalition.io.graph_model import FormatError, MapEdge, MapGraph, MapNode
from coalition.io.graphml import read_graphml, write_graphml
from coalition.io.kumu import read_kumu, write_kumu


def problems(exc: pytest.ExceptionInfo[FormatError]) -> list[tuple[str, str]]:
    return [(p.where, p.why) for p in exc.value.problems]


def has(found: list[tuple[str, str]], where: str, why: str) -> bool:
    return any(where in w and why in y for w, y in found)


GEXF_HEAD = b'<?xml version="1.0"?>\n<gexf xmlns="http://gexf.net/1.3" version="1.3">\n'


def test_gexf_problems_are_all_reported_with_lines() -> None:
    doc = (
        GEXF_HEAD
        + b"""<graph defaultedgetype="sideways">
<attributes class="node"><attribute id="n0" title="age" type="long"/></attributes>
<nodes>
<node id="a" label="A"><attvalues><attvalue for="n0" value="old"/></attvalues></node>
<node id="b" label="B"><attvalues><attvalue for="n9" value="1"/></attvalues></node>
</nodes>
<edges>
<edge source="a" target="zz" weight="heavy"/>
<edge source="a" target="b"><spells><spell start="2020-01-01"/><spell end="2021"/></spells></edge>
<edge source="a" target="b"><spells><spell start="2020-13-01"/></spells></edge>
</edges>
</graph></gexf>"""
    )
    with pytest.raises(FormatError) as exc:
        read_gexf(doc)
    found = problems(exc)
    assert has(found, "line 3 <graph>", "defaultedgetype")
    assert has(found, "line 6 <attvalue>", "'old' is not a integer")
    assert has(found, "line 7 <attvalue>", "undeclared node attribute 'n9'")
    assert has(found, "line 10 <edge>", "weight 'heavy' is not a number")
    assert has(found, "line 11 <edge>", "more than one time spell")
    assert has(found, "line 12 <edge>", "bad date")
    assert has(found, "edge 1", "no node has key 'zz'")
    assert isinstance(exc.value, Invalid) and exc.value.status == 422
    assert exc.value.details and {"where", "why"} <= set(exc.value.details[0])


@pytest.mark.parametrize(
    ("doc", "where", "why"),
    [
        (b"<gexf><graph>", "line 1", "not well-formed XML"),
        (b"<graphml/>", "<graphml>", "not a GEXF document"),
        (GEXF_HEAD + b"</gexf>", "<gexf>", "no <graph>"),
        (
            GEXF_HEAD
            + b'<graph><nodes><node id="a"><nodes/></node></nodes><edges/></graph></gexf>',
            "<node>",
            "hierarchies",
        ),
        (
            b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            + GEXF_HEAD[22:]
            + b'<graph><nodes><node id="a" label="&e;"/></nodes><edges/></graph></gexf>',
            "line 1 column 1",
            "document type declaration",
        ),
    ],
)
def test_gexf_rejects_malformed_documents(doc: bytes, where: str, why: str) -> None:
    with pytest.raises(FormatError) as exc:
        read_gexf(doc)
    assert has(problems(exc), where, why), problems(exc)


def test_graphml_problems_are_all_reported_with_lines() -> None:
    doc = b"""<?xml version="1.0"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<key id="d0" for="node" attr.name="n" attr.type="int"/>
<key id="d1" for="node" attr.name="bad" attr.type="complex"/>
<graph edgedefault="undirected">
<node id="a"><data key="d0">x</data></node>
<node id="b"><data key="zz">1</data></node>
<edge source="a" target="c"/>
<edge source="a" target="b"><data key="direction">sideways</data></edge>
<hyperedge/>
</graph></graphml>"""
    with pytest.raises(FormatError) as exc:
        read_graphml(doc)
    found = problems(exc)
    assert has(found, "line 4 <key>", "attr.type")
    assert has(found, "line 6 <data>", "'x' is not a integer")
    assert has(found, "line 7 <data>", "undeclared node key 'zz'")
    assert has(found, "line 9 <data>", "refers to undeclared edge key 'direction'")
    assert has(found, "line 10", "hyperedges")
    assert has(found, "edge 1", "no node has key 'c'")


def test_kumu_problems_name_the_items() -> None:
    doc = {
        "elements": [{"label": "A", "joined": "yesterday"}, {"id": "b"}, {"label": "C", "x": {}}],
        "connections": [
            {"from": "A", "to": "Z", "strength": "strong"},
            {"from": "A", "to": "C", "direction": "both"},
            {"to": "A"},
        ],
    }
    with pytest.raises(FormatError) as exc:
        read_kumu(json.dumps(doc).encode())
    found = problems(exc)
    assert has(found, "elements[0]", "joined 'yesterday' is not an ISO date")
    assert has(found, "elements[1]", "needs a label")
    assert has(found, "elements[2] field 'x'", "not text, number")
    assert has(found, "connections[0]", "strength must be a number")
    assert has(found, "connections[1]", "direction 'both'")
    assert has(found, "connections[2]", "needs 'from' and 'to'")
    assert has(found, "edge 1", "no node has key 'Z'")
    with pytest.raises(FormatError) as exc:
        read_kumu(b'{"elements": [}')
    assert has(problems(exc), "line 1 column 15", "not JSON")


def test_csv_problems_name_file_row_and_column() -> None:
    elements = b"ID,Label,Joined,age\na,A,2020-01-01,3\nb,,,4\nc,C,soon,x\n"
    connections = b"From,To,Strength\na,c|zz,2\na,c,lots\n"
    fields = b"Sheet,Field,Type\nElements,age,integer\nElements,other,color\n"
    with pytest.raises(FormatError) as exc:
        read_csv(elements, connections, fields)
    found = problems(exc)
    assert has(found, "elements.csv row 3", "no label")
    assert has(found, "elements.csv row 4 column 'joined'", "not an ISO date")
    assert has(found, "elements.csv row 4 column 'age'", "'x'")
    assert has(found, "fields.csv row 3", "type 'color'")
    assert has(found, "connections.csv row 3 column 'Strength'", "not a number")
    assert has(found, "edge 2", "no node has key 'zz'")
    with pytest.raises(FormatError) as exc:
        read_csv(b"Name\nx\n")
    assert has(problems(exc), "elements.csv row 1", "needs a Label column")
    with pytest.raises(FormatError) as exc:
        read_csv(b"Label\n\xff\n")
    assert has(problems(exc), "elements.csv line 2 byte 6", "not UTF-8")


def test_csv_zip_and_xlsx_reject_damaged_archives() -> None:
    with pytest.raises(FormatError, match="not a zip file"):
        read_csv_zip(b"PK nonsense")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("other.csv", "x")
    with pytest.raises(FormatError, match="no elements.csv"):
        read_csv_zip(buf.getvalue())
    with pytest.raises(FormatError, match="not an XLSX workbook"):
        read_xlsx(b"not a workbook")
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "People"  # type: ignore[union-attr]
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(FormatError, match="no sheet named Elements"):
        read_xlsx(out.getvalue())


def test_xlsx_problems_name_sheet_row_and_column() -> None:
    good = write_xlsx(MapGraph(nodes=(MapNode("a", "A", attrs={"n": 1}),)))
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(good))
    wb["Elements"]["F2"] = "many"  # the integer column "n"
    wb["Elements"].append(["b", None])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(FormatError) as exc:
        read_xlsx(out.getvalue())
    found = problems(exc)
    assert has(found, "Elements row 2 column 'n'", "'many'")
    assert has(found, "Elements row 3", "no label")


@pytest.mark.parametrize(
    ("graph", "why"),
    [
        (MapGraph(nodes=(MapNode("a", "A", attrs={"Label": "x"}),)), "reserved"),
        (MapGraph(nodes=(MapNode("a", "bell\x07"),)), "U+0007"),
        (MapGraph(nodes=(MapNode("a|b", "A"),)), "'|'"),
        (MapGraph(nodes=(MapNode("a", "A"), MapNode("a", "B"))), "earlier node"),
        (MapGraph(nodes=(MapNode("a", "A", attrs={"t": ()}),)), "empty list"),
        (MapGraph(nodes=(MapNode("a", "A", attrs={"t": ("x|y",)}),)), "'|'"),
        (
            MapGraph(
                nodes=(MapNode("a", "A", attrs={"t": 1}), MapNode("b", "B", attrs={"t": "1"}))
            ),
            "integer elsewhere",
        ),
        (MapGraph(nodes=(MapNode("a", "A", attrs={"t": float("inf")}),)), "not finite"),
        (MapGraph(nodes=(MapNode("a", "A", attrs={"t": 2**64}),)), "64-bit"),
        (MapGraph(nodes=(MapNode("a", "A"),), edges=(MapEdge("a", "a", "x", weight=0.0),)), "> 0"),
        (
            MapGraph(
                nodes=(MapNode("a", "A"),),
                edges=(MapEdge("a", "a", "x", start=dt.date(2024, 1, 2), end=dt.date(2024, 1, 1)),),
            ),
            "ends before",
        ),
    ],
)
def test_writers_refuse_graphs_outside_the_model(graph: MapGraph, why: str) -> None:
    for write in (write_gexf, write_graphml, write_kumu, write_xlsx):
        with pytest.raises(FormatError) as exc:
            write(graph)
        assert any(why in p.why for p in exc.value.problems), exc.value.problems


def test_kumu_ids_are_shared_by_elements_and_connections() -> None:
    graph = MapGraph(nodes=(MapNode("a", "A"),), edges=(MapEdge("a", "a", "x", key="a"),))
    write_gexf(graph)  # fine elsewhere
    with pytest.raises(FormatError, match="Kumu ids are shared"):
        write_kumu(graph)


def test_problem_lists_are_capped() -> None:
    doc = {"elements": [{"id": str(i)} for i in range(500)]}
    with pytest.raises(FormatError) as exc:
        read_kumu(json.dumps(doc).encode())
    assert len(exc.value.problems) == 201
    assert "300 more" in exc.value.problems[-1].why
