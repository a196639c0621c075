"""Kumu's spreadsheet layout, as CSV files (two, or a zip) or one XLSX workbook.

Layout (docs.kumu.io, "Structure your data for Kumu"): an **Elements** table whose first
column is ``ID`` (then ``Label``, ``Type``, ``Sector``, ``Joined``) and a **Connections**
table ``From``, ``To``, ``Type``, ``Direction``, ``Strength``, ``Start``, ``End`` (with
``ID`` first when some tie has a key). Every free attribute is one more column, named after
it; several values in one cell are separated by ``|``, as Kumu does. Dates are ISO text
(``2024-03-31``). Lists of one value are written like text: the declared type says which.

Types: spreadsheets carry no column types, so the writer adds a third table, **Fields**
(``Sheet``, ``Field``, ``Type``) declaring each attribute column's type. In the workbook it
is the sheet ``Fields (ignore)``, which Kumu skips by its naming rule; as CSV it is
``fields.csv``. Reading a file without it (made by hand or by Kumu), a column is a list
when named ``Tags`` or when a cell holds ``|``, else boolean, integer or number when every
value reads as one, else text.

Reading follows Kumu: headers are matched case-insensitively, an element without ``ID``
is known by its label, a ``To`` cell ``a|b`` makes one connection per element, a missing
``Direction`` means directed, a missing ``Strength`` weight 1.

Formula injection (OWASP, "CSV Injection"): a CSV text cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is written with a leading ``'``
(:func:`~.safe_input.neutralise_cell`), so a spreadsheet shows it as text instead of running
it; the reader removes that quote again (:func:`~.safe_input.restore_cell`), so our own
exports round-trip exactly. Numbers are written as numbers. In the workbook, text cells are
typed as text and such cells also carry Excel's "quote prefix" style, so editing them keeps
them text.

Before any parsing, files go through :mod:`.safe_input`: UTF-8 only, size limits on files,
archives (zip bombs), cells, rows and columns, and no DTD in the workbook's XML parts. A
row with more cells than the header has columns, a column with values but no header, and
a header named twice are refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from coalition.io import safe_input
from coalition.io.graph_model import (
    DIRECTIONS,
    AttrType,
    AttrValue,
    FormatError,
    MapEdge,
    MapGraph,
    MapNode,
    Problem,
    attribute_types,
    check,
    validate_graph,
)

from ..choices import is_choice

__all__ = [
    "CSV_NAMES",
    "FIELDS_SHEET",
    "read_csv",
    "read_csv_zip",
    "read_xlsx",
    "write_csv",
    "write_csv_zip",
    "write_xlsx",
]

ELEMENTS, CONNECTIONS = "Elements", "Connections"
FIELDS_SHEET = "Fields (ignore)"
CSV_NAMES = {ELEMENTS: "elements.csv", CONNECTIONS: "connections.csv", "Fields": "fields.csv"}
_ELEMENT_HEADS = ("ID", "Label", "Type", "Sector", "Joined")
_CONNECTION_HEADS = ("From", "To", "Type", "Direction", "Strength", "Start", "End")
_ALIASES = {"weight": "strength", "start date": "start", "end date": "end"}
_TYPES: tuple[AttrType, ...] = ("string", "integer", "double", "boolean", "list")
_INT = re.compile(r"^[+-]?\d+$")

Cell = str | int | float | bool | dt.date | dt.datetime | None


@dataclass
class _Table:
    name: str  # as the user sees it: file or sheet name
    header: list[str]
    rows: list[tuple[int, list[Cell]]]
    sheet: str = ""  # Elements, Connections or Fields

    def __post_init__(self) -> None:
        self.sheet = self.sheet or self.name


# ---------------------------------------------------------------- graph → tables


def _cell(value: AttrValue | dt.date | None, *, text_only: bool) -> Cell:
    if value is None:
        return None
    if isinstance(value, tuple):
        return "|".join(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if text_only:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float):
            return repr(value)
        return str(value)
    return value


def _tables(graph: MapGraph) -> list[_Table]:
    """The three tables, cells typed (text, numbers, booleans; dates and lists as text)."""
    check("spreadsheet", validate_graph(graph))
    node_types = attribute_types(graph.nodes)
    edge_types = attribute_types(graph.edges)
    keyed = any(e.key is not None for e in graph.edges)

    def c(v: AttrValue | dt.date | None) -> Cell:
        return _cell(v, text_only=False)

    elements = _Table(ELEMENTS, [*_ELEMENT_HEADS, *node_types], [])
    for i, n in enumerate(graph.nodes):
        row = [c(n.key), c(n.label), c(n.kind), c(n.sector), c(n.joined)]
        row += [c(n.attrs.get(name)) for name in node_types]
        elements.rows.append((i + 2, row))
    connections = _Table(
        CONNECTIONS, [*(["ID"] if keyed else []), *_CONNECTION_HEADS, *edge_types], []
    )
    for i, e in enumerate(graph.edges):
        row = [c(e.key)] if keyed else []
        row += [c(e.source), c(e.target), c(e.type), c(e.direction), c(float(e.weight))]
        row += [c(e.start), c(e.end)]
        row += [c(e.attrs.get(name)) for name in edge_types]
        connections.rows.append((i + 2, row))
    fields = _Table("Fields", ["Sheet", "Field", "Type"], [])
    for sheet, types in ((ELEMENTS, node_types), (CONNECTIONS, edge_types)):
        for name, t in types.items():
            fields.rows.append((len(fields.rows) + 2, [sheet, name, t]))
    return [elements, connections, fields]


def _csv_cell(value: Cell) -> str:
    """A text cell guarded against formula injection; other values as their text."""
    if isinstance(value, str):
        return safe_input.neutralise_cell(value)
    return "" if value is None else str(_cell(value, text_only=True))


def write_csv(graph: MapGraph) -> dict[str, bytes]:
    """``elements.csv``, ``connections.csv`` and ``fields.csv`` (UTF-8, RFC 4180)."""
    out = {}
    for table in _tables(graph):
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow([_csv_cell(h) for h in table.header])
        w.writerows([_csv_cell(v) for v in row] for _, row in table.rows)
        out[CSV_NAMES[table.name]] = buf.getvalue().encode("utf-8")
    return out


def write_csv_zip(graph: MapGraph) -> bytes:
    """The three CSV files in one zip archive (fixed timestamps: same graph, same bytes)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in write_csv(graph).items():
            z.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)), data)
    return buf.getvalue()


