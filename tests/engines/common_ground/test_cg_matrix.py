"""VoteMatrix: last vote counts, passes are not missing, bad input refused; validate_vote."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coalition.engines.common_ground import Moderation, VoteMatrix, VoteRefused, validate_vote

votes_strategy = st.lists(
    st.tuples(
        st.integers(0, 6),
        st.integers(0, 5),
        st.sampled_from([-1, 0, 1]),
        st.integers(0, 4),  # few distinct timestamps, so ties happen
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(votes_strategy)
def test_last_vote_by_timestamp_then_order(votes: list[tuple[int, int, int, int]]) -> None:
    expected: dict[tuple[int, int], tuple[int, int]] = {}
    for p, s, v, ts in votes:
        if (p, s) not in expected or ts >= expected[(p, s)][0]:
            expected[(p, s)] = (ts, v)
    m = VoteMatrix.from_votes(votes, n_participants=7, n_statements=6)
    dense = m.to_dense()
    for p in range(7):
        for s in range(6):
            if (p, s) in expected:
                assert dense[p, s] == expected[(p, s)][1]
            else:
                assert math.isnan(dense[p, s])
    assert m.nnz == len(expected)
    assert np.all(np.diff(m.indptr) >= 0)
    for p in range(7):
        cols, _ = m.votes_of(p)
        assert np.all(np.diff(cols) > 0)


def test_without_timestamps_the_later_vote_wins() -> None:
    m = VoteMatrix.from_votes([(0, 0, 1), (0, 0, -1), (1, 0, 0)])
    assert m.to_dense().tolist()[0] == [-1.0]
    assert m.to_dense()[1, 0] == 0.0  # a pass is a vote, not a missing entry
    assert m.seen().sum() == 2
    assert m.participant_vote_counts().tolist() == [1, 1]


def test_out_of_order_timestamps() -> None:
    m = VoteMatrix.from_votes([(0, 0, 1, 30), (0, 0, -1, 20)])
    assert m.to_dense()[0, 0] == 1.0


def test_counts() -> None:
    m = VoteMatrix.from_votes([(0, 0, 1), (1, 0, -1), (2, 0, 0), (2, 1, 1)])
    agree, disagree, seen = m.statement_counts()
    assert agree.tolist() == [1, 1]
    assert disagree.tolist() == [1, 0]
    assert seen.tolist() == [3, 1]


@pytest.mark.parametrize(
    ("votes", "kwargs", "message"),
    [
        ([(0, 0, 2)], {}, "-1, 0 or 1"),
        ([(-1, 0, 1)], {}, "non-negative"),
        ([(3, 0, 1)], {"n_participants": 2}, "beyond n_participants"),
        ([(0, 5, 1)], {"n_statements": 2}, "beyond n_statements"),
    ],
)
def test_bad_votes_are_refused(votes: list, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        VoteMatrix.from_votes(votes, **kwargs)


def test_from_labelled_keeps_given_order_and_labels() -> None:
    m = VoteMatrix.from_labelled(
        [("bob", "s2", 1, 1.0), ("ann", "s1", -1, 2.0)],
        participant_ids=["ann", "bob", "cid"],
        statement_ids=["s1", "s2", "s3"],
    )
    assert m.participant_ids == ("ann", "bob", "cid")
    assert m.statement_ids == ("s1", "s2", "s3")
    assert (m.n_participants, m.n_statements) == (3, 3)
    assert m.to_dense()[1, 1] == 1.0 and m.to_dense()[0, 0] == -1.0
    with pytest.raises(KeyError):
        VoteMatrix.from_labelled([("zed", "s1", 1, 0.0)], participant_ids=["ann"])


def test_from_labelled_first_appearance_order() -> None:
    m = VoteMatrix.from_labelled([("b", 7, 1, 0), ("a", 3, 0, 0), ("b", 3, -1, 0)])
    assert m.participant_ids == ("b", "a")
    assert m.statement_ids == (7, 3)
    assert np.nan_to_num(m.to_dense(), nan=9).tolist() == [[1, -1], [9, 0]]


# -- validate_vote -----------------------------------------------------------------------


@pytest.mark.parametrize("value", [-1, 0, 1, np.int8(1)])
@pytest.mark.parametrize("state", [Moderation.accepted, Moderation.unmoderated, 1, 0])
def test_valid_votes(state: Moderation | int, value: int) -> None:
    assert validate_vote(state, value) == int(value)


@pytest.mark.parametrize(
    ("state", "value", "reason", "strict"),
    [
        (None, 1, "unknown_statement", False),
        (7, 1, "unknown_statement", False),
        (Moderation.out, 1, "moderated_out", False),
        (-1, 0, "moderated_out", False),
        (Moderation.unmoderated, 1, "not_moderated", True),
        (Moderation.accepted, 2, "bad_value", False),
        (Moderation.accepted, True, "bad_value", False),
        (Moderation.accepted, 1.0, "bad_value", False),
        (Moderation.accepted, "1", "bad_value", False),
    ],
)
def test_refused_votes(state: object, value: object, reason: str, strict: bool) -> None:
    with pytest.raises(VoteRefused) as info:
        validate_vote(state, value, strict_moderation=strict)  # type: ignore[arg-type]
    assert info.value.reason == reason
    assert info.value.message


def test_strict_moderation_accepts_accepted() -> None:
    assert validate_vote(Moderation.accepted, -1, strict_moderation=True) == -1
