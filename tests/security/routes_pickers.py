"""Route-matrix entries of the pickers (web/pages/pickers.py): a network's members search its
profiles by name; a visitor is sent to sign in, and to an outsider the network is not there.
(That profiles no account owns are a steward's to pick is tested in tests/web/test_pickers.py.)
"""

from __future__ import annotations

from .route_matrix import ROUTES, Rule, expect

ROUTES.update(
    {
        "GET /n/{slug}/pick/{kind}": Rule(
            expect("2xx", anonymous="3xx", outsider="404"),
            path={"kind": "members"},
            query={"q": "a"},
        ),
    }
)
