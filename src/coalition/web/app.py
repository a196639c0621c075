"""The FastAPI application: JSON API under /api, HTML pages elsewhere, OpenAPI at /docs.

/docs is Swagger UI from the npm copy in static/vendor (see vendor.py), started by static/docs.js:
no CDN and no inline script, so it lives under the same CSP as every page. FastAPI's own /docs
and /redoc (which load from a CDN) are off; there is no OAuth2 flow, so no oauth2-redirect.

Routers are found by discovery: every module of ``web.api`` and ``web.pages`` that defines
``router`` is included, so areas add their endpoints without editing this file.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from ..config import Settings, load_settings
from . import api, errors, input_guard, pages

HERE = Path(__file__).parent


def _routers(package: object) -> list[APIRouter]:
    found = []
    path = getattr(package, "__path__", [])
    name = getattr(package, "__name__", "")
    for info in sorted(pkgutil.iter_modules(path), key=lambda m: m.name):
        module = importlib.import_module(f"{name}.{info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            found.append(router)
    return found


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    app = FastAPI(
        title="Coalition",
        version="0.1.0",
        description="Inter-independent collaboration: directory, formation, common ground, "
        "and the map of interdependence.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["attribution_notice"] = ""
    app.state.templates = templates
    errors.install(app)
    _install_docs(app, templates)
    for router in _routers(api):
        app.include_router(router)
    for router in _routers(pages):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for hook in getattr(app.state, "startup_hooks", []):
        hook(app)
    _install_extensions(app)
    input_guard.install(app)
    return app


def _install_docs(app: FastAPI, templates: Jinja2Templates) -> None:
    """GET /docs: Swagger UI from static/vendor, reading ``app.openapi_url``."""

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs(request: Request) -> HTMLResponse:
        context = {"title": f"{app.title} API", "openapi_url": app.openapi_url}
        return templates.TemplateResponse(request, "docs.html", context)  # type: ignore[no-any-return]


def _install_extensions(app: FastAPI) -> None:
    """Areas that need middleware (security) expose ``install(app)`` in ``web.extensions``."""
    try:
        extensions = importlib.import_module("coalition.web.extensions")
    except ModuleNotFoundError:
        return
    for info in sorted(pkgutil.iter_modules(extensions.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"coalition.web.extensions.{info.name}")
        install = getattr(module, "install", None)
        if callable(install):
            install(app)
