"""CLI of the deliberation area (``coalition import polis``, ``coalition export polis``,
``coalition ground``); its demo conversation is in coalition.demo.deliberation."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table


def import_polis(
    directory: Annotated[Path, typer.Argument(help="A Polis export directory.")],
    network: Annotated[str, typer.Option("--network", "-n", help="The network's slug.")],
    topic: Annotated[str | None, typer.Option(help="Topic (default: the export's).")] = None,
    replay: Annotated[
        bool,
        typer.Option(
            help="Replay the vote log as Polis's updates ran, so the groups are Polis's "
            "(about 1-3 ms per second of votes); without it the first results request "
            "analyses the final votes from scratch."
        ),
    ] = True,
) -> None:
    """Load a Polis conversation export as a new conversation (all or nothing)."""
    from ..cli import OPERATOR, console, run_service
    from ..services.deliberation import import_polis as service

    started = time.perf_counter()
    out = run_service(lambda db: service(db, OPERATOR, network, directory, topic, replay=replay))
    console.print(
        f"conversation {out.id} '{out.topic}': {out.n_statements} statements, "
        f"{out.n_participants} participants, {out.n_votes} votes"
        + (" (vote log replayed)" if replay else "")
        + f" in {time.perf_counter() - started:.1f} s"
    )


def export_polis(
    conversation: Annotated[int, typer.Argument(help="Conversation id.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Directory to write.")],
) -> None:
    """Write a conversation as a Polis export directory."""
    from ..cli import OPERATOR, console, run_service
    from ..services.deliberation import export_polis as service

    n = run_service(lambda db: service(db, OPERATOR, conversation, output))
    console.print(f"conversation {conversation}: {n} votes written to {output}")


def ground(
    conversation: Annotated[int, typer.Argument(help="Conversation id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    seed: int = 0,
) -> None:
    """Opinion groups, representative statements and consensus of a conversation."""
    from ..cli import OPERATOR, console, emit_json, run_service
    from ..services.deliberation import results

    res = run_service(lambda db: results(db, OPERATOR, conversation, seed))
    if as_json:
        emit_json(res.model_dump(mode="json"))
        return
    console.print(f"{len(res.participants)} participants, {res.k} group(s)")
    for g in res.groups:
        table = Table(title=f"group {g.id + 1}: {g.n_members} members")
        for column in ("statement", "stands", "agree", "disagree"):
            table.add_column(column)
        for r in g.representative:
            table.add_row(r.text, r.repful, f"{r.agree:.0%}", f"{r.disagree:.0%}")
        console.print(table)
    consensus = [s for s in res.statements if s.consensus_agree]
    if consensus:
        console.print("[bold]consensus:[/]")
        for s in consensus:
            console.print(f"  - {s.text}")
    if res.attribution:
        console.print(res.attribution.strip())


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    import_app.command("polis")(import_polis)
    export_app.command("polis")(export_polis)
    app.command("ground")(ground)
