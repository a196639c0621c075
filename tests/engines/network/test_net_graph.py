"""Building the analysis graph: validation, merging, type and time filters, projection."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coalition.engines.network import (
    Actors,
    Affiliations,
    Ties,
    affiliations_from_ties,
    build_graph,
    project_two_mode,
)

D = dt.date


def test_tables_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="unique"):
        Actors.create(["a", "a"])
    with pytest.raises(ValueError, match="strengths"):
        Ties.create([0], [1], type="x", weight=[0.0])
    with pytest.raises(ValueError, match="strengths"):
        Ties.create([0], [1], type="x", weight=[float("nan")])
    with pytest.raises(ValueError, match="ends before"):
        Ties.create([0], [1], type="x", start=[D(2024, 2, 1)], end=[D(2024, 1, 1)])
    with pytest.raises(ValueError, match="not dates"):
        Ties.create([0], [1], type="x", start=["yesterday"])
    with pytest.raises(ValueError, match="beyond"):
        Ties.create([0], [5], type="x", n_actors=3)
    with pytest.raises(ValueError, match="beyond"):
        build_graph(Actors.create(["a", "b"]), Ties.create([0], [2], type="x"))


def test_repeated_ties_merge_into_strengths_and_self_loops_drop() -> None:
    actors = Actors.create(["a", "b", "c"])
    ties = Ties.create([0, 1, 0, 2, 2], [1, 0, 1, 2, 0], type="x", weight=[1, 2, 3, 5, 1])
    und = build_graph(actors, ties)
    assert und.src.tolist() == [0, 0] and und.dst.tolist() == [1, 2]
    assert und.weight.tolist() == [6.0, 1.0] and und.multiplicity.tolist() == [3, 1]
    assert und.self_loops == 1 and und.n_ties == 5
    di = build_graph(actors, ties, directed=True)
    assert list(zip(di.src.tolist(), di.dst.tolist(), di.weight.tolist(), strict=True)) == [
        (0, 1, 4.0),
        (1, 0, 2.0),
        (2, 0, 1.0),
    ]
    assert di.pairs.weight.tolist() == [6.0, 1.0]
    assert di.pairs.forward.tolist() == [True, False] and di.pairs.backward.tolist() == [True, True]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(1, 4)), max_size=30))
def test_merging_equals_networkx_multigraph_collapse(edges: list[tuple[int, int, int]]) -> None:
    actors = Actors.create(range(7))
    src, dst, w = zip(*edges, strict=True) if edges else ((), (), ())
    g = build_graph(actors, Ties.create(list(src), list(dst), type="x", weight=list(w)))
    ref = nx.Graph()
    for s, d, x in edges:
        if s != d:
            ref.add_edge(s, d, weight=ref[s][d]["weight"] + x if ref.has_edge(s, d) else x)
    ours = {
        (s, d): w for s, d, w in zip(g.src.tolist(), g.dst.tolist(), g.weight.tolist(), strict=True)
    }
    assert ours == {tuple(sorted((s, d))): x for s, d, x in ref.edges(data="weight")}


def test_type_filter_and_time_window() -> None:
    actors = Actors.create(
        ["a", "b", "c", "d"], joined=[D(2020, 1, 1), None, D(2023, 6, 1), D(2030, 1, 1)]
    )
    ties = Ties.create(
        [0, 0, 1, 1],
        [1, 2, 2, 3],
        type=["funded", "collaborated", "collaborated", "collaborated"],
        start=[D(2021, 1, 1), None, D(2022, 1, 1), D(2022, 3, 1)],
        end=[D(2021, 12, 31), D(2022, 6, 30), None, D(2022, 3, 31)],
    )
    funded = build_graph(actors, ties, types=["funded"])
    assert funded.m == 1 and funded.types == ("funded",)
    # 2022-H2: tie 0-2 ended, tie 1-3 ended, tie 1-2 ongoing; d joins in 2030 -> left out,
    # c joined 2023 but has a kept tie -> kept
    g = build_graph(actors, ties, window=(D(2022, 7, 1), D(2022, 12, 31)))
    assert g.ids.tolist() == ["a", "b", "c"]
    assert list(zip(g.ids[g.src].tolist(), g.ids[g.dst].tolist(), strict=True)) == [("b", "c")]
    assert g.window == (D(2022, 7, 1), D(2022, 12, 31))
    # closed window boundaries: a tie ending on the window's first day is in it
    g = build_graph(actors, ties, window=(D(2022, 6, 30), None))
    assert ("a", "c") in set(zip(g.ids[g.src].tolist(), g.ids[g.dst].tolist(), strict=True))
    # actors joining after the window end are kept when one of their ties is in it
    g = build_graph(actors, ties, window=(None, D(2022, 3, 15)))
    assert "d" in g.ids.tolist()
    with pytest.raises(ValueError, match="window"):
        build_graph(actors, ties, window=(D(2023, 1, 1), D(2022, 1, 1)))


def _bipartite(member: list[int], group: list[int]) -> nx.Graph:
    b = nx.Graph()
    b.add_nodes_from({("m", x) for x in member}, bipartite=0)
    b.add_nodes_from({("g", x) for x in group}, bipartite=1)
    b.add_edges_from((("m", m), ("g", g)) for m, g in zip(member, group, strict=True))
    return b


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 4)), min_size=1, max_size=25))
def test_projection_weights_match_networkx(links: list[tuple[int, int]]) -> None:
    member, group = (list(x) for x in zip(*links, strict=True))
    b = _bipartite(member, group)
    people = [("m", x) for x in sorted(set(member))]
    actors = Actors.create(range(8))
    for method, ref_fn in (
        ("count", nx.bipartite.weighted_projected_graph),
        ("newman", nx.bipartite.collaboration_weighted_projected_graph),
    ):
        ties = project_two_mode(Affiliations.create(member, group), method=method)
        g = build_graph(actors, ties)
        ours = {
            (s, d): w
            for s, d, w in zip(g.src.tolist(), g.dst.tolist(), g.weight.tolist(), strict=True)
        }
        ref = {tuple(sorted((a[1], c[1]))): w for a, c, w in ref_fn(b, people).edges(data="weight")}
        assert ours.keys() == ref.keys()
        for k, w in ref.items():
            assert abs(ours[k] - w) < 1e-12


def test_projection_dates_ties_to_overlapping_memberships() -> None:
    aff = Affiliations.create(
        [0, 1, 2, 0],
        [9, 9, 9, 9],
        start=[D(2020, 1, 1), D(2021, 1, 1), D(2023, 1, 1), D(2024, 1, 1)],
        end=[D(2021, 6, 30), None, D(2023, 12, 31), None],
    )
    ties = project_two_mode(aff, tie_type="co_member")
    # 0's two memberships merge into their hull 2020-01-01 .. open
    got = {
        (int(s), int(d)): (str(a), str(b))
        for s, d, a, b in zip(ties.src, ties.dst, ties.start, ties.end, strict=True)
    }
    assert got == {
        (0, 1): ("2021-01-01", "NaT"),
        (0, 2): ("2023-01-01", "2023-12-31"),
        (1, 2): ("2023-01-01", "2023-12-31"),
    }
    assert set(ties.type.tolist()) == {"co_member"}
    with pytest.raises(ValueError, match="max_pairs"):
        project_two_mode(Affiliations.create(np.arange(100), np.zeros(100)), max_pairs=10)


def test_affiliations_from_person_organisation_ties() -> None:
    actors = Actors.create(
        ["p1", "p2", "o1", "p3"], kind=["person", "person", "organisation", "person"]
    )
    ties = Ties.create(
        [0, 2, 0, 3], [2, 1, 1, 2], type=["member_of", "member_of", "member_of", "funded"]
    )
    aff = affiliations_from_ties(actors, ties)
    assert sorted(zip(aff.member.tolist(), aff.group.tolist(), strict=True)) == [(0, 2), (1, 2)]
    g = build_graph(actors, project_two_mode(aff))
    assert list(zip(g.src.tolist(), g.dst.tolist(), strict=True)) == [(0, 1)]
