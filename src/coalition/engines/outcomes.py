"""Pure statistics for outcomes, partnership health and fairness of opportunity.

No database and no web: plain numbers in, plain dataclasses out, so each rule can be checked
against its definition (and property-tested) in isolation.

Functions
---------
trajectory_status
    Where a measurement stands against the straight line from baseline to target.
spread
    Mean and disagreement (population standard deviation, range) of a set of ratings.
gini
    Gini coefficient of a non-negative distribution (concentration of opportunity).
lorenz_curve
    The points of the Lorenz curve that the Gini coefficient summarises.
share_below, under_recognised
    Members whose contribution ranks high while their recognition ranks low.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

__all__ = [
    "AT_RISK",
    "ON_TRACK",
    "Spread",
    "TrajectoryPoint",
    "gini",
    "is_newcomer",
    "lorenz_curve",
    "share_below",
    "spread",
    "trajectory_status",
    "under_recognised",
]

Status = Literal["on_track", "at_risk", "off_track"]

#: A measurement is on track when its progress is at least this share of the expected progress.
ON_TRACK = 0.9
#: ... and at risk when it reaches at least this share (below it is off track).
AT_RISK = 0.7


@dataclass(frozen=True)
class TrajectoryPoint:
    """One measurement judged against the trajectory.

    ``expected_ratio`` and ``progress_ratio`` are shares of the whole way from baseline to
    target (0 = baseline, 1 = target); ``performance`` is their quotient, or None on the
    baseline date itself, where nothing is expected yet.
    """

    expected_ratio: float
    expected_value: float
    progress_ratio: float
    performance: float | None
    status: Status


def trajectory_status(
    *,
    baseline: float,
    baseline_date: date,
    target: float,
    due_date: date,
    value: float,
    measured_on: date,
) -> TrajectoryPoint:
    """Judge ``value`` measured on ``measured_on`` against the straight-line trajectory.

    The rule (linear interpolation, the usual "RAG against plan" reading):

    - expected ratio ``e = (measured_on - baseline_date) / (due_date - baseline_date)``,
      clamped to [0, 1] (after the due date the whole way is expected);
    - progress ratio ``p = (value - baseline) / (target - baseline)`` — the sign of
      ``target - baseline`` carries the direction, so a fall counts as progress for a
      metric that should decrease;
    - **on track** when ``p >= 0.9 e``, **at risk** when ``p >= 0.7 e``, **off track**
      below. On the baseline date (``e = 0``) a measurement is on track unless it has moved
      the wrong way.

    Parameters
    ----------
    baseline, target:
        Values at the start and the aim; they must differ.
    baseline_date, due_date:
        The trajectory's ends; ``due_date`` must come after ``baseline_date``.
    value, measured_on:
        The measurement; it must not predate ``baseline_date``.

    Examples
    --------
    >>> from datetime import date
    >>> p = trajectory_status(baseline=0, baseline_date=date(2026, 1, 1), target=100,
    ...     due_date=date(2026, 1, 11), value=40, measured_on=date(2026, 1, 6))
    >>> (p.expected_ratio, p.progress_ratio, p.status)
    (0.5, 0.4, 'at_risk')
    """
    if target == baseline:
        raise ValueError("target must differ from baseline")
    if due_date <= baseline_date:
        raise ValueError("due_date must come after baseline_date")
    if measured_on < baseline_date:
        raise ValueError("a measurement cannot predate the baseline")
    span = (due_date - baseline_date).days
    expected = min(1.0, (measured_on - baseline_date).days / span)
    progress = (value - baseline) / (target - baseline)
    status: Status
    if progress >= ON_TRACK * expected:
        status = "on_track"
    elif progress >= AT_RISK * expected:
        status = "at_risk"
    else:
        status = "off_track"
    return TrajectoryPoint(
        expected_ratio=expected,
        expected_value=baseline + expected * (target - baseline),
        progress_ratio=progress,
        performance=progress / expected if expected > 0 else None,
        status=status,
    )


@dataclass(frozen=True)
class Spread:
    """Centre and disagreement of a set of ratings."""

    n: int
    mean: float
    sd: float
    minimum: float
    maximum: float

    @property
    def range(self) -> float:
        return self.maximum - self.minimum


def spread(values: Sequence[float]) -> Spread:
    """Mean, population standard deviation and range of ``values`` (at least one).

    The standard deviation is the population one, ``sqrt(sum((x - mean)^2) / n)``: the raters
    are the whole partnership that answered, not a sample of a larger one, so there is no
    Bessel correction; one rating alone has no disagreement (0). The range (max − min) is
    reported beside it because, on a 1–5 scale, a single dissenting voice shows there first.

    >>> s = spread([1, 5])
    >>> (s.mean, s.sd, s.range)
    (3.0, 2.0, 4)
    """
    if not values:
        raise ValueError("spread needs at least one value")
    n = len(values)
    mean = math.fsum(values) / n
    variance = math.fsum((x - mean) ** 2 for x in values) / n
    return Spread(n=n, mean=mean, sd=math.sqrt(variance), minimum=min(values), maximum=max(values))


def gini(values: Sequence[float]) -> float:
    """Gini coefficient of non-negative ``values``: 0 = equal shares, (n−1)/n = one holds all.

    Computed from the sorted values ``x_(1) <= ... <= x_(n)`` as

        G = (2 * sum_i i * x_(i)) / (n * sum_i x_(i)) - (n + 1) / n,

    which equals the mean absolute difference over twice the mean,
    ``sum_i sum_j |x_i - x_j| / (2 n^2 mean)`` (Gini 1912; see Damgaard & Weiner 2000,
    "Describing inequality in plant size or fecundity", Ecology 81(4) for this form).
    An empty list or all zeros has no inequality to measure: 0.

    >>> gini([1, 1, 1, 1])
    0.0
    >>> gini([0, 0, 0, 4])
    0.75
    """
    if any(x < 0 for x in values):
        raise ValueError("gini is defined for non-negative values")
    n = len(values)
    total = math.fsum(values)
    if n == 0 or total == 0:
        return 0.0
    ordered = sorted(values)
    weighted = math.fsum((i + 1) * x for i, x in enumerate(ordered))
    return max(0.0, 2 * weighted / (n * total) - (n + 1) / n)


def lorenz_curve(values: Sequence[float], points: int | None = None) -> list[tuple[float, float]]:
    """Points ``(population share, value share)`` of the Lorenz curve, from (0, 0) to (1, 1).

    The area between this curve and the diagonal is half the Gini coefficient. With no value
    at all the curve is the diagonal (perfect equality, as :func:`gini` says). With
    ``points`` the piecewise-linear curve is read at ``points + 1`` evenly spaced population
    shares (for charts of large networks); without it, at every member.
    """
    n = len(values)
    total = math.fsum(values)
    if n == 0 or total == 0:
        return [(0.0, 0.0), (1.0, 1.0)]
    full = [(0.0, 0.0)]
    running = 0.0
    for i, x in enumerate(sorted(values)):
        running += x
        full.append(((i + 1) / n, running / total))
    full[-1] = (1.0, 1.0)
    if points is None or points >= n:
        return full
    if points < 1:
        raise ValueError("points must be at least 1")
    sampled = []
    for k in range(points + 1):
        share = k / points
        position = share * n
        i = min(int(position), n - 1)
        frac = position - i
        y = full[i][1] + frac * (full[i + 1][1] - full[i][1])
        sampled.append((share, y))
    sampled[-1] = (1.0, 1.0)
    return sampled


NEWCOMER_DAYS = 365


def is_newcomer(joined_on: date | None, on: date) -> bool | None:
    """Whether an actor who joined on ``joined_on`` is a newcomer on the reference date ``on``.

    A newcomer joined within the last 365 days: ``0 <= (on - joined_on).days < 365``. An actor
    who joins after ``on`` gives False (callers leave such actors out); an unknown joining date
    gives None.
    """
    if joined_on is None:
        return None
    return 0 <= (on - joined_on).days < NEWCOMER_DAYS


def share_below(values: Sequence[float]) -> list[float]:
    """For each value, the share of all values strictly below it, in [0, 1).

    Unlike a mid-rank percentile, ties do not pull each other up: when most members have no
    recognition at all, each of them still has nobody below them (0), which is what "in the
    bottom quarter" should mean for them.
    """
    n = len(values)
    ordered = sorted(values)
    return [bisect_left(ordered, v) / n for v in values]


def under_recognised(
    contribution: Sequence[float],
    recognition: Sequence[float],
    *,
    high: float = 0.75,
    low: float = 0.25,
) -> list[int]:
    """Indices of members whose contribution ranks high and whose recognition ranks low.

    A member qualifies when they contributed something (``contribution > 0``), at least
    ``high`` of all members contributed strictly less (top quarter by default), and at most
    ``low`` of all members are recognised strictly less (bottom quarter), by
    :func:`share_below`. Returned by decreasing contribution, then increasing recognition,
    then index.

    >>> under_recognised([5, 0, 0, 0], [0, 1, 1, 2])
    [0]
    """
    if len(contribution) != len(recognition):
        raise ValueError("contribution and recognition must have one value per member")
    if not contribution:
        return []
    c_below = share_below(contribution)
    r_below = share_below(recognition)
    found = [
        i
        for i in range(len(contribution))
        if contribution[i] > 0 and c_below[i] >= high and r_below[i] <= low
    ]
    return sorted(found, key=lambda i: (-contribution[i], recognition[i], i))
