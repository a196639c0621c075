"""analyze(): the whole pipeline on planted conversations, edge cases, determinism, routing."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from coalition.engines.common_ground import VoteMatrix, analyze, next_statement


def test_planted_conversation(planted: Callable) -> None:
    p = planted(n_groups=3, per_group=50)
    r = analyze(p.matrix, data_version="v7", attribution="CC BY 4.0, Someone")
    assert r.k == 3 and len(r.groups) == 3
    assert adjusted_rand_score(p.groups, r.labels) > 0.95
    assert sum(g.n_members for g in r.groups) == int((r.labels >= 0).sum())
    assert r.data_version == "v7" and r.attribution == "CC BY 4.0, Someone" and r.seed == 0
    for g in r.groups:
        assert g.representative and all(s.statement in p.divisive for s in g.representative)
    assert {c.statement for c in r.consensus_agree} == set(p.consensus.tolist())
    assert r.is_consensus_agree[p.consensus].all()
    # the statements all groups agree on have the highest group-informed consensus
    top = np.argsort(-r.group_informed_consensus)[:5]
    assert set(top.tolist()) == set(p.consensus.tolist())
    assert np.all((r.group_informed_consensus > 0) & (r.group_informed_consensus <= 1))


def test_same_seed_same_result(planted: Callable) -> None:
    p = planted(n_groups=2, per_group=40, seed=2)
    a, b = analyze(p.matrix, seed=11), analyze(p.matrix, seed=11)
    assert np.array_equal(a.labels, b.labels)
    assert np.array_equal(a.positions, b.positions)
    assert np.array_equal(a.priorities, b.priorities)
    assert a.groups == b.groups and a.silhouettes == b.silhouettes


def test_moderated_out_and_meta(planted: Callable) -> None:
    p = planted(n_groups=2, per_group=40)
    out = int(p.divisive[0])
    meta = int(p.consensus[0])
    r = analyze(p.matrix, moderated_out={out}, meta=[meta])
    chosen = {s.statement for g in r.groups for s in g.representative}
    chosen |= {c.statement for c in r.consensus_agree + r.consensus_disagree}
    assert out not in chosen and meta not in chosen
    assert r.excluded[out] and r.excluded[meta]
    assert np.allclose(r.projection.components[:, [out, meta]], 0.0)
    assert r.priorities[meta] == 49.0
    # routing never offers the moderated-out statement; meta statements stay eligible
    seen = {next_statement(r, p.matrix, p.matrix.n_participants, rng=s) for s in range(300)}
    assert out not in seen and meta in seen


def test_next_statement_for_a_participant(planted: Callable) -> None:
    p = planted(n_groups=2, per_group=20, vote_rate=0.5)
    r = analyze(p.matrix)
    voted = set(p.matrix.votes_of(3)[0].tolist())
    for seed in range(50):
        s = next_statement(r, p.matrix, 3, rng=seed)
        assert s is not None and s not in voted
    everything = VoteMatrix.from_votes([(0, s, 1) for s in range(4)])
    r2 = analyze(everything)
    assert next_statement(r2, everything, 0) is None
    assert next_statement(r2, everything, 0, eligible=[]) is None


def test_result_accessors(planted: Callable) -> None:
    p = planted(n_groups=2, per_group=30)
    r = analyze(p.matrix)
    i = int(np.flatnonzero(r.labels >= 0)[0])
    assert r.group_of(i) == r.labels[i]
    assert r.position_of(i) == (float(r.positions[i, 0]), float(r.positions[i, 1]))
    rep = r.repness(2, 1)
    assert rep.na == r.group_stats.na[1, 2] and rep.rat == r.group_stats.rat[1, 2]
    assert r.participant_ids == p.matrix.participant_ids
    assert (r.n_participants, r.n_statements) == (60, p.matrix.n_statements)


def test_tiny_and_empty_conversations() -> None:
    empty = analyze(VoteMatrix.from_votes([], n_participants=0, n_statements=0))
    assert empty.k == 0 and empty.groups == ()
    one = VoteMatrix.from_votes([(0, 0, 1)], n_participants=2, n_statements=2)
    r = analyze(one)
    assert r.k == 0 and r.group_of(0) is None and r.group_of(1) is None
    assert r.group_informed_consensus.tolist() == [1.0, 1.0]
    assert next_statement(r, one, 0) == 1
    # two voters who differ: Polis's rules give two one-member groups (silhouette 0)
    two = VoteMatrix.from_votes([(0, 0, 1), (1, 0, -1)], n_participants=3, n_statements=2)
    r = analyze(two)
    assert r.k == 2 and r.silhouettes == {2: 0.0} and r.group_of(2) is None
    assert sorted(r.group_informed_consensus.tolist()) == [2 / 3 * 1 / 3, 1 / 4]


@st.composite
def conversations(draw: st.DrawFn) -> VoteMatrix:
    n = draw(st.integers(0, 40))
    m = draw(st.integers(1, 8))
    seed = draw(st.integers(0, 1000))
    rate = draw(st.floats(0.05, 1.0))
    rng = np.random.default_rng(seed)
    cells = [
        (i, j, int(rng.integers(-1, 2))) for i in range(n) for j in range(m) if rng.random() < rate
    ]
    return VoteMatrix.from_votes(cells, n_participants=n, n_statements=m)


@settings(max_examples=40, deadline=None)
@given(conversations(), st.sets(st.integers(0, 7), max_size=3))
def test_invariants_on_any_conversation(matrix: VoteMatrix, out: set[int]) -> None:
    out = {s for s in out if s < matrix.n_statements}
    r = analyze(matrix, moderated_out=out)
    assert r.labels.shape == (matrix.n_participants,)
    assert set(np.unique(r.labels)) <= set(range(-1, r.k))
    assert len(r.groups) == r.k and r.group_stats.na.shape == (r.k, matrix.n_statements)
    assert sum(g.n_members for g in r.groups) == int((r.labels >= 0).sum())
    assert np.all(r.labels[~r.in_conv] == -1)
    assert np.isfinite(r.positions).all() and np.isfinite(r.priorities).all()
    assert np.all(r.priorities >= 0)
    assert np.all((r.group_informed_consensus > 0) & (r.group_informed_consensus <= 1))
    chosen = {s.statement for g in r.groups for s in g.representative}
    chosen |= {c.statement for c in r.consensus_agree + r.consensus_disagree}
    assert not chosen & out
