"""The classic expert-team task: cover a set of skills with a team that communicates cheaply.

Given a graph of people with per-node skills and a task (a set of required skills), find a
team - and which member covers which skill - minimising the team's communication cost in
the graph (Lappas, Liu & Terzi, KDD 2009; Kargar & An, CIKM 2011):

* ``objective="sum"`` - the sum over member pairs of their shortest-path distance;
* ``objective="diameter"`` - the largest such distance.

Distances are hop counts (``distance="hops"``) or sums over edges of ``1 - weight``
(``distance="weight"``, weights in [0, 1], e.g. the Jaccard similarity of co-authors'
publication sets). Only the holders of the task's skills matter, so distances are computed
from those nodes alone (igraph's Dijkstra / BFS, in C).

``method="greedy"`` (default): for every holder of the rarest skill as a seed, two
constructions - the holder of each further skill (rarest first) that adds the least cost to
the team so far, and the holder nearest the seed (the RarestFirst rule of Lappas et al.) -
each followed by local search (move one skill to another holder; replace a member by one
node holding all of its skills) until no move lowers the cost. ``method="exact"``:
branch and bound over the holders of the rarest uncovered skill, started from the greedy
team and pruned by a bound (cost so far plus, for the costliest uncovered skill, the least
any holder would add), optimal when it finishes within ``time_limit_s``.

References
----------
.. [1] T. Lappas, K. Liu, E. Terzi, "Finding a team of experts in social networks",
   KDD 2009, pp. 467-476.
.. [2] M. Kargar, A. An, "Discovering top-k teams of experts with/without a leader in social
   networks", CIKM 2011, pp. 985-994.
"""

from __future__ import annotations

import math
import time
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import igraph as ig
import numpy as np
import numpy.typing as npt

from ..arrays import FloatArray, IntArray

__all__ = ["ClassicTeam", "communication_cost", "solve_classic", "team_cost"]

Objective = Literal["sum", "diameter"]
Distance = Literal["hops", "weight"]


@dataclass(frozen=True)
class ClassicTeam:
    """A team for the classic task.

    ``members`` are node indices (ascending); ``assignment`` maps each task skill to the
    member covering it; ``cost`` is the communication cost (``inf`` when members are not
    connected, or when the task cannot be covered); ``missing`` lists skills nobody holds;
    ``optimal`` is True when the cost is proven minimal.
    """

    members: tuple[int, ...]
    assignment: Mapping[Hashable, int]
    cost: float
    objective: Objective
    distance: Distance
    optimal: bool
    method: str
    missing: tuple[Hashable, ...] = ()
    stats: Mapping[str, float] = field(default_factory=dict)

    @property
    def feasible(self) -> bool:
        """True when every task skill is covered by a connected team."""
        return not self.missing and math.isfinite(self.cost)


def communication_cost(dist: FloatArray, objective: Objective = "sum") -> float:
    """Cost of a team from its members' pairwise distance matrix: sum over pairs, or maximum."""
    k = dist.shape[0]
    if k < 2:
        return 0.0
    upper = dist[np.triu_indices(k, 1)]
    return float(upper.sum() if objective == "sum" else upper.max())


def _as_graph(
    graph: ig.Graph | npt.ArrayLike,
    n_nodes: int,
    weights: str | npt.ArrayLike | None,
    distance: Distance,
) -> tuple[ig.Graph, list[float] | None]:
    if isinstance(graph, ig.Graph):
        g = graph
        if g.vcount() != n_nodes:
            raise ValueError(f"skills has {n_nodes} entries but the graph {g.vcount()} nodes")
        w = g.es[weights] if isinstance(weights, str) else weights
    else:
        edges = np.asarray(graph, dtype=np.int64).reshape(-1, 2)
        if len(edges) and (edges.min() < 0 or edges.max() >= n_nodes):
            raise ValueError("edge endpoints must be node indices below len(skills)")
        g = ig.Graph(n=n_nodes, edges=edges.tolist(), directed=False)
        w = weights
    if distance == "hops":
        return g, None
    if w is None:
        raise ValueError("distance='weight' needs edge weights")
    arr = np.asarray(w, dtype=np.float64)
    if arr.shape != (g.ecount(),) or not np.all(np.isfinite(arr)):
        raise ValueError("weights must be finite, one per edge")
    return g, np.clip(1.0 - arr, 0.0, None).tolist()


