"""Snapshots by year and quarter, and what changed between them."""

from __future__ import annotations

import datetime as dt

import numpy as np

from coalition.engines.network import (
    Actors,
    Ties,
    build_graph,
    compare_snapshots,
    periods,
    snapshots,
)

D = dt.date


def test_periods_cover_years_and_quarters() -> None:
    assert periods(D(2023, 11, 5), D(2024, 2, 1), "year") == [
        ("2023", D(2023, 1, 1), D(2023, 12, 31)),
        ("2024", D(2024, 1, 1), D(2024, 12, 31)),
    ]
    q = periods(D(2023, 11, 5), D(2024, 4, 1), "quarter")
    assert [p[0] for p in q] == ["2023-Q4", "2024-Q1", "2024-Q2"]
    assert q[0][1:] == (D(2023, 10, 1), D(2023, 12, 31))
    assert q[1][2] == D(2024, 3, 31)


def _history():
    """2022: two sector clusters (business 0-4, health 5-9) joined through 0-5.
    2023: the clusters are tied densely; actor 7 becomes the hub; newcomers 10, 11 join."""
    sectors = ["business"] * 5 + ["health"] * 5 + ["government"] * 2
    joined = [D(2021, 1, 1)] * 10 + [D(2023, 11, 1), D(2023, 12, 20)]
    actors = Actors.create([f"a{i}" for i in range(12)], sector=sectors, joined=joined)
    src, dst, start, end = [], [], [], []

    def tie(a: int, b: int, s: dt.date, e: dt.date | None) -> None:
        src.append(a)
        dst.append(b)
        start.append(s)
        end.append(e)

    for c in (0, 5):
        for i in range(c, c + 5):
            for j in range(i + 1, c + 5):
                tie(i, j, D(2022, 1, 1), D(2022, 12, 31))
    tie(0, 5, D(2022, 3, 1), D(2022, 12, 31))
    for i in range(10):
        if i != 7:
            tie(7, i, D(2023, 1, 1), None)
    tie(10, 7, D(2023, 11, 15), None)
    return actors, Ties.create(src, dst, type="collaborated", start=start, end=end)


def test_snapshots_and_changes_between_them() -> None:
    actors, ties = _history()
    snaps = snapshots(actors, ties, freq="year", first=D(2022, 1, 1), last=D(2023, 12, 31))
    assert [s.label for s in snaps] == ["2022", "2023"]
    a, b = snaps[0].analysis, snaps[1].analysis
    assert a.network.n_edges == 21 and b.network.n_edges == 10
    assert a.network.n_communities >= 2
    # 2022 has two communities of five; in 2023 they merge around actor 7
    change = compare_snapshots(snaps[0], snaps[1], top_k=1)
    pr = next(c for c in change.centrality if c.metric == "pagerank")
    assert [r.id for r in pr.entered] == ["a7"]
    assert pr.entered[0].rank_after == 1
    kinds = {e.kind for e in change.communities}
    assert "merged" in kinds
    business_health = next(p for p in change.sectors if p.sectors == ("business", "health"))
    assert business_health.ties_before == 1 and business_health.ties_after == 5
    assert business_health.change is not None and business_health.change > 0
    assert change.sectors[0].sectors == ("business", "health")
    # newcomers of the 2023 snapshot: 10 (tied to 7) and 11 (not yet connected)
    ids = b.actors.id
    assert ids[b.network.newcomers].tolist() == ["a10", "a11"]
    assert ids[b.network.newcomers_unconnected].tolist() == ["a11"]
    assert change.to_dict()["centrality"][0]["metric"] == "pagerank"


def test_cumulative_snapshots_keep_ended_ties() -> None:
    actors, ties = _history()
    snaps = snapshots(actors, ties, freq="year", cumulative=True)
    assert [s.label for s in snaps] == ["2021", "2022", "2023"]
    # 7's new ties to 5, 6, 8, 9 repeat pairs of the 2022 health cluster: they merge
    assert snaps[-1].analysis.network.n_edges == 21 + 10 - 4
    assert snaps[-1].analysis.network.n_ties == 31
    active = snapshots(actors, ties, freq="quarter", first=D(2023, 1, 1), last=D(2023, 12, 31))
    assert len(active) == 4
    assert active[-1].analysis.network.n_edges == 10


def test_quarter_window_matches_build_graph() -> None:
    actors, ties = _history()
    snap = snapshots(actors, ties, freq="quarter", first=D(2022, 4, 1), last=D(2022, 6, 30))[0]
    g = build_graph(actors, ties, window=(D(2022, 4, 1), D(2022, 6, 30)))
    degree = np.bincount(np.concatenate([g.src, g.dst]), minlength=g.n)
    np.testing.assert_array_equal(snap.analysis.actors.degree, degree)
