"""Local and whole-network measures on a :class:`~.graph.NetworkGraph`.

Every function is vectorised (numpy / scipy.sparse / python-igraph, no Python loop over
actors or ties) and matches the NetworkX function named in its docstring — NetworkX is the
test oracle. Weights are tie *strengths*: they add up in weighted degree and PageRank and
set the proportional tie strengths of Burt's measures.

References
----------
.. [1] R. S. Burt, *Structural Holes: The Social Structure of Competition*, Harvard UP, 1992
   (constraint, effective size).
.. [2] S. P. Borgatti, "Structural holes: unpacking Burt's redundancy measures",
   Connections 20(1), 1997.
.. [3] S. Brin and L. Page, "The anatomy of a large-scale hypertextual Web search engine",
   1998 (PageRank); A. N. Langville and C. D. Meyer, *Google's PageRank and Beyond*,
   Princeton UP, 2006 (power iteration, dangling nodes).
.. [4] M. E. J. Newman, "Mixing patterns in networks", Phys. Rev. E 67, 026126 (2003)
   (mixing matrix, attribute assortativity).
.. [5] R. E. Tarjan, "A note on finding the bridges of a graph", IPL 2(6), 1974.
.. [6] T. Schank and D. Wagner, "Finding, counting and listing all triangles in large
   graphs", WEA 2005 (the degree-ordered "forward" listing used by :func:`triangles`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from coalition.engines.network.graph import NetworkGraph

from ..arrays import FloatArray, IntArray

__all__ = [
    "Components",
    "Degrees",
    "Mixing",
    "Triangles",
    "attribute_assortativity",
    "components",
    "constraint_and_effective_size",
    "cross_sector",
    "degrees",
    "density",
    "mixing_matrix",
    "pagerank",
    "sector_bridges",
    "triangles",
]


_CHUNK = 4_000_000


@dataclass(frozen=True)
class Degrees:
    """Degree (distinct neighbours; in + out when directed) and weighted degree (strength)."""

    degree: IntArray
    in_degree: IntArray
    out_degree: IntArray
    weighted: FloatArray


def degrees(graph: NetworkGraph) -> Degrees:
    """Degree and strength of every actor — NetworkX ``G.degree()`` / ``G.degree(weight=)``.

    Undirected graphs report ``in_degree = out_degree = degree``.

    Examples
    --------
    >>> from coalition.engines.network import Actors, Ties, build_graph
    >>> ties = Ties.create([0, 0, 1], [1, 2, 2], weight=[3, 1, 1])  # a triangle; d has no tie
    >>> graph = build_graph(Actors.create("abcd"), ties)
    >>> d = degrees(graph)
    >>> d.degree.tolist(), d.weighted.tolist()
    ([2, 2, 2, 0], [4.0, 4.0, 2.0, 0.0])
    """
    n = graph.n
    out_d = np.bincount(graph.src, minlength=n).astype(np.int64)
    in_d = np.bincount(graph.dst, minlength=n).astype(np.int64)
    strength = (
        np.bincount(graph.src, weights=graph.weight, minlength=n)
        + np.bincount(graph.dst, weights=graph.weight, minlength=n)
    ).astype(np.float64)
    total = out_d + in_d
    if graph.directed:
        return Degrees(total, in_d, out_d, strength)
    return Degrees(total, total, total, strength)


def pagerank(
    graph: NetworkGraph, *, damping: float = 0.85, tol: float = 1e-12, max_iter: int = 1000
) -> FloatArray:
    """Weighted PageRank — NetworkX ``pagerank(G, alpha=damping, weight="weight")``.

    Walkers follow ties in proportion to their strength and jump to a uniformly chosen
    actor with probability ``1 - damping``; actors without outgoing ties jump uniformly
    (NetworkX's default handling of dangling nodes). Undirected ties are walked both ways.
    Power iteration on a sparse transition matrix (Langville & Meyer 2006), as in
    NetworkX's scipy implementation, until the L1 change is below ``tol``.

    Examples
    --------
    >>> from coalition.engines.network import Actors, Ties, build_graph
    >>> ties = Ties.create([0, 0, 1], [1, 2, 2], weight=[3, 1, 1])  # a triangle; d has no tie
    >>> graph = build_graph(Actors.create("abcd"), ties)
    >>> pagerank(graph).round(3).tolist()
    [0.373, 0.373, 0.206, 0.048]
    """
    n = graph.n
    if n == 0:
        return np.zeros(0)
    s, d, w = graph.src, graph.dst, graph.weight
    if not graph.directed:
        s, d, w = np.concatenate([s, d]), np.concatenate([d, s]), np.concatenate([w, w])
    out = np.bincount(s, weights=w, minlength=n)
    dangling = out == 0
    inv = np.zeros(n)
    inv[~dangling] = 1.0 / out[~dangling]
    step = sp.csr_matrix((w * inv[s], (d, s)), shape=(n, n))  # x_new = step @ x
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        last = x
        x = damping * (step @ last) + (damping * last[dangling].sum() + 1.0 - damping) / n
        if np.abs(x - last).sum() < tol:
            break
    return np.asarray(x, dtype=np.float64)


def density(graph: NetworkGraph) -> float:
    """Share of possible ties present — NetworkX ``density``: ``2m/(n(n-1))`` or ``m/(n(n-1))``.

    Examples
    --------
    >>> from coalition.engines.network import Actors, Ties, build_graph
    >>> ties = Ties.create([0, 0, 1], [1, 2, 2], weight=[3, 1, 1])  # a triangle; d has no tie
    >>> graph = build_graph(Actors.create("abcd"), ties)
    >>> density(graph)  # 3 of the 6 possible ties
    0.5
    """
    n = graph.n
    if n < 2:
        return 0.0
    possible = n * (n - 1) / (1 if graph.directed else 2)
    return graph.m / possible


@dataclass(frozen=True)
class Components:
    """(Weakly) connected components, numbered by size (0 = largest, then lowest member)."""

    membership: IntArray
    sizes: IntArray


def components(graph: NetworkGraph) -> Components:
    """Connected components (weak ones when directed) — NetworkX ``connected_components``.

    Examples
    --------
    >>> from coalition.engines.network import Actors, Ties, build_graph
    >>> ties = Ties.create([0, 0, 1], [1, 2, 2], weight=[3, 1, 1])  # a triangle; d has no tie
    >>> graph = build_graph(Actors.create("abcd"), ties)
    >>> components(graph).membership.tolist()  # d alone is the second, smaller component
    [0, 0, 0, 1]
    """
    if graph.n == 0:
        return Components(np.zeros(0, np.int64), np.zeros(0, np.int64))
    raw = np.asarray(graph.ig.connected_components(mode="weak").membership, dtype=np.int64)
    return Components(*_relabel_by_size(raw))


def _relabel_by_size(labels: IntArray) -> tuple[IntArray, IntArray]:
    """Renumber labels 0..k-1 by decreasing size, ties by the lowest member index."""
    k = int(labels.max()) + 1
    sizes = np.bincount(labels, minlength=k)
    first = np.full(k, len(labels), dtype=np.int64)
    np.minimum.at(first, labels, np.arange(len(labels)))
    order = np.lexsort((first, -sizes))
    new = np.empty(k, dtype=np.int64)
    new[order] = np.arange(k)
    return new[labels], sizes[order].astype(np.int64)


@dataclass(frozen=True)
class Triangles:
    """Triangles of the undirected reading: ``corners[t] = (a, b, c)`` and
    ``edges[t] = (pair ab, pair ac, pair bc)`` as positions in :func:`pairs`' arrays."""

    corners: IntArray
    edges: IntArray

    def __len__(self) -> int:
        return len(self.corners)


def triangles(graph: NetworkGraph) -> Triangles:
    """Every triangle of the graph's undirected reading, once.

    Each pair is oriented from the lower to the higher (degree, id) rank; a triangle is
    then found once, at its lowest-ranked corner ``a``, as two of ``a``'s out-arcs
    ``a → b``, ``a → c`` whose ends are linked (Schank & Wagner's "forward" listing). Work
    and memory are ``O(m^1.5)`` at worst, processed in bounded chunks.

    Examples
    --------
    >>> from coalition.engines.network import Actors, Ties, build_graph
    >>> actors = Actors.create("abcde", sector=["health", "health", "funder", "funder", "health"])
    >>> graph = build_graph(actors, Ties.create([0, 0, 1, 2, 3], [1, 2, 2, 3, 4]))
    >>> triangles(graph).corners.tolist()
    [[0, 1, 2]]
    """
    n = graph.n
    p = graph.pairs
    empty = Triangles(np.zeros((0, 3), np.int64), np.zeros((0, 3), np.int64))
    if len(p.u) == 0:
        return empty
    deg = np.bincount(p.u, minlength=n) + np.bincount(p.v, minlength=n)
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), deg))] = np.arange(n)
    lower = rank[p.u] < rank[p.v]
    tail = np.where(lower, p.u, p.v)
    head = np.where(lower, p.v, p.u)
    keys = tail * n + head
    order = np.argsort(keys, kind="stable")  # out-lists, each sorted by head id
    keys, tail, head = keys[order], tail[order], head[order]
    m = len(keys)
    list_end = np.searchsorted(tail, tail, side="right")
    after = list_end - np.arange(m) - 1  # later arcs in the same out-list
    cum = np.cumsum(after)
    corners, edges = [], []
    start = 0
    while start < m:
        base = int(cum[start - 1]) if start else 0
        stop = max(int(np.searchsorted(cum, base + _CHUNK, side="right")), start + 1)
        cnt = after[start:stop]
        total = int(cnt.sum())
        if total:
            first = np.repeat(np.arange(start, stop), cnt)
            second = first + 1 + (np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt))
            x, y = head[first], head[second]
            swap = rank[x] > rank[y]
            lo_, hi_ = np.where(swap, y, x), np.where(swap, x, y)
            probe = lo_ * n + hi_
            pos = np.minimum(np.searchsorted(keys, probe), m - 1)
            hit = keys[pos] == probe
            corners.append(np.column_stack([tail[first[hit]], x[hit], y[hit]]))
            edges.append(np.column_stack([order[first[hit]], order[second[hit]], order[pos[hit]]]))
        start = stop
    if not corners:
        return empty
    return Triangles(np.concatenate(corners), np.concatenate(edges))


