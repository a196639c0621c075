"""The whole common-ground analysis of a conversation, Polis's method end to end.

:func:`analyze` runs, in order: the projection (:mod:`.projection`), the clustering
(:mod:`.clustering`), the repness and consensus selection (:mod:`.repness`), the
group-informed consensus and the comment priorities (:mod:`.consensus`), and returns one
plain :class:`GroundResult`. Given the previous result's ``history`` it runs as one of Polis's
warm-started updates (:mod:`.incremental`); :func:`replay` runs all the updates a timestamped
vote log implies, which is how Polis's own groups came about. :func:`next_statement` picks
what to show a participant next.

Steps and their Polis sources: raw → rating matrix with zeroed columns
(``zero-out-columns``); PCA of the mean-filled matrix and sparsity-aware projection
(``pca.clj``); ``in-conv``; base k-means (100) and group k-means for k = 2..5 on the base
centres, k by silhouette (``clusters.clj``); repness and its selection
(``repness.clj``); consensus over everyone; group-informed consensus and comment priority
over the clustered participants (``conversation.clj``). Without ``history`` an analysis
starts from nothing: k-means++ seeding (``seed``), no smoothing of k. With it (or through
:func:`replay`), the update is Polis's own (:mod:`.incremental`). Group ids are ordered by
size. Time is O(votes + participants · base_k) — 100,000 × 2,000 with 5 M votes runs in
seconds on two cores.

Replaying a vote log (:func:`replay`): the updates run through
:func:`~.stream.replay_stream`: each pays only for the statements its batch touched (no
rebuild of the matrix, warm-started power iteration on an incrementally kept Gram matrix).
The Brexit conversation, 5,312 votes over three weeks, is 4,836 updates at ``batch_ms`` =
1000. Meant for imported conversations; a live one keeps ``result.history`` from one
analysis to the next.

References
----------
.. [1] C. Small et al., "Polis: Scaling deliberation by mapping high dimensional opinion
   spaces", Recerca 26(2), 2021.
.. [2] compdemocracy/polis, ``math/src/polismath/math/conversation.clj``
   (``small-conv-update-graph``).
.. [3] compdemocracy/red-dwarf, ``reddwarf/implementations/base.py`` (``run_pipeline``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from coalition.engines.common_ground.clustering import (
    Clustering,
    cluster_participants,
    select_in_conv,
)
from coalition.engines.common_ground.consensus import (
    comment_priorities,
    group_informed_consensus,
    next_statement_from,
)
from coalition.engines.common_ground.incremental import (
    DEFAULT_SETTINGS,
    History,
    KMeansClusters,
    UpdateSettings,
    polis_update,
)
from coalition.engines.common_ground.matrix import VoteMatrix
from coalition.engines.common_ground.projection import Projection, pca_project, statement_mask
from coalition.engines.common_ground.repness import (
    ConsensusStatement,
    ConsensusStats,
    GroupStats,
    RepStatement,
    consensus_stats,
    group_stats,
    select_consensus,
    select_representative,
)
from coalition.engines.common_ground.stream import replay_stream

from ..arrays import BoolArray, FloatArray, IntArray

__all__ = [
    "Group",
    "GroundResult",
    "StatementRepness",
    "analyze",
    "next_statement",
    "replay",
]


@dataclass(frozen=True)
class Group:
    """An opinion group: id (0 = largest), members, centre on the map, what it stands for."""

    id: int
    n_members: int
    center: tuple[float, float]
    representative: tuple[RepStatement, ...]


@dataclass(frozen=True)
class StatementRepness:
    """How one group voted on one statement, compared with the rest (see :class:`GroupStats`)."""

    group: int
    statement: int
    na: int
    nd: int
    ns: int
    pa: float
    pd: float
    pat: float
    pdt: float
    ra: float
    rd: float
    rat: float
    rdt: float


@dataclass(frozen=True, eq=False)
class GroundResult:
    """Everything :func:`analyze` found. Arrays are indexed like the input matrix.

    Attributes
    ----------
    participant_ids, statement_ids : tuple
        The matrix's labels, so index ``i`` means ``participant_ids[i]``.
    positions : (n_participants, 2) array
        2-D opinion map.
    labels : (n_participants,) int array
        Group of each participant, -1 when not clustered (see :meth:`group_of`).
    in_conv : (n_participants,) bool array
        Participants who entered clustering.
    k : int
        Number of groups chosen (0 when there were too few participants).
    silhouettes : dict[int, float]
        Silhouette of the grouping tried for each k.
    groups : tuple[Group, ...]
        Groups with members and representative statements.
    group_stats : GroupStats
        Repness statistics, arrays of shape (k, n_statements).
    consensus_stats : ConsensusStats
        Agreement statistics over all participants.
    consensus_agree, consensus_disagree : tuple[ConsensusStatement, ...]
        Statements selected as consensus (top 5 each).
    is_consensus_agree, is_consensus_disagree : (n_statements,) bool arrays
        Consensus flags.
    group_informed_consensus : (n_statements,) array
        Π over groups of (agree + 1) / (seen + 2).
    group_informed_consensus_disagree : (n_statements,) array
        The same over disagreement.
    priorities : (n_statements,) array
        Comment priorities for routing (:func:`next_statement`).
    excluded : (n_statements,) bool array
        Statements never selected: moderated out, meta or without votes.
    moderated_out, meta : (n_statements,) bool arrays
    projection : Projection
        Centre, components, statement positions and extremity.
    clustering : Clustering
        Base clusters and the grouping tried for each k.
    seed : int
        Seed used.
    data_version : str, int or None
        The caller's version of the votes analysed (e.g. last vote id), stored untouched.
    attribution : str or None
        Attribution text the data requires (CC BY imports), to show with any result.
    history : History or None
        What the next update carries over (Polis's warm start): pass it as
        ``analyze(newer_matrix, history=result.history)``.
    """

    participant_ids: tuple[Hashable, ...]
    statement_ids: tuple[Hashable, ...]
    positions: FloatArray
    labels: IntArray
    in_conv: BoolArray
    k: int
    silhouettes: dict[int, float]
    groups: tuple[Group, ...]
    group_stats: GroupStats
    consensus_stats: ConsensusStats
    consensus_agree: tuple[ConsensusStatement, ...]
    consensus_disagree: tuple[ConsensusStatement, ...]
    is_consensus_agree: BoolArray
    is_consensus_disagree: BoolArray
    group_informed_consensus: FloatArray
    group_informed_consensus_disagree: FloatArray
    priorities: FloatArray
    excluded: BoolArray
    moderated_out: BoolArray
    meta: BoolArray
    projection: Projection
    clustering: Clustering
    seed: int
    data_version: str | int | None = None
    attribution: str | None = None
    history: History | None = None

    @property
    def n_participants(self) -> int:
        """Rows of the analysed matrix."""
        return int(self.labels.shape[0])

    @property
    def n_statements(self) -> int:
        """Columns of the analysed matrix."""
        return int(self.priorities.shape[0])

    def group_of(self, participant: int) -> int | None:
        """Group of a participant (by index), or None when not clustered."""
        g = int(self.labels[participant])
        return None if g < 0 else g

    def position_of(self, participant: int) -> tuple[float, float]:
        """2-D position of a participant (by index)."""
        x, y = self.positions[participant]
        return float(x), float(y)

    def repness(self, statement: int, group: int) -> StatementRepness:
        """Repness statistics of one statement for one group."""
        st = self.group_stats
        g, s = group, statement
        return StatementRepness(
            group=g,
            statement=s,
            na=int(st.na[g, s]),
            nd=int(st.nd[g, s]),
            ns=int(st.ns[g, s]),
            pa=float(st.pa[g, s]),
            pd=float(st.pd[g, s]),
            pat=float(st.pat[g, s]),
            pdt=float(st.pdt[g, s]),
            ra=float(st.ra[g, s]),
            rd=float(st.rd[g, s]),
            rat=float(st.rat[g, s]),
            rdt=float(st.rdt[g, s]),
        )


def analyze(
    matrix: VoteMatrix,
    *,
    seed: int = 0,
    moderated_out: Collection[int] | BoolArray = (),
    meta: Collection[int] | BoolArray = (),
    keep_participants: Collection[int] = (),
    min_votes: int = 7,
    base_k: int = 100,
    max_k: int = 5,
    force_k: int | None = None,
    pick_max: int = 5,
    confidence: float = 0.90,
    data_version: str | int | None = None,
    attribution: str | None = None,
    n_threads: int | None = 1,
    history: History | None = None,
) -> GroundResult:
    """Opinion groups, representative statements and consensus of a conversation (Polis).

    Parameters
    ----------
    matrix : VoteMatrix
        Last votes (agree +1, disagree -1, pass 0).
    seed : int
        Seed of every random step (SVD start, k-means seeding): same input, same result.
    moderated_out : collection of int or bool mask
        Statements moderators removed: zeroed in the PCA, never representative or consensus.
    meta : collection of int or bool mask
        Meta statements (about the conversation itself): treated as moderated out for the
        maths, as Polis's ``mod-update`` does, and given the fixed priority 49.
    keep_participants : collection of int
        Participants clustered in an earlier run; they stay in (``in-conv`` is sticky).
    min_votes : int
        Votes needed to enter clustering, capped at the number of voted statements (7).
    base_k, max_k, force_k : int
        Base clusters (100), most groups tried (5), or a forced number of groups.
    pick_max : int
        Representative statements per group and consensus statements per side (5).
    confidence : float
        One-sided confidence of the z-tests (0.90).
    data_version, attribution
        Stored in the result untouched.
    n_threads : int or None
        Threads the native pools (OpenMP k-means, BLAS) may use during the call, scoped with
        ``threadpoolctl``; None leaves the libraries' defaults. One thread is the default:
        on a shared two-core machine, spinning OpenMP threads made k-means 3-10x slower, and
        server workers should not oversubscribe cores.
    history : History, optional
        The previous analysis's :attr:`GroundResult.history`. When given, this analysis is
        one Polis update warm-started from it (:func:`~.incremental.polis_update`): in-conv
        stays, the PCA power iteration starts from the previous components, base clusters and
        groups start from the previous members and k changes only after winning 4 updates in
        a row — so groups evolve as Polis's do instead of being re-drawn. Participant and
        statement indices must keep their meaning between the two matrices.

    Returns
    -------
    GroundResult

    Examples
    --------
    >>> votes = [(p, s, 1 if (p < 10) == (s < 5) else -1) for p in range(20) for s in range(10)]
    >>> r = analyze(VoteMatrix.from_votes(votes))
    >>> r.k, sorted(g.n_members for g in r.groups)
    (2, [10, 10])
    """
    options = _Options(
        keep_participants,
        min_votes,
        base_k,
        max_k,
        force_k,
        pick_max,
        confidence,
        data_version,
        attribution,
    )
    with threadpool_limits(limits=n_threads):
        return _analyze(matrix, seed, moderated_out, meta, options, history)


@dataclass(frozen=True)
class _Options:
    """The keywords of :func:`analyze` that reach the analysis itself, with their defaults."""

    keep_participants: Collection[int] = ()
    min_votes: int = DEFAULT_SETTINGS.min_votes
    base_k: int = DEFAULT_SETTINGS.base_k
    max_k: int = DEFAULT_SETTINGS.max_k
    force_k: int | None = None
    pick_max: int = 5
    confidence: float = 0.90
    data_version: str | int | None = None
    attribution: str | None = None


def _analyze(
    matrix: VoteMatrix,
    seed: int,
    moderated_out: Collection[int] | BoolArray,
    meta: Collection[int] | BoolArray,
    options: _Options,
    history: History | None,
    incremental: bool = False,
) -> GroundResult:
    n_s = matrix.n_statements
    mod_mask = statement_mask(n_s, moderated_out)
    meta_mask = statement_mask(n_s, meta)
    zeroed = mod_mask | meta_mask
    if history is not None or incremental:
        update = polis_update(
            matrix,
            history,
            zeroed=zeroed,
            seed=seed,
            settings=UpdateSettings(
                min_votes=options.min_votes, base_k=options.base_k, max_k=options.max_k
            ),
            force_k=options.force_k,
            keep_participants=options.keep_participants,
        )
        projection, in_conv, clustering = update.projection, update.in_conv, update.clustering
        new_history = update.history
    else:
        projection, in_conv, clustering = _from_scratch(matrix, zeroed, seed, options)
        new_history = _history_of(projection, in_conv, clustering)
    return _result(
        matrix, projection, in_conv, clustering, mod_mask, meta_mask, seed, options, new_history
    )


def _from_scratch(
    matrix: VoteMatrix, zeroed: BoolArray, seed: int, options: _Options
) -> tuple[Projection, BoolArray, Clustering]:
    """The map, in-conv and clustering of an analysis that starts from nothing."""
    projection = pca_project(matrix, zeroed=zeroed, seed=seed)
    in_conv = select_in_conv(
        matrix.participant_vote_counts(),
        int(projection.active.sum()),
        min_votes=options.min_votes,
        keep=options.keep_participants,
    )
    clustering = cluster_participants(
        projection.positions,
        in_conv,
        base_k=options.base_k,
        max_k=options.max_k,
        force_k=options.force_k,
        seed=seed,
    )
    return projection, in_conv, clustering


def _result(
    matrix: VoteMatrix,
    projection: Projection,
    in_conv: BoolArray,
    clustering: Clustering,
    mod_mask: BoolArray,
    meta_mask: BoolArray,
    seed: int,
    options: _Options,
    history: History,
) -> GroundResult:
    """Repness, consensus and priorities on the groups found, all in one result."""
    n_s = matrix.n_statements
    zeroed = mod_mask | meta_mask
    pick_max, confidence = options.pick_max, options.confidence
    k = clustering.k
    excluded = zeroed | ~projection.active

    stats = group_stats(matrix, clustering.labels, k)
    reps = select_representative(stats, excluded, pick_max=pick_max, confidence=confidence)
    members = np.bincount(clustering.labels[clustering.labels >= 0], minlength=k)
    groups = tuple(
        Group(
            id=g,
            n_members=int(members[g]),
            center=(float(clustering.centers[g, 0]), float(clustering.centers[g, 1])),
            representative=tuple(reps[g]),
        )
        for g in range(k)
    )

    cons = consensus_stats(matrix)
    agree, disagree = select_consensus(cons, excluded, pick_max=pick_max, confidence=confidence)
    is_agree = np.zeros(n_s, dtype=bool)
    is_agree[[c.statement for c in agree]] = True
    is_disagree = np.zeros(n_s, dtype=bool)
    is_disagree[[c.statement for c in disagree]] = True

    priorities = comment_priorities(matrix, in_conv, projection.extremity, meta_mask)
    return GroundResult(
        participant_ids=matrix.participant_ids,
        statement_ids=matrix.statement_ids,
        positions=projection.positions,
        labels=clustering.labels,
        in_conv=in_conv,
        k=k,
        silhouettes=dict(clustering.silhouettes),
        groups=groups,
        group_stats=stats,
        consensus_stats=cons,
        consensus_agree=tuple(agree),
        consensus_disagree=tuple(disagree),
        is_consensus_agree=is_agree,
        is_consensus_disagree=is_disagree,
        group_informed_consensus=group_informed_consensus(matrix, clustering.labels, k),
        group_informed_consensus_disagree=group_informed_consensus(
            matrix, clustering.labels, k, vote=-1
        ),
        priorities=priorities,
        excluded=excluded,
        moderated_out=mod_mask,
        meta=meta_mask,
        projection=projection,
        clustering=clustering,
        seed=seed,
        data_version=options.data_version,
        attribution=options.attribution,
        history=history,
    )


def _history_of(projection: Projection, in_conv: BoolArray, clustering: Clustering) -> History:
    """A from-scratch analysis as the state a later Polis update can warm-start from."""
    members = np.flatnonzero(in_conv & (clustering.base_labels >= 0))
    n_base = clustering.base_centers.shape[0]
    groupings = {
        kk: KMeansClusters(members=np.arange(n_base, dtype=np.int64), ids=grouping.copy())
        for kk, grouping in clustering.candidates.items()
    }
    return History(
        in_conv=in_conv.copy(),
        components=projection.components.copy(),
        columns=projection.active.copy(),
        base=KMeansClusters(members=members, ids=clustering.base_labels[members].copy()),
        groupings=groupings,
        last_k=clustering.k,
        last_k_count=1 if clustering.k else 0,
        smoothed_k=clustering.k,
        updates=1,
    )


def replay(
    participants: npt.ArrayLike,
    statements: npt.ArrayLike,
    values: npt.ArrayLike,
    timestamps: npt.ArrayLike,
    *,
    n_participants: int | None = None,
    n_statements: int | None = None,
    participant_ids: Sequence[Hashable] = (),
    statement_ids: Sequence[Hashable] = (),
    batch_ms: float = 1000.0,
    seed: int = 0,
    moderated_out: Collection[int] | BoolArray = (),
    meta: Collection[int] | BoolArray = (),
    n_threads: int | None = 1,
    progress: Callable[[int, int], None] | None = None,
    **options: Any,
) -> GroundResult:
    """Analyse a conversation from its vote log as Polis computed it: update after update.

    The votes are sorted by time and cut into ``batch_ms`` windows, each one warm-started
    update (:mod:`.incremental`), the last a full :func:`analyze`: Polis's own groups come
    from that history (see the module notes and ``benchmarks/common_ground.py``).

    Parameters
    ----------
    participants, statements, values, timestamps : array-like
        Every vote cast (re-votes included), timestamps in ms (:meth:`VoteMatrix.from_arrays`).
    n_participants, n_statements, participant_ids, statement_ids
        Shape and labels of the final matrix, as for :meth:`VoteMatrix.from_arrays`.
    batch_ms, seed
        Polis's poll interval (1000 ms); the seed of the first power-iteration start.
    moderated_out, meta : collection of int or bool mask
        Final moderation; applied to every update (an export does not date moderation).
    n_threads : int or None
        As for :func:`analyze`.
    progress : callable, optional
        Called as ``progress(votes_done, votes_total)`` after each update.
    **options
        Other :func:`analyze` keywords (``min_votes``, ``base_k``, ``max_k``, ``pick_max``,
        ``confidence``, ``data_version``, ``attribution``, …).

    Returns
    -------
    GroundResult
        The last update's analysis; ``result.history.updates`` counts the updates replayed.

    Examples
    --------
    >>> p = np.repeat(np.arange(20), 10); s = np.tile(np.arange(10), 20)
    >>> v = np.where((p < 10) == (s < 5), 1, -1); ts = np.arange(200) * 400
    >>> result = replay(p, s, v, ts)
    >>> result.k, result.history.updates
    (2, 80)
    """
    log = (participants, statements, values, timestamps)
    final = VoteMatrix.from_arrays(
        *log,
        n_participants=n_participants,
        n_statements=n_statements,
        participant_ids=participant_ids,
        statement_ids=statement_ids,
    )
    n_s = final.n_statements
    zeroed = statement_mask(n_s, moderated_out) | statement_mask(n_s, meta)
    with threadpool_limits(limits=n_threads):
        history, _ = replay_stream(
            *log,
            n_participants=final.n_participants,
            n_statements=final.n_statements,
            batch_ms=batch_ms,
            zeroed=zeroed,
            seed=seed,
            settings=_update_settings(options),
            progress=progress,
        )
        return _analyze_with_defaults(final, seed, moderated_out, meta, options, history)


def _update_settings(options: dict[str, Any]) -> UpdateSettings:
    """The update knobs among :func:`analyze`'s ``options`` (Polis's for those not given)."""
    given = {k: int(options[k]) for k in ("min_votes", "base_k", "max_k") if k in options}
    return replace(DEFAULT_SETTINGS, **given)


def _analyze_with_defaults(
    matrix: VoteMatrix,
    seed: int,
    moderated_out: Collection[int] | BoolArray,
    meta: Collection[int] | BoolArray,
    options: dict[str, Any],
    history: History | None,
) -> GroundResult:
    """The last update of a replay: :func:`analyze` as a Polis update (from ``history``, or
    from nothing when the log is a single batch), ``options`` over the defaults."""
    unknown = set(options) - {f.name for f in fields(_Options)}
    if unknown:
        raise TypeError(f"unexpected options: {sorted(unknown)}")
    return _analyze(
        matrix, seed, moderated_out, meta, _Options(**options), history, incremental=True
    )


def next_statement(
    result: GroundResult,
    matrix: VoteMatrix,
    participant: int,
    *,
    rng: np.random.Generator | int = 0,
    eligible: Collection[int] | BoolArray | None = None,
) -> int | None:
    """The statement to show ``participant`` next, drawn as the Polis server does.

    Parameters
    ----------
    result : GroundResult
        The latest analysis (its priorities and moderation). Statements added after it get
        priority 1, as Polis gives comments missing from its math.
    matrix : VoteMatrix
        Current votes (may be newer than ``result``); used for what the participant has
        already voted on. A participant index beyond the matrix has voted on nothing.
    participant : int
        Row index of the participant.
    rng : numpy Generator or int
        Randomness source or seed (deterministic for a seed).
    eligible : collection of int or bool mask, optional
        Statements that may be shown (default: every statement not moderated out; meta
        statements are shown, with their high fixed priority, as in Polis). Pass only
        accepted statements under strict moderation.

    Returns
    -------
    int or None
        Statement index, or None when the participant has voted on everything eligible.

    Examples
    --------
    Participant 0 has voted on the first five statements of ten, so one of the others comes:

    >>> votes = [(p, s, 1 if (p < 10) == (s < 5) else -1) for p in range(20) for s in range(10)]
    >>> matrix = VoteMatrix.from_votes(votes)
    >>> result = analyze(matrix)
    >>> next_statement(result, VoteMatrix.from_votes(votes[:5], n_statements=10), 0) in range(5, 10)
    True
    """
    n_s = matrix.n_statements
    priorities = np.ones(n_s)
    shared = min(n_s, result.n_statements)
    priorities[:shared] = result.priorities[:shared]
    if eligible is None:
        mask = np.ones(n_s, dtype=bool)
        mask[:shared] &= ~result.moderated_out[:shared]
    else:
        mask = statement_mask(n_s, eligible)
    voted, _ = matrix.votes_of(participant)
    return next_statement_from(priorities, voted, mask, rng)
