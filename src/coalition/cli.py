"""The ``coalition`` command line (Typer + rich): thin adapters over the services.

Each area's commands live in ``coalition.commands.<area>`` and are listed at the end of this
module; this module holds the foundation: database, demo, serving, bundles, directory search.
"""

from __future__ import annotations

import inspect
import json
import sys
import time
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.table import Table

from . import formatting as fmt
from .commands.common import OPTION_LABELS
from .commands.language import LANG_HELP, LocalizedGroup, choose_language
from .config import load_settings
from .errors import CoalitionError
from .i18n import _, lazy, ngettext
from .services.access import Caller
from .web.messages import sentences

app = typer.Typer(
    cls=LocalizedGroup,
    help=lazy("Coalition: inter-independent collaboration."),
    no_args_is_help=True,
)
db_app = typer.Typer(help=lazy("Database schema."), no_args_is_help=True)
actors_app = typer.Typer(help=lazy("The directory of actors."), no_args_is_help=True)
import_app = typer.Typer(help=lazy("Import data into a network."), no_args_is_help=True)
export_app = typer.Typer(help=lazy("Export data from a network."), no_args_is_help=True)


@app.callback()
def _language(
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", metavar="LANG", is_eager=True, callback=choose_language, help=LANG_HELP
        ),
    ] = None,
) -> None:
    """Runs in --lang's language, else the environment's (commands/language.py)."""


app.add_typer(db_app, name="db")
app.add_typer(actors_app, name="actors")
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")

console = Console()
err = Console(stderr=True)
OPERATOR = Caller.operator()


def database_url() -> str:
    return load_settings().database_url


def fail(message: str, code: int = 1) -> typer.Exit:
    label = _("error:")
    err.print(f"[bold red]{label}[/] {message}", soft_wrap=True)
    return typer.Exit(code)


def run_service(fn: Any) -> Any:
    """Run ``fn(db)`` in one transaction; a domain error becomes a clear message and exit 1."""
    from .store.session import session_scope

    try:
        with session_scope(database_url()) as db:
            return fn(db)
    except CoalitionError as exc:
        problems = exc.details if isinstance(exc.details, list) else []
        for p in problems[:50]:
            err.print(
                f"  - {p.get('where', '')}: {p.get('reason') or p.get('why') or p}"
                if isinstance(p, dict)
                else f"  - {p}"
            )
        raise fail(exc.message) from None


