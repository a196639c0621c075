"""Who may call the interdependence map's routes: members of the network read it (others are
told it is not there); stewards import into it."""

from __future__ import annotations

from .route_matrix import NETWORK_READ, ROUTES, Rule, expect

ROUTES.update(
    {
        "GET /api/networks/{slug}/map": Rule(NETWORK_READ),
        "GET /api/networks/{slug}/map/analysis": Rule(NETWORK_READ),
        "GET /api/networks/{slug}/map/changes": Rule(NETWORK_READ),
        "GET /api/networks/{slug}/map/export": Rule(NETWORK_READ, query={"format": "kumu"}),
        "GET /api/networks/{slug}/map/actors/{actor_id}/ties": Rule(NETWORK_READ),
        # a body that is no map file: stewards get to the reader (422), others are stopped first
        "POST /api/networks/{slug}/map/import": Rule(
            expect("403", anonymous="404", outsider="404", steward="422"),
            query={"format": "kumu"},
            body={"elements": "none"},
        ),
        "GET /n/{slug}/map": Rule(NETWORK_READ),
        "GET /n/{slug}/map/changes": Rule(NETWORK_READ),
    }
)