def team_cost(
    graph: ig.Graph | npt.ArrayLike,
    members: Sequence[int],
    *,
    n_nodes: int | None = None,
    weights: str | npt.ArrayLike | None = None,
    objective: Objective = "sum",
    distance: Distance = "hops",
) -> float:
    """Communication cost of the given team in ``graph`` (``inf`` if not connected).

    ``graph`` is an igraph Graph, or an (m, 2) array of edges with ``n_nodes`` nodes.
    """
    n = graph.vcount() if isinstance(graph, ig.Graph) else int(n_nodes or 0)
    g, lengths = _as_graph(graph, n, weights, distance)
    nodes = sorted(set(int(m) for m in members))
    dist = np.array(g.distances(source=nodes, target=nodes, weights=lengths), dtype=np.float64)
    return communication_cost(dist.reshape(len(nodes), len(nodes)), objective)


class _Task:
    """Distances among the holders of a task's skills, and who holds what."""

    def __init__(
        self,
        dist: FloatArray,
        holders: list[IntArray],
        masks: npt.NDArray[np.int64],
        objective: Objective,
    ) -> None:
        self.dist = dist
        self.holders = holders  # per skill (rarest first): candidate indices
        self.masks = masks  # per candidate: bitmask of the task skills it holds
        self.k = len(holders)
        self.full = (1 << self.k) - 1
        self.objective = objective

    def cost(self, members: Sequence[int]) -> float:
        idx = np.asarray(sorted(set(members)), dtype=np.int64)
        return communication_cost(self.dist[np.ix_(idx, idx)], self.objective)

    def added(self, team: Sequence[int], cand: IntArray) -> FloatArray:
        """Cost of ``team + c`` for each ``c`` in ``cand`` (``team``'s cost if already in it)."""
        base = self.cost(team)
        if not team:
            return np.zeros(len(cand))
        d = self.dist[np.ix_(cand, np.asarray(team, dtype=np.int64))]
        inside = np.isin(cand, team)
        if self.objective == "sum":
            with np.errstate(invalid="ignore"):
                out = base + d.sum(axis=1)
        else:
            out = np.maximum(base, d.max(axis=1))
        return np.where(inside, base, out)

    # -- constructions -------------------------------------------------------------------
    def greedy_from(self, seed: int) -> dict[int, int]:
        assign: dict[int, int] = {}
        team = [seed]
        for s in range(self.k):
            if self.masks[seed] >> s & 1:
                assign[s] = seed
        for s in range(self.k):
            if s in assign:
                continue
            holders = self.holders[s]
            # Prefer a holder already in the team; then least added cost, then most skills.
            costs = self.added(team, holders)
            gain = np.array([bin(int(self.masks[h])).count("1") for h in holders])
            h = int(holders[np.lexsort((holders, -gain, costs))[0]])
            if h not in team:
                team.append(h)
            for t in range(self.k):
                if t not in assign and self.masks[h] >> t & 1:
                    assign[t] = h
        return assign

    def nearest_from(self, seed: int) -> dict[int, int]:
        assign: dict[int, int] = {}
        for s in range(self.k):
            if self.masks[seed] >> s & 1:
                assign[s] = seed
            else:
                holders = self.holders[s]
                d = self.dist[seed, holders]
                assign[s] = int(holders[np.lexsort((holders, d))[0]])
        return assign

    # -- improvement ---------------------------------------------------------------------
    def improve(self, assign: dict[int, int]) -> tuple[dict[int, int], float]:
        assign = dict(assign)
        current = self.cost(list(assign.values()))
        improved = True
        while improved:
            improved = False
            for s in range(self.k):
                others = [assign[t] for t in range(self.k) if t != s]
                cand = self.holders[s]
                costs = self.added(sorted(set(others)), cand)
                best = int(np.lexsort((cand, costs))[0])
                if costs[best] < current - 1e-12:
                    assign[s] = int(cand[best])
                    current = float(costs[best])
                    improved = True
            members = sorted(set(assign.values()))
            for m in members:
                mine = [s for s in range(self.k) if assign[s] == m]
                need = 0
                for s in mine:
                    need |= 1 << s
                cand = np.flatnonzero((self.masks & need) == need)
                cand = cand[cand != m]
                if len(cand) == 0:
                    continue
                rest = [x for x in members if x != m]
                costs = self.added(rest, cand)
                best = int(np.lexsort((cand, costs))[0])
                if costs[best] < current - 1e-12:
                    for s in mine:
                        assign[s] = int(cand[best])
                    current = float(costs[best])
                    improved = True
                    break
        return assign, current

    # -- exact ---------------------------------------------------------------------------
    def best_start(self) -> tuple[dict[int, int], float]:
        """The cheapest of the two greedy constructions from every holder of the rarest
        skill, each improved by local search (the first found among equals)."""
        best: dict[int, int] | None = None
        best_cost = math.inf
        seen: set[tuple[int, ...]] = set()
        for seed in self.holders[0].tolist():
            for construct in (self.greedy_from, self.nearest_from):
                start = construct(seed)
                key = tuple(start[s] for s in range(self.k))
                if key in seen:
                    continue
                seen.add(key)
                assign, cost = self.improve(start)
                if best is None or cost < best_cost - 1e-12:
                    best, best_cost = assign, cost
        assert best is not None
        return best, best_cost

    def branch_and_bound(
        self, upper: float, incumbent: dict[int, int], deadline: float | None
    ) -> tuple[dict[int, int], float, bool]:
        best_cost = [upper]
        best_assign = [dict(incumbent)]
        finished = [True]
        visited = [0]

        def lower_bound(team: list[int], covered: int, cost: float) -> float:
            worst = cost
            for s in range(self.k):
                if not covered >> s & 1:
                    worst = max(worst, float(self.added(team, self.holders[s]).min()))
            return worst

        def recurse(team: list[int], covered: int, cost: float, assign: dict[int, int]) -> None:
            visited[0] += 1
            if deadline is not None and visited[0] % 256 == 0 and time.perf_counter() > deadline:
                finished[0] = False
            if not finished[0]:
                return
            if covered == self.full:
                if cost < best_cost[0] - 1e-12:
                    best_cost[0], best_assign[0] = cost, dict(assign)
                return
            uncovered = [s for s in range(self.k) if not covered >> s & 1]
            s = min(uncovered, key=lambda t: (len(self.holders[t]), t))
            cand = self.holders[s]
            costs = self.added(team, cand)
            for k in np.lexsort((cand, costs)).tolist():
                c = float(costs[k])
                if not c < best_cost[0] - 1e-12:
                    break
                h = int(cand[k])
                new_team = [*team, h]
                new_cov = covered | int(self.masks[h])
                if (
                    new_cov != self.full
                    and lower_bound(new_team, new_cov, c) >= best_cost[0] - 1e-12
                ):
                    continue
                new_assign = dict(assign)
                for t in range(self.k):
                    if t not in new_assign and self.masks[h] >> t & 1:
                        new_assign[t] = h
                recurse(new_team, new_cov, c, new_assign)

        recurse([], 0, 0.0, {})
        return best_assign[0], float(best_cost[0]), finished[0]


