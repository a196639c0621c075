"""The interdependence map over time: dated snapshots and what changed between them.

:func:`snapshots` cuts the history into calendar years or quarters and analyses the graph of
each period with :func:`~.analysis.analyze`. By default a period's graph holds the ties
*active* at some moment of the period (a tie ``[start, end]`` overlapping it);
``cumulative=True`` holds every tie begun by the period's end instead.

:func:`compare_snapshots` says what changed between two snapshots:

* **who became central** — actors entering (or leaving) the top ``k`` by PageRank and by
  betweenness, and the largest risers in rank among actors present in both;
* **which sectors drew closer** — for each pair of sectors, the ratio of the share of ties
  between them to the share expected if ties ignored sectors (``e_ab / (a_a b_b)``, the
  quantities of Newman's assortativity), before and after; a rising ratio means closer;
* **which communities merged or split** — by Jaccard overlap of members
  (:func:`~.communities.match_communities`).

References
----------
.. [1] P. Holme and J. Saramäki, "Temporal networks", Physics Reports 519(3), 2012.
.. [2] M. E. J. Newman, "Mixing patterns in networks", Phys. Rev. E 67, 026126 (2003).
.. [3] D. Greene, D. Doyle and P. Cunningham, "Tracking the evolution of communities in
   dynamic social networks", ASONAM 2010.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from coalition.engines.network.analysis import NetworkAnalysis, _jsonable, analyze
from coalition.engines.network.communities import CommunityEvent, match_communities
from coalition.engines.network.graph import Actors, Ties, build_graph

from ..arrays import FloatArray, IntArray

__all__ = [
    "ActorRank",
    "CentralityChange",
    "SectorPairChange",
    "Snapshot",
    "SnapshotChange",
    "compare_snapshots",
    "periods",
    "snapshots",
]

Freq = Literal["year", "quarter"]


@dataclass(frozen=True)
class Snapshot:
    """The analysis of one period ``[start, end]`` (both days included)."""

    label: str
    start: dt.date
    end: dt.date
    analysis: NetworkAnalysis

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "analysis": self.analysis.to_dict(),
        }


def _period_of(day: dt.date, freq: Freq) -> tuple[str, dt.date, dt.date]:
    if freq == "year":
        return str(day.year), dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    q = (day.month - 1) // 3
    start = dt.date(day.year, 3 * q + 1, 1)
    nxt = dt.date(day.year + (q == 3), (3 * q + 3) % 12 + 1, 1)
    return f"{day.year}-Q{q + 1}", start, nxt - dt.timedelta(days=1)


def periods(
    first: dt.date, last: dt.date, freq: Freq = "year"
) -> list[tuple[str, dt.date, dt.date]]:
    """Calendar years (``"2024"``) or quarters (``"2024-Q3"``) covering ``first``..``last``.

    Examples
    --------
    >>> [label for label, _, _ in periods(dt.date(2024, 5, 1), dt.date(2024, 12, 1), "quarter")]
    ['2024-Q2', '2024-Q3', '2024-Q4']
    """
    if freq not in ("year", "quarter"):
        raise ValueError("freq must be 'year' or 'quarter'")
    out = []
    day = first
    while day <= last:
        label, start, end = _period_of(day, freq)
        out.append((label, start, end))
        day = end + dt.timedelta(days=1)
    return out


def snapshots(
    actors: Actors,
    ties: Ties,
    *,
    freq: Freq = "year",
    cumulative: bool = False,
    types: Iterable[str] | None = None,
    directed: bool = False,
    first: dt.date | None = None,
    last: dt.date | None = None,
    **analyze_options: Any,
) -> list[Snapshot]:
    """Analyse the network at each year or quarter from ``first`` to ``last``.

    ``first``/``last`` default to the earliest and latest dates in the data (tie starts and
    ends, dates joined). ``analyze_options`` go to :func:`~.analysis.analyze`.

    Examples
    --------
    >>> from coalition.engines.network import Actors, Ties
    >>> dates = ["2023-03-01", "2023-06-01", "2024-02-01", "2024-09-01"]
    >>> ties = Ties.create([0, 0, 1, 2], [1, 2, 2, 3], start=dates)
    >>> years = snapshots(Actors.create("abcd"), ties, cumulative=True)
    >>> [(s.label, s.analysis.network.n_edges) for s in years]
    [('2023', 2), ('2024', 4)]
    """
    stamps = np.concatenate([ties.start, ties.end, actors.joined])
    stamps = stamps[~np.isnat(stamps)]
    if first is None or last is None:
        if len(stamps) == 0:
            return []
        first = first or stamps.min().astype(dt.date)
        last = last or stamps.max().astype(dt.date)
    type_list = None if types is None else list(types)
    out = []
    for label, start, end in periods(first, last, freq):
        window = (None, end) if cumulative else (start, end)
        graph = build_graph(actors, ties, types=type_list, window=window, directed=directed)
        out.append(Snapshot(label, start, end, analyze(graph, **analyze_options)))
    return out


@dataclass(frozen=True)
class ActorRank:
    """An actor's value and rank (1 = highest) of one measure in the two snapshots."""

    index: int
    id: str
    before: float | None
    after: float | None
    rank_before: int | None
    rank_after: int | None


@dataclass(frozen=True)
class CentralityChange:
    """Who entered and left the top ``k`` of a measure, and who rose most in rank."""

    metric: str
    entered: tuple[ActorRank, ...]
    left: tuple[ActorRank, ...]
    risers: tuple[ActorRank, ...]