def _pairs(items: list[str], option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise fail(
                _("%(option)s takes KEY=VALUE: %(item)s") % {"option": option, "item": repr(item)}
            )
        out[key.strip()] = value.strip()
    return out


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")


def emit_result(out: BaseModel, as_json: bool, line: str) -> None:
    """A command's one result: its JSON with ``--json``, else the sentence ``line``."""
    if as_json:
        emit_json(out.model_dump(mode="json"))
    else:
        console.print(line)


M = TypeVar("M", bound=BaseModel)


def parse_input(model: type[M], data: dict[str, Any]) -> M:
    """Options validated by their input model; every problem, a sentence in the CLI's language
    that names the field, ends the command."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise fail(" ".join(sentences(exc.errors(), OPTION_LABELS))) from None


@db_app.command("upgrade", help=lazy("Create or migrate the schema to the latest revision."))
def db_upgrade(revision: str = "heads") -> None:
    from .store.migrate import upgrade

    upgrade(database_url(), revision)
    console.print(_schema_at(revision))


@db_app.command(
    "downgrade", help=lazy("Take the schema down to a revision ('base' drops everything).")
)
def db_downgrade(revision: str = "base") -> None:
    from .store.migrate import downgrade

    downgrade(database_url(), revision)
    console.print(_schema_at(revision))


def _schema_at(revision: str) -> str:
    return _("schema at %(revision)s on %(url)s") % {"revision": revision, "url": _safe_url()}


def _safe_url() -> str:
    from sqlalchemy.engine import make_url

    return make_url(database_url()).render_as_string(hide_password=True)


@app.command(help=lazy("Build the deterministic demo network and load it."))
def demo(
    actors: Annotated[int, typer.Option(min=16, help=lazy("How many actors to generate."))] = 300,
    seed: int = 7,
    slug: str = "demo",
    if_missing: Annotated[
        bool, typer.Option(help=lazy("Do nothing if the network exists."))
    ] = False,
) -> None:
    from sqlalchemy import select

    from .demo import build_demo_bundle
    from .services.portability import import_bundle
    from .store.migrate import upgrade
    from .store.tables import Network

    upgrade(database_url(), "heads")
    started = time.perf_counter()

    def load(db: Any) -> str:
        if db.scalar(select(Network.id).where(Network.slug == slug)) is not None:
            if if_missing:
                return "exists"
            raise CoalitionError(_("a network called '%(slug)s' exists already") % {"slug": slug})
        making = ngettext("generating %(n)s actor…", "generating %(n)s actors…", actors)
        with console.status(making % {"n": fmt.number(actors)}):
            bundle = build_demo_bundle(actors=actors, seed=seed, slug=slug)
        with console.status(_("loading…")):
            import_bundle(db, OPERATOR, bundle)
            _after_demo(db, slug)
        return "loaded"

    outcome = run_service(load)
    took = time.perf_counter() - started
    if outcome == "exists":
        console.print(_("network '%(slug)s' is there already") % {"slug": slug})
    else:
        loaded = ngettext(
            "demo network '%(slug)s' with %(n)s actor loaded in %(took)s s",
            "demo network '%(slug)s' with %(n)s actors loaded in %(took)s s",
            actors,
        )
        console.print(
            loaded % {"slug": slug, "n": fmt.number(actors), "took": fmt.decimal(took, 1)}
        )


def _after_demo(db: Any, slug: str) -> None:
    """Each area's demo data (accounts, a conversation, invitations, outcomes): coalition.demo."""
    from .demo import enrich_demo

    enrich_demo(db, slug)


@app.command(
    help=lazy("Serve the web app and the JSON API (on SQLite, background jobs run inside it).")
)
def serve(
    host: Annotated[str, typer.Option(envvar="COALITION_HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="COALITION_PORT", min=1, max=65535)] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            envvar="COALITION_WORKERS",
            min=1,
            max=64,
            help=lazy("App processes (uvicorn workers); more than one needs PostgreSQL."),
        ),
    ] = 1,
    reload: bool = False,
    keep_alive: Annotated[
        int,
        typer.Option(
            envvar="COALITION_KEEP_ALIVE",
            min=1,
            max=3600,
            help=lazy(
                "Seconds an idle connection stays open for its next request; longer than any "
                "proxy's or client's own idle timeout, so that they close first."
            ),
        ),
    ] = 75,
) -> None:
    import uvicorn

    from .config import ConfigurationError, check_settings, load_settings

    settings = load_settings()
    try:
        check_settings(settings)
    except ConfigurationError as exc:
        console.print(str(exc), markup=False, style="red")
        raise typer.Exit(1) from None
    if workers > 1 and settings.database_url.startswith("sqlite"):
        raise fail(
            _(
                "--workers above 1 needs PostgreSQL (COALITION_DATABASE_URL=postgresql://…): "
                "SQLite is one process's database, and its jobs run inside that process"
            )
        )
    if workers > 1 and reload:
        raise fail(_("--reload runs one process: leave out --workers"))

    from .store.migrate import upgrade

    upgrade(database_url(), "heads")
    serving = ngettext(
        "Coalition on %(url)s  (database: %(database)s, %(n)s process)",
        "Coalition on %(url)s  (database: %(database)s, %(n)s processes)",
        workers,
    )
    console.print(serving % {"url": f"http://{host}:{port}", "database": _safe_url(), "n": workers})
    # proxy_headers=False: uvicorn would otherwise believe X-Forwarded-For from any local peer;
    # the app reads it only from COALITION_TRUSTED_PROXIES (web/extensions/security.py).
    uvicorn.run(
        "coalition.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        reload=reload,
        workers=workers if workers > 1 else None,
        proxy_headers=False,
        # uvicorn's default of 5 s closes idle connections that a proxy or a keep-alive client
        # still holds; a request sent on one as it closes is lost (ECONNRESET). Nginx keeps
        # upstream connections 60 s: the app waits longer, so the side that reuses closes first.
        timeout_keep_alive=keep_alive,
    )


@app.command(
    help=lazy(
        "Run background jobs from the PostgreSQL queue (procrastinate) until "
        "stopped.\n\nStart as many as the work needs, on any machine that reaches "
        "the database. On SQLite no worker is needed: the app runs its jobs "
        "itself."
    )
)
def worker(
    concurrency: Annotated[
        int,
        typer.Option(
            envvar="COALITION_WORKER_CONCURRENCY",
            min=1,
            max=64,
            help=lazy("Jobs this worker runs at once (each on a thread of its own)."),
        ),
    ] = 1,
) -> None:
    from .jobs import runner_for

    url = database_url()
    if runner_for(url) == "local":
        console.print(
            _(
                "No worker is needed here: with this database (%(database)s) the app runs "
                "background jobs itself, on its own threads. Workers are for PostgreSQL "
                "(COALITION_DATABASE_URL=postgresql://…)."
            )
            % {"database": _safe_url()}
        )
        return
    from .jobs.queue import run_worker
    from .store.migrate import upgrade

    upgrade(url, "heads")
    console.print(
        _("worker on %(database)s (concurrency %(n)s); Ctrl-C stops it")
        % {"database": _safe_url(), "n": concurrency}
    )
    run_worker(url, concurrency)


@export_app.command("bundle", help=lazy("Write a whole network as one JSON bundle."))
def export_bundle_cmd(
    network: Annotated[str, typer.Option("--network", "-n")] = "demo",
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    include_private: Annotated[
        bool, typer.Option(help=lazy("A full backup with private fields (operator only)."))
    ] = False,
) -> None:
    from .commands.common import counted, wrote
    from .services.portability import export_bundle

    data = run_service(
        lambda db: export_bundle(db, OPERATOR, network, include_private=include_private)
    )
    text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
        actors, ties = len(data["actors"]), len(data["ties"])
        held = (
            counted(ngettext("%(n)s actor", "%(n)s actors", actors), actors),
            counted(ngettext("%(n)s tie", "%(n)s ties", ties), ties),
        )
        err.print(wrote(output, ", ".join(held)))
    else:
        sys.stdout.write(text + "\n")


@import_app.command(
    "bundle",
    help=lazy(
        "Load a JSON bundle as a new network: all or nothing, with a report of every problem."
    ),
)
def import_bundle_cmd(
    path: Path,
    slug: Annotated[str | None, typer.Option(help=lazy("Load under another network slug."))] = None,
) -> None:
    from .io.graph_model import FormatError
    from .io.safe_input import MAX_BLOB_CHARS, load_json
    from .services.portability import import_bundle
    from .store.migrate import upgrade

    try:
        # a full backup may carry many files: the operator's own, so a larger limit
        data = load_json(path.read_bytes(), "JSON bundle", max_chars=MAX_BLOB_CHARS, limit=2**30)
    except OSError as exc:
        raise fail(f"{path}: {exc.strerror or exc}") from None
    except FormatError as exc:  # encoding, nesting, NaN, syntax: with the line
        raise fail(f"{path}: {exc.message}") from None
    upgrade(database_url(), "heads")
    network = run_service(lambda db: import_bundle(db, OPERATOR, data, slug=slug))
    console.print(_("imported network '%(slug)s'") % {"slug": network.slug})


def _filter_options(command: Callable[..., None]) -> Callable[..., None]:
    """``command`` with one option per directory filter (schemas/directory.py ``FILTERS``,
    ``--min-level`` for ``min_level``), given as text the search model reads, with the filter's
    description as help (marked with ``lazy``: translated with the rest of the tree, see
    commands/language.py); the values reach ``command`` as keyword arguments."""
    from .schemas.directory import FILTERS, LIST_FILTERS, ActorSearch

    short = {"capability": ("-c",)}
    own = inspect.signature(command, eval_str=True).parameters.values()
    options = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[
                list[str] | None if name in LIST_FILTERS else str | None,
                typer.Option(
                    f"--{name.replace('_', '-')}",
                    *short.get(name, ()),
                    help=ActorSearch.model_fields[name].description,
                ),
            ],
        )
        for name in FILTERS
    ]
    kept = [p for p in own if p.kind is not inspect.Parameter.VAR_KEYWORD]
    command.__dict__["__signature__"] = inspect.Signature([*kept, *options])
    return command


