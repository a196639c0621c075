"""The report's engine: participation over time, divisiveness, topics of statements."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coalition.engines.common_ground.report import (
    DAY_MS,
    divisiveness,
    most_divisive,
    participation_over_time,
    statement_topics,
)

START = 1_600_000_000_000


RELAXED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RELAXED
@given(
    st.lists(st.integers(min_value=START, max_value=START + 400 * DAY_MS), max_size=60),
    st.integers(min_value=1, max_value=90),
)
def test_timeline_counts_everyone_once_in_order(first: list[int], max_points: int) -> None:
    points = participation_over_time(first, max_points=max_points)
    if not first:
        assert points == []
        return
    assert len(points) <= max_points
    assert sum(p.new for p in points) == len(first) == points[-1].total
    assert all(
        a.total <= b.total and a.end_ms == b.start_ms
        for a, b in zip(points, points[1:], strict=False)
    )
    assert points[0].start_ms <= min(first) < points[0].end_ms
    assert points[-1].start_ms <= max(first) < points[-1].end_ms
    for p in points:  # each period's newcomers are exactly the first votes that fall in it
        assert p.new == sum(1 for ms in first if p.start_ms <= ms < p.end_ms)


def test_timeline_by_day() -> None:
    day = START // DAY_MS * DAY_MS
    points = participation_over_time([day + 5, day + 10, day + 2 * DAY_MS])
    assert [(p.new, p.total) for p in points] == [(2, 2), (0, 2), (1, 3)]


shares = st.floats(min_value=0, max_value=1, allow_nan=False)


@RELAXED
@given(
    st.integers(min_value=1, max_value=5).flatmap(
        lambda g: st.integers(min_value=0, max_value=12).flatmap(
            lambda n: st.tuples(
                st.lists(st.lists(shares, min_size=n, max_size=n), min_size=g, max_size=g),
                st.lists(st.lists(shares, min_size=n, max_size=n), min_size=g, max_size=g),
                st.lists(
                    st.lists(st.integers(0, 20), min_size=n, max_size=n), min_size=g, max_size=g
                ),
            )
        )
    )
)
def test_divisiveness_is_the_range_of_net_agreement(arrays: tuple[list, list, list]) -> None:
    agree, disagree, seen = (np.array(a, dtype=float) for a in arrays)
    disagree = np.minimum(disagree, 1 - agree)
    scores = divisiveness(agree, disagree, seen)
    assert scores.shape == (agree.shape[1],)
    assert ((scores >= 0) & (scores <= 2)).all()
    for j in range(agree.shape[1]):
        nets = [agree[g, j] - disagree[g, j] for g in range(agree.shape[0]) if seen[g, j] >= 3]
        expected = max(nets) - min(nets) if len(nets) >= 2 else 0.0
        assert abs(scores[j] - expected) < 1e-9
    picked = most_divisive(scores, limit=3, threshold=0.2)
    assert len(picked) <= 3 and all(scores[j] >= 0.2 for j in picked)
    assert [scores[j] for j in picked] == sorted((scores[j] for j in picked), reverse=True)


def test_split_statement_is_most_divisive() -> None:
    agree = np.array([[0.9, 0.5, 0.8], [0.1, 0.5, 0.7]])
    disagree = np.array([[0.05, 0.2, 0.1], [0.85, 0.2, 0.1]])
    seen = np.full((2, 3), 10)
    assert most_divisive(divisiveness(agree, disagree, seen), threshold=0.5) == [0]


WORDS = ["bus", "train", "tram", "park", "tree", "garden", "rent", "housing", "landlord"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(WORDS), min_size=0, max_size=6), max_size=30))
def test_topics_partition_the_statements(words: list[list[str]]) -> None:
    texts = [" ".join(w) for w in words]
    topics = statement_topics(texts, max_topics=4)
    members = sorted(i for t in topics for i in t.members)
    assert members == list(range(len(texts)))
    for t in topics:  # a topic's terms are words of its statements
        said = {w for i in t.members for w in texts[i].split()}
        assert set(t.terms) <= said
    assert statement_topics(texts, max_topics=4) == topics  # deterministic


def test_topics_separate_distinct_subjects() -> None:
    transport = [
        "Cheaper bus fares for every commuter",
        "Bus fares should be lower at night",
        "Train fares must be cheaper for commuters",
        "Free bus fares for children",
        "Lower train and tram fares",
        "Tram fares cheaper for commuters",
    ]
    housing = [
        "Cap the rent landlords can charge",
        "Rent increases should be capped each year",
        "Landlords must register every rent contract",
        "Social housing instead of high rent",
        "Rent control for housing near the centre",
        "Landlords raising rent should explain why",
    ]
    topics = statement_topics(transport + housing, max_topics=4)
    # no topic mixes the two subjects
    assert all(max(t.members) < 6 or min(t.members) >= 6 for t in topics)
    assert 2 <= len(topics) <= 4
    # given two topics, they are the two subjects, named by their words
    two = statement_topics(transport + housing, max_topics=2)
    assert sorted(sorted(t.members) for t in two) == [list(range(6)), list(range(6, 12))]
    assert {t.terms[0] for t in two} == {"fares", "rent"}