_ORDERED = ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0))
"""The six orderings ``(i, j, k)`` of a triangle's corners."""

_EDGE = {(0, 1): 0, (1, 0): 0, (0, 2): 1, (2, 0): 1, (1, 2): 2, (2, 1): 2}
"""Column of :attr:`Triangles.edges` joining two corner positions."""


def constraint_and_effective_size(
    graph: NetworkGraph, tri: Triangles | None = None
) -> tuple[FloatArray, FloatArray]:
    """Burt's constraint and effective size — NetworkX ``constraint`` / ``effective_size``
    with ``weight="weight"``.

    With mutual weights ``M_uv = w_uv + w_vu``, proportional strengths
    ``p_uv = M_uv / Σ_k M_uk`` and ``m_vw = M_vw / max_k M_vk``:

    * constraint ``c(u) = Σ_{v∈N(u)} (p_uv + Σ_{w∈N(u)∩N(v)} p_uw p_wv)²``;
    * effective size ``e(u) = Σ_{v∈N(u)} (1 - Σ_{w∈N(u)∩N(v)} p_uw m_vw)``, which for
      unweighted undirected graphs is Borgatti's ``n - 2t/n``.

    The inner sums run over triangles, so both come from the triangle list in ``O(m + t)``.
    Isolated actors get NaN, as in NetworkX.

    Examples
    --------
    >>> from coalition.engines.network import Actors, Ties, build_graph
    >>> actors = Actors.create("abcde", sector=["health", "health", "funder", "funder", "health"])
    >>> graph = build_graph(actors, Ties.create([0, 0, 1, 2, 3], [1, 2, 2, 3, 4]))
    >>> constraint, size = constraint_and_effective_size(graph)
    >>> constraint.round(3).tolist(), size.round(3).tolist()
    ([1.007, 1.007, 0.611, 0.5, 1.0], [1.0, 1.0, 2.333, 2.0, 1.0])
    """
    n = graph.n
    p = graph.pairs
    if tri is None:
        tri = triangles(graph)
    strength = np.bincount(p.u, weights=p.weight, minlength=n) + np.bincount(
        p.v, weights=p.weight, minlength=n
    )
    top = np.zeros(n)
    np.maximum.at(top, p.u, p.weight)
    np.maximum.at(top, p.v, p.weight)
    # per pair, for the arc u → v ("fwd") and v → u ("bwd")
    p_fwd, p_bwd = p.weight / strength[p.u], p.weight / strength[p.v]
    m_fwd, m_bwd = p.weight / top[p.u], p.weight / top[p.v]
    ind_fwd = np.zeros(len(p.u))
    ind_bwd = np.zeros(len(p.u))
    redundancy = np.zeros(n)
    c, e = tri.corners, tri.edges
    for i, j, k in _ORDERED:
        # ego x = corner i, contact y = corner j, common neighbour z = corner k
        x, y = c[:, i], c[:, j]
        e_xz, e_zy, e_xy = e[:, _EDGE[(i, k)]], e[:, _EDGE[(k, j)]], e[:, _EDGE[(i, j)]]
        e_yz = e_zy
        p_xz = np.where(p.u[e_xz] == x, p_fwd[e_xz], p_bwd[e_xz])
        p_zy = np.where(p.v[e_zy] == y, p_fwd[e_zy], p_bwd[e_zy])
        m_yz = np.where(p.u[e_yz] == y, m_fwd[e_yz], m_bwd[e_yz])
        fwd = p.u[e_xy] == x
        ind_fwd += np.bincount(e_xy[fwd], weights=(p_xz * p_zy)[fwd], minlength=len(p.u))
        ind_bwd += np.bincount(e_xy[~fwd], weights=(p_xz * p_zy)[~fwd], minlength=len(p.u))
        redundancy += np.bincount(x, weights=p_xz * m_yz, minlength=n)
    cons: FloatArray = np.zeros(n)
    cons += np.bincount(p.u, weights=np.square(p_fwd + ind_fwd), minlength=n)
    cons += np.bincount(p.v, weights=np.square(p_bwd + ind_bwd), minlength=n)
    deg = (np.bincount(p.u, minlength=n) + np.bincount(p.v, minlength=n)).astype(np.float64)
    esize: FloatArray = deg - redundancy
    isolated = deg == 0
    cons[isolated] = np.nan
    esize[isolated] = np.nan
    return cons, esize


