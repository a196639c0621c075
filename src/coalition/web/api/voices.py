"""Outside voices: a conversation's signed links (its moderators manage them) and voting
through a link without an account (the participant is remembered by a signed cookie)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from ...schemas.deliberation import VoteIn, VoteOut
from ...schemas.voices import LinkIn, LinkOut, OutsideConversationOut
from ...services import voices
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..extensions.security import client_ip
from ..params import PathId

router = APIRouter(tags=["deliberation"], route_class=CommitFirstRoute)

Token = Annotated[str, Path(min_length=1, max_length=200)]
Xid = Annotated[str | None, Query(max_length=200)]


def secret(request: Request) -> str:
    return str(request.app.state.settings.secret_key)


def remember_voice(request: Request, response: Response, conversation_id: int, value: str) -> None:
    """Set the signed cookie naming the outside participant (third-party frames need
    ``SameSite=None``, which browsers accept only on secure cookies)."""
    secure = bool(request.app.state.settings.secure_cookies)
    response.set_cookie(
        voices.voice_cookie(conversation_id),
        value,
        max_age=voices.VOICE_MAX_AGE_S,
        path="/",
        httponly=True,
        samesite="none" if secure else "lax",
        secure=secure,
    )


@router.get("/api/conversations/{conversation_id}/links")
def list_links(
    conversation_id: PathId, request: Request, db: DB, caller: CurrentCaller
) -> list[LinkOut]:
    """The conversation's links for outside participants (its moderators only)."""
    return voices.list_links(db, caller, conversation_id, secret(request))


@router.post("/api/conversations/{conversation_id}/links", status_code=201)
def create_link(
    conversation_id: PathId, data: LinkIn, request: Request, db: DB, caller: CurrentCaller
) -> LinkOut:
    """A signed link that lets people outside the network vote, with a cap and an expiry."""
    return voices.create_link(db, caller, conversation_id, data, secret(request))


@router.post("/api/conversations/{conversation_id}/links/{link_id}/revoke")
def revoke_link(
    conversation_id: PathId, link_id: PathId, request: Request, db: DB, caller: CurrentCaller
) -> LinkOut:
    return voices.revoke_link(db, caller, conversation_id, link_id, secret(request))


def _voice(request: Request, db: DB, token: str) -> str | None:
    link = voices.open_link(db, secret(request), token)
    return request.cookies.get(voices.voice_cookie(link.conversation_id))


@router.get("/api/c/{link_token}")
def outside_conversation(
    link_token: Token, request: Request, db: DB, xid: Xid = None
) -> OutsideConversationOut:
    """The conversation as a participant through the link sees it: no tallies of a statement
    before they voted on it."""
    return voices.outside_view(
        db, secret(request), link_token, _voice(request, db, link_token), xid
    )


@router.post("/api/c/{link_token}/votes")
def outside_vote(
    link_token: Token, data: VoteIn, request: Request, response: Response, db: DB, xid: Xid = None
) -> VoteOut:
    """Vote through the link; once per statement. Sets the cookie that remembers the voter."""
    key = secret(request)
    link = voices.open_link(db, key, link_token)
    voice = request.cookies.get(voices.voice_cookie(link.conversation_id))
    out, value = voices.outside_vote(db, key, link_token, voice, xid, client_ip(request), data)
    remember_voice(request, response, link.conversation_id, value)
    return out
