"""Write the malformed-input corpus: one folder per importer, each file a case, and
``cases.json`` with what the refusal must name (``where``) and say (``why``).

Run ``python tests/data/malformed/make_corpus.py`` to regenerate; the files are committed so
they can be read and opened by hand. Every file is small: cases that need size (a 20 MB
label, a zip bomb, a 1 GB sheet) are built at test time by ``tests/io/test_malformed_corpus.py``.
Each folder also has ``valid.*``, the file every case was cut from, which must import.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent

Cases = dict[str, tuple[bytes, str, str]]


def _write(importer: str, valid: tuple[str, bytes], cases: Cases) -> None:
    folder = HERE / importer
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    (folder / valid[0]).write_bytes(valid[1])
    table = {}
    for name, (data, where, why) in sorted(cases.items()):
        (folder / name).write_bytes(data)
        table[name] = {"where": where, "why": why}
    (folder / "cases.json").write_text(json.dumps(table, indent=1, ensure_ascii=True) + "\n")


# ---------------------------------------------------------------- Kumu JSON


def _kumu() -> None:
    doc = {
        "elements": [
            {"id": "a", "label": "Ada", "type": "person", "sector": "business"},
            {"id": "b", "label": "Bo", "type": "person", "sector": "health"},
        ],
        "connections": [{"from": "a", "to": "b", "type": "collaborated", "strength": 2.0}],
    }
    valid = json.dumps(doc, indent=1).encode()

    def with_(path: str, raw: str) -> bytes:
        """``valid`` with the JSON value at ``path`` replaced by raw text."""
        mark = "__MARK__"
        d = json.loads(valid)
        node = d
        keys = path.split("/")
        for k in keys[:-1]:
            node = node[int(k)] if k.isdigit() else node[k]
        node[keys[-1]] = mark
        return json.dumps(d, indent=1).replace(f'"{mark}"', raw).encode()

    dup = json.loads(valid)
    dup["elements"][1]["id"] = "a"
    cases: Cases = {
        "truncated.json": (valid[: len(valid) // 2], "line", "not JSON"),
        "latin1.json": (
            with_("elements/0/label", '"Caf\xe9"').replace(b"\xc3\xa9", b"\xe9"),
            "line 5 byte",
            "not UTF-8",
        ),
        "utf16.json": (valid.decode().encode("utf-16"), "line 1 byte 0", "not UTF-8"),
        "deep_nesting.json": (
            with_("elements/0/notes", "[" * 40 + "]" * 40),
            "line 8",
            "nested more than 32 deep",
        ),
        "infinity_strength.json": (
            with_("connections/0/strength", "Infinity"),
            "line 21",
            "Infinity is not a JSON number",
        ),
        "nan_attribute.json": (
            with_("elements/0/score", "NaN"),
            "line 8",
            "NaN is not a JSON number",
        ),
        "negative_strength.json": (
            with_("connections/0/strength", "-2"),
            "edge 1",
            "is not a finite number > 0",
        ),
        "duplicate_ids.json": (
            json.dumps(dup).encode(),
            "node 2 ('a')",
            "key used by an earlier node",
        ),
        "repeated_key.json": (
            b'{"elements": [], "elements": []}',
            "line 1",
            "the key 'elements' appears twice",
        ),
        "nul_character.json": (
            with_("elements/0/label", '"A\\u0000da"'),
            "elements[0].label",
            "U+0000",
        ),
        "lone_surrogate.json": (
            with_("elements/0/label", '"A\\ud800"'),
            "elements[0].label",
            "U+D800",
        ),
        "not_an_object.json": (b"[1, 2, 3]", "document", "expected an object"),
        "nested_attribute.json": (
            with_("elements/0/extra", '{"x": 1}'),
            "elements[0] field 'extra'",
            "not text, number",
        ),
        "bad_date.json": (
            with_("connections/0/start", '"yesterday"'),
            "connections[0]",
            "not an ISO date",
        ),
    }
    _write("kumu", ("valid.json", valid), cases)


# ---------------------------------------------------------------- GEXF

_GEXF_NODE = (
    '<node id="{id}" label="{label}"><attvalues><attvalue for="kind" value="person"/>'
    '<attvalue for="sector" value="business"/></attvalues></node>\n'
)


def _gexf_doc(
    *,
    prolog: str = "",
    label: str = "Ada",
    ids: tuple[str, str] = ("a", "b"),
    weight: str = "1.5",
    extra: str = "",
) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + prolog
        + '<gexf xmlns="http://gexf.net/1.3" version="1.3">\n'
        '<graph defaultedgetype="undirected">\n'
        '<attributes class="node"><attribute id="kind" title="kind" type="string"/>'
        '<attribute id="sector" title="sector" type="string"/></attributes>\n'
        "<nodes>\n"
        + _GEXF_NODE.format(id=ids[0], label=label)
        + _GEXF_NODE.format(id=ids[1], label="Bo")
        + "</nodes>\n<edges>\n"
        f'<edge source="a" target="b" kind="collaborated" weight="{weight}"/>\n'
        + extra
        + "</edges>\n</graph>\n</gexf>\n"
    )


_LAUGHS = (
    '<!DOCTYPE gexf [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + "]>\n"
)


def _xml_cases(make: Callable[..., str], tag: str) -> Cases:
    """Cases every XML importer shares; ``make`` builds a document from keyword changes."""
    valid = make()
    return {
        "truncated.xml": (valid.encode()[: len(valid) // 2], "line", "not well-formed XML"),
        "latin1.xml": (make(label="Caf\xe9").encode("latin-1"), "line", "not UTF-8"),
        "latin1_declared.xml": (
            make(label="Caf\xe9").replace("UTF-8", "ISO-8859-1").encode("latin-1"),
            "line",
            "not UTF-8",
        ),
        "billion_laughs.xml": (
            make(prolog=_LAUGHS, label="&lol9;").encode(),
            "line 2 column 1",
            "document type declaration",
        ),
        "external_entity.xml": (
            make(
                prolog='<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n', label="&e;"
            ).encode(),
            "line 2 column 1",
            "document type declaration",
        ),
        "external_dtd.xml": (
            make(prolog=f'<!DOCTYPE {tag} SYSTEM "http://example.com/evil.dtd">\n').encode(),
            "line 2 column 1",
            "document type declaration",
        ),
        "undeclared_entity.xml": (make(label="&e;").encode(), "line", "Entity 'e' not defined"),
        "deep_nesting.xml": (
            make(extra="<x>" * 40 + "</x>" * 40 + "\n").encode(),
            "<x>",
            "nested more than 32 deep",
        ),
        "nul_character.xml": (make(label="A\x00da").encode(), "line", "NUL"),
        "weight_not_a_number.xml": (make(weight="heavy").encode(), "line", "not a number"),
        "negative_weight.xml": (make(weight="-2").encode(), "edge 1", "not a finite number > 0"),
        "infinite_weight.xml": (make(weight="INF").encode(), "edge 1", "not a finite number > 0"),
        "duplicate_ids.xml": (make(ids=("a", "a")).encode(), "node 2 ('a')", "earlier node"),
    }


def _gexf() -> None:
    cases = {f"{k[:-4]}.gexf": v for k, v in _xml_cases(_gexf_doc, "gexf").items()}
    cases["weight_not_a_number.gexf"] = (
        *cases["weight_not_a_number.gexf"][:1],
        "line 10 <edge>",
        "weight 'heavy' is not a number",
    )
    cases["not_gexf.gexf"] = (
        b'<?xml version="1.0"?>\n<graphml/>\n',
        "line 2 <graphml>",
        "not a GEXF document",
    )
    _write("gexf", ("valid.gexf", _gexf_doc().encode()), cases)


# ---------------------------------------------------------------- GraphML


def _graphml_doc(
    *,
    prolog: str = "",
    label: str = "Ada",
    ids: tuple[str, str] = ("a", "b"),
    weight: str = "1.5",
    extra: str = "",
) -> str:
    node = (
        '<node id="{id}"><data key="label">{label}</data><data key="kind">person</data>'
        '<data key="sector">business</data></node>\n'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + prolog
        + '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
        '<key id="label" for="node" attr.name="label" attr.type="string"/>\n'
        '<key id="kind" for="node" attr.name="kind" attr.type="string"/>\n'
        '<key id="sector" for="node" attr.name="sector" attr.type="string"/>\n'
        '<key id="type" for="edge" attr.name="type" attr.type="string"/>\n'
        '<key id="weight" for="edge" attr.name="weight" attr.type="double"/>\n'
        '<graph edgedefault="undirected">\n'
        + node.format(id=ids[0], label=label)
        + node.format(id=ids[1], label="Bo")
        + '<edge source="a" target="b"><data key="type">collaborated</data>'
        f'<data key="weight">{weight}</data></edge>\n' + extra + "</graph>\n</graphml>\n"
    )


def _graphml() -> None:
    cases = {f"{k[:-4]}.graphml": v for k, v in _xml_cases(_graphml_doc, "graphml").items()}
    cases["weight_not_a_number.graphml"] = (
        *cases["weight_not_a_number.graphml"][:1],
        "line 11 <data>",
        "'heavy' is not a double",
    )
    cases["infinite_weight.graphml"] = (
        *cases["infinite_weight.graphml"][:1],
        "line 11 <data>",
        "not a finite number",
    )
    cases["two_graphs.graphml"] = (
        _graphml_doc(extra="")
        .replace("</graphml>", '<graph edgedefault="directed"/></graphml>')
        .encode(),
        "<graphml>",
        "2 graphs; one expected",
    )
    _write("graphml", ("valid.graphml", _graphml_doc().encode()), cases)


# ---------------------------------------------------------------- CSV (a zip of CSV files)

_ELEMENTS = "ID,Label,Type,Sector\r\na,Ada,person,business\r\nb,Bo,person,health\r\n"
_CONNECTIONS = "From,To,Type,Strength\r\na,b,collaborated,2\r\n"


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)), data)
    return buf.getvalue()


def _csv_zip(elements: str | bytes = _ELEMENTS, connections: str | bytes = _CONNECTIONS) -> bytes:
    def b(x: str | bytes) -> bytes:
        return x.encode() if isinstance(x, str) else x

    return _zip({"elements.csv": b(elements), "connections.csv": b(connections)})


def _csv() -> None:
    valid = _csv_zip()
    strength = _CONNECTIONS.replace(",2\r\n", ",{}\r\n")
    cases: Cases = {
        "truncated_archive.zip": (valid[: len(valid) // 2], "archive", "not a zip file"),
        "no_elements.zip": (_zip({"people.csv": _ELEMENTS.encode()}), "archive", "no elements.csv"),
        "latin1.zip": (
            _csv_zip(_ELEMENTS.replace("Ada", "Caf\xe9").encode("latin-1")),
            "elements.csv line 2 byte",
            "not UTF-8",
        ),
        "cut_inside_quotes.zip": (
            _csv_zip(_ELEMENTS + 'c,"Cy'),
            "elements.csv line 4",
            "not CSV: unexpected end of data",
        ),
        "nul_character.zip": (
            _csv_zip(_ELEMENTS.replace("Ada", "A\x00da")),
            "elements.csv line 2",
            "NUL",
        ),
        "extra_cells.zip": (
            _csv_zip(_ELEMENTS.replace("business\r\n", "business,surprise\r\n")),
            "elements.csv row 2 column 5",
            "5 cells but the header names 4 columns",
        ),
        "headerless_column.zip": (
            _csv_zip(
                _ELEMENTS.replace("Sector\r\n", "Sector,\r\n")
                .replace("business\r\n", "business,x\r\n")
                .replace("health\r\n", "health,\r\n")
            ),
            "elements.csv row 2 column 5",
            "has a value but no header",
        ),
        "repeated_header.zip": (
            _csv_zip(_ELEMENTS.replace("Sector", "label")),
            "elements.csv row 1",
            "column 'label' appears twice",
        ),
        "strength_not_a_number.zip": (
            _csv_zip(connections=strength.format("strong")),
            "connections.csv row 2 column 'Strength'",
            "not a number",
        ),
        "negative_strength.zip": (
            _csv_zip(connections=strength.format("-2")),
            "edge 1",
            "not a finite number > 0",
        ),
        "infinite_strength.zip": (
            _csv_zip(connections=strength.format("inf")),
            "connections.csv row 2 column 'Strength'",
            "not a finite number",
        ),
        "duplicate_ids.zip": (
            _csv_zip(_ELEMENTS.replace("b,Bo", "a,Bo")),
            "node 2 ('a')",
            "earlier node",
        ),
        "too_many_columns.zip": (
            _csv_zip("ID,Label," + ",".join(f"c{i}" for i in range(1200)) + "\r\na,Ada\r\n"),
            "elements.csv row 1",
            "1,202 columns (at most 1,000)",
        ),
    }
    _write("csv", ("valid.zip", valid), cases)


# ---------------------------------------------------------------- XLSX


def _xlsx(
    elements: list[list[object]] | None = None,
    connections: list[list[object]] | None = None,
) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Elements"
    for row in elements or [
        ["ID", "Label", "Type", "Sector"],
        ["a", "Ada", "person", "business"],
        ["b", "Bo", "person", "health"],
    ]:
        ws.append(row)
    wc = wb.create_sheet("Connections")
    for row in connections or [["From", "To", "Type", "Strength"], ["a", "b", "collaborated", 2]]:
        wc.append(row)
    wb.properties.created = wb.properties.modified = __import__("datetime").datetime(2000, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    return _restamp(buf.getvalue())


def _restamp(data: bytes, patch: dict[str, bytes] | None = None) -> bytes:
    """The workbook with fixed timestamps (stable bytes) and some parts replaced."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = (patch or {}).get(info.filename, src.read(info))
            if info.filename == "docProps/core.xml":
                import re

                body = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*<", rb"\g<1>2000-01-01T00:00:00Z<", body
                )
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0)), body)
    return out.getvalue()


