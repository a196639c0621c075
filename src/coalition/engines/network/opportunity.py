"""Concentration of opportunity: how unequally engagements or invitations are spread.

Plain functions on count arrays (one count per member). The Gini coefficient is 0 when
everyone has the same count and approaches 1 when one member has everything.

References
----------
.. [1] C. Gini, *Variabilità e mutabilità*, 1912.
.. [2] C. Damgaard and J. Weiner, "Describing inequality in plant size or fecundity",
   Ecology 81(4), 2000 (the sorted-values formula used here).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

__all__ = ["OpportunityConcentration", "concentration", "gini", "gini_by_group"]

OpportunityConcentration = dict[str, object]


def gini(values: npt.ArrayLike) -> float:
    """Gini coefficient of non-negative values: ``Σ_i Σ_j |x_i - x_j| / (2 n² x̄)``.

    Computed as ``2 Σ_i i·x_(i) / (n Σ x) - (n + 1)/n`` on the values sorted ascending
    (``i`` from 1), in ``O(n log n)``. Returns 0.0 when all values are 0 (nobody has more
    than anyone else) and NaN for an empty array.

    >>> gini([1, 1, 1, 1])
    0.0
    >>> gini([0, 0, 0, 4])
    0.75
    """
    x = np.asarray(values, dtype=np.float64).reshape(-1)
    if len(x) == 0:
        return float("nan")
    if not np.isfinite(x).all() or (x < 0).any():
        raise ValueError("gini needs finite, non-negative values")
    total = x.sum()
    if total == 0:
        return 0.0
    n = len(x)
    ranks = np.arange(1, n + 1, dtype=np.float64)
    g = 2.0 * float((ranks * np.sort(x)).sum()) / (n * total) - (n + 1) / n
    return float(max(g, 0.0))


def gini_by_group(values: npt.ArrayLike, groups: npt.ArrayLike) -> dict[str, float]:
    """Gini of ``values`` within each group label (e.g. sector); ``""`` labels are skipped.

    Examples
    --------
    >>> gini_by_group([1, 1, 0, 4], ["a", "a", "b", "b"])
    {'a': 0.0, 'b': 0.5}
    """
    x = np.asarray(values, dtype=np.float64).reshape(-1)
    g = np.asarray(groups, dtype=np.str_).reshape(-1)
    if x.shape != g.shape:
        raise ValueError("values and groups must have the same length")
    return {str(lab): gini(x[g == lab]) for lab in sorted(set(g.tolist()) - {""})}


def concentration(
    counts: Mapping[str, npt.ArrayLike], groups: npt.ArrayLike
) -> dict[str, OpportunityConcentration]:
    """For each named count array (e.g. ``"engagements"``, ``"invitations"``): its total,
    the number of members, the share of members with none, the Gini over all members and
    the Gini within each group.

    Examples
    --------
    >>> c = concentration({"engagements": [1, 1, 0, 4]}, ["a", "a", "b", "b"])["engagements"]
    >>> c["total"], c["share_with_none"], c["gini"], c["gini_by_group"]
    (6.0, 0.25, 0.5, {'a': 0.0, 'b': 0.5})
    """
    out: dict[str, OpportunityConcentration] = {}
    for name, values in counts.items():
        x = np.asarray(values, dtype=np.float64).reshape(-1)
        out[name] = {
            "total": float(x.sum()),
            "members": len(x),
            "share_with_none": float((x == 0).mean()) if len(x) else float("nan"),
            "gini": gini(x),
            "gini_by_group": gini_by_group(x, groups),
        }
    return out
