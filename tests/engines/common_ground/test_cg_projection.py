"""PCA projection: equals scikit-learn PCA on the mean-filled dense matrix + Polis scaling."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sklearn.decomposition import PCA

from coalition.engines.common_ground import VoteMatrix, pca_project


def _dense_reference(
    dense: np.ndarray, zeroed: list[int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """red-dwarf's pipeline on a dense matrix: zero columns, mean-impute, PCA(2), scale."""
    x = dense[:, ~np.all(np.isnan(dense), axis=0)].copy()
    cols = np.flatnonzero(~np.all(np.isnan(dense), axis=0))
    for j in zeroed:
        if j in cols:
            x[:, np.flatnonzero(cols == j)[0]] = 0.0
    n_votes = np.sum(~np.isnan(x), axis=1)
    means = np.nanmean(x, axis=0)
    filled = np.where(np.isnan(x), means, x)
    pca = PCA(svd_solver="full").fit(filled)
    proj = pca.transform(filled)[:, :2] * np.sqrt(x.shape[1] / np.maximum(n_votes, 1))[:, None]
    comps = np.zeros((2, dense.shape[1]))
    comps[:, cols] = pca.components_[:2]
    return proj, comps, np.r_[pca.singular_values_, 0.0, 0.0]


@st.composite
def dense_matrices(draw: st.DrawFn) -> np.ndarray:
    n = draw(st.integers(6, 25))
    m = draw(st.integers(4, 10))
    seed = draw(st.integers(0, 10_000))
    rate = draw(st.floats(0.3, 1.0))
    rng = np.random.default_rng(seed)
    values = rng.integers(-1, 2, size=(n, m)).astype(float)
    values[rng.random((n, m)) > rate] = np.nan
    return values


@pytest.mark.filterwarnings("ignore:invalid value encountered in divide")  # sklearn's ratio
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(dense_matrices(), st.lists(st.integers(0, 9), max_size=2))
def test_matches_dense_pca_with_sparsity_scaling(dense: np.ndarray, zeroed: list[int]) -> None:
    rows, cols = np.nonzero(~np.isnan(dense))
    matrix = VoteMatrix.from_arrays(
        rows,
        cols,
        dense[rows, cols].astype(int),
        n_participants=dense.shape[0],
        n_statements=dense.shape[1],
    )
    zeroed = [j for j in zeroed if j < dense.shape[1]]
    expected, comps, sv = _dense_reference(dense, zeroed)
    # components are defined up to sign, and only when the spectrum separates them
    assume(sv[0] - sv[1] > 1e-2 and sv[1] - sv[2] > 1e-2)
    got = pca_project(matrix, zeroed=zeroed)
    for c in range(2):
        assert abs(abs(got.components[c] @ comps[c]) - 1) < 1e-8
        sign = np.sign(got.components[c] @ comps[c])
        assert np.allclose(got.positions[:, c] * sign, expected[:, c], atol=1e-8)


def test_zeroed_statement_counts_as_answered_but_carries_no_weight() -> None:
    votes = [(0, 0, 1), (0, 1, -1), (1, 0, -1), (1, 1, 1), (2, 0, 1), (2, 2, 1), (3, 2, -1)]
    matrix = VoteMatrix.from_votes(votes)
    free = pca_project(matrix)
    zeroed = pca_project(matrix, zeroed=[2])
    # participant 0 voted on 2 live statements and "answered" the zeroed one: 3 of 3 columns
    centred = np.array([1.0, -1.0]) - zeroed.center[:2]
    assert np.allclose(zeroed.positions[0], zeroed.components[:, :2] @ centred * np.sqrt(3 / 3))
    # participant 3 only voted on the zeroed statement: 1 "vote", at the origin
    assert np.allclose(zeroed.positions[3], 0.0)
    assert zeroed.zeroed.tolist() == [False, False, True]
    assert np.allclose(zeroed.components[:, 2], 0.0)
    assert zeroed.center[2] == 0.0
    assert not np.allclose(free.components[:, 2], 0.0)
    assert zeroed.extremity[2] == 0.0


def test_participant_without_votes_sits_at_origin_and_unvoted_statement_is_inactive() -> None:
    matrix = VoteMatrix.from_votes(
        [(0, 0, 1), (0, 1, 1), (1, 0, -1), (1, 1, -1), (2, 0, 1), (2, 1, -1)],
        n_participants=4,
        n_statements=3,
    )
    proj = pca_project(matrix)
    assert proj.positions[3].tolist() == [0.0, 0.0]
    assert proj.active.tolist() == [True, True, False]
    assert proj.extremity[2] == 0.0


def test_statement_extremity_is_norm_of_agree_only_projection() -> None:
    rng = np.random.default_rng(3)
    votes = [(p, s, int(rng.integers(-1, 2))) for p in range(30) for s in range(6)]
    matrix = VoteMatrix.from_votes(votes)
    proj = pca_project(matrix)
    for j in range(6):
        virtual = (1.0 - proj.center[j]) * proj.components[:, j] * np.sqrt(6)
        assert np.allclose(proj.statement_positions[j], virtual)
        assert np.isclose(proj.extremity[j], np.linalg.norm(virtual))


def test_seeded_projection_is_deterministic_and_solvers_agree() -> None:
    rng = np.random.default_rng(5)
    groups = rng.integers(0, 2, 400)
    votes = [
        (p, s, 1 if (groups[p] == 1) == (s % 2 == 0) else -1)
        for p in range(400)
        for s in range(40)
        if rng.random() < 0.5
    ]
    matrix = VoteMatrix.from_votes(votes)
    a = pca_project(matrix, seed=1, svd_solver="arpack")
    b = pca_project(matrix, seed=1, svd_solver="arpack")
    c = pca_project(matrix, seed=1, svd_solver="randomized")
    assert np.array_equal(a.positions, b.positions)
    assert np.allclose(np.abs(a.components[0]), np.abs(c.components[0]), atol=1e-6)