@dataclass(frozen=True)
class SectorPairChange:
    """Ties between two sectors and their observed/expected ratio, before and after."""

    sectors: tuple[str, str]
    ties_before: float
    ties_after: float
    ratio_before: float | None
    ratio_after: float | None
    change: float | None


@dataclass(frozen=True)
class SnapshotChange:
    """What changed from one snapshot to the next."""

    centrality: tuple[CentralityChange, ...]
    sectors: tuple[SectorPairChange, ...]
    communities: tuple[CommunityEvent, ...]

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


def _ranks(values: FloatArray) -> IntArray:
    order = np.lexsort((np.arange(len(values)), -values))
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = np.arange(1, len(values) + 1)
    return ranks


def _centrality_change(
    a: NetworkAnalysis, b: NetworkAnalysis, metric: str, top_k: int
) -> CentralityChange:
    va = np.nan_to_num(np.asarray(getattr(a.actors, metric), dtype=np.float64))
    vb = np.nan_to_num(np.asarray(getattr(b.actors, metric), dtype=np.float64))
    ra, rb = _ranks(va), _ranks(vb)
    pos_a = {int(x): i for i, x in enumerate(a.actors.index.tolist())}
    pos_b = {int(x): i for i, x in enumerate(b.actors.index.tolist())}

    def rank(idx: int) -> ActorRank:
        i, j = pos_a.get(idx), pos_b.get(idx)
        name = str(b.actors.id[j]) if j is not None else str(a.actors.id[i])
        return ActorRank(
            index=idx,
            id=name,
            before=None if i is None else float(va[i]),
            after=None if j is None else float(vb[j]),
            rank_before=None if i is None else int(ra[i]),
            rank_after=None if j is None else int(rb[j]),
        )

    top_a = {int(a.actors.index[i]) for i in np.flatnonzero(ra <= top_k)}
    top_b = {int(b.actors.index[i]) for i in np.flatnonzero(rb <= top_k)}
    entered = tuple(sorted((rank(x) for x in top_b - top_a), key=lambda r: r.rank_after or 0))
    left = tuple(sorted((rank(x) for x in top_a - top_b), key=lambda r: r.rank_before or 0))
    both = sorted(set(pos_a) & set(pos_b))
    gains = [(int(ra[pos_a[x]]) - int(rb[pos_b[x]]), x) for x in both]
    gains = [g for g in gains if g[0] > 0]
    gains.sort(key=lambda g: (-g[0], g[1]))
    risers = tuple(rank(x) for _, x in gains[:top_k])
    return CentralityChange(metric=metric, entered=entered, left=left, risers=risers)


def _pair_ratios(an: NetworkAnalysis) -> dict[tuple[str, str], tuple[float, float | None]]:
    labels = an.network.sectors
    counts = an.network.mixing_counts
    total = counts.sum()
    out: dict[tuple[str, str], tuple[float, float | None]] = {}
    if total == 0:
        return {(x, y): (0.0, None) for i, x in enumerate(labels) for y in labels[i + 1 :]}
    e = counts / total
    rows, cols = e.sum(axis=1), e.sum(axis=0)
    for i, x in enumerate(labels):
        for j in range(i + 1, len(labels)):
            observed = e[i, j] + e[j, i]
            expected = rows[i] * cols[j] + rows[j] * cols[i]
            ties = counts[i, j] if not an.network.directed else counts[i, j] + counts[j, i]
            out[(x, labels[j])] = (
                float(ties),
                float(observed / expected) if expected > 0 else None,
            )
    return out


def compare_snapshots(
    before: Snapshot | NetworkAnalysis,
    after: Snapshot | NetworkAnalysis,
    *,
    top_k: int = 10,
    threshold: float = 0.3,
    min_community_size: int = 3,
) -> SnapshotChange:
    """What changed between two analyses of the same actor table (see the module notes).

    Examples
    --------
    c closes the triangle in 2024 and becomes the most central:

    >>> from coalition.engines.network import Actors, Ties
    >>> dates = ["2023-03-01", "2023-06-01", "2024-02-01", "2024-09-01"]
    >>> ties = Ties.create([0, 0, 1, 2], [1, 2, 2, 3], start=dates)
    >>> before, after = snapshots(Actors.create("abcd"), ties, cumulative=True)
    >>> [r.id for r in compare_snapshots(before, after).centrality[0].risers]
    ['c']
    """
    a = before.analysis if isinstance(before, Snapshot) else before
    b = after.analysis if isinstance(after, Snapshot) else after
    central = tuple(_centrality_change(a, b, m, top_k) for m in ("pagerank", "betweenness"))
    pa, pb = _pair_ratios(a), _pair_ratios(b)
    pairs = []
    for key in sorted(set(pa) | set(pb)):
        tb, rb_ = pa.get(key, (0.0, None))
        ta, ra_ = pb.get(key, (0.0, None))
        change = None if rb_ is None or ra_ is None else ra_ - rb_
        pairs.append(SectorPairChange(key, tb, ta, rb_, ra_, change))
    pairs.sort(key=lambda p: (p.change is None, -(p.change or 0.0), p.sectors))
    events = match_communities(
        a.actors.index,
        a.actors.community,
        b.actors.index,
        b.actors.community,
        threshold=threshold,
        min_size=min_community_size,
    )
    return SnapshotChange(centrality=central, sectors=tuple(pairs), communities=tuple(events))
