"""Route-matrix entries of an initiative's life, open calls, offers and opportunities
(web/api/lifecycle.py, web/pages/lifecycle.py).

``{open_role_id}`` is the "Support" role of the convenor's initiative, opened to the network;
the other member has a pending offer for it (``{offer_id}``); ``{reconfirmation_id}`` asks the
member (who holds a Support seat) to re-confirm that role's new hours.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .route_matrix import (
    ACCOUNT_PAGE,
    CONVENOR_OF_INITIATIVE,
    INVITATION_CONVENOR,
    NETWORK_READ,
    ROUTES,
    SIGNED_IN,
    WORLD_HOOKS,
    Rule,
    expect,
)

CONVENOR_FORM = expect("403", anonymous="3xx", outsider="404", convenor="3xx", steward="3xx")
OFFERED = {"role_id": "{open_role_id}"}


def _lifecycle_world(db: Session, values: dict[str, Any]) -> dict[str, Any]:
    from coalition.schemas.lifecycle import OfferIn, OpenCallIn, RolePatch
    from coalition.services import lifecycle, offers
    from coalition.services.access import Caller
    from coalition.services.identity import caller_for_account

    operator = Caller.operator()
    open_role = values["support_role_id"]
    offers.set_open_call(db, operator, values["initiative_id"], open_role, OpenCallIn(open=True))
    other = caller_for_account(db, values["account_id"])
    offer = offers.make_offer(db, other, open_role, OfferIn(hours_per_week=2, note="Keen"))
    lifecycle.edit_role(
        db, operator, values["initiative_id"], values["support_role_id"],
        RolePatch(hours_per_week=5),
    )  # fmt: skip
    (ask,) = lifecycle.my_reconfirmations(db, caller_for_account(db, values["member_account"]))
    return {"open_role_id": open_role, "offer_id": offer.id, "reconfirmation_id": ask.id}


WORLD_HOOKS.append(_lifecycle_world)

ROUTES.update(
    {
        # ------------------------------------------------------------ API
        "GET /api/initiatives/{initiative_id}/lifecycle": Rule(NETWORK_READ),
        "POST /api/initiatives/{initiative_id}/actions": Rule(
            CONVENOR_OF_INITIATIVE, body={"action": "start"}
        ),
        "GET /api/initiatives/{initiative_id}/history": Rule(NETWORK_READ),
        "PATCH /api/initiatives/{initiative_id}/roles/{role_id}": Rule(
            CONVENOR_OF_INITIATIVE, body={"seats": 3}
        ),
        "POST /api/initiatives/{initiative_id}/roles/{role_id}/retire": Rule(
            CONVENOR_OF_INITIATIVE
        ),
        "PUT /api/initiatives/{initiative_id}/roles/{role_id}/open-call": Rule(
            CONVENOR_OF_INITIATIVE, body={"open": True}
        ),
        "GET /api/initiatives/{initiative_id}/reconfirmations": Rule(CONVENOR_OF_INITIATIVE),
        "GET /api/me/reconfirmations": Rule(SIGNED_IN),
        "POST /api/reconfirmations/{reconfirmation_id}": Rule(
            expect("403", anonymous="401", member="2xx", outsider="404"),
            body={"answer": "confirm"},
        ),
        "GET /api/opportunities": Rule(SIGNED_IN),
        # The other member has offered already and the convenor convenes; the member offers as
        # the organisation they represent (not engaged there), the steward as themselves.
        "POST /api/roles/{role_id}/offers": Rule(
            expect("409", anonymous="401", member="2xx", steward="2xx", outsider="404"),
            body={"hours_per_week": 2},
            path=OFFERED,
        ),
        "GET /api/initiatives/{initiative_id}/offers": Rule(CONVENOR_OF_INITIATIVE),
        "GET /api/me/offers": Rule(SIGNED_IN),
        "POST /api/offers/{offer_id}/decision": Rule(
            INVITATION_CONVENOR, body={"decision": "decline"}
        ),
        "POST /api/offers/{offer_id}/withdraw": Rule(
            expect("403", anonymous="401", other_member="2xx", outsider="404")
        ),
        # ------------------------------------------------------------ pages
        "GET /opportunities": Rule(ACCOUNT_PAGE),
        "POST /roles/{role_id}/offers": Rule(
            expect("409", anonymous="3xx", member="3xx", steward="3xx", outsider="404"),
            form={"hours_per_week": "2", "note": "Keen"},
            path=OFFERED,
        ),
        "GET /roles/{role_id}/offer": Rule(
            expect("2xx", anonymous="3xx", outsider="404"), path=OFFERED
        ),
        "GET /actors/{actor_id}/invite": Rule(expect("2xx", anonymous="3xx", outsider="404")),
        "GET /me/offers": Rule(ACCOUNT_PAGE),
        "GET /me/reconfirmations": Rule(ACCOUNT_PAGE),
        "POST /offers/{offer_id}/withdraw": Rule(
            expect("403", anonymous="3xx", other_member="3xx", outsider="404")
        ),
        "POST /reconfirmations/{reconfirmation_id}": Rule(
            expect("403", anonymous="3xx", member="3xx", outsider="404"),
            form={"answer": "confirm"},
        ),
        "GET /initiatives/{initiative_id}/manage": Rule(NETWORK_READ),
        "GET /initiatives/{initiative_id}/offers": Rule(NETWORK_READ),
        "POST /initiatives/{initiative_id}/actions": Rule(CONVENOR_FORM, form={"action": "start"}),
        "POST /initiatives/{initiative_id}/roles/{role_id}/edit": Rule(
            CONVENOR_FORM, form={"seats": "3"}
        ),
        "POST /initiatives/{initiative_id}/roles/{role_id}/open-call": Rule(
            CONVENOR_FORM, form={"open": "1"}
        ),
        "POST /initiatives/{initiative_id}/roles/{role_id}/retire": Rule(CONVENOR_FORM),
        "POST /offers/{offer_id}/decision": Rule(
            expect("403", anonymous="3xx", convenor="3xx", steward="3xx", outsider="404"),
            form={"decision": "decline"},
        ),
    }
)
