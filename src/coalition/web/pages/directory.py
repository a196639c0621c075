"""HTML pages of the directory: home, search, actor profile, initiative."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import Field, ValidationError

from ...errors import CoalitionError
from ...schemas.directory import CUSTOM_PREFIX, ActorPage, ActorQuery, DirectoryForm
from ...services import directory, initiatives
from ...services.networks import get_network, list_capabilities, network_counts
from ...services.profile_fields import list_fields
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..kit import problems, render, see_other
from ..params import PathId
from ..read_cache import kept

router = APIRouter(include_in_schema=False, route_class=CommitFirstRoute)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: DB, caller: CurrentCaller) -> Response:

    from ...services.first_run import is_fresh

    networks = network_counts(db, caller)
    if not networks and is_fresh(db):  # a fresh install without the demo: set it up first
        return see_other("/first-run")
    return render(request, "home.html", {"networks": networks, "caller": caller})


PAGE_SIZE = 30


class DirectoryPage(DirectoryForm):
    """The directory page's query: the filters as typed, and the page of results."""

    page: int = Field(1, ge=1, le=100_000)


@router.get("/n/{slug}/directory", response_class=HTMLResponse)
@kept(ignores=("votes", "analysis"))
def directory_page(
    request: Request,
    slug: str,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[DirectoryPage, Query()],
) -> Response:
    """The directory's search form and its results; a filter left empty means "any", and a
    refused one is named in a sentence above the form as typed (422)."""
    network = get_network(db, caller, slug)
    custom = {
        k.removeprefix(CUSTOM_PREFIX): v
        for k, v in request.query_params.multi_items()
        if k.startswith(CUSTOM_PREFIX)
    }
    errors: list[str] = []
    page = form.page
    paging = {"limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE}
    filters = form.model_dump(exclude={"page"})
    try:
        query = ActorQuery.model_validate(filters | {"fields": custom} | paging)
        results = directory.search_actors(db, caller, network, query)
    except ValidationError as exc:
        errors = problems(exc)
    except CoalitionError as exc:
        errors = [exc.message]
    if errors:
        query = ActorQuery.model_construct()
        results = ActorPage(total=0, items=[])
    context = {
        "network": network,
        "results": results,
        "query": query,
        "params": form,
        "errors": errors,
        "capabilities": list_capabilities(db, caller, network),
        "custom_fields": list_fields(db, caller, network),
        "custom": custom,
        "page": page,
        "pages": max(1, (results.total + PAGE_SIZE - 1) // PAGE_SIZE),
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
@kept(ignores=("votes", "analysis"))
def initiative_page(
    request: Request, initiative_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    item = initiatives.get_initiative(db, caller, initiative_id)
    return render(request, "initiative.html", {"item": item, "caller": caller})
