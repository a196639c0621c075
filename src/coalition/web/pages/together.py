"""HTML pages of threads and decisions: an initiative's threads and decisions, one thread with
its replies, editing one's post, one decision with its vote form, the network's decisions, and
"Your threads" (the navigation's unread count leads there).

Forms post here and are answered with a redirect (post/redirect/get); a refused action shows
the page again with the reason and the error's status. Every page's data is also in the JSON
API (web/api/together.py), from the same service calls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ...domain import SCORE_MAX, DecisionKind
from ...errors import Invalid
from ...i18n import _, lazy, translated_map
from ...schemas.together import PostEditIn, PostIn, ThreadIn
from ...services import decisions, initiatives, threads
from ...services.access import Caller
from .. import kit
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..kit import act, signed_out
from ..params import PathId

router = APIRouter(include_in_schema=False, route_class=CommitFirstRoute)

POSITIONS = {
    "agree": lazy("Agree"),
    "abstain": lazy("Abstain"),
    "disagree": lazy("Disagree"),
    "block": lazy("Block"),
}
STATUS = {
    "open": lazy("Open"),
    "passed": lazy("Passed"),
    "not_passed": lazy("Did not pass"),
    "blocked": lazy("Blocked"),
    "withdrawn": lazy("Withdrawn (amended)"),
}


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    context = {
        "positions": translated_map(POSITIONS),
        "status_words": translated_map(STATUS),
        "score_max": SCORE_MAX,
        **context,
    }
    return kit.render(request, template, context, status)


async def _form(request: Request) -> dict[str, Any]:
    form = await request.form()
    out: dict[str, Any] = {}
    for key in form:
        values = form.getlist(key)
        out[key] = values if len(values) > 1 else values[0]
    return out


async def form_act(
    request: Request,
    db: DB,
    caller: Caller,
    action: Callable[[dict[str, Any]], object],
    success: Callable[[Any], str],
    page: Callable[[list[str], int], Response],
) -> Response:
    """A member's form: sign in first; else read the form and run ``action(form)`` with
    :func:`~coalition.web.kit.act`'s answers (redirect, or the page again with why)."""
    if (out := signed_out(request, caller)) is not None:
        return out
    f = await _form(request)
    return act(db, lambda: action(f), success, page)


def _ids(text: Any) -> list[int]:
    """Asset ids typed as "12, 15"; anything else is refused with the field named."""
    parts = [p.strip() for p in str(text or "").replace(";", ",").split(",") if p.strip()]
    if not all(p.isascii() and p.isdigit() and len(p) <= 10 for p in parts):
        raise Invalid(_("attachments are asset numbers separated by commas"), field="asset_ids")
    return [int(p) for p in parts]


# -- threads ------------------------------------------------------------------------------


def _initiative_page(
    request: Request, db: DB, caller: Caller, initiative_id: int, errors: list[str], status: int
) -> Response:
    item = initiatives.get_initiative(db, caller, initiative_id)
    context = {
        "caller": caller,
        "item": item,
        "threads": threads.list_threads(db, caller, initiative_id),
        "decisions": decisions.list_decisions(db, caller, initiative_id=initiative_id),
        "errors": errors,
        "kinds": [k.value for k in DecisionKind],
    }
    return render(request, "together/initiative.html", context, status)


@router.get("/initiatives/{initiative_id}/threads", response_class=HTMLResponse)
def initiative_threads(
    request: Request, initiative_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    return _initiative_page(request, db, caller, initiative_id, [], 200)


@router.get("/initiatives/{initiative_id}/decisions", response_class=HTMLResponse)
def initiative_decisions(
    request: Request, initiative_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    return _initiative_page(request, db, caller, initiative_id, [], 200)


@router.post("/initiatives/{initiative_id}/threads")
async def start_thread(
    request: Request, initiative_id: PathId, db: DB, caller: CurrentCaller
) -> Response:

    def action(f: dict[str, Any]) -> Any:
        data = ThreadIn.model_validate(
            {
                "title": f.get("title", ""),
                "visibility": f.get("visibility", "team"),
                "body": f.get("body", ""),
                "asset_ids": _ids(f.get("asset_ids")),
            }
        )
        return threads.start_thread(db, caller, initiative_id, data)

    return await form_act(
        request,
        db,
        caller,
        action,
        lambda t: f"/threads/{t.id}",
        lambda e, s: _initiative_page(request, db, caller, initiative_id, e, s),
    )


def _thread_page(
    request: Request, db: DB, caller: Caller, thread_id: int, errors: list[str], status: int
) -> Response:
    thread = threads.get_thread(db, caller, thread_id)
    return render(
        request,
        "together/thread.html",
        {"caller": caller, "thread": thread, "errors": errors},
        status,
    )


@router.get("/threads/{thread_id}", response_class=HTMLResponse)
def thread_page(request: Request, thread_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    return signed_out(request, caller) or _thread_page(request, db, caller, thread_id, [], 200)


@router.post("/threads/{thread_id}/posts")
async def reply(request: Request, thread_id: PathId, db: DB, caller: CurrentCaller) -> Response:

    def action(f: dict[str, Any]) -> Any:
        data = PostIn.model_validate(
            {"body": f.get("body", ""), "asset_ids": _ids(f.get("asset_ids"))}
        )
        return threads.reply(db, caller, thread_id, data)

    return await form_act(
        request,
        db,
        caller,
        action,
        lambda p: f"/threads/{thread_id}#post-{p.id}",
        lambda e, s: _thread_page(request, db, caller, thread_id, e, s),
    )


def _edit_page(
    request: Request, db: DB, caller: Caller, post_id: int, errors: list[str], status: int
) -> Response:
    history = threads.post_history(db, caller, post_id)
    post = threads.get_post(db, caller, post_id)
    context = {"caller": caller, "post": post, "history": history, "errors": errors}
    return render(request, "together/post_edit.html", context, status)


@router.get("/posts/{post_id}/edit", response_class=HTMLResponse)
def edit_page(request: Request, post_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    return signed_out(request, caller) or _edit_page(request, db, caller, post_id, [], 200)


@router.post("/posts/{post_id}/edit")
async def edit_post(request: Request, post_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    return await form_act(
        request,
        db,
        caller,
        lambda f: threads.edit_post(
            db, caller, post_id, PostEditIn.model_validate({"body": f.get("body", "")})
        ),
        lambda p: f"/threads/{p.thread_id}#post-{p.id}",
        lambda e, s: _edit_page(request, db, caller, post_id, e, s),
    )


@router.get("/me/threads", response_class=HTMLResponse)
def my_threads(request: Request, db: DB, caller: CurrentCaller) -> Response:
    if (out := signed_out(request, caller)) is not None:
        return out
    items = threads.my_threads(db, caller)
    return render(request, "together/mine.html", {"caller": caller, "threads": items})