def solve_classic(
    graph: ig.Graph | npt.ArrayLike,
    skills: Sequence[Iterable[Hashable]],
    task: Iterable[Hashable],
    *,
    weights: str | npt.ArrayLike | None = None,
    objective: Objective = "sum",
    distance: Distance = "hops",
    method: Literal["greedy", "exact"] = "greedy",
    time_limit_s: float | None = None,
) -> ClassicTeam:
    """Find a team covering ``task`` with low communication cost in ``graph``.

    Parameters
    ----------
    graph : igraph.Graph or array-like of shape (m, 2)
        The network (undirected), as an igraph Graph or an edge list over node indices
        ``0..len(skills)-1``.
    skills : sequence of iterables
        ``skills[v]`` are node ``v``'s skills (any hashable; repeats are ignored).
    task : iterable
        The required skills.
    weights : str or array-like, optional
        Edge weights in [0, 1] (an igraph edge attribute name, or one value per edge);
        needed for ``distance="weight"``, where an edge is ``1 - weight`` long.
    objective : {"sum", "diameter"}
        Sum of pairwise distances among members, or the largest one.
    distance : {"hops", "weight"}
        Hop count, or the sum over edges of ``1 - weight``.
    method : {"greedy", "exact"}
        Seeded greedy plus local search, or branch and bound from that start.
    time_limit_s : float, optional
        For ``method="exact"``: stop the search after this long (the answer is then the
        best found, with ``optimal=False``).

    Returns
    -------
    ClassicTeam
        Members, which member covers each skill, cost (``inf`` if the task cannot be
        covered by a connected team) and whether it is proven optimal. Skills nobody holds
        are listed in ``missing`` (the team is then empty).

    Examples
    --------
    A path 0 - 1 - 2 - 3 where node 0 knows "ml", nodes 1 and 3 know "db":

    >>> team = solve_classic([(0, 1), (1, 2), (2, 3)], [{"ml"}, {"db"}, set(), {"db"}],
    ...                      ["ml", "db"])
    >>> team.members, team.assignment["db"], team.cost
    ((0, 1), 1, 1.0)

    Notes
    -----
    Computes distances from the holders of the task's skills only (``h`` nodes): O(h (n + m)
    log n) with Dijkstra. The greedy tries two constructions per holder of the rarest skill,
    so it is never worse than RarestFirst evaluated on the same objective (Lappas et al.'s
    rule is one of them, and local search only lowers cost).
    """
    _check_choices(objective, distance, method)
    started = time.perf_counter()
    skill_sets = [set(s) for s in skills]
    wanted = list(dict.fromkeys(task))
    g, lengths = _as_graph(graph, len(skill_sets), weights, distance)
    holders_of = {s: [v for v, held in enumerate(skill_sets) if s in held] for s in wanted}
    missing = tuple(s for s in wanted if not holders_of[s])
    if missing or not wanted:
        cost = math.inf if missing else 0.0
        return ClassicTeam((), {}, cost, objective, distance, not missing, method, missing)
    deadline = None if time_limit_s is None else started + time_limit_s
    cover = _cheapest_cover(g, lengths, holders_of, objective, method == "exact", deadline)
    return cover.team(objective, distance, method, started)


