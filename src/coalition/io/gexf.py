"""GEXF 1.3 (Gephi's format) ↔ :class:`~.graph_model.MapGraph`.

Mapping (GEXF 1.3 primer and grammar, gexf.net/1.3; the way Gephi 0.9+ writes and reads it):

* node ``id`` = key, ``label`` = label; ``kind``, ``sector`` and free attributes are
  ``<attvalue>`` of ``<attributes class="node">`` (ids ``kind``, ``sector``, ``n0``, ``n1``…;
  the declared ``title`` is the attribute name);
* the date joined is the node's time spell: ``<spells><spell start="…"/></spells>``;
* edge ``source``/``target``; ``kind`` = tie type (GEXF's edge kind, which Gephi reads as the
  edge type); ``weight``; ``id`` = the edge key when there is one; ``type`` (directed /
  undirected / mutual) when it differs from the graph's ``defaultedgetype``;
* a dated tie is an edge with one spell ``<spells><spell start="…" end="…"/></spells>``;
  the graph is then ``mode="dynamic"``, ``timeformat="date"``, ``timerepresentation=
  "interval"``, so Gephi's timeline shows when each tie was active;
* value types: ``long``, ``double``, ``boolean``, ``string``, ``liststring``. Lists are
  written as Gephi does, ``["a", "b"]`` (each item quoted, ``\\`` and ``"`` escaped).

The reader also accepts the older namespaces ``http://www.gexf.net/1.3`` (Gephi 0.9's)
and ``http://www.gexf.net/1.2draft``, ``start``/``end`` attributes instead of spells, and
the other GEXF value types (integers, floats, characters, URIs; list types become lists of
strings; a list without brackets is split on ``|``, GEXF 1.2's convention). A node with
more than one spell, or an edge with more than one, is rejected: the model holds one
interval per tie. Hierarchies (nested nodes) are rejected likewise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from lxml import etree

from coalition.io.graph_model import (
    DIRECTIONS,
    AttrType,
    AttrValue,
    Direction,
    MapEdge,
    MapGraph,
    MapNode,
    Problem,
    attribute_types,
    check,
    format_scalar,
    parse_scalar,
    validate_graph,
)
from coalition.io.safe_input import parse_xml

__all__ = ["GEXF_NS", "read_gexf", "write_gexf"]

GEXF_NS = "http://gexf.net/1.3"
_ACCEPTED_NS = (GEXF_NS, "http://www.gexf.net/1.3", "http://www.gexf.net/1.2draft")
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_FORMAT = "GEXF"

_WRITE_TYPE: dict[AttrType, str] = {
    "string": "string",
    "integer": "long",
    "double": "double",
    "boolean": "boolean",
    "list": "liststring",
}
_READ_TYPE: dict[str, AttrType] = {
    "integer": "integer",
    "long": "integer",
    "short": "integer",
    "byte": "integer",
    "biginteger": "integer",
    "double": "double",
    "float": "double",
    "bigdecimal": "double",
    "boolean": "boolean",
    "string": "string",
    "char": "string",
    "anyURI": "string",
}


def _format_value(value: AttrValue) -> str:
    if isinstance(value, tuple):
        items = (v.replace("\\", "\\\\").replace('"', '\\"') for v in value)
        return "[" + ", ".join(f'"{v}"' for v in items) + "]"
    return format_scalar(value)


def write_gexf(graph: MapGraph) -> bytes:
    """The graph as a GEXF 1.3 document (UTF-8 bytes); raises FormatError if invalid."""
    check(_FORMAT, validate_graph(graph))
    nsmap = {None: GEXF_NS, "xsi": _XSI}
    root = etree.Element(f"{{{GEXF_NS}}}gexf", nsmap=nsmap, version="1.3")
    root.set(f"{{{_XSI}}}schemaLocation", f"{GEXF_NS} {GEXF_NS}/gexf.xsd")
    meta = etree.SubElement(root, "meta")
    etree.SubElement(meta, "creator").text = "Coalition"
    directed = graph.mostly_directed
    default: Direction = "directed" if directed else "undirected"
    dynamic = any(n.joined for n in graph.nodes) or any(e.start or e.end for e in graph.edges)
    g = etree.SubElement(root, "graph", defaultedgetype=default)
    g.set("mode", "dynamic" if dynamic else "static")
    if dynamic:
        g.set("timeformat", "date")
        g.set("timerepresentation", "interval")

    node_attrs = _declare(g, "node", graph.nodes, [("kind", "kind"), ("sector", "sector")], "n")
    edge_attrs = _declare(g, "edge", graph.edges, [], "e")
    nodes = etree.SubElement(g, "nodes", count=str(len(graph.nodes)))
    for node in graph.nodes:
        el = etree.SubElement(nodes, "node", id=node.key, label=node.label)
        values: dict[str, AttrValue] = dict(node.attrs)
        if node.kind is not None:
            values["kind"] = node.kind
        if node.sector is not None:
            values["sector"] = node.sector
        _attvalues(el, values, node_attrs, reserved=("kind", "sector"))
        if node.joined:
            spells = etree.SubElement(el, "spells")
            etree.SubElement(spells, "spell", start=node.joined.isoformat())
    edges = etree.SubElement(g, "edges", count=str(len(graph.edges)))
    for edge in graph.edges:
        el = etree.SubElement(edges, "edge")
        if edge.key is not None:
            el.set("id", edge.key)
        el.set("source", edge.source)
        el.set("target", edge.target)
        if edge.direction != default:
            el.set("type", edge.direction)
        el.set("kind", edge.type)
        el.set("weight", repr(float(edge.weight)))
        _attvalues(el, dict(edge.attrs), edge_attrs, reserved=())
        if edge.start or edge.end:
            spells = etree.SubElement(el, "spells")
            spell = etree.SubElement(spells, "spell")
            if edge.start:
                spell.set("start", edge.start.isoformat())
            if edge.end:
                spell.set("end", edge.end.isoformat())
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _declare(
    g: etree._Element,
    cls: str,
    items: tuple[MapNode, ...] | tuple[MapEdge, ...],
    fixed: list[tuple[str, str]],
    prefix: str,
) -> dict[str, str]:
    """Write ``<attributes class=…>``; return attribute name → declared id."""
    types = attribute_types(items)
    ids: dict[str, str] = {}
    used = [(aid, title, "string") for aid, title in fixed if any(getattr(i, title) for i in items)]
    for pos, (name, t) in enumerate(types.items()):
        ids[name] = f"{prefix}{pos}"
        used.append((ids[name], name, _WRITE_TYPE[t]))
    if used:
        block = etree.SubElement(g, "attributes", **{"class": cls})
        for aid, title, declared_type in used:
            etree.SubElement(block, "attribute", id=aid, title=title, type=declared_type)
    for aid, title in fixed:
        ids[title] = aid
    return ids


def _attvalues(
    el: etree._Element,
    values: Mapping[str, AttrValue],
    ids: dict[str, str],
    reserved: tuple[str, ...],
) -> None:
    if not values:
        return
    block = etree.SubElement(el, "attvalues")
    for name in [*reserved, *sorted(k for k in values if k not in reserved)]:
        if name in values:
            etree.SubElement(
                block, "attvalue", {"for": ids[name], "value": _format_value(values[name])}
            )


def _parse_list(text: str) -> tuple[str, ...] | None:
    """Gephi's list syntax ``[a, "b c"]`` (quotes optional, ``\\`` escapes) or ``a|b``."""
    s = text.strip()
    if not (s.startswith("[") and s.endswith("]")):
        return tuple(x.strip() for x in s.split("|") if x.strip()) or None
    items: list[str] = []
    i, inner = 0, s[1:-1]
    while i < len(inner):
        c = inner[i]
        if c in " \t\n,":
            i += 1
        elif c in "\"'":
            quote, buf, i = c, [], i + 1
            while i < len(inner) and inner[i] != quote:
                if inner[i] == "\\" and i + 1 < len(inner):
                    i += 1
                buf.append(inner[i])
                i += 1
            if i >= len(inner):
                return None
            items.append("".join(buf))
            i += 1
        else:
            j = inner.find(",", i)
            j = len(inner) if j < 0 else j
            items.append(inner[i:j].strip())
            i = j
    return tuple(items) or None


