"""RarestFirst (Lappas, Liu & Terzi, KDD 2009), the classic expert-team baseline.

Written independently of ``coalition.engines.formation.classic`` so that the benchmark
compares against the published rule, not against a piece of the solver it measures:

    a* = the task skill with fewest holders
    for every holder i of a*:
        for every other skill a: pick the holder of a nearest to i (ties: lowest node id)
        R_i = the largest of those distances
    answer: the team of the i with the smallest R_i (ties: lowest node id)

The team is then scored with the communication cost under study (sum of pairwise distances,
or diameter).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import igraph as ig
import numpy as np

__all__ = ["rarest_first", "team_cost_igraph"]


def rarest_first(
    g: ig.Graph,
    skills: Sequence[set[Hashable]],
    task: Sequence[Hashable],
    lengths: list[float] | None,
) -> list[int] | None:
    """Team chosen by RarestFirst (node ids), or None if some skill has no holder."""
    holders = {a: [v for v, s in enumerate(skills) if a in s] for a in task}
    if any(not h for h in holders.values()):
        return None
    rare = min(task, key=lambda a: (len(holders[a]), str(a)))
    seeds = holders[rare]
    dist = np.array(g.distances(source=seeds, weights=lengths), dtype=np.float64)
    best: tuple[float, int] | None = None
    best_team: list[int] = []
    for k, seed in enumerate(seeds):
        team = {seed}
        radius = 0.0
        for a in task:
            if a == rare or a in skills[seed]:
                continue
            cand = np.array(holders[a])
            d = dist[k, cand]
            j = int(cand[np.lexsort((cand, d))[0]])
            radius = max(radius, float(dist[k, j]))
            team.add(j)
        key = (radius, seed)
        if best is None or key < best:
            best, best_team = key, sorted(team)
    return best_team


def team_cost_igraph(
    g: ig.Graph, team: Sequence[int], lengths: list[float] | None, objective: str = "sum"
) -> float:
    """Sum of pairwise shortest-path distances among ``team`` (or their maximum)."""
    nodes = sorted(set(team))
    if len(nodes) < 2:
        return 0.0
    d = np.array(g.distances(source=nodes, target=nodes, weights=lengths), dtype=np.float64)
    upper = d[np.triu_indices(len(nodes), 1)]
    return float(upper.sum() if objective == "sum" else upper.max())
