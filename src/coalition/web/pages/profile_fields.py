"""The steward's page of custom profile fields (add, relabel, change choices and default
audience, remove), and the time-zone search the profile form's picker asks (htmx; the form's
datalist works without it)."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from ...i18n import _
from ...locales import search_timezones, timezone_options
from ...schemas.fields import ProfileFieldIn, ProfileFieldPatch
from ...services import profile_fields as service
from ...services.access import Caller, require_role
from ...services.networks import get_network
from ...store.tables import Network
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..kit import render, settings_act, settings_visitor
from ..params import PathId

router = APIRouter(include_in_schema=False, route_class=CommitFirstRoute)


def _choices(text: str) -> list[str]:
    return [c.strip() for c in text.replace("\n", ",").split(",") if c.strip()]


def _page(
    request: Request, db: DB, caller: Caller, network: Network, status: int = 200, **extra: Any
) -> Response:
    require_role(caller, network, "steward")
    context: dict[str, Any] = {
        "caller": caller,
        "network": network,
        "fields": service.list_fields(db, caller, network),
        "errors": [],
        "notice": "",
        "form": {},
    }
    context.update(extra)
    return render(request, "networks/fields.html", context, status)


class FieldForm(BaseModel):
    """A custom field as typed: relabelled, its choices (one a line or comma-separated), help
    and default audience changed on its row."""

    label: str = Field("", max_length=400)
    choices: str = Field("", max_length=5000)
    help: str = Field("", max_length=5000)
    default_visibility: str = Field("network", max_length=40)


class NewFieldForm(FieldForm):
    """A new field, with its key and kind."""

    key: str = Field("", max_length=200)
    kind: str = Field("", max_length=40)


def _url(network: Network) -> str:
    return f"/n/{network.slug}/fields"


def _act(request: Request, db: DB, caller: Caller, slug: str, action: Any, form: Any) -> Response:
    network = get_network(db, caller, slug)
    page = partial(_page, request, db, caller, network)
    return settings_visitor(caller, _url(network)) or settings_act(
        db, lambda: action(network), page, form=form
    )


@router.get("/n/{slug}/fields", response_class=HTMLResponse)
def fields_page(request: Request, slug: str, db: DB, caller: CurrentCaller) -> Response:
    network = get_network(db, caller, slug)
    return settings_visitor(caller, _url(network)) or _page(request, db, caller, network)


@router.post("/n/{slug}/fields", response_class=HTMLResponse)
def fields_add(
    request: Request,
    slug: str,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[NewFieldForm, Form()],
) -> Response:
    def add(network: Network) -> str:
        data = ProfileFieldIn.model_validate(
            {
                "key": form.key.strip(),
                "label": form.label.strip(),
                "kind": form.kind,
                "choices": _choices(form.choices),
                "help": form.help.strip(),
                "default_visibility": form.default_visibility,
            }
        )
        service.add_field(db, caller, network, data)
        return _("Added the field '%(label)s'.") % {"label": data.label}

    return _act(request, db, caller, slug, add, form.model_dump())


@router.post("/n/{slug}/fields/{field_id}/edit", response_class=HTMLResponse)
def fields_edit(
    request: Request,
    slug: str,
    field_id: PathId,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[FieldForm, Form()],
) -> Response:
    def edit(network: Network) -> str:
        sent: dict[str, Any] = {
            "label": form.label.strip(),
            "help": form.help.strip(),
            "default_visibility": form.default_visibility,
        }
        if form.choices.strip():
            sent["choices"] = _choices(form.choices)
        out = service.update_field(
            db, caller, network, field_id, ProfileFieldPatch.model_validate(sent)
        )
        return _("Saved '%(label)s'.") % {"label": out.label}

    return _act(request, db, caller, slug, edit, {})


@router.post("/n/{slug}/fields/{field_id}/remove", response_class=HTMLResponse)
def fields_remove(
    request: Request, slug: str, field_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    def remove(network: Network) -> str:
        service.remove_field(db, caller, network, field_id)
        return _("Removed the field and its values.")

    return _act(request, db, caller, slug, remove, {})


class TimezoneQuery(BaseModel):
    q: str = Field("", max_length=100)
    timezone: str = Field("", max_length=100)


@router.get("/timezones", response_class=HTMLResponse)
def timezones(
    request: Request,
    query: Annotated[TimezoneQuery, Query()],
) -> Response:
    """Time zones whose city matches ``q`` (or ``timezone``, the profile form's own field, which
    htmx sends as typed), as options; without a query, every zone (the datalist as the page
    first sends it)."""
    q = query.q or query.timezone
    zones = search_timezones(q) if q.strip() else list(timezone_options())
    return render(request, "_timezone_options.html", {"zones": zones})