def _loses_digits(value: Cell) -> bool:
    """Whether openpyxl's ``%.16g`` number cells would change the value (17-digit floats,
    integers beyond 2**53): such values are stored as text cells, which Fields types back."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return f"{value:.16g}" != str(value)
    if isinstance(value, float):
        # openpyxl reads "-0" back as the integer 0: keep the sign of zero as text too
        return float(f"{value:.16g}") != value or (value == 0 and math.copysign(1, value) < 0)
    return False


def write_xlsx(graph: MapGraph) -> bytes:
    """One workbook with sheets Elements, Connections and Fields (ignore) (openpyxl)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.worksheets[0])  # a new workbook's one empty sheet
    for table in _tables(graph):
        ws = wb.create_sheet(FIELDS_SHEET if table.name == "Fields" else table.name)
        lines: list[list[Cell]] = [list(table.header), *(cells for _, cells in table.rows)]
        for r, cells in enumerate(lines, start=1):
            for col, value in enumerate(cells, start=1):
                if value is None:
                    continue
                if _loses_digits(value):
                    value = repr(value) if isinstance(value, float) else str(value)
                cell = ws.cell(row=r, column=col, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text, even "=…"
                    if safe_input.neutralise_cell(value) != value:
                        cell.quotePrefix = True  # and stays text when edited
    # fixed dates in the document properties and the archive: same graph, same bytes
    wb.properties.created = wb.properties.modified = _EPOCH
    raw = io.BytesIO()
    wb.save(raw)
    return _restamp(raw.getvalue())


_EPOCH = dt.datetime(2000, 1, 1)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _restamp(archive: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(info)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" on save
                data = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            dst.writestr(fixed, data)
    return out.getvalue()


# ---------------------------------------------------------------- tables → graph


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and value == "")


def _infer(header: str, values: Iterable[Cell]) -> AttrType:
    vals = [v for v in values if not _blank(v)]
    if header.strip().lower() == "tags" or any(isinstance(v, str) and "|" in v for v in vals):
        return "list"
    if vals and all(isinstance(v, bool) or str(v).lower() in ("true", "false") for v in vals):
        return "boolean"
    if vals and all(
        (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, str) and _INT.match(v))
        for v in vals
    ):
        return "integer"

    def number(v: Cell) -> bool:
        if isinstance(v, bool):
            return False
        if isinstance(v, int | float):
            return True
        try:
            return math.isfinite(float(str(v)))
        except ValueError:
            return False

    if vals and all(number(v) for v in vals):
        return "double"
    return "string"


