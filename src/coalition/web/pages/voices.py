"""Pages of outside voices: the page a link opens (``/c/{link_token}``, the one page another site
may frame), and the moderators' page of a conversation's links with the embed snippet."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from ...schemas.deliberation import VoteIn
from ...schemas.voices import LinkIn
from ...services import conversations, voices
from .. import kit
from ..api.voices import Token, remember_voice, secret
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..extensions.security import client_ip
from ..kit import render, see_other
from ..params import PathId
from .deliberation import VoteForm

router = APIRouter(include_in_schema=False, route_class=CommitFirstRoute)


class OutsideQuery(BaseModel):
    """The participant id the embedding site gave, if any."""

    xid: str = Field("", max_length=200)


class OutsideVoteForm(VoteForm):
    """A vote from outside, with the participant id the embedding site gave (``xid``)."""

    xid: str = Field("", max_length=200)


class LinkForm(LinkIn):
    model_config = kit.FORM


def _outside_url(token: str, xid: str) -> str:
    return f"/c/{token}" + (f"?{urlencode({'xid': xid})}" if xid else "")


@router.get("/c/{link_token}", response_class=HTMLResponse)
def outside_page(
    request: Request, link_token: Token, db: DB, query: Annotated[OutsideQuery, Query()]
) -> Response:
    """Vote on a conversation without an account (anti-herding: tallies after one's vote)."""
    xid = query.xid
    key = secret(request)
    link = voices.open_link(db, key, link_token)
    voice = request.cookies.get(voices.voice_cookie(link.conversation_id))
    view = voices.outside_view(db, key, link_token, voice, xid or None)
    return render(
        request,
        "voices/outside.html",
        {"view": view, "token": link_token, "xid": xid, "link": link},
    )


@router.post("/c/{link_token}/vote")
def outside_vote_form(
    request: Request,
    link_token: Token,
    db: DB,
    form: Annotated[OutsideVoteForm, Form()],
) -> Response:
    xid = form.xid
    key = secret(request)
    link = voices.open_link(db, key, link_token)
    voice = request.cookies.get(voices.voice_cookie(link.conversation_id))
    data = VoteIn.model_validate(form.model_dump(exclude={"xid"}))
    _, cookie = voices.outside_vote(
        db, key, link_token, voice, xid or None, client_ip(request), data
    )
    response = see_other(_outside_url(link_token, xid) + "#vote")
    remember_voice(request, response, link.conversation_id, cookie)
    return response


@router.get("/conversations/{conversation_id}/links", response_class=HTMLResponse)
def links_page(
    request: Request, conversation_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    """A conversation's links for outside participants, and the embed snippet (moderators)."""
    links = voices.list_links(db, caller, conversation_id, secret(request))
    conv = conversations.get_conversation(db, caller, conversation_id)
    base = str(request.base_url).rstrip("/")
    return render(
        request, "voices/links.html", {"conversation": conv, "links": links, "base": base}
    )


@router.post("/conversations/{conversation_id}/links/new")
def new_link_form(
    request: Request,
    conversation_id: PathId,
    db: DB,
    caller: CurrentCaller,
    data: Annotated[LinkForm, Form()],
) -> Response:
    voices.create_link(db, caller, conversation_id, data, secret(request))
    return see_other(f"/conversations/{conversation_id}/links")


@router.post("/conversations/{conversation_id}/links/{link_id}/revoke")
def revoke_link_form(
    request: Request, conversation_id: PathId, link_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    voices.revoke_link(db, caller, conversation_id, link_id, secret(request))
    return see_other(f"/conversations/{conversation_id}/links")
