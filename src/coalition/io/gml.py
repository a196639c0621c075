"""GML (Graph Modelling Language) read by a small strict parser, never by igraph's.

GML (Himsolt, "GML: A portable Graph File Format", Universität Passau, 1997) is a list of
``key value`` pairs; a value is an integer, a real, a string in double quotes or a list in
square brackets. A graph is ``graph [ directed 0|1 node [ id … ] … edge [ source … target
… ] … ]``. igraph's own reader aborts the whole process on some malformed files (a Latin-1
byte trips an assertion in its C core) and takes minutes on a 20 MB label, so the expert
network import reads GML here instead: after :func:`~.safe_input.decode_utf8`, in one
linear pass, with every problem reported by line.

What is read, as igraph reads it: node and edge keys with a number or string value (lists
under a node or edge, such as ``graphics``, are skipped); strings may hold the entities
``&amp;``, ``&lt;``, ``&gt;``, ``&quot;`` and ``&apos;``, which are decoded (others are kept
as written). Refused: a non-finite real (``1e999``), a key without a value, unbalanced
brackets, lists nested more than :data:`~.safe_input.MAX_DEPTH` deep, a string over
:data:`~.safe_input.MAX_FIELD_CHARS` characters, a node without an integer ``id`` or with
one used before, an edge whose ``source`` or ``target`` is not a node's id, and a key
given twice in one node or edge.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from coalition.io import safe_input
from coalition.io.graph_model import Problem, check

__all__ = ["GmlGraph", "GmlItem", "GmlValue", "read_gml"]

GmlValue = int | float | str
_FORMAT = "GML"

_TOKEN = re.compile(
    r"""(?P<space>[ \t\r\n]+)
      | (?P<comment>\#[^\n]*)
      | (?P<key>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<real>[+-]?(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?\d+[eE][+-]?\d+)
      | (?P<int>[+-]?\d+)
      | (?P<string>"[^"]*")
      | (?P<open>\[)
      | (?P<close>\])
      | (?P<bad>.)""",
    re.VERBOSE | re.DOTALL,
)
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}
_ENTITY = re.compile("|".join(_ENTITIES))


@dataclass(frozen=True)
class GmlItem:
    """A node or an edge: the line it starts on and its number and string keys."""

    line: int
    attrs: Mapping[str, GmlValue]


@dataclass(frozen=True)
class GmlGraph:
    """A GML graph: nodes in file order (each with an integer ``id``) and edges (each with
    the ``source`` and ``target`` of nodes of the file)."""

    directed: bool
    nodes: tuple[GmlItem, ...]
    edges: tuple[GmlItem, ...]


@dataclass
class _List:
    line: int
    key: str
    pairs: list[tuple[str, GmlValue | _List, int]]


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, line) for every token but spaces and comments."""
    out: list[tuple[str, str, int]] = []
    line = 1
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or ""
        token = m.group()
        if kind == "bad":
            if token == '"':
                safe_input.refuse(_FORMAT, f"line {line}", "a string is not closed")
            safe_input.refuse(_FORMAT, f"line {line}", f"unexpected character {token!r}")
        if kind == "space" or kind == "comment":
            line += token.count("\n")
            continue
        out.append((kind, token, line))
        if kind == "string":
            line += token.count("\n")
    return out


def _value(kind: str, token: str, line: int) -> GmlValue:
    if kind == "int":
        return int(token)
    if kind == "real":
        value = float(token)
        if not math.isfinite(value):
            safe_input.refuse(_FORMAT, f"line {line}", f"{token} is not a finite number")
        return value
    safe_input.check_field(token, _FORMAT, f"line {line}")
    return _ENTITY.sub(lambda m: _ENTITIES[m.group()], token[1:-1])


def _tree(tokens: list[tuple[str, str, int]]) -> _List:
    """The nested key/value lists, without recursion (depth is bounded)."""
    stack = [_List(1, "", [])]
    i = 0
    while i < len(tokens):
        kind, token, line = tokens[i]
        if kind == "close":
            if len(stack) == 1:
                safe_input.refuse(_FORMAT, f"line {line}", "']' closes no list")
            done = stack.pop()
            stack[-1].pairs.append((done.key, done, done.line))
            i += 1
            continue
        if kind != "key":
            safe_input.refuse(_FORMAT, f"line {line}", f"expected a key, found {token[:40]!r}")
        if i + 1 >= len(tokens):
            safe_input.refuse(_FORMAT, f"line {line}", f"the key {token!r} has no value")
        vkind, vtoken, vline = tokens[i + 1]
        if vkind == "open":
            if len(stack) > safe_input.MAX_DEPTH:
                safe_input.refuse(
                    _FORMAT, f"line {vline}", f"lists nested more than {safe_input.MAX_DEPTH} deep"
                )
            stack.append(_List(line, token, []))
        elif vkind in ("int", "real", "string"):
            stack[-1].pairs.append((token, _value(vkind, vtoken, vline), line))
        else:
            safe_input.refuse(
                _FORMAT, f"line {vline}", f"the key {token!r} has no value ({vtoken[:40]!r})"
            )
        i += 2
    if len(stack) > 1:
        safe_input.refuse(_FORMAT, f"line {stack[-1].line}", f"'{stack[-1].key} [' is not closed")
    return stack[0]


def _item(lst: _List, problems: list[Problem]) -> GmlItem:
    attrs: dict[str, GmlValue] = {}
    for key, value, line in lst.pairs:
        if isinstance(value, _List):
            continue  # graphics and other nested lists: not modelled, as in igraph
        if key in attrs:
            problems.append(Problem(f"line {line} {lst.key}", f"{key!r} is given twice"))
        attrs[key] = value
    return GmlItem(lst.line, attrs)


def read_gml(data: bytes) -> GmlGraph:
    """Parse a GML file; raise FormatError naming the line of every problem."""
    root = _tree(_tokens(safe_input.decode_utf8(data, _FORMAT)))
    graphs = [v for k, v, _ in root.pairs if k == "graph" and isinstance(v, _List)]
    if len(graphs) != 1:
        safe_input.refuse(_FORMAT, "file", f"{len(graphs)} 'graph [ … ]' lists; one expected")
    g = graphs[0]
    problems: list[Problem] = []
    directed = _item(g, problems).attrs.get("directed", 0)
    if directed not in (0, 1):
        problems.append(Problem(f"line {g.line} graph", "directed must be 0 or 1"))
    nodes: list[GmlItem] = []
    ids: dict[int, int] = {}
    for key, value, line in g.pairs:
        if key != "node" or not isinstance(value, _List):
            continue
        node = _item(value, problems)
        nid = node.attrs.get("id")
        if not isinstance(nid, int):
            problems.append(Problem(f"line {line} node", "needs an integer id"))
        elif nid in ids:
            problems.append(Problem(f"line {line} node", f"id {nid} is used by line {ids[nid]}"))
        else:
            ids[nid] = line
            nodes.append(node)
    edges: list[GmlItem] = []
    for key, value, line in g.pairs:
        if key != "edge" or not isinstance(value, _List):
            continue
        edge = _item(value, problems)
        for end in ("source", "target"):
            ref = edge.attrs.get(end)
            if not isinstance(ref, int) or ref not in ids:
                problems.append(Problem(f"line {line} edge", f"{end} {ref!r} is no node's id"))
                break
        else:
            edges.append(edge)
    check(_FORMAT, problems)
    return GmlGraph(directed=directed == 1, nodes=tuple(nodes), edges=tuple(edges))
