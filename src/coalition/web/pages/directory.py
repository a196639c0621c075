"""HTML pages of the directory: home, search, actor profile, initiative."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from ...errors import CoalitionError
from ...schemas.directory import ActorPage, ActorSearch
from ...services import directory, initiatives
from ...services.networks import get_network, list_capabilities, network_counts
from ...services.profile_fields import list_fields
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..kit import render, see_other
from ..messages import sentences
from ..params import PathId

router = APIRouter(include_in_schema=False, route_class=CommitFirstRoute)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: DB, caller: CurrentCaller) -> Response:

    from ...services.first_run import is_fresh

    networks = network_counts(db, caller)
    if not networks and is_fresh(db):  # a fresh install without the demo: set it up first
        return see_other("/first-run")
    return render(request, "home.html", {"networks": networks, "caller": caller})


def _search_query(
    params: dict[str, str], page: int, fields: dict[str, str] | None = None
) -> ActorSearch:
    """The directory form's query: empty fields mean "any"; the rest is validated strictly."""
    given = {name: value.strip() for name, value in params.items() if value and value.strip()}
    data: dict[str, Any] = {
        name: given[name]
        for name in ("q", "purpose", "sector", "kind", "timezone", "region", "language")
        if name in given
    }
    if "capability" in given:
        data["capability"] = [given["capability"]]
    for name, kind in (("min_level", int), ("min_free_hours", float), ("min_completeness", int)):
        if name in given:
            try:
                data[name] = kind(given[name])
            except ValueError:
                data[name] = given[name]  # refused below with the field's own message
    if fields:
        data["fields"] = fields
    data["limit"] = 30
    data["offset"] = (page - 1) * 30
    return ActorSearch.model_validate(data)


@router.get("/n/{slug}/directory", response_class=HTMLResponse)
def directory_page(
    request: Request,
    slug: str,
    db: DB,
    caller: CurrentCaller,
    q: str = "",
    capability: str = "",
    min_level: str = "",
    purpose: str = "",
    sector: str = "",
    kind: str = "",
    region: str = "",
    timezone: str = "",
    language: str = "",
    min_free_hours: str = "",
    min_completeness: str = "",
    page: int = Query(1, ge=1, le=100_000),
) -> Response:
    network = get_network(db, caller, slug)
    params = {
        "q": q,
        "capability": capability,
        "min_level": min_level,
        "purpose": purpose,
        "sector": sector,
        "kind": kind,
        "region": region,
        "timezone": timezone,
        "language": language,
        "min_free_hours": min_free_hours,
        "min_completeness": min_completeness,
    }
    errors: list[str] = []
    custom = {k[6:]: v for k, v in request.query_params.multi_items() if k.startswith("field.")}
    try:
        query = _search_query(params, page, {k: v for k, v in custom.items() if v.strip()})
        results = directory.search_actors(db, caller, network, query)
    except ValidationError as exc:
        errors = sentences(exc.errors(include_url=False))
    except CoalitionError as exc:
        errors = [exc.message]
    if errors:
        query = ActorSearch.model_construct()
        results = ActorPage(total=0, items=[])
    context = {
        "network": network,
        "results": results,
        "query": query,
        "params": params,
        "errors": errors,
        "capabilities": list_capabilities(db, caller, network),
        "custom_fields": list_fields(db, caller, network),
        "custom": custom,
        "page": page,
        "pages": max(1, (results.total + 29) // 30),
        "caller": caller,
    }
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        # htmx swaps 2xx answers only: the problems are shown in the results instead.
        return render(request, "_actor_results.html", context | {"oob": True})
    context["facets"] = directory.facets(db, caller, network)
    return render(request, "directory.html", context, 422 if errors else 200)


@router.get("/actors/{actor_id}", response_class=HTMLResponse)
def actor_page(request: Request, actor_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    actor = directory.get_actor(db, caller, actor_id)
    context = {
        "actor": actor,
        "caller": caller,
        "can_edit": directory.may_edit(db, caller, actor_id),
        "saved": request.query_params.get("saved") == "1",
    }
    return render(request, "actor.html", context)


@router.get("/n/{slug}/initiatives", response_class=HTMLResponse)
def initiatives_page(request: Request, slug: str, db: DB, caller: CurrentCaller) -> Response:
    network = get_network(db, caller, slug)
    items = initiatives.list_initiatives(db, caller, network)
    return render(
        request, "initiatives.html", {"network": network, "items": items, "caller": caller}
    )


@router.get("/initiatives/{initiative_id}", response_class=HTMLResponse)
def initiative_page(
    request: Request, initiative_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    item = initiatives.get_initiative(db, caller, initiative_id)
    return render(request, "initiative.html", {"item": item, "caller": caller})
