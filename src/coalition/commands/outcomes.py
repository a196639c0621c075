"""CLI of the outcomes area (``coalition outcomes …``, ``coalition contributions …``); its demo
data is in coalition.demo.outcomes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel

from .. import formatting as fmt
from ..choices import is_choice
from ..i18n import _, lazy, ngettext
from ..labels import vocab
from .common import OP, JsonOpt, NetworkOpt, table, wrote

T = TypeVar("T", bound=BaseModel)

outcomes_app = typer.Typer(
    help=lazy("Outcomes of initiatives: metrics and measurements."), no_args_is_help=True
)
contributions_app = typer.Typer(
    help=lazy("The contribution ledger: record and confirm contributions."), no_args_is_help=True
)

InitiativeOpt = Annotated[int, typer.Option("--initiative", "-i", help=lazy("Initiative id."))]
DateOpt = Annotated[str, typer.Option(help=lazy("YYYY-MM-DD."))]


def _submit(model: type[T], data: dict[str, Any], act: Any, as_json: bool, said: Any) -> None:
    """Validate the options as ``model``, run ``act(db, input)``, say ``said(answer)``."""
    from ..cli import emit_result, parse_input, run_service

    given = parse_input(model, data)
    out = run_service(lambda db: act(db, given))
    emit_result(out, as_json, said(out))


# ---------------------------------------------------------------- outcomes


@outcomes_app.command(
    "list", help=lazy("The outcomes of an initiative with their status against the trajectory.")
)
def outcomes_list(
    initiative: Annotated[int, typer.Option("--initiative", "-i", help=lazy("Initiative id."))],
    as_json: JsonOpt = False,
) -> None:
    from ..cli import console, emit_json, run_service
    from ..services.outcomes import list_outcomes

    items = run_service(lambda db: list_outcomes(db, OP, initiative))
    if as_json:
        emit_json([o.model_dump(mode="json") for o in items])
        return
    n = len(items)
    title = ngettext(
        "%(n)s outcome of initiative %(initiative)s",
        "%(n)s outcomes of initiative %(initiative)s",
        n,
    )
    out = table(
        title % {"n": n, "initiative": initiative},
        (_("id"), _("name"), _("baseline"), _("target"), _("due"), _("latest"), _("status")),
    )
    for o in items:
        out.add_row(
            str(o.id),
            o.name,
            f"{fmt.decimal(o.baseline)} {o.unit} ({fmt.date(o.baseline_date)})",
            f"{fmt.decimal(o.target)} {o.unit}",
            fmt.date(o.due_date),
            f"{fmt.decimal(o.latest.value)} ({fmt.date(o.latest.measured_on)})" if o.latest else "",
            vocab(o.status),
        )
    console.print(out)


@outcomes_app.command("add", help=lazy("Define an outcome metric of an initiative."))
def outcomes_add(
    initiative: InitiativeOpt,
    name: Annotated[str, typer.Option(help=lazy("What is measured."))],
    unit: Annotated[str, typer.Option(help=lazy("Unit of every measurement."))],
    baseline: Annotated[float, typer.Option(help=lazy("Value at the baseline date."))],
    baseline_date: DateOpt,
    target: Annotated[float, typer.Option(help=lazy("Value aimed for by the due date."))],
    direction: Annotated[str, typer.Option(help=lazy("increase or decrease."))],
    due_date: DateOpt,
    description: str = "",
    as_json: JsonOpt = False,
) -> None:
    from ..schemas.outcomes import OutcomeIn
    from ..services.outcomes import add_outcome

    _submit(
        OutcomeIn,
        {
            "name": name,
            "description": description,
            "unit": unit,
            "baseline": baseline,
            "baseline_date": baseline_date,
            "target": target,
            "direction": direction,
            "due_date": due_date,
        },
        lambda db, data: add_outcome(db, OP, initiative, data),
        as_json,
        lambda out: (
            _("outcome %(id)s '%(name)s' added to initiative %(initiative)s")
            % {"id": out.id, "name": out.name, "initiative": initiative}
        ),
    )


@outcomes_app.command("measure", help=lazy("Record a dated measurement of an outcome."))
def outcomes_measure(
    outcome: Annotated[int, typer.Argument(help=lazy("Outcome id."))],
    value: Annotated[float, typer.Option(help=lazy("The measured value."))],
    unit: Annotated[str, typer.Option(help=lazy("Must be the outcome's unit."))],
    on: Annotated[str, typer.Option("--on", help=lazy("Measurement date, YYYY-MM-DD."))],
    source: str = "",
    note: str = "",
    as_json: JsonOpt = False,
) -> None:
    from ..schemas.outcomes import MeasurementIn
    from ..services.outcomes import record_measurement

    _submit(
        MeasurementIn,
        {"value": value, "unit": unit, "measured_on": on, "source": source, "note": note},
        lambda db, data: record_measurement(db, OP, outcome, data),
        as_json,
        lambda out: (
            _("'%(name)s' is now %(status)s") % {"name": out.name, "status": vocab(out.status)}
        ),
    )


@outcomes_app.command(
    "export",
    help=lazy("Write one table of the outcomes area as CSV (to a file or standard output)."),
)
def outcomes_export(
    network: NetworkOpt = "demo",
    what: Annotated[
        str, typer.Option(help=lazy("outcomes, measurements, contributions, assets or health."))
    ] = "outcomes",
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    import sys
    from typing import get_args

    from ..cli import err, fail, run_service
    from ..io.outcomes_csv import export_csv
    from ..schemas.outcomes import ExportName
    from ..services.networks import get_network

    names: tuple[ExportName, ...] = get_args(ExportName)
    if not is_choice(what, names):
        raise fail(
            _("--what must be one of %(value)s") % {"value": ", ".join(get_args(ExportName))}
        )
    text = run_service(lambda db: export_csv(db, OP, get_network(db, OP, network), what))
    if output:
        output.write_text(text, encoding="utf-8")
        rows = text.count(chr(10)) - 1
        err.print(wrote(output, ngettext("%(n)s row", "%(n)s rows", rows) % {"n": rows}))
    else:
        sys.stdout.write(text)


# ---------------------------------------------------------------- contributions


@contributions_app.command("list", help=lazy("The contribution ledger of a network."))
def contributions_list(
    network: NetworkOpt = "demo",
    initiative: Annotated[int | None, typer.Option("--initiative", "-i")] = None,
    actor: Annotated[int | None, typer.Option(help=lazy("Contributed or confirmed by."))] = None,
    status: Annotated[str | None, typer.Option(help=lazy("recorded or confirmed."))] = None,
    limit: int = 200,
    as_json: JsonOpt = False,
) -> None:
    from ..cli import console, emit_json, fail, run_service
    from ..services.contributions import list_contributions
    from ..services.networks import get_network

    if status not in (None, "recorded", "confirmed"):
        raise fail(_("--status must be recorded or confirmed"))
    items = run_service(
        lambda db: list_contributions(
            db,
            OP,
            get_network(db, OP, network),
            initiative_id=initiative,
            actor_id=actor,
            status=status,
            limit=limit,
        )
    )
    if as_json:
        emit_json([c.model_dump(mode="json") for c in items])
        return
    n = len(items)
    out = table(
        ngettext("%(n)s contribution", "%(n)s contributions", n) % {"n": n},
        (
            _("id"),
            _("initiative"),
            _("contributor"),
            _("kind"),
            _("amount"),
            _("date"),
            _("confirmed by"),
        ),
    )
    for c in items:
        out.add_row(
            str(c.id),
            c.initiative_title,
            c.contributor_name or str(c.contributor_id),
            vocab(c.kind),
            f"{fmt.decimal(c.amount)} {c.unit}",
            fmt.date(c.contributed_on),
            (c.confirmed_by_name or str(c.confirmed_by_id)) if c.confirmed_by_id else "—",
        )
    console.print(out)


@contributions_app.command(
    "add", help=lazy("Record a contribution (it stays unconfirmed until a co-member confirms it).")
)
def contributions_add(
    initiative: InitiativeOpt,
    contributor: Annotated[int, typer.Option(help=lazy("The contributing actor's id."))],
    kind: Annotated[
        str,
        typer.Option(help=lazy("time, knowledge, money, in_kind, introductions or facilitation.")),
    ],
    amount: Annotated[float, typer.Option()],
    unit: Annotated[str, typer.Option(help=lazy("hours, EUR, introductions, …"))],
    on: Annotated[str, typer.Option("--on", help=lazy("YYYY-MM-DD."))],
    description: str = "",
    as_json: JsonOpt = False,
) -> None:
    from ..schemas.outcomes import ContributionIn
    from ..services.contributions import record_contribution

    _submit(
        ContributionIn,
        {
            "contributor_id": contributor,
            "kind": kind,
            "amount": amount,
            "unit": unit,
            "description": description,
            "contributed_on": on,
        },
        lambda db, data: record_contribution(db, OP, initiative, data),
        as_json,
        lambda out: _("contribution %(id)s recorded; a co-member must confirm it") % {"id": out.id},
    )


@contributions_app.command(
    "confirm", help=lazy("Confirm a contribution as another member of the same initiative.")
)
def contributions_confirm(
    contribution: Annotated[int, typer.Argument(help=lazy("Contribution id."))],
    by: Annotated[int, typer.Option("--by", help=lazy("The confirming co-member's actor id."))],
    as_json: JsonOpt = False,
) -> None:
    from ..cli import emit_result, run_service
    from ..services.contributions import confirm_contribution

    out = run_service(lambda db: confirm_contribution(db, OP, contribution, by))
    emit_result(
        out,
        as_json,
        _("contribution %(id)s confirmed; tie %(tie)s recorded")
        % {"id": out.id, "tie": out.tie_id},
    )


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    app.add_typer(outcomes_app, name="outcomes")
    app.add_typer(contributions_app, name="contributions")