def _parse(value: Cell, t: AttrType) -> AttrValue:
    if t == "string":
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        return value if isinstance(value, str) else _cell(value, text_only=True)  # type: ignore[return-value]
    if t == "list":
        return tuple(x.strip() for x in str(value).split("|") if x.strip())
    if t == "boolean":
        if isinstance(value, bool):
            return value
        low = str(value).strip().lower()
        if low not in ("true", "false"):
            raise ValueError("not true or false")
        return low == "true"
    if isinstance(value, bool) or isinstance(value, dt.date):
        raise ValueError(f"not a{'n integer' if t == 'integer' else ' number'}")
    if t == "integer":
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError("not an integer")
            return int(value)
        if isinstance(value, int) or _INT.match(str(value).strip()):
            return int(str(value).strip())
        raise ValueError("not an integer")
    return _number(value)


def _number(value: Cell) -> float:
    """A cell as a finite number (a double); ValueError says why it is not one."""
    if isinstance(value, bool | dt.date):
        raise ValueError("not a number")
    try:
        number = float(value) if isinstance(value, int | float) else float(str(value).strip())
    except ValueError:
        raise ValueError("not a number") from None
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    return number


def _date(value: Cell) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip()[:10])


def _column_problems(table: _Table, names: list[str], core: frozenset[str]) -> list[Problem]:
    """A header named twice, a column with values but no header, a row with more cells
    than the header has columns: each would be dropped silently, so refuse it."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for h in names:
        low = _ALIASES.get(h.lower(), h.lower())
        name = low if low in core else h
        if h and name in seen:
            problems.append(Problem(f"{table.name} row 1", f"column {h!r} appears twice"))
        seen.add(name)
    for rn, row in table.rows:
        for i, v in enumerate(row):
            if _blank(v) or (i < len(names) and names[i]):
                continue
            why = (
                f"column {i + 1} has a value but no header"
                if i < len(names)
                else f"{len(row)} cells but the header names {len(names)} columns"
            )
            problems.append(Problem(f"{table.name} row {rn} column {i + 1}", why))
            break
    return problems


def _graph(
    elements: _Table, connections: _Table | None, fields: _Table | None, fmt: str
) -> MapGraph:
    reader = _SheetReader()
    if fields is not None:
        reader.declare(fields)
    nodes = reader.elements(elements)
    edges = reader.connections(connections) if connections is not None else []
    graph = MapGraph(nodes=tuple(nodes), edges=tuple(edges))
    check(fmt, reader.problems + validate_graph(graph))
    return graph


_Row = tuple[int, dict[str, Cell], dict[str, AttrValue]]
_CORE_ELEMENT = frozenset({"id", "label", "type", "sector", "joined"})
_CORE_CONNECTION = frozenset({"id", "from", "to", "type", "direction", "strength", "start", "end"})


class _SheetReader:
    """Kumu-style Elements / Connections / Fields tables read into nodes and edges,
    collecting every problem on the way."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.declared: dict[tuple[str, str], AttrType] = {}

    def declare(self, fields: _Table) -> None:
        """The Fields table's declared types (Sheet, Field, Type)."""
        cols = {h.strip().lower(): i for i, h in enumerate(fields.header)}
        if not {"sheet", "field", "type"} <= cols.keys():
            self.problems.append(
                Problem(f"{fields.name} row 1", "needs columns Sheet, Field, Type")
            )
            return
        for rn, row in fields.rows:
            sheet, name, t = (
                row[cols[k]] if cols[k] < len(row) else None for k in ("sheet", "field", "type")
            )
            if not is_choice(t, _TYPES) or not isinstance(sheet, str) or not isinstance(name, str):
                self.problems.append(
                    Problem(f"{fields.name} row {rn}", f"type {t!r} is not one of {_TYPES}")
                )
                continue
            self.declared[(sheet.strip().lower(), name)] = t

    def _rows(self, table: _Table, core: frozenset[str]) -> list[_Row]:
        """Per row: core fields by canonical name, and parsed free attributes."""
        names = [h.strip() if isinstance(h, str) else str(h) for h in table.header]
        self.problems.extend(_column_problems(table, names, core))
        canon: dict[int, str] = {}
        free: dict[int, AttrType] = {}
        for i, h in enumerate(names):
            low = _ALIASES.get(h.lower(), h.lower())
            if low in core:
                canon[i] = low
            elif h:
                t = self.declared.get((table.sheet.lower(), h))
                if t is None:
                    t = _infer(h, (row[i] if i < len(row) else None for _, row in table.rows))
                free[i] = t
        out = []
        for rn, row in table.rows:
            if all(_blank(v) for v in row):
                continue
            fixed = {canon[i]: v for i, v in enumerate(row) if i in canon and not _blank(v)}
            out.append((rn, fixed, self._free(table, rn, row, names, free)))
        return out

    def _free(
        self, table: _Table, rn: int, row: list[Cell], names: list[str], free: dict[int, AttrType]
    ) -> dict[str, AttrValue]:
        attrs: dict[str, AttrValue] = {}
        for i, t in free.items():
            if i >= len(row) or _blank(row[i]):
                continue
            try:
                value = _parse(row[i], t)
            except ValueError as exc:
                self.problems.append(
                    Problem(f"{table.name} row {rn} column {names[i]!r}", f"{row[i]!r}: {exc}")
                )
                continue
            if value != ():
                attrs[names[i]] = value
        return attrs

    @staticmethod
    def _text(fixed: dict[str, Cell], name: str) -> str | None:
        v = fixed.get(name)
        return None if v is None else str(_cell(v, text_only=True))

    def _date(self, fixed: dict[str, Cell], name: str, where: str) -> dt.date | None:
        v = fixed.get(name)
        if v is None:
            return None
        try:
            return _date(v)
        except ValueError:
            self.problems.append(Problem(f"{where} column {name!r}", f"{v!r} is not an ISO date"))
            return None

    def elements(self, elements: _Table) -> list[MapNode]:
        if not any(h.strip().lower() == "label" for h in elements.header if isinstance(h, str)):
            self.problems.append(Problem(f"{elements.name} row 1", "needs a Label column"))
        nodes: list[MapNode] = []
        for rn, fixed, attrs in self._rows(elements, _CORE_ELEMENT):
            where = f"{elements.name} row {rn}"
            label = self._text(fixed, "label")
            if label is None:
                self.problems.append(Problem(where, "no label"))
                continue
            nodes.append(
                MapNode(
                    key=self._text(fixed, "id") or label,
                    label=label,
                    kind=self._text(fixed, "type"),
                    sector=self._text(fixed, "sector"),
                    joined=self._date(fixed, "joined", where),
                    attrs=attrs,
                )
            )
        return nodes

    def connections(self, connections: _Table) -> list[MapEdge]:
        heads = {h.strip().lower() for h in connections.header if isinstance(h, str)}
        if not {"from", "to"} <= heads:
            self.problems.append(Problem(f"{connections.name} row 1", "needs From and To columns"))
        edges: list[MapEdge] = []
        for rn, fixed, attrs in self._rows(connections, _CORE_CONNECTION):
            edges.extend(self._connection(f"{connections.name} row {rn}", fixed, attrs))
        return edges

    def _connection(
        self, where: str, fixed: dict[str, Cell], attrs: dict[str, AttrValue]
    ) -> list[MapEdge]:
        source, targets = self._text(fixed, "from"), self._text(fixed, "to")
        if source is None or targets is None:
            self.problems.append(Problem(where, "needs From and To"))
            return []
        direction = (self._text(fixed, "direction") or "directed").strip().lower()
        if not is_choice(direction, DIRECTIONS):
            self.problems.append(
                Problem(f"{where} column 'Direction'", f"{direction!r} is not one of {DIRECTIONS}")
            )
            direction = DIRECTIONS[0]  # directed
        weight = 1.0
        if "strength" in fixed:
            try:
                weight = _number(fixed["strength"])
            except ValueError as exc:
                self.problems.append(Problem(f"{where} column 'Strength'", str(exc)))
        start, end = self._date(fixed, "start", where), self._date(fixed, "end", where)
        return [
            MapEdge(
                source=source,
                target=target,
                type=self._text(fixed, "type") or "tie",
                weight=weight,
                start=start,
                end=end,
                direction=direction,
                key=self._text(fixed, "id"),
                attrs=attrs,
            )
            for target in (t.strip() for t in targets.split("|"))
        ]


