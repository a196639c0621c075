"""Route-matrix entries of outside voices and the report (web/api/voices.py,
web/pages/voices.py, web/api/report.py, web/pages/report.py).

The report is for whoever may see the conversation's results (members of its network). A
conversation's links are managed by its moderators (the initiative's convenor, a steward).
``{link_token}`` is a live link to the world's conversation: anyone holding it may read and vote,
signed in or not, member or not — that is what the link is for.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .route_matrix import (
    CONVENOR_OF_INITIATIVE,
    CONVENOR_OF_INITIATIVE_PAGE,
    EVERYONE,
    NETWORK_READ,
    ROUTES,
    WORLD_HOOKS,
    Rule,
    expect,
)

MATRIX_SECRET = "matrix"  # the secret key of the matrix's app (test_security_matrix.py)


def _voices_world(db: Session, values: dict[str, Any]) -> dict[str, Any]:
    from datetime import timedelta

    from coalition import clock
    from coalition.services.voices import link_token
    from coalition.store.tables_voices import ConversationLink

    link = ConversationLink(
        conversation_id=values["conversation_id"],
        key="matrix-link-key-0123456789",
        label="Matrix",
        max_participants=50,
        expires_at=clock.utcnow() + timedelta(days=30),
    )
    db.add(link)
    db.flush()
    return {"link_id": link.id, "link_token": link_token(MATRIX_SECRET, link.key)}


WORLD_HOOKS.append(_voices_world)

ROUTES.update(
    {
        "GET /api/conversations/{conversation_id}/links": Rule(CONVENOR_OF_INITIATIVE),
        "POST /api/conversations/{conversation_id}/links": Rule(
            CONVENOR_OF_INITIATIVE, body={"label": "Flyer", "max_participants": 10}
        ),
        "POST /api/conversations/{conversation_id}/links/{link_id}/revoke": Rule(
            CONVENOR_OF_INITIATIVE
        ),
        "GET /conversations/{conversation_id}/links": Rule(CONVENOR_OF_INITIATIVE),
        "POST /conversations/{conversation_id}/links/new": Rule(
            CONVENOR_OF_INITIATIVE_PAGE, form={"label": "Flyer", "max_participants": "10"}
        ),
        "POST /conversations/{conversation_id}/links/{link_id}/revoke": Rule(
            CONVENOR_OF_INITIATIVE_PAGE
        ),
        "GET /api/c/{link_token}": Rule(EVERYONE),
        "POST /api/c/{link_token}/votes": Rule(
            EVERYONE, body={"statement_id": "{statement_id}", "value": 1}
        ),
        "GET /c/{link_token}": Rule(EVERYONE),
        "POST /c/{link_token}/vote": Rule(
            expect("3xx"), form={"statement_id": "{statement_id}", "value": "1"}
        ),
        "GET /api/conversations/{conversation_id}/report": Rule(NETWORK_READ),
        "GET /api/conversations/{conversation_id}/report.md": Rule(NETWORK_READ),
        "GET /api/conversations/{conversation_id}/report.pdf": Rule(NETWORK_READ),
        "GET /conversations/{conversation_id}/report": Rule(NETWORK_READ),
        "GET /conversations/{conversation_id}/report.md": Rule(NETWORK_READ),
        "GET /conversations/{conversation_id}/report.pdf": Rule(NETWORK_READ),
    }
)
