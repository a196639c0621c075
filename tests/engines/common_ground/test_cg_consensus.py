"""Group-informed consensus, comment priority and next-statement routing."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coalition.engines.common_ground import (
    VoteMatrix,
    comment_priorities,
    group_informed_consensus,
    next_statement_from,
)


@st.composite
def labelled_votes(draw: st.DrawFn) -> tuple[VoteMatrix, list[int], int]:
    n = draw(st.integers(1, 15))
    m = draw(st.integers(1, 5))
    k = draw(st.integers(1, 4))
    cells = draw(
        st.lists(
            st.tuples(
                st.integers(0, n - 1),
                st.integers(0, m - 1),
                st.sampled_from([-1, 0, 1]),
                st.integers(0, 3),
            ),
            max_size=60,
        )
    )
    labels = draw(st.lists(st.integers(-1, k - 1), min_size=n, max_size=n))
    return VoteMatrix.from_votes(cells, n_participants=n, n_statements=m), labels, k


@settings(max_examples=150, deadline=None)
@given(labelled_votes(), st.sampled_from([1, -1]))
def test_gic_is_the_product_over_groups(case: tuple, vote: int) -> None:
    matrix, labels, k = case
    dense = matrix.to_dense()
    expected = []
    for s in range(matrix.n_statements):
        product = 1.0
        for g in range(k):
            column = dense[[i for i, lab in enumerate(labels) if lab == g], s]
            hits = int(np.sum(column == vote))
            seen = int(np.sum(~np.isnan(column)))
            product *= (hits + 1.0) / (seen + 2.0)
        expected.append(product)
    got = group_informed_consensus(matrix, labels, k, vote=vote)
    assert got.tolist() == expected  # same operations in the same order: exact


def test_gic_rejects_bad_input() -> None:
    m = VoteMatrix.from_votes([(0, 0, 1)])
    with pytest.raises(ValueError):
        group_informed_consensus(m, [0, 1])
    with pytest.raises(ValueError):
        group_informed_consensus(m, [0], vote=0)
    assert group_informed_consensus(m, [-1]).tolist() == [1.0]  # no groups: empty product


def test_priority_formula_and_meta() -> None:
    # statement 0: 3 agree, 1 pass, 1 disagree among voters; participant 5 does not count
    votes = [(0, 0, 1), (1, 0, 1), (2, 0, 1), (3, 0, 0), (4, 0, -1), (5, 0, -1), (0, 1, 1)]
    m = VoteMatrix.from_votes(votes)
    voters = np.array([True] * 5 + [False])
    extremity = np.array([0.5, 2.0])
    got = comment_priorities(m, voters, extremity, np.array([False, True]))
    a, p, s = 4 / 7, 2 / 7, 5
    importance = (1 - p) * (0.5 + 1) * a
    assert got[0] == pytest.approx((importance * (1 + 8 * 2 ** (-s / 5))) ** 2)
    assert got[1] == 49.0


def test_new_statements_bubble_up() -> None:
    votes = [(p, 0, 1) for p in range(40)]
    m = VoteMatrix.from_votes(votes, n_statements=2)
    got = comment_priorities(m, np.ones(40, dtype=bool), np.zeros(2), np.zeros(2, dtype=bool))
    assert got[1] > got[0]  # unseen statement: newness factor 9


def test_next_statement_skips_voted_and_ineligible() -> None:
    priorities = np.array([100.0, 1.0, 5.0, 0.0])
    eligible = np.array([True, True, False, True])
    for seed in range(30):
        choice = next_statement_from(priorities, [0], eligible, seed)
        assert choice in (1, 3)
    assert next_statement_from(priorities, [0, 1, 3], eligible, 0) is None
    assert next_statement_from(priorities, [1], eligible, 3) == next_statement_from(
        priorities, [1], eligible, 3
    )


def test_next_statement_follows_priority() -> None:
    priorities = np.array([1.0, 9.0])
    rng = np.random.default_rng(0)
    counts = Counter(
        next_statement_from(priorities, [], np.ones(2, dtype=bool), rng) for _ in range(2000)
    )
    assert 0.85 < counts[1] / 2000 < 0.95  # expected 0.9