def _parse_value(text: str, t: AttrType) -> AttrValue:
    if t == "list":
        parsed = _parse_list(text)
        if parsed is None:
            raise ValueError("not a list")
        return parsed
    return parse_scalar(text, t)


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    return dt.date.fromisoformat(text.strip()[:10])


def read_gexf(data: bytes) -> MapGraph:
    """Parse a GEXF document (after :func:`~.safe_input.parse_xml`'s checks: UTF-8, no DTD
    or entity, sizes, nesting); raise FormatError listing every problem (line + reason)."""
    root = parse_xml(data, _FORMAT)
    ns = etree.QName(root).namespace
    if etree.QName(root).localname != "gexf" or ns not in _ACCEPTED_NS:
        check(_FORMAT, [Problem(f"line {root.sourceline} <{root.tag}>", "not a GEXF document")])
    reader = _GexfReader(f"{{{ns}}}")
    graph_el = root.find(f"{reader.q}graph")
    if graph_el is None:
        check(_FORMAT, [Problem(f"line {root.sourceline} <gexf>", "no <graph> element")])
        raise AssertionError  # pragma: no cover
    graph = reader.read(graph_el)
    check(_FORMAT, reader.problems + validate_graph(graph))
    return graph


_Declared = dict[str, dict[str, tuple[str, AttrType, str | None]]]