def _text_cell(value: str, fmt: str, where: str) -> str:
    """A CSV cell: size-checked, and the formula guard that :func:`write_csv` adds removed
    (the workbook keeps text as it is, so its cells are only size-checked)."""
    safe_input.check_field(value, fmt, where)
    return safe_input.restore_cell(value) if fmt == "CSV" else value


def _check_size(fmt: str, where: str, rows: int, columns: int) -> None:
    if rows > safe_input.MAX_ROWS:
        safe_input.refuse(fmt, where, f"more than {safe_input.MAX_ROWS:,} rows")
    if columns > safe_input.MAX_COLUMNS:
        safe_input.refuse(fmt, where, f"{columns:,} columns (at most {safe_input.MAX_COLUMNS:,})")


def _csv_table(sheet: str, data: bytes) -> _Table:
    name = CSV_NAMES[sheet]
    text = safe_input.decode_utf8(data, "CSV", name=name)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)  # a cut file is an error
    try:
        header = [_text_cell(h, "CSV", f"{name} row 1") for h in next(reader, [])]
        rows: list[tuple[int, list[Cell]]] = []
        line = reader.line_num
        for row in reader:
            where = f"{name} row {line + 1}"
            _check_size("CSV", where, len(rows) + 1, len(row))
            rows.append((line + 1, [_text_cell(v, "CSV", where) for v in row]))
            line = reader.line_num
    except csv.Error as exc:
        safe_input.refuse("CSV", f"{name} line {reader.line_num}", f"not CSV: {exc}")
    _check_size("CSV", f"{name} row 1", 0, len(header))
    return _Table(name, header, rows, sheet)


