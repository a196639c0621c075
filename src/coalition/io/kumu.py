"""Kumu JSON blueprints ↔ :class:`~.graph_model.MapGraph`.

A blueprint (docs.kumu.io, "JSON / Blueprints") is ``{"elements": [...], "connections":
[...]}``. Mapping:

* element: ``id`` = key, ``label``, ``type`` = kind, ``sector``, ``joined`` (ISO date) and
  every free attribute as its own field, with its JSON type (a list of strings is a JSON
  array, like Kumu's ``tags``);
* connection: ``id`` = edge key (when there is one), ``from``/``to`` = element ids,
  ``type``, ``direction`` (directed, undirected or mutual), ``strength`` = weight,
  ``start``/``end`` (ISO dates) and free attributes.

Kumu wants ids unique across elements *and* connections, so the writer rejects an edge key
equal to a node key. The reader follows Kumu's defaults: an element without ``id`` is
known by its label, a connection without ``direction`` is directed, without ``strength``
has weight 1 and without ``type`` is typed ``tie``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from coalition.choices import is_choice
from coalition.io.graph_model import (
    DIRECTIONS,
    AttrValue,
    MapEdge,
    MapGraph,
    MapNode,
    Problem,
    check,
    validate_graph,
)
from coalition.io.safe_input import load_json

__all__ = ["read_kumu", "write_kumu"]

_FORMAT = "Kumu JSON"
_ELEMENT_FIELDS = ("id", "label", "type", "sector", "joined")
_CONNECTION_FIELDS = ("id", "from", "to", "type", "direction", "strength", "start", "end")


def _json_value(value: AttrValue) -> Any:
    return list(value) if isinstance(value, tuple) else value


def write_kumu(graph: MapGraph) -> bytes:
    """The graph as a Kumu blueprint (UTF-8 JSON bytes); raises FormatError if invalid."""
    problems = validate_graph(graph)
    node_keys = {n.key for n in graph.nodes}
    for i, edge in enumerate(graph.edges):
        if edge.key is not None and edge.key in node_keys:
            problems.append(
                Problem(
                    f"edge {i + 1}", f"key {edge.key!r} is also a node key (Kumu ids are shared)"
                )
            )
    check(_FORMAT, problems)
    elements = []
    for node in graph.nodes:
        el: dict[str, Any] = {"id": node.key, "label": node.label}
        if node.kind is not None:
            el["type"] = node.kind
        if node.sector is not None:
            el["sector"] = node.sector
        if node.joined is not None:
            el["joined"] = node.joined.isoformat()
        el.update((k, _json_value(node.attrs[k])) for k in sorted(node.attrs))
        elements.append(el)
    connections = []
    for edge in graph.edges:
        c: dict[str, Any] = {} if edge.key is None else {"id": edge.key}
        c.update(
            {
                "from": edge.source,
                "to": edge.target,
                "type": edge.type,
                "direction": edge.direction,
                "strength": float(edge.weight),
            }
        )
        if edge.start is not None:
            c["start"] = edge.start.isoformat()
        if edge.end is not None:
            c["end"] = edge.end.isoformat()
        c.update((k, _json_value(edge.attrs[k])) for k in sorted(edge.attrs))
        connections.append(c)
    doc = {"elements": elements, "connections": connections}
    return json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False).encode("utf-8")


def _attr(value: Any) -> AttrValue | None:
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return tuple(value)
    return None


def read_kumu(data: bytes) -> MapGraph:
    """Parse a Kumu blueprint (after :func:`~.safe_input.load_json`'s checks: UTF-8, sizes,
    nesting, finite numbers, no repeated key); raise FormatError listing every problem."""
    doc = load_json(data, _FORMAT)
    if not isinstance(doc, dict) or not isinstance(doc.get("elements", []), list):
        check(_FORMAT, [Problem("document", "expected an object with an 'elements' list")])
    if not isinstance(doc.get("connections", []), list):
        check(_FORMAT, [Problem("document", "'connections' must be a list")])
    reader = _KumuReader()
    nodes = [reader.element(i, item) for i, item in enumerate(doc.get("elements", []))]
    edges = [reader.connection(i, item) for i, item in enumerate(doc.get("connections", []))]
    graph = MapGraph(
        nodes=tuple(n for n in nodes if n is not None),
        edges=tuple(e for e in edges if e is not None),
    )
    check(_FORMAT, reader.problems + validate_graph(graph))
    return graph


def _get(item: dict[str, Any], name: str) -> Any:
    """Kumu's field names are case-insensitive ("Label" = "label")."""
    for k, v in item.items():
        if k.lower() == name:
            return v
    return None


class _KumuReader:
    """Kumu elements and connections read one by one, collecting every problem on the way."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def _text(self, item: dict[str, Any], name: str, where: str) -> str | None:
        value = _get(item, name)
        if value is None or isinstance(value, str):
            return value
        self.problems.append(Problem(where, f"{name!r} must be text"))
        return None

    def _date(self, item: dict[str, Any], name: str, where: str) -> dt.date | None:
        value = self._text(item, name, where)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.problems.append(Problem(where, f"{name} {value!r} is not an ISO date"))
            return None

    def _attrs(
        self, item: dict[str, Any], fixed: tuple[str, ...], where: str
    ) -> dict[str, AttrValue]:
        out: dict[str, AttrValue] = {}
        for name, value in item.items():
            if name.lower() in fixed or value is None:
                continue
            parsed = _attr(value)
            if parsed is None:
                self.problems.append(
                    Problem(f"{where} field {name!r}", "not text, number, boolean or list of text")
                )
            else:
                out[name] = parsed
        return out

    def element(self, i: int, item: Any) -> MapNode | None:
        where = f"elements[{i}]"
        if not isinstance(item, dict):
            self.problems.append(Problem(where, "not an object"))
            return None
        label = self._text(item, "label", where)
        key = self._text(item, "id", where) or label
        if key is None or label is None:
            self.problems.append(Problem(where, "needs a label"))
            return None
        return MapNode(
            key=key,
            label=label,
            kind=self._text(item, "type", where),
            sector=self._text(item, "sector", where),
            joined=self._date(item, "joined", where),
            attrs=self._attrs(item, _ELEMENT_FIELDS, where),
        )

    def connection(self, i: int, item: Any) -> MapEdge | None:
        where = f"connections[{i}]"
        if not isinstance(item, dict):
            self.problems.append(Problem(where, "not an object"))
            return None
        source, target = self._text(item, "from", where), self._text(item, "to", where)
        if source is None or target is None:
            self.problems.append(Problem(where, "needs 'from' and 'to'"))
            return None
        direction = self._text(item, "direction", where) or "directed"
        if not is_choice(direction, DIRECTIONS):
            self.problems.append(
                Problem(where, f"direction {direction!r} is not one of {DIRECTIONS}")
            )
            direction = DIRECTIONS[0]  # directed
        strength = _get(item, "strength")
        strength = 1.0 if strength is None else strength
        if isinstance(strength, bool) or not isinstance(strength, int | float):
            self.problems.append(Problem(where, "strength must be a number"))
            strength = 1.0
        return MapEdge(
            source=source,
            target=target,
            type=self._text(item, "type", where) or "tie",
            weight=float(strength),
            start=self._date(item, "start", where),
            end=self._date(item, "end", where),
            direction=direction,
            key=self._text(item, "id", where),
            attrs=self._attrs(item, _CONNECTION_FIELDS, where),
        )
