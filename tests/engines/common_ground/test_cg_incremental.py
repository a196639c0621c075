"""Polis's incremental updates: warm-started k-means, power-iteration PCA, k smoothing, replay."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score, silhouette_score

from coalition.engines.common_ground import VoteMatrix, analyze, pca_project, replay
from coalition.engines.common_ground.incremental import (
    History,
    KMeansClusters,
    polis_kmeans,
    polis_silhouette,
    polis_update,
    replay_history,
    update_batches,
)
from coalition.engines.common_ground.projection import _power_closed_form, _power_loop
from coalition.engines.common_ground.stream import replay_stream

# -- k-means ---------------------------------------------------------------------------------


def test_first_update_starts_from_the_first_distinct_points() -> None:
    # init-clusters: centres are the first k distinct points, in order, ids 0..k-1
    pts = np.array([[0.0, 0.0], [0.0, 0.0], [10.0, 0.0], [0.1, 0.0], [10.1, 0.0], [5.0, 9.0]])
    clusters, centers, assign = polis_kmeans(pts, np.arange(6), 2, max_iters=0)
    # one Lloyd step from centres (0,0) and (10,0); (5,9) is as far from both: a tie goes to
    # the first centre
    assert clusters.members.tolist() == list(range(6))
    assert assign.tolist() == [0, 0, 1, 0, 1, 0]
    assert np.allclose(centers[1], [10.05, 0.0])
    assert clusters.ids.tolist() == [0, 0, 1, 0, 1, 0]


def test_warm_start_keeps_ids_and_members() -> None:
    rng = np.random.default_rng(0)
    pts = np.vstack([rng.normal(0, 0.1, (20, 2)), rng.normal(5, 0.1, (20, 2))])
    names = np.arange(100, 140)
    previous = KMeansClusters(members=names.copy(), ids=np.repeat([7, 3], 20))
    clusters, centers, assign = polis_kmeans(pts, names, 2, previous=previous)
    assert clusters.ids.tolist() == [7] * 20 + [3] * 20
    assert np.allclose(centers[0], pts[20:].mean(axis=0))  # rows in ascending id order: 3, 7
    assert assign.tolist() == [1] * 20 + [0] * 20


def test_clean_start_adds_the_most_distal_point_as_a_new_cluster() -> None:
    # previous: one cluster of two points; a newcomer far away becomes cluster max id + 1
    pts = np.array([[0.0, 0.0], [1.0, 0.0], [9.0, 9.0], [0.5, 0.2]])
    previous = KMeansClusters(members=np.array([0, 1]), ids=np.array([4, 4]))
    clusters, centers, _ = polis_kmeans(pts, np.arange(4), 2, previous=previous)
    assert sorted(set(clusters.ids.tolist())) == [4, 5]
    assert clusters.ids.tolist() == [4, 4, 5, 4]
    assert np.allclose(centers[1], [9.0, 9.0])


def test_clusters_of_departed_members_are_dropped() -> None:
    pts = np.array([[0.0, 0.0], [0.2, 0.0], [5.0, 5.0]])
    # previous members 50 and 51 are gone: every cluster is empty, so one big cluster with a
    # fresh id, then the most distal point starts the second
    previous = KMeansClusters(members=np.array([50, 51]), ids=np.array([2, 8]))
    clusters, _, _ = polis_kmeans(pts, np.arange(3), 2, previous=previous)
    assert clusters.ids.tolist() == [9, 9, 10]


def test_clusters_with_identical_centres_are_merged() -> None:
    pts = np.array([[1.0, 1.0], [1.0, 1.0], [4.0, 0.0], [4.0, 0.1]])
    previous = KMeansClusters(members=np.arange(4), ids=np.array([0, 1, 2, 2]))
    clusters, _, _ = polis_kmeans(pts, np.arange(4), 2, previous=previous)
    # clusters 0 and 1 sit on the same point: merged (the later id on equal size)
    assert clusters.ids.tolist() == [1, 1, 2, 2]


@st.composite
def warm_start_cases(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int, KMeansClusters]:
    n = draw(st.integers(1, 40))
    seed = draw(st.integers(0, 10_000))
    rng = np.random.default_rng(seed)
    pts = np.round(rng.normal(0, 2, (n, 2)), draw(st.integers(0, 3)))  # rounding: duplicates
    names = rng.permutation(200)[:n]
    k = draw(st.integers(1, 8))
    m = draw(st.integers(0, 40))
    previous = KMeansClusters(
        members=rng.permutation(200)[:m].astype(np.int64),
        ids=rng.integers(0, 6, m).astype(np.int64),
    )
    return pts, names.astype(np.int64), k, previous


@settings(max_examples=150, deadline=None)
@given(warm_start_cases(), st.booleans())
def test_kmeans_invariants(case: tuple, weighted: bool) -> None:  # type: ignore[type-arg]
    pts, names, k, previous = case
    weights = np.arange(1, len(pts) + 1, dtype=float) if weighted else None
    clusters, centers, assign = polis_kmeans(pts, names, k, previous=previous, weights=weights)
    ids = np.unique(clusters.ids)
    assert clusters.members.tolist() == names.tolist()
    assert np.array_equal(ids[assign], clusters.ids)
    assert centers.shape == (ids.size, 2) and np.isfinite(centers).all()
    # no empty cluster, and each centre is the (weighted) mean of its members
    w = np.ones(len(pts)) if weights is None else weights
    for c in range(ids.size):
        inside = assign == c
        assert inside.any()
        assert np.allclose(centers[c], np.average(pts[inside], axis=0, weights=w[inside]))
    previous_present = np.unique(previous.ids[np.isin(previous.members, names)]).size
    assert ids.size <= max(k, previous_present, 1)
    assert ids.size <= np.unique(pts, axis=0).shape[0]
    if not previous_present:  # a fresh start: first distinct points, or one big cluster split
        assert 1 <= ids.size <= min(max(k, 1), np.unique(pts, axis=0).shape[0])


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10_000), st.integers(3, 40), st.integers(2, 5))
def test_silhouette_is_sklearns(seed: int, n: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    pts = rng.normal(0, 1, (n, 2))
    assign = rng.integers(0, k, n)
    _, assign = np.unique(assign, return_inverse=True)
    if assign.max() < 1 or assign.max() + 1 >= n:
        return
    assert polis_silhouette(pts, assign) == pytest.approx(silhouette_score(pts, assign))


# -- PCA by power iteration ------------------------------------------------------------------


def test_power_iteration_closed_form_equals_the_loop() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(0, 1, (60, 12)) * np.linspace(3, 0.5, 12)
    start = rng.random(12)
    loop_v, loop_l = _power_loop(sp.csr_matrix(x), sp.csr_matrix(x.T), [], start, 100)
    closed_v, closed_l = _power_closed_form(x.T @ x, start, 100)
    assert np.allclose(loop_v, closed_v, atol=1e-9)
    assert loop_l == pytest.approx(closed_l, rel=1e-12)
    # few iterations: not converged, and the closed form follows the loop step by step
    loop_v, _ = _power_loop(sp.csr_matrix(x), sp.csr_matrix(x.T), [], start, 2)
    closed_v, _ = _power_closed_form(x.T @ x, start, 2)
    assert np.allclose(loop_v, closed_v, atol=1e-12)


def test_power_solver_finds_the_principal_components(planted: Callable) -> None:
    p = planted(n_groups=3, per_group=40)
    exact = pca_project(p.matrix, svd_solver="arpack")
    power = pca_project(p.matrix, svd_solver="power", seed=5)
    for c in range(2):
        assert abs(exact.components[c] @ power.components[c]) == pytest.approx(1.0, abs=1e-6)
    # warm-started, the signs follow the start vectors
    flipped = pca_project(p.matrix, svd_solver="power", start_components=-power.components)
    assert np.allclose(flipped.components, -power.components, atol=1e-9)


# -- updates ---------------------------------------------------------------------------------


def test_in_conv_is_sticky_across_updates() -> None:
    # participant 0 voted on the only 3 statements there were: in (min(7, 3) = 3 votes)
    early = [(0, s, 1, 1) for s in range(3)] + [
        (p, s, -1, 2) for p in range(1, 20) for s in range(3)
    ]
    later = early + [(p, s, (p % 2) * 2 - 1, 3) for p in range(1, 20) for s in range(3, 12)]
    shape = {"n_participants": 20, "n_statements": 12}
    first = analyze(VoteMatrix.from_votes(early, **shape))
    assert first.in_conv[0]
    m = VoteMatrix.from_votes(later, **shape)
    assert not analyze(m).in_conv[0]  # from scratch: 3 votes of 12 statements is too few
    assert analyze(m, history=first.history).in_conv[0]
    # the conversation grew: new participants and statements come after the old ones
    grown = later + [(20, s, 1, 4) for s in range(14)] + [(p, 12, 1, 4) for p in range(1, 9)]
    g = analyze(VoteMatrix.from_votes(grown), history=first.history)
    assert g.in_conv[0] and g.in_conv[20] and g.n_statements == 14


def test_k_changes_only_after_winning_four_updates(planted: Callable) -> None:
    p = planted(n_groups=3, per_group=50)
    start = analyze(p.matrix)
    assert start.k == 3 and start.history is not None
    # pretend the groups were 2 until now: 3 must win 4 updates in a row to take over
    history = dataclasses.replace(start.history, last_k=2, last_k_count=9, smoothed_k=2)
    ks = []
    for _ in range(5):
        r = analyze(p.matrix, history=history)
        assert r.history is not None
        history = r.history
        ks.append(r.k)
    assert ks == [2, 2, 2, 3, 3]
    assert adjusted_rand_score(p.groups, r.labels) > 0.95


def test_update_batches() -> None:
    assert update_batches([]).tolist() == []
    assert update_batches([5, 5, 5]).tolist() == [3]
    assert update_batches([0, 999, 1000, 1999, 2000, 9000], 1000).tolist() == [2, 4, 5, 6]


def _log(planted_matrix: VoteMatrix, seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    rows, cols, vals = planted_matrix.rows, planted_matrix.indices, planted_matrix.values
    # participants arrive one after another, each voting over three seconds
    t = rows * 5_000 + rng.integers(0, 3_000, rows.size)
    return rows, cols, vals, t


def test_replay_recovers_planted_groups(planted: Callable) -> None:
    p = planted(n_groups=3, per_group=40)
    rows, cols, vals, t = _log(p.matrix, 0)
    shape = {"n_participants": p.matrix.n_participants, "n_statements": p.matrix.n_statements}
    r = replay(rows, cols, vals, t, **shape, data_version="log")
    assert r.k == 3 and adjusted_rand_score(p.groups, r.labels) > 0.95
    assert r.data_version == "log" and r.history is not None
    assert r.history.updates == update_batches(np.sort(t)).size
    again = replay(rows, cols, vals, t, **shape)
    assert np.array_equal(again.labels, r.labels) and np.array_equal(again.positions, r.positions)
    # the fast replay without the last batch, then analyze(history=...), is the same thing
    history, n_updates = replay_stream(rows, cols, vals, t, **shape)
    assert history is not None and history.updates == n_updates - 1
    final = VoteMatrix.from_arrays(rows, cols, vals, t, **shape)
    assert np.array_equal(analyze(final, history=history).labels, r.labels)
    # and the rebuild-everything replay finds the same groups (numbered maybe otherwise: its
    # map may be mirrored, and equal-sized groups are numbered by their centre's x)
    history, _ = replay_history(rows, cols, vals, t, **shape)
    assert adjusted_rand_score(analyze(final, history=history).labels, r.labels) == 1.0
    with pytest.raises(TypeError):
        replay(rows, cols, vals, t, **shape, no_such_option=1)


@st.composite
def vote_logs(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    n = draw(st.integers(0, 30))
    m = draw(st.integers(1, 8))
    rng = np.random.default_rng(draw(st.integers(0, 10_000)))
    v = draw(st.integers(0, 150)) if n else 0
    rows = rng.integers(0, max(n, 1), v)
    cols = rng.integers(0, m, v)
    vals = rng.integers(-1, 2, v)
    t = np.sort(rng.integers(0, draw(st.integers(1, 60_000)), v))
    return rows, cols, vals, t, np.array([n, m])


@settings(max_examples=40, deadline=None)
@given(vote_logs(), st.sets(st.integers(0, 7), max_size=2))
def test_replay_invariants(log: tuple[np.ndarray, ...], out: set[int]) -> None:
    rows, cols, vals, t, (n, m) = log
    out = {s for s in out if s < m}
    r = replay(rows, cols, vals, t, n_participants=int(n), n_statements=int(m), moderated_out=out)
    assert r.labels.shape == (n,)
    assert set(np.unique(r.labels)) <= set(range(-1, r.k))
    assert len(r.groups) == r.k and sum(g.n_members for g in r.groups) == int((r.labels >= 0).sum())
    assert np.all(r.labels[~r.in_conv] == -1)
    assert np.isfinite(r.positions).all() and np.isfinite(r.priorities).all()
    assert np.all((r.group_informed_consensus > 0) & (r.group_informed_consensus <= 1))
    assert r.history is not None and r.history.updates == max(update_batches(t).size, 1)
    # the history's base clusters cover exactly the clustered participants
    assert sorted(r.history.base.members.tolist()) == np.flatnonzero(r.in_conv).tolist()
    chosen = {s.statement for g in r.groups for s in g.representative}
    chosen |= {c.statement for c in r.consensus_agree + r.consensus_disagree}
    assert not chosen & out


def test_update_from_nothing_and_from_a_static_analysis(planted: Callable) -> None:
    p = planted(n_groups=2, per_group=30)
    first = polis_update(p.matrix, None)
    assert first.history.updates == 1 and first.clustering.k == 2
    assert adjusted_rand_score(p.groups, first.clustering.labels) > 0.95
    static = analyze(p.matrix)
    assert static.history is not None
    warm = analyze(p.matrix, history=static.history)
    assert adjusted_rand_score(static.labels, warm.labels) == 1.0
    assert warm.history is not None and warm.history.updates == 2


# -- storing a history -----------------------------------------------------------------------


@st.composite
def kmeans_states(draw: st.DrawFn, n_names: int) -> KMeansClusters:
    members = draw(st.lists(st.integers(0, max(n_names - 1, 0)), unique=True, max_size=n_names))
    ids = draw(st.lists(st.integers(0, 10**6), min_size=len(members), max_size=len(members)))
    return KMeansClusters(np.array(members, dtype=np.int64), np.array(ids, dtype=np.int64))


@st.composite
def histories(draw: st.DrawFn) -> History:
    n_p = draw(st.integers(0, 40))
    n_s = draw(st.integers(0, 12))
    finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
    components = np.array(
        draw(st.lists(finite, min_size=2 * n_s, max_size=2 * n_s)), dtype=np.float64
    ).reshape(2, n_s)
    groupings = draw(st.dictionaries(st.integers(2, 5), kmeans_states(100), max_size=4))
    count = st.integers(0, 2**40)
    return History(
        in_conv=np.array(draw(st.lists(st.booleans(), min_size=n_p, max_size=n_p)), dtype=bool),
        components=components,
        columns=np.array(draw(st.lists(st.booleans(), min_size=n_s, max_size=n_s)), dtype=bool),
        base=draw(kmeans_states(n_p)),
        groupings=groupings,
        last_k=draw(count),
        last_k_count=draw(count),
        smoothed_k=draw(count),
        updates=draw(count),
    )


def _assert_same(a: History, b: History) -> None:
    for name in ("in_conv", "components", "columns"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and x.shape == y.shape and np.array_equal(x, y), name
        if name == "components":  # bit for bit, signed zeros included
            assert x.tobytes() == y.tobytes()
    pairs = [(a.base, b.base)] + [(a.groupings[k], b.groupings[k]) for k in a.groupings]
    assert sorted(a.groupings) == sorted(b.groupings)
    for x, y in pairs:
        assert x.members.dtype == y.members.dtype == np.int64
        assert x.ids.dtype == y.ids.dtype == np.int64
        assert x.members.tolist() == y.members.tolist() and x.ids.tolist() == y.ids.tolist()
    for name in ("last_k", "last_k_count", "smoothed_k", "updates"):
        assert getattr(a, name) == getattr(b, name), name


@settings(max_examples=200, deadline=None)
@given(histories())
def test_history_round_trips_through_json(history: History) -> None:
    text = json.dumps(history.to_dict(), allow_nan=False)
    back = History.from_dict(json.loads(text))
    _assert_same(history, back)
    assert back.n_participants == history.in_conv.size
    assert back.n_statements == history.components.shape[1]
    assert json.dumps(back.to_dict(), allow_nan=False) == text


def test_a_stored_history_continues_exactly_as_the_live_one(planted: Callable) -> None:
    p = planted(n_groups=3, per_group=30)
    rows, cols, vals, t = _log(p.matrix, 1)
    shape = {"n_participants": p.matrix.n_participants, "n_statements": p.matrix.n_statements}
    r = replay(rows, cols, vals, t, **shape)
    assert r.history is not None and r.history.groupings
    stored = History.from_dict(json.loads(json.dumps(r.history.to_dict())))
    _assert_same(r.history, stored)
    live = analyze(p.matrix, history=r.history)
    again = analyze(p.matrix, history=stored)
    assert np.array_equal(live.labels, again.labels)
    assert np.array_equal(live.positions, again.positions)
    assert live.history is not None and again.history is not None
    assert live.history.to_dict() == again.history.to_dict()


def test_history_of_a_from_scratch_analysis_and_of_nothing_round_trip() -> None:
    empty = analyze(VoteMatrix.from_votes([], n_participants=0, n_statements=0))
    assert empty.history is not None
    _assert_same(empty.history, History.from_dict(json.loads(json.dumps(empty.history.to_dict()))))
    votes = [(p, s, 1 if (p < 10) == (s < 5) else -1) for p in range(20) for s in range(10)]
    static = analyze(VoteMatrix.from_votes(votes))
    assert static.history is not None
    _assert_same(static.history, History.from_dict(static.history.to_dict()))


def test_non_finite_components_are_not_stored() -> None:
    h = History(
        in_conv=np.zeros(1, dtype=bool),
        components=np.array([[np.nan], [0.0]]),
        columns=np.ones(1, dtype=bool),
        base=KMeansClusters.empty(),
    )
    with pytest.raises(ValueError, match="non-finite"):
        h.to_dict()


def _valid() -> dict[str, Any]:
    votes = [(p, s, 1 if (p < 10) == (s < 5) else -1) for p in range(20) for s in range(10)]
    r = analyze(VoteMatrix.from_votes(votes))
    assert r.history is not None
    return r.history.to_dict()


@pytest.mark.parametrize(
    "spoil",
    [
        lambda d: d.update(format=2),
        lambda d: d.pop("updates"),
        lambda d: d.update(n_statements=11),  # components are 2 x 10
        lambda d: d.update(in_conv=[0, 20]),  # index out of range
        lambda d: d.update(columns=[0.5]),
        lambda d: d.update(components=[[0.0] * 10, [None] * 10]),
        lambda d: d.update(components=[[0.0] * 10, [float("nan")] * 10]),
        lambda d: d.update(components=[[0.0] * 10, [0.0] * 9]),
        lambda d: d.update(last_k=-1),
        lambda d: d.update(smoothed_k=True),
        lambda d: d["base"].update(ids=d["base"]["ids"][:-1]),
        lambda d: d["base"].update(members=[25] * len(d["base"]["members"])),
        lambda d: d["base"].update(members=[2**70] + d["base"]["members"][1:]),
        lambda d: d.update(groupings={"two": d["groupings"]["2"]}),
        lambda d: d.update(groupings=[]),
    ],
)
def test_malformed_histories_are_refused(spoil: Callable[[dict[str, Any]], object]) -> None:
    data = _valid()
    History.from_dict(data)  # the unspoilt one reads
    spoil(data)
    with pytest.raises(ValueError):
        History.from_dict(data)
    with pytest.raises(ValueError):
        History.from_dict([])  # type: ignore[arg-type]
