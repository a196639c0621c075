"""Group-informed consensus, comment priority and the next statement to show a participant.

Group-informed consensus of statement s over groups g = 1..k [1]_ [2]_::

    gic(s) = Π_g (A_g(s) + 1) / (S_g(s) + 2)

with ``A_g`` the agree votes and ``S_g`` all votes (passes included) of group g's members on s.
It is high only when *every* group tends to agree; one opposed group pulls it down.

Comment priority (which statement to show next) [2]_ [3]_::

    a          = (A + 1) / (S + 2)            # agreement, smoothed
    p          = (P + 1) / (S + 2)            # passes, smoothed
    importance = (1 − p) · (E + 1) · a        # E = the statement's extremity on the map
    priority   = (importance · (1 + 8 · 2^(−S/5)))²   # new statements bubble up
    priority   = 7² for meta statements

with A, P, S the agree, pass and total votes of the clustered participants. The Polis server
then draws the next statement at random among those the participant has not voted on, with
probability proportional to priority (a missing or zero priority counts as 1).

References
----------
.. [1] C. Small et al., "Polis: Scaling deliberation by mapping high dimensional opinion
   spaces", Recerca 26(2), 2021 — "Group informed consensus", "Comment routing".
.. [2] compdemocracy/polis, ``math/src/polismath/math/conversation.clj``
   (``:group-aware-consensus``, ``importance-metric``, ``priority-metric``,
   ``:comment-priorities``).
.. [3] compdemocracy/polis, ``server/src/nextComment.ts`` (``selectProbabilistically``).
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from coalition.engines.common_ground.matrix import VoteMatrix

from ..arrays import BoolArray, FloatArray, Int32Array

__all__ = [
    "META_PRIORITY",
    "comment_priorities",
    "group_informed_consensus",
    "next_statement_from",
]


META_PRIORITY = 7.0
"""Priority of meta statements before squaring (Polis's ``meta-priority``)."""


def group_informed_consensus(
    matrix: VoteMatrix,
    labels: npt.ArrayLike,
    k: int | None = None,
    *,
    vote: int = 1,
) -> FloatArray:
    """Group-informed consensus of every statement: ``Π_g (A_g + 1) / (S_g + 2)``.

    Parameters
    ----------
    matrix : VoteMatrix
        Last votes (raw: moderated-out statements are not zeroed, as in Polis's
        ``votes-base``, which reads the raw rating matrix).
    labels : (n_participants,) array-like of int
        Group of each participant in 0..k-1; -1 (or any negative) = not in a group.
    k : int, optional
        Number of groups; defaults to ``max(labels) + 1``. A group without members
        contributes the factor 1/2, as Polis's prior would.
    vote : {1, -1}
        ``1`` for agreement consensus (the published measure), ``-1`` for the same product
        over disagreement.

    Returns
    -------
    (n_statements,) float array
        In (0, 1]; with no groups, the empty product 1.

    Examples
    --------
    >>> m = VoteMatrix.from_votes([(0, 0, 1), (1, 0, 1), (2, 0, -1), (3, 0, 1)])
    >>> group_informed_consensus(m, [0, 0, 1, 1]).round(4).tolist()  # (3/4)·(2/4)
    [0.375]
    """
    if vote not in (1, -1):
        raise ValueError("vote must be 1 (agree) or -1 (disagree)")
    lab = np.asarray(labels, dtype=np.int64)
    if lab.shape != (matrix.n_participants,):
        raise ValueError("labels must have one entry per participant")
    if k is None:
        n_groups = max(int(lab.max()) + 1, 0) if lab.size else 0
    else:
        n_groups = k
    rows = np.flatnonzero((lab >= 0) & (lab < n_groups))
    onehot = sp.csr_matrix(
        (np.ones(rows.size), (lab[rows], rows)), shape=(n_groups, matrix.n_participants)
    )
    hits = matrix.agrees() if vote == 1 else matrix.disagrees()
    a = np.asarray((onehot @ hits).todense(), dtype=np.float64)
    s = np.asarray((onehot @ matrix.seen()).todense(), dtype=np.float64)
    out = np.ones(matrix.n_statements)
    for g in range(n_groups):
        out *= (a[g] + 1.0) / (s[g] + 2.0)
    return out


def comment_priorities(
    matrix: VoteMatrix,
    voters: BoolArray,
    extremity: FloatArray,
    meta: BoolArray,
) -> FloatArray:
    """Polis's comment priority of every statement (see the module docstring).

    Parameters
    ----------
    matrix : VoteMatrix
        Last votes.
    voters : (n_participants,) bool array
        Participants whose votes count (Polis: the clustered participants).
    extremity : (n_statements,) float array
        From :class:`~coalition.engines.common_ground.projection.Projection`.
    meta : (n_statements,) bool array
        Meta statements, which get the fixed priority ``7² = 49``.

    Returns
    -------
    (n_statements,) float array

    Examples
    --------
    >>> votes = [(p, s, 1 if (p < 10) == (s < 5) else -1) for p in range(20) for s in range(10)]
    >>> matrix = VoteMatrix.from_votes(votes)
    >>> extremity = np.ones(10)
    >>> voters, meta = np.ones(20, dtype=bool), np.zeros(10, dtype=bool)
    >>> comment_priorities(matrix, voters, extremity, meta).shape
    (10,)
    """
    w = np.asarray(voters, dtype=bool)[matrix.rows]
    n = matrix.n_statements
    cols, vals = matrix.indices[w], matrix.values[w]
    agree = np.bincount(cols[vals == 1], minlength=n).astype(np.float64)
    passes = np.bincount(cols[vals == 0], minlength=n).astype(np.float64)
    seen = np.bincount(cols, minlength=n).astype(np.float64)
    p = (passes + 1.0) / (seen + 2.0)
    a = (agree + 1.0) / (seen + 2.0)
    importance = (1.0 - p) * (np.asarray(extremity) + 1.0) * a
    priority = importance * (1.0 + 8.0 * np.power(2.0, -seen / 5.0))
    priority = np.where(np.asarray(meta, dtype=bool), META_PRIORITY, priority)
    return np.asarray(priority**2, dtype=np.float64)


def next_statement_from(
    priorities: FloatArray,
    voted: Collection[int] | Int32Array,
    eligible: BoolArray,
    rng: np.random.Generator | int = 0,
) -> int | None:
    """Draw the next statement: not yet voted, eligible, chosen with probability ∝ priority.

    Parameters
    ----------
    priorities : (n_statements,) float array
        From :func:`comment_priorities`.
    voted : collection of int
        Statements the participant already voted on.
    eligible : (n_statements,) bool array
        Statements that may be shown (e.g. not moderated out; only accepted ones under strict
        moderation).
    rng : numpy Generator or int
        Source of randomness, or a seed — the same seed and state give the same statement.

    Returns
    -------
    int or None
        A statement index, or None when nothing is left to vote on.

    Examples
    --------
    Statement 1 is voted and 2 is not eligible, so 0 is the only one left:

    >>> next_statement_from(np.array([1.0, 5.0, 2.0]), [1], np.array([True, True, False]))
    0
    """
    mask = np.asarray(eligible, dtype=bool).copy()
    done = np.fromiter((int(i) for i in voted), dtype=np.int64)
    mask[done[(done >= 0) & (done < mask.size)]] = False
    candidates = np.flatnonzero(mask)
    if candidates.size == 0:
        return None
    weights = np.asarray(priorities, dtype=np.float64)[candidates]
    weights = np.where(np.isfinite(weights) & (weights > 0), weights, 1.0)
    generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    return int(generator.choice(candidates, p=weights / weights.sum()))
