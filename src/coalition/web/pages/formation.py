"""The convenor's proposal comparison: ask for proposals, compare the best team and its
alternatives side by side, lock members in or exclude them and run again, invite a team.

The page's data is the API's: ``GET /api/initiatives/{id}/proposals/latest`` (the newest run
and its request), ``POST /api/initiatives/{id}/proposals`` (a run) and ``POST
/api/proposals/{id}/invitations`` (invite a proposed team).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field, ValidationError

from ...errors import CoalitionError, Invalid, NotFound
from ...i18n import _, lazy
from ...schemas.formation import NamedActorOut, ProposalOut, ProposalRequest, ProposalSet
from ...services import formation as service
from ...services import gaps, invitations
from ...services.access import Caller
from ...services.initiatives import get_initiative
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..kit import render, see_other
from ..messages import sentences
from ..params import PathId

router = APIRouter(include_in_schema=False, route_class=CommitFirstRoute)

OBJECTIVES = ("fit", "purpose", "trust", "diversity", "fairness", "cost", "bridging")
# Each objective's glossary entry (coalition/glossary.py).
OBJECTIVE_TERMS = {o: o for o in OBJECTIVES} | {"bridging": "bridging_score"}
OBJECTIVE_HINTS = {  # translated where shown
    "fit": lazy("how far members exceed the levels each role needs"),
    "purpose": lazy("how much members share the initiative's purpose"),
    "trust": lazy("past collaborations and closeness in the tie network"),
    "diversity": lazy("sectors, regions and kinds of actor represented"),
    "fairness": lazy(
        "opportunity for those who have had fewer chances recently than others who "
        "qualify (the network's default weight unless you change it)"
    ),
    "cost": lazy("day rates shared with convenors, against the budget"),
    "bridging": lazy(
        "new connections: people from different sectors who have never worked together"
    ),
}


def _ids(values: list[str], field: str) -> list[tuple[int, int | None]]:
    """Actor ids typed or ticked: "12", "12:34" (actor 12 in role 34), or several with commas."""
    out: list[tuple[int, int | None]] = []
    for value in values:
        for part in value.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            actor, _unused, role = part.partition(":")
            try:
                out.append((int(actor), int(role) if role else None))
            except ValueError:
                raise Invalid(
                    _("'%(part)s' is not an actor id: give numbers separated by commas")
                    % {"part": part},
                    field=field,
                ) from None
    return out


def _render(
    request: Request,
    db: DB,
    caller: Caller,
    initiative_id: int,
    *,
    proposals: list[ProposalOut],
    used: ProposalRequest,
    locked: list[NamedActorOut],
    excluded: list[NamedActorOut],
    created_at: Any = None,
    result: ProposalSet | None = None,
    errors: list[str] | None = None,
    status: int = 200,
    advice: list[gaps.Relaxation] | None = None,
) -> Response:
    item = get_initiative(db, caller, initiative_id)
    seats = {
        (i.actor_id, i.role_id): i.status
        for i in invitations.list_for_initiative(db, caller, initiative_id)
    }
    best = {(m.actor_id, m.role_id) for m in proposals[0].members} if proposals else set()
    held = {a.actor_id for a in locked} | {a.actor_id for a in excluded}
    context = {
        "caller": caller,
        "item": item,
        "proposals": proposals,
        "used": used,
        "locked": locked,
        "excluded": excluded,
        "held": held,
        "created_at": created_at,
        "result": result,
        "errors": errors or [],
        "best": best,
        "invited": seats,
        "objectives": OBJECTIVES,
        "hints": OBJECTIVE_HINTS,
        "objective_terms": OBJECTIVE_TERMS,
        "advice": advice or [],
        "roles": {r.id: r for r in item.roles},
    }
    return render(request, "formation/proposals.html", context, status)


def _latest(
    request: Request,
    db: DB,
    caller: Caller,
    initiative_id: int,
    errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    run = service.latest_run(db, caller, initiative_id)
    return _render(
        request,
        db,
        caller,
        initiative_id,
        proposals=run.proposals,
        used=run.request,
        locked=run.locked_in,
        excluded=run.excluded,
        created_at=run.created_at,
        errors=errors,
        status=status,
    )


@router.get("/initiatives/{initiative_id}/proposals", response_class=HTMLResponse)
def proposals_page(
    request: Request, initiative_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    return _latest(request, db, caller, initiative_id)


class TeamInviteForm(BaseModel):
    """The message sent with a proposal's invitations (refused beyond 4,000 characters)."""

    message: str = ""


