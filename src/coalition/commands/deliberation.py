"""CLI of the deliberation area (``coalition import polis``, ``coalition export polis``,
``coalition ground``, ``coalition moderation``); its demo conversation is in
coalition.demo.deliberation."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from ..i18n import _, lazy


def import_polis(
    directory: Annotated[Path, typer.Argument(help=lazy("A Polis export directory."))],
    network: Annotated[str, typer.Option("--network", "-n", help=lazy("The network's slug."))],
    topic: Annotated[str | None, typer.Option(help=lazy("Topic (default: the export's)."))] = None,
    replay: Annotated[
        bool,
        typer.Option(
            help=lazy(
                "Replay the vote log as Polis's updates ran, so the groups are Polis's "
                "(the default: it agreed better with Polis's groups across the conversations "
                "measured); without it the first results request analyses the final votes "
                "from scratch."
            )
        ),
    ] = True,
    batch_seconds: Annotated[
        float | None,
        typer.Option(
            help=lazy("Seconds of votes per replayed update (default: the import's, 60).")
        ),
    ] = None,
    wait: Annotated[
        bool,
        typer.Option(
            help=lazy(
                "Follow the import job to its end with a progress bar (--no-wait: print the "
                "job's id and leave it to the workers; the directory must be readable by them)."
            )
        ),
    ] = True,
) -> None:
    from ..cli import console, database_url, fail, run_service
    from ..domain import JobKind
    from ..jobs import runner_for, start

    if not directory.is_dir():
        raise fail(f"{directory}: not a directory")
    payload = {
        "network": network,
        "directory": str(directory.resolve()),
        "topic": topic,
        "replay": replay,
        "batch_ms": None if batch_seconds is None else batch_seconds * 1000,
    }
    job_id = run_service(lambda db: start(db, JobKind.polis_import, payload).id)
    url = database_url()
    if not wait:
        console.print(f"job {job_id} started: follow it at /jobs/{job_id}")
        if runner_for(url) == "local":
            console.print("(SQLite: this process runs it before it exits)")
        return
    # Waiting: this process runs the job itself unless a worker has claimed it already (the
    # claim is once only), so --wait needs no worker and never waits for one.
    runner = threading.Thread(target=_run_here, args=(url, job_id), daemon=True)
    runner.start()
    _follow(url, job_id, replay)
    runner.join(timeout=5)


def _run_here(url: str, job_id: int) -> None:
    from ..jobs import RetryLater, dispatch, execute
    from ..jobs.core import backoff_s

    try:
        execute(url, job_id)
    except RetryLater as exc:  # a worker (or this process's runner) takes the next attempt
        dispatch(url, job_id, delay_s=backoff_s(exc.attempt))


def _follow(url: str, job_id: int, replay: bool) -> None:
    """A rich progress bar over the job's progress until it ends; its outcome."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from ..cli import OPERATOR, console, fail
    from ..domain import JOB_FINAL_STATES
    from ..services.jobs import get_job
    from ..store.session import session_factory

    started = time.perf_counter()
    columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(
        "[progress.description]{task.description}", *columns, console=console, transient=True
    ) as bar:
        task = bar.add_task(f"job {job_id}: waiting for a worker", total=None)
        while True:
            with session_factory(url)() as db:
                job = get_job(db, OPERATOR, job_id)
            if job.state == "running":
                label = "replaying votes" if replay else "importing"
                bar.update(task, description=f"job {job_id}: {label}")
            bar.update(task, completed=job.done, total=job.total)
            if job.state in JOB_FINAL_STATES:
                break
            time.sleep(0.2)
    if job.state == "failed":
        raise fail(f"job {job_id} failed: {job.error}")
    out = job.result or {}
    console.print(
        f"conversation {out.get('id')} '{out.get('topic')}': {out.get('n_statements')} "
        f"statements, {out.get('n_participants')} participants, {out.get('n_votes')} votes"
        + (" (vote log replayed)" if replay else "")
        + f" in {time.perf_counter() - started:.1f} s (job {job_id})"
    )


def export_polis(
    conversation: Annotated[int, typer.Argument(help=lazy("Conversation id."))],
    output: Annotated[Path, typer.Option("--output", "-o", help=lazy("Directory to write."))],
) -> None:
    from ..cli import OPERATOR, console, run_service
    from ..services.polis_exchange import export_polis as service

    n = run_service(lambda db: service(db, OPERATOR, conversation, output))
    console.print(f"conversation {conversation}: {n} votes written to {output}")


