"""Communities (Leiden, modularity) and how they change between two snapshots.

:func:`leiden` runs python-igraph's Leiden algorithm with the modularity objective on the
undirected reading of the graph (a pair's weight is the sum of its ties' strengths in both
directions), seeded, and numbers communities by size.

:func:`match_communities` follows communities across two snapshots by the Jaccard overlap
of their members (Greene, Doyle & Cunningham 2010): a pair of communities is *matched* when
``|A ∩ B| / |A ∪ B| ≥ threshold``. A later community matched by two or more earlier ones is
a **merge**; an earlier one matched by two or more later ones a **split**; a one-to-one
match **continues**; an earlier one without match **dissolved**, a later one **formed**.

References
----------
.. [1] V. A. Traag, L. Waltman and N. J. van Eck, "From Louvain to Leiden: guaranteeing
   well-connected communities", Scientific Reports 9, 5233 (2019).
.. [2] M. E. J. Newman and M. Girvan, "Finding and evaluating community structure in
   networks", Phys. Rev. E 69, 026113 (2004) (modularity).
.. [3] D. Greene, D. Doyle and P. Cunningham, "Tracking the evolution of communities in
   dynamic social networks", ASONAM 2010.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

import igraph as ig
import numpy as np
import numpy.typing as npt

from coalition.engines.network.graph import NetworkGraph
from coalition.engines.network.metrics import _relabel_by_size

from ..arrays import IntArray

__all__ = ["CommunityEvent", "Communities", "leiden", "match_communities"]


EventKind = Literal["continued", "merged", "split", "formed", "dissolved"]


@dataclass(frozen=True)
class Communities:
    """Community of each actor (0 = largest) with sizes and the partition's modularity."""

    membership: IntArray
    sizes: IntArray
    modularity: float


def leiden(
    graph: NetworkGraph,
    *,
    seed: int = 0,
    resolution: float = 1.0,
    n_iterations: int = 2,
    beta: float = 0.01,
) -> Communities:
    """Leiden communities maximising (weighted) modularity; reproducible for a given seed.

    ``n_iterations`` Leiden passes are run (python-igraph's default, 2; a negative number
    iterates until stable, which costs far more on large graphs for little gain). Isolated
    actors form singleton communities. python-igraph draws random numbers from a
    process-wide generator: it is set to a ``random.Random(seed)`` for the call and given
    back to the ``random`` module (igraph's default) afterwards.

    Examples
    --------
    >>> from coalition.engines.network import Actors, Ties, build_graph
    >>> actors = Actors.create("abcde", sector=["health", "health", "funder", "funder", "health"])
    >>> graph = build_graph(actors, Ties.create([0, 0, 1, 2, 3], [1, 2, 2, 3, 4]))
    >>> communities = leiden(graph)
    >>> communities.membership.tolist(), communities.sizes.tolist()
    ([0, 0, 0, 1, 1], [3, 2])
    """
    n = graph.n
    if n == 0:
        return Communities(np.zeros(0, np.int64), np.zeros(0, np.int64), float("nan"))
    und = graph.undirected_ig
    weights = graph.pairs.weight.tolist()
    ig.set_random_number_generator(random.Random(seed))
    try:
        part = und.community_leiden(
            objective_function="modularity",
            weights=weights,
            resolution=resolution,
            beta=beta,
            n_iterations=n_iterations,
        )
    finally:
        ig.set_random_number_generator(random)
    raw = np.asarray(part.membership, dtype=np.int64)
    membership, sizes = _relabel_by_size(raw)
    q = (
        und.modularity(membership.tolist(), weights=weights, resolution=resolution)
        if len(weights)
        else float("nan")
    )
    return Communities(membership=membership, sizes=sizes, modularity=float(q))


@dataclass(frozen=True)
class CommunityEvent:
    """One change between snapshots; ``pairs`` lists the matches ``(before, after, jaccard)``."""

    kind: EventKind
    before: tuple[int, ...]
    after: tuple[int, ...]
    pairs: tuple[tuple[int, int, float], ...]


