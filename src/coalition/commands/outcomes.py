"""CLI of the outcomes area (``coalition outcomes …``, ``coalition contributions …``); its demo
data is in coalition.demo.outcomes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, TypeVar

import typer
from pydantic import BaseModel
from rich.table import Table

from ..choices import is_choice
from ..i18n import _

T = TypeVar("T", bound=BaseModel)

outcomes_app = typer.Typer(
    help="Outcomes of initiatives: metrics and measurements.", no_args_is_help=True
)
contributions_app = typer.Typer(
    help="The contribution ledger: record and confirm contributions.", no_args_is_help=True
)

NetworkOpt = Annotated[str, typer.Option("--network", "-n", help="The network's slug.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


# ---------------------------------------------------------------- outcomes


@outcomes_app.command("list")
def outcomes_list(
    initiative: Annotated[int, typer.Option("--initiative", "-i", help="Initiative id.")],
    as_json: JsonOpt = False,
) -> None:
    """The outcomes of an initiative with their status against the trajectory."""
    from ..cli import OPERATOR, console, emit_json, run_service
    from ..services.outcomes import list_outcomes

    items = run_service(lambda db: list_outcomes(db, OPERATOR, initiative))
    if as_json:
        emit_json([o.model_dump(mode="json") for o in items])
        return
    table = Table(title=f"{len(items)} outcome(s) of initiative {initiative}")
    for column in ("id", "name", "baseline", "target", "due", "latest", "status"):
        table.add_column(column)
    for o in items:
        table.add_row(
            str(o.id),
            o.name,
            f"{o.baseline:g} {o.unit} ({o.baseline_date})",
            f"{o.target:g} {o.unit}",
            str(o.due_date),
            f"{o.latest.value:g} ({o.latest.measured_on})" if o.latest else "",
            o.status.replace("_", " "),
        )
    console.print(table)


@outcomes_app.command("add")
def outcomes_add(
    initiative: Annotated[int, typer.Option("--initiative", "-i", help="Initiative id.")],
    name: Annotated[str, typer.Option(help="What is measured.")],
    unit: Annotated[str, typer.Option(help="Unit of every measurement.")],
    baseline: Annotated[float, typer.Option(help="Value at the baseline date.")],
    baseline_date: Annotated[str, typer.Option(help="YYYY-MM-DD.")],
    target: Annotated[float, typer.Option(help="Value aimed for by the due date.")],
    direction: Annotated[str, typer.Option(help="increase or decrease.")],
    due_date: Annotated[str, typer.Option(help="YYYY-MM-DD.")],
    description: str = "",
    as_json: JsonOpt = False,
) -> None:
    """Define an outcome metric of an initiative."""
    from ..cli import OPERATOR, emit_result, parse_input, run_service
    from ..schemas.outcomes import OutcomeIn
    from ..services.outcomes import add_outcome

    data = parse_input(
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
    )
    out = run_service(lambda db: add_outcome(db, OPERATOR, initiative, data))
    emit_result(out, as_json, f"outcome {out.id} '{out.name}' added to initiative {initiative}")


@outcomes_app.command("measure")
def outcomes_measure(
    outcome: Annotated[int, typer.Argument(help="Outcome id.")],
    value: Annotated[float, typer.Option(help="The measured value.")],
    unit: Annotated[str, typer.Option(help="Must be the outcome's unit.")],
    on: Annotated[str, typer.Option("--on", help="Measurement date, YYYY-MM-DD.")],
    source: str = "",
    note: str = "",
    as_json: JsonOpt = False,
) -> None:
    """Record a dated measurement of an outcome."""
    from ..cli import OPERATOR, emit_result, parse_input, run_service
    from ..schemas.outcomes import MeasurementIn
    from ..services.outcomes import record_measurement

    data = parse_input(
        MeasurementIn,
        {"value": value, "unit": unit, "measured_on": on, "source": source, "note": note},
    )
    out = run_service(lambda db: record_measurement(db, OPERATOR, outcome, data))
    emit_result(out, as_json, f"'{out.name}' is now {out.status.replace('_', ' ')}")


@outcomes_app.command("export")
def outcomes_export(
    network: NetworkOpt = "demo",
    what: Annotated[
        str, typer.Option(help="outcomes, measurements, contributions, assets or health.")
    ] = "outcomes",
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """Write one table of the outcomes area as CSV (to a file or standard output)."""
    import sys
    from typing import get_args

    from ..cli import OPERATOR, err, fail, run_service
    from ..io.outcomes_csv import export_csv
    from ..schemas.outcomes import ExportName
    from ..services.networks import get_network

    names: tuple[ExportName, ...] = get_args(ExportName)
    if not is_choice(what, names):
        raise fail(
            _("--what must be one of %(value)s") % {"value": ", ".join(get_args(ExportName))}
        )
    text = run_service(
        lambda db: export_csv(db, OPERATOR, get_network(db, OPERATOR, network), what)
    )
    if output:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output} ({text.count(chr(10)) - 1} row(s))")
    else:
        sys.stdout.write(text)


# ---------------------------------------------------------------- contributions


@contributions_app.command("list")
def contributions_list(
    network: NetworkOpt = "demo",
    initiative: Annotated[int | None, typer.Option("--initiative", "-i")] = None,
    actor: Annotated[int | None, typer.Option(help="Contributed or confirmed by.")] = None,
    status: Annotated[str | None, typer.Option(help="recorded or confirmed.")] = None,
    limit: int = 200,
    as_json: JsonOpt = False,
) -> None:
    """The contribution ledger of a network."""
    from ..cli import OPERATOR, console, emit_json, fail, run_service
    from ..services.contributions import list_contributions
    from ..services.networks import get_network

    if status not in (None, "recorded", "confirmed"):
        raise fail(_("--status must be recorded or confirmed"))
    items = run_service(
        lambda db: list_contributions(
            db,
            OPERATOR,
            get_network(db, OPERATOR, network),
            initiative_id=initiative,
            actor_id=actor,
            status=status,
            limit=limit,
        )
    )
    if as_json:
        emit_json([c.model_dump(mode="json") for c in items])
        return
    table = Table(title=f"{len(items)} contribution(s)")
    for column in ("id", "initiative", "contributor", "kind", "amount", "date", "confirmed by"):
        table.add_column(column)
    for c in items:
        table.add_row(
            str(c.id),
            c.initiative_title,
            c.contributor_name or str(c.contributor_id),
            c.kind,
            f"{c.amount:g} {c.unit}",
            str(c.contributed_on),
            (c.confirmed_by_name or str(c.confirmed_by_id)) if c.confirmed_by_id else "—",
        )
    console.print(table)


@contributions_app.command("add")
def contributions_add(
    initiative: Annotated[int, typer.Option("--initiative", "-i")],
    contributor: Annotated[int, typer.Option(help="The contributing actor's id.")],
    kind: Annotated[
        str,
        typer.Option(help="time, knowledge, money, in_kind, introductions or facilitation."),
    ],
    amount: Annotated[float, typer.Option()],
    unit: Annotated[str, typer.Option(help="hours, EUR, introductions, …")],
    on: Annotated[str, typer.Option("--on", help="YYYY-MM-DD.")],
    description: str = "",
    as_json: JsonOpt = False,
) -> None:
    """Record a contribution (it stays unconfirmed until a co-member confirms it)."""
    from ..cli import OPERATOR, emit_result, parse_input, run_service
    from ..schemas.outcomes import ContributionIn
    from ..services.contributions import record_contribution

    data = parse_input(
        ContributionIn,
        {
            "contributor_id": contributor,
            "kind": kind,
            "amount": amount,
            "unit": unit,
            "description": description,
            "contributed_on": on,
        },
    )
    out = run_service(lambda db: record_contribution(db, OPERATOR, initiative, data))
    emit_result(out, as_json, f"contribution {out.id} recorded; a co-member must confirm it")


@contributions_app.command("confirm")
def contributions_confirm(
    contribution: Annotated[int, typer.Argument(help="Contribution id.")],
    by: Annotated[int, typer.Option("--by", help="The confirming co-member's actor id.")],
    as_json: JsonOpt = False,
) -> None:
    """Confirm a contribution as another member of the same initiative."""
    from ..cli import OPERATOR, emit_result, run_service
    from ..services.contributions import confirm_contribution

    out = run_service(lambda db: confirm_contribution(db, OPERATOR, contribution, by))
    emit_result(out, as_json, f"contribution {out.id} confirmed; tie {out.tie_id} recorded")


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    app.add_typer(outcomes_app, name="outcomes")
    app.add_typer(contributions_app, name="contributions")
