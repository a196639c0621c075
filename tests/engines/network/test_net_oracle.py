"""Every per-actor and per-network measure equals NetworkX's on small random graphs.

Tolerances: 1e-9 absolute; PageRank 1e-6 (both are iterative; NetworkX is run to 1e-12).
Path lengths: hop counts (``weight=None``) or 1/strength (``weight="distance"``).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
from conftest import SECTORS, Case, as_array, cases, to_networkx
from hypothesis import given, settings

from coalition.engines.network import (
    attribute_assortativity,
    components,
    constraint_and_effective_size,
    degrees,
    density,
    mixing_matrix,
    pagerank,
    path_centrality,
    sector_bridges,
    triangles,
)

TOL = 1e-9


def assert_close(ours: np.ndarray, ref: np.ndarray, tol: float = TOL) -> None:
    assert ours.shape == ref.shape
    assert np.array_equal(np.isnan(ours), np.isnan(ref)), (ours, ref)
    np.testing.assert_allclose(np.nan_to_num(ours), np.nan_to_num(ref), rtol=0, atol=tol)


@settings(max_examples=60, deadline=None)
@given(cases())
def test_degree_strength_density_match_networkx(case: Case) -> None:
    g = case.graph()
    G = to_networkx(g)
    d = degrees(g)
    assert_close(d.degree.astype(float), as_array(dict(G.degree()), g.n))
    assert_close(d.weighted, as_array(dict(G.degree(weight="weight")), g.n))
    if g.directed:
        assert_close(d.in_degree.astype(float), as_array(dict(G.in_degree()), g.n))
        assert_close(d.out_degree.astype(float), as_array(dict(G.out_degree()), g.n))
    assert abs(density(g) - nx.density(G)) <= TOL


@settings(max_examples=60, deadline=None)
@given(cases())
def test_pagerank_matches_networkx(case: Case) -> None:
    g = case.graph()
    G = to_networkx(g)
    ref = nx.pagerank(G, alpha=0.85, weight="weight", tol=1e-13, max_iter=100_000)
    assert_close(pagerank(g), as_array(ref, g.n), tol=1e-6)


@settings(max_examples=60, deadline=None)
@given(cases())
def test_betweenness_and_closeness_match_networkx(case: Case) -> None:
    g = case.graph()
    G = to_networkx(g)
    for weighted, attr in ((False, None), (True, "distance")):
        ref_b = as_array(nx.betweenness_centrality(G, weight=attr, normalized=True), g.n)
        ref_c = as_array(nx.closeness_centrality(G, distance=attr, wf_improved=True), g.n)
        # exact through igraph, and through the block BFS run from every source
        for limit, samples in ((5000, 10), (0, 10_000)):
            pc = path_centrality(g, exact_limit=limit, samples=samples, weighted=weighted)
            assert_close(pc.betweenness, ref_b)
            assert_close(pc.closeness, ref_c)
            assert pc.exact.all() and pc.error_bound == 0.0
            assert_close(pc.betweenness_se, np.zeros(g.n))


def test_weighted_paths_with_equal_lengths_count_every_shortest_path() -> None:
    """Dyadic lengths add exactly, so ties between paths are real ties for both libraries."""
    from coalition.engines.network import Actors, Ties, build_graph

    # from 0 to 3: 0-1-3 (1/2 + 1/2) and 0-2-4-3 (1/4 + 1/4 + 1/2) both have length 1
    src = [0, 1, 0, 2, 4, 1]
    dst = [1, 3, 2, 4, 3, 2]
    w = [2.0, 2.0, 4.0, 4.0, 2.0, 1.0]
    g = build_graph(Actors.create(range(5)), Ties.create(src, dst, type="x", weight=w))
    G = to_networkx(g)
    ref = as_array(nx.betweenness_centrality(G, weight="distance"), g.n)
    assert_close(path_centrality(g, weighted=True).betweenness, ref)
    assert ref[1] > 0 and ref[2] > 0  # both routes carry shortest paths


@settings(max_examples=60, deadline=None)
@given(cases())
def test_constraint_and_effective_size_match_networkx(case: Case) -> None:
    """Burt's measures on the mutual-weight reading.

    The oracle is NetworkX's per-node path on the undirected graph of mutual weights
    ``w_uv + w_vu`` (exactly what NetworkX's formulas use for directed graphs). Two NetworkX
    3.6 quirks make the other paths unsuitable: ``effective_size(G, weight=...)`` without
    ``nodes`` divides by row maxima along the wrong axis, and its per-node path returns NaN
    for directed actors that only receive ties.
    """
    g = case.graph()
    G = to_networkx(g)
    U = nx.Graph()
    U.add_nodes_from(G)
    for a, b, w in G.edges(data="weight"):
        U.add_edge(a, b, weight=U[a][b]["weight"] + w if U.has_edge(a, b) else w)
    cons, esize = constraint_and_effective_size(g)
    assert_close(cons, as_array(nx.constraint(U, nodes=list(U), weight="weight"), g.n))
    assert_close(esize, as_array(nx.effective_size(U, nodes=list(U), weight="weight"), g.n))
    # the sparse fast path agrees for constraint, directed graphs included
    assert_close(cons, as_array(nx.constraint(G, weight="weight"), g.n))


@settings(max_examples=40, deadline=None)
@given(cases(continuous_weights=False, directed=False))
def test_effective_size_is_borgattis_formula_when_unweighted(case: Case) -> None:
    g = case.graph()
    if (g.multiplicity > 1).any():
        return  # merged repeats carry weight > 1
    G = to_networkx(g)
    _, esize = constraint_and_effective_size(g)
    assert_close(esize, as_array(nx.effective_size(G), g.n))


@settings(max_examples=60, deadline=None)
@given(cases())
def test_components_triangles_bridges_match_networkx(case: Case) -> None:
    g = case.graph()
    G = to_networkx(g)
    U = G.to_undirected() if g.directed else G
    comp = components(g)
    ref = sorted((len(c) for c in nx.connected_components(U)), reverse=True)
    assert comp.sizes.tolist() == ref
    for c in nx.connected_components(U):
        assert len({int(comp.membership[i]) for i in c}) == 1
    tri = triangles(g)
    assert len(tri) == sum(nx.triangles(U).values()) // 3
    for (a, b, c), (e1, e2, e3) in zip(tri.corners.tolist(), tri.edges.tolist(), strict=True):
        assert U.has_edge(a, b) and U.has_edge(a, c) and U.has_edge(b, c)
        p = g.pairs
        assert {int(p.u[e1]), int(p.v[e1])} == {a, b}
        assert {int(p.u[e2]), int(p.v[e2])} == {a, c}
        assert {int(p.u[e3]), int(p.v[e3])} == {b, c}
    sector = g.sector
    expected = sorted(
        tuple(sorted(e))
        for e in nx.bridges(U)
        if sector[e[0]] != sector[e[1]] and sector[e[0]] and sector[e[1]]
    )
    assert [tuple(x) for x in sector_bridges(g).tolist()] == expected


@settings(max_examples=60, deadline=None)
@given(cases())
def test_mixing_and_assortativity_match_networkx(case: Case) -> None:
    g = case.graph()
    G = to_networkx(g)
    mix = mixing_matrix(g, SECTORS)
    # NetworkX needs every node labelled: compare on the actors of known sector
    K = G.subgraph([i for i, s in enumerate(g.sector.tolist()) if s])
    mapping = {s: i for i, s in enumerate(SECTORS)}
    if K.number_of_edges():
        ref = nx.attribute_mixing_matrix(K, "sector", mapping=mapping, normalized=False)
        assert_close(mix.counts, ref)
        r = attribute_assortativity(mix)
        r_ref = nx.attribute_assortativity_coefficient(K, "sector")
        assert (np.isnan(r) and np.isnan(r_ref)) or abs(r - r_ref) <= TOL
    else:
        assert mix.counts.sum() == 0
        assert np.isnan(attribute_assortativity(mix))
