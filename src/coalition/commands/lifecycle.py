"""CLI of an initiative's life and of offers: ``coalition initiative-life …`` (actions, history,
role edits, re-confirmations) and ``coalition offers …`` (open calls, opportunities, offers).

Reading commands run as the operator; writing ones need ``--as ACTOR_ID`` and act with exactly
that member's rights, as on the web (the convenor's actor for convenor steps).
"""

from __future__ import annotations

from typing import Annotated

import typer

from .. import formatting as fmt
from ..i18n import _, lazy, ngettext
from ..schemas.lifecycle import (
    ActionIn,
    OfferDecisionIn,
    OfferIn,
    OpenCallIn,
    ReconfirmIn,
    RolePatch,
)
from .common import OP, AsOpt, JsonOpt, acting_as, dump, run, run_and_show, show, table

life_app = typer.Typer(
    help=lazy("An initiative's life: actions, history, role edits, re-confirming.")
)
offers_app = typer.Typer(help=lazy("Open calls, opportunities and offers."))


@life_app.command(
    "rules", help=lazy("The initiative's status and every action with its rule (JSON).")
)
def rules(initiative: int) -> None:
    from ..services import lifecycle

    run_and_show(lambda db: lifecycle.lifecycle(db, OP, initiative))


@life_app.command(
    "act", help=lazy("Take a status action: open, back_to_draft, start, complete or close.")
)
def act(initiative: int, action: str, as_actor: AsOpt) -> None:
    from ..cli import parse_input
    from ..services import lifecycle

    data = parse_input(ActionIn, {"action": action})
    run_and_show(
        lambda db: lifecycle.transition(db, acting_as(db, as_actor), initiative, data.action)
    )


@life_app.command(
    "history", help=lazy("Every change of the initiative and its roles, newest first.")
)
def history(initiative: int, as_json: JsonOpt = False) -> None:
    from ..labels import vocab
    from ..services import lifecycle
    from ..services.history_text import field_label, value_text

    items = run(lambda db: dump(lifecycle.history(db, OP, initiative)))
    n = len(items)
    out = table(
        ngettext("%(n)s change", "%(n)s changes", n) % {"n": n},
        (_("at"), _("who"), _("what"), _("before"), _("after")),
    )
    for c in items:
        field, who = c["field"], c["by_name"] or vocab(c["by_role"])
        before, after = value_text(field, c["before"]), value_text(field, c["after"])
        out.add_row(fmt.datetime(c["at"]), who, field_label(field), before, after)
    show(items, as_json, out)


@life_app.command("edit-role", help=lazy("Change a role's seats, hours or title."))
def edit_role(
    initiative: int,
    role: int,
    as_actor: AsOpt,
    seats: Annotated[int | None, typer.Option(help=lazy("Seats"))] = None,
    hours: Annotated[
        float | None, typer.Option(help=lazy("Hours per week (asks re-confirmation)"))
    ] = None,
    title: Annotated[str | None, typer.Option(help=lazy("Title"))] = None,
) -> None:
    from ..cli import parse_input
    from ..services import lifecycle

    sent = {k: v for k, v in {"seats": seats, "hours_per_week": hours, "title": title}.items()}
    data = parse_input(RolePatch, {k: v for k, v in sent.items() if v is not None})

    run_and_show(
        lambda db: lifecycle.edit_role(db, acting_as(db, as_actor), initiative, role, data)
    )


@life_app.command(
    "retire-role",
    help=lazy("Retire a role: no more seats; its engagements end and their hours return."),
)
def retire_role(initiative: int, role: int, as_actor: AsOpt) -> None:
    from ..services import lifecycle

    run_and_show(lambda db: lifecycle.retire_role(db, acting_as(db, as_actor), initiative, role))


@life_app.command("reconfirm", help=lazy("Answer a re-confirmation: confirm or step_back."))
def reconfirm(reconfirmation: int, answer: str, as_actor: AsOpt) -> None:
    from ..cli import parse_input
    from ..services import lifecycle

    data = parse_input(ReconfirmIn, {"answer": answer})

    run_and_show(
        lambda db: lifecycle.answer_reconfirmation(
            db, acting_as(db, as_actor), reconfirmation, data
        )
    )


@offers_app.command(
    "open-call", help=lazy("Open a role to the network's offers (or close its call).")
)
def open_call(
    initiative: int,
    role: int,
    as_actor: AsOpt,
    close: Annotated[bool, typer.Option("--close", help=lazy("Close the call instead"))] = False,
) -> None:
    from ..services import offers

    call = OpenCallIn(open=not close)
    run_and_show(
        lambda db: offers.set_open_call(db, acting_as(db, as_actor), initiative, role, call)
    )


@offers_app.command("opportunities", help=lazy("Open roles ranked for a member, with the reasons."))
def opportunities(as_actor: AsOpt, as_json: JsonOpt = False) -> None:
    from ..services import offers

    data = run(lambda db: dump(offers.opportunities(db, acting_as(db, as_actor))))
    n = len(data["opportunities"])
    out = table(
        ngettext("%(n)s opportunity", "%(n)s opportunities", n) % {"n": n},
        (_("role"), _("initiative"), _("h/week"), _("score"), _("why")),
    )
    for o in data["opportunities"]:
        gaps = [_("not yet: %(gap)s") % {"gap": g} for g in o["gaps"]]
        out.add_row(
            f"{o['role_id']} {o['role_title']}", o["initiative_title"],
            fmt.hours(o["hours_per_week"]), fmt.fixed(o["score"]), "; ".join(o["reasons"] + gaps),
        )  # fmt: skip
    show(data, as_json, out)


@offers_app.command("make", help=lazy("Offer a member (--as) for an open role."))
def make(
    role: int,
    hours: float,
    as_actor: AsOpt,
    note: Annotated[str, typer.Option(help=lazy("A short note to the convenor"))] = "",
) -> None:
    from ..cli import parse_input
    from ..services import offers

    data = parse_input(OfferIn, {"hours_per_week": hours, "note": note, "actor_id": as_actor})
    run_and_show(lambda db: offers.make_offer(db, acting_as(db, as_actor), role, data))


@offers_app.command("list", help=lazy("The offers for an initiative's roles, pending first."))
def list_offers(initiative: int, as_json: JsonOpt = False) -> None:
    from ..services import offers

    items = run(lambda db: dump(offers.initiative_offers(db, OP, initiative)))
    n = len(items)
    out = table(
        ngettext("%(n)s offer", "%(n)s offers", n) % {"n": n},
        (_("id"), _("member"), _("role"), _("h/week"), _("status")),
    )
    for o in items:
        out.add_row(
            str(o["id"]), o["actor_name"], o["role_title"] or "", fmt.hours(o["hours_per_week"]),
            o["status"],
        )  # fmt: skip
    show(items, as_json, out)


@offers_app.command(
    "decide", help=lazy("Accept or decline an offer, as the initiative's convenor.")
)
def decide(offer: int, decision: str, as_actor: AsOpt) -> None:
    from ..cli import parse_input
    from ..services import offers

    data = parse_input(OfferDecisionIn, {"decision": decision})
    run_and_show(lambda db: offers.decide_offer(db, acting_as(db, as_actor), offer, data))


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    app.add_typer(life_app, name="initiative-life")
    app.add_typer(offers_app, name="offers")