@dataclass(frozen=True)
class Mixing:
    """Sector mixing: ``counts[i, j]`` ties from sector ``labels[i]`` to ``labels[j]``.

    Undirected ties count in both ``[i, j]`` and ``[j, i]`` (a tie within one sector counts
    twice on the diagonal), as NetworkX's ``attribute_mixing_matrix`` does; ``weights``
    holds the same sums of tie strengths. Ties with an actor of unknown sector are left out.
    """

    labels: tuple[str, ...]
    counts: FloatArray
    weights: FloatArray


def mixing_matrix(graph: NetworkGraph, labels: tuple[str, ...] | None = None) -> Mixing:
    """Sector × sector tie counts — NetworkX ``attribute_mixing_matrix(normalized=False)``.

    Examples
    --------
    >>> from coalition.engines.network import Actors, Ties, build_graph
    >>> actors = Actors.create("abcde", sector=["health", "health", "funder", "funder", "health"])
    >>> graph = build_graph(actors, Ties.create([0, 0, 1, 2, 3], [1, 2, 2, 3, 4]))
    >>> mixing = mixing_matrix(graph)
    >>> mixing.labels, mixing.counts.tolist()
    (('funder', 'health'), [[2.0, 3.0], [3.0, 2.0]])
    """
    sector = graph.sector
    if labels is None:
        labels = tuple(sorted(set(sector.tolist()) - {""}))
    code = {lab: i for i, lab in enumerate(labels)}
    codes = np.asarray([code.get(s, -1) for s in sector.tolist()], dtype=np.int64)
    k = len(labels)
    a, b = codes[graph.src], codes[graph.dst]
    ok = (a >= 0) & (b >= 0)
    a, b, w = a[ok], b[ok], graph.weight[ok]
    if not graph.directed:
        a, b, w = np.concatenate([a, b]), np.concatenate([b, a]), np.concatenate([w, w])
    counts = np.bincount(a * k + b, minlength=k * k).reshape(k, k).astype(np.float64)
    weights = np.bincount(a * k + b, weights=w, minlength=k * k).reshape(k, k).astype(np.float64)
    return Mixing(labels=labels, counts=counts, weights=weights)


