"""HTML pages of deliberation: a network's conversations, voting on statement cards, the opinion
map with each group's representative statements, and the coalition charter.

The opinion map is an inline SVG drawn here from the results (no script); forms post and are
answered with a redirect (post/redirect/get). Every page's data is the JSON API's too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, field_validator

from ... import clock
from ...errors import Invalid
from ...i18n import _
from ...schemas.deliberation import (
    ConversationIn,
    ModerationIn,
    ModerationModeIn,
    ResultsOut,
    StatementIn,
    VoteIn,
)
from ...services import conversation_analysis, conversations, deliberation_moderation
from ...services.access import require_role
from ...services.networks import get_network
from .. import kit
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..kit import render, see_other
from ..params import PathId
from ..read_cache import kept, within_freshness

router = APIRouter(include_in_schema=False, route_class=CommitFirstRoute)

#: Colour-blind-safe palette (Okabe–Ito), one per group; grey for the unclustered.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00")
UNGROUPED = "#999999"
MAP_SIZE = 320
MAP_PAD = 16


class ConversationForm(ConversationIn):
    model_config = kit.FORM


class VoteForm(VoteIn):
    model_config = kit.FORM

    @field_validator("value", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        """The vote as the form sends it ("-1", "0", "1"): a number for the model's choices."""
        text = value.strip() if isinstance(value, str) else ""
        return int(text) if text in {"-1", "0", "1"} else value


class StatementForm(StatementIn):
    model_config = kit.FORM


class ModeForm(BaseModel):
    """A conversation's moderation: "strict" or "open"."""

    mode: str

    def mode_in(self) -> ModerationModeIn:
        if self.mode not in ("strict", "open"):
            raise Invalid(_("mode must be strict or open"), field="mode")
        return ModerationModeIn(strict=self.mode == "strict")


class ModerationForm(ModerationIn):
    model_config = kit.FORM
    #: "queue": go back to the moderation queue, else to the conversation.
    back: str = ""


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    colour: str
    label: str
    mine: bool = False


def opinion_map(res: ResultsOut, me: int | None = None) -> list[Dot]:
    """Participants' positions scaled into the SVG's square, coloured by group."""
    if not res.participants:
        return []
    xs = [p.x for p in res.participants]
    ys = [p.y for p in res.participants]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    inner = MAP_SIZE - 2 * MAP_PAD

    def sx(v: float) -> float:
        return round(MAP_PAD + (v - min(xs)) / span * inner, 1)

    def sy(v: float) -> float:
        return round(MAP_SIZE - MAP_PAD - (v - min(ys)) / span * inner, 1)

    return [
        Dot(
            sx(p.x),
            sy(p.y),
            UNGROUPED if p.group is None else PALETTE[p.group % len(PALETTE)],
            _dot_label(p.external_id == me, p.external_id, p.group),
            p.external_id == me,
        )
        for p in res.participants
    ]


def _dot_label(mine: bool, participant: object, group: int | None) -> str:
    """The dot's title, read by a screen reader: who it is and the group, in the page's words."""
    if group is None:
        if mine:
            return _("you: not grouped")
        return _("participant %(id)s: not grouped") % {"id": participant}
    if mine:
        return _("you: group %(group)s") % {"group": group + 1}
    return _("participant %(id)s: group %(group)s") % {"id": participant, "group": group + 1}


@router.get("/n/{slug}/conversations", response_class=HTMLResponse)
def conversations_page(request: Request, slug: str, db: DB, caller: CurrentCaller) -> Response:
    network = get_network(db, caller, slug)
    items = conversations.list_conversations(db, caller, slug)
    may_open = caller.has_role(network.id, "convenor")
    return render(
        request,
        "deliberation/list.html",
        {"network": network, "conversations": items, "may_open": may_open},
    )


@router.post("/n/{slug}/conversations/new")
def open_conversation_form(
    slug: str,
    db: DB,
    caller: CurrentCaller,
    data: Annotated[ConversationForm, Form()],
) -> Response:
    network = get_network(db, caller, slug)
    require_role(caller, network, "member")
    out = conversations.create_conversation(db, caller, slug, data)
    return see_other(f"/conversations/{out.id}")


