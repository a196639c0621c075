"""The steward's vocabulary page: every capability term with its uses; add, rename, describe,
merge and retire (the same services as web/api/vocabulary.py)."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from ...errors import Invalid
from ...i18n import _
from ...schemas.directory import CapabilityIn
from ...schemas.networks import CapabilityPatch
from ...services import vocabulary as service
from ...services import vocabulary_history as history
from ...services.access import Caller
from ...services.networks import get_network
from ...store.tables import Network
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..kit import render, settings_act, settings_visitor
from ..params import PathId, form_id

router = APIRouter(include_in_schema=False, route_class=CommitFirstRoute)


class TermForm(BaseModel):
    """A capability term as typed: renamed or described on its row."""

    term: str = ""
    description: str = ""
    esco_uri: str = ""

    def fields(self) -> dict[str, Any]:
        """The term trimmed, and its ESCO address (None when left empty)."""
        term, uri = self.term.strip(), self.esco_uri.strip() or None
        return {"term": term, "description": self.description, "esco_uri": uri}


class NewTermForm(TermForm):
    """A new term, with its category."""

    category: str = ""


class MergeForm(BaseModel):
    """Two terms chosen by id: the one merged, and the one kept."""

    source: str = ""
    into: str = ""

    def ids(self) -> tuple[int, int]:
        """The two ids; refused, naming the form, when either is missing or not a number."""
        source_id, into_id = form_id(self.source), form_id(self.into)
        if source_id is None or into_id is None:
            raise Invalid(_("choose the term to merge and the term to keep"), field="source")
        return source_id, into_id


def _url(network: Network) -> str:
    return f"/n/{network.slug}/capabilities"


def _page(
    request: Request, db: DB, caller: Caller, network: Network, status: int = 200, **extra: Any
) -> Response:
    context: dict[str, Any] = {
        "caller": caller,
        "network": network,
        "terms": service.vocabulary(db, caller, network),
        "merges": history.merge_history(db, caller, network),
        "errors": [],
        "notice": "",
    }
    context.update(extra)
    return render(request, "networks/vocabulary.html", context, status)


def _act(request: Request, db: DB, caller: Caller, slug: str, action: Any) -> Response:
    """Run ``action(network)``; a problem re-renders the page with it, else back with a notice."""
    network = get_network(db, caller, slug)
    page = partial(_page, request, db, caller, network)
    return settings_visitor(caller, _url(network)) or settings_act(
        db, lambda: action(network), page
    )


@router.get("/n/{slug}/capabilities", response_class=HTMLResponse)
def vocabulary_page(request: Request, slug: str, db: DB, caller: CurrentCaller) -> Response:
    network = get_network(db, caller, slug)
    return settings_visitor(caller, _url(network)) or _page(request, db, caller, network)


@router.post("/n/{slug}/capabilities", response_class=HTMLResponse)
def vocabulary_add(
    request: Request,
    slug: str,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[NewTermForm, Form()],
) -> Response:
    def add(network: Network) -> str:
        typed = {"category": form.category.strip(), "description": form.description.strip()}
        data = CapabilityIn.model_validate(form.fields() | typed)
        service.add_term(db, caller, network, data)
        return _("Added '%(term)s'.") % {"term": data.term}

    return _act(request, db, caller, slug, add)


@router.post("/n/{slug}/capabilities/{capability_id}/edit", response_class=HTMLResponse)
def vocabulary_edit(
    request: Request,
    slug: str,
    capability_id: PathId,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[TermForm, Form()],
) -> Response:
    def edit(network: Network) -> str:
        data = CapabilityPatch.model_validate(form.fields())
        row = service.update_term(db, caller, network, capability_id, data)
        return _("Saved '%(term)s'.") % {"term": row.term}

    return _act(request, db, caller, slug, edit)


@router.post("/n/{slug}/capabilities/merge", response_class=HTMLResponse)
def vocabulary_merge(
    request: Request,
    slug: str,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[MergeForm, Form()],
) -> Response:
    def merge(network: Network) -> str:
        out = service.merge_terms(db, caller, network, *form.ids())
        return _(
            "Merged '%(merged)s' into '%(into)s': %(moved)s profile(s) moved, %(raised)s raised "
            "to a higher level, %(requirements)s role requirement(s) re-pointed."
        ) % {
            "merged": out.merged,
            "into": out.into,
            "moved": out.actors_moved,
            "raised": out.actors_raised,
            "requirements": out.requirements_moved,
        }

    return _act(request, db, caller, slug, merge)


@router.post("/n/{slug}/capabilities/{capability_id}/retire", response_class=HTMLResponse)
def vocabulary_retire(
    request: Request, slug: str, capability_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    def retire(network: Network) -> str:
        service.retire_term(db, caller, network, capability_id)
        return _("Retired the term.")

    return _act(request, db, caller, slug, retire)


@router.post("/n/{slug}/capabilities/merges/{merge_id}/undo", response_class=HTMLResponse)
def vocabulary_undo(
    request: Request, slug: str, merge_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    def undo(network: Network) -> str:
        out = history.undo_merge(db, caller, network, merge_id)
        return _("Undid the merge: '%(term)s' is back, with every use it had.") % {
            "term": out.merged
        }

    return _act(request, db, caller, slug, undo)