def read_csv(
    elements: bytes, connections: bytes | None = None, fields: bytes | None = None
) -> MapGraph:
    """Read the Kumu layout from CSV files; raise FormatError listing every problem."""
    return _graph(
        _csv_table(ELEMENTS, elements),
        None if connections is None else _csv_table(CONNECTIONS, connections),
        None if fields is None else _csv_table("Fields", fields),
        "CSV",
    )


def read_csv_zip(data: bytes) -> MapGraph:
    """Read ``elements.csv`` (+ ``connections.csv``, ``fields.csv``) from a zip archive."""
    with safe_input.check_zip(data, "CSV zip", kind="a zip file") as z:
        found: dict[str, zipfile.ZipInfo] = {}
        for info in z.infolist():
            base = info.filename.rsplit("/", 1)[-1].lower()
            if base in CSV_NAMES.values():
                found[base] = info
        if CSV_NAMES[ELEMENTS] not in found:
            check("CSV zip", [Problem("archive", "no elements.csv inside")])
        try:
            files = {name: z.read(info) for name, info in found.items()}
        except safe_input.ZIP_ERRORS as exc:
            safe_input.refuse("CSV zip", "archive", f"damaged: {exc}")
    return read_csv(
        files[CSV_NAMES[ELEMENTS]],
        files.get(CSV_NAMES[CONNECTIONS]),
        files.get(CSV_NAMES["Fields"]),
    )


def _xlsx_cell(value: object, where: str) -> Cell:
    """openpyxl's value as a plain cell (rich text, decimals, times read as text)."""
    if isinstance(value, str):
        return _text_cell(value, "XLSX", where)
    if isinstance(value, float) and not math.isfinite(value):
        safe_input.refuse("XLSX", where, f"{value} is not a finite number")
    if value is None or isinstance(value, int | float | bool | dt.date):
        return value
    return _text_cell(str(value), "XLSX", where)


def _sheet_table(ws: Any, sheet: str) -> _Table:
    # the declared dimension may claim a million rows and columns: ignore it
    ws.reset_dimensions()
    rows = ws.iter_rows(values_only=True)
    first = next(rows, ())
    _check_size("XLSX", f"{ws.title} row 1", 0, len(first))
    header = [("" if h is None else str(_xlsx_cell(h, f"{ws.title} row 1"))) for h in first]
    body: list[tuple[int, list[Cell]]] = []
    for rn, r in enumerate(rows, start=2):
        _check_size("XLSX", f"{ws.title} row {rn}", rn - 1, len(r))
        body.append((rn, [_xlsx_cell(v, f"{ws.title} row {rn}") for v in r]))
    return _Table(ws.title, header, body, sheet)


def read_xlsx(data: bytes) -> MapGraph:
    """Read the Kumu layout from an XLSX workbook; raise FormatError listing every problem."""
    from openpyxl import load_workbook

    safe_input.check_zip(data, "XLSX", kind="an XLSX workbook", xml_parts=True).close()
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        check("XLSX", [Problem("workbook", f"not an XLSX workbook: {type(exc).__name__}: {exc}")])
        raise  # pragma: no cover
    try:
        by_name = {ws.title.strip().lower(): ws for ws in wb.worksheets}

        def table(title: str, sheet: str) -> _Table | None:
            ws = by_name.get(title.lower())
            if ws is None:
                return None
            try:
                return _sheet_table(ws, sheet)
            except FormatError:
                raise
            except Exception as exc:  # openpyxl reads a sheet lazily: damage shows up here
                safe_input.refuse("XLSX", f"sheet {ws.title}", f"damaged: {type(exc).__name__}")

        elements = table(ELEMENTS, ELEMENTS)

        if elements is None:
            check("XLSX", [Problem("workbook", "no sheet named Elements")])
            raise AssertionError  # pragma: no cover
        return _graph(
            elements, table(CONNECTIONS, CONNECTIONS), table(FIELDS_SHEET, "Fields"), "XLSX"
        )
    finally:
        wb.close()
