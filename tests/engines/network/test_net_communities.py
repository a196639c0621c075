"""Leiden communities and their matching across snapshots."""

from __future__ import annotations

import networkx as nx
import numpy as np
from conftest import Case, cases, to_networkx
from hypothesis import given, settings
from hypothesis import strategies as st

from coalition.engines.network import Actors, Ties, build_graph, leiden, match_communities


def _cliques(k: int, size: int, *, directed: bool = False):
    src, dst = [], []
    for c in range(k):
        base = c * size
        for i in range(size):
            for j in range(i + 1, size):
                src.append(base + i)
                dst.append(base + j)
        src.append(base)  # a ring of single ties between cliques
        dst.append(((c + 1) % k) * size + 1)
    actors = Actors.create(range(k * size))
    return build_graph(actors, Ties.create(src, dst, type="x"), directed=directed)


def test_planted_cliques_are_found_and_numbered_by_size() -> None:
    g = _cliques(6, 8)
    comm = leiden(g, seed=1)
    assert comm.sizes.tolist() == [8] * 6
    for c in range(6):
        assert len(set(comm.membership[c * 8 : (c + 1) * 8].tolist())) == 1
    ref = nx.community.modularity(to_networkx(g), [set(range(c * 8, c * 8 + 8)) for c in range(6)])
    assert abs(comm.modularity - ref) < 1e-9
    # directed ties are read undirected: same partition
    assert leiden(_cliques(6, 8, directed=True), seed=1).sizes.tolist() == [8] * 6


@settings(max_examples=40, deadline=None)
@given(cases(), st.integers(0, 3))
def test_modularity_matches_networkx_and_communities_are_connected(case: Case, seed: int) -> None:
    g = case.graph()
    comm = leiden(g, seed=seed)
    assert np.array_equal(leiden(g, seed=seed).membership, comm.membership)
    assert comm.sizes.tolist() == sorted(comm.sizes.tolist(), reverse=True)
    assert comm.sizes.sum() == g.n
    u = to_networkx(g).to_undirected()
    U = nx.Graph()
    U.add_nodes_from(u)
    for a, b, w in zip(
        g.pairs.u.tolist(), g.pairs.v.tolist(), g.pairs.weight.tolist(), strict=True
    ):
        U.add_edge(a, b, weight=w)
    parts = [set(np.flatnonzero(comm.membership == c).tolist()) for c in range(len(comm.sizes))]
    if U.number_of_edges():
        assert abs(comm.modularity - nx.community.modularity(U, parts, weight="weight")) < 1e-9
    for part in parts:  # Leiden guarantees connected communities
        assert nx.is_connected(U.subgraph(part))


def test_match_communities_finds_every_kind_of_event() -> None:
    actors = np.arange(40)
    before = np.array([0] * 10 + [1] * 10 + [2] * 10 + [3] * 5 + [4] * 5)
    after = np.array([0] * 20 + [1] * 5 + [2] * 5 + [3] * 5 + [5] * 5)
    # 0 and 1 merged into 0; 2 split into 1 and 2; 3 continued as 3; 4 dissolved; 5 is new
    after_actors = np.concatenate([actors[:35], np.arange(100, 105)])
    events = match_communities(actors, before, after_actors, after, threshold=0.3, min_size=3)
    kinds = {(e.kind, e.before, e.after) for e in events}
    assert kinds == {
        ("continued", (3,), (3,)),
        ("merged", (0, 1), (0,)),
        ("split", (2,), (1, 2)),
        ("formed", (), (5,)),
        ("dissolved", (4,), ()),
    }
    merged = next(e for e in events if e.kind == "merged")
    assert merged.pairs == ((0, 0, 0.5), (1, 0, 0.5))


@given(st.lists(st.integers(0, 4), min_size=3, max_size=40), st.permutations(range(5)))
def test_identical_partitions_only_continue(labels: list[int], perm: list[int]) -> None:
    ids = np.arange(len(labels))
    relabelled = np.asarray(perm)[labels]
    events = match_communities(ids, labels, ids, relabelled, min_size=1)
    assert {e.kind for e in events} <= {"continued"}
    assert len(events) == len(set(labels))
    assert all(e.pairs[0][2] == 1.0 for e in events)
