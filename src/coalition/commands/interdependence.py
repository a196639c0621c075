"""`coalition map analyze|changes|export` and `coalition import map`: the interdependence map
from the console (as the server's operator, who sees every actor on the map)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer
from rich.table import Table

from ..choices import is_choice
from ..i18n import _, lazy

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
    net = result["network"]
    console.print(
        f"[bold]{network}[/]: {net['n_actors']:,} actors, {net['n_edges']:,} linked pairs, "
        f"density {net['density']:.4f}, {net['n_components']} components, "
        f"{net['n_communities']} communities (modularity {net['modularity']:.3f}), "
        f"sector assortativity {_num(net['assortativity'])}"
    )
    cols = result["actors"]
    order = sorted(range(len(cols["id"])), key=lambda i: -(cols["pagerank"][i] or 0.0))[:top]
    table = Table(title="Most central actors (PageRank)")
    for col in ("actor", "sector", "degree", "pagerank", "betweenness", "liaison", "community"):
        table.add_column(col)
    for i in order:
        table.add_row(
            cols["name"][i],
            cols["sector"][i],
            str(cols["degree"][i]),
            _num(cols["pagerank"][i]),
            _num(cols["betweenness"][i]),
            _num(cols["liaison"][i]),
            str(cols["community"][i]),
        )
    console.print(table)


def _num(value: Any) -> str:
    return "–" if value is None else f"{value:.4g}"


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
    table = Table(title=f"{network}: the map by {freq}")
    for col in ("period", "actors", "pairs", "density", "communities", "cross-sector"):
        table.add_column(col)
    for s in result["snapshots"]:
        table.add_row(
            s["label"],
            str(s["n_actors"]),
            str(s["n_edges"]),
            _num(s["density"]),
            str(s["n_communities"]),
            _num(s["cross_sector_share"]),
        )
    console.print(table)
    for ch in result["changes"]:
        risers = [r.get("name") or r["id"] for r in ch["centrality"][0]["risers"][:3]]
        events = [e["kind"] for e in ch["communities"] if e["kind"] != "continued"]
        console.print(
            f"{ch['from']} → {ch['to']}: rose in PageRank: {', '.join(risers) or 'nobody'}; "
            f"communities: {', '.join(events) or 'unchanged'}"
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
    console.print(f"wrote {output} ({len(content):,} bytes; suggested name {filename})")


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
        console.print(
            f"imported into '{report['network']}': {report['actors_created']} new actors, "
            f"{report['actors_matched']} matched, {report['ties_created']} ties"
        )
