"""JSON bundle: export → import into an empty database → export is identical; bad input refused."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.errors import Invalid
from coalition.io.json_bundle import export_bundle, import_bundle
from coalition.store.session import session_factory
from coalition.store.tables import Actor, Network
from tests.conftest import _wipe

SECTORS = [
    "business",
    "government",
    "civil_society",
    "education",
    "health",
    "funder",
    "community",
    "independent",
]
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
DATES = st.none() | st.dates().map(lambda d: d.isoformat())


@st.composite
def bundles(draw: st.DrawFn) -> dict[str, Any]:
    terms = draw(
        st.lists(st.text("abcdefgh", min_size=1, max_size=6), min_size=1, max_size=5, unique=True)
    )
    n = draw(st.integers(1, 6))
    actors = []
    for ref in range(1, n + 1):
        caps = draw(st.lists(st.sampled_from(terms), unique=True, max_size=len(terms)))
        actors.append(
            {
                "ref": ref,
                "kind": draw(st.sampled_from(["person", "organisation"])),
                "name": draw(TEXT.filter(bool)),
                "sector": draw(st.sampled_from(SECTORS)),
                "external_id": draw(st.none() | st.just(f"x{ref}")),
                "headline": draw(TEXT),
                "bio": draw(TEXT),
                "timezone": draw(st.sampled_from([None, "Europe/Paris", "Asia/Tokyo"])),
                "languages": draw(st.lists(st.sampled_from(["en", "fr", "sw"]), unique=True)),
                "capacity_hours": float(draw(st.integers(0, 40))),
                "committed_hours": 0.0,
                "day_rate": draw(st.none() | st.floats(0, 5000, allow_nan=False)),
                "email": draw(st.none() | st.just(f"p{ref}@example.org")),
                "phone": None,
                "website": None,
                "purpose_text": draw(TEXT),
                "purposes": sorted(draw(st.lists(st.sampled_from(["a b", "c", "d"]), unique=True))),
                "capabilities": sorted(
                    (
                        {
                            "term": t,
                            "level": draw(st.integers(1, 5)),
                            "evidence": draw(TEXT),
                            "esco_uri": None,
                        }
                        for t in caps
                    ),
                    key=lambda c: c["term"],
                ),
                "visibility": draw(st.sampled_from(["public", "network", "private"])),
                "privacy": {
                    "day_rate": "private",
                    "capacity": "network",
                    "contact": "network",
                    "declines": "convenors",
                },
                "joined_on": draw(DATES),
            }
        )
    orgs = [a["ref"] for a in actors if a["kind"] == "organisation"]
    affiliations = []
    for a in actors:
        for o in draw(st.lists(st.sampled_from(orgs), unique=True, max_size=2)) if orgs else []:
            if o != a["ref"]:
                affiliations.append(
                    {
                        "actor": a["ref"],
                        "organisation": o,
                        "role_title": "",
                        "representative": draw(st.booleans()),
                        "start_date": draw(DATES),
                        "end_date": None,
                    }
                )
    initiatives = []
    for iref in range(1, draw(st.integers(0, 2)) + 1):
        initiatives.append(
            {
                "ref": iref,
                "kind": "project",
                "title": f"I{iref}",
                "purpose": draw(TEXT),
                "purpose_tags": [],
                "start_date": None,
                "end_date": None,
                "budget": draw(st.none() | st.just(1000.0)),
                "status": "active",
                "sector_mix": {},
                "max_per_organisation": None,
                "timezone_coverage": [],
                "convenor": draw(st.none() | st.integers(1, n)),
                "roles": [
                    {
                        "title": "R",
                        "seats": 1,
                        "hours_per_week": 2.0,
                        "languages": [],
                        "timezone_regions": [],
                        "requirements": [{"capability": terms[0], "min_level": 2}],
                    }
                ],
            }
        )
    engagements = []
    for a in actors:
        if initiatives and a["capacity_hours"] >= 2 and draw(st.booleans()):
            engagements.append(
                {
                    "initiative": 1,
                    "role": 0,
                    "actor": a["ref"],
                    "hours_per_week": 2.0,
                    "status": "active",
                    "listed": True,
                    "start_date": None,
                    "end_date": None,
                }
            )
            a["committed_hours"] = 2.0
    ties = []
    if n >= 2:
        for _ in range(draw(st.integers(0, 6))):
            s, t = draw(st.lists(st.integers(1, n), min_size=2, max_size=2, unique=True))
            ties.append(
                {
                    "source": s,
                    "target": t,
                    "kind": "collaborated",
                    "weight": draw(st.floats(0.1, 5, allow_nan=False)),
                    "start_date": draw(DATES),
                    "end_date": None,
                    "note": "",
                    "origin": "import",
                    "initiative": None,
                }
            )
    return {
        "format": "coalition-bundle",
        "version": 1,
        "network": {"slug": "rt", "name": "Round trip", "description": "", "attribution": ""},
        "capabilities": [
            {"term": t, "category": "", "description": "", "esco_uri": None} for t in terms
        ],
        "actors": actors,
        "affiliations": affiliations,
        "initiatives": initiatives,
        "engagements": engagements,
        "ties": ties,
    }


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(bundle=bundles())
def test_round_trip_is_identical(db_url: str, bundle: dict[str, Any]) -> None:
    _wipe(db_url)
    with session_factory(db_url)() as db:
        import_bundle(db, bundle)
        db.commit()
        first = export_bundle(db, db.scalars(select(Network)).one(), include_private=True)
    _wipe(db_url)
    with session_factory(db_url)() as db:
        import_bundle(db, copy.deepcopy(first))
        db.commit()
        second = export_bundle(db, db.scalars(select(Network)).one(), include_private=True)
    assert first == second
    assert first["actors"] == bundle["actors"]
    assert first["ties"] == bundle["ties"]


def test_bad_bundle_is_refused_whole_with_report(db: Session) -> None:
    bundle = {
        "format": "coalition-bundle",
        "version": 1,
        "network": {"slug": "bad", "name": "Bad"},
        "capabilities": [{"term": "A"}],
        "actors": [
            {
                "ref": 1,
                "kind": "person",
                "name": "Ok",
                "sector": "independent",
                "capabilities": [{"term": "A", "level": 2}],
            },
            {
                "ref": 2,
                "kind": "person",
                "name": "Bad",
                "sector": "nowhere",
                "capabilities": [{"term": "Z", "level": 9}],
            },
        ],
        "ties": [{"source": 1, "target": 7, "kind": "collaborated"}],
    }
    with pytest.raises(Invalid) as info:
        import_bundle(db, bundle)
    where = {p["where"] for p in info.value.details}  # type: ignore[union-attr]
    assert "actors[1].sector" in where
    assert "actors[1].capabilities[0].level" in where
    assert "ties[0].target" in where
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Actor)) == 0
    assert db.scalar(select(func.count()).select_from(Network)) == 0


def test_export_without_private_keeps_secrets_out(db: Session) -> None:
    bundle = {
        "format": "coalition-bundle",
        "version": 1,
        "network": {"slug": "pp", "name": "P"},
        "capabilities": [],
        "actors": [
            {
                "ref": 1,
                "kind": "person",
                "name": "Secretive",
                "sector": "independent",
                "day_rate": 1234.5,
                "email": "secret@example.org",
                "capacity_hours": 7,
            }
        ],
    }
    network = import_bundle(db, bundle)
    db.flush()
    text = repr(export_bundle(db, network))
    assert "1234.5" not in text and "secret@example.org" not in text
    assert "1234.5" in repr(export_bundle(db, network, include_private=True))
