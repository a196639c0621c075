"""CLI of custom profile fields (``coalition fields …``): list, add, edit, remove; a member's
values (``fields set``). The directory filters on them: ``coalition actors search -f KEY=V``."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

from ..i18n import _, lazy, ngettext
from ..labels import vocab
from .common import counted, table

fields_app = typer.Typer(
    help=lazy("A network's custom profile fields: list, add, edit, remove; set a member's values."),
    no_args_is_help=True,
)

Network = Annotated[str, typer.Option("--network", "-n")]


def _cli() -> Any:
    from .. import cli

    return cli


def _choices(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [c.strip() for c in text.split(",") if c.strip()]


@fields_app.command("list", help=lazy("The network's custom profile fields."))
def fields_list(
    network: Network = "demo", as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    from ..services import profile_fields
    from ..services.networks import get_network

    cli = _cli()
    items = cli.run_service(
        lambda db: profile_fields.list_fields(
            db, cli.OPERATOR, get_network(db, cli.OPERATOR, network)
        )
    )
    if as_json:
        cli.emit_json([i.model_dump(mode="json") for i in items])
        return
    n = len(items)
    shown = table(
        counted(ngettext("%(n)s field", "%(n)s fields", n), n),
        (_("key"), _("label"), _("type"), _("choices"), _("default audience")),
    )
    for i in items:
        shown.add_row(
            i.key, i.label, vocab(i.kind), ", ".join(i.choices), vocab(i.default_visibility)
        )
    cli.console.print(shown)


@fields_app.command("add", help=lazy("Add a typed field to every profile of the network."))
def fields_add(
    key: str,
    label: str,
    kind: Annotated[
        str, typer.Option(help=lazy("text, number, choice, multi, date, url, boolean"))
    ],
    network: Network = "demo",
    choices: Annotated[str | None, typer.Option(help=lazy("For choice/multi: a,b,c"))] = None,
    help_text: Annotated[str, typer.Option("--help-text")] = "",
    default_visibility: Annotated[
        str,
        typer.Option("--default-visibility", help=lazy("public, network, convenors or private")),
    ] = "network",
) -> None:
    from ..schemas.fields import ProfileFieldIn
    from ..services import profile_fields
    from ..services.networks import get_network

    cli = _cli()
    data = cli.parse_input(
        ProfileFieldIn,
        {
            "key": key,
            "label": label,
            "kind": kind,
            "choices": _choices(choices) or [],
            "help": help_text,
            "default_visibility": default_visibility,
        },
    )
    out = cli.run_service(
        lambda db: profile_fields.add_field(
            db, cli.OPERATOR, get_network(db, cli.OPERATOR, network), data
        )
    )
    cli.console.print(
        _("added field '%(key)s' (%(kind)s)") % {"key": out.key, "kind": vocab(out.kind)}
    )


@fields_app.command(
    "edit", help=lazy("Relabel a field, change its choices, help text or default audience.")
)
def fields_edit(
    key: str,
    network: Network = "demo",
    label: str | None = None,
    choices: Annotated[str | None, typer.Option(help=lazy("The new list: a,b,c"))] = None,
    help_text: Annotated[str | None, typer.Option("--help-text")] = None,
    default_visibility: Annotated[str | None, typer.Option("--default-visibility")] = None,
) -> None:
    from ..schemas.fields import ProfileFieldPatch
    from ..services import profile_fields
    from ..services.networks import get_network

    cli = _cli()
    given = {
        "label": label,
        "choices": _choices(choices),
        "help": help_text,
        "default_visibility": default_visibility,
    }
    patch = cli.parse_input(ProfileFieldPatch, {k: v for k, v in given.items() if v is not None})

    def run(db: Session) -> Any:
        found = get_network(db, cli.OPERATOR, network)
        field = profile_fields.field_by_key(db, found, key)
        return profile_fields.update_field(db, cli.OPERATOR, found, field.id, patch)

    cli.console.print(_("saved '%(name)s'") % {"name": cli.run_service(run).key})


@fields_app.command("remove", help=lazy("Remove a field and every member's value of it."))
def fields_remove(key: str, network: Network = "demo") -> None:
    from ..services import profile_fields
    from ..services.networks import get_network

    cli = _cli()

    def run(db: Session) -> None:
        found = get_network(db, cli.OPERATOR, network)
        field = profile_fields.field_by_key(db, found, key)
        profile_fields.remove_field(db, cli.OPERATOR, found, field.id)

    cli.run_service(run)
    cli.console.print(_("removed '%(key)s'") % {"key": key})


@fields_app.command(
    "set", help=lazy("Fill in a profile's custom fields (values are checked by the field's type).")
)
def fields_set(
    actor_id: Annotated[int, typer.Argument(min=1, max=2**31 - 1)],
    value: Annotated[
        list[str] | None, typer.Option("--value", "-v", help=lazy("KEY=VALUE; KEY= clears it."))
    ] = None,
    audience: Annotated[
        list[str] | None, typer.Option("--audience", "-a", help=lazy("KEY=public|network|…"))
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    from ..schemas.fields import FieldValuesIn
    from ..services import directory

    cli = _cli()
    values: dict[str, Any] = {
        k: (v if v != "" else None) for k, v in cli._pairs(value or [], "--value").items()
    }
    data = cli.parse_input(
        FieldValuesIn, {"values": values, "visibility": cli._pairs(audience or [], "--audience")}
    )
    out = cli.run_service(lambda db: directory.set_field_values(db, cli.OPERATOR, actor_id, data))
    if as_json:
        cli.emit_json([f.model_dump(mode="json") for f in out.fields])
        return
    for f in out.fields:
        cli.console.print(f"{f.label}: {f.text} ({vocab(f.visibility)})")


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    app.add_typer(fields_app, name="fields")