def attribute_assortativity(mixing: Mixing) -> float:
    """Newman's assortativity by sector — NetworkX ``attribute_assortativity_coefficient``.

    ``r = (Σ_i e_ii - Σ_i a_i b_i) / (1 - Σ_i a_i b_i)`` with ``e`` the mixing matrix scaled
    to sum 1 and ``a``, ``b`` its row and column sums. NaN when undefined (no ties, or all
    ties inside one sector).

    Examples
    --------
    Most ties cross sectors here, so the coefficient is negative:

    >>> from coalition.engines.network import Actors, Ties, build_graph
    >>> actors = Actors.create("abcde", sector=["health", "health", "funder", "funder", "health"])
    >>> graph = build_graph(actors, Ties.create([0, 0, 1, 2, 3], [1, 2, 2, 3, 4]))
    >>> round(attribute_assortativity(mixing_matrix(graph)), 3)
    -0.2
    """
    total = mixing.counts.sum()
    if total == 0:
        return float("nan")
    e = mixing.counts / total
    s = float((e.sum(axis=1) * e.sum(axis=0)).sum())
    if s == 1.0:
        return float("nan")
    return (float(np.trace(e)) - s) / (1.0 - s)


def cross_sector(graph: NetworkGraph) -> IntArray:
    """Number of each actor's neighbours in another (known) sector.

    Examples
    --------
    >>> from coalition.engines.network import Actors, Ties, build_graph
    >>> actors = Actors.create("abcde", sector=["health", "health", "funder", "funder", "health"])
    >>> graph = build_graph(actors, Ties.create([0, 0, 1, 2, 3], [1, 2, 2, 3, 4]))
    >>> cross_sector(graph).tolist()
    [1, 1, 2, 1, 1]
    """
    sector = graph.sector
    u, v = graph.pairs.u, graph.pairs.v
    cross = (sector[u] != sector[v]) & (sector[u] != "") & (sector[v] != "")
    n = graph.n
    return (np.bincount(u[cross], minlength=n) + np.bincount(v[cross], minlength=n)).astype(
        np.int64
    )


