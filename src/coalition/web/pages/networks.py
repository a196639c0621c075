"""HTML pages of networks: the directory of networks, each network's own page with its Join
button, the steward's settings page, and the logo.

Their data is in the JSON API too (web/api/network_settings.py, web/api/auth.py's join).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from ...domain import PROFILE_PRIVACY_DEFAULTS, JoinPolicy, NetworkVisibility, Visibility
from ...errors import CoalitionError, NotFound
from ...i18n import _, lazy, translated_map
from ...schemas.networks import NetworkSettingsPatch
from ...services import joining, onboarding
from ...services import network_settings as service
from ...services.access import Caller
from ...services.joining import list_join_requests
from ...services.networks import get_network
from ...store.tables import Network
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..kit import problems, render, see_other
from .auth import JoinForm

router = APIRouter(include_in_schema=False, route_class=CommitFirstRoute)

NETWORK_COOKIE = "network"
VISIBILITY_LABELS = {
    NetworkVisibility.public: lazy(
        "Public: listed in the directory of networks; anyone may find it"
    ),
    NetworkVisibility.unlisted: lazy("Unlisted: anyone with its address may find it; not listed"),
    NetworkVisibility.private: lazy("Private: only its members know it exists"),
}
POLICY_LABELS = {
    JoinPolicy.open: lazy("Open: anyone may join at once"),
    JoinPolicy.approval: lazy("By approval: a steward accepts or declines each request"),
    JoinPolicy.invitation: lazy("By invitation only: stewards invite people by e-mail"),
}
FIELD_LABELS = {
    "profile": lazy("Profile"),
    "day_rate": lazy("Day rate"),
    "capacity": lazy("Capacity (hours per week)"),
    "contact": lazy("Contact details"),
    "declines": lazy("Declined invitations and reasons"),
}
AUDIENCE_LABELS = {
    Visibility.public: lazy("Everyone"),
    Visibility.network: lazy("Members of the network"),
    Visibility.convenors: lazy("Convenors who invited them"),
    Visibility.private: lazy("Only themselves"),
}
SECTORS = [
    "independent",
    "business",
    "government",
    "civil_society",
    "education",
    "health",
    "funder",
    "community",
]


def _remember(response: Response, request: Request, caller: Caller, network: Network) -> None:
    """A member's visit makes this network their current one in the navigation."""
    if network.id in caller.roles and request.cookies.get(NETWORK_COOKIE) != network.slug:
        response.set_cookie(
            NETWORK_COOKIE,
            network.slug,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="lax",
            secure=bool(getattr(request.app.state.settings, "secure_cookies", False)),
        )


# ---------------------------------------------------------------- directory and public page


@router.get("/networks", response_class=HTMLResponse)
def networks_page(request: Request, db: DB, caller: CurrentCaller, q: str = "") -> Response:
    items = service.directory_of_networks(db, caller, q[:200])
    context = {
        "caller": caller,
        "items": items,
        "q": q[:200],
        "policies": translated_map(POLICY_LABELS),
    }
    return render(request, "networks/directory.html", context)


@router.get("/n/{slug}", response_class=HTMLResponse)
def network_page(request: Request, slug: str, db: DB, caller: CurrentCaller) -> Response:
    network = get_network(db, caller, slug)
    steward = caller.has_role(network.id, "steward")
    waiting = len(list_join_requests(db, caller, network)) if steward else 0
    context = {
        "caller": caller,
        "network": network,
        "page": service.public_page(db, caller, network),
        "checklist": _checklist(db, caller, network),
        "steward": steward,
        "waiting": waiting,
        "sectors": SECTORS,
        "notice": request.query_params.get("notice", ""),
        "errors": [],
    }
    response = render(request, "networks/network.html", context)
    _remember(response, request, caller, network)
    return response


def _checklist(db: DB, caller: Caller, network: Network) -> Any:
    """The caller's checklist when they have a profile in the network, else None."""
    if not caller.member_of(network.id) or caller.system:
        return None
    try:
        return onboarding.checklist(db, caller, network)
    except CoalitionError:
        return None


@router.post("/n/{slug}/onboarding/privacy")
def onboarding_privacy(request: Request, slug: str, db: DB, caller: CurrentCaller) -> Response:
    network = get_network(db, caller, slug)
    if caller.account_id is None:
        return see_other(f"/login?next=/n/{network.slug}")
    onboarding.mark_privacy_reviewed(db, caller, network)
    return see_other(f"/n/{network.slug}#h-first-steps")


@router.post("/n/{slug}/join")
def network_join(
    request: Request,
    slug: str,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[JoinForm, Form()],
) -> Response:
    """Join by the network's policy; someone signed out first creates an account."""
    network = get_network(db, caller, slug)
    if caller.account_id is None:
        return see_other(f"/register?network={network.slug}")
    try:
        result = joining.join(db, caller, network, form.join_in())
    except ValidationError as exc:
        return _network_error(request, db, caller, network, problems(exc), 422)
    except CoalitionError as exc:
        return _network_error(request, db, caller, network, [exc.message], exc.status)
    notice = "joined" if result.status == "approved" else "requested"
    return see_other(f"/n/{network.slug}?notice={notice}")