def ground(
    conversation: Annotated[int, typer.Argument(help=lazy("Conversation id."))],
    as_json: Annotated[
        bool, typer.Option("--json", help=lazy("Print JSON instead of tables."))
    ] = False,
    seed: int = 0,
) -> None:
    from ..cli import OPERATOR, console, emit_json, run_service
    from ..services.conversation_analysis import results

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


def moderation_queue(
    conversation: Annotated[int, typer.Argument(help=lazy("Conversation id."))],
    as_json: Annotated[
        bool, typer.Option("--json", help=lazy("Print JSON instead of a table."))
    ] = False,
) -> None:
    from ..cli import OPERATOR, console, emit_json, run_service
    from ..services.deliberation_moderation import moderation_queue as service

    queue = run_service(lambda db: service(db, OPERATOR, conversation))
    if as_json:
        emit_json(queue.model_dump(mode="json"))
        return
    mode = "strict" if queue.strict_moderation else "open"
    table = Table(title=f"{len(queue.pending)} awaiting moderation ({mode} moderation)")
    for column in ("id", "statement", "status", "reason"):
        table.add_column(column)
    for s in queue.pending + queue.decided:
        status = {1: "accepted", -1: "rejected", 0: "awaiting"}[s.moderation]
        table.add_row(str(s.id), s.text, "meta" if s.is_meta else status, s.moderation_reason)
    console.print(table)


def moderate(
    statement: Annotated[int, typer.Argument(help=lazy("Statement id."))],
    action: Annotated[str, typer.Argument(help=lazy("accept, reject, meta or unmoderated."))],
    reason: Annotated[str, typer.Option(help=lazy("Why it is rejected."))] = "",
) -> None:
    from ..cli import OPERATOR, console, run_service
    from ..errors import Invalid
    from ..schemas.deliberation import ModerationIn
    from ..services.conversations import moderate_statement

    def act(db: Session) -> object:
        if action not in ("accept", "reject", "meta", "unmoderated"):
            raise Invalid(_("action must be accept, reject, meta or unmoderated"), field="action")
        if len(reason) > 500:
            raise Invalid(_("a reason has at most 500 characters"), field="reason")
        data = ModerationIn.model_validate({"action": action, "reason": reason})
        return moderate_statement(db, OPERATOR, statement, data)

    run_service(act)
    console.print(f"statement {statement}: {action}")


def moderation_mode(
    conversation: Annotated[int, typer.Argument(help=lazy("Conversation id."))],
    mode: Annotated[str, typer.Argument(help=lazy("strict or open."))],
) -> None:
    from ..cli import OPERATOR, console, run_service
    from ..errors import Invalid
    from ..schemas.deliberation import ModerationModeIn
    from ..services.deliberation_moderation import set_moderation_mode

    def act(db: Session) -> object:
        if mode not in ("strict", "open"):
            raise Invalid(_("mode must be strict or open"), field="mode")
        return set_moderation_mode(
            db, OPERATOR, conversation, ModerationModeIn(strict=mode == "strict")
        )

    run_service(act)
    console.print(f"conversation {conversation}: {mode} moderation")


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    import_app.command(
        "polis",
        help=lazy(
            "Load a Polis conversation export as a new conversation (all or nothing), as a job."
        ),
    )(import_polis)
    export_app.command("polis", help=lazy("Write a conversation as a Polis export directory."))(
        export_polis
    )
    app.command(
        "ground",
        help=lazy("Opinion groups, representative statements and consensus of a conversation."),
    )(ground)
    moderation = typer.Typer(
        help=lazy("Moderate a conversation's statements."), no_args_is_help=True
    )
    moderation.command("queue", help=lazy("Statements awaiting moderation, then those decided."))(
        moderation_queue
    )
    moderation.command(
        "decide", help=lazy("Accept, reject (with a reason) or mark a statement as meta.")
    )(moderate)
    moderation.command(
        "mode", help=lazy("Strict (only accepted statements are voted on) or open moderation.")
    )(moderation_mode)
    app.add_typer(moderation, name="moderation")