class RunForm(BaseModel):
    """The formation form as typed: a weight per objective, how many alternatives, who is
    locked in or left out ("actor:role"), and a requirement to lower first."""

    fit: str = "1.0"
    purpose: str = "0.8"
    trust: str = "0.6"
    diversity: str = "0.4"
    fairness: str = "0.3"
    cost: str = "0.3"
    bridging: str = "0"
    alternatives: str = "3"
    lock: list[str] = []
    exclude: list[str] = []
    lower: str = Field("", max_length=40)


@router.post("/initiatives/{initiative_id}/proposals/run")
def run_formation(
    request: Request,
    initiative_id: PathId,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[RunForm, Form()],
) -> Response:
    """Run formation with the weights, locks and exclusions of the form; the new run shows.

    ``lower`` ("role:capability:level", the gap report's button) first lowers one of a role's
    capability levels."""
    typed = form.model_dump(exclude={"alternatives", "lock", "exclude", "lower"})
    try:
        weights: dict[str, Any] = {}
        for name, text in typed.items():
            try:
                weights[name] = float(text)
            except ValueError:
                raise Invalid(
                    _("weight '%(name)s': give a number from 0 to 100") % {"name": name}
                ) from None
        try:
            count: Any = int(form.alternatives)
        except ValueError:
            count = form.alternatives
        locks = {actor: role for actor, role in _ids(form.lock, "lock")}
        excluded = sorted({actor for actor, _ in _ids(form.exclude, "exclude")})
        try:
            req = ProposalRequest.model_validate(
                {
                    "weights": weights,
                    "alternatives": count,
                    "locked_in": [{"actor_id": a, "role_id": r} for a, r in locks.items()],
                    "excluded": excluded,
                }
            )
        except ValidationError as exc:
            raise Invalid(" ".join(sentences(exc.errors(include_url=False)))) from None
        if set(locks) & set(excluded):
            raise Invalid(_("a member cannot be both locked in and excluded"), field="lock")
        if form.lower:
            _lower(db, caller, initiative_id, form.lower)
        result = service.propose_team(db, caller, initiative_id, req)
    except Invalid as exc:
        db.rollback()
        return _latest(request, db, caller, initiative_id, [exc.message], exc.status)
    if not result.proposals:
        # Nothing to store but the reasons: show them with the request that led there.
        locked, left_out = service.held_actors(db, caller, initiative_id, req)
        return _render(
            request,
            db,
            caller,
            initiative_id,
            proposals=[],
            used=req,
            locked=locked,
            excluded=left_out,
            result=result,
            advice=gaps.relaxations(db, caller, initiative_id),
        )
    return see_other(f"/initiatives/{initiative_id}/proposals")


def _lower(db: DB, caller: Caller, initiative_id: int, value: str) -> None:
    try:
        role_id, capability_id, level = (int(part) for part in value.split(":"))
    except ValueError:
        raise Invalid(_("lower: give role:capability:level as numbers"), field="lower") from None
    gaps.lower_requirement(db, caller, initiative_id, role_id, capability_id, level)


@router.post("/initiatives/{initiative_id}/proposals/{proposal_id}/invite")
def invite_team(
    request: Request,
    initiative_id: PathId,
    proposal_id: PathId,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[TeamInviteForm, Form()],
) -> Response:
    """Invite every member of the proposal to their proposed seat, then follow the answers."""
    ttl = int(request.app.state.settings.invitation_ttl_days)
    try:
        if len(form.message) > 4000:
            raise Invalid(_("the message is longer than 4,000 characters"), field="message")
        sent = invitations.invite_proposal(
            db, caller, proposal_id, form.message.strip(), ttl_days=ttl, initiative_id=initiative_id
        )
    except NotFound:
        raise
    except CoalitionError as exc:
        if exc.status in (401, 403):
            raise
        db.rollback()
        return _latest(request, db, caller, initiative_id, [exc.message], exc.status)
    return see_other(f"/initiatives/{initiative_id}/invitations?invited={len(sent)}")
