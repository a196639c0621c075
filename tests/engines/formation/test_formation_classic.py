"""solve_classic: brute force and NetworkX are the oracles; RarestFirst is never beaten by it."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coalition.engines.formation import solve_classic
from coalition.engines.formation.classic import team_cost

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "teamformation"


def _nx_graph(n: int, edges: list[tuple[int, int]], weights: list[float]) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(range(n))
    for (a, b), w in zip(edges, weights, strict=True):
        length = 1.0 - w
        if a != b and (not g.has_edge(a, b) or g[a][b]["length"] > length):
            g.add_edge(a, b, length=length)
    return g


def _cost(g: nx.Graph, team: set[int], objective: str, weighted: bool) -> float:
    nodes = sorted(team)
    ds = []
    for a, b in itertools.combinations(nodes, 2):
        try:
            d = nx.shortest_path_length(g, a, b, weight="length" if weighted else None)
        except nx.NetworkXNoPath:
            return math.inf
        ds.append(float(d))
    if not ds:
        return 0.0
    return sum(ds) if objective == "sum" else max(ds)


def _brute(
    g: nx.Graph, skills: list[set[int]], task: list[int], objective: str, weighted: bool
) -> float:
    holders = [[v for v, s in enumerate(skills) if t in s] for t in task]
    best = math.inf
    for pick in itertools.product(*holders):
        best = min(best, _cost(g, set(pick), objective, weighted))
    return best


def _rarest_first(g: nx.Graph, skills: list[set[int]], task: list[int], weighted: bool) -> set[int]:
    holders = {t: [v for v, s in enumerate(skills) if t in s] for t in task}
    rare = min(task, key=lambda t: (len(holders[t]), t))
    best: tuple[float, int] | None = None
    team: set[int] = set()
    for seed in holders[rare]:
        dist = nx.single_source_dijkstra_path_length(g, seed, weight="length" if weighted else None)
        chosen = {seed}
        radius = 0.0
        for t in task:
            if t in skills[seed]:
                continue
            j = min(holders[t], key=lambda v: (dist.get(v, math.inf), v))
            radius = max(radius, dist.get(j, math.inf))
            chosen.add(j)
        if best is None or (radius, seed) < best:
            best, team = (radius, seed), chosen
    return team


@st.composite
def instances(draw: st.DrawFn) -> tuple[int, list, list, list[set[int]], list[int]]:
    n = draw(st.integers(3, 12))
    edges = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), min_size=n, max_size=3 * n
        )
    )
    weights = draw(
        st.lists(st.sampled_from([0.0, 0.25, 0.5, 1.0]), min_size=len(edges), max_size=len(edges))
    )
    skills = [draw(st.sets(st.integers(0, 5), max_size=3)) for _ in range(n)]
    held = sorted(set().union(*skills))
    if not held:
        skills[0] = {0}
        held = [0]
    task = draw(st.lists(st.sampled_from(held), min_size=1, max_size=4, unique=True))
    return n, edges, weights, skills, task


@settings(max_examples=120, deadline=None)
@given(instances(), st.sampled_from(["sum", "diameter"]), st.sampled_from(["hops", "weight"]))
def test_exact_matches_brute_force_and_greedy_is_feasible(
    inst: tuple, objective: str, distance: str
) -> None:
    n, edges, weights, skills, task = inst
    g = _nx_graph(n, edges, weights)
    weighted = distance == "weight"
    edge_array = np.array(edges, dtype=np.int64).reshape(-1, 2)
    greedy = solve_classic(
        edge_array, skills, task, weights=weights, objective=objective, distance=distance
    )
    exact = solve_classic(
        edge_array,
        skills,
        task,
        weights=weights,
        objective=objective,
        distance=distance,
        method="exact",
    )
    best = _brute(g, skills, task, objective, weighted)
    assert exact.optimal
    assert exact.cost == pytest.approx(best) if math.isfinite(best) else math.isinf(exact.cost)
    for team in (greedy, exact):
        assert set(team.assignment) == set(task)
        for t, member in team.assignment.items():
            assert t in skills[member] and member in team.members
        assert team.cost == pytest.approx(_cost(g, set(team.members), objective, weighted)) or (
            math.isinf(team.cost) and math.isinf(_cost(g, set(team.members), objective, weighted))
        )
    assert greedy.cost >= exact.cost - 1e-9
    rf = _rarest_first(g, skills, task, weighted)
    assert greedy.cost <= _cost(g, rf, objective, weighted) + 1e-9


def test_missing_skills_are_reported_not_raised() -> None:
    team = solve_classic(np.array([[0, 1]]), [{1}, {2}], [1, 3])
    assert team.missing == (3,)
    assert not team.feasible and math.isinf(team.cost) and team.members == ()


def test_igraph_input_with_a_weight_attribute() -> None:
    g = ig.Graph(n=4, edges=[(0, 1), (1, 2), (2, 3), (0, 3)])
    g.es["cc"] = [1.0, 1.0, 0.0, 0.0]
    skills = [{"a"}, set(), {"b"}, {"b"}]
    hops = solve_classic(g, skills, ["a", "b"], distance="hops")
    assert hops.cost == 1.0 and hops.members == (0, 3)
    weighted = solve_classic(g, skills, ["a", "b"], weights="cc", distance="weight")
    assert weighted.cost == 0.0 and weighted.members == (0, 2)
    assert team_cost(g, [0, 2], weights="cc", distance="weight") == 0.0


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        solve_classic(np.array([[0, 1]]), [{1}, {2}], [1], objective="median")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        solve_classic(np.array([[0, 1]]), [{1}, {2}], [1], distance="weight")
    with pytest.raises(ValueError):
        solve_classic(np.array([[0, 5]]), [{1}, {2}], [1])


@pytest.mark.skipif(not DATA.exists(), reason=f"{DATA} is absent (shared benchmark data)")
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # HTML entities in author names
def test_on_the_icdt_expert_network() -> None:
    g = ig.Graph.Read_GML(str(DATA / "icdt.gml"))
    skills = [
        {int(s) for s in str(raw).split(",") if s} if raw else set() for raw in g.vs["skills"]
    ]
    held = sorted(set().union(*skills))
    rng = np.random.default_rng(0)
    for _ in range(5):
        task = [int(s) for s in rng.choice(held, size=5, replace=False)]
        team = solve_classic(g, skills, task, weights="cc", distance="weight")
        exact = solve_classic(
            g, skills, task, weights="cc", distance="weight", method="exact", time_limit_s=5
        )
        assert team.feasible and exact.cost <= team.cost + 1e-9
        assert team.cost == pytest.approx(
            team_cost(g, team.members, weights="cc", distance="weight")
        )
