"""Who may call the moderation routes of a conversation: its moderators (the initiative's
convenor, a network steward); members are refused, others are told it is not there."""

from __future__ import annotations

from .route_matrix import CONVENOR_OF_INITIATIVE, CONVENOR_OF_INITIATIVE_PAGE, ROUTES, Rule

ROUTES.update(
    {
        "GET /api/conversations/{conversation_id}/moderation": Rule(CONVENOR_OF_INITIATIVE),
        "PUT /api/conversations/{conversation_id}/moderation": Rule(
            CONVENOR_OF_INITIATIVE, body={"strict": True}
        ),
        "GET /conversations/{conversation_id}/moderation": Rule(CONVENOR_OF_INITIATIVE),
        "POST /conversations/{conversation_id}/moderation/mode": Rule(
            CONVENOR_OF_INITIATIVE_PAGE, form={"mode": "strict"}
        ),
    }
)