def _network_error(
    request: Request, db: DB, caller: Caller, network: Network, errors: list[str], status: int
) -> Response:
    db.rollback()
    context = {
        "caller": caller,
        "network": network,
        "page": service.public_page(db, caller, network),
        "checklist": None,
        "steward": False,
        "waiting": 0,
        "sectors": SECTORS,
        "notice": "",
        "errors": errors,
    }
    return render(request, "networks/network.html", context, status)


@router.get("/n/{slug}/logo")
def network_logo(slug: str, db: DB, caller: CurrentCaller) -> Response:
    logo = service.get_logo(db, get_network(db, caller, slug))
    if logo is None:
        raise NotFound(_("network '%(slug)s' has no logo") % {"slug": slug})
    return Response(
        logo.data,
        media_type=logo.media_type,
        headers={"cache-control": "private, max-age=3600", "x-content-type-options": "nosniff"},
    )


# ---------------------------------------------------------------- settings (stewards)


def _settings_context(db: DB, caller: Caller, network: Network, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "caller": caller,
        "network": network,
        "settings": service.get_settings(db, caller, network),
        "visibilities": translated_map(VISIBILITY_LABELS),
        "policies": translated_map(POLICY_LABELS),
        "fields": translated_map(FIELD_LABELS),
        "audiences": translated_map(AUDIENCE_LABELS),
        "max_kib": service.LOGO_MAX_BYTES // 1024,
        "max_side": service.LOGO_MAX_SIDE,
        "errors": [],
        "notice": "",
    }
    context.update(extra)
    return context


@router.get("/n/{slug}/settings", response_class=HTMLResponse)
def settings_page(request: Request, slug: str, db: DB, caller: CurrentCaller) -> Response:
    network = get_network(db, caller, slug)
    if caller.account_id is None and not caller.system:
        return see_other(f"/login?next=/n/{network.slug}/settings")
    notice = {"saved": _("Settings saved."), "logo": _("Logo saved."), "nologo": _("Logo removed.")}
    context = _settings_context(
        db, caller, network, notice=notice.get(request.query_params.get("notice", ""), "")
    )
    return render(request, "networks/settings.html", context)


def _settings_error(
    request: Request, db: DB, caller: Caller, network: Network, errors: list[str], status: int
) -> Response:
    db.rollback()
    context = _settings_context(db, caller, network, errors=errors)
    return render(request, "networks/settings.html", context, status)


@router.post("/n/{slug}/settings")
async def settings_save(request: Request, slug: str, db: DB, caller: CurrentCaller) -> Response:
    form = await request.form()
    data: dict[str, Any] = {
        name: str(form.get(name, ""))
        for name in ("name", "purpose", "description", "visibility", "join_policy", "welcome_text")
        if name in form
    }
    privacy = {
        name: str(form[f"privacy_{name}"])
        for name in PROFILE_PRIVACY_DEFAULTS
        if f"privacy_{name}" in form
    }
    if privacy:
        data["default_privacy"] = privacy
    return await _run(request, db, caller, slug, lambda network: _save(db, caller, network, data))


def _save(db: DB, caller: Caller, network: Network, data: dict[str, Any]) -> str:
    service.update_settings(db, caller, network, NetworkSettingsPatch.model_validate(data))
    return "saved"


async def _run(request: Request, db: DB, caller: Caller, slug: str, action: Any) -> Response:
    """Run a settings action in the thread pool; problems re-render the form with them."""
    from starlette.concurrency import run_in_threadpool

    network = await run_in_threadpool(get_network, db, caller, slug)
    if caller.account_id is None and not caller.system:
        return see_other(f"/login?next=/n/{network.slug}/settings")
    try:
        notice = await run_in_threadpool(action, network)
    except ValidationError as exc:
        return await run_in_threadpool(
            _settings_error, request, db, caller, network, problems(exc), 422
        )
    except CoalitionError as exc:
        if exc.status in (401, 403, 404):
            raise
        return await run_in_threadpool(
            _settings_error, request, db, caller, network, [exc.message], exc.status
        )
    return see_other(f"/n/{network.slug}/settings?notice={notice}")


@router.post("/n/{slug}/settings/logo")
async def settings_logo(request: Request, slug: str, db: DB, caller: CurrentCaller) -> Response:
    form = await request.form()
    upload = form.get("logo")
    data = b""
    if isinstance(upload, UploadFile):
        data = await upload.read(service.LOGO_MAX_BYTES + 1)

    def store(network: Network) -> str:
        service.set_logo(db, caller, network, data)
        return "logo"

    return await _run(request, db, caller, slug, store)


@router.post("/n/{slug}/settings/logo/remove")
def settings_logo_remove(request: Request, slug: str, db: DB, caller: CurrentCaller) -> Response:
    network = get_network(db, caller, slug)
    if caller.account_id is None and not caller.system:
        return see_other(f"/login?next=/n/{network.slug}/settings")
    service.remove_logo(db, caller, network)
    return see_other(f"/n/{network.slug}/settings?notice=nologo")
