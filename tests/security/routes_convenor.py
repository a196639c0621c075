"""Route-matrix entries of the convenor's journey: the guided form for a new initiative, the
proposal comparison's "invite this team", the newest run, and publishing the team page.

``{journey_proposal}`` is a stored proposal of the convenor's initiative naming the other
member for the role ``{role_id}`` (the world's ``{proposal_id}`` stays unknown on purpose).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .route_matrix import (
    CONVENOR_OF_INITIATIVE,
    CONVENOR_OF_INITIATIVE_PAGE,
    NETWORK_READ,
    ROUTES,
    WORLD_HOOKS,
    Rule,
    expect,
)

# Opening an initiative needs the convenor role in the network; signed-out callers are sent
# to sign in; everyone else (the outsider too: the network's name is public) is refused.
NEW_INITIATIVE_PAGE = expect("403", anonymous="3xx", convenor="2xx", steward="2xx")
NEW_INITIATIVE_SAVE = expect("403", anonymous="3xx", convenor="3xx", steward="3xx")
# Publishing: the page answers with a redirect; a member sees the refusal on the team page;
# who cannot read the initiative is told it is not there.
PUBLISH_PAGE = expect("403", anonymous="3xx", convenor="3xx", steward="3xx", outsider="404")

GUIDED_FORM = {
    "step": "roles",
    "action": "save",
    "title": "Guided",
    "kind": "project",
    "purpose": "A second try",
    "role-0-title": "Host",
    "role-0-seats": "1",
    "role-0-hours": "2",
    "role-0-cap-0": "Facilitation",
    "role-0-level-0": "2",
}


def _journey_world(db: Session, values: dict[str, Any]) -> dict[str, Any]:
    """A stored proposal (one run, rank 0) of the convenor's initiative."""
    from coalition.store.tables_formation import Proposal

    row = Proposal(
        initiative_id=values["initiative_id"],
        run="matrixrun0001",
        rank=0,
        status="optimal",
        total_score=0.5,
        bound=0.5,
        gap=0.0,
        total_cost=0.0,
        scores={"fit": 0.5},
        members=[
            {
                "actor_id": values["other_actor"],
                "name": "Other member",
                "role_id": values["role_id"],
                "role_title": "Lead",
                "hours_per_week": 2.0,
                "reasons": ["covers Facilitation"],
            }
        ],
        request={},
        method="test",
    )
    db.add(row)
    db.flush()
    return {"journey_proposal": row.id}


WORLD_HOOKS.append(_journey_world)

ROUTES.update(
    {
        # ------------------------------------------------ the guided form (pages)
        "GET /n/{slug}/initiatives/new": Rule(NEW_INITIATIVE_PAGE),
        "GET /n/{slug}/initiatives/new/role": Rule(NEW_INITIATIVE_PAGE, query={"index": 1}),
        "POST /n/{slug}/initiatives/new": Rule(NEW_INITIATIVE_SAVE, form=GUIDED_FORM),
        # ------------------------------------------------ its API twin (the review step)
        "POST /api/networks/{slug}/initiatives/preview": Rule(
            expect("403", anonymous="401", convenor="2xx", steward="2xx"),
            body={
                "kind": "project",
                "title": "Another",
                "roles": [{"title": "Host", "requirements": [{"capability": "Facilitation"}]}],
            },
        ),
        # ------------------------------------------------ proposals: the newest run, invite
        "GET /api/initiatives/{initiative_id}/proposals/latest": Rule(CONVENOR_OF_INITIATIVE),
        "POST /api/proposals/{proposal_id}/invitations": Rule(
            CONVENOR_OF_INITIATIVE, body={}, path={"proposal_id": "{journey_proposal}"}
        ),
        "POST /initiatives/{initiative_id}/proposals/{proposal_id}/invite": Rule(
            CONVENOR_OF_INITIATIVE_PAGE, form={}, path={"proposal_id": "{journey_proposal}"}
        ),
        # ------------------------------------------------ publishing the team page
        "GET /api/initiatives/{initiative_id}/publication": Rule(NETWORK_READ),
        "POST /api/initiatives/{initiative_id}/publication": Rule(CONVENOR_OF_INITIATIVE),
        "DELETE /api/initiatives/{initiative_id}/publication": Rule(CONVENOR_OF_INITIATIVE),
        "POST /initiatives/{initiative_id}/team/publish": Rule(PUBLISH_PAGE),
        "POST /initiatives/{initiative_id}/team/unpublish": Rule(PUBLISH_PAGE),
    }
)
