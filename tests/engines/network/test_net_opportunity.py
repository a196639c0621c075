"""Gini coefficient of engagement and invitation counts."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coalition.engines.network import concentration, gini, gini_by_group


@given(st.lists(st.integers(0, 50), min_size=1, max_size=40))
def test_gini_equals_mean_absolute_difference_definition(values: list[int]) -> None:
    x = np.asarray(values, dtype=float)
    if x.sum() == 0:
        assert gini(x) == 0.0
        return
    ref = np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())
    assert abs(gini(x) - ref) < 1e-12
    assert 0.0 <= gini(x) <= 1.0 - 1.0 / len(x) + 1e-12


@given(st.lists(st.integers(0, 50), min_size=1, max_size=20), st.integers(1, 5))
def test_gini_is_scale_and_replication_invariant(values: list[int], k: int) -> None:
    x = np.asarray(values, dtype=float)
    assert abs(gini(x * 3.5) - gini(x)) < 1e-12
    assert abs(gini(np.tile(x, k)) - gini(x)) < 1e-12


def test_gini_edge_cases() -> None:
    assert gini([5, 5, 5]) == 0.0
    assert gini([0, 0, 0, 4]) == 0.75
    assert math.isnan(gini([]))
    with pytest.raises(ValueError):
        gini([1, -1])


def test_gini_by_sector_and_concentration_summary() -> None:
    counts = [0, 0, 4, 2, 2, 1]
    sectors = ["a", "a", "a", "b", "b", ""]
    assert gini_by_group(counts, sectors) == {"a": gini([0, 0, 4]), "b": 0.0}
    out = concentration({"engagements": counts}, sectors)["engagements"]
    assert out["total"] == 9.0 and out["members"] == 6
    assert out["share_with_none"] == pytest.approx(2 / 6)
    assert out["gini"] == gini(counts)
