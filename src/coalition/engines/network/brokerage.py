"""Gould–Fernandez brokerage roles, with sector as the group.

A broker ``b`` mediates the two-step path ``a → b → c`` when ``a ≠ c`` and there is no
direct tie ``a → c`` (Gould & Fernandez 1989, as in ``sna::brokerage`` in R). With ``g(x)``
the sector of ``x``, each such path gives ``b`` exactly one role:

============== ======================== ==============================================
role           groups                   the broker …
============== ======================== ==============================================
coordinator    g(a) = g(b) = g(c)       mediates inside its own sector
consultant     g(a) = g(c) ≠ g(b)       serves another sector from outside ("itinerant")
gatekeeper     g(a) ≠ g(b) = g(c)       lets an outsider into its sector
representative g(a) = g(b) ≠ g(c)       carries its sector's business to another
liaison        g(a), g(b), g(c) differ  links two sectors, belonging to neither
============== ======================== ==============================================

Reading of the ties. In a directed graph the arcs are used as recorded. An undirected tie
is read as *both* directions, so every open triad ``a – b – c`` (``a``, ``c`` not tied)
is two paths, ``a → b → c`` and ``c → b → a``: all counts are twice the number of open
triads, and a broker's gatekeeper and representative counts are equal (each mixed triad
is one of each). Paths through an actor of unknown sector are not counted; a broker of
unknown sector gets NaN.

Counting is vectorised: per broker, sector histograms of in- and out-neighbours give all
``(a, c)`` pairs by sector combination; pairs with ``a = c`` (reciprocal ties) and closed
paths (found from the triangle list) are then subtracted.

References
----------
.. [1] R. V. Gould and R. M. Fernandez, "Structures of mediation: A formal approach to
   brokerage in transaction networks", Sociological Methodology 19, 1989.
.. [2] C. T. Butts, ``sna`` R package, ``brokerage()``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coalition.engines.network.graph import NetworkGraph
from coalition.engines.network.metrics import _EDGE, _ORDERED, Triangles, triangles

from ..arrays import BoolArray, FloatArray, IntArray, StrArray

__all__ = ["ROLES", "Brokerage", "brokerage_roles"]


ROLES = ("coordinator", "gatekeeper", "representative", "consultant", "liaison")


@dataclass(frozen=True)
class Brokerage:
    """Counts of brokered two-step paths per actor and role (NaN: broker's sector unknown)."""

    coordinator: FloatArray
    gatekeeper: FloatArray
    representative: FloatArray
    consultant: FloatArray
    liaison: FloatArray

    @property
    def total(self) -> FloatArray:
        return (
            self.coordinator
            + self.gatekeeper
            + self.representative
            + self.consultant
            + self.liaison
        )


def _role_codes(ga: IntArray, gb: IntArray, gc: IntArray) -> IntArray:
    """Index into :data:`ROLES` of the path ``a → b → c`` by the three groups."""
    role = np.full(len(ga), 4, dtype=np.int64)  # liaison
    role[(ga == gb) & (gb == gc)] = 0
    role[(ga != gb) & (gb == gc)] = 1
    role[(ga == gb) & (gb != gc)] = 2
    role[(ga == gc) & (ga != gb)] = 3
    return role


def brokerage_roles(
    graph: NetworkGraph,
    *,
    groups: StrArray | None = None,
    tri: Triangles | None = None,
) -> Brokerage:
    """Gould–Fernandez role counts of every actor (see the module notes for the reading).

    Parameters
    ----------
    graph : the analysis graph (binary: tie weights do not matter).
    groups : one group label per actor, ``""`` = unknown; default the actors' sectors.
    tri : the graph's triangle list, if already computed (:func:`.metrics.triangles`).

    Examples
    --------
    c and d pass paths between health and funders on behalf of their own sector:

    >>> from coalition.engines.network import Actors, Ties, build_graph
    >>> actors = Actors.create("abcde", sector=["health", "health", "funder", "funder", "health"])
    >>> graph = build_graph(actors, Ties.create([0, 0, 1, 2, 3], [1, 2, 2, 3, 4]))
    >>> roles = brokerage_roles(graph)
    >>> roles.gatekeeper.tolist(), roles.representative.tolist()
    ([0.0, 0.0, 2.0, 1.0, 0.0], [0.0, 0.0, 2.0, 1.0, 0.0])
    """
    n = graph.n
    labels = graph.sector if groups is None else np.asarray(groups, dtype=np.str_)
    known = sorted(set(labels.tolist()) - {""})
    code_of = {lab: i for i, lab in enumerate(known)}
    g = np.asarray([code_of.get(x, -1) for x in labels.tolist()], dtype=np.int64)
    if graph.directed:
        tail, head = graph.src, graph.dst
    else:
        tail = np.concatenate([graph.src, graph.dst])
        head = np.concatenate([graph.dst, graph.src])
    counts = _open_path_counts(g, tail, head, n, max(len(known), 1))
    _remove_reciprocated(counts, graph, g, tail, head)
    _remove_closed(counts, graph, g, triangles(graph) if tri is None else tri)
    counts[:, g < 0] = np.nan
    return Brokerage(*(counts[i] for i in range(5)))


def _open_path_counts(g: IntArray, tail: IntArray, head: IntArray, n: int, k: int) -> FloatArray:
    """Role counts over every two-path a → b → c, from sector histograms of in-neighbours
    (a → b) and out-neighbours (b → c); closed and reciprocated paths are removed later."""
    ok_in = g[tail] >= 0
    h_in = np.bincount(head[ok_in] * k + g[tail[ok_in]], minlength=n * k).reshape(n, k)
    ok_out = g[head] >= 0
    h_out = np.bincount(tail[ok_out] * k + g[head[ok_out]], minlength=n * k).reshape(n, k)
    h_in, h_out = h_in.astype(np.float64), h_out.astype(np.float64)
    own = np.maximum(g, 0)
    rows = np.arange(n)
    t_in, t_out = h_in.sum(axis=1), h_out.sum(axis=1)
    in_own, out_own = h_in[rows, own], h_out[rows, own]
    same = (h_in * h_out).sum(axis=1)
    counts = np.zeros((5, n))
    counts[0] = in_own * out_own
    counts[3] = same - counts[0]
    counts[1] = (t_in - in_own) * out_own
    counts[2] = in_own * (t_out - out_own)
    counts[4] = t_in * t_out - same - counts[1] - counts[2]
    return counts


def _remove_reciprocated(
    counts: FloatArray,
    graph: NetworkGraph,
    g: IntArray,
    tail: IntArray,
    head: IntArray,
) -> None:
    """a = c: reciprocated ties b ↔ x are not brokerage."""
    n_safe = max(graph.n, 1)
    if graph.directed:
        keys = graph.src * n_safe + graph.dst
        back = np.isin(graph.dst * n_safe + graph.src, keys)
        b_rec, x_rec = graph.src[back], graph.dst[back]
    else:
        b_rec, x_rec = tail, head
    ok = g[x_rec] >= 0
    b_rec, x_rec = b_rec[ok], x_rec[ok]
    role = np.where(g[x_rec] == g[b_rec], 0, 3)
    np.subtract.at(counts, (role, b_rec), 1.0)


def _remove_closed(counts: FloatArray, graph: NetworkGraph, g: IntArray, tri: Triangles) -> None:
    """Closed paths a → b → c with a → c (all inside triangles) are not brokerage."""
    p = graph.pairs
    c, e = tri.corners, tri.edges

    def arc(col: int, frm: IntArray) -> BoolArray:
        """Whether the triangle edge in column ``col`` runs from ``frm`` to the other end."""
        pair = e[:, col]
        return np.where(p.u[pair] == frm, p.forward[pair], p.backward[pair])

    for i, j, k in _ORDERED:
        a, b, z = c[:, i], c[:, j], c[:, k]
        closed = (
            (arc(_EDGE[(i, j)], a) & arc(_EDGE[(j, k)], b) & arc(_EDGE[(i, k)], a))
            & (g[a] >= 0)
            & (g[z] >= 0)
        )
        a, b, z = a[closed], b[closed], z[closed]
        np.subtract.at(counts, (_role_codes(g[a], g[b], g[z]), b), 1.0)
