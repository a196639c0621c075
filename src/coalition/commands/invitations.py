"""CLI of the invitations area: ``coalition invite …`` and ``coalition invitations …`` (the
demo invitations are in coalition.demo.invitations).

The console is the operator. ``--as ACTOR_ID`` answers *as that member*: the command acts with
exactly that actor's rights (so answering someone else's invitation is refused, as on the web)
and the audit log names the member.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import typer
from pydantic import BaseModel
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import _
from ..services.access import Caller

T = TypeVar("T", bound=BaseModel)

invitations_app = typer.Typer(
    help="Invitations: list them, answer as a member, withdraw, decide counter-offers.",
    invoke_without_command=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
AsOpt = Annotated[int, typer.Option("--as", help="Act as this member (actor id).")]


def acting_as(db: Session, actor_id: int) -> Caller:
    """The console acting as one member: that actor's rights in its network, nothing more."""
    from ..errors import NotFound
    from ..store.tables import Actor

    network_id = db.scalar(select(Actor.network_id).where(Actor.id == actor_id))
    if network_id is None:
        raise NotFound(_("no actor %(actor_id)s") % {"actor_id": actor_id})
    return Caller(account_id=0, actor_ids=frozenset({actor_id}), roles={network_id: "member"})


def _ttl() -> int:
    from ..config import load_settings

    return load_settings().invitation_ttl_days


def _print_invitations(items: list[Any], title: str) -> None:
    from ..cli import console

    table = Table(title=title)
    for column in ("id", "initiative", "role", "member", "h/wk", "status", "until"):
        table.add_column(column)
    for i in items:
        hours = f"{i.hours_per_week:g}" + (f" → {i.counter_hours:g}" if i.counter_hours else "")
        table.add_row(
            str(i.id),
            f"{i.initiative_title} ({i.initiative_id})",
            i.role_title or "",
            f"{i.actor_name} ({i.actor_id})",
            hours,
            i.status.replace("_", " "),
            f"{i.expires_at:%Y-%m-%d}" if i.status in ("pending", "countered") else "",
        )
    console.print(table)


