"""The whole analysis: consistent with the single measures, JSON-ready, stable in shape."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
from conftest import Case, cases
from hypothesis import given, settings

from coalition.engines.network import (
    Actors,
    Ties,
    analyze,
    brokerage_roles,
    build_graph,
    constraint_and_effective_size,
    degrees,
    gini,
    leiden,
    pagerank,
    path_centrality,
)

KEYS = None


@settings(max_examples=30, deadline=None)
@given(cases())
def test_analysis_agrees_with_each_measure_and_serialises(case: Case) -> None:
    global KEYS
    g = case.graph()
    res = analyze(g, seed=3)
    a = res.actors
    np.testing.assert_array_equal(a.degree, degrees(g).degree)
    np.testing.assert_array_equal(a.pagerank, pagerank(g))
    pc = path_centrality(g, seed=3)
    np.testing.assert_array_equal(a.betweenness, pc.betweenness)
    np.testing.assert_array_equal(a.closeness, pc.closeness)
    cons, esize = constraint_and_effective_size(g)
    np.testing.assert_array_equal(a.constraint, cons)
    np.testing.assert_array_equal(a.effective_size, esize)
    np.testing.assert_array_equal(a.liaison, brokerage_roles(g).liaison)
    np.testing.assert_array_equal(a.community, leiden(g, seed=3).membership)
    assert res.method.paths == "exact" and res.method.sources == 0
    assert res.method.brokerage_reading == (
        "directed" if g.directed else "undirected_as_both_directions"
    )
    np.testing.assert_array_equal(res.network.isolates, np.flatnonzero(a.degree == 0))
    d = res.to_dict()
    text = json.dumps(d, allow_nan=False)  # NaN must have become null
    assert json.loads(text)["network"]["n_actors"] == g.n
    shape = (sorted(d), sorted(d["actors"]), sorted(d["network"]), sorted(d["method"]))
    if KEYS is None:
        KEYS = shape
    assert shape == KEYS  # the same keys whatever the graph
    for column in d["actors"].values():
        assert len(column) == g.n


def test_summary_figures_on_a_small_network() -> None:
    sectors = ["business", "business", "health", "health", "government", ""]
    joined = [dt.date(2020, 1, 1)] * 4 + [dt.date(2024, 5, 1), dt.date(2024, 6, 1)]
    actors = Actors.create(["b1", "b2", "h1", "h2", "g1", "x"], sector=sectors, joined=joined)
    ties = Ties.create([0, 1, 2, 1], [1, 2, 3, 3], type="collaborated")
    res = analyze(
        build_graph(actors, ties),
        opportunity={"engagements": [3, 1, 0, 0, 0, 2]},
        as_of=dt.date(2024, 6, 30),
    )
    net = res.network
    assert net.n_actors == 6 and net.n_edges == 4 and net.density == 4 / 15
    assert net.n_components == 3 and net.largest_component == 4
    assert net.sectors == ("business", "government", "health")
    np.testing.assert_array_equal(net.mixing_counts, [[2, 0, 2], [0, 0, 0], [2, 0, 2]])
    assert net.cross_sector_edges == 2 and net.cross_sector_share == 0.5
    # b2–h1 and b2–h2 are cross-sector; no tie is a bridge inside the b2/h1/h2 triangle,
    # b1–b2 is a bridge but within one sector
    assert net.sector_bridges.shape == (0, 2)
    ids = res.actors.id
    assert ids[net.isolates].tolist() == ["g1", "x"]
    assert ids[net.newcomers].tolist() == ["g1", "x"]
    assert ids[net.newcomers_unconnected].tolist() == ["g1", "x"]
    opp = net.opportunity["engagements"]
    assert opp["gini"] == gini([3, 1, 0, 0, 0, 2])
    assert opp["gini_by_group"]["business"] == gini([3, 1])
    assert res.actors.cross_sector_ties.tolist() == [0, 2, 1, 1, 0, 0]
    d = res.to_dict()
    assert d["network"]["isolates"] == ["g1", "x"]
    assert d["network"]["as_of"] == "2024-06-30"
    assert d["actors"]["constraint"][4] is None


def test_sector_bridges_name_the_actors_holding_them() -> None:
    actors = Actors.create(
        ["a", "b", "c", "d"], sector=["business", "business", "health", "health"]
    )
    ties = Ties.create([0, 1, 2], [1, 2, 3], type="x")
    res = analyze(build_graph(actors, ties))
    assert res.to_dict()["network"]["sector_bridges"] == [["b", "c"]]
    assert res.actors.id[res.network.bridge_holders].tolist() == ["b", "c"]


def test_large_components_are_sampled_and_say_so() -> None:
    rng = np.random.default_rng(0)
    n = 400
    src = np.concatenate([np.arange(n), rng.integers(0, n, 600)])
    dst = np.concatenate([(np.arange(n) + 1) % n, rng.integers(0, n, 600)])
    g = build_graph(Actors.create(range(n)), Ties.create(src, dst, type="x"))
    res = analyze(g, exact_betweenness_limit=100, samples=50)
    assert res.method.paths == "sampled" and res.method.sources == 50
    assert 0 < res.method.betweenness_error_bound < 1 and res.method.confidence == 0.95
    assert (res.actors.betweenness_se > 0).any()
    assert set(res.timings) >= {"pagerank", "betweenness_closeness", "communities", "brokerage"}
