"""Route-matrix entries of networks: settings and logo (stewards), the public page, joining.

``alpha`` is public and joined by approval (the defaults), so anyone may read its page and
its logo; a member asking to join again meets a conflict, an outsider's request is recorded,
and someone signed out is sent to open an account first.
"""

from __future__ import annotations

import io
from typing import Any

from sqlalchemy.orm import Session

from .route_matrix import EVERYONE, ROUTES, STEWARD_ONLY, WORLD_HOOKS, Rule, expect

STEWARD_FORM = expect("403", anonymous="3xx", steward="3xx")
STEWARD_PAGE_VIEW = expect("403", anonymous="3xx", steward="2xx")
OWN_CHECKLIST = expect("2xx", anonymous="401", outsider="404")

ROUTES.update(
    {
        "GET /api/network-directory": Rule(EVERYONE, query={"q": "al"}),
        "GET /api/networks/{slug}/public": Rule(EVERYONE),
        "GET /api/networks/{slug}/settings": Rule(STEWARD_ONLY),
        "PATCH /api/networks/{slug}/settings": Rule(
            STEWARD_ONLY, body={"welcome_text": "Welcome", "join_policy": "open"}
        ),
        # a body that is no image: stewards get to the check (422), others are stopped first
        "PUT /api/networks/{slug}/logo": Rule(
            expect("403", anonymous="401", steward="422"), body={"not": "an image"}
        ),
        "DELETE /api/networks/{slug}/logo": Rule(STEWARD_ONLY),
        "GET /networks": Rule(EVERYONE, query={"q": "al"}),
        "GET /n/{slug}": Rule(EVERYONE),
        "GET /n/{slug}/logo": Rule(EVERYONE),
        "POST /n/{slug}/join": Rule(
            expect("409", anonymous="3xx", outsider="3xx"), form={"message": "hello"}
        ),
        "GET /n/{slug}/settings": Rule(expect("403", anonymous="3xx", steward="2xx")),
        "POST /n/{slug}/settings": Rule(STEWARD_FORM, form={"welcome_text": "Welcome"}),
        # no file sent: stewards are told so (422), others are stopped first
        "POST /n/{slug}/settings/logo": Rule(
            expect("403", anonymous="3xx", steward="422"), form={"nothing": "here"}
        ),
        "POST /n/{slug}/settings/logo/remove": Rule(STEWARD_FORM),
        # one's own checklist: whoever has a profile in the network; the outsider has none
        "GET /api/networks/{slug}/onboarding": Rule(OWN_CHECKLIST),
        "POST /api/networks/{slug}/onboarding/privacy": Rule(OWN_CHECKLIST),
        "POST /n/{slug}/onboarding/privacy": Rule(expect("3xx", outsider="404")),
        # vocabulary: {capability_id} is alpha's "Facilitation" (in use), {spare_id} an unused term
        "GET /api/networks/{slug}/vocabulary": Rule(STEWARD_ONLY),
        "PATCH /api/networks/{slug}/capabilities/{capability_id}": Rule(
            STEWARD_ONLY, body={"description": "Running good meetings"}
        ),
        "POST /api/networks/{slug}/capabilities/{capability_id}/merge": Rule(
            STEWARD_ONLY, body={"into": "{spare_id}"}
        ),
        "DELETE /api/networks/{slug}/capabilities/{capability_id}": Rule(
            STEWARD_ONLY, path={"capability_id": "{spare_id}"}
        ),
        "GET /n/{slug}/capabilities": Rule(STEWARD_PAGE_VIEW),
        "POST /n/{slug}/capabilities": Rule(STEWARD_PAGE_VIEW, form={"term": "Mediation"}),
        "POST /n/{slug}/capabilities/{capability_id}/edit": Rule(
            STEWARD_PAGE_VIEW, form={"term": "Group facilitation"}
        ),
        "POST /n/{slug}/capabilities/merge": Rule(
            STEWARD_PAGE_VIEW, form={"source": "{capability_id}", "into": "{spare_id}"}
        ),
        "POST /n/{slug}/capabilities/{capability_id}/retire": Rule(
            STEWARD_PAGE_VIEW, path={"capability_id": "{spare_id}"}
        ),
    }
)


def png(width: int = 8, height: int = 8) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 90, 160)).save(out, format="PNG")
    return out.getvalue()


def _networks_world(db: Session, values: dict[str, Any]) -> dict[str, Any]:
    """alpha has a logo and an unused term."""
    from sqlalchemy import select

    from coalition.schemas.directory import CapabilityIn
    from coalition.services import network_settings, networks
    from coalition.services.access import Caller
    from coalition.store.tables import Capability

    operator = Caller.operator()
    alpha = networks.get_network(db, operator, values["slug"])
    network_settings.set_logo(db, operator, alpha, png())
    facilitation = db.scalar(
        select(Capability.id).where(
            Capability.network_id == alpha.id, Capability.term == "Facilitation"
        )
    )
    spare = networks.add_capability(db, operator, alpha, CapabilityIn(term="Spare"))
    return {"capability_id": facilitation, "spare_id": spare.id}


WORLD_HOOKS.append(_networks_world)
