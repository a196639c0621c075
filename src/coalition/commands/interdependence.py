"""`coalition map analyze|changes|export` and `coalition import map`: the interdependence map
from the console (as the server's operator, who sees every actor on the map)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from .. import formatting as fmt
from ..choices import is_choice
from ..i18n import _, lazy, ngettext
from ..labels import vocab
from .common import counted, table, wrote

if TYPE_CHECKING:
    from ..services.interdependence import MapQuery

map_app = typer.Typer(help=lazy("The interdependence map: metrics, changes, exchange files."))

NetworkOpt = Annotated[str, typer.Option("--network", "-n", help=lazy("Network slug."))]
TypesOpt = Annotated[
    str | None, typer.Option("--types", help=lazy("Comma-separated tie types (default: all)."))
]


def _query(
    types: str | None,
    at: dt.datetime | None,
    since: dt.datetime | None,
    period: str | None,
    projection: str = "none",
) -> MapQuery:
    from ..cli import fail
    from ..errors import Invalid
    from ..services.interdependence import MapQuery, Projection, tie_types

    try:
        return MapQuery(
            types=tie_types([types] if types else None),
            at=at.date() if at else None,
            since=since.date() if since else None,
            period=period,
            projection=cast(Projection, projection),  # MapQuery refuses any other
        )
    except Invalid as exc:
        raise fail(exc.message) from None


@map_app.command(
    "analyze",
    help=lazy("Every metric of the map: per actor, per network, and how each was obtained."),
)
def analyze(
    network: NetworkOpt = "demo",
    at: Annotated[
        dt.datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help=lazy("The network as it stood on this day.")),
    ] = None,
    since: Annotated[
        dt.datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help=lazy("With --at: ties active from this day.")),
    ] = None,
    period: Annotated[
        str | None, typer.Option(help=lazy("A year (2024) or quarter (2024-Q3)."))
    ] = None,
    types: TypesOpt = None,
    projection: Annotated[
        str, typer.Option(help=lazy("none | organisations | initiatives (two-mode projection)."))
    ] = "none",
    top: Annotated[int, typer.Option(help=lazy("Actors shown in the table."))] = 15,
    as_json: Annotated[bool, typer.Option("--json", help=lazy("Every metric, as JSON."))] = False,
) -> None:
    from ..cli import OPERATOR, console, emit_json, run_service
    from ..services.interdependence import analysis

    query = _query(types, at, since, period, projection)
    result = run_service(lambda db: analysis(db, OPERATOR, network, query))
    if as_json:
        emit_json(result)
        return
    console.print(f"[bold]{network}[/]: {_summary(result['network'])}")
    cols = result["actors"]
    order = sorted(range(len(cols["id"])), key=lambda i: -(cols["pagerank"][i] or 0.0))[:top]
    shown = table(
        _("Most central actors (PageRank)"),
        (
            _("actor"),
            _("sector"),
            _("degree"),
            _("PageRank"),
            _("betweenness"),
            _("liaison"),
            _("community"),
        ),
    )
    for i in order:
        shown.add_row(
            cols["name"][i],
            vocab(cols["sector"][i]),
            fmt.number(cols["degree"][i]),
            _num(cols["pagerank"][i]),
            _num(cols["betweenness"][i]),
            _num(cols["liaison"][i]),
            str(cols["community"][i]),
        )
    console.print(shown)


def _summary(net: dict[str, Any]) -> str:
    """The network's size and shape in one line, numbers for the locale."""
    actors, pairs = net["n_actors"], net["n_edges"]
    components, communities = net["n_components"], net["n_communities"]
    return _(
        "%(actors)s, %(pairs)s, density %(density)s, %(components)s, %(communities)s "
        "(modularity %(modularity)s), sector assortativity %(assortativity)s"
    ) % {
        "actors": counted(ngettext("%(n)s actor", "%(n)s actors", actors), actors),
        "pairs": counted(ngettext("%(n)s linked pair", "%(n)s linked pairs", pairs), pairs),
        "density": fmt.fixed(net["density"], 4),
        "components": counted(
            ngettext("%(n)s component", "%(n)s components", components), components
        ),
        "communities": counted(
            ngettext("%(n)s community", "%(n)s communities", communities), communities
        ),
        "modularity": fmt.fixed(net["modularity"], 3),
        "assortativity": _num(net["assortativity"]),
    }


