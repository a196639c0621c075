"""GraphML ↔ :class:`~.graph_model.MapGraph`.

Mapping (GraphML Primer, graphml.graphdrawing.org): node ``id`` = key; edge ``source``,
``target`` and ``id`` (the edge key, when there is one). Every other field is a ``<data>``
element under a ``<key>`` declared with its GraphML type:

* nodes: ``label``, ``kind``, ``sector`` (string), ``joined`` (string, ISO date);
* edges: ``type`` (string), ``weight`` (double), ``start``/``end`` (string, ISO date) and
  ``direction`` (string: directed, undirected or mutual). GraphML itself only knows directed
  and undirected edges: the graph's ``edgedefault`` is the majority, and an edge that
  differs carries ``directed="true|false"`` (a mutual edge is ``directed="true"``) so
  other tools read it right; ``direction`` keeps the exact value;
* free attributes: ``long``, ``double``, ``boolean`` or ``string``, declared with
  ``attr.name`` = the attribute name. A list of strings is a ``string`` holding a JSON
  array, its key marked with ``<desc>json-list</desc>`` (GraphML has no list type).

The reader accepts any GraphML with one graph: ``int``/``float`` keys too, ``<default>``
values, and edges without ``direction`` data (their direction comes from ``directed`` or
``edgedefault``). Nested graphs, hyperedges and ports are rejected.
"""

from __future__ import annotations

import datetime as dt
import json

from lxml import etree

