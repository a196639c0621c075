"""Shortest-path centralities: betweenness and closeness, exact or sampled.

Betweenness of ``v`` is the sum over pairs ``s ≠ v ≠ t`` of the share of shortest
``s``–``t`` paths through ``v`` (Freeman 1977), computed with Brandes' dependency
accumulation (Brandes 2001) and normalised as NetworkX does (``normalized=True``,
``endpoints=False``): divided by ``(n-1)(n-2)`` for ordered pairs (directed) or
``(n-1)(n-2)/2`` for unordered pairs (undirected).

Closeness of ``u`` is NetworkX's ``closeness_centrality(wf_improved=True)``: with ``r`` the
number of actors that can reach ``u`` (``u`` included) and ``S`` the sum of their distances
to ``u``, ``C(u) = ((r-1)/(n-1)) · ((r-1)/S)``, and 0 when nobody reaches ``u``. This is
Wasserman & Faust's correction for disconnected graphs; directed graphs use incoming
distances, as NetworkX does.

Path lengths are hop counts by default (``weighted=False``, NetworkX ``weight=None``). With
``weighted=True`` a tie of strength ``w`` has length ``1/w`` (Newman 2001; Opsahl et al.
2010 with α = 1) — stronger ties are shorter — matching NetworkX called with a distance
attribute set to ``1/weight``.

Exact or sampled
----------------
Both measures only involve pairs inside one (weakly) connected component. Components of at
most ``exact_limit`` actors are computed exactly (python-igraph, all sources). In a larger
component of ``N`` actors, ``k`` sources are drawn uniformly without replacement (by
default ``k = max(128, 2.56e8 / arcs)``: the work of 128 sources on a million ties, more
sources where each costs less) and

* betweenness is estimated as ``(N/k) Σ_{s∈sample} δ_s(v)`` — Brandes & Pich (2007),
  unbiased; the dependency ``δ_s(v)`` lies in ``[0, N-2]``, so by Hoeffding's inequality
  (which holds for sampling without replacement) the normalised estimate is within
  ``ε = N(N-2)/((n-1)(n-2)) · sqrt(ln(2/α)/(2k))`` of the exact value with probability
  ``≥ 1-α`` for each actor (``α = 0.05``). This worst-case bound is loose; each actor's
  standard error (from the spread of its ``k`` dependencies, with the finite-population
  correction) is reported too and is the figure to read. Dependencies are skewed (a few
  sources contribute most of an actor's betweenness), so the sample SE is somewhat
  optimistic: in the tests it is about 0.85 of the true spread in the median and ±3 SE
  covers roughly 85% of actors rather than 99.7%;
* closeness uses the same sources as pivots (Eppstein & Wang 2004): ``S`` is estimated as
  ``(N/k) Σ_{s∈sample} d(s, u)`` (and ``r`` as ``N`` times the share of sources that reach
  ``u`` in directed graphs), with a delta-method standard error.

For hop counts the sampled sources are processed in batches by a level-synchronous BFS
written as sparse-matrix × dense-block products (the algebraic form of Brandes' algorithm;
Buluç & Gilbert 2011), which yields distances and dependencies for a whole batch at once.

References
----------
.. [1] L. C. Freeman, "A set of measures of centrality based on betweenness", Sociometry
   40(1), 1977.
.. [2] U. Brandes, "A faster algorithm for betweenness centrality", J. Math. Sociol. 25(2),
   2001.
.. [3] U. Brandes and C. Pich, "Centrality estimation in large networks", Int. J.
   Bifurcation and Chaos 17(7), 2007.
.. [4] D. Eppstein and J. Wang, "Fast approximation of centrality", J. Graph Algorithms
   Appl. 8(1), 2004.
.. [5] S. Wasserman and K. Faust, *Social Network Analysis*, Cambridge UP, 1994 (closeness
   in disconnected graphs).
.. [6] W. Hoeffding, "Probability inequalities for sums of bounded random variables",
   JASA 58, 1963.
.. [7] A. Buluç and J. R. Gilbert, "The Combinatorial BLAS", IJHPCA 25(4), 2011.
.. [8] T. Opsahl, F. Agneessens and J. Skvoretz, "Node centrality in weighted networks",
   Social Networks 32(3), 2010.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import igraph as ig
import numpy as np
import scipy.sparse as sp

from coalition.engines.network.graph import NetworkGraph

from ..arrays import BoolArray, FloatArray, IntArray, RealArray

__all__ = ["PathCentrality", "path_centrality"]


CONFIDENCE_ALPHA = 0.05
"""Per-actor miss probability of the stated betweenness error bound."""

MIN_SOURCES = 128
ARC_BUDGET = 128 * 2_000_000
"""Default sampling: ``max(MIN_SOURCES, ARC_BUDGET / arcs)`` sources per large component, so
the work (sources × arcs) is about that of 128 sources on a million ties, and smaller
components, which cost less per source, get more sources and smaller errors."""


@dataclass(frozen=True)
class PathCentrality:
    """Betweenness and closeness per actor, with how each was obtained.

    ``*_se`` are standard errors (0 where exact). ``exact[i]`` says actor ``i``'s component
    was computed exactly. ``error_bound`` is the Hoeffding bound ``ε`` on any sampled
    actor's normalised betweenness (0 when everything is exact), holding per actor with
    probability ``1 - CONFIDENCE_ALPHA``.
    """

    betweenness: FloatArray
    betweenness_se: FloatArray
    closeness: FloatArray
    closeness_se: FloatArray
    exact: BoolArray
    n_sources: int
    error_bound: float
    weighted: bool

    @property
    def method(self) -> str:
        return "exact" if bool(self.exact.all()) else "sampled"


def path_centrality(
    graph: NetworkGraph,
    *,
    exact_limit: int = 5000,
    samples: int | None = None,
    weighted: bool = False,
    seed: int = 0,
    batch: int = 32,
) -> PathCentrality:
    """Betweenness (normalised) and closeness (Wasserman–Faust) of every actor.

    Parameters
    ----------
    graph : the analysis graph.
    exact_limit : components of at most this many actors are computed exactly.
    samples : sources (and closeness pivots) drawn in each larger component; by default
        ``max(128, 2.56e8 / arcs of the component)`` (see :data:`ARC_BUDGET`).
    weighted : path length ``1/weight`` instead of hop count.
    seed : seeds the choice of sources.
    batch : sources processed together by the block BFS (memory ``≈ 20·N·batch`` bytes).

    Returns
    -------
    PathCentrality; equal to NetworkX's ``betweenness_centrality(normalized=True)`` and
    ``closeness_centrality(wf_improved=True)`` where exact.

    Examples
    --------
    >>> from coalition.engines.network import Actors, Ties, build_graph
    >>> actors = Actors.create("abcde", sector=["health", "health", "funder", "funder", "health"])
    >>> graph = build_graph(actors, Ties.create([0, 0, 1, 2, 3], [1, 2, 2, 3, 4]))
    >>> paths = path_centrality(graph)
    >>> paths.betweenness.round(3).tolist(), paths.closeness.round(3).tolist(), paths.method
    ([0.0, 0.0, 0.667, 0.5, 0.0], [0.571, 0.571, 0.8, 0.667, 0.444], 'exact')
    """
    if samples is not None and samples < 1:
        raise ValueError("samples must be at least 1")
    n = graph.n
    g = graph.ig
    dist = (1.0 / graph.weight).tolist() if weighted else None
    bet = np.zeros(n)
    bet_se = np.zeros(n)
    clo = np.zeros(n)
    clo_se = np.zeros(n)
    exact = np.ones(n, dtype=bool)
    scale = 1.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    comps = g.connected_components(mode="weak")
    membership = np.asarray(comps.membership, dtype=np.int64)
    sizes = np.bincount(membership, minlength=len(comps)) if n else np.zeros(0, np.int64)
    large = np.flatnonzero(sizes > exact_limit)
    small_mask = ~np.isin(membership, large)
    small = np.flatnonzero(small_mask)
    if len(small):
        _exact(graph, small, dist, sizes[membership], bet, clo, whole=len(large) == 0)
    rng = np.random.default_rng(seed)
    n_sources = 0
    bound = 0.0
    for c in large:
        members = np.flatnonzero(membership == c)
        size = len(members)
        k, (b, b_se, cl, cl_se) = _sampled(graph, members, samples, weighted, batch, rng)
        n_sources += k
        bet[members], bet_se[members] = b * scale, b_se * scale
        clo[members], clo_se[members] = cl, cl_se
        exact[members] = k == size
        if k < size:
            t = math.sqrt(math.log(2.0 / CONFIDENCE_ALPHA) / (2.0 * k))
            bound = max(bound, size * (size - 2) * scale * t)
    return PathCentrality(
        betweenness=bet,
        betweenness_se=bet_se,
        closeness=clo,
        closeness_se=clo_se,
        exact=exact,
        n_sources=n_sources,
        error_bound=bound,
        weighted=weighted,
    )


def _sampled(
    graph: NetworkGraph,
    members: IntArray,
    samples: int | None,
    weighted: bool,
    batch: int,
    rng: np.random.Generator,
) -> tuple[int, tuple[FloatArray, FloatArray, FloatArray, FloatArray]]:
    """Sources drawn in the large component ``members``, and the estimates of betweenness
    and closeness (with their standard errors) they give."""
    size = len(members)
    edges = _component_edges(graph, members)
    if samples is None:
        arcs = len(edges[0]) * (1 if graph.directed else 2)
        k = min(size, max(MIN_SOURCES, ARC_BUDGET // max(arcs, 1)))
    else:
        k = min(samples, size)
    sources = np.sort(rng.choice(size, size=k, replace=False))
    if weighted:
        stats = _sample_igraph(edges, size, sources, graph.directed)
    else:
        # all sources (k = size) is an exact computation: keep it in float64
        dtype = np.float64 if k == size else np.float32
        mats = _matrices(edges, size, graph.directed)
        stats = _sample_block_bfs(mats, sources, batch, dtype)
    return k, _estimates(stats, size, k, graph.n, graph.directed)


def _exact(
    graph: NetworkGraph,
    vertices: IntArray,
    dist: list[float] | None,
    comp_size: IntArray,
    bet: FloatArray,
    clo: FloatArray,
    *,
    whole: bool,
) -> None:
    """Exact values for ``vertices`` (a union of whole components), written in place."""
    g = graph.ig
    n = graph.n
    vs = None if whole else vertices.tolist()
    # with sources restricted to these vertices the result is still exact for them:
    # every shortest path stays inside a component
    raw = np.asarray(g.betweenness(directed=graph.directed, weights=dist, sources=vs))[vertices]
    cl = np.asarray(g.closeness(vertices=vs, mode="in", weights=dist, normalized=True))
    # igraph counts unordered pairs in undirected graphs; NetworkX counts ordered ones
    factor = 1.0 if graph.directed else 2.0
    bet[vertices] = raw * factor / ((n - 1) * (n - 2)) if n > 2 else 0.0
    if graph.directed:
        reach = np.asarray(g.neighborhood_size(vertices=vs, order=max(n, 1), mode="in"))
    else:
        reach = comp_size[vertices]
    clo[vertices] = np.nan_to_num(cl, nan=0.0) * (reach - 1) / (n - 1) if n > 1 else 0.0


def _component_edges(
    graph: NetworkGraph, members: IntArray
) -> tuple[IntArray, IntArray, FloatArray]:
    """The edges of one component in its local numbering, with their weights."""
    local = np.full(graph.n, -1, dtype=np.int64)
    local[members] = np.arange(len(members))
    s, d = local[graph.src], local[graph.dst]
    keep = s >= 0
    return s[keep], d[keep], graph.weight[keep]


def _matrices(
    edges: tuple[IntArray, IntArray, FloatArray], size: int, directed: bool
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Adjacency (arc ``u → v`` at ``[u, v]``, float32) and its transpose."""
    s, d, _ = edges
    if not directed:
        s, d = np.concatenate([s, d]), np.concatenate([d, s])
    a = sp.csr_matrix(
        (np.ones(len(s), dtype=np.float32), (s, d)), shape=(size, size), dtype=np.float32
    )
    return a, (a if not directed else a.T.tocsr())


