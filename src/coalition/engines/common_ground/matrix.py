"""The participants × statements vote matrix, and the rule for accepting a vote.

A vote is agree (+1), disagree (-1) or pass (0); a participant who has not voted on a
statement has a *missing* entry, which is not the same as a pass. Polis keeps only the last
vote of each participant on each statement (re-votes replace earlier ones), and so does
:class:`VoteMatrix`.

References
----------
.. [1] C. Small, M. Bjorkegren, T. Erkkilä, L. Shaw, C. Megill, "Polis: Scaling deliberation by
   mapping high dimensional opinion spaces", Recerca 26(2), 2021 — section "Data: the vote
   matrix".
.. [2] compdemocracy/polis, ``math/src/polismath/math/conversation.clj`` (``:raw-rating-mat``,
   ``mod-update``) and ``server/src/routes/votes`` (votes on moderated-out comments refused).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from ..arrays import AnyArray, FloatArray, IndexArray, Int8Array, Int32Array, IntArray

__all__ = [
    "Moderation",
    "VoteMatrix",
    "VoteRefused",
    "validate_vote",
]


class Moderation(IntEnum):
    """Moderation state of a statement, with the values Polis exports (``moderated`` column)."""

    out = -1
    unmoderated = 0
    accepted = 1


class VoteRefused(ValueError):
    """A vote that must not be recorded; ``reason`` is a stable code, ``message`` says why."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def validate_vote(
    statement_state: Moderation | int | None,
    value: object,
    *,
    strict_moderation: bool = False,
) -> int:
    """Check that a vote may be recorded, and return its value as an ``int`` in {-1, 0, 1}.

    Parameters
    ----------
    statement_state : Moderation, int or None
        The moderation state of the statement voted on (``Moderation`` or its export value
        -1/0/1); ``None`` means the statement is unknown in this conversation.
    value : object
        The vote: agree ``1``, disagree ``-1``, pass ``0``. Booleans, floats and strings are
        refused rather than coerced.
    strict_moderation : bool
        Polis's "strict moderation" setting: when true, only accepted statements may be voted
        on; otherwise unmoderated statements may be voted on too.

    Returns
    -------
    int
        The vote value.

    Raises
    ------
    VoteRefused
        ``reason`` is ``"unknown_statement"``, ``"moderated_out"``, ``"not_moderated"`` or
        ``"bad_value"``.

    Notes
    -----
    Polis refuses votes on comments that moderators removed (``mod = -1``) and, under strict
    moderation, on comments not yet accepted [2]_; this function is that rule, kept pure so the
    service, the importer and the API all apply the same one.

    Examples
    --------
    >>> validate_vote(Moderation.accepted, -1)
    -1
    >>> validate_vote(Moderation.out, 1)
    Traceback (most recent call last):
    ...
    coalition.engines.common_ground.matrix.VoteRefused: statement was moderated out
    """
    if statement_state is None:
        raise VoteRefused("unknown_statement", "statement is not part of this conversation")
    try:
        state = Moderation(int(statement_state))
    except (TypeError, ValueError) as exc:
        raise VoteRefused(
            "unknown_statement", f"unknown moderation state {statement_state!r}"
        ) from exc
    if state is Moderation.out:
        raise VoteRefused("moderated_out", "statement was moderated out")
    if strict_moderation and state is not Moderation.accepted:
        raise VoteRefused("not_moderated", "statement is awaiting moderation")
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise VoteRefused("bad_value", f"vote must be -1, 0 or 1, not {value!r}")
    if int(value) not in (-1, 0, 1):
        raise VoteRefused("bad_value", f"vote must be -1, 0 or 1, not {int(value)}")
    return int(value)


