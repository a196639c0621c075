"""What the areas' commands share: their common options, running a service, acting as one
member, and printing a result as a table or JSON."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import formatting as fmt
from ..i18n import _, lazy
from ..services.access import Caller

JsonOpt = Annotated[bool, typer.Option("--json", help=lazy("Print JSON instead of a table."))]
AsOpt = Annotated[int, typer.Option("--as", help=lazy("Act as this member (actor id)."))]
NetworkOpt = Annotated[str, typer.Option("--network", "-n", help=lazy("The network's slug."))]
OP = Caller.operator()

# How validation messages name the fields the commands take that the pages' labels
# (coalition.web.messages.LABELS) do not name; cli.parse_input passes them.
OPTION_LABELS: dict[str, str] = {
    "visibility": lazy("Visibility"),
    "join_policy": lazy("Join policy"),
    "purpose": lazy("Purpose"),
    "welcome_text": lazy("Welcome text"),
    "default_privacy": lazy("Privacy of new members"),
    "term": lazy("Term"),
    "esco_uri": lazy("ESCO URI"),
    "key": lazy("Key"),
    "label": lazy("Label"),
    "choices": lazy("Choices"),
    "help": lazy("Help text"),
    "default_visibility": lazy("Default audience"),
    "values": lazy("Values"),
    "weight": lazy("Fairness weight"),
    "alternatives": lazy("Alternatives"),
    "weights": lazy("Weights"),
}


def acting_as(db: Session, actor_id: int) -> Caller:
    """The console acting as one member: that actor's rights in its network, nothing more."""
    from ..errors import NotFound
    from ..store.tables import Actor

    network_id = db.scalar(select(Actor.network_id).where(Actor.id == actor_id))
    if network_id is None:
        raise NotFound(_("no actor %(actor_id)s") % {"actor_id": actor_id})
    return Caller(account_id=0, actor_ids=frozenset({actor_id}), roles={network_id: "member"})


def run(fn: Any) -> Any:
    """``fn(db)`` in one transaction (coalition.cli.run_service)."""
    from ..cli import run_service

    return run_service(fn)


def dump(value: Any) -> Any:
    """A service's answer (a model or a list of them) as JSON data."""
    if isinstance(value, list):
        return [v.model_dump(mode="json") for v in value]
    return value.model_dump(mode="json")


def show(data: Any, as_json: bool, table: Table | None = None) -> None:
    """``table`` on the console, or ``data`` as JSON with ``--json`` (or when there is no table)."""
    from ..cli import console, emit_json

    if as_json or table is None:
        emit_json(data)
    else:
        console.print(table)


def run_and_show(fn: Any) -> None:
    """Run ``fn(db)`` and print its answer as JSON (the writing commands' one output)."""
    show(run(lambda db: dump(fn(db))), True)


def table(title: str | None, columns: tuple[str, ...], **options: Any) -> Table:
    """A table with a title and its (already translated) column headers."""
    out = Table(title=title, **options)
    for column in columns:
        out.add_column(column)
    return out


def wrote(path: Any, detail: str = "") -> str:
    """The line said after writing a file: "wrote PATH" and, if given, what it holds."""
    said = _("wrote %(path)s") % {"path": path}
    return f"{said} ({detail})" if detail else said


def counted(text: str, n: float) -> str:
    """``text`` (``ngettext`` chosen for ``n``) with ``n`` for the locale: "1,200 ties"."""
    return text % {"n": fmt.number(n)}