@dataclass
class _Stats:
    """Per-vertex sums over the sampled sources (component-local numbering)."""

    delta: FloatArray
    delta_sq: FloatArray
    dist: FloatArray
    dist_sq: FloatArray
    reach: FloatArray


def _new_stats(size: int) -> _Stats:
    return _Stats(*(np.zeros(size) for _ in range(5)))


def _sample_block_bfs(
    mats: tuple[sp.csr_matrix, sp.csr_matrix],
    sources: IntArray,
    batch: int,
    dtype: type[np.floating],
) -> _Stats:
    a, at = mats
    stats = _new_stats(a.shape[0])
    for lo in range(0, len(sources), batch):
        src = sources[lo : lo + batch]
        delta = _block_brandes(a, at, src, dtype, stats)
        if not np.isfinite(delta).all():
            # path counts beyond float32: redo in float64 (distances are already counted)
            delta = _block_brandes(a, at, src, np.float64, _new_stats(a.shape[0]))
            if not np.isfinite(delta).all():
                raise ArithmeticError("shortest-path counts overflow float64")
        d64 = delta.astype(np.float64)
        stats.delta += d64.sum(axis=1)
        stats.delta_sq += np.square(d64).sum(axis=1)
    return stats


@dataclass
class _Level:
    """Vertices first reached at one BFS depth: ``mask[r, b]`` for row ``rows[r]``
    (``rows`` is None when the level is stored for every vertex)."""

    rows: IntArray | None
    mask: BoolArray


