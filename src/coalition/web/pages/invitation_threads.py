"""The page of one invitation and the conversation it carries between the invited member and
the convenor (services/invitation_threads.py): the invitation's terms, its messages, and a
form to write to the other side. Only the two sides reach it; the data is also in the JSON API
(web/api/together.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ...i18n import translated_map
from ...schemas.together import InvitationMessageIn
from ...services import invitation_threads, invitations
from ...services.access import Caller
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..kit import signed_out
from ..params import PathId
from .invitations import STATUS_LABELS
from .together import form_act, render

router = APIRouter(include_in_schema=False, route_class=CommitFirstRoute)


def _page(
    request: Request, db: DB, caller: Caller, invitation_id: int, errors: list[str], status: int
) -> Response:
    talk = invitation_threads.conversation(db, caller, invitation_id)
    item = invitations.get_invitation(db, caller, invitation_id)
    context = {
        "caller": caller,
        "talk": talk,
        "item": item,
        "errors": errors,
        "labels": translated_map(STATUS_LABELS),
    }
    return render(request, "together/invitation.html", context, status)


@router.get("/invitations/{invitation_id}", response_class=HTMLResponse)
def invitation_page(
    request: Request, invitation_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    if (out := signed_out(request, caller)) is not None:
        return out
    return _page(request, db, caller, invitation_id, [], 200)


@router.post("/invitations/{invitation_id}/messages")
async def write_form(
    request: Request, invitation_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    return await form_act(
        request,
        db,
        caller,
        lambda f: invitation_threads.write(
            db, caller, invitation_id, InvitationMessageIn(body=str(f.get("body", "")))
        ),
        lambda m: f"/invitations/{invitation_id}#message-{m.id}",
        lambda errors, status: _page(request, db, caller, invitation_id, errors, status),
    )
