"""Against Polis's own results on the public Brexit conversation (../shared/data/polis).

Skipped, with the reason, when ../shared/data is absent.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from sklearn.metrics import adjusted_rand_score

from coalition.engines.common_ground import (
    GroundResult,
    analyze,
    group_informed_consensus,
    replay,
)

# Issue 5 asks for ARI >= 0.90 against Polis's group-id. Polis's groups come out of its
# incremental history: one warm-started update per second of votes (engines/common_ground/
# incremental.py). Replaying the vote log that way reproduces them (measured 0.918); a
# from-scratch analysis of the final votes settles in another k-means optimum (0.876), which
# the guard below keeps from regressing.
ARI_FLOOR = 0.90
ARI_FROM_SCRATCH = 0.85


def test_matrix_keeps_the_last_vote_as_polis_does(brexit) -> None:  # type: ignore[no-untyped-def]
    m = brexit.matrix
    dense = m.to_dense()
    row = {pid: i for i, pid in enumerate(m.participant_ids)}
    col = {sid: j for j, sid in enumerate(m.statement_ids)}
    cells = 0
    for p in brexit.export.participants:
        for sid, value in p.votes:
            assert dense[row[p.external_id], col[sid]] == value
            cells += 1
        assert p.n_votes == len(p.votes)
    assert cells == m.nnz == 5303  # 5,312 votes cast, 9 re-votes


def test_group_informed_consensus_from_polis_groups_is_the_formula(brexit) -> None:  # type: ignore[no-untyped-def]
    export = brexit.export
    group_of = export.groups()
    last: dict[tuple[int, int], tuple[int, int]] = {}
    for v in export.votes:  # last vote per (participant, comment) by timestamp, then order
        key = (v.participant_external_id, v.statement_external_id)
        if key not in last or v.timestamp_ms >= last[key][0]:
            last[key] = (v.timestamp_ms, v.value)
    group_ids = sorted({g for g in group_of.values() if g is not None})
    agree = {(g, s.external_id): 0 for g in group_ids for s in export.statements}
    seen = dict(agree)
    for (pid, sid), (_, value) in last.items():
        g = group_of.get(pid)
        if g is None:
            continue
        seen[(g, sid)] += 1
        agree[(g, sid)] += value == 1

    got = group_informed_consensus(brexit.matrix, brexit.polis_labels)
    for j, sid in enumerate(brexit.matrix.statement_ids):
        product = 1.0
        exact = Fraction(1)
        for g in group_ids:
            product *= (agree[(g, sid)] + 1.0) / (seen[(g, sid)] + 2.0)
            exact *= Fraction(agree[(g, sid)] + 1, seen[(g, sid)] + 2)
        assert got[j] == product  # the same float operations: bit-for-bit
        assert got[j] == pytest.approx(float(exact), rel=1e-15)


@pytest.fixture(scope="module")
def replayed(brexit) -> GroundResult:  # type: ignore[no-untyped-def]
    """Polis's updates replayed from votes.csv, in 1 s batches (its poll interval)."""
    m = brexit.matrix
    row = {pid: i for i, pid in enumerate(m.participant_ids)}
    col = {sid: j for j, sid in enumerate(m.statement_ids)}
    votes = brexit.export.votes
    return replay(
        [row[v.participant_external_id] for v in votes],
        [col[v.statement_external_id] for v in votes],
        [v.value for v in votes],
        [v.timestamp_ms for v in votes],
        n_participants=m.n_participants,
        n_statements=m.n_statements,
        participant_ids=m.participant_ids,
        statement_ids=m.statement_ids,
    )


def test_default_run_chooses_polis_number_of_groups(brexit, replayed) -> None:  # type: ignore[no-untyped-def]
    summary = dict(row[:2] for row in brexit.export.summary)
    polis_k = int(summary["groups"])
    assert polis_k == len(set(brexit.polis_labels[brexit.polis_labels >= 0].tolist())) == 2
    assert replayed.k == polis_k
    assert analyze(brexit.matrix).k == polis_k


def _ari(brexit, result) -> float:  # type: ignore[no-untyped-def]
    both = (result.labels >= 0) & (brexit.polis_labels >= 0)
    assert both.sum() >= 180  # nearly all of Polis's 197 clustered participants are compared
    return float(adjusted_rand_score(brexit.polis_labels[both], result.labels[both]))


def test_replayed_groups_agree_with_polis_at_issue_floor(brexit, replayed) -> None:  # type: ignore[no-untyped-def]
    assert replayed.history is not None and replayed.history.updates == 4836
    assert _ari(brexit, replayed) >= ARI_FLOOR
    # the replayed result is a full analysis of the final votes
    assert replayed.labels.shape == (brexit.matrix.n_participants,)
    assert all(g.representative for g in replayed.groups)


def test_groups_from_scratch_agree_with_polis(brexit) -> None:  # type: ignore[no-untyped-def]
    assert _ari(brexit, analyze(brexit.matrix)) >= ARI_FROM_SCRATCH