def _block_brandes(
    a: sp.csr_matrix,
    at: sp.csr_matrix,
    sources: IntArray,
    dtype: type[np.floating],
    stats: _Stats,
) -> RealArray:
    """Brandes dependencies from a block of sources (column ``b`` per source).

    Forward: the frontier's path counts ``X`` advance one level by ``Aᵀ X``; entries not
    reached before are the next frontier and add to ``σ``. Distance sums for closeness are
    accumulated into ``stats`` on the way. Backward, from the deepest level:
    ``δ_v += σ_v Σ_{w: v→w, depth(w) = depth(v)+1} (1 + δ_w) / σ_w``. A level touching
    few vertices only reads and writes their rows.
    """
    if a.dtype != dtype:
        a, at = a.astype(dtype), at.astype(dtype)
    sweep = _Sweep.start(a.shape[0], sources, dtype)
    levels = _forward(a, at, sweep, stats)
    return _backward(a, levels, sweep.sigma, sources, dtype)


@dataclass
class _Sweep:
    """The forward sweep's state: frontier path counts ``x``, totals ``sigma``, and who is
    not yet reached (one column per source)."""

    x: RealArray
    sigma: RealArray
    unvisited: BoolArray

    @classmethod
    def start(cls, size: int, sources: IntArray, dtype: type[np.floating]) -> _Sweep:
        cols = np.arange(len(sources))
        unvisited = np.ones((size, len(sources)), dtype=bool)
        unvisited[sources, cols] = False
        x = np.zeros((size, len(sources)), dtype=dtype)
        x[sources, cols] = 1.0
        return cls(x, x.copy(), unvisited)


