"""CLI of an initiative's life and of offers: ``coalition initiative-life …`` (actions, history,
role edits, re-confirmations) and ``coalition offers …`` (open calls, opportunities, offers).

Reading commands run as the operator; writing ones need ``--as ACTOR_ID`` and act with exactly
that member's rights, as on the web (the convenor's actor for convenor steps).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from ..schemas.lifecycle import (
    ActionIn,
    OfferDecisionIn,
    OfferIn,
    OpenCallIn,
    ReconfirmIn,
    RolePatch,
)
from ..services.access import Caller
from .invitations import AsOpt, JsonOpt, acting_as

life_app = typer.Typer(help="An initiative's life: actions, history, role edits, re-confirming.")
offers_app = typer.Typer(help="Open calls, opportunities and offers.")
OP = Caller.operator()


def _run(fn: Any) -> Any:
    from ..cli import run_service

    return run_service(fn)


def _print(data: Any, as_json: bool, table: Table | None = None) -> None:
    from ..cli import console, emit_json

    if as_json or table is None:
        emit_json(data)
    else:
        console.print(table)


def _dump(value: Any) -> Any:
    if isinstance(value, list):
        return [v.model_dump(mode="json") for v in value]
    return value.model_dump(mode="json")


@life_app.command("rules")
def rules(initiative: int) -> None:
    """The initiative's status and every action with its rule (JSON)."""
    from ..services import lifecycle

    _print(_run(lambda db: _dump(lifecycle.lifecycle(db, OP, initiative))), True)


@life_app.command("act")
def act(initiative: int, action: str, as_actor: AsOpt) -> None:
    """Take a status action: open, back_to_draft, start, complete or close."""
    from ..cli import parse_input
    from ..services import lifecycle

    data = parse_input(ActionIn, {"action": action})
    _print(
        _run(
            lambda db: _dump(
                lifecycle.transition(db, acting_as(db, as_actor), initiative, data.action)
            )
        ),
        True,
    )


@life_app.command("history")
def history(initiative: int, as_json: JsonOpt = False) -> None:
    """Every change of the initiative and its roles, newest first."""
    from ..services import lifecycle

    items = _run(lambda db: _dump(lifecycle.history(db, OP, initiative)))
    table = Table(title=f"{len(items)} change(s)")
    for column in ("at", "who", "what", "before", "after"):
        table.add_column(column)
    for c in items:
        who = c["by_name"] or c["by_role"]
        table.add_row(c["at"], who, c["field"], str(c["before"]), str(c["after"]))
    _print(items, as_json, table)


@life_app.command("edit-role")
def edit_role(
    initiative: int,
    role: int,
    as_actor: AsOpt,
    seats: Annotated[int | None, typer.Option(help="Seats")] = None,
    hours: Annotated[
        float | None, typer.Option(help="Hours per week (asks re-confirmation)")
    ] = None,
    title: Annotated[str | None, typer.Option(help="Title")] = None,
) -> None:
    """Change a role's seats, hours or title."""
    from ..cli import parse_input
    from ..services import lifecycle

    sent = {k: v for k, v in {"seats": seats, "hours_per_week": hours, "title": title}.items()}
    data = parse_input(RolePatch, {k: v for k, v in sent.items() if v is not None})

    def go(db: Session) -> Any:
        return _dump(lifecycle.edit_role(db, acting_as(db, as_actor), initiative, role, data))

    _print(_run(go), True)


@life_app.command("retire-role")
def retire_role(initiative: int, role: int, as_actor: AsOpt) -> None:
    """Retire a role: no more seats; its engagements end and their hours return."""
    from ..services import lifecycle

    _print(
        _run(
            lambda db: _dump(lifecycle.retire_role(db, acting_as(db, as_actor), initiative, role))
        ),
        True,
    )


@life_app.command("reconfirm")
def reconfirm(reconfirmation: int, answer: str, as_actor: AsOpt) -> None:
    """Answer a re-confirmation: confirm or step_back."""
    from ..cli import parse_input
    from ..services import lifecycle

    data = parse_input(ReconfirmIn, {"answer": answer})

    def go(db: Session) -> Any:
        caller = acting_as(db, as_actor)
        return _dump(lifecycle.answer_reconfirmation(db, caller, reconfirmation, data))

    _print(_run(go), True)


@offers_app.command("open-call")
def open_call(
    initiative: int,
    role: int,
    as_actor: AsOpt,
    close: Annotated[bool, typer.Option("--close", help="Close the call instead")] = False,
) -> None:
    """Open a role to the network's offers (or close its call)."""
    from ..services import offers

    def go(db: Session) -> Any:
        caller = acting_as(db, as_actor)
        return _dump(offers.set_open_call(db, caller, initiative, role, OpenCallIn(open=not close)))

    _print(_run(go), True)


@offers_app.command("opportunities")
def opportunities(as_actor: AsOpt, as_json: JsonOpt = False) -> None:
    """Open roles ranked for a member, with the reasons."""
    from ..services import offers

    data = _run(lambda db: _dump(offers.opportunities(db, acting_as(db, as_actor))))
    table = Table(title=f"{len(data['opportunities'])} opportunity(ies)")
    for column in ("role", "initiative", "h/week", "score", "why"):
        table.add_column(column)
    for o in data["opportunities"]:
        why = "; ".join(o["reasons"] + [f"not yet: {g}" for g in o["gaps"]])
        table.add_row(
            f"{o['role_id']} {o['role_title']}", o["initiative_title"],
            f"{o['hours_per_week']:g}", f"{o['score']:.2f}", why,
        )  # fmt: skip
    _print(data, as_json, table)


@offers_app.command("make")
def make(
    role: int,
    hours: float,
    as_actor: AsOpt,
    note: Annotated[str, typer.Option(help="A short note to the convenor")] = "",
) -> None:
    """Offer a member (--as) for an open role."""
    from ..cli import parse_input
    from ..services import offers

    data = parse_input(OfferIn, {"hours_per_week": hours, "note": note, "actor_id": as_actor})
    _print(_run(lambda db: _dump(offers.make_offer(db, acting_as(db, as_actor), role, data))), True)


@offers_app.command("list")
def list_offers(initiative: int, as_json: JsonOpt = False) -> None:
    """The offers for an initiative's roles, pending first."""
    from ..services import offers

    items = _run(lambda db: _dump(offers.initiative_offers(db, OP, initiative)))
    table = Table(title=f"{len(items)} offer(s)")
    for column in ("id", "member", "role", "h/week", "status"):
        table.add_column(column)
    for o in items:
        table.add_row(
            str(o["id"]), o["actor_name"], o["role_title"] or "", f"{o['hours_per_week']:g}",
            o["status"],
        )  # fmt: skip
    _print(items, as_json, table)


@offers_app.command("decide")
def decide(offer: int, decision: str, as_actor: AsOpt) -> None:
    """Accept or decline an offer, as the initiative's convenor."""
    from ..cli import parse_input
    from ..services import offers

    data = parse_input(OfferDecisionIn, {"decision": decision})
    _print(
        _run(lambda db: _dump(offers.decide_offer(db, acting_as(db, as_actor), offer, data))),
        True,
    )


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    app.add_typer(life_app, name="initiative-life")
    app.add_typer(offers_app, name="offers")
