"""A network's settings and logo (stewards), its public page, the directory of networks, and
a member's onboarding checklist."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from ...schemas.networks import (
    ChecklistOut,
    NetworkPublicOut,
    NetworkSettingsOut,
    NetworkSettingsPatch,
)
from ...services import network_settings as service
from ...services import onboarding as onboarding_service
from ...services.networks import get_network
from ..deps import DB, CommitFirstRoute, CurrentCaller

router = APIRouter(tags=["networks"], route_class=CommitFirstRoute)


async def read_limited(request: Request) -> bytes:
    """The request body, read up to one byte more than a logo may weigh (enough to say it is
    too big without holding a huge upload in memory)."""
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > service.LOGO_MAX_BYTES:
            break
    return bytes(data[: service.LOGO_MAX_BYTES + 1])


@router.get("/api/network-directory")
def network_directory(db: DB, caller: CurrentCaller, q: str = "") -> list[NetworkPublicOut]:
    """Public networks (and the caller's own) with their counts; ``q`` searches their words."""
    return service.directory_of_networks(db, caller, q)


@router.get("/api/networks/{slug}/public")
def public_page(slug: str, db: DB, caller: CurrentCaller) -> NetworkPublicOut:
    """What anyone who may find the network sees: purpose, counts, initiatives under way."""
    return service.public_page(db, caller, get_network(db, caller, slug))


@router.get("/api/networks/{slug}/settings")
def get_settings(slug: str, db: DB, caller: CurrentCaller) -> NetworkSettingsOut:
    return service.get_settings(db, caller, get_network(db, caller, slug))


@router.patch("/api/networks/{slug}/settings")
def update_settings(
    slug: str, data: NetworkSettingsPatch, db: DB, caller: CurrentCaller
) -> NetworkSettingsOut:
    return service.update_settings(db, caller, get_network(db, caller, slug), data)


@router.put("/api/networks/{slug}/logo")
async def upload_logo(
    slug: str, request: Request, db: DB, caller: CurrentCaller
) -> NetworkSettingsOut:
    """The request body is the image: PNG, JPEG, GIF or WebP, at most 512 KiB and 2048 × 2048
    pixels (stewards)."""
    data = await read_limited(request)

    def store() -> NetworkSettingsOut:
        return service.set_logo(db, caller, get_network(db, caller, slug), data)

    return await run_in_threadpool(store)


@router.delete("/api/networks/{slug}/logo")
def remove_logo(slug: str, db: DB, caller: CurrentCaller) -> NetworkSettingsOut:
    return service.remove_logo(db, caller, get_network(db, caller, slug))


@router.get("/api/networks/{slug}/onboarding")
def onboarding(slug: str, db: DB, caller: CurrentCaller) -> ChecklistOut:
    """The caller's first steps in the network (their own profile there) and completeness."""
    return onboarding_service.checklist(db, caller, get_network(db, caller, slug))


@router.post("/api/networks/{slug}/onboarding/privacy")
def onboarding_privacy(slug: str, db: DB, caller: CurrentCaller) -> ChecklistOut:
    """Mark the privacy step done: the audiences of the caller's fields suit them."""
    return onboarding_service.mark_privacy_reviewed(db, caller, get_network(db, caller, slug))
