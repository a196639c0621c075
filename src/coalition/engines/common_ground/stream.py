"""Replaying a vote log at speed: each Polis update pays only for what its batch changed.

:func:`~coalition.engines.common_ground.incremental.replay_history` rebuilds the vote matrix
and runs a full PCA at every update: O(votes) and up to 100 power iterations per update, which
is minutes for a conversation of 60,000 votes. :class:`VoteStream` keeps what one update hands
to the next instead:

* the **centred matrix** ``X`` (votes minus their statement's mean where a vote exists, 0
  elsewhere and in zeroed columns), dense: a batch changes the votes of a few statements, and
  so the means of those statements only — only their columns of ``X`` are rewritten
  (O(participants · changed statements));
* the **Gram matrix** ``G = XᵀX``, of which only the rows and columns of the changed
  statements move (O(participants · statements · changed statements));
* the **components**: Polis's power iteration on ``G`` (with deflation for the second), warm-
  started from the previous update's components as Polis does [1]_, stopped when the direction
  moves less than :data:`POWER_TOL` or after Polis's 100 iterations. A warm start close to the
  fixed point converges in a few products of ``G``, so the stop rule changes the cost, not
  the fixed point it converges to;
* vote counts per participant and per statement.

The clustering half of each update (sticky in-conv, warm-started base clusters and groups, the
k smoother) is :mod:`.incremental`'s, unchanged. Per update the cost no longer grows with the
number of votes so far, and no Python loop runs over participants.

References
----------
.. [1] compdemocracy/polis, ``math/src/polismath/math/pca.clj`` (``power-iteration``,
   ``powerit-pca``, ``sparsity-aware-project-ptpt``) and ``conversation.clj``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import numpy as np
import numpy.typing as npt

from coalition.engines.common_ground.incremental import (
    DEFAULT_SETTINGS,
    History,
    UpdateSettings,
    VoteLog,
    _cluster_step,
    run_updates,
)
from coalition.engines.common_ground.projection import Projection, statement_mask

from ..arrays import BoolArray, FloatArray, IntArray

__all__ = ["IMPORT_BATCH_MS", "POWER_TOL", "VoteStream", "replay_stream"]


IMPORT_BATCH_MS = 60_000
"""Batch window of the replay an import runs (ms). Chosen on the three real Polis
conversations of ``benchmarks/common_ground.py``: with a minute of votes per update the
groups agreed with Polis's own better on average (mean ARI 0.934 over the three) than a
from-scratch analysis (0.921) or ten-minute batches (0.816), at a ninth of the updates of
Polis's one-second poll (which on the two conversations where it could be run scored 0.918
and 0.927). See the README's benchmark table."""

POWER_TOL = 1e-7
"""A power iteration stops when no entry of its unit vectors moves by this much."""


class VoteStream:
    """The vote matrix of a conversation as votes arrive, with its centred form and Gram matrix.

    Parameters
    ----------
    n_participants, n_statements : int
        Final shape; indices keep their meaning as votes arrive.
    zeroed : collection of int or bool mask
        Moderated-out and meta statements: their column of ``X`` stays 0.
    """

    def __init__(
        self, n_participants: int, n_statements: int, zeroed: Collection[int] | BoolArray = ()
    ) -> None:
        self.n_participants, self.n_statements = n_participants, n_statements
        self.zeroed = statement_mask(n_statements, zeroed)
        self.votes = np.zeros((n_participants, n_statements))
        self.voted = np.zeros((n_participants, n_statements), dtype=bool)
        # X and G only over the statements that are not zeroed (their column of X is 0)
        self.live_cols = np.flatnonzero(~self.zeroed)
        self.position = np.full(n_statements, -1, dtype=np.int64)
        self.position[self.live_cols] = np.arange(self.live_cols.size)
        self.x = np.zeros((n_participants, self.live_cols.size))
        self.gram = np.zeros((self.live_cols.size, self.live_cols.size))
        self.col_sum = np.zeros(n_statements)
        self.col_count = np.zeros(n_statements, dtype=np.int64)
        self.row_count = np.zeros(n_participants, dtype=np.int64)
        self.row_live = np.zeros(n_participants, dtype=np.int64)

    def add(self, participants: IntArray, statements: IntArray, values: npt.ArrayLike) -> None:
        """Apply a batch of votes in time order (a later vote on the same cell replaces)."""
        p = np.asarray(participants, dtype=np.int64)
        s = np.asarray(statements, dtype=np.int64)
        v = np.asarray(values, dtype=np.float64)
        if p.size == 0:
            return
        # the last vote per cell within the batch
        key = p * self.n_statements + s
        _, last = np.unique(key[::-1], return_index=True)
        pick = p.size - 1 - last
        p, s, v = p[pick], s[pick], v[pick]
        new = ~self.voted[p, s]
        self.col_sum += np.bincount(s, weights=v - self.votes[p, s], minlength=self.n_statements)
        self.col_count += np.bincount(s[new], minlength=self.n_statements)
        self.row_count += np.bincount(p[new], minlength=self.n_participants)
        live_new = new & ~self.zeroed[s]
        self.row_live += np.bincount(p[live_new], minlength=self.n_participants)
        self.votes[p, s] = v
        self.voted[p, s] = True
        changed = np.unique(self.position[s])
        changed = changed[changed >= 0]
        if changed.size:
            cols = self.live_cols[changed]
            mean = self.col_sum[cols] / self.col_count[cols]
            self.x[:, changed] = (self.votes[:, cols] - mean) * self.voted[:, cols]
            cross = self.x.T @ self.x[:, changed]  # (live, |changed|)
            self.gram[:, changed] = cross
            self.gram[changed, :] = cross.T

    @property
    def active(self) -> BoolArray:
        """Statements with at least one vote (columns of Polis's matrix)."""
        return self.col_count > 0

    def project(self, start: FloatArray | None, seed: int = 0, max_iters: int = 100) -> Projection:
        """Polis's map of the votes so far: components by warm-started power iteration on
        ``G``, participants projected with the sparsity scaling (as
        :func:`~coalition.engines.common_ground.projection.pca_project`)."""
        n_s = self.n_statements
        active = self.active
        zeroed = self.zeroed & active
        live = active & ~zeroed
        n_columns = int(active.sum())
        components = np.zeros((2, n_s))
        explained = np.zeros(2)
        n_rows = int(np.count_nonzero(self.row_live))
        if live.any() and n_rows >= 2:
            rng = np.random.default_rng(seed)
            on = live[self.live_cols]  # live statements among X's columns
            starts = np.zeros((self.live_cols.size, 2))
            for c in range(2):
                v = None if start is None else start[c, self.live_cols][on]
                if v is None or not np.any(v):
                    v = rng.random(int(on.sum()))  # as pca_project draws it: live columns
                starts[on, c] = v
            vectors, values = _subspace(self.gram, starts, max_iters)
            components[:, self.live_cols] = vectors.T
            explained[:] = values / max(n_rows - 1, 1)
        center = np.zeros(n_s)
        center[live] = self.col_sum[live] / self.col_count[live]
        n_votes = self.row_live + int(zeroed.sum())
        scale = np.sqrt(n_columns / np.maximum(n_votes, 1))
        positions = (self.x @ components[:, self.live_cols].T) * scale[:, None]
        return Projection.place(positions, center, components, explained, active, zeroed)