class _GexfReader:
    """One GEXF <graph> read into a MapGraph, collecting every problem on the way."""

    def __init__(self, q: str) -> None:
        self.q = q
        self.problems: list[Problem] = []
        self.declared: _Declared = {"node": {}, "edge": {}}

    def read(self, graph_el: etree._Element) -> MapGraph:
        default = graph_el.get("defaultedgetype", "undirected")
        if default not in DIRECTIONS:
            where = f"line {graph_el.sourceline} <graph>"
            self.problems.append(Problem(where, f"bad defaultedgetype {default!r}"))
            default = "undirected"
        for block in graph_el.findall(f"{self.q}attributes"):
            self._declare(block)
        nodes = [self._node(el) for el in graph_el.iterfind(f"{self.q}nodes/{self.q}node")]
        edges = [self._edge(el, default) for el in graph_el.iterfind(f"{self.q}edges/{self.q}edge")]
        return MapGraph(
            nodes=tuple(n for n in nodes if n is not None),
            edges=tuple(e for e in edges if e is not None),
        )

    def _declare(self, block: etree._Element) -> None:
        cls = block.get("class")
        if cls not in self.declared:
            self.problems.append(
                Problem(f"line {block.sourceline} <attributes>", f"bad class {cls!r}")
            )
            return
        for att in block.findall(f"{self.q}attribute"):
            where = f"line {att.sourceline} <attribute>"
            aid, title, typ = att.get("id"), att.get("title"), att.get("type", "")
            if aid is None or title is None:
                self.problems.append(Problem(where, "needs id and title"))
                continue
            t = _READ_TYPE.get(typ, "list" if typ.startswith("list") else None)
            if t is None:
                self.problems.append(Problem(where, f"unknown type {typ!r}"))
                continue
            default_el = att.find(f"{self.q}default")
            dflt = None if default_el is None else (default_el.text or "")
            self.declared[cls][aid] = (title, t, dflt)

    def _values(self, el: etree._Element, cls: str) -> dict[str, AttrValue]:
        out: dict[str, AttrValue] = {}
        for title, t, dflt in self.declared[cls].values():
            if dflt is not None:
                try:
                    out[title] = _parse_value(dflt, t)
                except ValueError as exc:
                    self.problems.append(Problem(f"attribute {title!r} default", str(exc)))
        block = el.find(f"{self.q}attvalues")
        for att in [] if block is None else block.findall(f"{self.q}attvalue"):
            where = f"line {att.sourceline} <attvalue>"
            aid, text = att.get("for"), att.get("value")
            if aid not in self.declared[cls] or text is None:
                self.problems.append(
                    Problem(where, f"refers to undeclared {cls} attribute {aid!r}")
                )
                continue
            if att.get("start") or att.get("end") or att.get("timestamp"):
                self.problems.append(Problem(where, "time-varying values are not modelled"))
                continue
            title, t, _ = self.declared[cls][aid]
            try:
                out[title] = _parse_value(text, t)
            except ValueError as exc:
                self.problems.append(Problem(where, f"{text!r} is not a {t}: {exc}"))
        return out

    def _spell(self, el: etree._Element, where: str) -> tuple[dt.date | None, dt.date | None]:
        spells = el.findall(f"{self.q}spells/{self.q}spell")
        if len(spells) > 1:
            self.problems.append(Problem(where, "more than one time spell (one interval per tie)"))
            return None, None
        src = spells[0] if spells else el
        try:
            return _date(src.get("start")), _date(src.get("end"))
        except ValueError as exc:
            self.problems.append(Problem(where, f"bad date: {exc}"))
            return None, None

    def _node(self, el: etree._Element) -> MapNode | None:
        where = f"line {el.sourceline} <node>"
        if el.find(f"{self.q}nodes") is not None:
            self.problems.append(Problem(where, "nested nodes (hierarchies) are not modelled"))
        key = el.get("id")
        if key is None:
            self.problems.append(Problem(where, "no id"))
            return None
        attrs = self._values(el, "node")
        kind, sector = attrs.pop("kind", None), attrs.pop("sector", None)
        for name, value in (("kind", kind), ("sector", sector)):
            if value is not None and not isinstance(value, str):
                self.problems.append(Problem(where, f"{name} must be a string attribute"))
        joined, _ = self._spell(el, where)
        return MapNode(
            key=key,
            label=el.get("label") or key,
            kind=kind if isinstance(kind, str) else None,
            sector=sector if isinstance(sector, str) else None,
            joined=joined,
            attrs=attrs,
        )

    def _edge(self, el: etree._Element, default: str) -> MapEdge | None:
        where = f"line {el.sourceline} <edge>"
        source, target = el.get("source"), el.get("target")
        if source is None or target is None:
            self.problems.append(Problem(where, "needs source and target"))
            return None
        direction = el.get("type", default)
        if direction not in DIRECTIONS:
            self.problems.append(Problem(where, f"bad edge type {direction!r}"))
            direction = default
        try:
            weight = float(el.get("weight", "1.0"))
        except ValueError:
            self.problems.append(Problem(where, f"weight {el.get('weight')!r} is not a number"))
            weight = 1.0
        start, end = self._spell(el, where)
        return MapEdge(
            source=source,
            target=target,
            type=el.get("kind") or el.get("label") or "tie",
            weight=weight,
            start=start,
            end=end,
            direction=direction,
            key=el.get("id"),
            attrs=self._values(el, "edge"),
        )