def invite(
    initiative: Annotated[int, typer.Argument(help="Initiative id.")],
    actor: Annotated[int, typer.Option("--actor", help="Who to invite (actor id).")],
    role: Annotated[int, typer.Option("--role", help="For which role (role id).")],
    hours: Annotated[float | None, typer.Option(help="Hours/week (default: the role's).")] = None,
    message: Annotated[str, typer.Option(help="A message to the member.")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Invite a member to a role of an initiative, on behalf of its convenor."""
    from ..cli import OPERATOR, console, emit_json, parse_input, run_service
    from ..schemas.invitations import InviteIn
    from ..services.invitations import invite as service

    seat: dict[str, Any] = {"actor_id": actor, "role_id": role}
    if hours is not None:
        seat["hours"] = hours
    data = parse_input(InviteIn, {"seats": [seat], "message": message})
    made = run_service(lambda db: service(db, OPERATOR, initiative, data, ttl_days=_ttl()))
    if as_json:
        emit_json([i.model_dump(mode="json") for i in made])
        return
    for i in made:
        console.print(
            f"invitation {i.id}: {i.actor_name} as {i.role_title}, {i.hours_per_week:g} h/week, "
            f"open until {i.expires_at:%Y-%m-%d}"
        )


@invitations_app.callback()
def invitations_list(
    ctx: typer.Context,
    actor: Annotated[int | None, typer.Option("--actor", help="Only this member's.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List invitations (every one, or one member's), open ones first."""
    if ctx.invoked_subcommand is not None:
        return
    from ..cli import OPERATOR, emit_json, run_service
    from ..services.invitations import list_invitations

    items = run_service(lambda db: list_invitations(db, OPERATOR, actor_id=actor))
    if as_json:
        emit_json([i.model_dump(mode="json") for i in items])
        return
    _print_invitations(items, f"{len(items)} invitation(s)")


@invitations_app.command("answer")
def invitations_answer(
    invitation: Annotated[int, typer.Argument(help="Invitation id.")],
    answer: Annotated[Literal["accept", "decline", "counter"], typer.Argument()],
    as_actor: AsOpt,
    hours: Annotated[float | None, typer.Option(help="With counter: hours/week offered.")] = None,
    reason: Annotated[str | None, typer.Option(help="With decline: why (kept private).")] = None,
    unlisted: Annotated[bool, typer.Option(help="Do not list me on the team page.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Answer an invitation as the invited member: accept, decline or counter."""
    from ..cli import console, emit_json, parse_input, run_service
    from ..schemas.invitations import AnswerIn
    from ..services.invitations import answer as service

    data: dict[str, Any] = {"answer": answer, "listed": not unlisted}
    if hours is not None:
        data["hours"] = hours
    if reason is not None:
        data["reason"] = reason
    parsed = parse_input(AnswerIn, data)
    out = run_service(
        lambda db: service(db, acting_as(db, as_actor), invitation, parsed, ttl_days=_ttl())
    )
    _wait_for_replacements(out)
    if as_json:
        emit_json(out.model_dump(mode="json"))
        return
    console.print(f"invitation {invitation}: {out.invitation.status.replace('_', ' ')}")
    if out.engagement:
        console.print(f"engagement {out.engagement.id}: {out.engagement.hours_per_week:g} h/week")
    _print_replacements(out)


@invitations_app.command("counter")
def invitations_counter(
    invitation: Annotated[int, typer.Argument(help="Invitation id.")],
    decision: Annotated[Literal["accept", "decline"], typer.Argument()],
    as_json: JsonOpt = False,
) -> None:
    """Accept or decline a member's counter-offer, on behalf of the convenor."""
    from ..cli import OPERATOR, console, emit_json, parse_input, run_service
    from ..schemas.invitations import CounterDecisionIn
    from ..services.invitations import decide_counter

    data = parse_input(CounterDecisionIn, {"decision": decision})
    out = run_service(lambda db: decide_counter(db, OPERATOR, invitation, data))
    _wait_for_replacements(out)
    if as_json:
        emit_json(out.model_dump(mode="json"))
        return
    console.print(f"invitation {invitation}: {out.invitation.status.replace('_', ' ')}")


@invitations_app.command("withdraw")
def invitations_withdraw(invitation: Annotated[int, typer.Argument(help="Invitation id.")]) -> None:
    """Withdraw an invitation not yet accepted, on behalf of the convenor."""
    from ..cli import OPERATOR, console, run_service
    from ..services.invitations import withdraw

    out = run_service(lambda db: withdraw(db, OPERATOR, invitation))
    console.print(f"invitation {invitation}: {out.status}")


@invitations_app.command("step-back")
def invitations_step_back(
    engagement: Annotated[int, typer.Argument(help="Engagement id.")], as_actor: AsOpt
) -> None:
    """Step back from an engagement as its member (capacity released, convenor told)."""
    from ..cli import console, run_service
    from ..services.engagements import step_back

    out = run_service(lambda db: step_back(db, acting_as(db, as_actor), engagement))
    console.print(f"engagement {engagement}: {out.status}")


@invitations_app.command("team")
def invitations_team(
    initiative: Annotated[int, typer.Argument(help="Initiative id.")],
    fmt: Annotated[Literal["md", "pdf", "json"], typer.Option("--format")] = "md",
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """The team page (listed members only) as Markdown, PDF or JSON."""
    import json
    import sys

    from ..cli import OPERATOR, err, fail, run_service
    from ..io import team_page
    from ..services.engagements import team

    data = run_service(lambda db: team(db, OPERATOR, initiative))
    if fmt == "pdf":
        if output is None:
            raise fail(_("a PDF needs --output FILE"))
        output.write_bytes(team_page.pdf(data))
        err.print(f"wrote {output}")
        return
    text = (
        team_page.markdown(data)
        if fmt == "md"
        else json.dumps(data.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    )
    if output:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output}")
    else:
        sys.stdout.write(text)


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    app.command("invite")(invite)
    app.add_typer(invitations_app, name="invitations")


def _wait_for_replacements(out: Any) -> None:
    """The replacements arrive by a job: wait for it a little (a worker, or this process's
    runner on SQLite), else say where to follow it."""
    if out.replacements_job is None:
        return
    from ..cli import database_url
    from ..jobs import wait
    from ..schemas.invitations import ReplacementOut

    job = wait(database_url(), out.replacements_job, timeout_s=30)
    if job.state == "succeeded":
        found = (job.result or {}).get("replacements", [])
        out.replacements = [ReplacementOut.model_validate(r) for r in found]


def _print_replacements(out: Any) -> None:
    from ..cli import console

    for r in out.replacements:
        console.print(f"  replacement: {r.name} ({r.actor_id}) — {r.why}")
    if out.replacements_job is not None and not out.replacements:
        console.print(f"  replacements: being ranked (job {out.replacements_job})")
