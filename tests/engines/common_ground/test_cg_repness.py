"""Repness z-tests, per-group statistics and Polis's selection rules."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coalition.engines.common_ground import (
    VoteMatrix,
    consensus_stats,
    group_stats,
    select_consensus,
    select_representative,
)
from coalition.engines.common_ground.repness import prop_test, two_prop_test, z_critical


def test_z_tests_known_values() -> None:
    assert prop_test(0, 0) == pytest.approx(1.0)
    assert prop_test(9, 9) == pytest.approx(math.sqrt(10))
    assert prop_test(0, 9) == pytest.approx(2 * math.sqrt(10) * (0.1 - 0.5))
    # p1 = 10/10, p2 = 1/10, p̂ = 11/20
    expected = 0.9 / math.sqrt(0.55 * 0.45 * (1 / 10 + 1 / 10))
    assert two_prop_test(9, 0, 9, 9) == pytest.approx(expected)
    assert two_prop_test(0, 0, 0, 0) == 0.0  # p̂ = 1: Polis returns 0
    assert z_critical(0.90) == 1.2816
    with pytest.raises(ValueError):
        z_critical(1.5)


@st.composite
def labelled_votes(draw: st.DrawFn) -> tuple[VoteMatrix, np.ndarray, int]:
    n = draw(st.integers(2, 20))
    m = draw(st.integers(1, 6))
    k = draw(st.integers(1, 3))
    cells = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, m - 1), st.sampled_from([-1, 0, 1])),
            max_size=80,
        )
    )
    labels = np.array(draw(st.lists(st.integers(-1, k - 1), min_size=n, max_size=n)))
    return VoteMatrix.from_votes(cells, n_participants=n, n_statements=m), labels, k


@settings(max_examples=100, deadline=None)
@given(labelled_votes())
def test_group_stats_match_a_direct_count(case: tuple[VoteMatrix, np.ndarray, int]) -> None:
    matrix, labels, k = case
    dense = matrix.to_dense()
    stats = group_stats(matrix, labels, k)
    for g in range(k):
        inside = dense[labels == g]
        rest = dense[(labels >= 0) & (labels != g)]
        for s in range(matrix.n_statements):
            na, nd = int(np.sum(inside[:, s] == 1)), int(np.sum(inside[:, s] == -1))
            ns = int(np.sum(~np.isnan(inside[:, s])))
            ra_, rd_ = int(np.sum(rest[:, s] == 1)), int(np.sum(rest[:, s] == -1))
            rs = int(np.sum(~np.isnan(rest[:, s])))
            assert (stats.na[g, s], stats.nd[g, s], stats.ns[g, s]) == (na, nd, ns)
            pa = (na + 1) / (ns + 2)
            assert stats.pa[g, s] == pytest.approx(pa)
            assert stats.ra[g, s] == pytest.approx(pa / ((ra_ + 1) / (rs + 2)))
            assert stats.rat[g, s] == pytest.approx(two_prop_test(na, ra_, ns, rs))
            assert stats.pdt[g, s] == pytest.approx(prop_test(nd, ns))
            assert stats.rd[g, s] == pytest.approx((nd + 1) / (ns + 2) / ((rd_ + 1) / (rs + 2)))


@settings(max_examples=100, deadline=None)
@given(labelled_votes(), st.integers(1, 5))
def test_representative_selection_rules(
    case: tuple[VoteMatrix, np.ndarray, int], pick_max: int
) -> None:
    matrix, labels, k = case
    stats = group_stats(matrix, labels, k)
    excluded = np.zeros(matrix.n_statements, dtype=bool)
    excluded[0] = True
    reps = select_representative(stats, excluded, pick_max=pick_max)
    z = z_critical(0.90)
    assert len(reps) == k
    for g, chosen in enumerate(reps):
        assert len(chosen) <= pick_max
        assert all(r.statement != 0 for r in chosen)
        assert len({r.statement for r in chosen}) == len(chosen)
        directions = [r.repful_for for r in chosen]
        assert directions == sorted(directions)  # agrees before disagrees
        assert sum(r.best_agree for r in chosen) <= 1
        significant = [
            r.statement
            for r in chosen
            if (stats.pat[g, r.statement] > z and stats.rat[g, r.statement] > z)
            or (stats.pdt[g, r.statement] > z and stats.rdt[g, r.statement] > z)
        ]
        if len(chosen) > 1:
            # apart from the best-agree head, every pick passed both tests
            assert all(r.statement in significant for r in chosen if not r.best_agree)
        for r in chosen:  # reported direction is the one with the larger repness test
            a, d = stats.rat[g, r.statement], stats.rdt[g, r.statement]
            assert r.repful_for == ("agree" if a > d else "disagree")
            assert r.repness_test == pytest.approx(max(a, d))


def test_planted_groups_are_represented_by_their_statements(planted: Callable) -> None:
    p = planted(n_groups=3, per_group=40)
    stats = group_stats(p.matrix, p.groups, 3)
    excluded = np.zeros(p.matrix.n_statements, dtype=bool)
    reps = select_representative(stats, excluded)
    owner = {int(s): int(s) % 3 for s in p.divisive}
    for g, chosen in enumerate(reps):
        assert chosen and chosen[0].best_agree and chosen[0].repful_for == "agree"
        for r in chosen:
            assert r.statement in owner
            # a group agrees with its own statements and rejects the others'
            assert (r.repful_for == "agree") == (owner[r.statement] == g)


def test_excluded_statements_are_never_selected(planted: Callable) -> None:
    p = planted(n_groups=2, per_group=30)
    stats = group_stats(p.matrix, p.groups, 2)
    excluded = np.zeros(p.matrix.n_statements, dtype=bool)
    excluded[p.divisive] = True
    excluded[p.consensus] = True
    reps = select_representative(stats, excluded)
    assert all(r.statement not in p.divisive for chosen in reps for r in chosen)
    cons = consensus_stats(p.matrix)
    agree, disagree = select_consensus(cons, excluded)
    assert all(c.statement not in p.consensus for c in agree + disagree)


def test_consensus_selection(planted: Callable) -> None:
    p = planted(n_groups=3, per_group=40)
    cons = consensus_stats(p.matrix)
    agree, disagree = select_consensus(cons, np.zeros(p.matrix.n_statements, dtype=bool))
    assert {c.statement for c in agree} == set(p.consensus.tolist())
    metric = [c.p_success * c.p_test for c in agree]
    assert metric == sorted(metric, reverse=True)
    z = z_critical(0.90)
    for c in agree:
        assert c.p_success > 0.5 and c.p_test > z
        assert c.n_success == cons.na[c.statement] and c.n_trials == cons.ns[c.statement]
    # each divisive statement is rejected by two groups of three: a disagree consensus
    assert all(c.statement in p.divisive for c in disagree)
    assert len(agree) <= 5 and len(disagree) <= 5
