"""Pages of an initiative's life and of offers: "Opportunities for you", the member's offers and
re-confirmations, and the convenor's page (status actions with their rules, role edits, open
calls, offers beside the proposals, who has re-confirmed, the history).

Forms post here and are answered with a redirect (post/redirect/get); a refused action shows
the page again with the reason and the error's status. The JSON API (web/api/lifecycle.py)
makes the same service calls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ...domain import INITIATIVE_ACTIONS
from ...schemas.lifecycle import (
    OfferDecisionIn,
    OfferIn,
    OpenCallIn,
    ReconfirmIn,
    RolePatch,
)
from ...services import formation, initiatives, lifecycle, offers
from ...services.access import Caller
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..kit import act, render, signed_out
from ..params import PathId
from .together import _form, form_act

router = APIRouter(include_in_schema=False, route_class=CommitFirstRoute)


# -- the member -------------------------------------------------------------------------------


def _opportunities_page(
    request: Request, db: DB, caller: Caller, errors: list[str], status: int
) -> Response:
    data = offers.opportunities(db, caller, network_slug=request.query_params.get("network"))
    return render(
        request, "lifecycle/opportunities.html",
        {"caller": caller, "data": data, "errors": errors}, status,
    )  # fmt: skip


@router.get("/opportunities", response_class=HTMLResponse)
def opportunities_page(request: Request, db: DB, caller: CurrentCaller) -> Response:
    if (out := signed_out(request, caller)) is not None:
        return out
    return _opportunities_page(request, db, caller, [], 200)


def _offer_page(
    request: Request, db: DB, caller: Caller, role_id: int, errors: list[str], status: int
) -> Response:
    item, rid = offers.offer_context(db, caller, role_id)
    role = next(r for r in item.roles if r.id == rid)
    context = {"caller": caller, "item": item, "role": role, "errors": errors}
    return render(request, "lifecycle/offer.html", context, status)


@router.get("/roles/{role_id}/offer", response_class=HTMLResponse)
def offer_page(request: Request, role_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    """ "Offer to…" from an initiative's page: the form for one open role."""
    if (out := signed_out(request, caller)) is not None:
        return out
    return _offer_page(request, db, caller, role_id, [], 200)


@router.post("/roles/{role_id}/offers")
async def offer(request: Request, role_id: PathId, db: DB, caller: CurrentCaller) -> Response:

    def action(f: dict[str, Any]) -> Any:
        data = OfferIn.model_validate(
            {"hours_per_week": f.get("hours_per_week") or 0, "note": f.get("note", "")},
            strict=False,
        )
        return offers.make_offer(db, caller, role_id, data)

    return await form_act(
        request, db, caller, action, lambda _: "/me/offers",
        lambda e, s: _offer_page(request, db, caller, role_id, e, s),
    )  # fmt: skip


def _mine_page(
    request: Request, db: DB, caller: Caller, errors: list[str], status: int
) -> Response:
    context = {
        "caller": caller,
        "offers": offers.my_offers(db, caller),
        "reconfirmations": lifecycle.my_reconfirmations(db, caller),
        "errors": errors,
    }
    return render(request, "lifecycle/mine.html", context, status)


@router.get("/me/offers", response_class=HTMLResponse)
def my_offers(request: Request, db: DB, caller: CurrentCaller) -> Response:
    if (out := signed_out(request, caller)) is not None:
        return out
    return _mine_page(request, db, caller, [], 200)


@router.get("/me/reconfirmations", response_class=HTMLResponse)
def my_reconfirmations(request: Request, db: DB, caller: CurrentCaller) -> Response:
    if (out := signed_out(request, caller)) is not None:
        return out
    return _mine_page(request, db, caller, [], 200)


