"""Custom profile fields in both demo networks, with a few values each (deterministic for a
given demo slug); run after demo/networks.py has opened the movement."""

from __future__ import annotations

import random
import zlib
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

DEMO_FIELDS: tuple[dict[str, Any], ...] = (
    {
        "key": "funding",
        "label": "Funding model",
        "kind": "choice",
        "choices": ["Grants", "Fees", "Volunteer", "Mixed"],
    },
    {
        "key": "methods",
        "label": "Methods",
        "kind": "multi",
        "choices": ["Participatory design", "Systems mapping", "Action research", "Evaluation"],
        "default_visibility": "public",
    },
    {"key": "founded", "label": "Working since", "kind": "date"},
    {"key": "team_size", "label": "Team size", "kind": "number"},
    {"key": "portfolio", "label": "Portfolio", "kind": "url", "default_visibility": "public"},
    {"key": "mentoring", "label": "Open to mentoring", "kind": "boolean"},
)
MOVEMENT_FIELDS: tuple[dict[str, Any], ...] = (
    {"key": "city", "label": "City", "kind": "text", "default_visibility": "public"},
    {
        "key": "neighbourhood_role",
        "label": "Role in the neighbourhood",
        "kind": "choice",
        "choices": ["Resident", "Community group", "Council", "Business"],
    },
    {
        "key": "volunteer_hours",
        "label": "Volunteer hours this year",
        "kind": "number",
        "default_visibility": "private",
    },
    {"key": "has_bike", "label": "Has a cargo bike", "kind": "boolean"},
)
CITIES = ("Lyon", "Leeds", "Porto", "Gdańsk", "Turin", "Ghent", "Utrecht", "Bilbao")
VALUED = 60  # profiles per network that get values


def _value(rng: random.Random, spec: dict[str, Any], n: int) -> Any:
    kind = spec["kind"]
    if kind == "choice":
        return rng.choice(spec["choices"])
    if kind == "multi":
        return rng.sample(spec["choices"], rng.randint(1, 2))
    if kind == "date":
        return (date(2008, 1, 1) + timedelta(days=rng.randrange(5000))).isoformat()
    if kind == "number":
        return float(rng.randint(1, 40))
    if kind == "url":
        return f"https://portfolio.example.org/p{n}"
    if kind == "boolean":
        return rng.random() < 0.4
    return rng.choice(CITIES)


def _fill(db: Session, network: Any, specs: tuple[dict[str, Any], ...]) -> None:
    from ..schemas.fields import FieldValuesIn, ProfileFieldIn
    from ..services import profile_fields
    from ..services.access import Caller
    from ..store.tables import Actor

    operator = Caller.operator()
    if profile_fields.network_fields(db, network.id):
        return
    for spec in specs:
        profile_fields.add_field(db, operator, network, ProfileFieldIn.model_validate(spec))
    rng = random.Random(zlib.crc32(network.slug.encode()))
    actors = db.scalars(
        select(Actor)
        .where(Actor.network_id == network.id, Actor.anonymised == 0)
        .order_by(Actor.id)
        .limit(VALUED)
    ).all()
    for n, actor in enumerate(actors):
        values = {s["key"]: _value(rng, s, n) for s in specs if rng.random() < 0.7}
        if values:
            profile_fields.set_values(
                db, operator, actor, network, FieldValuesIn.model_validate({"values": values})
            )


def enrich_demo(db: Session, slug: str) -> None:
    """Fields stewards of each demo network might add, and values for some members."""
    from ..store.tables import Network

    for network_slug, specs in ((slug, DEMO_FIELDS), (f"{slug}-movement"[:80], MOVEMENT_FIELDS)):
        network = db.scalars(select(Network).where(Network.slug == network_slug)).first()
        if network is not None:
            _fill(db, network, specs)
    db.flush()
