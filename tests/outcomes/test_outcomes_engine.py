"""The pure statistics: worked examples, and properties that must hold for any input."""

from __future__ import annotations

import doctest
import math
import statistics
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from coalition.engines import outcomes as eng
from coalition.engines.outcomes import (
    gini,
    is_newcomer,
    lorenz_curve,
    share_below,
    spread,
    trajectory_status,
    under_recognised,
)

D0 = date(2026, 1, 1)
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
nonneg = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)


def test_docstring_examples() -> None:
    result = doctest.testmod(eng)
    assert result.attempted >= 5 and result.failed == 0


def _status(value: float, day: int, *, baseline: float = 0, target: float = 100) -> str:
    return trajectory_status(
        baseline=baseline,
        baseline_date=D0,
        target=target,
        due_date=D0 + timedelta(days=100),
        value=value,
        measured_on=D0 + timedelta(days=day),
    ).status


def test_trajectory_thresholds() -> None:
    # Halfway through the window, half the way is expected: 45 is 90 % of it, 35 is 70 %.
    assert _status(45, 50) == "on_track"
    assert _status(44.9, 50) == "at_risk"
    assert _status(35, 50) == "at_risk"
    assert _status(34.9, 50) == "off_track"
    # A metric that should fall: 100 → 0; at day 50, 55 is 90 % of the expected fall.
    assert _status(55, 50, baseline=100, target=0) == "on_track"
    assert _status(70, 50, baseline=100, target=0) == "off_track"
    # After the due date the whole way is expected.
    assert _status(90, 400) == "on_track" and _status(89, 400) == "at_risk"
    # On the baseline date nothing is expected, but moving the wrong way is off track.
    assert _status(0, 0) == "on_track" and _status(-1, 0) == "off_track"


def test_trajectory_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        _status(1, -1)
    with pytest.raises(ValueError):
        _status(1, 5, baseline=3, target=3)


@given(
    baseline=finite,
    delta=finite.filter(lambda d: abs(d) > 1e-3),
    span=st.integers(min_value=1, max_value=3000),
    day=st.integers(min_value=0, max_value=4000),
    share=st.floats(min_value=-2, max_value=3, allow_nan=False),
)
def test_trajectory_properties(
    baseline: float, delta: float, span: int, day: int, share: float
) -> None:
    target = baseline + delta
    assume(target != baseline)
    value = baseline + share * delta
    point = trajectory_status(
        baseline=baseline,
        baseline_date=D0,
        target=target,
        due_date=D0 + timedelta(days=span),
        value=value,
        measured_on=D0 + timedelta(days=day),
    )
    assert 0 <= point.expected_ratio <= 1
    assert math.isclose(point.progress_ratio, share, rel_tol=1e-6, abs_tol=1e-6)
    # The status is the rule, whatever the direction of the metric.
    e, p = point.expected_ratio, point.progress_ratio
    expected = "on_track" if p >= 0.9 * e else "at_risk" if p >= 0.7 * e else "off_track"
    assert point.status == expected
    # Reaching the line itself is always on track.
    on_line = trajectory_status(
        baseline=baseline,
        baseline_date=D0,
        target=target,
        due_date=D0 + timedelta(days=span),
        value=point.expected_value,
        measured_on=D0 + timedelta(days=day),
    )
    assert on_line.progress_ratio >= 0.9 * on_line.expected_ratio - 1e-9


@given(
    st.lists(finite, min_size=2, max_size=60),
    st.floats(min_value=-1e3, max_value=1e3, allow_nan=False),
)
def test_spread_properties(values: list[float], shift: float) -> None:
    s = spread(values)
    assert s.n == len(values)
    assert min(values) <= s.mean + 1e-6 * (1 + abs(s.mean)) and s.mean <= max(values) + 1e-3
    assert s.sd >= 0
    # Population SD never exceeds half the range (Popoviciu's inequality).
    assert s.sd <= s.range / 2 + 1e-6 * (1 + s.range)
    assert math.isclose(s.sd, statistics.pstdev(values), rel_tol=1e-6, abs_tol=1e-6)
    moved = spread([v + shift for v in values])
    assert math.isclose(moved.sd, s.sd, rel_tol=1e-6, abs_tol=1e-3)
    assert moved.range == pytest.approx(s.range, abs=1e-3)


