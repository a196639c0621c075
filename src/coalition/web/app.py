"""The FastAPI application: JSON API under /api, HTML pages elsewhere, OpenAPI at /docs.

/docs is Swagger UI from the npm copy in static/vendor (see vendor.py), started by static/docs.js:
no CDN and no inline script, so it lives under the same CSP as every page. FastAPI's own /docs
and /redoc (which load from a CDN) are off; there is no OAuth2 flow, so no oauth2-redirect.

Every router is listed here, JSON API first, then the pages (a new area adds its line), so a
URL can be followed from this file to its handler, its service and its query.
"""

from __future__ import annotations

import gc
import importlib
import sys
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from .. import glossary, i18n, locales
from ..config import Settings, check_settings, load_settings
from ..domain import FieldKind, Region, Sector, Visibility
from ..services import history_text
from . import errors, input_guard, read_cache
from .api import actors as actors_api
from .api import auth as auth_api
from .api import deliberation as deliberation_api
from .api import formation as formation_api
from .api import initiatives as initiatives_api
from .api import interdependence as interdependence_api
from .api import invitations as invitations_api
from .api import jobs as jobs_api
from .api import lifecycle as lifecycle_api
from .api import network_settings as network_settings_api
from .api import networks as networks_api
from .api import outcomes as outcomes_api
from .api import profile_fields as profile_fields_api
from .api import report as report_api
from .api import ties as ties_api
from .api import together as together_api
from .api import vocabulary as vocabulary_api
from .api import voices as voices_api
from .extensions import busy, locale, openapi, pickers, security, together
from .pages import auth as auth_pages
from .pages import decisions as decisions_pages
from .pages import deliberation as deliberation_pages
from .pages import directory as directory_pages
from .pages import first_run as first_run_pages
from .pages import formation as formation_pages
from .pages import help as help_pages
from .pages import initiative_form as initiative_form_pages
from .pages import interdependence as interdependence_pages
from .pages import invitation_threads as invitation_threads_pages
from .pages import invitations as invitations_pages
from .pages import jobs as jobs_pages
from .pages import lifecycle as lifecycle_pages
from .pages import networks as networks_pages
from .pages import outcomes as outcomes_pages
from .pages import pickers as pickers_pages
from .pages import profile as profile_pages
from .pages import profile_fields as profile_fields_pages
from .pages import report as report_pages
from .pages import together as together_pages
from .pages import vocabulary as vocabulary_pages
from .pages import voices as voices_pages

HERE = Path(__file__).parent

# In this order: a path that two routers could match goes to the first.
ROUTERS: tuple[APIRouter, ...] = (
    actors_api.router,
    auth_api.router,
    deliberation_api.router,
    formation_api.router,
    initiatives_api.router,
    interdependence_api.router,
    invitations_api.router,
    jobs_api.router,
    lifecycle_api.router,
    network_settings_api.router,
    networks_api.router,
    outcomes_api.router,
    profile_fields_api.router,
    report_api.router,
    ties_api.router,
    together_api.router,
    vocabulary_api.router,
    voices_api.router,
    auth_pages.router,
    decisions_pages.router,
    deliberation_pages.router,
    directory_pages.router,
    formation_pages.router,
    help_pages.router,
    initiative_form_pages.router,
    interdependence_pages.router,
    invitations_pages.router,
    jobs_pages.router,
    lifecycle_pages.router,
    networks_pages.router,
    outcomes_pages.router,
    pickers_pages.router,
    first_run_pages.router,
    profile_pages.router,
    profile_fields_pages.router,
    report_pages.router,
    together_pages.router,
    invitation_threads_pages.router,
    vocabulary_pages.router,
    voices_pages.router,
)


#: How long a thread may hold the GIL while another waits for it (CPython's default: 5 ms).
#: A request thread back from the database waits for the GIL; while it waits it may hold a row
#: lock that other requests queue behind (a conversation's vote counter). 1 ms keeps those
#: waits short: measured on the mixed load, 277 → 508 requests/s with 2 processes.
GIL_SWITCH_INTERVAL_S = 0.001


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    check_settings(settings)  # e.g. no default secret outside development
    app = FastAPI(
        title="Coalition",
        version="0.1.0",
        description="Inter-independent collaboration: directory, formation, common ground, "
        "and the map of interdependence.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.router.on_startup.append(_serving)
    _install_jobs(app, settings)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    # {{ _("…") }} in every template: the request's locale (coalition.i18n), new-style gettext.
    templates.env.add_extension("jinja2.ext.i18n")
    templates.env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    templates.env.globals["attribution_notice"] = ""
    # Plain words: {% from "_term.html" import term %} reads the glossary (glossary.py).
    templates.env.globals["glossary_entry"] = glossary.entry
    # The vocabularies of domain.py, so that templates never spell them out.
    templates.env.globals["sector_names"] = [s.value for s in Sector]
    templates.env.globals["region_names"] = [r.value for r in Region]
    # Languages by name and time zones by city (coalition.locales), in the request's locale.
    templates.env.globals["language_name"] = locales.language_name
    # An initiative's history: fields by their labels, values in words (services/history_text).
    templates.env.globals["change_field"] = history_text.field_label
    templates.env.globals["change_value"] = history_text.value_text
    templates.env.globals["field_kinds"] = [k.value for k in FieldKind]
    templates.env.globals["visibility_names"] = [v.value for v in Visibility]
    app.state.templates = templates
    errors.install(app)
    _install_docs(app, templates)
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    busy.install(app)
    openapi.install(app)
    read_cache.install(app)  # inside the security layer: its headers go on kept answers too
    security.install(app)
    together.install(app)
    pickers.install(app)
    input_guard.install(app)
    locale.install(app)  # outermost: error pages from every layer are in the reader's language
    return app


#: What the first requests would import (the analyses and their numeric libraries): imported
#: as the process starts, so that the first requests under load do not queue on the import
#: lock one behind the other (seen: seconds of a cold start spent in ``_find_and_load``).
PRELOAD = (
    "sklearn.cluster",
    "sklearn.metrics",
    "sklearn.decomposition",
    "sklearn.feature_extraction.text",
    "coalition.engines.common_ground",
    "coalition.engines.formation",
    "coalition.engines.network",
    "coalition.engines.network.layout",
    "coalition.engines.network.timeline",
)


def _serving() -> None:
    """What a serving process sets as it starts (not an app built in a test without its
    lifespan): the GIL's switch interval, the modules of :data:`PRELOAD`, and its start-up
    heap frozen out of the garbage collector's passes."""
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    for name in PRELOAD:
        importlib.import_module(name)
    # What the process loaded to start (modules, tables, templates) lives as long as it does:
    # out of the garbage collector's passes, a full collection no longer walks it in the middle
    # of a request.
    gc.collect()
    gc.freeze()


def _install_jobs(app: FastAPI, settings: Settings) -> None:
    """Jobs started by this app run with its settings; with the in-process runner (SQLite),
    what a previous run of the app left queued or running starts again when it starts."""
    from ..jobs import runner_for, use_settings

    use_settings(settings)
    if runner_for(settings.database_url) == "local":

        def resume() -> None:
            from ..jobs.local import resume as resume_local

            resume_local(settings.database_url)

        app.router.on_startup.append(resume)


def _install_docs(app: FastAPI, templates: Jinja2Templates) -> None:
    """GET /docs: Swagger UI from static/vendor, reading ``app.openapi_url``."""

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs(request: Request) -> HTMLResponse:
        context = {"title": f"{app.title} API", "openapi_url": app.openapi_url}
        return templates.TemplateResponse(request, "docs.html", context)
