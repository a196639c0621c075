"""Gould–Fernandez brokerage roles: hand-worked triads and stars, and a brute-force check."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import Case, cases
from hypothesis import given, settings

from coalition.engines.network import ROLES, Actors, Ties, brokerage_roles, build_graph


def roles_of(sectors: list[str], arcs: list[tuple[int, int]], *, directed: bool) -> dict:
    actors = Actors.create(range(len(sectors)), sector=sectors)
    src, dst = zip(*arcs, strict=True) if arcs else ((), ())
    g = build_graph(actors, Ties.create(list(src), list(dst), type="x"), directed=directed)
    b = brokerage_roles(g)
    return {role: getattr(b, role) for role in ROLES}


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        (("x", "x", "x"), "coordinator"),
        (("x", "y", "y"), "gatekeeper"),
        (("x", "x", "y"), "representative"),
        (("x", "y", "x"), "consultant"),
        (("x", "y", "z"), "liaison"),
    ],
)
def test_each_directed_triad_gives_the_broker_one_role(groups: tuple[str, ...], role: str) -> None:
    # a → b → c with a not tied to c: b brokers once, in exactly one role
    r = roles_of(list(groups), [(0, 1), (1, 2)], directed=True)
    for name in ROLES:
        assert r[name].tolist() == [0.0, 1.0 if name == role else 0.0, 0.0]


def test_direct_tie_closes_the_triad_but_the_reverse_arc_does_not() -> None:
    closed = roles_of(["x", "y", "z"], [(0, 1), (1, 2), (0, 2)], directed=True)
    assert closed["liaison"][1] == 0.0
    reverse = roles_of(["x", "y", "z"], [(0, 1), (1, 2), (2, 0)], directed=True)
    assert reverse["liaison"][1] == 1.0  # a → c is still missing


def test_reciprocated_tie_is_not_a_path_to_oneself() -> None:
    r = roles_of(["x", "x"], [(0, 1), (1, 0)], directed=True)
    assert sum(r[name].sum() for name in ROLES) == 0.0


def test_undirected_star_worked_by_hand() -> None:
    """Broker b (government) with leaves a1, a2 (business), c1 (government), d1 (health).

    Each of the 6 open leaf pairs is read in both directions (12 paths):
    {a1,a2}: consultant ×2; {a1,c1}, {a2,c1}, {c1,d1}: gatekeeper + representative each;
    {a1,d1}, {a2,d1}: liaison ×2 each.
    """
    sectors = ["government", "business", "business", "government", "health"]
    star = [(0, 1), (0, 2), (0, 3), (0, 4)]
    r = roles_of(sectors, star, directed=False)
    expected = {
        "coordinator": 0,
        "consultant": 2,
        "gatekeeper": 3,
        "representative": 3,
        "liaison": 4,
    }
    assert {k: float(v[0]) for k, v in r.items()} == expected
    for name in ROLES:  # leaves broker nothing
        assert r[name][1:].tolist() == [0.0] * 4
    # tie a1–a2 closes their triad: the consultant paths disappear
    r = roles_of(sectors, [*star, (1, 2)], directed=False)
    assert r["consultant"][0] == 0.0 and r["liaison"][0] == 4.0


def test_unknown_sectors_are_left_out() -> None:
    r = roles_of(["", "x", "y"], [(0, 1), (1, 2)], directed=True)
    assert r["liaison"][1] == 0.0 and r["gatekeeper"][1] == 0.0
    r = roles_of(["x", "", "y"], [(0, 1), (1, 2)], directed=True)
    assert all(np.isnan(r[name][1]) for name in ROLES)


def _brute_force(case: Case) -> np.ndarray:
    g = case.graph()
    arcs = set(zip(g.src.tolist(), g.dst.tolist(), strict=True))
    if not g.directed:
        arcs |= {(d, s) for s, d in arcs}
    sec = g.sector.tolist()
    out = np.zeros((5, g.n))
    for a, b, c in itertools.permutations(range(g.n), 3):
        if (a, b) in arcs and (b, c) in arcs and (a, c) not in arcs and sec[a] and sec[c]:
            ga, gb, gc = sec[a], sec[b], sec[c]
            if ga == gb == gc:
                role = "coordinator"
            elif ga != gb == gc:
                role = "gatekeeper"
            elif ga == gb != gc:
                role = "representative"
            elif ga == gc != gb:
                role = "consultant"
            else:
                role = "liaison"
            out[ROLES.index(role), b] += 1
    out[:, [not s for s in sec]] = np.nan
    return out


@settings(max_examples=80, deadline=None)
@given(cases(max_n=12))
def test_matches_brute_force_enumeration_of_triads(case: Case) -> None:
    b = brokerage_roles(case.graph())
    ours = np.vstack([getattr(b, name) for name in ROLES])
    ref = _brute_force(case)
    assert np.array_equal(np.isnan(ours), np.isnan(ref))
    np.testing.assert_array_equal(np.nan_to_num(ours), np.nan_to_num(ref))
    total = b.total
    assert np.array_equal(np.isnan(total), np.isnan(ref[0]))
