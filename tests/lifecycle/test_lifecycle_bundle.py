"""Offers, re-confirmations, the history, open calls and retired roles in the JSON bundle:
export → import → export is identical; a share leaves offers, history and re-confirmations out."""

from __future__ import annotations

from pydantic_core import to_json
from sqlalchemy.orm import Session

from coalition.schemas.lifecycle import OfferDecisionIn, OfferIn, OpenCallIn, RolePatch
from coalition.services import lifecycle, offers, portability
from coalition.services.access import Caller
from tests.factories import T0, invitation_world

OPERATOR = Caller.operator()


def test_lifecycle_rows_round_trip(db: Session) -> None:
    w = invitation_world(db, slug="lb", capacities=(10.0, 10.0, 10.0), roles=3)
    r0, r1, r2 = w.roles
    offers.set_open_call(db, w.convenor_caller, w.initiative_id, r0, OpenCallIn(open=True))
    a, b, c = w.members
    taken = offers.make_offer(db, w.member(a), r0, OfferIn(hours_per_week=4, note="Keen"))
    offers.decide_offer(db, w.convenor_caller, taken.id, OfferDecisionIn(decision="accept"))
    offers.make_offer(db, w.member(b), r0, OfferIn(hours_per_week=2, note="Me too"))
    lifecycle.edit_role(db, w.convenor_caller, w.initiative_id, r0, RolePatch(hours_per_week=6))
    lifecycle.retire_role(db, w.convenor_caller, w.initiative_id, r2, now=T0)
    db.flush()
    backup = portability.export_bundle(db, OPERATOR, w.slug, include_private=True)
    share = portability.export_bundle(db, OPERATOR, w.slug)
    assert len(backup["offers"]) == 2 and len(backup["reconfirmations"]) == 1
    assert {c["field"] for c in backup["initiative_changes"]} >= {
        "open_call", "role.hours_per_week", "role_retired",
    }  # fmt: skip
    roles = backup["initiatives"][0]["roles"]
    assert [r["open_call"] for r in roles] == [True, False, False]
    assert roles[2]["retired_at"] is not None
    assert share["offers"] == share["reconfirmations"] == share["initiative_changes"] == []
    portability.import_bundle(db, OPERATOR, to_json(backup), slug="lb-copy")
    db.flush()
    again = portability.export_bundle(db, OPERATOR, "lb-copy", include_private=True)
    assert again["network"].pop("slug") == "lb-copy"
    assert backup["network"].pop("slug") == w.slug
    assert again == backup
