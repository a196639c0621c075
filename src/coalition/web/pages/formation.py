"""The convenor's proposal comparison: run formation, compare teams side by side, re-run."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from ...errors import Invalid
from ...schemas.formation import ProposalRequest
from ...services import formation as service
from ...services.initiatives import get_initiative
from ...store.tables_formation import Proposal
from ..deps import DB, CurrentCaller
from .directory import render

router = APIRouter(include_in_schema=False)


def _ids(text: str, field: str) -> list[int]:
    try:
        return [int(x) for x in text.replace(";", ",").split(",") if x.strip()]
    except ValueError:
        raise Invalid("give actor ids separated by commas", field=field) from None


@router.get("/initiatives/{initiative_id}/proposals", response_class=HTMLResponse)
def proposals_page(request: Request, initiative_id: int, db: DB, caller: CurrentCaller) -> Response:
    stored = service.list_proposals(db, caller, initiative_id)
    item = get_initiative(db, caller, initiative_id)
    run = None
    if stored:
        run = db.scalar(select(Proposal.run).where(Proposal.id == stored[0].id))
        latest = set(db.scalars(select(Proposal.id).where(Proposal.run == run)))
        stored = sorted((p for p in stored if p.id in latest), key=lambda p: p.rank)
        request_used = db.scalar(select(Proposal.request).where(Proposal.id == stored[0].id))
    else:
        request_used = ProposalRequest().model_dump(mode="json")
    return render(
        request,
        "formation/proposals.html",
        {
            "item": item,
            "proposals": stored,
            "run": run,
            "used": request_used,
            "caller": caller,
            "objectives": ["fit", "purpose", "trust", "diversity", "fairness", "cost"],
        },
    )


@router.post("/initiatives/{initiative_id}/proposals/run")
def run_formation(
    request: Request,
    initiative_id: int,
    db: DB,
    caller: CurrentCaller,
    fit: Annotated[float, Form()] = 1.0,
    purpose: Annotated[float, Form()] = 0.8,
    trust: Annotated[float, Form()] = 0.6,
    diversity: Annotated[float, Form()] = 0.4,
    fairness: Annotated[float, Form()] = 0.3,
    cost: Annotated[float, Form()] = 0.3,
    alternatives: Annotated[int, Form()] = 3,
    lock: Annotated[str, Form()] = "",
    exclude: Annotated[str, Form()] = "",
) -> Response:
    try:
        req = ProposalRequest.model_validate(
            {
                "weights": {
                    "fit": fit,
                    "purpose": purpose,
                    "trust": trust,
                    "diversity": diversity,
                    "fairness": fairness,
                    "cost": cost,
                },
                "alternatives": alternatives,
                "locked_in": [{"actor_id": a} for a in _ids(lock, "lock")],
                "excluded": _ids(exclude, "exclude"),
            }
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        raise Invalid(f"{'.'.join(map(str, err['loc']))}: {err['msg']}") from None
    result = service.propose_team(db, caller, initiative_id, req)
    if not result.proposals:
        item = get_initiative(db, caller, initiative_id)
        return render(
            request,
            "formation/proposals.html",
            {
                "item": item,
                "proposals": [],
                "run": result.run,
                "used": req.model_dump(mode="json"),
                "result": result,
                "caller": caller,
                "objectives": ["fit", "purpose", "trust", "diversity", "fairness", "cost"],
            },
        )
    return RedirectResponse(f"/initiatives/{initiative_id}/proposals", status_code=303)
