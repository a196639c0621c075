"""Polis's k-means (``clusters.clj``), warm-started from the clusters of the previous update.

:func:`polis_kmeans` clusters points the way Polis's math worker does from one update to the
next (see :mod:`.incremental` for the update it belongs to), and :func:`polis_silhouette`
scores a clustering as Polis picks k. :class:`KMeansClusters` is the state carried over.

References
----------
.. [1] compdemocracy/polis, ``math/src/polismath/math/clusters.clj`` (``kmeans``,
   ``init-clusters``, ``clean-start-clusters``, ``safe-recenter-clusters``,
   ``uniqify-clusters``, ``most-distal``, ``cluster-step``, ``same-clustering?``,
   ``silhouette``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..arrays import BoolArray, FloatArray, IntArray

__all__ = ["SAME_CLUSTERING", "KMeansClusters", "polis_kmeans", "polis_silhouette"]

SAME_CLUSTERING = 0.01
"""Lloyd iterations stop when every (sorted) centre moved less than this (``same-clustering?``)."""


@dataclass(frozen=True, eq=False)
class KMeansClusters:
    """A clustering as Polis carries it between updates: the members of each cluster id.

    ``members[i]`` (a participant index for base clusters, a base-cluster id for groups)
    belongs to cluster ``ids[i]``. Centres are not kept: each update recentres every cluster
    on its members' new positions.
    """

    members: IntArray
    ids: IntArray

    @classmethod
    def empty(cls) -> KMeansClusters:
        """No clusters (the state before the first update)."""
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form: ``{"members": [...], "ids": [...]}`` (plain ints)."""
        return {"members": self.members.tolist(), "ids": self.ids.tolist()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KMeansClusters:
        """The inverse of :meth:`to_dict`; raises ValueError on a malformed dict."""
        members = _int_array(_field(data, "members"), "members")
        ids = _int_array(_field(data, "ids"), "ids")
        if members.shape != ids.shape:
            raise ValueError("members and ids differ in length")
        if np.unique(members).size != members.size:
            raise ValueError("a member appears twice")
        return cls(members=members, ids=ids)


def _field(data: Mapping[str, Any], name: str) -> Any:
    try:
        return data[name]
    except (KeyError, TypeError):
        raise ValueError(f"missing {name!r}") from None


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer")
    return value


def _int_array(value: Any, name: str) -> IntArray:
    if not isinstance(value, list) or not all(
        isinstance(x, int) and not isinstance(x, bool) for x in value
    ):
        raise ValueError(f"{name} must be a list of integers")
    try:
        return np.array(value, dtype=np.int64).reshape(-1)
    except OverflowError:
        raise ValueError(f"{name}: an integer is out of range") from None


def _mask(indices: Any, n: int, name: str) -> BoolArray:
    idx = _int_array(indices, name)
    if idx.size and not (0 <= idx.min() and idx.max() < n):
        raise ValueError(f"{name}: an index is out of range")
    mask = np.zeros(n, dtype=bool)
    mask[idx] = True
    return mask


def _sq_dists(points: FloatArray, centers: FloatArray) -> FloatArray:
    """Squared Euclidean distances, (n, c), one coordinate at a time (exact, no expansion)."""
    out = np.zeros((points.shape[0], centers.shape[0]))
    for d in range(points.shape[1]):
        diff = points[:, d, None] - centers[None, :, d]
        out += diff * diff
    return out


def _n_distinct(points: FloatArray) -> int:
    """Number of distinct rows."""
    if points.shape[0] < 2:
        return int(points.shape[0])
    srt = points[np.lexsort(points.T[::-1])]
    return 1 + int(np.count_nonzero(np.any(srt[1:] != srt[:-1], axis=1)))


def _weighted_centers(
    points: FloatArray, assign: IntArray, n_clusters: int, weights: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Weighted mean of each cluster's points, and each cluster's total weight."""
    mass: FloatArray = np.bincount(assign, weights=weights, minlength=n_clusters).astype(np.float64)
    centers = np.full((n_clusters, points.shape[1]), np.nan)
    filled = mass > 0
    for d in range(points.shape[1]):
        sums = np.bincount(assign, weights=weights * points[:, d], minlength=n_clusters)
        np.divide(sums, mass, out=centers[:, d], where=filled)
    return centers, mass


def _same_clustering(a: FloatArray, b: FloatArray) -> bool:
    """``same-clustering?``: centres sorted, paired, all within :data:`SAME_CLUSTERING`."""
    sa = a[np.lexsort(a.T[::-1])]
    sb = b[np.lexsort(b.T[::-1])]
    n = min(sa.shape[0], sb.shape[0])
    return bool(np.all(np.linalg.norm(sa[:n] - sb[:n], axis=1) < SAME_CLUSTERING))


def _first_distinct(points: FloatArray, k: int) -> FloatArray:
    """``init-clusters``: the first ``k`` distinct points, in order."""
    _, first = np.unique(points, axis=0, return_index=True)
    return points[np.sort(first)[:k]]


def _clean_start(
    points: FloatArray,
    names: IntArray,
    previous: KMeansClusters,
    k: int,
    weights: FloatArray,
) -> tuple[IntArray, IntArray]:
    """``clean-start-clusters``: warm-start clusters from the previous update's members.

    Returns the cluster ids (ascending, as Polis sorts clusters by id) and each point's
    cluster index into them (-1 for points that were in no previous cluster).
    """
    n = names.shape[0]
    order = np.argsort(names, kind="stable")
    where = np.searchsorted(names, previous.members, sorter=order)
    where = np.minimum(where, max(n - 1, 0))
    present = names[order[where]] == previous.members  # n >= 1 here
    point_of = order[where[present]]
    prev_ids = previous.ids[present]
    assign = np.full(n, -1, dtype=np.int64)
    if prev_ids.size == 0:
        # safe-recenter-clusters: nothing left, so one big cluster with a fresh id.
        ids = np.array([int(previous.ids.max()) + 1 if previous.ids.size else 0], dtype=np.int64)
        assign[:] = 0
    else:
        ids, idx = np.unique(prev_ids, return_inverse=True)
        assign[point_of] = idx
    centers, mass = _weighted_centers(
        points, np.maximum(assign, 0), ids.size, weights * (assign >= 0)
    )

    # uniqify-clusters: clusters whose centres coincide are merged into the one with more
    # members (the later one on a tie), in id order.
    if _n_distinct(centers) < ids.size:
        _, inverse = np.unique(centers, axis=0, return_inverse=True)
        sizes = np.bincount(assign[assign >= 0], minlength=ids.size)
        target = np.arange(ids.size)
        merged_id = ids.copy()
        kept: dict[int, int] = {}
        for c in range(ids.size):
            key = int(inverse.ravel()[c])
            if key not in kept:
                kept[key] = c
                continue
            first = kept[key]
            if sizes[first] <= sizes[c]:
                merged_id[first] = ids[c]
            sizes[first] += sizes[c]
            target[c] = first
        keep = np.flatnonzero(target == np.arange(ids.size))
        renumber = np.full(ids.size, -1, dtype=np.int64)
        renumber[keep] = np.arange(keep.size)
        assign = np.where(assign >= 0, renumber[target[np.maximum(assign, 0)]], -1)
        new_ids = merged_id[keep]
        order_ids = np.argsort(new_ids, kind="stable")
        rank = np.empty_like(order_ids)
        rank[order_ids] = np.arange(order_ids.size)
        ids = new_ids[order_ids]
        assign = np.where(assign >= 0, rank[np.maximum(assign, 0)], -1)

    possible = min(k, _n_distinct(points)) if ids.size < k else k
    while ids.size < possible:
        centers, _ = _weighted_centers(
            points, np.maximum(assign, 0), ids.size, weights * (assign >= 0)
        )
        nearest = _sq_dists(points, centers).min(axis=1)
        # most-distal: the farthest point from its nearest centre (the last one on a tie).
        o = n - 1 - int(np.argmax(nearest[::-1]))
        if not nearest[o] > 0:
            break
        assign[o] = ids.size
        ids = np.append(ids, int(ids.max()) + 1)
    return ids, assign


def polis_kmeans(
    points: npt.ArrayLike,
    names: npt.ArrayLike,
    k: int,
    *,
    previous: KMeansClusters | None = None,
    max_iters: int = 20,
    weights: npt.ArrayLike | None = None,
) -> tuple[KMeansClusters, FloatArray, IntArray]:
    """Polis's k-means, warm-started from the previous update's clusters (``clusters/kmeans``).

    Parameters
    ----------
    points : (n, d) array-like
        Points to cluster.
    names : (n,) array-like of int
        A stable name per point (participant index, base-cluster id), unique.
    k : int
        Number of clusters wanted.
    previous : KMeansClusters, optional
        Last update's clusters. Without them (or when empty) the first ``k`` distinct points
        are the initial centres (``init-clusters``).
    max_iters : int
        Lloyd steps after the first (Polis: 100 for base clusters, 20 for groups).
    weights : (n,) array-like, optional
        Point weights (members of each base cluster, for the group step).

    Returns
    -------
    clusters : KMeansClusters
        Members and ids, for the next update.
    centers : (c, d) array
        Centre of each cluster, rows in ascending id order (``clusters.ids`` sorted unique).
    assign : (n,) int array
        Index of each point's cluster into ``centers``.

    Notes
    -----
    Each Lloyd step assigns every point to its nearest centre (the first on a tie), drops
    clusters left empty and moves centres to the (weighted) mean; iteration stops when no
    centre moved by 0.01 or after ``max_iters`` + 1 steps. Cost O(n · c) per step.

    Examples
    --------
    >>> points = np.array([[0, 0], [0, 0.1], [0.1, 0], [5, 5], [5, 5.1], [5.1, 5]])
    >>> clusters, centers, assign = polis_kmeans(points, np.arange(6), 2)
    >>> assign.tolist(), centers.round(2).tolist()
    ([0, 0, 0, 1, 1, 1], [[0.03, 0.03], [5.03, 5.03]])
    """
    pts = np.asarray(points, dtype=np.float64)
    nm = np.asarray(names, dtype=np.int64)
    n = pts.shape[0]
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    if n == 0 or k < 1:
        return KMeansClusters.empty(), np.zeros((0, pts.shape[1] if pts.ndim == 2 else 2)), nm * 0
    if previous is not None and previous.members.size:
        ids, assign = _clean_start(pts, nm, previous, k, w)
        centers, _ = _weighted_centers(pts, np.maximum(assign, 0), ids.size, w * (assign >= 0))
    else:
        centers = _first_distinct(pts, k)
        ids = np.arange(centers.shape[0], dtype=np.int64)
    for remaining in range(max_iters, -1, -1):
        assign = np.argmin(_sq_dists(pts, centers), axis=1).astype(np.int64)
        new_centers, mass = _weighted_centers(pts, assign, ids.size, w)
        used = np.bincount(assign, minlength=ids.size) > 0
        if not np.all(used):
            remap = np.cumsum(used) - 1
            assign = remap[assign]
            ids = ids[used]
            new_centers = new_centers[used]
        done = remaining == 0 or _same_clustering(centers, new_centers)
        centers = new_centers
        if done:
            break
    return KMeansClusters(members=nm.copy(), ids=ids[assign]), centers, assign


def polis_silhouette(points: FloatArray, assign: IntArray, dist: FloatArray | None = None) -> float:
    """Mean silhouette of a clustering of ``points`` (``clusters/silhouette``), unweighted.

    A point alone in its cluster scores 0; needs at least two clusters. ``dist``, the
    points' distance matrix, may be given to share it between clusterings.

    Examples
    --------
    >>> points = np.array([[0, 0], [0, 0.1], [0.1, 0], [5, 5], [5, 5.1], [5.1, 5]])
    >>> round(polis_silhouette(points, np.array([0, 0, 0, 1, 1, 1])), 3)
    0.984
    """
    n = points.shape[0]
    n_clusters = int(assign.max()) + 1 if n else 0
    if n_clusters < 2:
        return 0.0
    if dist is None:
        dist = np.sqrt(_sq_dists(points, points))
    onehot = np.zeros((n, n_clusters))
    onehot[np.arange(n), assign] = 1.0
    sums = dist @ onehot
    sizes = onehot.sum(axis=0)
    own = sizes[assign]
    a = sums[np.arange(n), assign] / np.maximum(own - 1, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        means = sums / sizes
    means[np.arange(n), assign] = np.inf
    means[:, sizes == 0] = np.inf
    b = means.min(axis=1)
    denom = np.maximum(a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(denom > 0, (b - a) / denom, 0.0)
    s[own <= 1] = 0.0
    return float(s.mean())
