"""Read scoping: every kind of row has one ``readable_<things>`` clause in services/access.py,
and ``load_readable`` answers a hidden row exactly like a missing one (existence not leaked)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.errors import NotFound
from coalition.schemas.directory import NetworkIn
from coalition.schemas.initiatives import InitiativeIn
from coalition.services import access, initiatives, networks
from coalition.services.access import Caller, load_readable
from coalition.store.tables import Initiative


def _initiative(db: Session) -> tuple[int, int]:
    network = networks.create_network(db, Caller.operator(), NetworkIn(slug="net", name="Net"))
    made = initiatives.create_initiative(
        db, Caller.operator(), network, InitiativeIn(kind="project", title="Garden")
    )
    return network.id, made.id


def test_load_readable_gives_the_row_to_a_member_and_one_404_to_everyone_else(
    db: Session,
) -> None:
    network_id, initiative_id = _initiative(db)
    member = Caller(account_id=1, roles={network_id: "member"})
    assert load_readable(db, member, Initiative, initiative_id).title == "Garden"
    with pytest.raises(NotFound) as hidden:
        load_readable(db, Caller(account_id=2, roles={}), Initiative, initiative_id)
    with pytest.raises(NotFound) as missing:
        load_readable(db, member, Initiative, initiative_id + 1000)
    assert hidden.value.message == f"no initiative {initiative_id}"
    assert missing.value.message == f"no initiative {initiative_id + 1000}"


def test_every_readable_clause_is_a_where_clause_for_its_model(db: Session) -> None:
    _initiative(db)
    for caller in (Caller.operator(), Caller(account_id=1, roles={}), Caller.anonymous()):
        for model, readable in access._READABLE.items():
            db.scalars(select(model).where(readable.clause(caller))).all()  # runs on both DBs
