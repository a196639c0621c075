"""CLI of the deliberation area (``coalition import polis``, ``coalition export polis``,
``coalition ground``, ``coalition moderation``); its demo conversation is in
coalition.demo.deliberation."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from .. import formatting as fmt
from ..i18n import _, lazy, ngettext
from ..labels import vocab
from .common import counted, table


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
        raise fail(_("%(path)s: not a directory") % {"path": directory})
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
        console.print(
            _("job %(id)s started: follow it at %(url)s") % {"id": job_id, "url": f"/jobs/{job_id}"}
        )
        if runner_for(url) == "local":
            console.print(_("(SQLite: this process runs it before it exits)"))
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
        waiting = _("job %(id)s: waiting for a worker") % {"id": job_id}
        task = bar.add_task(waiting, total=None)
        while True:
            with session_factory(url)() as db:
                job = get_job(db, OPERATOR, job_id)
            if job.state == "running":
                running = _("job %(id)s: replaying votes") if replay else _("job %(id)s: importing")
                bar.update(task, description=running % {"id": job_id})
            bar.update(task, completed=job.done, total=job.total)
            if job.state in JOB_FINAL_STATES:
                break
            time.sleep(0.2)
    if job.state == "failed":
        raise fail(_("job %(id)s failed: %(error)s") % {"id": job_id, "error": job.error})
    out = job.result or {}
    statements, people, votes = (
        int(out.get(key) or 0) for key in ("n_statements", "n_participants", "n_votes")
    )
    said = (
        _(
            "conversation %(id)s '%(topic)s': %(statements)s, %(participants)s, %(votes)s "
            "(vote log replayed) in %(took)s s (job %(job)s)"
        )
        if replay
        else _(
            "conversation %(id)s '%(topic)s': %(statements)s, %(participants)s, %(votes)s "
            "in %(took)s s (job %(job)s)"
        )
    )
    console.print(
        said
        % {
            "id": out.get("id"),
            "topic": out.get("topic"),
            "statements": counted(
                ngettext("%(n)s statement", "%(n)s statements", statements), statements
            ),
            "participants": _participants(people),
            "votes": counted(ngettext("%(n)s vote", "%(n)s votes", votes), votes),
            "took": fmt.decimal(time.perf_counter() - started, 1),
            "job": job_id,
        }
    )


def _participants(n: int) -> str:
    return counted(ngettext("%(n)s participant", "%(n)s participants", n), n)


def export_polis(
    conversation: Annotated[int, typer.Argument(help=lazy("Conversation id."))],
    output: Annotated[Path, typer.Option("--output", "-o", help=lazy("Directory to write."))],
) -> None:
    from ..cli import OPERATOR, console, run_service
    from ..services.polis_exchange import export_polis as service

    n = run_service(lambda db: service(db, OPERATOR, conversation, output))
    written = ngettext(
        "conversation %(id)s: %(n)s vote written to %(path)s",
        "conversation %(id)s: %(n)s votes written to %(path)s",
        n,
    )
    console.print(written % {"id": conversation, "n": fmt.number(n), "path": output})


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
    groups = counted(ngettext("%(n)s group", "%(n)s groups", res.k), res.k)
    console.print(f"{_participants(len(res.participants))}, {groups}")
    for g in res.groups:
        title = ngettext(
            "group %(id)s: %(n)s member", "group %(id)s: %(n)s members", g.n_members
        ) % {"id": g.id + 1, "n": fmt.number(g.n_members)}
        shown = table(title, (_("statement"), _("stands"), _("agree"), _("disagree")))
        for r in g.representative:
            shown.add_row(r.text, vocab(r.repful), fmt.percent(r.agree), fmt.percent(r.disagree))
        console.print(shown)
    consensus = [s for s in res.statements if s.consensus_agree]
    if consensus:
        console.print(f"[bold]{_('consensus:')}[/]")
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
    n = len(queue.pending)
    title = (
        ngettext(
            "%(n)s awaiting moderation (strict moderation)",
            "%(n)s awaiting moderation (strict moderation)",
            n,
        )
        if queue.strict_moderation
        else ngettext(
            "%(n)s awaiting moderation (open moderation)",
            "%(n)s awaiting moderation (open moderation)",
            n,
        )
    )
    shown = table(counted(title, n), (_("id"), _("statement"), _("status"), _("reason")))
    for s in queue.pending + queue.decided:
        status = {1: "accepted", -1: "rejected", 0: "awaiting"}[s.moderation]
        shown.add_row(
            str(s.id), s.text, vocab("meta" if s.is_meta else status), s.moderation_reason
        )
    console.print(shown)


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
    said = {
        "accept": _("statement %(id)s: accepted"),
        "reject": _("statement %(id)s: rejected"),
        "meta": _("statement %(id)s: marked as meta"),
        "unmoderated": _("statement %(id)s: awaiting moderation again"),
    }[action]
    console.print(said % {"id": statement})


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
    said = (
        _("conversation %(id)s: strict moderation")
        if mode == "strict"
        else _("conversation %(id)s: open moderation")
    )
    console.print(said % {"id": conversation})


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
