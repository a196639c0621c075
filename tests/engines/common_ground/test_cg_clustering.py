"""Who is clustered, base and group k-means, k by silhouette, determinism."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from coalition.engines.common_ground import cluster_participants, pca_project, select_in_conv


def test_in_conv_threshold_is_capped_by_statement_count() -> None:
    counts = np.array([7, 6, 3, 0] + [10] * 20)
    assert select_in_conv(counts, 50)[:4].tolist() == [True, False, False, False]
    # with only 3 statements voted on, 3 votes are enough
    assert select_in_conv(counts, 3)[:4].tolist() == [True, True, True, False]


def test_in_conv_greedy_fills_to_fifteen_most_active_voters() -> None:
    counts = np.array([9, 1, 5, 0, 5, 2, 3, 8])
    inside = select_in_conv(counts, 40)
    # everyone who voted is in (fewer than 15 voters); the non-voter is not
    assert inside.tolist() == [True, True, True, False, True, True, True, True]
    counts = np.array([9] * 14 + [1, 2, 3, 0])
    inside = select_in_conv(counts, 40)
    assert inside.sum() == 15 and inside[16]  # the most active of the rest: 3 votes


def test_in_conv_keeps_earlier_members() -> None:
    counts = np.array([10] * 20 + [1])
    assert not select_in_conv(counts, 40)[20]
    assert select_in_conv(counts, 40, keep={20})[20]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=40), st.integers(1, 60))
def test_in_conv_rule(counts: list[int], n_statements: int) -> None:
    c = np.array(counts)
    inside = select_in_conv(c, n_statements)
    qualified = (c >= min(7, n_statements)) & (c > 0)
    assert np.all(inside[qualified])
    assert not np.any(inside[c == 0])
    voters = int((c > 0).sum())
    assert inside.sum() == max(int(qualified.sum()), min(15, voters))
    if inside.sum() > qualified.sum():  # greedy additions are the most active
        assert c[inside].min() >= c[~inside & (c > 0)].max(initial=0)


def test_planted_groups_are_found(planted: Callable) -> None:
    p = planted(n_groups=3, per_group=50)
    proj = pca_project(p.matrix)
    inside = select_in_conv(p.matrix.participant_vote_counts(), p.matrix.n_statements)
    c = cluster_participants(proj.positions, inside, seed=0)
    assert c.k == 3
    assert adjusted_rand_score(p.groups, c.labels) > 0.95
    assert sorted(c.silhouettes) == [2, 3, 4, 5]
    assert max(c.silhouettes, key=c.silhouettes.get) == 3
    # ids by size, members add up
    sizes = np.bincount(c.labels[c.labels >= 0])
    assert np.all(np.diff(sizes) <= 0)
    assert c.base_weights.sum() == inside.sum()
    assert np.all(c.base_groups[c.base_labels[inside]] == c.labels[inside])


def test_same_seed_same_clustering_and_force_k(planted: Callable) -> None:
    p = planted(n_groups=2, per_group=60, seed=4)
    proj = pca_project(p.matrix)
    inside = np.ones(p.matrix.n_participants, dtype=bool)
    a = cluster_participants(proj.positions, inside, seed=7)
    b = cluster_participants(proj.positions, inside, seed=7)
    assert np.array_equal(a.labels, b.labels) and a.silhouettes == b.silhouettes
    forced = cluster_participants(proj.positions, inside, seed=7, force_k=4)
    assert forced.k == 4 and list(forced.silhouettes) == [4]


def test_too_few_participants_means_no_groups() -> None:
    positions = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    c = cluster_participants(positions, np.array([True, False, False]))
    assert c.k == 0 and np.all(c.labels == -1)
    same = cluster_participants(np.zeros((5, 2)), np.ones(5, dtype=bool))
    assert same.k == 0  # one distinct point cannot be grouped


def test_max_k_grows_with_base_clusters() -> None:
    rng = np.random.default_rng(1)
    positions = rng.normal(size=(30, 2))
    c = cluster_participants(positions, np.ones(30, dtype=bool), base_k=20)
    # Polis: max k = min(5, 2 + n_base // 12) = min(5, 2 + 20 // 12) = 3
    assert sorted(c.silhouettes) == [2, 3]
