"""The steward's page of custom profile fields (add, relabel, change choices and default
audience, remove), and the time-zone search the profile form's picker asks (htmx; the form's
datalist works without it)."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from ...i18n import _
from ...locales import search_timezones, timezone_options
from ...schemas.fields import ProfileFieldIn, ProfileFieldPatch
from ...services import profile_fields as service
from ...services.access import Caller, require_role
from ...services.networks import get_network
from ...store.tables import Network
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..kit import render, see_other, settings_act
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


def _field_errors(exc: ValidationError) -> list[str]:
    return [
        f"{'.'.join(str(p) for p in e['loc']) or 'form'}: {e['msg']}"
        for e in exc.errors(include_url=False)
    ]


def _act(request: Request, db: DB, caller: Caller, slug: str, action: Any, form: Any) -> Response:
    network = get_network(db, caller, slug)
    if caller.account_id is None and not caller.system:
        return see_other(f"/login?next=/n/{network.slug}/fields")
    page = partial(_page, request, db, caller, network)
    return settings_act(db, lambda: action(network), page, _field_errors, form=form)


@router.get("/n/{slug}/fields", response_class=HTMLResponse)
def fields_page(request: Request, slug: str, db: DB, caller: CurrentCaller) -> Response:
    network = get_network(db, caller, slug)
    if caller.account_id is None and not caller.system:
        return see_other(f"/login?next=/n/{network.slug}/fields")
    return _page(request, db, caller, network)


@router.post("/n/{slug}/fields", response_class=HTMLResponse)
def fields_add(
    request: Request,
    slug: str,
    db: DB,
    caller: CurrentCaller,
    key: str = Form("", max_length=200),
    label: str = Form("", max_length=400),
    kind: str = Form("", max_length=40),
    choices: str = Form("", max_length=5000),
    help: str = Form("", max_length=5000),
    default_visibility: str = Form("network", max_length=40),
) -> Response:
    form = {"key": key, "label": label, "kind": kind, "choices": choices, "help": help}
    form["default_visibility"] = default_visibility

    def add(network: Network) -> str:
        data = ProfileFieldIn.model_validate(
            {
                "key": key.strip(),
                "label": label.strip(),
                "kind": kind,
                "choices": _choices(choices),
                "help": help.strip(),
                "default_visibility": default_visibility,
            }
        )
        service.add_field(db, caller, network, data)
        return _("Added the field '%(label)s'.") % {"label": data.label}

    return _act(request, db, caller, slug, add, form)


@router.post("/n/{slug}/fields/{field_id}/edit", response_class=HTMLResponse)
def fields_edit(
    request: Request,
    slug: str,
    field_id: PathId,
    db: DB,
    caller: CurrentCaller,
    label: str = Form("", max_length=400),
    choices: str = Form("", max_length=5000),
    help: str = Form("", max_length=5000),
    default_visibility: str = Form("network", max_length=40),
) -> Response:
    def edit(network: Network) -> str:
        sent: dict[str, Any] = {
            "label": label.strip(),
            "help": help.strip(),
            "default_visibility": default_visibility,
        }
        if choices.strip():
            sent["choices"] = _choices(choices)
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


@router.get("/timezones", response_class=HTMLResponse)
def timezones(
    request: Request,
    q: str = Query("", max_length=100),
    timezone: str = Query("", max_length=100),
) -> Response:
    """Time zones whose city matches ``q`` (or ``timezone``, the profile form's own field, which
    htmx sends as typed), as options; without a query, every zone (the datalist as the page
    first sends it)."""
    q = q or timezone
    zones = search_timezones(q) if q.strip() else list(timezone_options())
    return render(request, "_timezone_options.html", {"zones": zones})