def _subspace(
    gram: FloatArray, starts: FloatArray, max_iters: int
) -> tuple[FloatArray, FloatArray]:
    """The two leading eigenvectors of ``gram`` (columns) and their eigenvalues: Polis's
    power iteration with deflation (``powerit-pca``), both vectors in one product a step.

    The first column is plain power iteration; the second is power iteration kept
    orthogonal to the first, which is what deflating ``gram`` by the first amounts to. Each
    vector's sign follows its start, as in Polis. Stops when no entry of either vector moves
    by :data:`POWER_TOL`, or after ``max_iters`` + 1 products, as Polis stops after 100
    iterations: on a small eigengap the vectors stay where Polis's would, not converged.
    A vector with eigenvalue 0 comes back as zeros, as Polis's iteration ends on a zero
    vector.

    (Measured and rejected: solving the eigenproblem outright, or a Rayleigh–Ritz step,
    which converge where Polis's 100 iterations do not; they were cheaper but their groups
    agreed less with Polis's on austria-climate, ARI 0.930 against 0.994.)
    """
    tiny = np.finfo(float).tiny
    q = starts.copy()
    q[:, 0] /= max(float(np.linalg.norm(q[:, 0])), tiny)
    q[:, 1] -= q[:, 0] * float(q[:, 0] @ q[:, 1])
    q[:, 1] /= max(float(np.linalg.norm(q[:, 1])), tiny)
    values = np.zeros(2)
    for _ in range(max_iters + 1):
        w = gram @ q
        values[0] = float(np.sqrt(w[:, 0] @ w[:, 0]))
        if values[0] == 0.0:
            return np.zeros_like(q), np.zeros(2)
        first = w[:, 0] / values[0]
        second = w[:, 1] - first * float(first @ w[:, 1])
        values[1] = float(np.sqrt(second @ second))
        second = second / values[1] if values[1] > 1e-12 * values[0] else second * 0.0
        moved = max(float(np.max(np.abs(first - q[:, 0]))), float(np.max(np.abs(second - q[:, 1]))))
        q[:, 0], q[:, 1] = first, second
        if moved < POWER_TOL:
            break
    if not np.any(q[:, 1]):
        values[1] = 0.0
    return q, values


def replay_stream(
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
    progress: Callable[[int, int], None] | None = None,
) -> tuple[History | None, int]:
    """Run Polis's updates over a timestamped vote log, each paying only for its batch.

    Same parameters and result as
    :func:`~coalition.engines.common_ground.incremental.replay_history` (which it replaces
    for speed), plus ``progress``, called as ``progress(votes_done, votes_total)`` after
    each update. The components agree with the rebuild-everything replay to
    :data:`POWER_TOL`; the groups are the same unless a point sits on a k-means boundary.

    Examples
    --------
    >>> p = np.repeat(np.arange(20), 10); s = np.tile(np.arange(10), 20)
    >>> v = np.where((p < 10) == (s < 5), 1, -1); ts = np.arange(200) * 400
    >>> history, n = replay_stream(p, s, v, ts, n_participants=20, n_statements=10)
    >>> n, history.updates, history.smoothed_k
    (80, 79, 2)
    """
    stream = VoteStream(n_participants, n_statements, zeroed)

    def step(log: VoteLog, begin: int, end: int, history: History | None) -> History:
        stream.add(log.participants[begin:end], log.statements[begin:end], log.values[begin:end])
        start = None
        if history is not None:  # a statement that was not a column starts at 1
            start = np.where(history.columns, history.components, 1.0)
        projection = stream.project(start, seed=seed, max_iters=settings.pca_iters)
        new = _cluster_step(projection, stream.row_count, history, settings).history
        if progress is not None:
            progress(end, int(log.participants.size))
        return new

    return run_updates(
        VoteLog.sorted(participants, statements, values, timestamps),
        step,
        batch_ms=batch_ms,
        stop_before_last=stop_before_last,
        n_threads=n_threads,
    )
