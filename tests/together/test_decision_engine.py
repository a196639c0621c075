"""Property tests of the decision tallies (engines/decisions.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from coalition.engines.decisions import tally_choose, tally_consent, tally_rank, tally_score

POSITIONS = st.lists(st.sampled_from(["agree", "abstain", "disagree", "block"]), max_size=30)


@given(POSITIONS)
def test_consent_never_passes_with_a_block(positions: list[str]) -> None:
    result = tally_consent(positions)
    assert result.blocked == ("block" in positions)
    if result.blocked:
        assert not result.passes
    else:
        assert result.passes == (positions.count("agree") > positions.count("disagree"))
    assert sum(result.counts.values()) == len(positions)


@given(
    st.integers(2, 6).flatmap(
        lambda n: st.tuples(st.just(n), st.lists(st.integers(0, n - 1), max_size=30))
    )
)
def test_choose_counts_every_vote(case: tuple[int, list[int]]) -> None:
    n, choices = case
    options = [f"o{i}" for i in range(n)]
    result = tally_choose(options, choices)
    assert sum(result.counts.values()) == len(choices)
    if result.leader is not None:
        assert result.counts[result.leader] == max(result.counts.values())


@given(
    st.integers(2, 6).flatmap(
        lambda n: st.tuples(st.just(n), st.lists(st.permutations(range(n)), max_size=20))
    )
)
def test_borda_total_is_fixed_per_full_ranking(case: tuple[int, list[list[int]]]) -> None:
    n, rankings = case
    result = tally_rank([f"o{i}" for i in range(n)], rankings)
    assert sum(result.counts.values()) == len(rankings) * n * (n - 1) // 2


@given(
    st.integers(2, 5).flatmap(
        lambda n: st.tuples(
            st.just(n), st.lists(st.lists(st.integers(0, 5), min_size=n, max_size=n), max_size=20)
        )
    )
)
def test_score_means_stay_in_range(case: tuple[int, list[list[int]]]) -> None:
    n, scores = case
    result = tally_score([f"o{i}" for i in range(n)], scores)
    assert all(0 <= v <= 5 for v in result.counts.values())
    assert result.passes == (result.leader is not None)


def test_a_unanimous_rank_wins() -> None:
    assert tally_rank(["a", "b", "c"], [[2, 0, 1]] * 3).leader == "c"