@router.post("/offers/{offer_id}/withdraw")
def withdraw(request: Request, offer_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    if (out := signed_out(request, caller)) is not None:
        return out
    return act(
        db, lambda: offers.withdraw_offer(db, caller, offer_id), lambda _: "/me/offers",
        lambda e, s: _mine_page(request, db, caller, e, s),
    )  # fmt: skip


@router.post("/reconfirmations/{reconfirmation_id}")
async def reconfirm(
    request: Request, reconfirmation_id: PathId, db: DB, caller: CurrentCaller
) -> Response:

    def action(f: dict[str, Any]) -> Any:
        data = ReconfirmIn.model_validate({"answer": f.get("answer", "")})
        return lifecycle.answer_reconfirmation(db, caller, reconfirmation_id, data)

    return await form_act(
        request, db, caller, action, lambda _: "/me/reconfirmations",
        lambda e, s: _mine_page(request, db, caller, e, s),
    )  # fmt: skip


@router.get("/actors/{actor_id}/invite", response_class=HTMLResponse)
def invite_to(request: Request, actor_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    """ "Invite to…" from a profile or a directory result: the caller's own forming or active
    initiatives, each with a form to the invitation it already has."""
    if (out := signed_out(request, caller)) is not None:
        return out
    actor, items = offers.invitable_initiatives(db, caller, actor_id)
    context = {"caller": caller, "actor": actor, "items": items}
    return render(request, "lifecycle/invite_to.html", context)


# -- the convenor -----------------------------------------------------------------------------


def _manage_page(
    request: Request, db: DB, caller: Caller, initiative_id: int, errors: list[str], status: int
) -> Response:
    item = initiatives.get_initiative(db, caller, initiative_id)
    convening = initiatives.can_convene(db, caller, initiative_id)
    context: dict[str, Any] = {
        "caller": caller,
        "item": item,
        "convening": convening,
        "life": lifecycle.lifecycle(db, caller, initiative_id),
        "history": lifecycle.history(db, caller, initiative_id),
        "errors": errors,
        "offers": [],
        "reconfirmations": [],
        "proposals": [],
    }
    if convening:
        context["offers"] = offers.initiative_offers(db, caller, initiative_id)
        context["reconfirmations"] = lifecycle.initiative_reconfirmations(db, caller, initiative_id)
        context["proposals"] = formation.list_proposals(db, caller, initiative_id)[:3]
    return render(request, "lifecycle/manage.html", context, status)


@router.get("/initiatives/{initiative_id}/manage", response_class=HTMLResponse)
def manage(request: Request, initiative_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    return _manage_page(request, db, caller, initiative_id, [], 200)


@router.get("/initiatives/{initiative_id}/offers", response_class=HTMLResponse)
def offers_page(request: Request, initiative_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    return _manage_page(request, db, caller, initiative_id, [], 200)


def _convenor_form(
    request: Request,
    db: DB,
    caller: Caller,
    initiative_id: int,
    action: Callable[[], object],
) -> Response:
    if (out := signed_out(request, caller)) is not None:
        return out
    return act(
        db, action, lambda _: f"/initiatives/{initiative_id}/manage",
        lambda e, s: _manage_page(request, db, caller, initiative_id, e, s),
    )  # fmt: skip


@router.post("/initiatives/{initiative_id}/actions")
async def take_action(
    request: Request, initiative_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    f = await _form(request)
    name = str(f.get("action", ""))
    if name not in {a.value for a in INITIATIVE_ACTIONS}:
        name = "invalid"

    def action() -> Any:
        from ...schemas.lifecycle import ActionIn

        return lifecycle.transition(
            db, caller, initiative_id, ActionIn.model_validate({"action": name}).action
        )

    return _convenor_form(request, db, caller, initiative_id, action)


@router.post("/initiatives/{initiative_id}/roles/{role_id}/edit")
async def edit_role(
    request: Request, initiative_id: PathId, role_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    f = await _form(request)
    sent = {k: f[k] for k in ("title", "seats", "hours_per_week") if f.get(k) not in (None, "")}

    def action() -> Any:
        return lifecycle.edit_role(
            db, caller, initiative_id, role_id, RolePatch.model_validate(sent, strict=False)
        )

    return _convenor_form(request, db, caller, initiative_id, action)


@router.post("/initiatives/{initiative_id}/roles/{role_id}/open-call")
async def open_call(
    request: Request, initiative_id: PathId, role_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    f = await _form(request)
    wanted = OpenCallIn(open=f.get("open") == "1")
    return _convenor_form(
        request, db, caller, initiative_id,
        lambda: offers.set_open_call(db, caller, initiative_id, role_id, wanted),
    )  # fmt: skip


@router.post("/initiatives/{initiative_id}/roles/{role_id}/retire")
def retire(
    request: Request, initiative_id: PathId, role_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    return _convenor_form(
        request, db, caller, initiative_id,
        lambda: lifecycle.retire_role(db, caller, initiative_id, role_id),
    )  # fmt: skip


@router.post("/offers/{offer_id}/decision")
async def decide(request: Request, offer_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    if (out := signed_out(request, caller)) is not None:
        return out
    f = await _form(request)

    def action() -> Any:
        data = OfferDecisionIn.model_validate({"decision": f.get("decision", "")})
        return offers.decide_offer(db, caller, offer_id, data)

    def page(errors: list[str], status: int) -> Response:
        return render(
            request, "error.html", {"caller": caller, "message": "; ".join(errors)}, status
        )

    return act(db, action, lambda o: f"/initiatives/{o.initiative_id}/manage", page)