def _check_choices(objective: str, distance: str, method: str) -> None:
    """Refuse (``ValueError``) an unknown objective, distance or method."""
    if objective not in ("sum", "diameter"):
        raise ValueError("objective must be 'sum' or 'diameter'")
    if distance not in ("hops", "weight"):
        raise ValueError("distance must be 'hops' or 'weight'")
    if method not in ("greedy", "exact"):
        raise ValueError("method must be 'greedy' or 'exact'")


@dataclass(frozen=True)
class _Cover:
    """The cheapest cover found: members (node indices, ascending), the member covering each
    skill (in task order), its cost, whether that is proven minimal, and how many nodes hold
    some task skill."""

    members: tuple[int, ...]
    assignment: dict[Hashable, int]
    cost: float
    optimal: bool
    holders: int

    def team(
        self, objective: Objective, distance: Distance, method: str, started: float
    ) -> ClassicTeam:
        """The :class:`ClassicTeam` of this cover, timed from ``started``."""
        return ClassicTeam(
            members=self.members,
            assignment=self.assignment,
            cost=self.cost,
            objective=objective,
            distance=distance,
            optimal=self.optimal,
            method=method,
            stats={"holders": float(self.holders), "seconds": time.perf_counter() - started},
        )


def _cheapest_cover(
    g: ig.Graph,
    lengths: list[float] | None,
    holders_of: dict[Hashable, list[int]],
    objective: Objective,
    exact: bool,
    deadline: float | None,
) -> _Cover:
    """Cover every skill of ``holders_of`` (task order; each held by someone): the best of
    the greedy starts, then, when ``exact``, branch and bound until ``deadline``."""
    wanted = list(holders_of)
    order = sorted(wanted, key=lambda s: (len(holders_of[s]), str(s)))
    nodes = sorted({v for s in wanted for v in holders_of[s]})
    pos = {v: i for i, v in enumerate(nodes)}
    dist = np.array(g.distances(source=nodes, target=nodes, weights=lengths), dtype=np.float64)
    masks = np.zeros(len(nodes), dtype=np.int64)
    holders: list[IntArray] = []
    for bit, s in enumerate(order):
        idx = np.array([pos[v] for v in holders_of[s]], dtype=np.int64)
        holders.append(idx)
        masks[idx] |= 1 << bit
    problem = _Task(dist, holders, masks, objective)
    best, best_cost = problem.best_start()
    optimal = False
    if exact:
        best, best_cost, optimal = problem.branch_and_bound(best_cost, best, deadline)
    members = tuple(sorted({nodes[i] for i in best.values()}))
    assignment = {order[s]: nodes[i] for s, i in sorted(best.items())}
    return _Cover(
        members, {s: assignment[s] for s in wanted}, float(best_cost), optimal, len(nodes)
    )
