"""A network's settings (its stewards keep them), its logo, and what anyone may see of it.

Visibility is enforced in the queries of :mod:`services.access` (``findable_networks``,
``listed_networks``, ``readable_actors``): a private network is, to outsiders, a network that
does not exist, on every path that looks a network up by its slug.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..clock import utcnow
from ..domain import PROFILE_PRIVACY_DEFAULTS, JoinPolicy, NetworkVisibility, Visibility
from ..errors import Invalid
from ..i18n import _
from ..schemas.networks import (
    NetworkCounts,
    NetworkPublicOut,
    NetworkSettingsOut,
    NetworkSettingsPatch,
    PublicInitiativeOut,
)
from ..store.tables import Actor, Initiative, Network, Tie
from ..store.tables_auth import JoinRequest, Membership
from ..store.tables_networks import NetworkLogo
from .access import Caller, listed_networks, require_role

# Logos: small raster images only (SVG can carry scripts). The pixel limit stops image bombs:
# a few kilobytes of PNG can claim a 50,000 × 50,000 canvas that would take gigabytes to decode.
LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_SIDE = 2048
LOGO_MAX_PIXELS = 2048 * 2048
LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
# Initiatives a public network shows on its page: the ones forming or under way.
SHOWN_STATUSES = ("forming", "active")


def default_privacy(network: Network) -> dict[str, str]:
    """Every profile field with the audience a new member of ``network`` starts with."""
    chosen = network.default_privacy or {}
    return {
        name: str(chosen.get(name, value.value)) for name, value in PROFILE_PRIVACY_DEFAULTS.items()
    }


def apply_default_privacy(network: Network, actor: Actor) -> None:
    """Give a new member's profile the audiences the network's stewards chose."""
    audiences = default_privacy(network)
    actor.visibility = audiences["profile"]
    for name in ("day_rate", "capacity", "contact", "declines"):
        setattr(actor, f"{name}_visibility", audiences[name])


def _logo_url(db: Session, network: Network) -> str | None:
    stamp = db.scalar(select(NetworkLogo.updated_at).where(NetworkLogo.network_id == network.id))
    if stamp is None:
        return None
    return f"/n/{network.slug}/logo?v={int(stamp.timestamp())}"


def settings_out(db: Session, network: Network) -> NetworkSettingsOut:
    return NetworkSettingsOut(
        slug=network.slug,
        name=network.name,
        purpose=network.purpose,
        description=network.description,
        visibility=NetworkVisibility(network.visibility),
        join_policy=JoinPolicy(network.join_policy),
        welcome_text=network.welcome_text,
        default_privacy={k: Visibility(v) for k, v in default_privacy(network).items()},
        logo_url=_logo_url(db, network),
    )


def get_settings(db: Session, caller: Caller, network: Network) -> NetworkSettingsOut:
    require_role(caller, network, "steward")
    return settings_out(db, network)


def update_settings(
    db: Session, caller: Caller, network: Network, data: NetworkSettingsPatch
) -> NetworkSettingsOut:
    """Change the settings sent (stewards only); the others stay as they are."""
    require_role(caller, network, "steward")
    sent = data.model_dump(exclude_unset=True)
    for name in ("name", "purpose", "description", "welcome_text"):
        if sent.get(name) is not None:
            setattr(network, name, sent[name])
    if data.visibility is not None:
        network.visibility = data.visibility.value
    if data.join_policy is not None:
        network.join_policy = data.join_policy.value
    if data.default_privacy is not None:
        merged = dict(network.default_privacy or {})
        merged.update({k: v.value for k, v in data.default_privacy.items()})
        network.default_privacy = merged
    db.flush()
    return settings_out(db, network)


# ---------------------------------------------------------------- the logo


def check_logo(data: bytes) -> tuple[str, int, int]:
    """The media type and size of an uploaded logo; a 422 saying why when it is refused.

    Only the header is read before the checks of size and pixel count, so an image bomb is
    refused before anything is decoded; then the whole file is decoded once to prove it is
    an image and not something else wearing an image's header.
    """
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise Invalid(_("the logo file is empty"), field="logo")
    if len(data) > LOGO_MAX_BYTES:
        raise Invalid(
            _("the logo is %(value)s KiB; at most %(value2)s KiB, please")
            % {"value": format(len(data) / 1024, ".0f"), "value2": LOGO_MAX_BYTES // 1024},
            field="logo",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            kind = image.format or ""
            width, height = image.size
            if kind not in LOGO_FORMATS:
                raise Invalid(
                    _("the logo must be a PNG, JPEG, GIF or WebP image (this is %(kind)s)")
                    % {"kind": kind}
                    if kind
                    else _("the logo must be a PNG, JPEG, GIF or WebP image"),
                    field="logo",
                )
            if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE or width * height > LOGO_MAX_PIXELS:
                raise Invalid(
                    _(
                        "the logo is %(width)s × %(height)s pixels; at most "
                        "%(LOGO_MAX_SIDE)s × %(LOGO_MAX_SIDE2)s, please"
                    )
                    % {
                        "width": width,
                        "height": height,
                        "LOGO_MAX_SIDE": LOGO_MAX_SIDE,
                        "LOGO_MAX_SIDE2": LOGO_MAX_SIDE,
                    },
                    field="logo",
                )
            image.load()
    except Invalid:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Invalid(_("the logo claims too many pixels to be a logo"), field="logo") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise Invalid(
            _("the logo is not an image we can read (PNG, JPEG, GIF or WebP)"), field="logo"
        ) from None
    return LOGO_FORMATS[kind], width, height


def set_logo(db: Session, caller: Caller, network: Network, data: bytes) -> NetworkSettingsOut:
    """Store a checked logo in the database (stewards only), replacing any earlier one."""
    require_role(caller, network, "steward")
    media_type, width, height = check_logo(data)
    row = db.get(NetworkLogo, network.id)
    now = utcnow()
    if row is None:
        row = NetworkLogo(network_id=network.id)
        db.add(row)
    row.media_type, row.width, row.height, row.data, row.updated_at = (
        media_type,
        width,
        height,
        data,
        now,
    )
    db.flush()
    return settings_out(db, network)


def remove_logo(db: Session, caller: Caller, network: Network) -> NetworkSettingsOut:
    require_role(caller, network, "steward")
    row = db.get(NetworkLogo, network.id)
    if row is not None:
        db.delete(row)
        db.flush()
    return settings_out(db, network)


def get_logo(db: Session, network: Network) -> NetworkLogo | None:
    """The logo of a network the caller found (``get_network`` applied its visibility)."""
    return db.get(NetworkLogo, network.id)


# ---------------------------------------------------------------- what anyone may see


def counts(db: Session, network: Network) -> NetworkCounts:
    def count(stmt: Any) -> int:
        return int(db.scalar(stmt) or 0)

    live = (Actor.network_id == network.id) & (Actor.anonymised == 0)
    return NetworkCounts(
        members=count(select(func.count()).where(Membership.network_id == network.id)),
        actors=count(select(func.count()).where(live)),
        organisations=count(select(func.count()).where(live, Actor.kind == "organisation")),
        initiatives=count(select(func.count()).where(Initiative.network_id == network.id)),
        ties=count(select(func.count()).where(Tie.network_id == network.id)),
    )


def standing(db: Session, caller: Caller, network: Network) -> str:
    """The caller's relation to the network: "member", "pending" or "none"."""
    if caller.account_id is None:
        return "none"
    if network.id in caller.roles:
        return "member"
    pending = db.scalar(
        select(func.count()).where(
            JoinRequest.account_id == caller.account_id,
            JoinRequest.network_id == network.id,
            JoinRequest.status == "pending",
        )
    )
    return "pending" if pending else "none"


