"""HTML pages of decisions: propose (on an initiative or a network), one decision with its
blocks first, the vote form of its kind, who has not voted, the outcome and the log; a
network's decisions. The data of each page is also in the JSON API (web/api/together.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ...domain import DecisionKind
from ...errors import Invalid, NotFound
from ...i18n import _
from ...schemas.together import CloseIn, DecisionIn, VoteIn
from ...services import charters, decision_reminders, decisions, initiatives
from ...services.access import Caller
from ...services.networks import get_network
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..kit import act, signed_out
from ..params import PathId, form_id, form_int
from .together import _initiative_page, form_act, render

router = APIRouter(include_in_schema=False, route_class=CommitFirstRoute)


def _options(text: Any) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


def _hours(text: Any) -> float:
    try:
        return float(str(text or "72").strip())
    except ValueError:
        raise Invalid(_("the closing time is a number of hours"), field="closes_in_hours") from None


def _proposal(f: dict[str, Any]) -> DecisionIn:
    amends = str(f.get("amends_id") or "").strip()
    return DecisionIn.model_validate(
        {
            "kind": f.get("kind", "consent"),
            "title": f.get("title", ""),
            "details": f.get("details", ""),
            "options": _options(f.get("options")),
            "visibility": f.get("visibility", "team"),
            "secret_votes": f.get("secret_votes") == "1",
            "closes_in_hours": _hours(f.get("closes_in_hours")),
            "amends_id": form_id(amends),
        }
    )


@router.post("/initiatives/{initiative_id}/decisions")
async def propose_on_initiative(
    request: Request, initiative_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    return await form_act(
        request,
        db,
        caller,
        lambda f: decisions.propose(db, caller, _proposal(f), initiative_id=initiative_id),
        lambda d: f"/decisions/{d.id}",
        lambda e, s: _initiative_page(request, db, caller, initiative_id, e, s),
    )


def _network_page(
    request: Request, db: DB, caller: Caller, slug: str, errors: list[str], status: int
) -> Response:
    network = get_network(db, caller, slug, public_ok=False)
    items = decisions.list_decisions(db, caller, slug=slug)
    context = {
        "caller": caller,
        "network": network,
        "decisions": items,
        "errors": errors,
        "kinds": [k.value for k in DecisionKind],
    }
    return render(request, "together/network.html", context, status)


@router.get("/n/{slug}/decisions", response_class=HTMLResponse)
def network_decisions(request: Request, slug: str, db: DB, caller: CurrentCaller) -> Response:
    return signed_out(request, caller) or _network_page(request, db, caller, slug, [], 200)


@router.post("/n/{slug}/decisions")
async def propose_on_network(
    request: Request, slug: str, db: DB, caller: CurrentCaller
) -> Response:
    return await form_act(
        request,
        db,
        caller,
        lambda f: decisions.propose(db, caller, _proposal(f), slug=slug),
        lambda d: f"/decisions/{d.id}",
        lambda e, s: _network_page(request, db, caller, slug, e, s),
    )


def _decision_page(
    request: Request, db: DB, caller: Caller, decision_id: int, errors: list[str], status: int
) -> Response:
    item = decisions.get_decision(db, caller, decision_id)
    context = {"caller": caller, "d": item, "errors": errors}
    return render(request, "together/decision.html", context, status)


@router.get("/decisions/{decision_id}", response_class=HTMLResponse)
def decision_page(request: Request, decision_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    return signed_out(request, caller) or _decision_page(request, db, caller, decision_id, [], 200)


def _small(text: str) -> bool:
    """A small whole number typed in a form (ASCII digits only: "²" is a digit to Python)."""
    return text.isascii() and text.isdigit() and len(text) <= 6


def _ballot(f: dict[str, Any], n: int) -> dict[str, Any]:
    """The vote form's fields as VoteIn's: places typed per option become a ranking."""
    data: dict[str, Any] = {"reason": str(f.get("reason", ""))}
    if f.get("position"):
        data["position"] = f["position"]
    if str(f.get("choice", "")).strip():
        data["choice"] = form_int(str(f["choice"]))
    places = {i: str(f.get(f"place_{i}", "")).strip() for i in range(n)}
    if any(places.values()):
        if not all(_small(p) for p in places.values() if p):
            raise Invalid(_("places are numbers"), field="ranking")
        data["ranking"] = [
            i for i, p in sorted(places.items(), key=lambda kv: (int(kv[1] or 99), kv[0])) if p
        ]
    scores = [str(f.get(f"score_{i}", "")).strip() for i in range(n)]
    if any(scores):
        if not all(_small(s) for s in scores):
            raise Invalid(_("give every option a score from 0 to 5"), field="scores")
        data["scores"] = [int(s) for s in scores]
    return data


@router.post("/decisions/{decision_id}/vote")
async def vote(request: Request, decision_id: PathId, db: DB, caller: CurrentCaller) -> Response:

    def action(f: dict[str, Any]) -> Any:
        n = len(decisions.get_decision(db, caller, decision_id).options)
        return decisions.vote(db, caller, decision_id, VoteIn.model_validate(_ballot(f, n)))

    return await form_act(
        request,
        db,
        caller,
        action,
        lambda d: f"/decisions/{d.id}#your-vote",
        lambda e, s: _decision_page(request, db, caller, decision_id, e, s),
    )


@router.post("/decisions/{decision_id}/close")
async def close(request: Request, decision_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    return await form_act(
        request,
        db,
        caller,
        lambda f: decisions.close(
            db, caller, decision_id, CloseIn.model_validate({"outcome": f.get("outcome", "")})
        ),
        lambda d: f"/decisions/{d.id}",
        lambda e, s: _decision_page(request, db, caller, decision_id, e, s),
    )


@router.post("/decisions/{decision_id}/remind")
async def remind(request: Request, decision_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    if (out := signed_out(request, caller)) is not None:
        return out
    return act(
        db,
        lambda: decision_reminders.remind(db, caller, decision_id),
        lambda r: f"/decisions/{decision_id}?reminded={r.reminded}#not-voted",
        lambda e, s: _decision_page(request, db, caller, decision_id, e, s),
    )


@router.get("/initiatives/{initiative_id}/charter", response_class=HTMLResponse)
def charter_page(
    request: Request, initiative_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    """The adopted charter, or how to adopt one (a charter decision) before there is one."""
    if (out := signed_out(request, caller)) is not None:
        return out
    item = initiatives.get_initiative(db, caller, initiative_id)
    try:
        adopted = charters.get_charter(db, caller, initiative_id)
    except NotFound:
        adopted = None
    context = {"caller": caller, "item": item, "charter": adopted}
    return render(request, "together/charter.html", context)
