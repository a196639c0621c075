"""What each group stands for (representative statements) and what everyone shares (consensus).

For a group g and a statement s, with ``na``/``nd``/``ns`` the agree/disagree/seen counts
among g's members and the same counts among all other clustered participants ("the rest"),
Polis computes [1]_ [2]_::

    pa  = (na + 1) / (ns + 2)                       # smoothed probability of agreeing
    pat = prop_test(na, ns)                         # is pa > 1/2 ?
    ra  = pa / ((na_rest + 1) / (ns_rest + 2))      # representativeness: agree in g vs rest
    rat = two_prop_test(na, na_rest, ns, ns_rest)   # is the difference significant ?

and the same for disagreement (``pd, pdt, rd, rdt``), where::

    prop_test(x, n)            = 2·sqrt(n+1)·((x+1)/(n+1) − 1/2)
    two_prop_test(x1,x2,n1,n2) = (p1 − p2) / sqrt(p̂(1−p̂)(1/(n1+1) + 1/(n2+1)))
        with p1 = (x1+1)/(n1+1), p2 = (x2+1)/(n2+1), p̂ = (x1+x2+2)/(n1+n2+2); 0 if p̂ = 1

A z-value is significant at 90 % when it exceeds 1.2816 (one-sided). A statement is
representative of g when ``pat`` and ``rat`` (or ``pdt`` and ``rdt``) are both significant;
up to five are kept, sorted by ``repness · repness_test · p_success · p_test``, with the
group's "best agree" statement first and agrees before disagrees (``select-rep-comments``).

Consensus statements are chosen over *all* participants: ``pa > 0.5`` with ``pat``
significant (agree) or ``pd > 0.5`` with ``pdt`` significant (disagree), top five by
``pa·pat`` (resp. ``pd·pdt``) (``select-consensus-comments``).

References
----------
.. [1] C. Small et al., "Polis: Scaling deliberation by mapping high dimensional opinion
   spaces", Recerca 26(2), 2021 — "Representative comments", "Consensus".
.. [2] compdemocracy/polis, ``math/src/polismath/math/repness.clj`` (``comment-stats``,
   ``add-comparitive-stats``, ``select-rep-comments``, ``select-consensus-comments``) and
   ``stats.clj`` (``prop-test``, ``two-prop-test``, ``z-sig-90?``).
.. [3] compdemocracy/red-dwarf, ``reddwarf/utils/stats.py`` — the same tests, vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from coalition.engines.common_ground.matrix import VoteMatrix

from ..arrays import BoolArray, FloatArray, IntArray

__all__ = [
    "ConsensusStatement",
    "ConsensusStats",
    "GroupStats",
    "RepStatement",
    "consensus_stats",
    "group_stats",
    "prop_test",
    "select_consensus",
    "select_representative",
    "two_prop_test",
    "z_critical",
]


def z_critical(confidence: float = 0.90) -> float:
    """One-sided critical z for ``confidence``, rounded to 4 decimals (0.90 → Polis's 1.2816).

    Examples
    --------
    >>> z_critical(0.90), z_critical(0.95)
    (1.2816, 1.6449)
    """
    if not 0.5 < confidence < 1.0:
        raise ValueError("confidence must be in (0.5, 1)")
    return round(NormalDist().inv_cdf(confidence), 4)


def prop_test(succ: npt.ArrayLike, n: npt.ArrayLike) -> FloatArray:
    """Polis's one-proportion z-test that the success rate exceeds 1/2 (``stats/prop-test``).

    Examples
    --------
    >>> prop_test([9, 5], [10, 10]).round(3).tolist()
    [2.714, 0.302]
    """
    s = np.asarray(succ, dtype=np.float64) + 1.0
    m = np.asarray(n, dtype=np.float64) + 1.0
    return np.asarray(2.0 * np.sqrt(m) * (s / m - 0.5), dtype=np.float64)


def two_prop_test(
    succ_in: npt.ArrayLike, succ_out: npt.ArrayLike, n_in: npt.ArrayLike, n_out: npt.ArrayLike
) -> FloatArray:
    """Polis's two-proportion z-test, in-group rate above the rest (``stats/two-prop-test``).

    Examples
    --------
    >>> two_prop_test([9], [2], [10], [10]).round(3).tolist()
    [3.035]
    """
    s1 = np.asarray(succ_in, dtype=np.float64) + 1.0
    s2 = np.asarray(succ_out, dtype=np.float64) + 1.0
    m1 = np.asarray(n_in, dtype=np.float64) + 1.0
    m2 = np.asarray(n_out, dtype=np.float64) + 1.0
    p_hat = (s1 + s2) / (m1 + m2)
    denom = np.sqrt(p_hat * (1.0 - p_hat) * (1.0 / m1 + 1.0 / m2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (s1 / m1 - s2 / m2) / denom
    return np.asarray(np.where(p_hat == 1.0, 0.0, z), dtype=np.float64)


@dataclass(frozen=True, eq=False)
class GroupStats:
    """Per group × statement statistics; every array has shape ``(k, n_statements)``.

    Legend (Polis): n = count, p = probability, r = representativeness, t = test (z),
    a = agree, d = disagree, s = seen.
    """

    na: IntArray
    nd: IntArray
    ns: IntArray
    pa: FloatArray
    pd: FloatArray
    pat: FloatArray
    pdt: FloatArray
    ra: FloatArray
    rd: FloatArray
    rat: FloatArray
    rdt: FloatArray

    @property
    def k(self) -> int:
        """Number of groups."""
        return int(self.na.shape[0])


@dataclass(frozen=True, eq=False)
class ConsensusStats:
    """Per statement statistics over all participants; arrays of shape ``(n_statements,)``."""

    na: IntArray
    nd: IntArray
    ns: IntArray
    pa: FloatArray
    pd: FloatArray
    pat: FloatArray
    pdt: FloatArray


@dataclass(frozen=True)
class RepStatement:
    """A representative statement of a group (Polis's finalised comment stats).

    ``repful_for`` is the direction with the larger repness test; the other fields are that
    direction's values. ``best_agree`` marks the group's best agreed statement, which Polis
    always shows first.
    """

    statement: int
    repful_for: Literal["agree", "disagree"]
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    best_agree: bool = False


@dataclass(frozen=True)
class ConsensusStatement:
    """A statement most participants agree (or disagree) with, significantly."""

    statement: int
    n_success: int
    n_trials: int
    p_success: float
    p_test: float


def _group_counts(
    matrix: VoteMatrix, labels: IntArray, k: int
) -> tuple[IntArray, IntArray, IntArray]:
    """Agree, disagree and seen counts per (group, statement) for labels in 0..k-1."""
    rows = np.flatnonzero((labels >= 0) & (labels < k))
    onehot = sp.csr_matrix(
        (np.ones(rows.size), (labels[rows], rows)), shape=(k, matrix.n_participants)
    )
    na = np.asarray((onehot @ matrix.agrees()).todense(), dtype=np.int64)
    nd = np.asarray((onehot @ matrix.disagrees()).todense(), dtype=np.int64)
    ns = np.asarray((onehot @ matrix.seen()).todense(), dtype=np.int64)
    return na, nd, ns


def group_stats(matrix: VoteMatrix, labels: npt.ArrayLike, k: int) -> GroupStats:
    """Repness statistics of every statement for every group (``conv-repness``).

    Parameters
    ----------
    matrix : VoteMatrix
        Last votes (moderated-out statements need not be zeroed: each statement's statistics
        depend on its own column only, and excluded statements are dropped at selection).
    labels : (n_participants,) array-like of int
        Group of each participant in 0..k-1, or -1 when not clustered (ignored).
    k : int
        Number of groups.

    Returns
    -------
    GroupStats
        "The rest" of group g is every clustered participant outside g.

    Notes
    -----
    Three sparse products (k × participants) · (participants × statements); O(votes).

    Examples
    --------
    >>> votes = [(p, s, 1 if (p < 10) == (s < 5) else -1) for p in range(20) for s in range(10)]
    >>> matrix = VoteMatrix.from_votes(votes)
    >>> stats = group_stats(matrix, np.arange(20) >= 10, 2)
    >>> stats.na[0].tolist()
    [10, 10, 10, 10, 10, 0, 0, 0, 0, 0]
    """
    lab = np.asarray(labels, dtype=np.int64)
    na, nd, ns = _group_counts(matrix, lab, k)
    na_rest = na.sum(axis=0) - na
    nd_rest = nd.sum(axis=0) - nd
    ns_rest = ns.sum(axis=0) - ns
    pa = (na + 1.0) / (ns + 2.0)
    pd = (nd + 1.0) / (ns + 2.0)
    return GroupStats(
        na=na,
        nd=nd,
        ns=ns,
        pa=pa,
        pd=pd,
        pat=prop_test(na, ns),
        pdt=prop_test(nd, ns),
        ra=pa / ((na_rest + 1.0) / (ns_rest + 2.0)),
        rd=pd / ((nd_rest + 1.0) / (ns_rest + 2.0)),
        rat=two_prop_test(na, na_rest, ns, ns_rest),
        rdt=two_prop_test(nd, nd_rest, ns, ns_rest),
    )


def _finalize(stats: GroupStats, g: int, s: int, *, best_agree: bool = False) -> RepStatement:
    """Polis's ``finalize-cmt-stats``: report the direction with the larger repness test."""
    agree = bool(stats.rat[g, s] > stats.rdt[g, s])
    n, p, pt, r, rt = (
        (stats.na, stats.pa, stats.pat, stats.ra, stats.rat)
        if agree
        else (stats.nd, stats.pd, stats.pdt, stats.rd, stats.rdt)
    )
    return RepStatement(
        statement=s,
        repful_for="agree" if agree else "disagree",
        n_success=int(n[g, s]),
        n_trials=int(stats.ns[g, s]),
        p_success=float(p[g, s]),
        p_test=float(pt[g, s]),
        repness=float(r[g, s]),
        repness_test=float(rt[g, s]),
        best_agree=best_agree,
    )


def select_representative(
    stats: GroupStats,
    excluded: BoolArray,
    *,
    pick_max: int = 5,
    confidence: float = 0.90,
) -> list[list[RepStatement]]:
    """Representative statements of each group, selected as Polis does.

    Parameters
    ----------
    stats : GroupStats
        From :func:`group_stats`.
    excluded : (n_statements,) bool array
        Statements never selected: moderated out, meta, or without any vote.
    pick_max : int
        At most this many per group (Polis: 5).
    confidence : float
        One-sided confidence of the z-tests (Polis: 0.90 → z > 1.2816).

    Returns
    -------
    list of list of RepStatement
        One list per group, agrees first.

    Notes
    -----
    Faithful to ``select-rep-comments`` [2]_: a statement is *sufficient* when
    ``pat, rat`` or ``pdt, rdt`` are both significant. The *best agree* is scanned in
    statement order: the first statement with votes that has ``pat`` significant or
    ``ra > 1 and pa > 0.5`` starts it; a later one replaces it when it has a larger
    ``ra·rat·pa·pat`` (if the current best has ``ra > 1``) or ``pa·pat`` (otherwise). With no
    sufficient statement, the group shows the best agree, else the statement with the largest
    ``max(rat, rdt)``.

    Examples
    --------
    >>> votes = [(p, s, 1 if (p < 10) == (s < 5) else -1) for p in range(20) for s in range(10)]
    >>> matrix = VoteMatrix.from_votes(votes)
    >>> stats = group_stats(matrix, np.arange(20) >= 10, 2)
    >>> [r.statement for r in select_representative(stats, np.zeros(10, dtype=bool))[0]]
    [0, 1, 2, 3, 4]
    """
    z = z_critical(confidence)
    keep = ~np.asarray(excluded, dtype=bool)
    out: list[list[RepStatement]] = []
    for g in range(stats.k):
        pat, rat, pdt, rdt = stats.pat[g], stats.rat[g], stats.pdt[g], stats.rdt[g]
        sufficient_mask = keep & (((pat > z) & (rat > z)) | ((pdt > z) & (rdt > z)))
        sufficient = np.flatnonzero(sufficient_mask)
        best_agree = _best_agree(stats, g, keep, z)
        head: list[RepStatement] = []
        if best_agree is not None:
            head = [_finalize(stats, g, best_agree, best_agree=True)]
        if sufficient.size == 0:
            if not head:
                candidates = np.flatnonzero(keep)
                if candidates.size:
                    score = np.maximum(rat, rdt)[candidates]
                    head = [_finalize(stats, g, int(candidates[int(np.argmax(score))]))]
            out.append(head)
            continue
        finals = [_finalize(stats, g, int(s)) for s in sufficient if int(s) != best_agree]
        finals.sort(key=lambda r: -(r.repness * r.repness_test * r.p_success * r.p_test))
        chosen = (head + finals)[:pick_max]
        chosen = [r for r in chosen if r.repful_for == "agree"] + [
            r for r in chosen if r.repful_for == "disagree"
        ]
        out.append(chosen)
    return out


def _best_agree(stats: GroupStats, g: int, keep: BoolArray, z: float) -> int | None:
    """Polis's ``beats-best-agr?`` scan over statements in order."""
    na, nd = stats.na[g].tolist(), stats.nd[g].tolist()
    ra, rat = stats.ra[g].tolist(), stats.rat[g].tolist()
    pa, pat = stats.pa[g].tolist(), stats.pat[g].tolist()
    best: int | None = None
    for s in np.flatnonzero(keep).tolist():
        if na[s] == 0 and nd[s] == 0:
            continue
        if best is None:
            if pat[s] > z or (ra[s] > 1.0 and pa[s] > 0.5):
                best = s
        elif ra[best] > 1.0:
            if ra[s] * rat[s] * pa[s] * pat[s] > ra[best] * rat[best] * pa[best] * pat[best]:
                best = s
        elif pa[s] * pat[s] > pa[best] * pat[best]:
            best = s
    return best


def consensus_stats(matrix: VoteMatrix) -> ConsensusStats:
    """Agree/disagree statistics of each statement over all participants (``consensus-stats``).

    Parameters
    ----------
    matrix : VoteMatrix
        Last votes of every participant, clustered or not.

    Examples
    --------
    >>> stats = consensus_stats(VoteMatrix.from_votes([(0, 0, 1), (1, 0, 1), (2, 0, -1)]))
    >>> int(stats.na[0]), int(stats.nd[0]), round(float(stats.pa[0]), 2)
    (2, 1, 0.6)
    """
    na, nd, ns = matrix.statement_counts()
    return ConsensusStats(
        na=na,
        nd=nd,
        ns=ns,
        pa=(na + 1.0) / (ns + 2.0),
        pd=(nd + 1.0) / (ns + 2.0),
        pat=prop_test(na, ns),
        pdt=prop_test(nd, ns),
    )


def select_consensus(
    stats: ConsensusStats,
    excluded: BoolArray,
    *,
    pick_max: int = 5,
    confidence: float = 0.90,
    min_probability: float = 0.5,
) -> tuple[list[ConsensusStatement], list[ConsensusStatement]]:
    """Consensus statements, ``(agree, disagree)``, as Polis's ``select-consensus-comments``.

    A statement qualifies for agreement when ``pa > min_probability`` and ``pat`` is
    significant; the top ``pick_max`` by ``pa · pat`` are returned (ties: statement order).
    Disagreement likewise with ``pd``, ``pdt``. Excluded statements never qualify.

    Examples
    --------
    Everyone agrees with statements 0-2 and disagrees with 3:

    >>> votes = [(p, s, 1 if s < 3 else -1) for p in range(20) for s in range(4)]
    >>> stats = consensus_stats(VoteMatrix.from_votes(votes))
    >>> agree, disagree = select_consensus(stats, np.zeros(4, dtype=bool))
    >>> [c.statement for c in agree], [c.statement for c in disagree]
    ([0, 1, 2], [3])
    """
    z = z_critical(confidence)
    keep = ~np.asarray(excluded, dtype=bool)

    def top(n: IntArray, p: FloatArray, t: FloatArray) -> list[ConsensusStatement]:
        ok = np.flatnonzero(keep & (p > min_probability) & (t > z))
        order = ok[np.argsort(-(p[ok] * t[ok]), kind="stable")][:pick_max]
        return [
            ConsensusStatement(
                statement=int(s),
                n_success=int(n[s]),
                n_trials=int(stats.ns[s]),
                p_success=float(p[s]),
                p_test=float(t[s]),
            )
            for s in order
        ]

    return top(stats.na, stats.pa, stats.pat), top(stats.nd, stats.pd, stats.pdt)