def _num(value: Any) -> str:
    """A metric to four decimals at most, for the locale; a dash where it is undefined."""
    return "–" if value is None else fmt.decimal(value, 4)


@map_app.command(
    "changes",
    help=lazy("The map year by year (or quarter by quarter) and what changed between them."),
)
def changes(
    network: NetworkOpt = "demo",
    freq: Annotated[str, typer.Option(help=lazy("year | quarter"))] = "year",
    types: TypesOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    from ..cli import OPERATOR, console, emit_json, fail, run_service
    from ..schemas.interdependence import FREQS
    from ..services.interdependence import changes as service_changes

    if not is_choice(freq, FREQS):
        raise fail(_("--freq is year or quarter"))
    names = _query(types, None, None, None).types
    result = run_service(lambda db: service_changes(db, OPERATOR, network, freq=freq, types=names))
    if as_json:
        emit_json(result)
        return
    title = (
        _("%(network)s: the map by year")
        if freq == "year"
        else _("%(network)s: the map by quarter")
    )
    shown = table(
        title % {"network": network},
        (
            _("period"),
            _("actors"),
            _("pairs"),
            _("density"),
            _("communities"),
            _("cross-sector"),
        ),
    )
    for s in result["snapshots"]:
        shown.add_row(
            s["label"],
            fmt.number(s["n_actors"]),
            fmt.number(s["n_edges"]),
            _num(s["density"]),
            fmt.number(s["n_communities"]),
            fmt.percent(s["cross_sector_share"]) if s["cross_sector_share"] is not None else "–",
        )
    console.print(shown)
    for ch in result["changes"]:
        risers = [r.get("name") or r["id"] for r in ch["centrality"][0]["risers"][:3]]
        events = [vocab(e["kind"]) for e in ch["communities"] if e["kind"] != "continued"]
        console.print(
            _("%(from)s → %(to)s: rose in PageRank: %(risers)s; communities: %(events)s")
            % {
                "from": ch["from"],
                "to": ch["to"],
                "risers": ", ".join(map(str, risers)) or _("nobody"),
                "events": ", ".join(events) or _("unchanged"),
            }
        )


@map_app.command(
    "export",
    help=lazy("Write the whole map (actors, dated typed ties, metrics) in an exchange format."),
)
def export(
    network: NetworkOpt = "demo",
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=lazy("gexf | graphml | kumu | csv | xlsx"))
    ] = "gexf",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=lazy("File (default: standard output)."))
    ] = None,
) -> None:
    from ..cli import OPERATOR, console, run_service
    from ..services.map_exchange import export_map

    content, _unused, filename = run_service(lambda db: export_map(db, OPERATOR, network, fmt))
    if output is None:
        sys.stdout.buffer.write(content)
        return
    output.write_bytes(content)
    size = counted(ngettext("%(n)s byte", "%(n)s bytes", len(content)), len(content))
    console.print(
        wrote(output, _("%(size)s; suggested name %(name)s") % {"size": size, "name": filename})
    )


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    app.add_typer(map_app, name="map")

    @import_app.command(
        "map",
        help=lazy("Load a map file into a network: all or nothing, with every problem reported."),
    )
    def import_map(
        path: Path,
        network: NetworkOpt = "demo",
        fmt: Annotated[
            str | None,
            typer.Option(
                "--format",
                "-f",
                help=lazy("gexf | graphml | kumu | csv | xlsx (default: by suffix)"),
            ),
        ] = None,
    ) -> None:
        from ..cli import OPERATOR, console, fail, run_service
        from ..services.map_exchange import guess_format
        from ..services.map_exchange import import_map as service_import

        chosen = fmt or guess_format(path.name)
        if chosen is None:
            raise fail(_("cannot tell the format from the file name: give --format"))
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise fail(
                _("cannot read %(path)s: %(strerror)s") % {"path": path, "strerror": exc.strerror}
            ) from None
        report = run_service(lambda db: service_import(db, OPERATOR, network, chosen, content))
        created, matched = report["actors_created"], report["actors_matched"]
        ties = report["ties_created"]
        console.print(
            _("imported into '%(network)s': %(created)s, %(matched)s, %(ties)s")
            % {
                "network": report["network"],
                "created": counted(
                    ngettext("%(n)s new actor", "%(n)s new actors", created), created
                ),
                "matched": counted(ngettext("%(n)s matched", "%(n)s matched", matched), matched),
                "ties": counted(ngettext("%(n)s tie", "%(n)s ties", ties), ties),
            }
        )