def sector_bridges(graph: NetworkGraph) -> IntArray:
    """Cross-sector ties that are bridges: removing one disconnects its component.

    Bridges of the undirected reading (NetworkX ``bridges``; Tarjan's linear-time search in
    python-igraph) whose two actors are in different known sectors; shape ``(b, 2)``, local
    actor numbers, ``u < v``, sorted.

    Examples
    --------
    d-e is the one bridge between sectors (c-d is a bridge within the funders):

    >>> from coalition.engines.network import Actors, Ties, build_graph
    >>> actors = Actors.create("abcde", sector=["health", "health", "funder", "funder", "health"])
    >>> graph = build_graph(actors, Ties.create([0, 0, 1, 2, 3], [1, 2, 2, 3, 4]))
    >>> sector_bridges(graph).tolist()
    [[3, 4]]
    """
    if graph.m == 0:
        return np.zeros((0, 2), dtype=np.int64)
    ids = np.asarray(graph.undirected_ig.bridges(), dtype=np.int64)
    a, b = graph.pairs.u[ids], graph.pairs.v[ids]
    sector = graph.sector
    keep = (sector[a] != sector[b]) & (sector[a] != "") & (sector[b] != "")
    out = np.column_stack([a[keep], b[keep]])
    return out[np.lexsort((out[:, 1], out[:, 0]))]