def _forward(a: sp.csr_matrix, at: sp.csr_matrix, sweep: _Sweep, stats: _Stats) -> list[_Level]:
    """BFS levels of every source at once; distance sums go into ``stats``."""
    first_rows = np.flatnonzero((sweep.x > 0).any(axis=1))
    levels = [_Level(first_rows, sweep.x[first_rows] > 0)]
    stats.reach[first_rows] += levels[0].mask.sum(axis=1)
    dense_from = max(1, a.shape[0] // 8)
    depth = 0
    while True:
        depth += 1
        prev = levels[-1]
        if prev.rows is None or len(prev.rows) > dense_from:
            level = _dense_step(at, sweep, dense_from)
        else:
            level = _sparse_step(a, at, sweep, prev.rows)
        if level is None:
            return levels
        count = level.mask.sum(axis=1)
        rows = slice(None) if level.rows is None else level.rows
        stats.reach[rows] += count
        stats.dist[rows] += depth * count
        stats.dist_sq[rows] += depth * depth * count
        levels.append(level)


def _dense_step(at: sp.csr_matrix, sweep: _Sweep, dense_from: int) -> _Level | None:
    """One level over every vertex (``Aᵀ X``); None when nothing new is reached."""
    nxt = np.asarray(at @ sweep.x)
    nxt *= sweep.unvisited
    newly = nxt > 0
    hit = newly.any(axis=1)
    if not hit.any():
        return None
    sweep.sigma += nxt
    np.greater(sweep.unvisited, newly, out=sweep.unvisited)
    sweep.x = nxt
    rows = np.flatnonzero(hit)
    return _Level(None, newly) if len(rows) > dense_from else _Level(rows, newly[rows])


def _sparse_step(
    a: sp.csr_matrix, at: sp.csr_matrix, sweep: _Sweep, prev_rows: IntArray
) -> _Level | None:
    """One level reading and writing only the rows the frontier touches."""
    targets = np.unique(a[prev_rows].indices)
    if len(targets) == 0:
        return None
    nxt_t = np.asarray(at[targets] @ sweep.x)
    nxt_t *= sweep.unvisited[targets]
    newly_t = nxt_t > 0
    hit = newly_t.any(axis=1)
    if not hit.any():
        return None
    sweep.x[prev_rows] = 0.0
    sweep.x[targets] = nxt_t
    sweep.sigma[targets] += nxt_t
    sweep.unvisited[targets] = np.greater(sweep.unvisited[targets], newly_t)
    return _Level(targets[hit], newly_t[hit])


def _backward(
    a: sp.csr_matrix,
    levels: list[_Level],
    sigma: RealArray,
    sources: IntArray,
    dtype: type[np.floating],
) -> RealArray:
    """Dependencies accumulated from the deepest level back to the sources."""
    inv_sigma = np.zeros_like(sigma)
    np.divide(1.0, sigma, out=inv_sigma, where=sigma > 0)
    delta = np.zeros(sigma.shape, dtype=dtype)
    y = np.zeros(sigma.shape, dtype=dtype)
    for depth in range(len(levels) - 1, 0, -1):
        lw, lp = levels[depth], levels[depth - 1]
        if lw.rows is None:
            np.multiply(1.0 + delta, inv_sigma, out=y)
            y *= lw.mask
        else:
            y[lw.rows] = (1.0 + delta[lw.rows]) * inv_sigma[lw.rows] * lw.mask
        if lp.rows is None:
            z = np.asarray(a @ y)
            z *= sigma
            z *= lp.mask
            delta += z
        else:
            z = np.asarray(a[lp.rows] @ y)
            delta[lp.rows] += z * sigma[lp.rows] * lp.mask
        if lw.rows is None:
            y.fill(0.0)
        else:
            y[lw.rows] = 0.0
    delta[sources, np.arange(len(sources))] = 0.0
    return delta


def _sample_igraph(
    edges: tuple[IntArray, IntArray, FloatArray], size: int, sources: IntArray, directed: bool
) -> _Stats:
    """Weighted paths: per-source dependencies and Dijkstra distances from python-igraph."""
    s, d, w = edges
    sub = ig.Graph(n=size, edges=list(zip(s.tolist(), d.tolist(), strict=True)), directed=directed)
    dist = (1.0 / w).tolist()
    stats = _new_stats(size)
    # igraph halves per-source dependencies in undirected graphs
    factor = 1.0 if directed else 2.0
    for src in sources.tolist():
        dep = factor * np.asarray(sub.betweenness(directed=directed, weights=dist, sources=[src]))
        stats.delta += dep
        stats.delta_sq += dep * dep
        dd = np.asarray(sub.distances(source=[src], weights=dist, mode="out")[0])
        reached = np.isfinite(dd)
        dd = np.where(reached, dd, 0.0)
        stats.dist += dd
        stats.dist_sq += dd * dd
        stats.reach += reached
    return stats


def _estimates(
    stats: _Stats, size: int, k: int, n: int, directed: bool
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Scale the per-source sums of one component into estimates and standard errors.

    Returns ordered-pair betweenness (to be multiplied by ``1/((n-1)(n-2))``) with its SE,
    and Wasserman–Faust closeness with its SE.
    """
    expand = size / k
    fpc = math.sqrt((size - k) / (size - 1)) if size > 1 else 0.0

    def se(total: FloatArray, total_sq: FloatArray) -> FloatArray:
        if k >= size:  # every source: exact
            return np.zeros(len(total))
        if k < 2:
            return np.full(len(total), np.nan)
        var = np.maximum(total_sq - total * total / k, 0.0) / (k - 1)
        return size * np.sqrt(var / k) * fpc

    bet = expand * stats.delta
    bet_se = se(stats.delta, stats.delta_sq)
    s_hat = expand * stats.dist
    s_se = se(stats.dist, stats.dist_sq)
    r_hat = expand * stats.reach if directed else np.full(size, float(size))
    with np.errstate(divide="ignore", invalid="ignore"):
        clo = np.where(s_hat > 0, (r_hat - 1) ** 2 / ((n - 1) * s_hat), 0.0)
        clo_se = np.where(s_hat > 0, clo * s_se / s_hat, 0.0)
    return bet, bet_se, clo, clo_se
