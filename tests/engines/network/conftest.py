"""Shared pieces of the network-engine tests: random graphs and their NetworkX twins."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pytest
from hypothesis import strategies as st

from coalition.engines.network import Actors, NetworkGraph, Ties, build_graph

SECTORS = ("business", "government", "civil_society", "health")


@dataclass(frozen=True)
class Case:
    """A random small network: actors, ties, and whether ties are arcs."""

    actors: Actors
    ties: Ties
    directed: bool

    def graph(self) -> NetworkGraph:
        return build_graph(self.actors, self.ties, directed=self.directed)


@st.composite
def cases(
    draw: st.DrawFn,
    *,
    max_n: int = 22,
    unknown_sectors: bool = True,
    continuous_weights: bool = True,
    directed: bool | None = None,
) -> Case:
    """Random networks with 1..max_n actors, repeated ties, self-loops and isolates.

    Continuous weights make equal-length weighted paths (where NetworkX's exact float
    comparison and igraph's tolerance could disagree) a probability-zero event.
    """
    n = draw(st.integers(1, max_n))
    m = draw(st.integers(0, 3 * n))
    src = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    dst = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    if continuous_weights:
        weights = draw(st.lists(st.floats(0.25, 8.0, allow_nan=False), min_size=m, max_size=m))
    else:
        weights = [1.0] * m
    labels = SECTORS + (("",) if unknown_sectors else ())
    sectors = draw(st.lists(st.sampled_from(labels), min_size=n, max_size=n))
    is_directed = draw(st.booleans()) if directed is None else directed
    actors = Actors.create([f"a{i}" for i in range(n)], sector=sectors)
    ties = Ties.create(src, dst, type="collaborated", weight=weights)
    return Case(actors, ties, is_directed)


def to_networkx(graph: NetworkGraph) -> nx.Graph:
    """The merged graph as a NetworkX (Di)Graph; nodes 0..n-1 with ``sector``; edges with
    ``weight`` (strength) and ``distance`` (1/strength)."""
    g: nx.Graph = nx.DiGraph() if graph.directed else nx.Graph()
    for i, sector in enumerate(graph.sector.tolist()):
        g.add_node(i, sector=sector)
    for s, d, w in zip(graph.src.tolist(), graph.dst.tolist(), graph.weight.tolist(), strict=True):
        g.add_edge(s, d, weight=w, distance=1.0 / w)
    return g


def as_array(values: dict[int, float], n: int) -> np.ndarray:
    return np.array([values[i] for i in range(n)], dtype=float)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)
