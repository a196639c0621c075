"""The database itself refuses an over-committed capacity ledger."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coalition.store.tables import Actor, Network


def test_check_constraint_refuses_overcommit(db: Session) -> None:
    network = Network(slug="n1", name="N1")
    db.add(network)
    db.flush()
    actor = Actor(
        network_id=network.id,
        kind="person",
        name="A",
        sector="independent",
        capacity_hours=10,
        committed_hours=0,
    )
    db.add(actor)
    db.flush()
    actor.committed_hours = 12
    with pytest.raises(IntegrityError):
        db.flush()
