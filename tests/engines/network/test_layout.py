"""The map's layout: finite, bounded, deterministic, isolates outside the drawing."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from coalition.engines.network import Actors, Ties, build_graph
from coalition.engines.network.layout import layout


@st.composite
def graphs(draw: st.DrawFn) -> tuple[int, list[tuple[int, int]]]:
    n = draw(st.integers(min_value=0, max_value=40))
    if n < 2:
        return n, []
    edges = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda e: e[0] != e[1]),
            max_size=80,
        )
    )
    return n, edges


def _graph(n: int, edges: list[tuple[int, int]]):  # type: ignore[no-untyped-def]
    actors = Actors.create(range(n))
    src = [a for a, _ in edges]
    dst = [b for _, b in edges]
    return build_graph(actors, Ties.create(src, dst, n_actors=n))


@settings(max_examples=40, deadline=None)
@given(graphs(), st.integers(0, 2**31 - 1))
def test_positions_are_finite_bounded_and_repeatable(case, seed) -> None:  # type: ignore[no-untyped-def]
    n, edges = case
    g = _graph(n, edges)
    pos = layout(g, seed=seed)
    assert pos.shape == (n, 2)
    assert np.isfinite(pos).all()
    if n:
        assert np.abs(pos).max() <= 1.0 + 1e-9
    assert np.array_equal(pos, layout(g, seed=seed))


def test_isolates_ring_the_linked_actors() -> None:
    g = _graph(8, [(0, 1), (1, 2), (2, 0), (3, 4)])  # 5, 6, 7 are isolated
    pos = layout(g, seed=3)
    radius = np.hypot(pos[:, 0], pos[:, 1])
    assert radius[[5, 6, 7]].min() > radius[:5].max()
    assert np.allclose(radius[[5, 6, 7]], radius[5])


def test_tied_actors_sit_closer_than_untied_ones() -> None:
    # two dense groups joined by one tie: members of a group are nearer each other
    a = [(i, j) for i in range(6) for j in range(i + 1, 6)]
    b = [(i, j) for i in range(6, 12) for j in range(i + 1, 12)]
    g = _graph(12, [*a, *b, (0, 6)])
    pos = layout(g, seed=1)
    d = np.linalg.norm(pos[:, None, :] - pos[None, :, :], axis=2)
    within = (d[:6, :6].sum() + d[6:, 6:].sum()) / (2 * 30)
    across = d[:6, 6:].mean()
    assert within < across
