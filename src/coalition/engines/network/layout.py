"""Positions for drawing the map: a force-directed layout computed once, on the server.

The map page draws with sigma.js; laying out tens of thousands of actors in the browser would
delay the first draw, so the service computes positions here and caches them with the data
version. The layout is Fruchterman–Reingold (Fruchterman & Reingold 1991, "Graph drawing by
force-directed placement", Software: Practice and Experience 21(11)) as implemented by
python-igraph, with its grid approximation of the repulsive forces above 1,000 vertices so the
cost stays near-linear. Isolated actors are placed on a ring around the drawing instead of
being scattered through it.
"""

from __future__ import annotations

import random

import igraph as ig
import numpy as np

from coalition.engines.network.graph import NetworkGraph

from ..arrays import FloatArray

__all__ = ["layout"]


def _iterations(n: int) -> int:
    if n <= 2_000:
        return 500
    if n <= 50_000:
        return 300
    return 100


def layout(graph: NetworkGraph, *, seed: int = 0, iterations: int | None = None) -> FloatArray:
    """Two-dimensional positions for the actors of ``graph``, in its local order.

    Input: a :class:`~.graph.NetworkGraph` (its undirected reading is laid out, with the
    merged tie strengths as attraction weights). Output: an ``(n, 2)`` array of finite
    coordinates scaled so the drawing spans ``[-1, 1]`` on its longer side, centred on the
    origin. Deterministic for a given graph and ``seed`` (igraph's random start is drawn from
    ``random.Random(seed)``, set as its generator for the call only).
    Method: Fruchterman–Reingold (1991) via ``igraph.Graph.layout_fruchterman_reingold``
    (grid approximation from 1,000 actors); isolates go on an outer ring.

    Examples
    --------
    >>> from coalition.engines.network import Actors, Ties, build_graph
    >>> actors = Actors.create("abcde", sector=["health", "health", "funder", "funder", "health"])
    >>> graph = build_graph(actors, Ties.create([0, 0, 1, 2, 3], [1, 2, 2, 3, 4]))
    >>> layout(graph).shape
    (5, 2)
    """
    n = graph.n
    if n == 0:
        return np.zeros((0, 2))
    pairs = graph.pairs
    degree = np.bincount(np.concatenate([pairs.u, pairs.v]), minlength=n)
    linked = np.flatnonzero(degree > 0)
    isolated = np.flatnonzero(degree == 0)
    pos = np.zeros((n, 2))
    if len(linked):
        local = np.full(n, -1, dtype=np.int64)
        local[linked] = np.arange(len(linked))
        sub = ig.Graph(
            n=len(linked), edges=np.column_stack([local[pairs.u], local[pairs.v]]).tolist()
        )
        ig.set_random_number_generator(random.Random(seed))
        try:
            coords = sub.layout_fruchterman_reingold(
                weights=pairs.weight.tolist(),
                niter=iterations or _iterations(len(linked)),
                grid="auto",
            ).coords
        finally:
            ig.set_random_number_generator(random)  # igraph's default generator
        pos[linked] = np.asarray(coords, dtype=np.float64)
        pos[linked] -= pos[linked].mean(axis=0)
        span = float(np.abs(pos[linked]).max())
        if span > 0:
            pos[linked] /= span
    if len(isolated):
        angle = 2 * np.pi * np.arange(len(isolated)) / len(isolated)
        radius = 1.15 if len(linked) else 1.0
        pos[isolated, 0] = radius * np.cos(angle)
        pos[isolated, 1] = radius * np.sin(angle)
        pos /= max(float(np.abs(pos).max()), 1e-12)
    return pos
