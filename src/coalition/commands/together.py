"""CLI of threads and decisions: ``coalition threads …`` and ``coalition decisions …``, and the
demo's joint work (:func:`enrich_demo`, in demo_together.py).

Reading commands run as the operator (who reads everything); writing ones need ``--as
ACTOR_ID`` and act with exactly that member's rights, as on the web.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from ..i18n import _
from ..schemas.together import (
    CloseIn,
    DecisionIn,
    InvitationMessageIn,
    PostIn,
    ThreadIn,
    VoteIn,
)
from ..services.access import Caller
from .invitations import AsOpt, JsonOpt, acting_as

threads_app = typer.Typer(help="Threads of initiatives: list, show, start, reply.")
decisions_app = typer.Typer(help="Decisions: list, show, propose, vote, close.")
messages_app = typer.Typer(help="An invitation's messages between invitee and convenor.")
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


@threads_app.command("list")
def threads_list(initiative: int, as_json: JsonOpt = False) -> None:
    """Every thread of an initiative."""
    from ..services import threads

    items = _run(
        lambda db: [t.model_dump(mode="json") for t in threads.list_threads(db, OP, initiative)]
    )
    table = Table(title=f"{len(items)} thread(s)")
    for column in ("id", "title", "visibility", "posts", "last post"):
        table.add_column(column)
    for t in items:
        table.add_row(str(t["id"]), t["title"], t["visibility"], str(t["posts"]), t["last_post_at"])
    _print(items, as_json, table)


@threads_app.command("show")
def threads_show(thread: int) -> None:
    """A thread with its posts (JSON)."""
    from ..services import threads

    _print(
        _run(lambda db: threads.get_thread(db, OP, thread, mark=False).model_dump(mode="json")),
        True,
    )


@threads_app.command("start")
def threads_start(
    initiative: int,
    title: str,
    body: str,
    as_actor: AsOpt,
    visibility: Annotated[str, typer.Option(help="team or network")] = "team",
) -> None:
    """Start a thread as a team member of the initiative."""
    from ..cli import parse_input
    from ..services import threads

    data = parse_input(ThreadIn, {"title": title, "body": body, "visibility": visibility})

    def go(db: Session) -> Any:
        return threads.start_thread(db, acting_as(db, as_actor), initiative, data).model_dump(
            mode="json"
        )

    _print(_run(go), True)


@threads_app.command("reply")
def threads_reply(thread: int, body: str, as_actor: AsOpt) -> None:
    """Reply in a thread as a member who may write there."""
    from ..cli import parse_input
    from ..services import threads

    data = parse_input(PostIn, {"body": body})
    _print(
        _run(
            lambda db: threads.reply(db, acting_as(db, as_actor), thread, data).model_dump(
                mode="json"
            )
        ),
        True,
    )


@decisions_app.command("list")
def decisions_list(
    initiative: Annotated[int | None, typer.Option(help="An initiative's decisions")] = None,
    network: Annotated[str | None, typer.Option(help="A network's own decisions")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Decisions of an initiative (--initiative) or of a network (--network)."""
    from ..cli import fail
    from ..services import decisions

    if (initiative is None) == (network is None):
        raise fail(_("give --initiative or --network"))
    items = _run(
        lambda db: [
            d.model_dump(mode="json")
            for d in decisions.list_decisions(db, OP, initiative_id=initiative, slug=network)
        ]
    )
    table = Table(title=f"{len(items)} decision(s)")
    for column in ("id", "kind", "title", "status", "blocks", "closes"):
        table.add_column(column)
    for d in items:
        table.add_row(
            str(d["id"]), d["kind"], d["title"], d["status"], str(len(d["blocks"])), d["closes_at"]
        )
    _print(items, as_json, table)


@decisions_app.command("show")
def decisions_show(decision: int) -> None:
    """A decision with its tally, votes, blocks, who has not voted and its log (JSON)."""
    from ..services import decisions

    _print(_run(lambda db: decisions.get_decision(db, OP, decision).model_dump(mode="json")), True)


