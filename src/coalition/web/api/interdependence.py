"""The interdependence map: every metric, the drawing's data, changes over time, exchange files.

Query parameters shared by the reads: ``types`` (tie types, repeatable or comma-separated),
``at`` (the network as it stood on that day), ``since`` (with ``at``: a window), ``period``
(``2024`` or ``2024-Q3``), ``projection`` (``none``, ``organisations``, ``initiatives``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ...errors import Invalid
from ...i18n import _
from ...schemas.interdependence import (
    MapAnalysisOut,
    MapChangesOut,
    MapImportOut,
    MapTieOut,
    MapViewOut,
)
from ...services import interdependence as service
from ...services import map_exchange
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..read_cache import kept

router = APIRouter(tags=["map"], route_class=CommitFirstRoute)

MAX_IMPORT_BYTES = 64 * 1024 * 1024
Types = Annotated[
    list[str] | None,
    Query(description="Tie types to keep (repeat, or separate with commas); default all."),
]
At = Annotated[date | None, Query(description="The network as it stood on this day.")]
Since = Annotated[date | None, Query(description="With 'at': ties active from this day.")]
Period = Annotated[
    str | None, Query(max_length=7, description="A year (2024) or a quarter (2024-Q3).")
]
ProjectionParam = Annotated[
    Literal["none", "organisations", "initiatives"],
    Query(description="Project people's shared organisations or initiatives onto ties."),
]


def map_query(
    types: list[str] | None,
    at: date | None,
    since: date | None,
    period: str | None,
    projection: service.Projection = "none",
) -> service.MapQuery:
    """Build the query from request parameters (``types`` may be comma-separated)."""
    return service.MapQuery(
        types=service.tie_types(types),
        since=since,
        at=at,
        period=period or None,
        projection=projection,
    )


async def query_params(
    types: Types = None,
    at: At = None,
    since: Since = None,
    period: Period = None,
    projection: ProjectionParam = "none",
) -> service.MapQuery:
    """The map query of a request's parameters (a FastAPI dependency)."""
    return map_query(types, at, since, period, projection)


Query_ = Annotated[service.MapQuery, Depends(query_params)]


@router.get("/api/networks/{slug}/map/analysis")
def map_analysis(slug: str, db: DB, caller: CurrentCaller, query: Query_) -> MapAnalysisOut:
    """Every metric per actor and per network, and how each was obtained."""
    return MapAnalysisOut.model_validate(service.analysis(db, caller, slug, query))


@router.get(
    "/api/networks/{slug}/map",
    response_class=Response,
    responses={200: {"model": MapViewOut, "description": "the map's drawing data"}},
)
@kept(ignores=("votes", "analysis"))
def map_view(slug: str, db: DB, caller: CurrentCaller, query: Query_) -> Response:
    """What the map page draws: actors with positions and metrics, linked pairs, periods."""
    return Response(service.map_view_json(db, caller, slug, query), media_type="application/json")


@router.get("/api/networks/{slug}/map/changes")
def map_changes(
    slug: str,
    db: DB,
    caller: CurrentCaller,
    freq: Literal["year", "quarter"] = "year",
    types: Types = None,
) -> MapChangesOut:
    """Snapshots by year or quarter and what changed between consecutive ones."""
    names = map_query(types, None, None, None).types
    return MapChangesOut.model_validate(service.changes(db, caller, slug, freq=freq, types=names))


@router.get("/api/networks/{slug}/map/actors/{actor_id}/ties")
def map_actor_ties(
    slug: str,
    actor_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
    db: DB,
    caller: CurrentCaller,
    types: Types = None,
    at: At = None,
    since: Since = None,
    period: Period = None,
) -> list[MapTieOut]:
    """One actor's ties on the map (within the filter), newest first."""
    ties = service.actor_ties(db, caller, slug, actor_id, map_query(types, at, since, period))
    return [MapTieOut.model_validate(t) for t in ties]


@router.get(
    "/api/networks/{slug}/map/export",
    response_class=Response,
    responses={
        200: {
            "content": {media: {} for media, _ in map_exchange.EXPORT_FORMATS.values()},
            "description": "the map file in the format asked for",
        }
    },
)
def map_export(
    slug: str,
    db: DB,
    caller: CurrentCaller,
    format: Literal["gexf", "graphml", "kumu", "csv", "xlsx"] = "gexf",  # noqa: A002
) -> Response:
    """The whole map as GEXF 1.3, GraphML, Kumu JSON, CSV (zip of two files) or XLSX."""
    content, media, filename = map_exchange.export_map(db, caller, slug, format)
    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post("/api/networks/{slug}/map/import")
async def map_import(
    slug: str,
    request: Request,
    db: DB,
    caller: CurrentCaller,
    format: Literal["gexf", "graphml", "kumu", "csv", "xlsx"],  # noqa: A002
) -> MapImportOut:
    """Load a map file (the request body) into the network, all or nothing (stewards)."""
    content = await request.body()
    if len(content) > MAX_IMPORT_BYTES:
        raise Invalid(_("the file is larger than 64 MiB"), field="body")
    tally = await run_in_threadpool(map_exchange.import_map, db, caller, slug, format, content)
    return MapImportOut.model_validate(tally)
