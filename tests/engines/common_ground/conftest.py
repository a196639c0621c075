"""Fixtures for the common-ground engine: a planted conversation and the Brexit Polis export."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pytest

from coalition.engines.common_ground import VoteMatrix
from coalition.io.polis import PolisExport, read_polis_export
from tests.conftest import SHARED_DATA

BREXIT = SHARED_DATA / "polis" / "brexit-consensus"


@dataclass(frozen=True)
class Planted:
    """A synthetic conversation whose opinion groups and statements are known."""

    matrix: VoteMatrix
    groups: npt.NDArray[np.int64]
    divisive: npt.NDArray[np.int64]  # statements group g agrees with and the others reject
    consensus: npt.NDArray[np.int64]  # statements everyone agrees with


def make_planted(
    n_groups: int = 3,
    per_group: int = 40,
    n_statements: int = 30,
    vote_rate: float = 0.8,
    seed: int = 0,
) -> Planted:
    """Groups agree with "their" statements and disagree with the others' (prob. 0.9);
    the last 5 statements are agreed by everyone (prob. 0.9); the rest is noise."""
    rng = np.random.default_rng(seed)
    n = n_groups * per_group
    groups = np.repeat(np.arange(n_groups), per_group)
    owner = np.full(n_statements, -1)
    divisive = np.arange(n_groups * 5)
    owner[divisive] = divisive % n_groups
    consensus = np.arange(n_statements - 5, n_statements)
    votes = []
    for p in range(n):
        for s in range(n_statements):
            if rng.random() > vote_rate:
                continue
            if owner[s] >= 0:
                likely = 1 if owner[s] == groups[p] else -1
            elif s in consensus:
                likely = 1
            else:
                votes.append((p, s, int(rng.integers(-1, 2))))
                continue
            votes.append((p, s, likely if rng.random() < 0.9 else -likely))
    matrix = VoteMatrix.from_votes(votes, n_participants=n, n_statements=n_statements)
    return Planted(matrix, groups, divisive, consensus)


@pytest.fixture(scope="session")
def planted() -> Callable[..., Planted]:
    return make_planted


@dataclass(frozen=True)
class Brexit:
    export: PolisExport
    matrix: VoteMatrix
    polis_labels: npt.NDArray[np.int64]  # Polis's group-id per matrix row, -1 = none


@pytest.fixture(scope="session")
def brexit() -> Brexit:
    if not BREXIT.is_dir():
        pytest.skip(f"Polis Brexit export not found at {BREXIT} (../shared/data absent)")
    export = read_polis_export(BREXIT)
    pids = sorted(
        {v.participant_external_id for v in export.votes}
        | {p.external_id for p in export.participants or ()}
    )
    sids = sorted(s.external_id for s in export.statements)
    matrix = VoteMatrix.from_labelled(
        (
            (v.participant_external_id, v.statement_external_id, v.value, v.timestamp_ms)
            for v in export.votes
        ),
        participant_ids=pids,
        statement_ids=sids,
    )
    groups = export.groups()
    labels = np.array([-1 if groups.get(p) is None else groups[p] for p in pids])
    return Brexit(export, matrix, labels.astype(np.int64))