@decisions_app.command("propose")
def decisions_propose(
    initiative: int,
    kind: str,
    title: str,
    as_actor: AsOpt,
    option: Annotated[list[str] | None, typer.Option(help="An option (repeat)")] = None,
    details: str = "",
    hours: Annotated[float, typer.Option(help="Closes in this many hours")] = 72.0,
    visibility: str = "team",
    amends: int | None = None,
) -> None:
    """Propose a decision to an initiative's team."""
    from ..cli import parse_input
    from ..services import decisions

    data = parse_input(
        DecisionIn,
        {
            "kind": kind,
            "title": title,
            "details": details,
            "options": option or [],
            "closes_in_hours": hours,
            "visibility": visibility,
            "amends_id": amends,
        },
    )

    def go(db: Session) -> Any:
        caller = acting_as(db, as_actor)
        return decisions.propose(db, caller, data, initiative_id=initiative).model_dump(mode="json")

    _print(_run(go), True)


@decisions_app.command("vote")
def decisions_vote(
    decision: int,
    as_actor: AsOpt,
    position: str | None = None,
    choice: int | None = None,
    rank: Annotated[
        list[int] | None, typer.Option(help="Option index, best first (repeat)")
    ] = None,
    score: Annotated[list[int] | None, typer.Option(help="A score per option (repeat)")] = None,
    reason: str = "",
) -> None:
    """Vote as a member: --position (consent), --choice, --rank … or --score …."""
    from ..cli import parse_input
    from ..services import decisions

    data = parse_input(
        VoteIn,
        {
            "position": position,
            "choice": choice,
            "ranking": rank or [],
            "scores": score or [],
            "reason": reason,
        },
    )
    _print(
        _run(
            lambda db: decisions.vote(db, acting_as(db, as_actor), decision, data).model_dump(
                mode="json"
            )
        ),
        True,
    )


@decisions_app.command("close")
def decisions_close(decision: int, outcome: str, as_actor: AsOpt) -> None:
    """Close a decision as its proposer and write the outcome."""
    from ..cli import parse_input
    from ..services import decisions

    data = parse_input(CloseIn, {"outcome": outcome})
    _print(
        _run(
            lambda db: decisions.close(db, acting_as(db, as_actor), decision, data).model_dump(
                mode="json"
            )
        ),
        True,
    )


@decisions_app.command("remind")
def decisions_remind(decision: int, as_actor: AsOpt) -> None:
    """Remind who has not voted yet, as the decision's proposer."""
    from ..services import decision_reminders

    _print(
        _run(
            lambda db: decision_reminders.remind(db, acting_as(db, as_actor), decision).model_dump(
                mode="json"
            )
        ),
        True,
    )


@decisions_app.command("remind-due")
def decisions_remind_due(
    within_hours: Annotated[float, typer.Option(help="Decisions closing within this time.")] = 24.0,
) -> None:
    """Remind on every open decision closing soon and not reminded lately (a cron line)."""
    from ..services import decision_reminders

    _print(
        _run(
            lambda db: [
                r.model_dump(mode="json")
                for r in decision_reminders.remind_due(db, within_hours=within_hours)
            ]
        ),
        True,
    )


@decisions_app.command("charter")
def decisions_charter(initiative: int) -> None:
    """The initiative's adopted charter (JSON)."""
    from ..services import charters

    _print(_run(lambda db: charters.get_charter(db, OP, initiative).model_dump(mode="json")), True)


@messages_app.command("show")
def messages_show(
    invitation: int,
    as_actor: Annotated[int | None, typer.Option("--as", help="Read as this side.")] = None,
) -> None:
    """An invitation's messages (JSON); as the operator, or ``--as`` one side (marks them read)."""
    from ..services import invitation_threads

    def go(db: Session) -> Any:
        caller = OP if as_actor is None else acting_as(db, as_actor)
        view = invitation_threads.conversation(db, caller, invitation, mark=as_actor is not None)
        return view.model_dump(mode="json")

    _print(_run(go), True)


@messages_app.command("write")
def messages_write(invitation: int, body: str, as_actor: AsOpt) -> None:
    """Write to the other side of an invitation, as its invitee or its convenor."""
    from ..cli import parse_input
    from ..services import invitation_threads

    data = parse_input(InvitationMessageIn, {"body": body})
    _print(
        _run(
            lambda db: invitation_threads.write(
                db, acting_as(db, as_actor), invitation, data
            ).model_dump(mode="json")
        ),
        True,
    )


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    app.add_typer(messages_app, name="invitation-messages")
    app.add_typer(threads_app, name="threads")
    app.add_typer(decisions_app, name="decisions")
