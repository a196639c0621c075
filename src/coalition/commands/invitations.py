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

from .. import formatting as fmt
from ..i18n import _, lazy, ngettext
from ..labels import vocab
from .common import AsOpt, JsonOpt, acting_as, table, wrote

T = TypeVar("T", bound=BaseModel)

invitations_app = typer.Typer(
    help=lazy("Invitations: list them, answer as a member, withdraw, decide counter-offers."),
    invoke_without_command=True,
)


def _invitation_is(invitation: int, status: str) -> str:
    return _("invitation %(id)s: %(status)s") % {"id": invitation, "status": vocab(status)}


def _ttl() -> int:
    from ..config import load_settings

    return load_settings().invitation_ttl_days


def _print_invitations(items: list[Any], title: str) -> None:
    from ..cli import console

    out = table(
        title,
        (_("id"), _("initiative"), _("role"), _("member"), _("h/wk"), _("status"), _("until")),
    )
    for i in items:
        agreed = fmt.hours(i.hours_per_week) + (
            f" → {fmt.hours(i.counter_hours)}" if i.counter_hours else ""
        )
        out.add_row(
            str(i.id),
            f"{i.initiative_title} ({i.initiative_id})",
            i.role_title or "",
            f"{i.actor_name} ({i.actor_id})",
            agreed,
            vocab(i.status),
            fmt.date(i.expires_at) if i.status in ("pending", "countered") else "",
        )
    console.print(out)


def invite(
    initiative: Annotated[int, typer.Argument(help=lazy("Initiative id."))],
    actor: Annotated[int, typer.Option("--actor", help=lazy("Who to invite (actor id)."))],
    role: Annotated[int, typer.Option("--role", help=lazy("For which role (role id)."))],
    hours: Annotated[
        float | None, typer.Option(help=lazy("Hours/week (default: the role's)."))
    ] = None,
    message: Annotated[str, typer.Option(help=lazy("A message to the member."))] = "",
    as_json: JsonOpt = False,
) -> None:
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
            _("invitation %(id)s: %(name)s as %(role)s, %(hours)s h/week, open until %(until)s")
            % {
                "id": i.id,
                "name": i.actor_name,
                "role": i.role_title,
                "hours": fmt.hours(i.hours_per_week),
                "until": fmt.date(i.expires_at),
            }
        )


@invitations_app.callback(
    help=lazy("List invitations (every one, or one member's), open ones first.")
)
def invitations_list(
    ctx: typer.Context,
    actor: Annotated[int | None, typer.Option("--actor", help=lazy("Only this member's."))] = None,
    as_json: JsonOpt = False,
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from ..cli import OPERATOR, emit_json, run_service
    from ..services.invitations import list_invitations

    items = run_service(lambda db: list_invitations(db, OPERATOR, actor_id=actor))
    if as_json:
        emit_json([i.model_dump(mode="json") for i in items])
        return
    n = len(items)
    _print_invitations(items, ngettext("%(n)s invitation", "%(n)s invitations", n) % {"n": n})


@invitations_app.command(
    "answer", help=lazy("Answer an invitation as the invited member: accept, decline or counter.")
)
def invitations_answer(
    invitation: Annotated[int, typer.Argument(help=lazy("Invitation id."))],
    answer: Annotated[Literal["accept", "decline", "counter"], typer.Argument()],
    as_actor: AsOpt,
    hours: Annotated[
        float | None, typer.Option(help=lazy("With counter: hours/week offered."))
    ] = None,
    reason: Annotated[
        str | None, typer.Option(help=lazy("With decline: why (kept private)."))
    ] = None,
    unlisted: Annotated[bool, typer.Option(help=lazy("Do not list me on the team page."))] = False,
    as_json: JsonOpt = False,
) -> None:
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
    console.print(_invitation_is(invitation, out.invitation.status))
    if out.engagement:
        console.print(
            _("engagement %(id)s: %(hours)s h/week")
            % {"id": out.engagement.id, "hours": fmt.hours(out.engagement.hours_per_week)}
        )
    _print_replacements(out)


@invitations_app.command(
    "counter", help=lazy("Accept or decline a member's counter-offer, on behalf of the convenor.")
)
def invitations_counter(
    invitation: Annotated[int, typer.Argument(help=lazy("Invitation id."))],
    decision: Annotated[Literal["accept", "decline"], typer.Argument()],
    as_json: JsonOpt = False,
) -> None:
    from ..cli import OPERATOR, console, emit_json, parse_input, run_service
    from ..schemas.invitations import CounterDecisionIn
    from ..services.invitations import decide_counter

    data = parse_input(CounterDecisionIn, {"decision": decision})
    out = run_service(lambda db: decide_counter(db, OPERATOR, invitation, data))
    _wait_for_replacements(out)
    if as_json:
        emit_json(out.model_dump(mode="json"))
        return
    console.print(_invitation_is(invitation, out.invitation.status))


@invitations_app.command(
    "withdraw", help=lazy("Withdraw an invitation not yet accepted, on behalf of the convenor.")
)
def invitations_withdraw(
    invitation: Annotated[int, typer.Argument(help=lazy("Invitation id."))],
) -> None:
    from ..cli import OPERATOR, console, run_service
    from ..services.invitations import withdraw

    out = run_service(lambda db: withdraw(db, OPERATOR, invitation))
    console.print(_invitation_is(invitation, out.status))


@invitations_app.command(
    "step-back",
    help=lazy("Step back from an engagement as its member (capacity released, convenor told)."),
)
def invitations_step_back(
    engagement: Annotated[int, typer.Argument(help=lazy("Engagement id."))], as_actor: AsOpt
) -> None:
    from ..cli import console, run_service
    from ..services.engagements import step_back

    out = run_service(lambda db: step_back(db, acting_as(db, as_actor), engagement))
    console.print(
        _("engagement %(id)s: %(status)s") % {"id": engagement, "status": vocab(out.status)}
    )


@invitations_app.command(
    "team", help=lazy("The team page (listed members only) as Markdown, PDF or JSON.")
)
def invitations_team(
    initiative: Annotated[int, typer.Argument(help=lazy("Initiative id."))],
    fmt: Annotated[Literal["md", "pdf", "json"], typer.Option("--format")] = "md",
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
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
        err.print(wrote(output))
        return
    text = (
        team_page.markdown(data)
        if fmt == "md"
        else json.dumps(data.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    )
    if output:
        output.write_text(text, encoding="utf-8")
        err.print(wrote(output))
    else:
        sys.stdout.write(text)


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    app.command(
        "invite",
        help=lazy("Invite a member to a role of an initiative, on behalf of its convenor."),
    )(invite)
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
        said = _("replacement: %(name)s (%(id)s) — %(why)s")
        console.print("  " + said % {"name": r.name, "id": r.actor_id, "why": r.why})
    if out.replacements_job is not None and not out.replacements:
        said = _("replacements: being ranked (job %(job)s)") % {"job": out.replacements_job}
        console.print("  " + said)
