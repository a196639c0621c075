"""HTML pages of the directory: home, search, actor profile, initiative."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select

from ...schemas.common import ActorKindName, RegionName, SectorName
from ...schemas.directory import ActorSearch
from ...services import directory, initiatives
from ...services.networks import get_network, list_capabilities, list_networks
from ...store.tables import Actor, Initiative, Tie
from ..deps import DB, CurrentCaller

router = APIRouter(include_in_schema=False)


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(request, template, context, status_code=status)  # type: ignore[no-any-return]


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: DB, caller: CurrentCaller) -> Response:
    networks = []
    for network in list_networks(db, caller):
        counts = {
            "actors": db.scalar(select(func.count()).where(Actor.network_id == network.id)),
            "ties": db.scalar(select(func.count()).where(Tie.network_id == network.id)),
            "initiatives": db.scalar(
                select(func.count()).where(Initiative.network_id == network.id)
            ),
        }
        networks.append((network, counts))
    return render(request, "home.html", {"networks": networks, "caller": caller})


@router.get("/n/{slug}/directory", response_class=HTMLResponse)
def directory_page(
    request: Request,
    slug: str,
    db: DB,
    caller: CurrentCaller,
    q: str | None = None,
    capability: str | None = None,
    min_level: int = Query(1, ge=1, le=5),
    purpose: str | None = None,
    sector: SectorName | None = Query(None),
    kind: ActorKindName | None = Query(None),
    region: RegionName | None = Query(None),
    language: str | None = None,
    min_free_hours: float | None = Query(None, ge=0, le=168),
    page: int = Query(1, ge=1),
) -> Response:
    network = get_network(db, caller, slug)
    query = ActorSearch.model_construct(
        q=q or None,
        capability=[capability] if capability else [],
        min_level=min_level,
        purpose=purpose or None,
        sector=sector or None,
        kind=kind or None,
        timezone=None,
        region=region or None,
        language=language or None,
        min_free_hours=min_free_hours,
        limit=30,
        offset=(page - 1) * 30,
    )
    results = directory.search_actors(db, caller, network, query)
    context = {
        "network": network,
        "results": results,
        "query": query,
        "capabilities": list_capabilities(db, caller, network),
        "page": page,
        "pages": max(1, (results.total + 29) // 30),
        "caller": caller,
    }
    if request.headers.get("HX-Request"):
        return render(request, "_actor_results.html", context)
    return render(request, "directory.html", context)


@router.get("/actors/{actor_id}", response_class=HTMLResponse)
def actor_page(request: Request, actor_id: int, db: DB, caller: CurrentCaller) -> Response:
    actor = directory.get_actor(db, caller, actor_id)
    return render(request, "actor.html", {"actor": actor, "caller": caller})


@router.get("/n/{slug}/initiatives", response_class=HTMLResponse)
def initiatives_page(request: Request, slug: str, db: DB, caller: CurrentCaller) -> Response:
    network = get_network(db, caller, slug)
    items = initiatives.list_initiatives(db, caller, network)
    return render(
        request, "initiatives.html", {"network": network, "items": items, "caller": caller}
    )


@router.get("/initiatives/{initiative_id}", response_class=HTMLResponse)
def initiative_page(
    request: Request, initiative_id: int, db: DB, caller: CurrentCaller
) -> Response:
    item = initiatives.get_initiative(db, caller, initiative_id)
    return render(request, "initiative.html", {"item": item, "caller": caller})