@actors_app.command(
    "search",
    help=lazy(
        "Search the directory by capability, level, purpose, sector, time zone, language, "
        "capacity and custom profile fields."
    ),
)
@_filter_options
def actors_search(
    network: Annotated[str, typer.Option("--network", "-n")] = "demo",
    field: Annotated[
        list[str] | None,
        typer.Option("--field", "-f", help=lazy("A custom profile field: KEY=VALUE (repeatable).")),
    ] = None,
    limit: int = 20,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    **filters: str | list[str] | None,
) -> None:
    from .schemas.directory import ActorQuery
    from .services.directory import search_actors
    from .services.networks import get_network

    given = filters | {"fields": _pairs(field or [], "--field"), "limit": limit}
    try:
        query = ActorQuery.model_validate(given)
    except ValidationError as exc:
        raise fail(" ".join(sentences(exc.errors()))) from None
    page = run_service(
        lambda db: search_actors(db, OPERATOR, get_network(db, OPERATOR, network), query)
    )
    if as_json:
        emit_json(page.model_dump(mode="json"))
        return
    table = Table(title=f"{page.total} match(es)")
    for column in ("id", "name", "sector", "time zone", "free h/wk", "top capabilities"):
        table.add_column(column)
    for a in page.items:
        table.add_row(
            str(a.id),
            a.name,
            a.sector,
            a.timezone or "",
            f"{a.free_hours:g}" if a.free_hours is not None else "",
            ", ".join(f"{c.term} {c.level}" for c in a.capabilities[:3]),
        )
    console.print(table)


# Each area's commands, one module per area under coalition/commands/.
AREAS = (
    "auth",
    "deliberation",
    "fairness",
    "formation",
    "interdependence",
    "invitations",
    "lifecycle",
    "networks",
    "outcomes",
    "profile_fields",
    "together",
    "voices",
)
for area in AREAS:
    import_module(f".commands.{area}", __package__).register(app, import_app, export_app)

if __name__ == "__main__":  # pragma: no cover
    app()
