"""CLI of outside voices and the report: ``coalition conversation link create|list|revoke``
and ``coalition conversation report``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from .. import formatting as fmt
from ..i18n import _, lazy, ngettext
from ..labels import vocab
from .common import counted, table


def _secret() -> str:
    from ..config import load_settings

    return load_settings().secret_key


def link_create(
    conversation: Annotated[int, typer.Argument(help=lazy("Conversation id."))],
    label: Annotated[str, typer.Option(help=lazy("Where the link will be shared."))] = "",
    max_participants: Annotated[int, typer.Option(help=lazy("Most participants it admits."))] = 500,
    days: Annotated[int, typer.Option(help=lazy("Days the link stays valid."))] = 30,
    base_url: Annotated[
        str, typer.Option(help=lazy("The server's address, for the full URL."))
    ] = "",
) -> None:
    from ..cli import OPERATOR, console, run_service
    from ..errors import Invalid
    from ..schemas.voices import LinkIn, LinkOut
    from ..services.voices import create_link

    def act(db: Session) -> object:
        try:
            data = LinkIn(label=label, max_participants=max_participants, expires_in_days=days)
        except ValueError as exc:
            raise Invalid(str(exc).splitlines()[0], field="link") from None
        return create_link(db, OPERATOR, conversation, data, _secret())

    out: LinkOut = run_service(act)
    console.print(f"{base_url.rstrip('/')}{out.path}", soft_wrap=True)


def link_list(
    conversation: Annotated[int, typer.Argument(help=lazy("Conversation id."))],
    as_json: Annotated[
        bool, typer.Option("--json", help=lazy("Print JSON instead of a table."))
    ] = False,
) -> None:
    from ..cli import OPERATOR, console, emit_json, run_service
    from ..services.voices import list_links

    links = run_service(lambda db: list_links(db, OPERATOR, conversation, _secret()))
    if as_json:
        emit_json([x.model_dump(mode="json") for x in links])
        return
    n = len(links)
    shown = table(
        counted(ngettext("%(n)s link", "%(n)s links", n), n),
        (_("id"), _("label"), _("participants"), _("expires"), _("state"), _("path")),
    )
    for column in shown.columns:
        column.overflow = "fold"
    for x in links:
        state = "withdrawn" if x.revoked_at else ("open" if x.active else "expired")
        shown.add_row(
            str(x.id),
            x.label,
            f"{fmt.number(x.n_participants)}/{fmt.number(x.max_participants)}",
            fmt.date(x.expires_at),
            vocab(state),
            x.path,
        )
    console.print(shown)


def link_revoke(
    conversation: Annotated[int, typer.Argument(help=lazy("Conversation id."))],
    link: Annotated[int, typer.Argument(help=lazy("Link id."))],
) -> None:
    from ..cli import OPERATOR, console, run_service
    from ..services.voices import revoke_link

    run_service(lambda db: revoke_link(db, OPERATOR, conversation, link, _secret()))
    console.print(_("link %(id)s withdrawn") % {"id": link})


def report(
    conversation: Annotated[int, typer.Argument(help=lazy("Conversation id."))],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=lazy("File to write (default: stdout)."))
    ] = None,
    form: Annotated[
        str, typer.Option("--format", help=lazy("md or pdf (pdf needs --output)."))
    ] = "md",
) -> None:
    from ..cli import OPERATOR, fail, run_service
    from ..io.report import report_markdown, report_pdf
    from ..services.conversation_report import build_report

    if form not in ("md", "pdf"):
        raise fail(_("--format must be md or pdf"))
    if form == "pdf" and output is None:
        raise fail(_("a PDF needs --output"))
    rep = run_service(lambda db: build_report(db, OPERATOR, conversation))
    if form == "pdf":
        assert output is not None
        output.write_bytes(report_pdf(rep))
    elif output is not None:
        output.write_text(report_markdown(rep), encoding="utf-8")
    else:
        typer.echo(report_markdown(rep))


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    conversation = typer.Typer(
        help=lazy("Conversations: links for outside voices, and the report."), no_args_is_help=True
    )
    link = typer.Typer(
        help=lazy("Signed links for people outside the network."), no_args_is_help=True
    )
    link.command(
        "create",
        help=lazy("A signed link that opens the conversation to people outside the network."),
    )(link_create)
    link.command(
        "list", help=lazy("The conversation's links, with how many took part through each.")
    )(link_list)
    link.command("revoke", help=lazy("Withdraw a link: nobody may take part through it any more."))(
        link_revoke
    )
    conversation.add_typer(link, name="link")
    conversation.command("report", help=lazy("The conversation's report, as Markdown or PDF."))(
        report
    )
    app.add_typer(conversation, name="conversation")