@dataclass(frozen=True, eq=False)
class VoteMatrix:
    """Last votes of ``n_participants`` participants on ``n_statements`` statements.

    Stored in compressed-sparse-row form: the votes of participant ``i`` are
    ``values[indptr[i]:indptr[i+1]]`` on statements ``indices[indptr[i]:indptr[i+1]]``
    (sorted, no repeats). A pass is stored as an explicit ``0``; a missing vote is absent.
    ``participant_ids`` and ``statement_ids`` carry the caller's labels (default: the indices).

    Build it with :meth:`from_votes`, :meth:`from_arrays` or :meth:`from_labelled`.
    """

    indptr: IntArray
    indices: Int32Array
    values: Int8Array
    n_participants: int
    n_statements: int
    participant_ids: tuple[Hashable, ...] = field(default=())
    statement_ids: tuple[Hashable, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.indptr.shape != (self.n_participants + 1,):
            raise ValueError("indptr must have n_participants + 1 entries")
        if self.indices.shape != self.values.shape:
            raise ValueError("indices and values must have the same length")
        if not self.participant_ids:
            object.__setattr__(self, "participant_ids", tuple(range(self.n_participants)))
        if not self.statement_ids:
            object.__setattr__(self, "statement_ids", tuple(range(self.n_statements)))
        if len(self.participant_ids) != self.n_participants:
            raise ValueError("participant_ids must have n_participants labels")
        if len(self.statement_ids) != self.n_statements:
            raise ValueError("statement_ids must have n_statements labels")

    # -- construction -----------------------------------------------------------------

    @classmethod
    def from_arrays(
        cls,
        participants: npt.ArrayLike,
        statements: npt.ArrayLike,
        values: npt.ArrayLike,
        timestamps: npt.ArrayLike | None = None,
        *,
        n_participants: int | None = None,
        n_statements: int | None = None,
        participant_ids: Sequence[Hashable] = (),
        statement_ids: Sequence[Hashable] = (),
    ) -> VoteMatrix:
        """Build the matrix from parallel arrays of votes, keeping the last vote per pair.

        Parameters
        ----------
        participants, statements : array-like of int
            Row and column index of each vote (non-negative).
        values : array-like of int
            Each vote, in {-1, 0, 1}.
        timestamps : array-like, optional
            When each vote was cast. The vote with the greatest timestamp wins; among equal
            timestamps (or without timestamps) the one given last wins, as in Polis [2]_.
        n_participants, n_statements : int, optional
            Matrix shape; defaults to one more than the largest index seen.

        Raises
        ------
        ValueError
            On a value outside {-1, 0, 1}, a negative index, an index beyond the given shape or
            arrays of different lengths.

        Notes
        -----
        O(V log V) for V votes: one sort by (participant, statement); only the pairs voted
        more than once are sorted again by time. No Python loop over votes.
        """
        p = np.asarray(participants, dtype=np.int64).ravel()
        s = np.asarray(statements, dtype=np.int64).ravel()
        raw = np.asarray(values).ravel()
        if not (p.shape == s.shape == raw.shape):
            raise ValueError("participants, statements and values must have the same length")
        if raw.size and not np.all(np.isin(raw, (-1, 0, 1))):
            bad = raw[~np.isin(raw, (-1, 0, 1))][0]
            raise ValueError(f"vote values must be -1, 0 or 1 (got {bad!r})")
        v = raw.astype(np.int8)
        if p.size and (p.min() < 0 or s.min() < 0):
            raise ValueError("participant and statement indices must be non-negative")
        n_p = _extent(p, n_participants, len(participant_ids), "participant")
        n_s = _extent(s, n_statements, len(statement_ids), "statement")

        ts: AnyArray | None = None
        if timestamps is not None:
            ts = np.asarray(timestamps).ravel()
            if ts.shape != p.shape:
                raise ValueError("timestamps must have one entry per vote")
        order = _last_vote_order(p * max(n_s, 1) + s, ts)
        rows = p[order]
        indptr = np.zeros(n_p + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n_p), out=indptr[1:])
        return cls(
            indptr=indptr,
            indices=s[order].astype(np.int32),
            values=v[order],
            n_participants=n_p,
            n_statements=n_s,
            participant_ids=tuple(participant_ids),
            statement_ids=tuple(statement_ids),
        )

    @classmethod
    def from_votes(
        cls,
        votes: Iterable[tuple[int, int, int, float] | tuple[int, int, int]],
        *,
        n_participants: int | None = None,
        n_statements: int | None = None,
    ) -> VoteMatrix:
        """Build the matrix from ``(participant_idx, statement_idx, value[, timestamp])`` tuples.

        The last vote per (participant, statement) counts — by timestamp when given, else by
        order. See :meth:`from_arrays` for the rules and errors.

        Examples
        --------
        >>> m = VoteMatrix.from_votes([(0, 0, 1, 10), (0, 0, -1, 20), (1, 1, 0, 5)])
        >>> m.to_dense().tolist()
        [[-1.0, nan], [nan, 0.0]]
        """
        rows: list[int] = []
        cols: list[int] = []
        vals: list[int] = []
        stamps: list[float] = []
        timed = True
        for vote in votes:
            rows.append(vote[0])
            cols.append(vote[1])
            vals.append(vote[2])
            if len(vote) > 3:
                stamps.append(vote[3])
            else:
                timed = False
        return cls.from_arrays(
            rows,
            cols,
            vals,
            stamps if timed and stamps else None,
            n_participants=n_participants,
            n_statements=n_statements,
        )

    @classmethod
    def from_labelled(
        cls,
        votes: Iterable[tuple[Hashable, Hashable, int, float]],
        *,
        participant_ids: Sequence[Hashable] | None = None,
        statement_ids: Sequence[Hashable] | None = None,
    ) -> VoteMatrix:
        """Build the matrix from ``(participant_id, statement_id, value, timestamp)`` labels.

        Row and column order follow ``participant_ids`` / ``statement_ids`` when given (so
        participants without votes and statements without votes keep their place), otherwise
        the order of first appearance. A label not in a given id list raises ``KeyError``.
        """
        p_index: dict[Hashable, int] = {}
        s_index: dict[Hashable, int] = {}
        if participant_ids is not None:
            p_index = {pid: i for i, pid in enumerate(participant_ids)}
        if statement_ids is not None:
            s_index = {sid: i for i, sid in enumerate(statement_ids)}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[int] = []
        stamps: list[float] = []
        for pid, sid, value, ts in votes:
            if participant_ids is None:
                rows.append(p_index.setdefault(pid, len(p_index)))
            else:
                rows.append(p_index[pid])
            if statement_ids is None:
                cols.append(s_index.setdefault(sid, len(s_index)))
            else:
                cols.append(s_index[sid])
            vals.append(value)
            stamps.append(ts)
        return cls.from_arrays(
            rows,
            cols,
            vals,
            stamps,
            n_participants=len(p_index),
            n_statements=len(s_index),
            participant_ids=tuple(p_index),
            statement_ids=tuple(s_index),
        )

    # -- views ------------------------------------------------------------------------

    @property
    def nnz(self) -> int:
        """Number of (last) votes, passes included."""
        return int(self.indices.size)

    @property
    def rows(self) -> IntArray:
        """Participant index of each stored vote (parallel to ``indices`` and ``values``)."""
        return np.repeat(np.arange(self.n_participants, dtype=np.int64), np.diff(self.indptr))

    def csr(
        self, data: npt.ArrayLike | None = None, dtype: npt.DTypeLike = np.float64
    ) -> sp.csr_matrix:
        """The votes as a SciPy CSR matrix; ``data`` replaces the vote values (same order).

        Passes are explicit zeros in the default form, so use :meth:`seen` to count votes.
        """
        d = np.asarray(self.values if data is None else data, dtype=dtype)
        return sp.csr_matrix(
            (d, self.indices, self.indptr), shape=(self.n_participants, self.n_statements)
        )

    def seen(self, dtype: npt.DTypeLike = np.float64) -> sp.csr_matrix:
        """CSR matrix with 1 where the participant voted (agree, disagree or pass)."""
        return self.csr(np.ones(self.nnz, dtype=dtype), dtype=dtype)

    def agrees(self, dtype: npt.DTypeLike = np.float64) -> sp.csr_matrix:
        """CSR matrix with 1 where the participant agreed."""
        return self.csr(self.values == 1, dtype=dtype)

    def disagrees(self, dtype: npt.DTypeLike = np.float64) -> sp.csr_matrix:
        """CSR matrix with 1 where the participant disagreed."""
        return self.csr(self.values == -1, dtype=dtype)

    def participant_vote_counts(self) -> IntArray:
        """Number of statements each participant voted on (passes included)."""
        return np.diff(self.indptr)

    def statement_counts(self) -> tuple[IntArray, IntArray, IntArray]:
        """``(agree, disagree, seen)`` counts per statement over all participants."""
        n = self.n_statements
        agree = np.bincount(self.indices[self.values == 1], minlength=n).astype(np.int64)
        disagree = np.bincount(self.indices[self.values == -1], minlength=n).astype(np.int64)
        seen = np.bincount(self.indices, minlength=n).astype(np.int64)
        return agree, disagree, seen

    def votes_of(self, participant: int) -> tuple[Int32Array, Int8Array]:
        """Statements a participant voted on and the votes; empty for an unknown index."""
        if not 0 <= participant < self.n_participants:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.int8)
        lo, hi = self.indptr[participant], self.indptr[participant + 1]
        return self.indices[lo:hi], self.values[lo:hi]

    def to_dense(self) -> FloatArray:
        """Dense float matrix with NaN for missing votes (for small matrices and tests)."""
        out = np.full((self.n_participants, self.n_statements), np.nan)
        out[self.rows, self.indices] = self.values
        return out