def match_communities(
    before_actors: npt.ArrayLike,
    before_labels: npt.ArrayLike,
    after_actors: npt.ArrayLike,
    after_labels: npt.ArrayLike,
    *,
    threshold: float = 0.3,
    min_size: int = 3,
) -> list[CommunityEvent]:
    """Merges, splits, continuations, births and deaths of communities between snapshots.

    Parameters
    ----------
    before_actors, after_actors : a stable id per actor (e.g. position in the actor table).
    before_labels, after_labels : each actor's community in that snapshot.
    threshold : minimum Jaccard overlap for two communities to be matched.
    min_size : smaller communities are ignored (singletons of isolates would swamp events).

    Examples
    --------
    Two communities of three become one:

    >>> match_communities([0, 1, 2, 3, 4, 5], [0, 0, 0, 1, 1, 1], range(6), [0] * 6)
    [CommunityEvent(kind='merged', before=(0, 1), after=(0,), pairs=((0, 0, 0.5), (1, 0, 0.5)))]
    """
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be in (0, 1]")
    ba, bl = np.asarray(before_actors, np.int64), np.asarray(before_labels, np.int64)
    aa, al = np.asarray(after_actors, np.int64), np.asarray(after_labels, np.int64)
    b_sizes = np.bincount(bl) if len(bl) else np.zeros(0, np.int64)
    a_sizes = np.bincount(al) if len(al) else np.zeros(0, np.int64)
    b_keep = np.flatnonzero(b_sizes >= min_size)
    a_keep = np.flatnonzero(a_sizes >= min_size)
    # actors present in both snapshots, with their two labels
    _, bi, ai = np.intersect1d(ba, aa, assume_unique=True, return_indices=True)
    pb, pa = bl[bi], al[ai]
    ok = np.isin(pb, b_keep) & np.isin(pa, a_keep)
    pb, pa = pb[ok], pa[ok]
    width = int(a_sizes.shape[0]) + 1
    pair_keys, inter = np.unique(pb * width + pa, return_counts=True)
    cb, ca = pair_keys // width, pair_keys % width
    jac = inter / (b_sizes[cb] + a_sizes[ca] - inter)
    hit = jac >= threshold
    cb, ca, jac = cb[hit], ca[hit], jac[hit]
    events: list[CommunityEvent] = []
    b_matches: dict[int, list[int]] = {int(b): [] for b in b_keep}
    a_matches: dict[int, list[int]] = {int(a): [] for a in a_keep}
    score: dict[tuple[int, int], float] = {}
    for b, a, j in zip(cb.tolist(), ca.tolist(), jac.tolist(), strict=True):
        b_matches[b].append(a)
        a_matches[a].append(b)
        score[(b, a)] = round(j, 6)
    for a, bs in a_matches.items():
        if len(bs) >= 2:
            pairs = tuple((b, a, score[(b, a)]) for b in sorted(bs))
            events.append(CommunityEvent("merged", tuple(sorted(bs)), (a,), pairs))
        elif not bs:
            events.append(CommunityEvent("formed", (), (a,), ()))
    for b, as_ in b_matches.items():
        if len(as_) >= 2:
            pairs = tuple((b, a, score[(b, a)]) for a in sorted(as_))
            events.append(CommunityEvent("split", (b,), tuple(sorted(as_)), pairs))
        elif not as_:
            events.append(CommunityEvent("dissolved", (b,), (), ()))
        elif len(a_matches[as_[0]]) == 1:
            a = as_[0]
            events.append(CommunityEvent("continued", (b,), (a,), ((b, a, score[(b, a)]),)))
    order = {"continued": 0, "merged": 1, "split": 2, "formed": 3, "dissolved": 4}
    events.sort(key=lambda e: (order[e.kind], e.before, e.after))
    return events