from coalition.io.graph_model import (
    DIRECTIONS,
    AttrType,
    AttrValue,
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

from ..choices import is_choice

__all__ = ["GRAPHML_NS", "LIST_MARK", "read_graphml", "write_graphml"]

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
LIST_MARK = "json-list"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_FORMAT = "GraphML"

_WRITE_TYPE: dict[AttrType, str] = {
    "string": "string",
    "integer": "long",
    "double": "double",
    "boolean": "boolean",
    "list": "string",
}
_READ_TYPE: dict[str, AttrType] = {
    "string": "string",
    "int": "integer",
    "long": "integer",
    "float": "double",
    "double": "double",
    "boolean": "boolean",
}
_NODE_FIELDS = ("label", "kind", "sector", "joined")
_EDGE_FIELDS = ("type", "weight", "start", "end", "direction")


def _text(value: AttrValue) -> str:
    if isinstance(value, tuple):
        return json.dumps(list(value), ensure_ascii=False)
    return format_scalar(value)


def write_graphml(graph: MapGraph) -> bytes:
    """The graph as a GraphML document (UTF-8 bytes); raises FormatError if invalid."""
    check(_FORMAT, validate_graph(graph))
    root = etree.Element(f"{{{GRAPHML_NS}}}graphml", nsmap={None: GRAPHML_NS, "xsi": _XSI})
    root.set(
        f"{{{_XSI}}}schemaLocation",
        f"{GRAPHML_NS} http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd",
    )

    def key(kid: str, cls: str, name: str, typ: str, *, is_list: bool = False) -> None:
        el = etree.SubElement(root, "key", id=kid, attrib={"for": cls})
        el.set("attr.name", name)
        el.set("attr.type", typ)
        if is_list:
            etree.SubElement(el, "desc").text = LIST_MARK

    for name in _NODE_FIELDS:
        key(name, "node", name, "string")
    for name in _EDGE_FIELDS:
        key(name, "edge", name, "double" if name == "weight" else "string")
    node_ids: dict[str, str] = {}
    for pos, (name, t) in enumerate(attribute_types(graph.nodes).items()):
        node_ids[name] = f"n{pos}"
        key(node_ids[name], "node", name, _WRITE_TYPE[t], is_list=t == "list")
    edge_ids: dict[str, str] = {}
    for pos, (name, t) in enumerate(attribute_types(graph.edges).items()):
        edge_ids[name] = f"e{pos}"
        key(edge_ids[name], "edge", name, _WRITE_TYPE[t], is_list=t == "list")

    directed = graph.mostly_directed
    g = etree.SubElement(
        root, "graph", id="G", edgedefault="directed" if directed else "undirected"
    )

    def data(el: etree._Element, kid: str, value: AttrValue | None) -> None:
        if value is not None:
            etree.SubElement(el, "data", key=kid).text = _text(value)

    for node in graph.nodes:
        el = etree.SubElement(g, "node", id=node.key)
        data(el, "label", node.label)
        data(el, "kind", node.kind)
        data(el, "sector", node.sector)
        data(el, "joined", node.joined.isoformat() if node.joined else None)
        for name in sorted(node.attrs):
            data(el, node_ids[name], node.attrs[name])
    for edge in graph.edges:
        el = etree.SubElement(g, "edge")
        if edge.key is not None:
            el.set("id", edge.key)
        el.set("source", edge.source)
        el.set("target", edge.target)
        is_directed = edge.direction != "undirected"
        if is_directed != directed:
            el.set("directed", "true" if is_directed else "false")
        data(el, "type", edge.type)
        data(el, "weight", float(edge.weight))
        data(el, "start", edge.start.isoformat() if edge.start else None)
        data(el, "end", edge.end.isoformat() if edge.end else None)
        data(el, "direction", edge.direction)
        for name in sorted(edge.attrs):
            data(el, edge_ids[name], edge.attrs[name])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _parse(text: str, t: AttrType, is_list: bool) -> AttrValue:
    if is_list:
        items = json.loads(text)
        if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
            raise ValueError("not a JSON list of strings")
        return tuple(items)
    return parse_scalar(text, t)


def read_graphml(data: bytes) -> MapGraph:
    """Parse a GraphML document (after :func:`~.safe_input.parse_xml`'s checks: UTF-8, no
    DTD or entity, sizes, nesting); raise FormatError listing every problem (line + reason)."""
    root = parse_xml(data, _FORMAT)
    name = etree.QName(root)
    if name.localname != "graphml" or name.namespace not in (GRAPHML_NS, None):
        check(_FORMAT, [Problem(f"line {root.sourceline} <{root.tag}>", "not a GraphML document")])
    reader = _GraphmlReader(f"{{{name.namespace}}}" if name.namespace else "")
    for el in root.findall(f"{reader.q}key"):
        reader.declare(el)
    graphs = root.findall(f"{reader.q}graph")
    if len(graphs) != 1:
        check(
            _FORMAT,
            [Problem(f"line {root.sourceline} <graphml>", f"{len(graphs)} graphs; one expected")],
        )
    graph = reader.read(graphs[0])
    check(_FORMAT, reader.problems + validate_graph(graph))
    return graph


_Keys = dict[str, dict[str, tuple[str, AttrType, bool, str | None]]]


class _GraphmlReader:
    """One GraphML <graph> read into a MapGraph, collecting every problem on the way."""

    def __init__(self, q: str) -> None:
        self.q = q
        self.problems: list[Problem] = []
        self.keys: _Keys = {"node": {}, "edge": {}}

    def declare(self, el: etree._Element) -> None:
        where = f"line {el.sourceline} <key>"
        kid, cls = el.get("id"), el.get("for", "all")
        attr_name = el.get("attr.name") or kid
        t = _READ_TYPE.get(el.get("attr.type", "string"))
        if kid is None or t is None or attr_name is None:
            self.problems.append(
                Problem(where, f"needs an id and a known attr.type, got {el.get('attr.type')!r}")
            )
            return
        desc = el.find(f"{self.q}desc")
        is_list = desc is not None and (desc.text or "").strip() == LIST_MARK
        dflt = el.find(f"{self.q}default")
        for c in ("node", "edge") if cls == "all" else (cls,):
            if c in self.keys:
                default = None if dflt is None else dflt.text or ""
                self.keys[c][kid] = (attr_name, t, is_list, default)

    def read(self, g: etree._Element) -> MapGraph:
        q = self.q
        default_directed = g.get("edgedefault") == "directed"
        for path, what in (
            (f"{q}hyperedge", "hyperedges"),
            (f"{q}node/{q}port", "ports"),
            (f"{q}node/{q}graph", "nested graphs"),
        ):
            for el in g.findall(path):
                self.problems.append(Problem(f"line {el.sourceline}", f"{what} are not modelled"))
        nodes = [self._node(el) for el in g.findall(f"{q}node")]
        edges = [self._edge(el, default_directed) for el in g.findall(f"{q}edge")]
        return MapGraph(
            nodes=tuple(n for n in nodes if n is not None),
            edges=tuple(e for e in edges if e is not None),
        )

    def _values(self, el: etree._Element, cls: str) -> dict[str, AttrValue]:
        out: dict[str, AttrValue] = {}
        for attr, t, is_list, dflt in self.keys[cls].values():
            if dflt is not None:
                try:
                    out[attr] = _parse(dflt, t, is_list)
                except ValueError as exc:
                    self.problems.append(Problem(f"key {attr!r} default", str(exc)))
        for d in el.findall(f"{self.q}data"):
            where = f"line {d.sourceline} <data>"
            kid = d.get("key")
            if kid not in self.keys[cls]:
                self.problems.append(Problem(where, f"refers to undeclared {cls} key {kid!r}"))
                continue
            attr, t, is_list, _ = self.keys[cls][kid]
            try:
                out[attr] = _parse(d.text or "", t, is_list)
            except ValueError as exc:
                self.problems.append(Problem(where, f"{d.text!r} is not a {t}: {exc}"))
        return out

    def _date(self, value: AttrValue | None, where: str) -> dt.date | None:
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.problems.append(Problem(where, f"{value!r} is not an ISO date"))
            return None

    def _text(self, value: AttrValue | None, where: str, field: str) -> str | None:
        if value is None or isinstance(value, str):
            return value
        self.problems.append(Problem(where, f"{field} must be text"))
        return None

    def _node(self, el: etree._Element) -> MapNode | None:
        where = f"line {el.sourceline} <node>"
        key = el.get("id")
        if key is None:
            self.problems.append(Problem(where, "no id"))
            return None
        attrs = self._values(el, "node")
        fixed = {f: attrs.pop(f, None) for f in _NODE_FIELDS}
        return MapNode(
            key=key,
            label=self._text(fixed["label"], where, "label") or key,
            kind=self._text(fixed["kind"], where, "kind"),
            sector=self._text(fixed["sector"], where, "sector"),
            joined=self._date(fixed["joined"], where),
            attrs=attrs,
        )

    def _edge(self, el: etree._Element, default_directed: bool) -> MapEdge | None:
        where = f"line {el.sourceline} <edge>"
        source, target = el.get("source"), el.get("target")
        if source is None or target is None:
            self.problems.append(Problem(where, "needs source and target"))
            return None
        attrs = self._values(el, "edge")
        fixed = {f: attrs.pop(f, None) for f in _EDGE_FIELDS}
        flag = el.get("directed")
        is_directed = default_directed if flag is None else flag == "true"
        direction = fixed["direction"] or ("directed" if is_directed else "undirected")
        if not is_choice(direction, DIRECTIONS):
            self.problems.append(
                Problem(where, f"direction {direction!r} is not one of {DIRECTIONS}")
            )
            direction = DIRECTIONS[1]  # undirected
        weight = fixed["weight"] if fixed["weight"] is not None else 1.0
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            self.problems.append(Problem(where, "weight must be a number"))
            weight = 1.0
        return MapEdge(
            source=source,
            target=target,
            type=self._text(fixed["type"], where, "type") or "tie",
            weight=float(weight),
            start=self._date(fixed["start"], where),
            end=self._date(fixed["end"], where),
            direction=direction,
            key=el.get("id"),
            attrs=attrs,
        )
