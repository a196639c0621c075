"""Sampled betweenness and closeness: unbiased, within their stated error, reproducible."""

from __future__ import annotations

import numpy as np
import pytest

from coalition.engines.network import Actors, Ties, build_graph, path_centrality


def _graph(n: int, m: int, *, directed: bool, seed: int):
    rng = np.random.default_rng(seed)
    # a ring keeps one large component; random chords make it small-world
    src = np.concatenate([np.arange(n), rng.integers(0, n, m)])
    dst = np.concatenate([(np.arange(n) + 1) % n, rng.integers(0, n, m)])
    if directed:
        back = rng.random(len(src)) < 0.5
        src, dst = np.where(back, dst, src), np.where(back, src, dst)
    actors = Actors.create(range(n + 5))  # five isolates: exact (size-1 components)
    return build_graph(actors, Ties.create(src, dst, type="x"), directed=directed)


@pytest.mark.parametrize("directed", [False, True])
def test_sampled_estimates_are_close_to_exact_and_honest_about_error(directed: bool) -> None:
    g = _graph(1200, 2400, directed=directed, seed=1)
    exact = path_centrality(g, exact_limit=10_000)
    est = path_centrality(g, exact_limit=100, samples=150, seed=3)
    big = ~est.exact
    assert big.sum() >= 1200 and est.exact[-5:].all() and est.n_sources == 150
    assert 0 < est.error_bound < 1
    err_b = np.abs(est.betweenness - exact.betweenness)
    # the Hoeffding bound holds per actor with probability ≥ 95%
    assert (err_b[big] <= est.error_bound).mean() >= 0.95
    # the standard errors are the sample estimate: dependencies are skewed, so ±3 SE
    # covers somewhat less than a normal 99.7% (see the calibration test below)
    se = est.betweenness_se[big]
    assert (se > 0).mean() > 0.9
    assert (err_b[big] <= 3 * se + 1e-12).mean() >= 0.75
    err_c = np.abs(est.closeness - exact.closeness)
    assert (err_c[big] <= 3 * est.closeness_se[big] + 1e-12).mean() >= 0.9
    assert np.corrcoef(est.closeness[big], exact.closeness[big])[0, 1] > 0.95
    assert np.corrcoef(est.betweenness[big], exact.betweenness[big])[0, 1] > 0.8
    # isolates are exact zeros
    assert (est.betweenness[-5:] == 0).all() and (est.closeness[-5:] == 0).all()


def test_betweenness_estimator_is_unbiased_over_seeds() -> None:
    g = _graph(600, 900, directed=False, seed=2)
    exact = path_centrality(g, exact_limit=10_000).betweenness
    mean = np.mean(
        [path_centrality(g, exact_limit=10, samples=40, seed=s).betweenness for s in range(30)],
        axis=0,
    )
    # total betweenness is an average of 30 × 40 sources: within 3% of the exact total
    assert abs(mean.sum() - exact.sum()) / exact.sum() < 0.03
    top = np.argsort(-exact)[:20]
    assert np.all(np.abs(mean[top] - exact[top]) / exact[top] < 0.25)


def test_standard_errors_are_calibrated_against_repeated_sampling() -> None:
    """Reported SE vs the spread of estimates over 30 seeds: close, slightly optimistic."""
    g = _graph(600, 1200, directed=False, seed=1)
    runs = [path_centrality(g, exact_limit=10, samples=60, seed=s) for s in range(30)]
    spread = np.std([r.betweenness for r in runs], axis=0)
    reported = np.mean([r.betweenness_se for r in runs], axis=0)
    varies = spread > 0
    assert varies.mean() > 0.8
    ratio = np.median(reported[varies] / spread[varies])
    assert 0.7 < ratio < 1.1
    c_spread = np.std([r.closeness for r in runs], axis=0)[varies]
    c_ratio = np.median(np.mean([r.closeness_se for r in runs], axis=0)[varies] / c_spread)
    assert 0.7 < c_ratio < 1.3


def test_sampling_is_reproducible_by_seed() -> None:
    g = _graph(400, 600, directed=False, seed=4)
    a = path_centrality(g, exact_limit=10, samples=30, seed=7)
    b = path_centrality(g, exact_limit=10, samples=30, seed=7)
    c = path_centrality(g, exact_limit=10, samples=30, seed=8)
    np.testing.assert_array_equal(a.betweenness, b.betweenness)
    np.testing.assert_array_equal(a.closeness, b.closeness)
    assert not np.array_equal(a.betweenness, c.betweenness)


def test_weighted_sampling_uses_inverse_strength_paths() -> None:
    rng = np.random.default_rng(5)
    n = 300
    src = np.concatenate([np.arange(n), rng.integers(0, n, 500)])
    dst = np.concatenate([(np.arange(n) + 1) % n, rng.integers(0, n, 500)])
    w = rng.uniform(0.5, 3.0, len(src))
    g = build_graph(Actors.create(range(n)), Ties.create(src, dst, type="x", weight=w))
    exact = path_centrality(g, exact_limit=10_000, weighted=True)
    est = path_centrality(g, exact_limit=10, samples=80, weighted=True, seed=1)
    assert np.corrcoef(est.betweenness, exact.betweenness)[0, 1] > 0.9
    err = np.abs(est.betweenness - exact.betweenness)
    assert (err <= 3 * est.betweenness_se + 1e-12).mean() >= 0.75


def test_batch_size_does_not_change_the_result() -> None:
    g = _graph(300, 500, directed=True, seed=6)
    a = path_centrality(g, exact_limit=10, samples=50, seed=2, batch=7)
    b = path_centrality(g, exact_limit=10, samples=50, seed=2, batch=50)
    np.testing.assert_allclose(a.betweenness, b.betweenness, rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(a.closeness, b.closeness, rtol=1e-12)
