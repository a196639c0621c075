"""Opinion groups: who is clustered, base k-means, group k-means with k chosen by silhouette.

Steps, as in Polis [1]_ [2]_:

1. **Who is clustered** (``in-conv``): participants who voted on at least
   ``min(7, n_statements)`` statements; if that leaves fewer than 15, the most active voters
   are added until there are 15. Polis keeps participants in once they are in; pass the
   previous set as ``keep`` to get the same behaviour across recomputations.
2. **Base clusters**: k-means with ``base_k = 100`` clusters (or as many as there are distinct
   points) on the clustered participants' 2-D positions. They summarise large conversations.
3. **Groups**: weighted k-means of the base-cluster centres (weight = members) for each
   ``k = 2 … max_k``, where ``max_k = min(5, 2 + n_base // 12)``.
4. **Choosing k**: the silhouette coefficient of each grouping, computed over the base-cluster
   centres, one vote per centre (Polis's ``clusters/silhouette`` averages member silhouettes
   without weights); the k with the highest silhouette wins, the smaller k on a tie.

Polis additionally smooths k over successive updates (a new k must win 4 updates in a row)
and warm-starts each k-means from the previous update's clusters; a single recomputation from
the final votes cannot see that history. Group ids here are ordered by size (0 = largest).

In :func:`cluster_participants`, scikit-learn ``KMeans`` (Lloyd) with k-means++ seeding replaces
Polis's warm-started k-means; the base clustering runs once (``n_init=1``) as Polis's does.
Above 10,000 clustered participants the base step uses ``MiniBatchKMeans`` (batches of 4,096):
base clusters only summarise the map, and full Lloyd passes over 100,000 points cost seconds.
Cost is O(n · base_k · iterations) for the base step and negligible for the group step.

References
----------
.. [1] C. Small et al., "Polis: Scaling deliberation by mapping high dimensional opinion
   spaces", Recerca 26(2), 2021 — "Clustering".
.. [2] compdemocracy/polis, ``math/src/polismath/math/conversation.clj`` (``:in-conv``,
   ``:base-clusters``, ``:group-clusterings``, ``max-k-fn``, ``:group-k-smoother``) and
   ``clusters.clj`` (``kmeans``, ``silhouette``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from ..arrays import BoolArray, FloatArray, IntArray

__all__ = ["Clustering", "cluster_participants", "select_in_conv"]


# Up to this many clustered participants the base step is full k-means; above, mini-batch
# k-means (Polis likewise switches to mini-batch updates above 10,000 participants).
_SMALL = 10_000


@dataclass(frozen=True, eq=False)
class Clustering:
    """Result of :func:`cluster_participants`.

    Attributes
    ----------
    labels : (n_participants,) int array
        Group of each participant, -1 when not clustered.
    k : int
        Number of groups (0 when there was too little data to group).
    silhouettes : dict[int, float]
        Silhouette of the grouping tried for each k.
    centers : (k, 2) array
        Weighted centre of each group.
    base_labels : (n_participants,) int array
        Base cluster of each participant, -1 when not clustered.
    base_centers : (n_base, 2) array
    base_weights : (n_base,) int array
        Members per base cluster.
    base_groups : (n_base,) int array
        Group of each base cluster.
    candidates : dict[int, (n_base,) int array]
        Group of each base cluster in the grouping tried for each k (ids by size).
    """

    labels: IntArray
    k: int
    silhouettes: dict[int, float]
    centers: FloatArray
    base_labels: IntArray
    base_centers: FloatArray
    base_weights: IntArray
    base_groups: IntArray
    candidates: dict[int, IntArray] = field(default_factory=dict)


def select_in_conv(
    vote_counts: npt.ArrayLike,
    n_statements: int,
    *,
    min_votes: int = 7,
    greedy_n: int = 15,
    keep: Collection[int] = (),
) -> BoolArray:
    """Which participants enter clustering (Polis's ``in-conv``).

    Parameters
    ----------
    vote_counts : array-like of int
        Votes per participant, passes and votes on moderated-out statements included (Polis
        counts rows of the raw rating matrix).
    n_statements : int
        Number of statements that have votes (Polis's ``n-cmts``).
    min_votes : int
        Threshold, capped at ``n_statements``: ``count >= min(min_votes, n_statements)``.
    greedy_n : int
        If fewer than this many qualify, the most active voters (who voted at least once)
        are added, ties broken by index, until there are ``greedy_n``.
    keep : collection of int
        Participants already in (from an earlier run); they stay in.

    Returns
    -------
    (n_participants,) bool array

    Examples
    --------
    Seven votes or more, else among the 15 most active while fewer than 15 qualify:

    >>> select_in_conv([9, 3, 0, 7], 10).tolist()
    [True, True, False, True]
    """
    counts = np.asarray(vote_counts, dtype=np.int64)
    threshold = min(min_votes, n_statements)
    inside = (counts >= threshold) & (counts > 0)
    keep_idx = np.fromiter((int(i) for i in keep), dtype=np.int64)
    keep_idx = keep_idx[(keep_idx >= 0) & (keep_idx < counts.size)]
    inside[keep_idx] = True
    missing = greedy_n - int(inside.sum())
    if missing > 0:
        order = np.argsort(-counts, kind="stable")
        extra = order[~inside[order] & (counts[order] > 0)][:missing]
        inside[extra] = True
    return inside


def cluster_participants(
    positions: npt.ArrayLike,
    in_conv: BoolArray,
    *,
    base_k: int = 100,
    max_k: int = 5,
    force_k: int | None = None,
    seed: int = 0,
    base_n_init: int = 1,
    group_n_init: int = 10,
) -> Clustering:
    """Base clusters and opinion groups of the clustered participants.

    Parameters
    ----------
    positions : (n_participants, 2) array-like
        2-D positions from :func:`~coalition.engines.common_ground.projection.pca_project`.
    in_conv : (n_participants,) bool array
        Participants to cluster (see :func:`select_in_conv`).
    base_k : int
        Number of base clusters (Polis: 100).
    max_k : int
        Largest number of groups tried (Polis: 5).
    force_k : int, optional
        Use this number of groups instead of choosing by silhouette.
    seed : int
        Seed for the k-means initialisations (k-means++), so the result is reproducible.
    base_n_init : int
        k-means restarts for the base clusters (Polis runs one). More restarts make the
        choice of k less dependent on the seed when silhouettes are close, at a cost
        proportional to the restarts.
    group_n_init : int
        k-means restarts per k on the base centres (cheap: at most ``base_k`` points).

    Returns
    -------
    Clustering

    Examples
    --------
    >>> points = [[0, 0], [0, 0.1], [0.1, 0], [5, 5], [5, 5.1], [5.1, 5]]
    >>> clustering = cluster_participants(points, np.ones(6, dtype=bool), base_k=6)
    >>> clustering.k, clustering.labels.tolist()
    (2, [0, 0, 0, 1, 1, 1])
    """
    pos = np.asarray(positions, dtype=np.float64)
    n = pos.shape[0]
    members = np.flatnonzero(in_conv)
    labels = np.full(n, -1, dtype=np.int64)
    base_labels = np.full(n, -1, dtype=np.int64)
    points = pos[members]
    kb = min(base_k, np.unique(points, axis=0).shape[0]) if members.size >= 2 else 0
    if kb < 2:
        return _ungrouped(labels, base_labels, np.zeros((0, 2)), np.zeros(0, dtype=np.int64), {})
    member_base, base_centers, base_weights = _base_clusters(points, kb, seed, base_n_init)
    base_labels[members] = member_base
    top = min(max_k, 2 + base_centers.shape[0] // 12)
    ks = [force_k] if force_k is not None else list(range(2, top + 1))
    groupings, silhouettes = _group_base_clusters(
        base_centers, base_weights, ks, seed, group_n_init
    )
    if not groupings:
        return _ungrouped(labels, base_labels, base_centers, base_weights, silhouettes)
    best_k = max(groupings, key=lambda k: (silhouettes[k], -k))
    candidates = {k: _order_by_size(g, base_weights, base_centers)[0] for k, g in groupings.items()}
    base_groups, centers = _order_by_size(groupings[best_k], base_weights, base_centers)
    labels[members] = base_groups[member_base]
    return Clustering(
        labels=labels,
        k=int(centers.shape[0]),
        silhouettes=silhouettes,
        centers=centers,
        base_labels=base_labels,
        base_centers=base_centers,
        base_weights=base_weights,
        base_groups=base_groups,
        candidates=candidates,
    )


def _ungrouped(
    labels: IntArray,
    base_labels: IntArray,
    base_centers: FloatArray,
    base_weights: IntArray,
    silhouettes: dict[int, float],
) -> Clustering:
    """A clustering without groups (too few participants, or no k found two groups)."""
    return Clustering(
        labels=labels,
        k=0,
        silhouettes=silhouettes,
        centers=np.zeros((0, 2)),
        base_labels=base_labels,
        base_centers=base_centers,
        base_weights=base_weights,
        base_groups=np.full(base_centers.shape[0], -1, dtype=np.int64),
    )


def _base_clusters(
    points: FloatArray, kb: int, seed: int, n_init: int
) -> tuple[IntArray, FloatArray, IntArray]:
    """``kb`` base clusters of ``points``: each point's base cluster, the centres and the
    members of each (clusters left empty dropped, the others renumbered in order)."""
    from sklearn.cluster import KMeans, MiniBatchKMeans  # imported when first needed

    base: KMeans | MiniBatchKMeans
    if points.shape[0] <= _SMALL:
        base = KMeans(n_clusters=kb, n_init=n_init, random_state=seed).fit(points)
    else:
        base = MiniBatchKMeans(
            n_clusters=kb, n_init=n_init, batch_size=4096, random_state=seed
        ).fit(points)
    raw_labels = np.asarray(base.labels_, dtype=np.int64)
    weights = np.bincount(raw_labels, minlength=kb)
    used = weights > 0
    remap = np.cumsum(used) - 1
    base_centers = np.asarray(base.cluster_centers_)[used]
    return remap[raw_labels], base_centers, weights[used].astype(np.int64)


def _group_base_clusters(
    base_centers: FloatArray, base_weights: IntArray, ks: list[int], seed: int, n_init: int
) -> tuple[dict[int, IntArray], dict[int, float]]:
    """For each k of ``ks`` that finds two groups or more: the group of each base cluster
    (weighted k-means on the centres) and the grouping's silhouette."""
    from sklearn.cluster import KMeans

    n_distinct_base = np.unique(base_centers, axis=0).shape[0]
    silhouettes: dict[int, float] = {}
    groupings: dict[int, IntArray] = {}
    for k in ks:
        if k < 2 or k > n_distinct_base:
            continue
        km = KMeans(n_clusters=k, n_init=n_init, random_state=seed)
        km.fit(base_centers, sample_weight=base_weights)
        grouping = np.asarray(km.labels_, dtype=np.int64)
        found = np.unique(grouping).size
        if found < 2:
            continue
        silhouettes[k] = _silhouette(base_centers, grouping, found)
        groupings[k] = grouping
    return groupings, silhouettes


def _silhouette(points: FloatArray, grouping: IntArray, n_groups: int) -> float:
    """Mean silhouette over points; 0 when every group is a single point (as Polis)."""
    if n_groups >= points.shape[0]:
        return 0.0
    from sklearn.metrics import silhouette_score

    return float(silhouette_score(points, grouping, metric="euclidean"))


def _order_by_size(
    grouping: IntArray, weights: IntArray, centers: FloatArray
) -> tuple[IntArray, FloatArray]:
    """Relabel groups 0..k-1 by decreasing members (ties: by centre x, then y)."""
    ids = np.unique(grouping)
    sizes = np.array([weights[grouping == g].sum() for g in ids])
    means = np.array(
        [np.average(centers[grouping == g], axis=0, weights=weights[grouping == g]) for g in ids]
    )
    order = sorted(range(ids.size), key=lambda i: (-sizes[i], means[i, 0], means[i, 1]))
    new_id = np.empty(int(ids.max()) + 1, dtype=np.int64)
    for rank, i in enumerate(order):
        new_id[ids[i]] = rank
    return new_id[grouping], means[order]
