"""CLI of threads and decisions: ``coalition threads …`` and ``coalition decisions …``, and the
demo's joint work (:func:`enrich_demo`, in demo_together.py).

Reading commands run as the operator (who reads everything); writing ones need ``--as
ACTOR_ID`` and act with exactly that member's rights, as on the web.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

from ..formatting import datetime, number
from ..i18n import _, lazy, ngettext
from ..schemas.together import (
    CloseIn,
    DecisionIn,
    InvitationMessageIn,
    PostIn,
    ThreadIn,
    VoteIn,
)
from .common import OP, AsOpt, JsonOpt, acting_as, dump, run, run_and_show, show, table

threads_app = typer.Typer(help=lazy("Threads of initiatives: list, show, start, reply."))
decisions_app = typer.Typer(help=lazy("Decisions: list, show, propose, vote, close."))
messages_app = typer.Typer(help=lazy("An invitation's messages between invitee and convenor."))


@threads_app.command("list", help=lazy("Every thread of an initiative."))
def threads_list(initiative: int, as_json: JsonOpt = False) -> None:
    from ..services import threads

    items = run(lambda db: dump(threads.list_threads(db, OP, initiative)))
    n = len(items)
    out = table(
        ngettext("%(n)s thread", "%(n)s threads", n) % {"n": n},
        (_("id"), _("title"), _("visibility"), _("posts"), _("last post")),
    )
    for t in items:
        out.add_row(
            str(t["id"]),
            t["title"],
            t["visibility"],
            number(t["posts"]),
            datetime(t["last_post_at"]),
        )
    show(items, as_json, out)


@threads_app.command("show", help=lazy("A thread with its posts (JSON)."))
def threads_show(thread: int) -> None:
    from ..services import threads

    run_and_show(lambda db: threads.get_thread(db, OP, thread, mark=False))


@threads_app.command("start", help=lazy("Start a thread as a team member of the initiative."))
def threads_start(
    initiative: int,
    title: str,
    body: str,
    as_actor: AsOpt,
    visibility: Annotated[str, typer.Option(help=lazy("team or network"))] = "team",
) -> None:
    from ..cli import parse_input
    from ..services import threads

    data = parse_input(ThreadIn, {"title": title, "body": body, "visibility": visibility})

    run_and_show(lambda db: threads.start_thread(db, acting_as(db, as_actor), initiative, data))


@threads_app.command("reply", help=lazy("Reply in a thread as a member who may write there."))
def threads_reply(thread: int, body: str, as_actor: AsOpt) -> None:
    from ..cli import parse_input
    from ..services import threads

    data = parse_input(PostIn, {"body": body})
    run_and_show(lambda db: threads.reply(db, acting_as(db, as_actor), thread, data))


@decisions_app.command(
    "list", help=lazy("Decisions of an initiative (--initiative) or of a network (--network).")
)
def decisions_list(
    initiative: Annotated[int | None, typer.Option(help=lazy("An initiative's decisions"))] = None,
    network: Annotated[str | None, typer.Option(help=lazy("A network's own decisions"))] = None,
    as_json: JsonOpt = False,
) -> None:
    from ..cli import fail
    from ..services import decisions

    if (initiative is None) == (network is None):
        raise fail(_("give --initiative or --network"))
    items = run(
        lambda db: dump(decisions.list_decisions(db, OP, initiative_id=initiative, slug=network))
    )
    n = len(items)
    out = table(
        ngettext("%(n)s decision", "%(n)s decisions", n) % {"n": n},
        (_("id"), _("kind"), _("title"), _("status"), _("blocks"), _("closes")),
    )
    for d in items:
        out.add_row(
            str(d["id"]), d["kind"], d["title"], d["status"], number(len(d["blocks"])),
            datetime(d["closes_at"]),
        )  # fmt: skip
    show(items, as_json, out)


@decisions_app.command(
    "show",
    help=lazy("A decision with its tally, votes, blocks, who has not voted and its log (JSON)."),
)
def decisions_show(decision: int) -> None:
    from ..services import decisions

    run_and_show(lambda db: decisions.get_decision(db, OP, decision))


@decisions_app.command("propose", help=lazy("Propose a decision to an initiative's team."))
def decisions_propose(
    initiative: int,
    kind: str,
    title: str,
    as_actor: AsOpt,
    option: Annotated[list[str] | None, typer.Option(help=lazy("An option (repeat)"))] = None,
    details: str = "",
    hours: Annotated[float, typer.Option(help=lazy("Closes in this many hours"))] = 72.0,
    visibility: str = "team",
    amends: int | None = None,
) -> None:
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

    run_and_show(
        lambda db: decisions.propose(db, acting_as(db, as_actor), data, initiative_id=initiative)
    )


@decisions_app.command(
    "vote", help=lazy("Vote as a member: --position (consent), --choice, --rank … or --score ….")
)
def decisions_vote(
    decision: int,
    as_actor: AsOpt,
    position: str | None = None,
    choice: int | None = None,
    rank: Annotated[
        list[int] | None, typer.Option(help=lazy("Option index, best first (repeat)"))
    ] = None,
    score: Annotated[
        list[int] | None, typer.Option(help=lazy("A score per option (repeat)"))
    ] = None,
    reason: str = "",
) -> None:
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
    run_and_show(lambda db: decisions.vote(db, acting_as(db, as_actor), decision, data))


@decisions_app.command(
    "close", help=lazy("Close a decision as its proposer and write the outcome.")
)
def decisions_close(decision: int, outcome: str, as_actor: AsOpt) -> None:
    from ..cli import parse_input
    from ..services import decisions

    data = parse_input(CloseIn, {"outcome": outcome})
    run_and_show(lambda db: decisions.close(db, acting_as(db, as_actor), decision, data))


@decisions_app.command(
    "remind", help=lazy("Remind who has not voted yet, as the decision's proposer.")
)
def decisions_remind(decision: int, as_actor: AsOpt) -> None:
    from ..services import decision_reminders

    run_and_show(lambda db: decision_reminders.remind(db, acting_as(db, as_actor), decision))


@decisions_app.command(
    "remind-due",
    help=lazy("Remind on every open decision closing soon and not reminded lately (a cron line)."),
)
def decisions_remind_due(
    within_hours: Annotated[
        float, typer.Option(help=lazy("Decisions closing within this time."))
    ] = 24.0,
) -> None:
    from ..services import decision_reminders

    run_and_show(lambda db: decision_reminders.remind_due(db, within_hours=within_hours))


@decisions_app.command("charter", help=lazy("The initiative's adopted charter (JSON)."))
def decisions_charter(initiative: int) -> None:
    from ..services import charters

    run_and_show(lambda db: charters.get_charter(db, OP, initiative))


@messages_app.command(
    "show",
    help=lazy(
        "An invitation's messages (JSON); as the operator, or '--as' one side (marks them read)."
    ),
)
def messages_show(
    invitation: int,
    as_actor: Annotated[int | None, typer.Option("--as", help=lazy("Read as this side."))] = None,
) -> None:
    from ..services import invitation_threads

    def go(db: Session) -> Any:
        caller = OP if as_actor is None else acting_as(db, as_actor)
        return invitation_threads.conversation(db, caller, invitation, mark=as_actor is not None)

    run_and_show(go)


@messages_app.command(
    "write", help=lazy("Write to the other side of an invitation, as its invitee or its convenor.")
)
def messages_write(invitation: int, body: str, as_actor: AsOpt) -> None:
    from ..cli import parse_input
    from ..services import invitation_threads

    data = parse_input(InvitationMessageIn, {"body": body})
    run_and_show(lambda db: invitation_threads.write(db, acting_as(db, as_actor), invitation, data))


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    app.add_typer(messages_app, name="invitation-messages")
    app.add_typer(threads_app, name="threads")
    app.add_typer(decisions_app, name="decisions")
