"""Export → import → export is lossless in every map format (property tests).

Also home of the :class:`MapGraph` strategy the other format tests use.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import replace

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coalition.io.csv_xlsx import (
    read_csv,
    read_csv_zip,
    read_xlsx,
    write_csv,
    write_csv_zip,
    write_xlsx,
)
from coalition.io.gexf import read_gexf, write_gexf
from coalition.io.graph_model import (
    DIRECTIONS,
    RESERVED,
    MapEdge,
    MapGraph,
    MapNode,
    validate_graph,
)
from coalition.io.graphml import read_graphml, write_graphml
from coalition.io.kumu import read_kumu, write_kumu

# XML 1.0 text without CR: no C0 controls except tab and newline, no surrogates/non-chars
_CHARS = st.characters(
    codec="utf-8",
    exclude_categories=("Cs",),
    exclude_characters="".join(chr(c) for c in range(32) if c not in (9, 10)) + "\ufffe\uffff",
)
TEXT = st.text(_CHARS, min_size=1, max_size=8)
TOKEN = TEXT.filter(lambda s: "|" not in s and s == s.strip() and s != "")
NAME = TOKEN.filter(lambda s: s.lower() not in RESERVED)
DATE = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
VALUES = {
    "string": TEXT,
    "integer": st.integers(-(2**63), 2**63 - 1),
    "double": st.floats(allow_nan=False, allow_infinity=False),
    "boolean": st.booleans(),
    "list": st.lists(TOKEN, min_size=1, max_size=3).map(tuple),
}


@st.composite
def _attrs(draw: st.DrawFn, schema: dict[str, str]) -> dict[str, object]:
    names = draw(st.lists(st.sampled_from(sorted(schema)), unique=True)) if schema else []
    return {name: draw(VALUES[schema[name]]) for name in names}


@st.composite
def map_graphs(draw: st.DrawFn, *, max_nodes: int = 6) -> MapGraph:
    """Valid graphs using every modelled field and every attribute type."""
    keys = draw(st.lists(TOKEN, min_size=0, max_size=max_nodes, unique=True))
    node_schema = draw(st.dictionaries(NAME, st.sampled_from(sorted(VALUES)), max_size=4))
    edge_schema = draw(st.dictionaries(NAME, st.sampled_from(sorted(VALUES)), max_size=3))
    nodes = tuple(
        MapNode(
            key=k,
            label=draw(TEXT),
            kind=draw(st.none() | TEXT),
            sector=draw(st.none() | TEXT),
            joined=draw(st.none() | DATE),
            attrs=draw(_attrs(node_schema)),
        )
        for k in keys
    )
    edges = []
    edge_keys = draw(st.lists(TOKEN.filter(lambda s: s not in keys), unique=True, max_size=8))
    for i in range(draw(st.integers(0, 8)) if keys else 0):
        d1, d2 = draw(st.none() | DATE), draw(st.none() | DATE)
        if d1 and d2 and d1 > d2:
            d1, d2 = d2, d1
        edges.append(
            MapEdge(
                source=draw(st.sampled_from(keys)),
                target=draw(st.sampled_from(keys)),
                type=draw(TEXT),
                weight=draw(st.floats(min_value=1e-9, max_value=1e12)),
                start=d1,
                end=d2,
                direction=draw(st.sampled_from(DIRECTIONS)),
                key=edge_keys[i] if i < len(edge_keys) and draw(st.booleans()) else None,
                attrs=draw(_attrs(edge_schema)),
            )
        )
    graph = MapGraph(nodes=nodes, edges=tuple(edges))
    assert validate_graph(graph) == []
    return graph


def typed(graph: MapGraph) -> str:
    """A text that differs where ``==`` does not: value types, the sign of zero."""
    items = [*graph.nodes, *graph.edges]
    return repr([(replace(item, attrs={}), sorted(item.attrs.items())) for item in items])


def _csv_files(graph: MapGraph) -> bytes:
    files = write_csv(graph)
    return b"\0".join(files[n] for n in ("elements.csv", "connections.csv", "fields.csv"))


def _read_csv_files(data: bytes) -> MapGraph:
    return read_csv(*data.split(b"\0"))


FORMATS: dict[str, tuple[Callable[[MapGraph], bytes], Callable[[bytes], MapGraph]]] = {
    "gexf": (write_gexf, read_gexf),
    "graphml": (write_graphml, read_graphml),
    "kumu": (write_kumu, read_kumu),
    "csv": (_csv_files, _read_csv_files),
    "csv_zip": (write_csv_zip, read_csv_zip),
    "xlsx": (write_xlsx, read_xlsx),
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph=map_graphs())
def test_export_import_export_is_lossless(fmt: str, graph: MapGraph) -> None:
    write, read = FORMATS[fmt]
    first = write(graph)
    back = read(first)
    assert back == graph
    assert typed(back) == typed(graph)  # same value types too (1 vs 1.0, -0.0 vs 0.0)
    assert write(back) == first


def test_every_field_survives_every_format() -> None:
    graph = MapGraph(
        nodes=(
            MapNode(
                "p1",
                "Ada Ng",
                kind="person",
                sector="health",
                joined=dt.date(2021, 3, 4),
                attrs={
                    "tags": ("nurse", "trainer"),
                    "hours": 2**62 + 1,
                    "rate": 0.1 + 0.2,
                    "open": True,
                    "zero": -0.0,
                },
            ),
            MapNode("o1", "Clinic 1 | North", kind="organisation", attrs={"note": '=1+1 "x"\n'}),
        ),
        edges=(
            MapEdge("p1", "o1", "member_of", 1.0, dt.date(2021, 1, 1), None, "directed", "t1"),
            MapEdge(
                "o1", "p1", "funded", 2.5e-7, None, dt.date(2022, 1, 1), "mutual", None, {"eur": 5}
            ),
        ),
    )
    for write, read in FORMATS.values():
        assert typed(read(write(graph))) == typed(graph)


def _uniform(graph: MapGraph, direction: str) -> MapGraph:
    edges = tuple(
        MapEdge(e.source, e.target, e.type, e.weight, e.start, e.end, direction, e.key, e.attrs)  # type: ignore[arg-type]
        for e in graph.edges
    )
    return MapGraph(graph.nodes, edges)


@settings(max_examples=30, deadline=None)
@given(map_graphs(), st.sampled_from(["directed", "undirected"]))
def test_networkx_reads_our_graphml_and_gexf(graph: MapGraph, direction: str) -> None:
    """Other tools read the files: NetworkX as a stand-in (it cannot hold mixed graphs)."""
    graph = _uniform(graph, direction)
    for reader, data in (
        (nx.read_graphml, write_graphml(graph)),
        (nx.read_gexf, write_gexf(graph)),
    ):
        g = reader(io.BytesIO(data))
        assert set(map(str, g.nodes)) == {n.key for n in graph.nodes}
        pairs = {(e.source, e.target) for e in graph.edges}
        if direction == "undirected":
            pairs |= {(t, s) for s, t in pairs}
        assert {(str(a), str(b)) for a, b in g.edges()} <= pairs
        assert g.number_of_edges() <= len(graph.edges)
