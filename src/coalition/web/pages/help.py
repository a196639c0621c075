"""Help and the site's furniture: the glossary of plain words (/help/glossary), a newcomer's
next steps (/welcome), the favicon and the web app manifest (so the site can be added to a
phone's home screen)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from ... import glossary
from ...i18n import _
from ...services import welcome
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..kit import render, see_other

router = APIRouter(include_in_schema=False, route_class=CommitFirstRoute)

ICONS = Path(__file__).parent.parent / "static" / "icons"


@router.get("/help/glossary", response_class=HTMLResponse)
def glossary_page(request: Request) -> Response:
    return render(request, "help/glossary.html", {"groups": glossary.grouped()})


@router.get("/welcome", response_class=HTMLResponse)
def welcome_page(request: Request, db: DB, caller: CurrentCaller) -> Response:
    if caller.account_id is None:
        return see_other("/login?next=/welcome")
    return render(request, "help/welcome.html", {"steps": welcome.next_steps(db, caller)})


@router.get("/favicon.ico")
def favicon() -> Response:
    return FileResponse(
        ICONS / "favicon.ico",
        media_type="image/x-icon",
        headers={"cache-control": "public, max-age=604800"},
    )


@router.get("/manifest.webmanifest")
def manifest() -> Response:
    """The web app manifest (W3C Web Application Manifest): name, colours, icons."""
    icons = [
        {"src": f"/static/icons/icon-{n}.png", "sizes": f"{n}x{n}", "type": "image/png"}
        for n in (192, 512)
    ] + [
        {
            "src": f"/static/icons/maskable-{n}.png",
            "sizes": f"{n}x{n}",
            "type": "image/png",
            "purpose": "maskable",
        }
        for n in (192, 512)
    ]
    icons.append({"src": "/static/icons/icon.svg", "sizes": "any", "type": "image/svg+xml"})
    body = {
        "name": "Coalition",
        "short_name": "Coalition",
        "description": _("Inter-independent collaboration: directory, teams, common ground."),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f7f8fa",
        "theme_color": "#132238",
        "icons": icons,
    }
    return JSONResponse(
        body,
        media_type="application/manifest+json",
        headers={"cache-control": "public, max-age=86400"},
    )