def _extent(index: IntArray, given: int | None, n_labels: int, what: str) -> int:
    """Rows (or columns) of the matrix: ``given``, which every index must fit, or else one
    more than the largest index and at least one per label."""
    seen = int(index.max()) + 1 if index.size else 0
    if given is not None:
        if seen > given:
            raise ValueError(f"a {what} index is beyond n_{what}s")
        return given
    return max(seen, n_labels) if n_labels else seen


def _last_vote_order(key: IntArray, ts: AnyArray | None) -> IndexArray:
    """Positions of the votes that count, in (participant, statement) order.

    Among votes with the same key the greatest timestamp wins, then the latest position.
    """
    order = np.argsort(key)
    sorted_key = key[order]
    first = np.ones(key.size, dtype=bool)
    first[1:] = sorted_key[1:] != sorted_key[:-1]
    if bool(first.all()):
        return order
    # members of runs of equal keys (pairs voted more than once)
    in_run = ~first
    in_run[:-1] |= ~first[1:]
    sub = order[in_run]
    when = ts[sub] if ts is not None else np.zeros(sub.size)
    sub = sub[np.lexsort((sub, when, key[sub]))]
    sub_key = key[sub]
    last = np.ones(sub.size, dtype=bool)
    last[:-1] = sub_key[1:] != sub_key[:-1]
    order = order.copy()
    order[np.flatnonzero(first & in_run)] = sub[last]
    return order[first]