@router.get("/conversations/{conversation_id}", response_class=HTMLResponse)
def conversation_page(
    request: Request, conversation_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    conv = conversations.get_conversation(db, caller, conversation_id)
    statements = conversations.list_statements(db, caller, conversation_id)
    moderator = conversations.may_moderate(db, caller, conversation_id)
    member = caller.member_of(conv.network_id) and bool(caller.actor_ids)
    nxt = conversation_analysis.next_for(db, caller, conversation_id) if member else None
    _unused, mine = conversations.my_votes(db, caller, conversation_id)
    return render(
        request,
        "deliberation/conversation.html",
        {
            "conversation": conv,
            "statements": [s for s in statements if moderator or s.moderation != -1],
            "next": nxt,
            "member": member,
            "moderator": moderator,
            "mine": mine,
        },
    )


@router.post("/conversations/{conversation_id}/vote")
def vote_form(
    conversation_id: PathId,
    db: DB,
    caller: CurrentCaller,
    data: Annotated[VoteForm, Form()],
) -> Response:
    conversations.cast_vote(db, caller, conversation_id, data)
    return see_other(f"/conversations/{conversation_id}#vote")


@router.post("/conversations/{conversation_id}/statements/new")
def statement_form(
    conversation_id: PathId, db: DB, caller: CurrentCaller, data: Annotated[StatementForm, Form()]
) -> Response:
    conversations.submit_statement(db, caller, conversation_id, data)
    return see_other(f"/conversations/{conversation_id}#statements")


@router.post("/conversations/{conversation_id}/statements/{statement_id}/moderation")
def moderation_form(
    conversation_id: PathId,
    statement_id: PathId,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[ModerationForm, Form()],
) -> Response:
    data = ModerationIn.model_validate(form.model_dump(exclude={"back"}))
    conversations.moderate_statement(db, caller, statement_id, data)
    if form.back == "queue":
        return see_other(f"/conversations/{conversation_id}/moderation#queue")
    return see_other(f"/conversations/{conversation_id}#statements")


@router.get("/conversations/{conversation_id}/moderation", response_class=HTMLResponse)
def moderation_page(
    request: Request, conversation_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    conv = conversations.get_conversation(db, caller, conversation_id)
    queue = deliberation_moderation.moderation_queue(db, caller, conversation_id)
    return render(request, "deliberation/moderation.html", {"conversation": conv, "queue": queue})


@router.post("/conversations/{conversation_id}/moderation/mode")
def moderation_mode_form(
    conversation_id: PathId, db: DB, caller: CurrentCaller, form: Annotated[ModeForm, Form()]
) -> Response:
    data = form.mode_in()
    deliberation_moderation.set_moderation_mode(db, caller, conversation_id, data)
    return see_other(f"/conversations/{conversation_id}/moderation")


@router.get("/conversations/{conversation_id}/results", response_class=HTMLResponse)
@kept(ignores=("votes",), when=within_freshness)
def results_page(
    request: Request, conversation_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    conv = conversations.get_conversation(db, caller, conversation_id)
    res = conversation_analysis.results(db, caller, conversation_id)
    me, _ = conversations.my_votes(db, caller, conversation_id)
    my_group = next((p.group for p in res.participants if p.external_id == me), None)
    return render(
        request,
        "deliberation/results.html",
        {
            "conversation": conv,
            "results": res,
            "dots": opinion_map(res, me),
            "me": me,
            "my_group": my_group,
            "size": MAP_SIZE,
            "palette": PALETTE,
            "consensus": conversation_analysis.charter_statements(res),
            # the analysis is recomputed once per freshness window: say how old it is
            "updated_s": None
            if res.computed_at is None
            else max(0, int((clock.now() - res.computed_at).total_seconds())),
        },
    )


@router.get("/conversations/{conversation_id}/charter", response_class=HTMLResponse)
@kept(ignores=("votes",), when=within_freshness)
def charter_page(
    request: Request, conversation_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    conv = conversations.get_conversation(db, caller, conversation_id)
    res = conversation_analysis.results(db, caller, conversation_id)
    return render(
        request,
        "deliberation/charter.html",
        {
            "conversation": conv,
            "results": res,
            "statements": conversation_analysis.charter_statements(res),
            "palette": PALETTE,
        },
    )