@given(st.integers(min_value=1, max_value=5), st.integers(min_value=1, max_value=30))
def test_agreement_has_no_spread(rating: int, n: int) -> None:
    s = spread([rating] * n)
    assert (s.mean, s.sd, s.range) == (rating, 0.0, 0)


def test_spread_example() -> None:
    s = spread([1, 1, 5, 5])
    assert (s.mean, s.sd, s.minimum, s.maximum, s.range) == (3.0, 2.0, 1, 5, 4)
    with pytest.raises(ValueError):
        spread([])


@given(st.lists(nonneg, min_size=1, max_size=80), st.floats(min_value=0.01, max_value=100))
def test_gini_properties(values: list[float], scale: float) -> None:
    g = gini(values)
    n = len(values)
    assert 0 <= g <= (n - 1) / n + 1e-9
    assert gini(sorted(values, reverse=True)) == pytest.approx(g, abs=1e-9)
    assert gini([v * scale for v in values]) == pytest.approx(g, abs=1e-6)
    # Same value as the mean absolute difference definition.
    total = sum(values)
    if total > 0:
        mad = sum(abs(a - b) for a in values for b in values)
        assert g == pytest.approx(mad / (2 * n * total), abs=1e-6)
    # Twice the area between the Lorenz curve and the diagonal.
    curve = lorenz_curve(values)
    area = sum((x1 - x0) * (y0 + y1) / 2 for (x0, y0), (x1, y1) in pairwise(curve))
    assert g == pytest.approx(1 - 2 * area, abs=1e-6)


def test_gini_examples() -> None:
    assert gini([]) == 0.0 and gini([0, 0]) == 0.0 and gini([3, 3, 3]) == 0.0
    assert gini([0, 0, 0, 10]) == pytest.approx(0.75)
    with pytest.raises(ValueError):
        gini([1, -1])


@given(st.lists(nonneg, min_size=1, max_size=300), st.integers(min_value=1, max_value=50))
def test_lorenz_properties(values: list[float], points: int) -> None:
    for curve in (lorenz_curve(values), lorenz_curve(values, points=points)):
        assert curve[0] == (0.0, 0.0) and curve[-1] == (1.0, 1.0)
        for (x0, y0), (x1, y1) in pairwise(curve):
            assert x0 < x1 and y0 <= y1 + 1e-12
            assert y1 <= x1 + 1e-9  # never above the line of equality


@given(st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=50))
def test_share_below(values: list[int]) -> None:
    below = share_below(values)
    assert all(0 <= r < 1 for r in below)
    assert below[values.index(min(values))] == 0
    for a, ra in zip(values, below, strict=True):
        assert ra == sum(1 for b in values if b < a) / len(values)
        for b, rb in zip(values, below, strict=True):
            assert (a < b) <= (ra < rb) and (a == b) <= (ra == rb)


@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=10), st.integers(min_value=0, max_value=10)),
        min_size=1,
        max_size=40,
    )
)
def test_under_recognised_properties(pairs: list[tuple[int, int]]) -> None:
    contribution = [float(c) for c, _ in pairs]
    recognition = [float(r) for _, r in pairs]
    found = under_recognised(contribution, recognition)
    c_below, r_below = share_below(contribution), share_below(recognition)
    assert len(found) == len(set(found))
    for i in range(len(pairs)):
        flagged = contribution[i] > 0 and c_below[i] >= 0.75 and r_below[i] <= 0.25
        assert (i in found) == flagged
    # More recognition never puts anyone on the list who was not there.
    if found:
        k = found[0]
        raised = list(recognition)
        raised[k] = max(recognition) + 1
        if len(pairs) * 0.25 < len(pairs) - 1:
            assert k not in under_recognised(contribution, raised)


def test_under_recognised_example() -> None:
    contribution = [9, 8, 0, 1, 0, 2, 0, 0]
    recognition = [0, 6, 5, 4, 3, 3, 2, 1]
    assert under_recognised(contribution, recognition) == [0]
    # Most members unrecognised: every high contributor among them stands out.
    assert under_recognised([0, 0, 0, 0, 0, 0, 4, 3], [0, 0, 0, 2, 3, 0, 0, 5]) == [6]


def test_newcomer() -> None:
    on = date(2026, 6, 30)
    assert is_newcomer(on, on) is True
    assert is_newcomer(on - timedelta(days=364), on) is True
    assert is_newcomer(on - timedelta(days=365), on) is False
    assert is_newcomer(None, on) is None
