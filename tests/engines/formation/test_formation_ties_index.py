"""TieGraph hop distances (NetworkX as the oracle) and the capability index (a scan as oracle)."""

from __future__ import annotations

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from coalition.engines.formation import Candidate, CandidateIndex, Constraints, RoleSpec, TieGraph
from coalition.engines.formation.candidates import prune
from coalition.engines.formation.ties import pool_closeness

edges_st = st.lists(st.tuples(st.integers(0, 25), st.integers(0, 25)), max_size=60)


@settings(max_examples=80, deadline=None)
@given(edges_st, st.lists(st.integers(0, 30), min_size=1, max_size=12, unique=True))
def test_hops_match_networkx(edges: list[tuple[int, int]], pool: list[int]) -> None:
    ties = TieGraph([a for a, _ in edges], [b for _, b in edges])
    hops = ties.hops(pool, 3)
    g = nx.Graph()
    g.add_edges_from((a, b) for a, b in edges if a != b)
    for i, a in enumerate(pool):
        dist = nx.single_source_shortest_path_length(g, a, cutoff=3) if a in g else {a: 0}
        for j, b in enumerate(pool):
            assert hops[i, j] == dist.get(b, 4)
    clos = pool_closeness(ties, pool)
    assert np.allclose(clos, clos.T)
    assert np.all(np.diag(clos) == 0)
    assert set(np.unique(clos)) <= {0.0, 0.25, 0.5, 1.0}


def test_direct_ties_keep_the_earliest_known_year() -> None:
    ties = TieGraph([1, 2, 1, 3], [2, 1, 3, 1], [2020, 2017, 0, 2022])
    tied, years = ties.direct([1, 2, 3, 4])
    assert tied[0, 1] and tied[1, 0] and tied[0, 2] and not tied[1, 2] and not tied[0, 3]
    assert years[0, 1] == 2017
    assert years[0, 2] == 2022  # an unknown year does not hide a known one
    assert ties.n_ties == 2


def test_closeness_from_a_mapping_is_symmetric_and_clipped() -> None:
    clos = pool_closeness({(1, 2): 3.0, (3, 2): float("nan")}, [1, 2, 3])
    assert clos[0, 1] == clos[1, 0] == 1.0
    assert clos[1, 2] == 0.0
    assert pool_closeness(None, [1, 2]).sum() == 0


candidate_st = st.builds(
    lambda i, caps, cap, langs: Candidate(i, f"P{i}", caps, float(cap), languages=frozenset(langs)),
    st.integers(-(2**63), 2**63 - 1),
    st.dictionaries(st.sampled_from("abcd"), st.integers(1, 5), max_size=4),
    st.sampled_from([0, 4, 8, 20]),
    st.sets(st.sampled_from(["en", "FR", "es"]), max_size=2),
)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(candidate_st, max_size=30, unique_by=lambda c: c.actor_id),
    st.dictionaries(st.sampled_from("abcd"), st.integers(1, 5), max_size=3),
    st.sampled_from([2.0, 8.0]),
    st.sets(st.sampled_from(["en", "fr"]), max_size=1),
    st.data(),
)
def test_retrieval_matches_a_full_scan(
    cands: list[Candidate], req: dict, hours: float, langs: set, data: st.DataObject
) -> None:
    index = CandidateIndex(cands, vocabulary="abcd")
    ids = [c.actor_id for c in cands]
    excluded = (
        frozenset(data.draw(st.sets(st.sampled_from(ids), max_size=3))) if ids else frozenset()
    )
    role = RoleSpec("r", requirements=req, hours_per_week=hours, languages=frozenset(langs))
    rows = index.eligible(role, index.blocked(Constraints(excluded=excluded)))
    got = sorted(int(index.actor_ids[r]) for r in rows)
    want = sorted(
        c.actor_id
        for c in cands
        if all(c.capabilities.get(t, 0) >= lv for t, lv in req.items())
        and c.capacity_left_hours >= hours
        and {x.lower() for x in langs} <= {x.lower() for x in c.languages}
        and c.actor_id not in excluded
    )
    assert got == want


def test_competing_organisations_block_their_affiliates() -> None:
    cands = [Candidate(1, organisations=(50, 60)), Candidate(2, organisations=(70,)), Candidate(60)]
    index = CandidateIndex(cands)
    blocked = index.blocked(Constraints(competing_orgs=frozenset({60})))
    assert blocked.tolist() == [True, False, True]


def test_prune_keeps_the_best_each_group_and_the_locked() -> None:
    rows = np.arange(10, dtype=np.int64)
    score = np.arange(10, dtype=np.float64)  # row 9 best
    group = np.zeros(10, dtype=bool)
    group[[0, 1]] = True
    must = np.zeros(10, dtype=bool)
    must[4] = True
    kept = prune(rows, score, 3, {"g": group}, per_group=1, must=must)
    assert kept.tolist() == [1, 4, 7, 8, 9]


def test_shared_purpose_prefers_phrases_and_never_bridges_them() -> None:
    cands = [
        Candidate(1, purpose_text="Climate adaptation and affordable housing"),
        Candidate(2, purpose_text="Adaptation of housing stock"),
        Candidate(3, purpose_text="Nothing in common here"),
    ]
    index = CandidateIndex(cands)
    query = index.query_vector("affordable housing, climate adaptation")
    assert set(index.shared_purpose_terms(0, query)) == {"affordable housing", "climate adaptation"}
    sims = index.purpose_similarity(np.array([0, 1, 2]), query)
    assert sims[0] > sims[1] > sims[2] == 0.0
    assert index.query_vector("the and of") is None
