"""The FastAPI application: JSON API under /api, HTML pages elsewhere, OpenAPI at /docs.

Routers are found by discovery: every module of ``web.api`` and ``web.pages`` that defines
``router`` is included, so areas add their endpoints without editing this file.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from ..config import Settings, load_settings
from . import api, errors, pages

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
    )
    app.state.settings = settings
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["attribution_notice"] = ""
    app.state.templates = templates
    errors.install(app)
    for router in _routers(api):
        app.include_router(router)
    for router in _routers(pages):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for hook in getattr(app.state, "startup_hooks", []):
        hook(app)
    _install_extensions(app)
    return app


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