def public_page(db: Session, caller: Caller, network: Network) -> NetworkPublicOut:
    """A network as anyone who may find it sees it: purpose, counts, initiatives under way.

    Members also see them for private networks (``get_network`` hides those from others);
    outsiders see the initiatives of a network that is not private.
    """
    shown = db.scalars(
        select(Initiative)
        .where(Initiative.network_id == network.id, Initiative.status.in_(SHOWN_STATUSES))
        .order_by(Initiative.status.desc(), Initiative.title)
        .limit(50)
    )
    return NetworkPublicOut(
        slug=network.slug,
        name=network.name,
        purpose=network.purpose,
        description=network.description,
        visibility=NetworkVisibility(network.visibility),
        join_policy=JoinPolicy(network.join_policy),
        logo_url=_logo_url(db, network),
        counts=counts(db, network),
        initiatives=[
            PublicInitiativeOut(
                id=i.id, title=i.title, kind=i.kind, status=i.status, purpose=i.purpose
            )
            for i in shown
        ],
        standing=standing(db, caller, network),
    )


def directory_of_networks(db: Session, caller: Caller, q: str = "") -> list[NetworkPublicOut]:
    """Public networks (and the caller's own), with their counts; ``q`` filters by words."""
    stmt = select(Network).where(listed_networks(caller))
    words = q.strip().lower()
    if words:
        like = f"%{words}%"
        stmt = stmt.where(
            func.lower(Network.name).like(like)
            | func.lower(Network.purpose).like(like)
            | func.lower(Network.description).like(like)
        )
    return [public_page(db, caller, n) for n in db.scalars(stmt.order_by(Network.name))]


def my_networks(db: Session, caller: Caller) -> list[tuple[str, str]]:
    """(slug, name) of each network the caller belongs to, by name: the navigation's choices."""
    if not caller.roles:
        return []
    rows = db.execute(
        select(Network.slug, Network.name)
        .where(Network.id.in_(list(caller.roles)))
        .order_by(Network.name)
    ).all()
    return [(slug, name) for slug, name in rows]
