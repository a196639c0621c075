"""The content of a conversation's report: who took part over time, the statements the groups
split on, and the topics of the statements.

Pure functions of plain values. What they follow:

- **Participation over time** counts each participant once, on the day of their first vote,
  as the Polis report's participation chart does (Small et al., "Polis: Scaling deliberation
  by mapping high dimensional opinion spaces", Recerca 26(2), 2021, §3).
- **Divisiveness** of a statement is the spread of the groups' net agreement (share agreeing
  minus share disagreeing) over the groups that saw it often enough: the statements the Polis
  report lists as where the groups differ most ("areas of disagreement", ibid.), measured as
  the range of the per-group vote shares.
- **Topics** cluster the statement texts: TF-IDF vectors (Salton & Buckley, "Term-weighting
  approaches in automatic text retrieval", IP&M 24(5), 1988), L2-normalised so k-means
  (Lloyd 1982; scikit-learn's ``KMeans``) groups them by cosine similarity, with the number of
  topics the one of best mean silhouette (Rousseeuw, "Silhouettes", J. Comput. Appl. Math. 20,
  1987). Each topic is named by the terms of highest weight in its centroid.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..arrays import FloatArray, IntArray

DAY_MS = 86_400_000


@dataclass(frozen=True)
class TimelinePoint:
    """Participants whose first vote fell in ``[start_ms, end_ms)``, and all up to ``end_ms``."""

    start_ms: int
    end_ms: int
    new: int
    total: int


def participation_over_time(
    first_vote_ms: Sequence[int], *, max_points: int = 60
) -> list[TimelinePoint]:
    """Newcomers per period (a UTC day, or a whole number of days so that there are at most
    ``max_points`` periods), from the period of the first vote to that of the last; empty
    periods included, so the series reads as a time axis.

    Examples
    --------
    Two newcomers on the first day, one on the second:

    >>> [(p.new, p.total) for p in participation_over_time([0, 3_600_000, 90_000_000])]
    [(2, 2), (1, 3)]
    """
    if not first_vote_ms:
        return []
    if max_points < 1:
        raise ValueError("max_points must be at least 1")
    first_day = min(first_vote_ms) // DAY_MS
    last_day = max(first_vote_ms) // DAY_MS
    days = last_day - first_day + 1
    width = -(-days // max_points)  # ceil: days per period
    n = -(-days // width)
    counts = np.zeros(n, dtype=np.int64)
    for ms in first_vote_ms:
        counts[(ms // DAY_MS - first_day) // width] += 1
    totals = np.cumsum(counts)
    return [
        TimelinePoint(
            start_ms=int((first_day + i * width) * DAY_MS),
            end_ms=int((first_day + (i + 1) * width) * DAY_MS),
            new=int(counts[i]),
            total=int(totals[i]),
        )
        for i in range(n)
    ]


def divisiveness(
    agree: npt.ArrayLike,
    disagree: npt.ArrayLike,
    seen: npt.ArrayLike,
    *,
    min_seen: int = 3,
) -> FloatArray:
    """Per statement (columns of the groups × statements arrays of agree and disagree shares
    and of voters who saw it): the range, over the groups where at least ``min_seen`` voted,
    of net agreement ``agree - disagree``; 0 where fewer than two groups qualify. In [0, 2].

    Examples
    --------
    Statement 0 splits the two groups; statement 1 splits nobody:

    >>> agree, disagree = [[0.9, 0.5], [0.1, 0.5]], [[0.1, 0.5], [0.9, 0.5]]
    >>> divisiveness(agree, disagree, [[10, 10], [10, 10]]).round(2).tolist()
    [1.6, 0.0]
    """
    a = np.asarray(agree, dtype=np.float64)
    d = np.asarray(disagree, dtype=np.float64)
    s = np.asarray(seen, dtype=np.int64)
    if a.shape != d.shape or a.shape != s.shape or a.ndim != 2:
        raise ValueError("agree, disagree and seen must be groups × statements arrays")
    if a.shape[1] == 0:
        return np.zeros(0)
    net = a - d
    ok = s >= min_seen
    hi = np.where(ok, net, -np.inf).max(axis=0, initial=-np.inf)
    lo = np.where(ok, net, np.inf).min(axis=0, initial=np.inf)
    out = np.where(ok.sum(axis=0) >= 2, hi - lo, 0.0)
    return np.clip(out, 0.0, 2.0)


def most_divisive(scores: npt.ArrayLike, *, limit: int = 5, threshold: float = 0.5) -> list[int]:
    """Indices of the statements of highest divisiveness at or above ``threshold``, most
    divisive first (ties by index), at most ``limit``.

    Examples
    --------
    >>> most_divisive([0.9, 0.2, 0.7], limit=2)
    [0, 2]
    """
    v = np.asarray(scores, dtype=np.float64)
    order = sorted(range(len(v)), key=lambda j: (-v[j], j))
    return [j for j in order if v[j] >= threshold][:limit]


@dataclass(frozen=True)
class Topic:
    """Statements (indices into the texts) of similar wording, and the terms that name them."""

    members: tuple[int, ...]
    terms: tuple[str, ...]


def statement_topics(
    texts: Sequence[str], *, max_topics: int = 8, n_terms: int = 3, seed: int = 0
) -> list[Topic]:
    """Group statement texts by wording: TF-IDF, k-means for k in 2..``max_topics`` (at most
    one topic per two statements), the k of best mean silhouette. Every statement is in
    exactly one topic; topics are listed largest first. Fewer than four statements, or texts
    with no words in common, make one topic.

    Examples
    --------
    >>> texts = ["bike lanes on main street", "more bike parking", "cheap bus fares", "free buses"]
    >>> [t.members for t in statement_topics(texts, max_topics=2)]
    [(0, 1), (2, 3)]
    """
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import silhouette_score
    from threadpoolctl import threadpool_limits

    n = len(texts)
    if n == 0:
        return []
    vectorizer = TfidfVectorizer(
        stop_words="english",
        sublinear_tf=True,
        token_pattern=r"(?u)\b[^\W\d_]{3,}\b",
        min_df=2 if n >= 10 else 1,
    )
    try:
        x = vectorizer.fit_transform(list(texts))
    except ValueError:  # no term at all (empty or stop words only)
        return [Topic(tuple(range(n)), ())]
    vocab = np.asarray(vectorizer.get_feature_names_out())
    nonzero = np.asarray(x.getnnz(axis=1)) > 0
    best: tuple[float, IntArray] | None = None
    k_max = min(max_topics, n // 2, int(nonzero.sum()) - 1)
    for k in range(2, k_max + 1):
        # one thread: a few hundred short texts cluster faster than OpenMP's threads start
        with threadpool_limits(1):
            labels = KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(x)
        if len(set(labels.tolist())) < 2:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            score = float(silhouette_score(x, labels, metric="cosine"))
        if best is None or score > best[0] + 1e-12:
            best = (score, labels.astype(np.int64))
    labels = best[1] if best is not None else np.zeros(n, dtype=np.int64)
    topics = []
    for label in sorted(set(labels.tolist())):
        members = tuple(int(i) for i in np.flatnonzero(labels == label))
        weight = np.asarray(x[list(members)].mean(axis=0)).ravel()
        top = [int(t) for t in np.argsort(-weight, kind="stable")[:n_terms] if weight[t] > 0]
        topics.append(Topic(members, tuple(str(vocab[t]) for t in top)))
    topics.sort(key=lambda t: (-len(t.members), t.members[0]))
    return topics
