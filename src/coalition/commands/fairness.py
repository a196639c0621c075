"""CLI of fairness and finished work: ``coalition fairness weight|report`` and
``coalition settle`` (end the engagements whose end date has passed; run it daily)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from ..i18n import _, lazy

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
    from pydantic import ValidationError

    from ..cli import OPERATOR, console, fail, run_service
    from ..schemas.outcomes import FairnessWeightIn
    from ..services import fairness
    from ..services.networks import get_network

    if set_to is None:
        out = run_service(
            lambda db: fairness.get_weight(db, OPERATOR, get_network(db, OPERATOR, network))
        )
    else:
        try:
            data = FairnessWeightIn(weight=set_to)
        except ValidationError as exc:
            raise fail(_("--set: %(msg)s") % {"msg": exc.errors()[0]["msg"]}) from None
        out = run_service(
            lambda db: fairness.set_weight(db, OPERATOR, get_network(db, OPERATOR, network), data)
        )
    note = " (the platform's default)" if out.default else ""
    console.print(f"fairness weight of '{out.network}': {out.weight:g}{note}")


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
        f"'{out.network}' on {out.on}: Gini of opportunity {out.gini_opportunity:.3f}, "
        f"of engagements {out.gini_engagements:.3f}; default fairness weight {out.weight:g}"
    )
    console.print("over time: " + ", ".join(f"{p.on} {p.gini:.3f}" for p in out.over_time))
    table = Table(title="Opportunity by group")
    for col in ("dimension", "group", "actors", "engaged", "share engaged", "Gini"):
        table.add_column(col)
    for g in out.groups:
        table.add_row(
            g.dimension,
            g.group,
            str(g.actors),
            str(g.engaged),
            f"{g.share_engaged:.0%}",
            f"{g.gini_opportunity:.3f}",
        )
    console.print(table)


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
    console.print(f"{ended} engagement(s) ended; their hours are free again")


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    app.add_typer(fairness_app, name="fairness")
    app.command(
        "settle",
        help=lazy(
            "End every active engagement whose end date has passed; their hours become free."
        ),
    )(settle)