def _sheet_xml(data: bytes, name: str = "xl/worksheets/sheet1.xml") -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name)


def _xlsx_cases() -> Cases:
    valid = _xlsx()
    sheet = _sheet_xml(valid)
    head = [["ID", "Label", "Type", "Sector"]]
    conn_head = ["From", "To", "Type", "Strength"]
    laughs = _LAUGHS.replace("gexf", "worksheet").encode()
    return {
        "not_a_workbook.xlsx": (b"Label\nAda\n", "archive", "not an XLSX workbook"),
        "truncated.xlsx": (valid[: len(valid) // 2], "archive", "not an XLSX workbook"),
        "billion_laughs.xlsx": (
            _restamp(valid, {"xl/worksheets/sheet1.xml": laughs + sheet}),
            "archive member xl/worksheets/sheet1.xml",
            "document type declaration",
        ),
        "external_entity.xlsx": (
            _restamp(
                valid,
                {
                    "xl/workbook.xml": b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                    + _sheet_xml(valid, "xl/workbook.xml")
                },
            ),
            "archive member xl/workbook.xml",
            "document type declaration",
        ),
        "dimension_bomb.xlsx": (
            _restamp(
                valid,
                {
                    "xl/worksheets/sheet1.xml": sheet.replace(
                        b"</sheetData>",
                        b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c>'
                        b"</row></sheetData>",
                    ).replace(b'<dimension ref="A1:D3"/>', b'<dimension ref="A1:XFD1048576"/>')
                },
            ),
            "archive member xl/worksheets/sheet1.xml",
            "a row numbered 1,048,576 (at most 500,000 rows)",
        ),
        "extra_cells.xlsx": (
            _xlsx(
                [
                    *head,
                    ["a", "Ada", "person", "business", "surprise"],
                    ["b", "Bo", "person", "health"],
                ]
            ),
            "Elements row 2 column 5",
            "5 cells but the header names 4 columns",
        ),
        "repeated_header.xlsx": (
            _xlsx([["ID", "Label", "Type", "LABEL"], ["a", "Ada", "person", "x"]]),
            "Elements row 1",
            "column 'LABEL' appears twice",
        ),
        "strength_not_a_number.xlsx": (
            _xlsx(connections=[conn_head, ["a", "b", "collaborated", "strong"]]),
            "Connections row 2 column 'Strength'",
            "not a number",
        ),
        "negative_strength.xlsx": (
            _xlsx(connections=[conn_head, ["a", "b", "collaborated", -2]]),
            "edge 1",
            "not a finite number > 0",
        ),
        "duplicate_ids.xlsx": (
            _xlsx([*head, ["a", "Ada", "person", "business"], ["a", "Bo", "person", "health"]]),
            "node 2 ('a')",
            "earlier node",
        ),
        "huge_cell.xlsx": (
            _restamp(
                valid,
                {
                    "xl/worksheets/sheet1.xml": sheet.replace(
                        b"<t>Ada</t>", b"<t>" + b"x" * 150_000 + b"</t>"
                    )
                },
            ),
            "Elements row 2",
            "a field of 150,000 characters",
        ),
        "too_many_columns.xlsx": (
            _xlsx([["ID", "Label", *[f"c{i}" for i in range(1200)]], ["a", "Ada"]]),
            "Elements row 1",
            "1,202 columns (at most 1,000)",
        ),
        "no_elements_sheet.xlsx": (
            _restamp(
                valid,
                {
                    "xl/workbook.xml": _sheet_xml(valid, "xl/workbook.xml").replace(
                        b'name="Elements"', b'name="People"'
                    )
                },
            ),
            "workbook",
            "no sheet named Elements",
        ),
    }


def _xlsx_corpus() -> None:
    _write("xlsx", ("valid.xlsx", _xlsx()), _xlsx_cases())


# ---------------------------------------------------------------- GML (the expert network)

_GML = """graph [
  directed 0
  node [
    id 0
    label "a"
    name "Ada"
    skills "sql,python"
  ]
  node [
    id 1
    label "b"
    name "Bo"
    skills "python"
  ]
  edge [
    source 0
    target 1
    cc 0.5
  ]
]
"""


def _gml() -> None:
    valid = _GML.encode()
    cases: Cases = {
        "latin1.gml": (
            _GML.replace('"Ada"', '"Caf\xe9"').encode("latin-1"),
            "line 6 byte",
            "not UTF-8",
        ),
        "truncated.gml": (valid[: valid.index(b"edge")], "line 1", "'graph [' is not closed"),
        "unclosed_string.gml": (
            _GML.replace('"Bo"', '"Bo').encode(),
            "line 13",
            "a string is not closed",
        ),
        "deep_nesting.gml": (
            _GML.replace("directed 0", "x " + "[ y " * 40 + "]" * 40).encode(),
            "line 2",
            "lists nested more than 32 deep",
        ),
        "weight_not_a_number.gml": (
            _GML.replace("cc 0.5", 'cc "high"').encode(),
            "line 15 edge",
            "cc 'high' is not a number",
        ),
        "negative_weight.gml": (
            _GML.replace("cc 0.5", "cc -0.5").encode(),
            "line 15 edge",
            "cc -0.5 is not a finite number",
        ),
        "infinite_weight.gml": (
            _GML.replace("cc 0.5", "cc 1e999").encode(),
            "line 18",
            "1e999 is not a finite number",
        ),
        "nan_weight.gml": (
            _GML.replace("cc 0.5", "cc nan").encode(),
            "line 18",
            "the key 'cc' has no value",
        ),
        "duplicate_ids.gml": (
            _GML.replace("id 1", "id 0").encode(),
            "line 9 node",
            "id 0 is used by line 3",
        ),
        "unknown_target.gml": (
            _GML.replace("target 1", "target 9").encode(),
            "line 15 edge",
            "target 9 is no node's id",
        ),
        "nul_character.gml": (_GML.replace("Ada", "A\x00da").encode(), "line 6", "NUL"),
        "no_graph.gml": (b'Creator "nobody"\n', "file", "0 'graph"),
        "stray_bracket.gml": (valid + b"]\n", "line 21", "']' closes no list"),
        "repeated_key.gml": (
            _GML.replace('name "Bo"', 'name "Bo"\n    name "Bob"').encode(),
            "line 13 node",
            "'name' is given twice",
        ),
    }
    _write("gml", ("valid.gml", valid), cases)


# ---------------------------------------------------------------- JSON bundle


def _bundle_doc() -> dict[str, object]:
    return {
        "format": "coalition-bundle",
        "version": 1,
        "network": {"slug": "corpus", "name": "Corpus"},
        "capabilities": [{"term": "sql"}],
        "actors": [
            {"ref": 1, "kind": "person", "name": "Ada", "sector": "business", "capacity_hours": 10},
            {"ref": 2, "kind": "person", "name": "Bo", "sector": "health", "capacity_hours": 8},
        ],
        "ties": [{"source": 1, "target": 2, "kind": "collaborated", "weight": 1.0}],
    }


def _bundle() -> None:
    valid = json.dumps(_bundle_doc(), indent=1).encode()

    def changed(raw_from: str, raw_to: str) -> bytes:
        assert raw_from.encode() in valid, raw_from
        return valid.replace(raw_from.encode(), raw_to.encode(), 1)

    cases: Cases = {
        "truncated.json": (valid[: len(valid) // 2], "line", "not JSON"),
        "latin1.json": (
            changed('"Ada"', '"Caf\xe9"').replace("é".encode(), b"\xe9"),
            "line 17 byte",
            "not UTF-8",
        ),
        "deep_nesting.json": (
            changed('"Corpus"', "[" * 40 + "]" * 40),
            "line 6",
            "nested more than 32 deep",
        ),
        "infinite_capacity.json": (
            changed('"capacity_hours": 10', '"capacity_hours": Infinity'),
            "line 19",
            "Infinity is not a JSON number",
        ),
        "nan_weight.json": (
            changed('"weight": 1.0', '"weight": NaN'),
            "line 34",
            "NaN is not a JSON number",
        ),
        "nul_character.json": (changed('"Ada"', '"A\\u0000da"'), "actors[0].name", "U+0000"),
        "lone_surrogate.json": (changed('"Ada"', '"A\\ud800"'), "actors[0].name", "U+D800"),
        "repeated_key.json": (
            changed('"version": 1,', '"version": 1, "version": 2,'),
            "line 3",
            "the key 'version' appears twice",
        ),
        "negative_weight.json": (
            changed('"weight": 1.0', '"weight": -1.0'),
            "ties[0].weight",
            "greater than 0",
        ),
        "duplicate_refs.json": (
            changed('"ref": 2', '"ref": 1'),
            "actors[1].ref",
            "duplicate ref 1",
        ),
        "unknown_field.json": (
            changed('"name": "Bo"', '"name": "Bo", "salary": 1'),
            "actors[1].salary",
            "Extra inputs are not permitted",
        ),
        "wrong_format.json": (
            changed('"coalition-bundle"', '"other"'),
            "format",
            "Input should be 'coalition-bundle'",
        ),
    }
    _write("bundle", ("valid.json", valid), cases)


def main() -> None:
    _kumu()
    _gexf()
    _graphml()
    _csv()
    _xlsx_corpus()
    _gml()
    _bundle()


if __name__ == "__main__":
    main()
