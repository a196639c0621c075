"""The plain graph model every map exchange format maps to and from.

GEXF (:mod:`.gexf`), GraphML (:mod:`.graphml`), Kumu JSON (:mod:`.kumu`) and the Kumu
spreadsheet layout as CSV or XLSX (:mod:`.csv_xlsx`) each have one mapping between their
files and :class:`MapGraph`; services convert between :class:`MapGraph` and the database.

What is modelled (and so survives export → import → export in every format):

* :class:`MapNode` — ``key`` (unique id), ``label``, ``kind``, ``sector``, ``joined`` date
  and free ``attrs``;
* :class:`MapEdge` — ``source``/``target`` keys, ``type``, ``weight`` (strength > 0),
  ``start``/``end`` dates, ``direction`` (``directed``, ``undirected`` or ``mutual``, as in
  Kumu and GEXF), an optional ``key`` and free ``attrs``;
* attribute values: ``str``, ``int`` (64-bit), ``float`` (finite), ``bool`` and lists of
  strings (``tuple[str, ...]``); one attribute name has one value type across all nodes
  (resp. edges), as typed formats declare it once.

Rules that keep every format lossless (checked by :func:`validate_graph`): strings are
non-empty XML 1.0 text without carriage returns (an absent value is the empty string's
only spelling); keys and list items contain no ``|`` (the Kumu separator) and list items
no surrounding spaces; attribute names avoid the names the formats use for the modelled
fields (:data:`RESERVED`, compared case-insensitively).

Readers never return part of a file: they collect every problem (where + why) and raise
one :class:`FormatError`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from coalition.errors import Invalid

__all__ = [
    "DIRECTIONS",
    "RESERVED",
    "AttrType",
    "AttrValue",
    "Direction",
    "FormatError",
    "MapEdge",
    "MapGraph",
    "MapNode",
    "Problem",
    "attr_type",
    "attribute_types",
    "check",
    "format_scalar",
    "parse_scalar",
    "validate_graph",
]

AttrValue = str | int | float | bool | tuple[str, ...]
AttrType = Literal["string", "integer", "double", "boolean", "list"]
Direction = Literal["directed", "undirected", "mutual"]
DIRECTIONS: tuple[Direction, ...] = ("directed", "undirected", "mutual")

RESERVED = frozenset(
    {
        "id",
        "key",
        "label",
        "type",
        "kind",
        "sector",
        "joined",
        "from",
        "to",
        "source",
        "target",
        "weight",
        "strength",
        "start",
        "end",
        "start date",
        "end date",
        "direction",
    }
)
"""Names of modelled fields in some format: not available as free attribute names."""

INT_MIN, INT_MAX = -(2**63), 2**63 - 1
MAX_PROBLEMS = 200

# XML 1.0 Char minus CR (line ends are "\n"), and no lone surrogates
_BAD_CHARS = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class MapNode:
    """An actor on the map."""

    key: str
    label: str
    kind: str | None = None
    sector: str | None = None
    joined: dt.date | None = None
    attrs: Mapping[str, AttrValue] = field(default_factory=dict)


@dataclass(frozen=True)
class MapEdge:
    """A dated, typed, weighted tie between two nodes (by key)."""

    source: str
    target: str
    type: str
    weight: float = 1.0
    start: dt.date | None = None
    end: dt.date | None = None
    direction: Direction = "undirected"
    key: str | None = None
    attrs: Mapping[str, AttrValue] = field(default_factory=dict)


@dataclass(frozen=True)
class MapGraph:
    """Nodes and edges, in file order."""

    nodes: tuple[MapNode, ...] = ()
    edges: tuple[MapEdge, ...] = ()

    @property
    def directed(self) -> bool:
        """True when every edge is directed (formats' graph-level default)."""
        return bool(self.edges) and all(e.direction == "directed" for e in self.edges)

    @property
    def mostly_directed(self) -> bool:
        """True when more than half the edges are directed: the default a file declares, its
        other edges marked one by one."""
        return sum(e.direction == "directed" for e in self.edges) * 2 > len(self.edges)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is (element, line, row, field) and why."""

    where: str
    why: str

    def __str__(self) -> str:
        return f"{self.where}: {self.why}"


class FormatError(Invalid):
    """A file (or a graph to export) that cannot be mapped; ``problems`` lists all found."""

    def __init__(self, fmt: str, problems: Sequence[Problem]) -> None:
        shown = list(problems[:MAX_PROBLEMS])
        if len(problems) > MAX_PROBLEMS:
            shown.append(Problem("…", f"and {len(problems) - MAX_PROBLEMS} more problems"))
        first = f" First: {shown[0]}" if shown else ""
        super().__init__(
            f"{fmt}: {len(problems)} problem(s).{first}",
            details=[{"where": p.where, "why": p.why} for p in shown],
        )
        self.format = fmt
        self.problems: tuple[Problem, ...] = tuple(shown)


def check(fmt: str, problems: Sequence[Problem]) -> None:
    """Raise :class:`FormatError` when there is any problem."""
    if problems:
        raise FormatError(fmt, problems)


def attr_type(value: object) -> AttrType | None:
    """The model type of an attribute value, or None when it is not one we model."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, tuple):
        return "list"
    return None


def attribute_types(items: Iterable[MapNode | MapEdge]) -> dict[str, AttrType]:
    """Attribute name → type over nodes or edges, names sorted (first type seen wins)."""
    found: dict[str, AttrType] = {}
    for item in items:
        for name, value in item.attrs.items():
            t = attr_type(value)
            if t is not None and name not in found:
                found[name] = t
    return dict(sorted(found.items()))


def format_scalar(value: str | int | float | bool) -> str:
    """Text of a non-list value as the XML formats write it (``true``, shortest float)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def parse_scalar(text: str, t: AttrType) -> AttrValue:
    """Inverse of :func:`format_scalar` for a declared type (not ``list``); ValueError if
    the text is not one (booleans also read ``1``/``0``; numbers must be finite)."""
    if t == "integer":
        return int(text.strip())
    if t == "double":
        value = float(text.strip())
        if not math.isfinite(value):
            raise ValueError("not a finite number")
        return value
    if t == "boolean":
        low = text.strip().lower()
        if low not in ("true", "false", "1", "0"):
            raise ValueError("not a boolean")
        return low in ("true", "1")
    return text


def _text_problem(value: object, *, what: str) -> str | None:
    if not isinstance(value, str):
        return f"{what} must be text, not {type(value).__name__}"
    if value == "":
        return f"{what} is empty"
    bad = _BAD_CHARS.search(value)
    if bad:
        return f"{what} contains the character U+{ord(bad.group()):04X}, which XML cannot hold"
    return None


def _value_problem(value: object) -> str | None:
    t = attr_type(value)
    if t is None:
        return f"values of type {type(value).__name__} are not modelled"
    if t == "string":
        return _text_problem(value, what="text")
    if t == "integer" and isinstance(value, int) and not INT_MIN <= value <= INT_MAX:
        return "integer outside the 64-bit range"
    if isinstance(value, float) and not math.isfinite(value):
        return "number is not finite"
    if isinstance(value, tuple):
        if not value:
            return "empty list (leave the attribute out instead)"
        for item in value:
            why = _text_problem(item, what="list item")
            if why:
                return why
            if "|" in item or item != item.strip():
                return f"list item {item!r} has '|' or surrounding spaces"
    return None


def _attrs_problems(
    attrs: Mapping[str, AttrValue], where: str, types: dict[str, AttrType], problems: list[Problem]
) -> None:
    for name, value in attrs.items():
        why = _text_problem(name, what="attribute name")
        if why is None and name != name.strip():
            why = "attribute name has surrounding spaces"
        if why is None and name.lower() in RESERVED:
            why = f"attribute name {name!r} is reserved for a modelled field"
        if why is None:
            why = _value_problem(value)
        if why is None:
            t = attr_type(value)
            assert t is not None
            if types.setdefault(name, t) != t:
                why = f"attribute {name!r} is {t} here but {types[name]} elsewhere"
        if why:
            problems.append(Problem(f"{where} attribute {name!r}", why))


def validate_graph(graph: MapGraph) -> list[Problem]:
    """Every rule of the model broken by ``graph`` (empty list when it can be exported)."""
    problems: list[Problem] = []
    keys: set[str] = set()
    node_types: dict[str, AttrType] = {}
    for i, node in enumerate(graph.nodes):
        where = f"node {i + 1} ({node.key!r})"
        problems.extend(_node_problems(node, where, keys))
        keys.add(node.key)
        _attrs_problems(node.attrs, where, node_types, problems)
    edge_keys: set[str] = set()
    edge_types: dict[str, AttrType] = {}
    for i, edge in enumerate(graph.edges):
        where = f"edge {i + 1} ({edge.source!r} → {edge.target!r})"
        problems.extend(_edge_problems(edge, where, keys, edge_keys))
        if edge.key is not None:
            edge_keys.add(edge.key)
        _attrs_problems(edge.attrs, where, edge_types, problems)
    return problems


def _node_problems(node: MapNode, where: str, keys: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    why = _text_problem(node.key, what="key")
    if why is None and ("|" in node.key or node.key != node.key.strip()):
        why = "key has '|' or surrounding spaces"
    if why is None and node.key in keys:
        why = "key used by an earlier node"
    if why:
        problems.append(Problem(where, why))
    for name in ("label", "kind", "sector"):
        value = getattr(node, name)
        if value is not None or name == "label":
            why = _text_problem(value, what=name)
            if why:
                problems.append(Problem(where, why))
    if node.joined is not None and not isinstance(node.joined, dt.date):
        problems.append(Problem(where, "joined must be a date"))
    return problems


def _edge_problems(edge: MapEdge, where: str, keys: set[str], edge_keys: set[str]) -> list[Problem]:
    problems = [
        Problem(where, f"no node has key {end!r}")
        for end in (edge.source, edge.target)
        if end not in keys
    ]
    why = _text_problem(edge.type, what="type")
    if why:
        problems.append(Problem(where, why))
    w = edge.weight
    if isinstance(w, bool) or not isinstance(w, float | int) or not math.isfinite(w) or w <= 0:
        problems.append(Problem(where, f"weight {w!r} is not a finite number > 0"))
    for name in ("start", "end"):
        value = getattr(edge, name)
        if value is not None and not isinstance(value, dt.date):
            problems.append(Problem(where, f"{name} must be a date"))
    if edge.start and edge.end and edge.start > edge.end:
        problems.append(Problem(where, "ends before it starts"))
    if edge.direction not in DIRECTIONS:
        problems.append(Problem(where, f"direction {edge.direction!r} is not one of {DIRECTIONS}"))
    if edge.key is not None:
        why = _text_problem(edge.key, what="key")
        if why is None and edge.key in edge_keys:
            why = "key used by an earlier edge"
        if why:
            problems.append(Problem(where, why))
    return problems
