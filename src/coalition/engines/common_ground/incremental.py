"""Polis's incremental math: each update warm-starts from the previous one.

Polis does not recompute a conversation from scratch. Its math worker polls the votes once a
second and runs ``conv-update`` on each new batch, carrying state over from the previous
update [2]_:

* **in-conv** is sticky: once a participant enters clustering (``min(7, n_cmts)`` votes at
  the time, or among the 15 most active while fewer than 15 qualify) they stay in.
* **PCA** runs 100 power iterations started from the previous update's components (a new
  statement's entry starts at 1) [3]_.
* **Base clusters** (k = 100) start from the previous update's clusters: each is recentred on
  its previous members' new positions, empty ones are dropped, clusters with identical centres
  are merged, and while there are fewer clusters than ``min(k, distinct points)`` the point
  farthest from every centre becomes a new cluster. Lloyd steps follow (at most 100; stop
  when no centre moved by 0.01). The first update initialises with the first k distinct
  points instead [4]_.
* **Groups**: for each k = 2 … ``min(5, 2 + n_base // 12)`` the base-cluster centres are
  clustered the same way (weighted by members), warm-started from that k's previous grouping;
  at most 20 Lloyd steps — ``conversation.clj`` passes ``:cluster-iters``, a keyword
  ``clusters/kmeans`` ignores, so its default ``max-iters 20`` applies [2]_ [4]_.
* **k** is smoothed: the k with the best silhouette must win 4 updates in a row
  (``group-k-buffer``) before the groups switch to it.

So Polis's groups are a product of the conversation's history: the same final votes, replayed
in time order, give Polis's groups, while a from-scratch k-means may settle in another local
optimum. :func:`polis_update` is one such update; :func:`replay_history` runs the updates a
timestamped vote log implies (batches of ``batch_ms`` = 1 s, the poller's default interval);
:func:`~coalition.engines.common_ground.analysis.analyze` accepts a :class:`History` to do
the same for a live conversation.

Cost of :func:`replay_history`: each update rebuilds the matrix from the votes so far (O(V
log V)) and runs the clustering steps only (no repness): about a millisecond per update for
a conversation of a few hundred participants. Replaying is meant for imported conversations
of modest size; a live conversation keeps its :class:`History` from one analysis to the
next.

References
----------
.. [1] C. Small et al., "Polis: Scaling deliberation by mapping high dimensional opinion
   spaces", Recerca 26(2), 2021 — "Clustering" (base clusters, k by silhouette).
.. [2] compdemocracy/polis, ``math/src/polismath/math/conversation.clj``
   (``base-conv-update-graph``: ``:in-conv``; ``small-conv-update-graph``: ``:pca``,
   ``:base-clusters``, ``:group-clusterings``, ``:group-k-smoother``) and
   ``math/src/polismath/poller.clj`` (``polling-interval`` default 1000 ms).
.. [3] compdemocracy/polis, ``math/src/polismath/math/pca.clj`` (``power-iteration``,
   ``powerit-pca``: 100 iterations, start vectors padded with 1).
.. [4] compdemocracy/polis, ``math/src/polismath/math/clusters.clj`` (``kmeans``,
   ``init-clusters``, ``clean-start-clusters``, ``safe-recenter-clusters``,
   ``uniqify-clusters``, ``most-distal``, ``cluster-step``, ``same-clustering?``,
   ``silhouette``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from coalition.engines.common_ground.clustering import Clustering, select_in_conv
from coalition.engines.common_ground.matrix import VoteMatrix
from coalition.engines.common_ground.polis_kmeans import (
    KMeansClusters,
    _count,
    _field,
    _mask,
    _sq_dists,
    _weighted_centers,
    polis_kmeans,
    polis_silhouette,
)
from coalition.engines.common_ground.projection import Projection, pca_project

from ..arrays import BoolArray, FloatArray, IntArray

__all__ = [
    "History",
    "KMeansClusters",
    "PolisUpdate",
    "DEFAULT_SETTINGS",
    "UpdateSettings",
    "UpdateStep",
    "VoteLog",
    "polis_kmeans",
    "polis_silhouette",
    "polis_update",
    "replay_history",
    "run_updates",
    "update_batches",
]


@dataclass(frozen=True, eq=False)
class History:
    """What one Polis update hands to the next (the persisted part of ``conv``).

    Attributes
    ----------
    in_conv : (n_participants,) bool array
        Participants in clustering; they stay in.
    components : (2, n_statements) array
        PCA components, the next power iteration's start vectors.
    columns : (n_statements,) bool array
        Statements that were columns (had votes) at this update; a statement that becomes a
        column later starts its power iteration at 1, as Polis pads its start vectors.
    base : KMeansClusters
        Base clusters (participant index → base id).
    groupings : dict[int, KMeansClusters]
        For each k tried, the grouping of base ids into group ids.
    last_k, last_k_count, smoothed_k : int
        The k smoother: the best k of the last update, how many updates in a row it won, and
        the k in use (0 when none yet).
    updates : int
        Number of updates so far.
    """

    in_conv: BoolArray
    components: FloatArray
    columns: BoolArray
    base: KMeansClusters
    groupings: dict[int, KMeansClusters] = field(default_factory=dict)
    last_k: int = 0
    last_k_count: int = 0
    smoothed_k: int = 0
    updates: int = 0

    FORMAT: ClassVar[int] = 1
    """Version of the :meth:`to_dict` layout."""

    @property
    def n_participants(self) -> int:
        """Rows of the matrix of the update that produced this history."""
        return int(self.in_conv.shape[0])

    @property
    def n_statements(self) -> int:
        """Columns of the matrix of the update that produced this history."""
        return int(self.components.shape[1])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form, for storing the history between updates.

        Boolean masks are stored as the indices that are set, arrays as lists of plain ints
        and floats (JSON keeps a float exactly: Python writes the shortest repr that reads
        back to the same double), grouping keys as strings. :meth:`from_dict` inverts it
        exactly. Raises ValueError when a component is not finite (JSON has no NaN).
        """
        if not np.all(np.isfinite(self.components)):
            raise ValueError("a history with non-finite components cannot be stored")
        return {
            "format": self.FORMAT,
            "n_participants": self.n_participants,
            "n_statements": self.n_statements,
            "in_conv": np.flatnonzero(self.in_conv).tolist(),
            "components": self.components.tolist(),
            "columns": np.flatnonzero(self.columns).tolist(),
            "base": self.base.to_dict(),
            "groupings": {str(k): g.to_dict() for k, g in sorted(self.groupings.items())},
            "last_k": int(self.last_k),
            "last_k_count": int(self.last_k_count),
            "smoothed_k": int(self.smoothed_k),
            "updates": int(self.updates),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> History:
        """The inverse of :meth:`to_dict`.

        Raises
        ------
        ValueError
            When ``data`` is not a history of this format: a missing or mistyped field, an
            index out of range, components of the wrong shape or not finite.
        """
        if not isinstance(data, Mapping):
            raise ValueError("a history is a mapping")
        if _field(data, "format") != cls.FORMAT:
            raise ValueError(f"unknown history format {data.get('format')!r}")
        n_p = _count(_field(data, "n_participants"), "n_participants")
        n_s = _count(_field(data, "n_statements"), "n_statements")
        try:
            components = np.asarray(_field(data, "components"), dtype=np.float64)
        except (TypeError, ValueError, OverflowError):
            raise ValueError("components must be two lists of numbers") from None
        if n_s == 0 and components.size == 0:
            components = components.reshape(2, 0)
        if components.shape != (2, n_s):
            raise ValueError(f"components must be 2 x {n_s}")
        if not np.all(np.isfinite(components)):
            raise ValueError("components must be finite")
        raw_groupings = _field(data, "groupings")
        if not isinstance(raw_groupings, Mapping):
            raise ValueError("groupings must be a mapping")
        groupings: dict[int, KMeansClusters] = {}
        for key, value in raw_groupings.items():
            if not (isinstance(key, str) and key.isdigit()) or not isinstance(value, Mapping):
                raise ValueError(f"bad grouping {key!r}")
            groupings[int(key)] = KMeansClusters.from_dict(value)
        base = KMeansClusters.from_dict(_field(data, "base"))
        if base.members.size and not (0 <= base.members.min() and base.members.max() < n_p):
            raise ValueError("a base-cluster member is out of range")
        return cls(
            in_conv=_mask(_field(data, "in_conv"), n_p, "in_conv"),
            components=components,
            columns=_mask(_field(data, "columns"), n_s, "columns"),
            base=base,
            groupings=groupings,
            last_k=_count(_field(data, "last_k"), "last_k"),
            last_k_count=_count(_field(data, "last_k_count"), "last_k_count"),
            smoothed_k=_count(_field(data, "smoothed_k"), "smoothed_k"),
            updates=_count(_field(data, "updates"), "updates"),
        )


@dataclass(frozen=True, eq=False)
class PolisUpdate:
    """Result of :func:`polis_update`: the map, the groups and the history to carry on."""

    projection: Projection
    in_conv: BoolArray
    clustering: Clustering
    history: History


# -- one update ------------------------------------------------------------------------------


@dataclass(frozen=True)
class UpdateSettings:
    """The knobs of one Polis update, with Polis's values (see :func:`polis_update`).

    Attributes
    ----------
    min_votes, greedy_n : int
        ``in-conv`` rule (7 votes, or the 15 most active).
    base_k, max_k : int
        Base clusters (100) and most groups tried (5).
    base_iters, group_iters, pca_iters : int
        Iteration caps: 100 Lloyd steps for base clusters, 20 for groups, 100 power iterations.
    k_buffer : int
        Updates in a row a new best k must win before groups switch to it (4).
    """

    min_votes: int = 7
    greedy_n: int = 15
    base_k: int = 100
    max_k: int = 5
    base_iters: int = 100
    group_iters: int = 20
    pca_iters: int = 100
    k_buffer: int = 4


DEFAULT_SETTINGS = UpdateSettings()
"""Polis's own knobs."""


def polis_update(
    matrix: VoteMatrix,
    history: History | None,
    *,
    zeroed: Collection[int] | BoolArray = (),
    seed: int = 0,
    settings: UpdateSettings = DEFAULT_SETTINGS,
    keep_participants: Collection[int] = (),
    force_k: int | None = None,
) -> PolisUpdate:
    """One Polis math update of ``matrix`` (the votes so far), warm-started from ``history``.

    Parameters
    ----------
    matrix : VoteMatrix
        All last votes up to this update. Participant and statement indices must keep their
        meaning from one update to the next; participants and statements added since the
        previous update come after the old ones.
    history : History or None
        The previous update's :attr:`PolisUpdate.history`; None for the first update.
    zeroed : collection of int or bool mask
        Moderated-out and meta statements.
    seed : int
        Seed of the random power-iteration start of the first update (Polis: ``rand``).
    settings : UpdateSettings
        The update's knobs (Polis's values by default).
    keep_participants : collection of int
        Participants to put in clustering in addition to the sticky ones.
    force_k : int, optional
        Describe the grouping for this k instead of the smoothed one (when it was computed);
        the history's smoother is unaffected.

    Returns
    -------
    PolisUpdate
        The map, ``in_conv``, the clustering (groups ordered by size, 0 = largest) and the
        history for the next update.

    Examples
    --------
    >>> votes = [(p, s, 1 if (p < 10) == (s < 5) else -1) for p in range(20) for s in range(10)]
    >>> matrix = VoteMatrix.from_votes(votes)
    >>> first = polis_update(matrix, None)
    >>> second = polis_update(matrix, first.history)
    >>> second.clustering.k, second.history.updates
    (2, 2)
    """
    step = _polis_step(matrix, history, zeroed, seed, settings, keep_participants)
    h = step.history
    k = force_k if force_k in step.assigns else h.smoothed_k
    clustering = _clustering(matrix.n_participants, step, k if k in step.assigns else 0)
    return PolisUpdate(
        projection=step.projection, in_conv=h.in_conv, clustering=clustering, history=h
    )


class _Step(NamedTuple):
    projection: Projection
    members: IntArray
    member_base: IntArray
    base_centers: FloatArray
    base_weights: IntArray
    assigns: dict[int, IntArray]
    silhouettes: dict[int, float]
    history: History


def _polis_step(
    matrix: VoteMatrix,
    history: History | None,
    zeroed: Collection[int] | BoolArray,
    seed: int,
    settings: UpdateSettings,
    keep_participants: Collection[int] = (),
) -> _Step:
    """The update itself, without describing the groups (what a replay needs)."""
    n_s = matrix.n_statements
    start = None
    if history is not None and history.components.shape[1] <= n_s:
        # Statements added since keep their place after the old ones; a statement that was
        # not a column then starts at 1 (power-iteration pads its start vector with 1s).
        old_s = history.components.shape[1]
        start = np.ones((2, n_s))
        start[:, :old_s] = np.where(history.columns, history.components, 1.0)
    projection = pca_project(
        matrix,
        zeroed=zeroed,
        seed=seed,
        svd_solver="power",
        start_components=start,
        power_iters=settings.pca_iters,
    )
    counts = matrix.participant_vote_counts()
    return _cluster_step(projection, counts, history, settings, keep_participants)


def _cluster_step(
    projection: Projection,
    vote_counts: IntArray,
    history: History | None,
    settings: UpdateSettings,
    keep_participants: Collection[int] = (),
) -> _Step:
    """The clustering half of an update (in-conv, base clusters, groups, the k smoother) on
    the map ``projection`` has just drawn."""
    n_p = vote_counts.shape[0]
    keep = {int(i) for i in keep_participants}
    if history is not None:  # in-conv is sticky (participants added since come after)
        kept = np.flatnonzero(history.in_conv)
        keep.update(kept[kept < n_p].tolist())
    in_conv = select_in_conv(
        vote_counts,
        int(projection.active.sum()),
        min_votes=settings.min_votes,
        greedy_n=settings.greedy_n,
        keep=keep,
    )
    members = np.flatnonzero(in_conv)
    prev_base = history.base if history is not None else None
    base, base_centers, member_base = polis_kmeans(
        projection.positions[members],
        members,
        settings.base_k,
        previous=prev_base,
        max_iters=settings.base_iters,
    )
    base_ids = np.unique(base.ids)
    base_weights = np.bincount(member_base, minlength=base_ids.size).astype(np.int64)
    groupings, assigns, silhouettes = _group_base_clusters(
        base_centers, base_ids, base_weights, history, settings
    )
    last_k, last_count, smoothed = _smooth_k(silhouettes, assigns, history, settings.k_buffer)
    new_history = History(
        in_conv=in_conv,
        components=projection.components.copy(),
        columns=projection.active.copy(),
        base=base,
        groupings=groupings,
        last_k=last_k,
        last_k_count=last_count,
        smoothed_k=smoothed,
        updates=(history.updates if history is not None else 0) + 1,
    )
    return _Step(
        projection=projection,
        members=members,
        member_base=member_base,
        base_centers=base_centers,
        base_weights=base_weights,
        assigns=assigns,
        silhouettes=silhouettes,
        history=new_history,
    )


def _group_base_clusters(
    base_centers: FloatArray,
    base_ids: IntArray,
    base_weights: IntArray,
    history: History | None,
    settings: UpdateSettings,
) -> tuple[dict[int, KMeansClusters], dict[int, IntArray], dict[int, float]]:
    """The groupings of the base clusters for every k tried, the assignments of those with
    two groups or more, and their silhouettes."""
    # max-k-fn: min(max-k, 2 + n_base // 12); each k warm-started from its own last grouping.
    top = min(settings.max_k, 2 + base_ids.size // 12)
    base_dist = np.sqrt(_sq_dists(base_centers, base_centers))
    groupings: dict[int, KMeansClusters] = {}
    assigns: dict[int, IntArray] = {}
    silhouettes: dict[int, float] = {}
    for k in range(2, top + 1):
        prev = history.groupings.get(k) if history is not None else None
        grouping, _, assign = polis_kmeans(
            base_centers,
            base_ids,
            k,
            previous=prev,
            max_iters=settings.group_iters,
            weights=base_weights,
        )
        groupings[k] = grouping
        if base_ids.size and int(assign.max()) >= 1:
            assigns[k] = assign
            silhouettes[k] = polis_silhouette(base_centers, assign, base_dist)
    return groupings, assigns, silhouettes


def _smooth_k(
    silhouettes: Mapping[int, float],
    assigns: Mapping[int, IntArray],
    history: History | None,
    k_buffer: int,
) -> tuple[int, int, int]:
    """Polis's group-k-smoother: a new best k must win ``k_buffer`` updates in a row.

    Returns the best k of this update, how many updates in a row it won, and the k in use.
    """
    last_k, last_count, smoothed = 0, 0, 0
    if history is not None:
        last_k, last_count, smoothed = history.last_k, history.last_k_count, history.smoothed_k
    if silhouettes:
        this_k = max(silhouettes, key=lambda kk: (silhouettes[kk], kk))  # max-key: last on ties
        last_count = last_count + 1 if this_k == last_k else 1
        if last_count >= k_buffer or smoothed not in assigns:
            smoothed = this_k
        last_k = this_k
    return last_k, last_count, smoothed


def _order_groups(
    assign: IntArray, weights: IntArray, centers: FloatArray
) -> tuple[IntArray, FloatArray]:
    """Group ids 0..k-1 by decreasing members (ties: by centre x, then y), with centres."""
    k = int(assign.max()) + 1
    sizes = np.bincount(assign, weights=weights, minlength=k)
    means, _ = _weighted_centers(centers, assign, k, weights.astype(np.float64))
    order = sorted(range(k), key=lambda g: (-sizes[g], means[g, 0], means[g, 1]))
    rank = np.empty(k, dtype=np.int64)
    rank[order] = np.arange(k)
    return rank[assign], means[order]


def _clustering(n_participants: int, step: _Step, k: int) -> Clustering:
    """The clustering ``step`` describes, its groups those of ``k`` (0: none)."""
    members, member_base = step.members, step.member_base
    base_centers, base_weights = step.base_centers, step.base_weights
    assigns, silhouettes = step.assigns, step.silhouettes
    labels = np.full(n_participants, -1, dtype=np.int64)
    base_labels = np.full(n_participants, -1, dtype=np.int64)
    base_labels[members] = member_base
    candidates = {kk: _order_groups(a, base_weights, base_centers)[0] for kk, a in assigns.items()}
    if k:
        base_groups, centers = _order_groups(assigns[k], base_weights, base_centers)
        labels[members] = base_groups[member_base]
    else:
        base_groups = np.full(base_centers.shape[0], -1, dtype=np.int64)
        centers = np.zeros((0, 2))
    return Clustering(
        labels=labels,
        k=int(centers.shape[0]),
        silhouettes=dict(silhouettes),
        centers=centers,
        base_labels=base_labels,
        base_centers=base_centers,
        base_weights=base_weights,
        base_groups=base_groups,
        candidates=candidates,
    )


# -- replaying a vote log --------------------------------------------------------------------


def update_batches(timestamps: npt.ArrayLike, batch_ms: float = 1000.0) -> IntArray:
    """Where Polis's updates fall in a time-sorted vote log: the end index of each batch.

    Votes are grouped into consecutive windows of ``batch_ms`` milliseconds from the first
    vote — the poller fetches the votes created since its last poll once a second, and each
    non-empty poll triggers one update.

    Examples
    --------
    >>> update_batches([0, 10, 999, 1000, 5000], 1000).tolist()
    [3, 4, 5]
    """
    ts = np.asarray(timestamps, dtype=np.float64)
    if ts.size == 0:
        return np.zeros(0, dtype=np.int64)
    window = np.floor((ts - ts[0]) / batch_ms)
    ends = np.flatnonzero(np.diff(window) != 0) + 1
    return np.append(ends, ts.size).astype(np.int64)


class VoteLog(NamedTuple):
    """A vote log sorted by time (stable: votes at the same time keep their order)."""

    participants: IntArray
    statements: IntArray
    values: npt.NDArray[Any]
    timestamps: npt.NDArray[Any]

    @classmethod
    def sorted(
        cls,
        participants: npt.ArrayLike,
        statements: npt.ArrayLike,
        values: npt.ArrayLike,
        timestamps: npt.ArrayLike,
    ) -> VoteLog:
        """The votes given, in time order."""
        p = np.asarray(participants, dtype=np.int64).ravel()
        s = np.asarray(statements, dtype=np.int64).ravel()
        v = np.asarray(values).ravel()
        ts = np.asarray(timestamps).ravel()
        order = np.argsort(ts, kind="stable")
        return cls(p[order], s[order], v[order], ts[order])


UpdateStep = Callable[[VoteLog, int, int, History | None], History]
"""One update of a replay: ``step(log, begin, end, history)`` takes in the votes
``log[begin:end]`` (those since the previous update) and returns the next history."""


def run_updates(
    log: VoteLog,
    step: UpdateStep,
    *,
    batch_ms: float,
    stop_before_last: bool,
    n_threads: int | None,
) -> tuple[History | None, int]:
    """Run ``step`` over the batches of ``log`` (see :func:`update_batches`), each update
    carrying the previous one's history: the loop :func:`replay_history` and
    :func:`~coalition.engines.common_ground.stream.replay_stream` share.

    Returns the last history (None if no update ran) and the number of updates the log
    implies (the last included even when ``stop_before_last`` skips it).

    Examples
    --------
    Two batches (votes at 0 s, then at 2 s and 2.5 s); this step only counts what it is given:

    >>> log = VoteLog.sorted([1, 0, 1], [0, 0, 1], [1, -1, 1], [2000, 0, 2500])
    >>> seen = []
    >>> step = lambda log, begin, end, history: seen.append(end - begin)
    >>> run_updates(log, step, batch_ms=1000, stop_before_last=False, n_threads=1), seen
    ((None, 2), [1, 2])
    """
    ends = update_batches(log.timestamps, batch_ms)
    run = ends[:-1] if stop_before_last else ends
    history: History | None = None
    begin = 0
    with threadpool_limits(limits=n_threads):
        for end in run:
            history = step(log, begin, int(end), history)
            begin = int(end)
    return history, int(ends.size)


def replay_history(
    participants: npt.ArrayLike,
    statements: npt.ArrayLike,
    values: npt.ArrayLike,
    timestamps: npt.ArrayLike,
    *,
    n_participants: int,
    n_statements: int,
    batch_ms: float = 1000.0,
    zeroed: Collection[int] | BoolArray = (),
    seed: int = 0,
    stop_before_last: bool = True,
    settings: UpdateSettings = DEFAULT_SETTINGS,
    n_threads: int | None = 1,
) -> tuple[History | None, int]:
    """Run Polis's updates over a timestamped vote log, as its math worker ran them.

    Parameters
    ----------
    participants, statements, values, timestamps : array-like
        The votes (re-votes included), as for :meth:`VoteMatrix.from_arrays`.
    n_participants, n_statements : int
        Final shape; indices keep their meaning across updates.
    batch_ms : float
        Poll interval (Polis: 1000 ms); see :func:`update_batches`.
    zeroed : collection of int or bool mask
        Moderated-out and meta statements as they end up (applied to every update).
    seed : int
        Seed of the first update's power-iteration start.
    stop_before_last : bool
        Leave the last batch to the caller (a full ``analyze(..., history=)``), else run all.
    settings : UpdateSettings
        As for :func:`polis_update`.
    n_threads : int or None
        Threads the native pools may use (as for ``analyze``; tiny eigenproblems want one).

    Returns
    -------
    history : History or None
        The state after the updates run (None if none ran).
    n_updates : int
        Updates the log implies in all (the last included even when not run here).

    Examples
    --------
    >>> p = np.repeat(np.arange(20), 10); s = np.tile(np.arange(10), 20)
    >>> v = np.where((p < 10) == (s < 5), 1, -1); ts = np.arange(200) * 400
    >>> history, n = replay_history(p, s, v, ts, n_participants=20, n_statements=10)
    >>> n, history.updates, history.smoothed_k
    (80, 79, 2)
    """

    def step(log: VoteLog, begin: int, end: int, history: History | None) -> History:
        matrix = VoteMatrix.from_arrays(
            log.participants[:end],
            log.statements[:end],
            log.values[:end],
            log.timestamps[:end],
            n_participants=n_participants,
            n_statements=n_statements,
        )
        return _polis_step(matrix, history, zeroed, seed, settings).history

    return run_updates(
        VoteLog.sorted(participants, statements, values, timestamps),
        step,
        batch_ms=batch_ms,
        stop_before_last=stop_before_last,
        n_threads=n_threads,
    )
