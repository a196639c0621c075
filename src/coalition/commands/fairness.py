"""CLI of fairness and finished work: ``coalition fairness weight|report`` and
``coalition settle`` (end the engagements whose end date has passed; run it daily)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from .. import formatting as fmt
from ..i18n import _, lazy, ngettext
from ..labels import vocab
from .common import counted, table

fairness_app = typer.Typer(
    help=lazy("Fair spread of opportunity: the network's default weight, and who gets asked."),
    invoke_without_command=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help=lazy("Print JSON instead of a table."))]


@fairness_app.command(
    "weight",
    help=lazy("Show the network's default fairness weight, or set it with --set (as a steward)."),
)
def weight(
    network: Annotated[str, typer.Argument(help=lazy("Network slug."))],
    set_to: Annotated[
        float | None, typer.Option("--set", help=lazy("New default weight (0 turns it off)."))
    ] = None,
) -> None:
    from ..cli import OPERATOR, console, parse_input, run_service
    from ..schemas.outcomes import FairnessWeightIn
    from ..services import fairness
    from ..services.networks import get_network

    if set_to is None:
        out = run_service(
            lambda db: fairness.get_weight(db, OPERATOR, get_network(db, OPERATOR, network))
        )
    else:
        data = parse_input(FairnessWeightIn, {"weight": set_to})
        out = run_service(
            lambda db: fairness.set_weight(db, OPERATOR, get_network(db, OPERATOR, network), data)
        )
    said = (
        _("fairness weight of '%(network)s': %(weight)s (the platform's default)")
        if out.default
        else _("fairness weight of '%(network)s': %(weight)s")
    )
    console.print(said % {"network": out.network, "weight": fmt.decimal(out.weight, 3)})


@fairness_app.command(
    "report",
    help=lazy("Gini of opportunity, its course over two years, and who is asked, by group."),
)
def report(
    network: Annotated[str, typer.Argument(help=lazy("Network slug."))],
    on: Annotated[str | None, typer.Option(help=lazy("As of this date (YYYY-MM-DD)."))] = None,
    as_json: JsonOpt = False,
) -> None:
    from ..cli import OPERATOR, console, emit_json, fail, run_service
    from ..services import fairness
    from ..services.networks import get_network

    try:
        day = date.fromisoformat(on) if on else None
    except ValueError:
        raise fail(_("--on: not a date: %(on)s") % {"on": repr(on)}) from None
    out = run_service(
        lambda db: fairness.fairness_report(db, OPERATOR, get_network(db, OPERATOR, network), day)
    )
    if as_json:
        emit_json(out.model_dump(mode="json"))
        return
    console.print(
        _(
            "'%(network)s' on %(on)s: Gini of opportunity %(opportunity)s, of engagements "
            "%(engagements)s; default fairness weight %(weight)s"
        )
        % {
            "network": out.network,
            "on": fmt.date(out.on),
            "opportunity": fmt.fixed(out.gini_opportunity, 3),
            "engagements": fmt.fixed(out.gini_engagements, 3),
            "weight": fmt.decimal(out.weight, 3),
        }
    )
    course = ", ".join(f"{fmt.date(p.on)} {fmt.fixed(p.gini, 3)}" for p in out.over_time)
    console.print(_("over time: %(course)s") % {"course": course})
    shown = table(
        _("Opportunity by group"),
        (_("dimension"), _("group"), _("actors"), _("engaged"), _("share engaged"), _("Gini")),
    )
    for g in out.groups:
        shown.add_row(
            vocab(g.dimension),
            vocab(g.group),
            fmt.number(g.actors),
            fmt.number(g.engaged),
            fmt.percent(g.share_engaged),
            fmt.fixed(g.gini_opportunity, 3),
        )
    console.print(shown)


def settle(
    today: Annotated[
        str | None, typer.Option(help=lazy("As of this date (YYYY-MM-DD); default today."))
    ] = None,
) -> None:
    from ..cli import console, fail, run_service
    from ..services.engagements import settle_ended

    try:
        day = date.fromisoformat(today) if today else None
    except ValueError:
        raise fail(_("--today: not a date: %(today)s") % {"today": repr(today)}) from None
    ended = run_service(lambda db: settle_ended(db, today=day))
    said = ngettext(
        "%(n)s engagement ended; its hours are free again",
        "%(n)s engagements ended; their hours are free again",
        ended,
    )
    console.print(counted(said, ended))


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    app.add_typer(fairness_app, name="fairness")
    app.command(
        "settle",
        help=lazy(
            "End every active engagement whose end date has passed; their hours become free."
        ),
    )(settle)
