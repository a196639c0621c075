"""JSON bundle: export → import into an empty database → export is identical; bad input refused."""

from __future__ import annotations

import base64
import copy
from datetime import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic_core import to_json
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.errors import CoalitionError, Invalid
from coalition.io.bundle import export_bundle, import_bundle
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
DAY = st.dates().map(lambda d: d.isoformat())
STAMP = st.datetimes(datetime(1970, 1, 1), datetime(2100, 1, 1)).map(lambda t: t.isoformat())
AMOUNT = st.floats(-1e6, 1e6, allow_nan=False)
INVITATION_STATUSES = [
    "pending",
    "countered",
    "accepted",
    "declined",
    "counter_declined",
    "withdrawn",
    "expired",
    "stepped_back",
]
BLOCKS = [
    "shared_purpose",
    "trust",
    "communication",
    "fair_value",
    "decision_making",
    "accountability",
    "learning",
]
AREA_SECTIONS = [
    "proposals",
    "invitations",
    "invitation_events",
    "conversations",
    "outcomes",
    "contributions",
    "knowledge_assets",
    "health_checks",
    "publications",
]


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
                "anonymised": draw(st.booleans()),
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
        **areas(draw, n, initiatives, engagements, ties),
    }


def areas(
    draw: st.DrawFn,
    n: int,
    initiatives: list[dict[str, Any]],
    engagements: list[dict[str, Any]],
    ties: list[dict[str, Any]],
) -> dict[str, list[dict[str, Any]]]:
    """The other areas' sections, in the canonical form an export writes them."""
    refs = st.integers(1, n)
    maybe_ref = st.none() | refs
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in AREA_SECTIONS}
    irefs = [i["ref"] for i in initiatives]
    for iref in irefs:
        if draw(st.booleans()):
            a, b = draw(refs), draw(refs)
            out["proposals"].append(
                {
                    "initiative": iref,
                    "run": draw(st.text("0123456789abcdef", min_size=1, max_size=12)),
                    "rank": draw(st.integers(0, 5)),
                    "status": draw(st.sampled_from(["optimal", "feasible"])),
                    "total_score": draw(AMOUNT),
                    "bound": draw(AMOUNT),
                    "gap": draw(st.floats(0, 1)),
                    "total_cost": draw(st.floats(0, 1e5)),
                    "scores": {"fit": draw(st.floats(0, 1))},
                    "members": [
                        {
                            "actor": draw(st.none() | refs),
                            "name": draw(TEXT),
                            "role": draw(st.none() | st.just(0)),
                            "role_title": "R",
                            "hours_per_week": 2.0,
                            "reasons": draw(st.lists(TEXT, max_size=2)),
                        }
                    ],
                    "request": {
                        "weights": {"fit": 1.0, "cost": 0.3},
                        "alternatives": 1,
                        "locked_in": [{"actor_id": a, "role_id": draw(st.none() | st.just(0))}],
                        "excluded": draw(st.lists(maybe_ref, max_size=2)),
                        "conflicts": [[a, b]] if draw(st.booleans()) else [],
                        "competing_organisations": [],
                        "seed": 0,
                        "time_limit_s": 1.0,
                    },
                    "method": "cp-sat",
                    "created_at": draw(STAMP),
                }
            )
    for iref in irefs:
        for actor in draw(st.lists(refs, unique=True, max_size=3)):
            status = draw(st.sampled_from(INVITATION_STATUSES))
            linked = [
                k
                for k, e in enumerate(engagements)
                if e["initiative"] == iref and e["actor"] == actor
            ]
            out["invitations"].append(
                {
                    "initiative": iref,
                    "role": draw(st.none() | st.just(0)),
                    "actor": actor,
                    "invited_by": draw(maybe_ref),
                    "proposal": draw(st.none() | st.integers(0, len(out["proposals"]) - 1))
                    if out["proposals"]
                    else None,
                    "hours_per_week": 4.0,
                    "counter_hours": draw(st.none() | st.just(2.5)),
                    "status": status,
                    "message": draw(TEXT),
                    "listed": draw(st.booleans()),
                    "reason": draw(st.none() | TEXT),
                    "created_at": draw(STAMP),
                    "expires_at": draw(STAMP),
                    "answered_at": draw(st.none() | STAMP),
                    "engagement": draw(st.none() | st.sampled_from(linked)) if linked else None,
                }
            )
    for k, _ in enumerate(out["invitations"]):
        for _ in range(draw(st.integers(0, 2))):
            out["invitation_events"].append(
                {
                    "invitation": k,
                    "engagement": None,
                    "at": draw(STAMP),
                    "by_actor": draw(maybe_ref),
                    "by_role": draw(st.sampled_from(["invitee", "convenor", "system"])),
                    "from_status": draw(st.none() | st.sampled_from(INVITATION_STATUSES)),
                    "to_status": draw(st.sampled_from(INVITATION_STATUSES)),
                    "hours": draw(st.none() | st.just(4.0)),
                }
            )
    if engagements and draw(st.booleans()):
        out["invitation_events"].append(
            {
                "invitation": None,
                "engagement": draw(st.integers(0, len(engagements) - 1)),
                "at": draw(STAMP),
                "by_actor": None,
                "by_role": "steward",
                "from_status": "active",
                "to_status": "completed",
                "hours": None,
            }
        )
    for _ in range(draw(st.integers(0, 2))):
        voters = draw(st.lists(maybe_ref, max_size=4).map(lambda xs: list(dict.fromkeys(xs))))
        participants = [{"external_id": k, "actor": a} for k, a in enumerate(voters)]
        said = draw(st.integers(1, 3))
        statements = [
            {
                "external_id": j,
                "text": draw(TEXT),
                "author": draw(st.none() | st.sampled_from(range(len(participants))))
                if participants
                else None,
                "moderation": draw(st.sampled_from([-1, 0, 1])),
                "is_meta": draw(st.booleans()),
                "is_seed": draw(st.booleans()),
                "moderation_reason": draw(TEXT),
                "created_at": draw(STAMP),
                "timestamp_ms": draw(st.none() | st.integers(0, 2**62)),
            }
            for j in range(said)
        ]
        votes = [
            {
                "participant": p["external_id"],
                "statement": j,
                "value": draw(st.sampled_from([-1, 0, 1])),
                "ts_ms": draw(st.integers(0, 2**62)),
            }
            for p in participants
            for j in range(said)
            if draw(st.integers(0, 3))  # about three votes in four
        ]
        out["conversations"].append(
            {
                "initiative": draw(st.none() | st.sampled_from(irefs)) if irefs else None,
                "topic": draw(TEXT.filter(bool)),
                "description": draw(TEXT),
                "attribution": draw(TEXT),
                "source": draw(TEXT),
                "strict_moderation": draw(st.booleans()),
                "created_at": draw(STAMP),
                "participants": participants,
                "statements": statements,
                "votes": votes,
            }
        )
    for iref in irefs:
        for name in draw(st.lists(st.sampled_from(["reach", "cost", "jobs"]), unique=True)):
            baseline = draw(st.integers(-100, 100))
            rising = draw(st.booleans())
            start = draw(st.dates(max_value=datetime(9000, 1, 1).date()))
            out["outcomes"].append(
                {
                    "initiative": iref,
                    "name": name,
                    "description": draw(TEXT),
                    "unit": "people",
                    "baseline": float(baseline),
                    "baseline_date": start.isoformat(),
                    "target": float(baseline + (7 if rising else -7)),
                    "direction": "increase" if rising else "decrease",
                    "due_date": start.replace(year=start.year + 1, day=1).isoformat(),
                    "created_at": draw(STAMP),
                    "measurements": [
                        {
                            "measured_on": draw(DAY),
                            "value": draw(AMOUNT),
                            "source": draw(TEXT),
                            "note": draw(TEXT),
                            "created_at": draw(STAMP),
                        }
                        for _ in range(draw(st.integers(0, 2)))
                    ],
                }
            )
        if n >= 2:
            for _ in range(draw(st.integers(0, 2))):
                giver, confirmer = draw(st.lists(refs, min_size=2, max_size=2, unique=True))
                confirmed = draw(st.booleans())
                out["contributions"].append(
                    {
                        "initiative": iref,
                        "contributor": giver,
                        "kind": draw(st.sampled_from(["time", "money", "knowledge"])),
                        "amount": draw(st.floats(0.5, 1e6)),
                        "unit": "h",
                        "description": draw(TEXT),
                        "contributed_on": draw(DAY),
                        "status": "confirmed" if confirmed else "recorded",
                        "confirmed_by": confirmer if confirmed else None,
                        "confirmed_at": draw(STAMP) if confirmed else None,
                        "tie": draw(st.integers(0, len(ties) - 1)) if ties and confirmed else None,
                        "created_at": draw(STAMP),
                    }
                )
        for held_on in draw(st.lists(DAY, unique=True, max_size=2)):
            rated = draw(st.lists(st.tuples(refs, st.sampled_from(BLOCKS)), unique=True))
            out["health_checks"].append(
                {
                    "initiative": iref,
                    "held_on": held_on,
                    "label": draw(TEXT),
                    "created_at": draw(STAMP),
                    "ratings": [
                        {
                            "actor": a,
                            "block": b,
                            "rating": draw(st.integers(1, 5)),
                            "created_at": draw(STAMP),
                        }
                        for a, b in sorted(rated)
                    ],
                }
            )
        if draw(st.booleans()):
            out["publications"].append({"initiative": iref, "published_at": draw(STAMP)})
    for _ in range(draw(st.integers(0, 2))):
        content = draw(st.none() | st.binary(max_size=40))
        out["knowledge_assets"].append(
            {
                "title": draw(TEXT.filter(bool)),
                "description": draw(TEXT),
                "link": "https://example.org/a" if content is None else None,
                "file_name": None if content is None else "a.txt",
                "media_type": None if content is None else "text/plain",
                "content": None if content is None else base64.b64encode(content).decode(),
                "licence": "CC-BY-4.0",
                "shared_by": draw(maybe_ref),
                "shared_on": draw(DAY),
                "created_at": draw(STAMP),
                "authors": draw(st.lists(refs, unique=True, min_size=1, max_size=3)),
                "reuses": [
                    {
                        "initiative": iref,
                        "recorded_by": draw(maybe_ref),
                        "reused_on": draw(DAY),
                        "note": draw(TEXT),
                        "created_at": draw(STAMP),
                    }
                    for iref in draw(st.lists(st.sampled_from(irefs), unique=True))
                ]
                if irefs
                else [],
            }
        )
    return out


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
    for name in AREA_SECTIONS:
        assert first[name] == bundle[name], name


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
                "headline": "x" * 301,
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
    assert "actors[1].headline" in where  # longer than its column
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


def _small_with_areas() -> dict[str, Any]:
    """Three actors, one initiative with a role, an engagement, a tie, and a row of each area."""
    person = {
        "kind": "person",
        "sector": "independent",
        "capabilities": [{"term": "A", "level": 3}],
    }
    return {
        "format": "coalition-bundle",
        "version": 1,
        "network": {"slug": "areas", "name": "Areas"},
        "capabilities": [{"term": "A"}],
        "actors": [
            {
                "ref": 1,
                "name": "Ada",
                **person,
                "capacity_hours": 10.0,
                "committed_hours": 4.0,
                "privacy": {"capacity": "public"},
            },
            {"ref": 2, "name": "Bo", **person, "capacity_hours": 10.0},
            {"ref": 3, "name": "Cy", **person},
        ],
        "initiatives": [
            {
                "ref": 1,
                "kind": "project",
                "title": "Wells",
                "status": "active",
                "convenor": 2,
                "roles": [{"title": "Digger", "requirements": [{"capability": "A"}]}],
            }
        ],
        "engagements": [
            {"initiative": 1, "role": 0, "actor": 1, "hours_per_week": 4.0, "status": "active"}
        ],
        "ties": [{"source": 1, "target": 2, "kind": "collaborated"}],
        "proposals": [
            {
                "initiative": 1,
                "run": "r1",
                "rank": 0,
                "status": "optimal",
                "total_score": 1.0,
                "bound": 1.0,
                "gap": 0.0,
                "total_cost": 900.0,
                "members": [
                    {
                        "actor": 1,
                        "name": "Ada",
                        "role": 0,
                        "role_title": "Digger",
                        "hours_per_week": 4.0,
                    }
                ],
                "request": {"locked_in": [{"actor_id": 1, "role_id": 0}], "excluded": [3]},
            }
        ],
        "invitations": [
            {
                "initiative": 1,
                "role": 0,
                "actor": 1,
                "invited_by": 2,
                "proposal": 0,
                "hours_per_week": 4.0,
                "status": "accepted",
                "expires_at": "2030-01-01T00:00:00",
                "engagement": 0,
            },
            {
                "initiative": 1,
                "role": 0,
                "actor": 3,
                "hours_per_week": 4.0,
                "status": "declined",
                "reason": "SECRET-REASON-cy",
                "expires_at": "2030-01-01T00:00:00",
            },
        ],
        "invitation_events": [
            {
                "invitation": 0,
                "engagement": 0,
                "at": "2029-12-01T10:00:00",
                "by_actor": 1,
                "by_role": "invitee",
                "from_status": "pending",
                "to_status": "accepted",
                "hours": 4.0,
            }
        ],
        "conversations": [
            {
                "initiative": 1,
                "topic": "Where to dig?",
                "participants": [{"external_id": 0, "actor": 1}, {"external_id": 1, "actor": 3}],
                "statements": [{"external_id": 0, "text": "By the school", "author": 0}],
                "votes": [
                    {"participant": 0, "statement": 0, "value": 1, "ts_ms": 1},
                    {"participant": 1, "statement": 0, "value": -1, "ts_ms": 2},
                ],
            }
        ],
        "outcomes": [
            {
                "initiative": 1,
                "name": "Wells dug",
                "unit": "wells",
                "baseline": 0.0,
                "baseline_date": "2029-01-01",
                "target": 10.0,
                "direction": "increase",
                "due_date": "2030-01-01",
                "measurements": [{"measured_on": "2029-06-01", "value": 4.0}],
            }
        ],
        "contributions": [
            {
                "initiative": 1,
                "contributor": 1,
                "kind": "time",
                "amount": 12.0,
                "unit": "hours",
                "contributed_on": "2029-05-01",
                "status": "confirmed",
                "confirmed_by": 2,
                "confirmed_at": "2029-05-02T09:00:00",
                "tie": 0,
            }
        ],
        "knowledge_assets": [
            {
                "title": "Guide",
                "content": base64.b64encode(b"how to dig").decode(),
                "file_name": "guide.txt",
                "media_type": "text/plain",
                "licence": "CC-BY-4.0",
                "shared_by": 1,
                "shared_on": "2029-02-01",
                "authors": [1, 2],
                "reuses": [{"initiative": 1, "recorded_by": 2, "reused_on": "2029-03-01"}],
            }
        ],
        "health_checks": [
            {
                "initiative": 1,
                "held_on": "2029-04-01",
                "ratings": [{"actor": 1, "block": "trust", "rating": 2}],
            }
        ],
        "publications": [{"initiative": 1}],
    }


def test_every_area_round_trips_and_refers_to_the_new_rows(db: Session) -> None:
    network = import_bundle(db, _small_with_areas())
    db.flush()
    first = export_bundle(db, network, include_private=True)
    assert first["invitations"][0]["engagement"] == 0 and first["invitations"][0]["proposal"] == 0
    assert first["invitation_events"][0]["invitation"] == 0
    assert first["contributions"][0]["tie"] == 0
    assert first["proposals"][0]["request"]["excluded"] == [3]
    assert first["proposals"][0]["members"][0]["actor"] == 1
    assert base64.b64decode(first["knowledge_assets"][0]["content"]) == b"how to dig"
    assert [v["value"] for v in first["conversations"][0]["votes"]] == [1, -1]
    # The rows point at the rows of their own network, ids and all.
    from coalition.store.tables_formation import Proposal
    from coalition.store.tables_invitations import Invitation
    from coalition.store.tables_outcomes import Contribution

    invitation = db.scalars(select(Invitation).where(Invitation.actor_id.is_not(None))).first()
    assert invitation is not None and invitation.engagement_id is not None
    proposal = db.scalars(select(Proposal)).one()
    assert invitation.proposal_id == proposal.id
    ada = db.scalar(select(Actor.id).where(Actor.name == "Ada"))
    assert proposal.members[0]["actor_id"] == ada
    assert proposal.request["locked_in"][0]["actor_id"] == ada
    assert db.scalars(select(Contribution)).one().tie_id is not None
    again = import_bundle(db, copy.deepcopy(first), slug="areas-2")
    db.flush()
    second = export_bundle(db, again, include_private=True)
    second["network"]["slug"] = first["network"]["slug"]
    assert first == second


def test_a_shared_bundle_keeps_each_members_own_data_out(db: Session) -> None:
    """Without include_private: no invitations (nor their reasons), audit log, proposals or
    individual health ratings, and votes without who cast them; the rest is shared."""
    network = import_bundle(db, _small_with_areas())
    db.flush()
    shared = export_bundle(db, network)
    for name in ("invitations", "invitation_events", "proposals"):
        assert shared[name] == [], name
    assert "SECRET-REASON-cy" not in repr(shared)
    assert [h["ratings"] for h in shared["health_checks"]] == [[]]
    conversation = shared["conversations"][0]
    assert [x["actor"] for x in conversation["participants"]] == [None, None]
    assert len(conversation["votes"]) == 2 and conversation["statements"][0]["author"] == 0
    for name in ("outcomes", "contributions", "knowledge_assets", "publications"):
        assert shared[name], name
    # A shared bundle is a bundle: it imports.
    copy_of = import_bundle(db, shared, slug="areas-shared")
    db.flush()
    assert export_bundle(db, copy_of, include_private=True)["conversations"] == [conversation]


def test_a_share_holds_no_private_profile_and_always_imports(db: Session) -> None:
    """A private profile is a placeholder without its ties in a share (nobody else sees it in
    the app); capacities kept private read as fully used, so a share of a realistic network
    (the demo: private capacities, private profiles, engagements) imports as it is."""
    from coalition.demo import build_demo_bundle
    from coalition.io.bundle import PRIVATE_NAME

    bundle = build_demo_bundle(actors=80, seed=2, slug="share")
    network = import_bundle(db, bundle)
    db.flush()
    private = db.scalars(
        select(Actor).where(Actor.network_id == network.id, Actor.visibility == "private")
    ).all()
    assert private, "the demo has private profiles"
    full = export_bundle(db, network, include_private=True)
    shared = export_bundle(db, network)
    refs = {a["ref"]: a for a in shared["actors"]}
    names = {a.name for a in private}
    for a in shared["actors"]:
        assert a["name"] not in names
    hidden = {a["ref"] for a in full["actors"] if a["visibility"] == "private"}
    for r in hidden:
        assert (
            refs[r]["name"] == PRIVATE_NAME and refs[r]["bio"] == "" and not refs[r]["capabilities"]
        )
    assert all(t["source"] not in hidden and t["target"] not in hidden for t in shared["ties"])
    assert any(t["source"] in hidden or t["target"] in hidden for t in full["ties"])
    kept_private = [
        a for a in full["actors"] if a["privacy"].get("capacity", "network") != "public"
    ]
    assert kept_private
    for a in shared["actors"]:
        assert a["committed_hours"] <= a["capacity_hours"] + 1e-9
    copy_of = import_bundle(db, copy.deepcopy(shared), slug="share-copy")
    db.flush()
    again = export_bundle(db, copy_of)
    assert again["actors"] == shared["actors"]  # a share of the share is the same share
    assert again["ties"] == shared["ties"] and again["engagements"] == shared["engagements"]


BROKEN = [
    ("proposals", (0, "initiative"), 9, "proposals[0].initiative"),
    ("proposals", (0, "members", 0, "actor"), 99, "proposals[0].members[0].actor"),
    ("proposals", (0, "request", "excluded", 0), 99, "proposals[0].request.excluded[0]"),
    ("invitations", (1, "actor"), 99, "invitations[1].actor"),
    ("invitations", (0, "engagement"), 5, "invitations[0].engagement"),
    ("invitation_events", (0, "invitation"), 7, "invitation_events[0].invitation"),
    ("conversations", (0, "votes", 1, "statement"), 42, "conversations[0].votes[1].statement"),
    (
        "conversations",
        (0, "participants", 1, "actor"),
        99,
        "conversations[0].participants[1].actor",
    ),
    ("outcomes", (0, "initiative"), 9, "outcomes[0].initiative"),
    ("contributions", (0, "tie"), 3, "contributions[0].tie"),
    ("contributions", (0, "confirmed_by"), 1, "contributions[0].confirmed_by"),
    ("knowledge_assets", (0, "authors", 1), 99, "knowledge_assets[0].authors[1]"),
    (
        "knowledge_assets",
        (0, "reuses", 0, "initiative"),
        9,
        "knowledge_assets[0].reuses[0].initiative",
    ),
    ("health_checks", (0, "ratings", 0, "actor"), 99, "health_checks[0].ratings[0].actor"),
    ("publications", (0, "initiative"), 9, "publications[0].initiative"),
]


def test_a_broken_reference_in_any_area_refuses_the_bundle_naming_the_row(db: Session) -> None:
    bundle = _small_with_areas()
    for section, path, value, _ in BROKEN:
        row: Any = bundle[section]
        for key in path[:-1]:
            row = row[key]
        row[path[-1]] = value
    with pytest.raises(Invalid) as info:
        import_bundle(db, bundle)
    where = {p["where"] for p in info.value.details}  # type: ignore[union-attr]
    missing = [named for *_, named in BROKEN if named not in where]
    assert not missing, f"not reported: {missing}; reported: {sorted(where)}"
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Network)) == 0
    # Each alone is refused too, and the intact bundle is not.
    for section, path, value, named in BROKEN:
        one = _small_with_areas()
        row = one[section]
        for key in path[:-1]:
            row = row[key]
        row[path[-1]] = value
        with pytest.raises(Invalid) as info:
            import_bundle(db, one)
        assert named in {p["where"] for p in info.value.details}  # type: ignore[union-attr]
    import_bundle(db, _small_with_areas())


def test_the_databases_rules_are_checked_per_row_before_any_write(db: Session) -> None:
    bundle = _small_with_areas()
    bundle["outcomes"][0]["target"] = -1.0  # "increase" to below the baseline
    bundle["invitations"][0]["counter_hours"] = 9.0  # more than offered
    bundle["invitations"][1]["status"] = "pending"
    bundle["invitations"].append({**bundle["invitations"][1]})  # a second open seat
    bundle["conversations"][0]["votes"].append(bundle["conversations"][0]["votes"][0])
    bundle["knowledge_assets"][0]["content"] = "not base64!"
    bundle["health_checks"].append({**bundle["health_checks"][0], "ratings": []})
    with pytest.raises(Invalid) as info:
        import_bundle(db, bundle)
    where = {p["where"] for p in info.value.details}  # type: ignore[union-attr]
    assert where == {
        "outcomes[0].target",
        "invitations[0].counter_hours",
        "invitations[2]",
        "conversations[0].votes[2]",
        "knowledge_assets[0].content",
        "health_checks[1].held_on",
    }


def test_a_nul_character_is_refused_on_every_database(db: Session) -> None:
    """PostgreSQL text cannot hold NUL, and on SQLite one would break every export of the
    network: refused before parsing, naming the field, and nothing imported."""
    bundle = _small_with_areas()
    bundle["outcomes"][0]["description"] = "a\x00b"
    with pytest.raises(Invalid, match=r"outcomes\[0\]\.description: the character U\+0000"):
        import_bundle(db, bundle)
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Network)) == 0


def test_the_demo_round_trips_with_every_area(
    clean_url: str, request: pytest.FixtureRequest
) -> None:
    """The demo as `coalition demo` loads it (every area's hook), plus a stored proposal,
    invitations sent from it and a published team page: exported in full, imported under
    another slug and exported again, it is the same document, and every row is in it."""
    from coalition.cli import _after_demo
    from coalition.demo import build_demo_bundle
    from coalition.schemas.formation import ProposalRequest
    from coalition.services.access import Caller
    from coalition.services.formation import _CACHE as formation_cache
    from coalition.services.formation import propose_team
    from coalition.services.initiatives import publish_team
    from coalition.services.invitations import invite_proposal
    from coalition.store.tables import Engagement, Initiative
    from coalition.store.tables_deliberation import Conversation, Participant, Statement, Vote
    from coalition.store.tables_formation import Proposal
    from coalition.store.tables_invitations import Invitation, InvitationEvent
    from coalition.store.tables_outcomes import (
        AssetAuthor,
        AssetReuse,
        Contribution,
        HealthCheck,
        HealthRating,
        KnowledgeAsset,
        Measurement,
        Outcome,
    )
    from coalition.store.tables_publications import Publication

    request.addfinalizer(formation_cache.clear)
    operator = Caller.operator()
    with session_factory(clean_url)() as db:
        import_bundle(db, build_demo_bundle())
        _after_demo(db, "demo")
        demo = db.scalars(select(Network).where(Network.slug == "demo")).one()
        actors = list(
            db.scalars(select(Actor.id).where(Actor.network_id == demo.id).order_by(Actor.id))
        )
        invited = []
        for initiative in db.scalars(
            select(Initiative)
            .where(Initiative.network_id == demo.id, Initiative.status.in_(["forming", "draft"]))
            .order_by(Initiative.id)
        ):
            if not initiative.roles:
                continue
            found = propose_team(
                db,
                operator,
                initiative.id,
                ProposalRequest(
                    alternatives=1, excluded=[actors[-1]], conflicts=[(actors[-2], actors[-3])]
                ),
            )
            try:
                invited = invite_proposal(db, operator, found.proposals[0].id)
            except (IndexError, CoalitionError):
                continue  # no team, or the demo invited this one already
            break
        assert invited, "a proposal of the demo was sent as invitations"
        listed = db.scalar(
            select(Engagement.initiative_id)
            .where(
                Engagement.network_id == demo.id,
                Engagement.status == "active",
                Engagement.listed == 1,
            )
            .order_by(Engagement.id)
            .limit(1)
        )
        assert listed is not None
        publish_team(db, operator, listed)
        db.commit()

        first = export_bundle(db, demo, include_private=True)
        initiatives = select(Initiative.id).where(Initiative.network_id == demo.id)
        conversations = select(Conversation.id).where(Conversation.network_id == demo.id)
        assets = select(KnowledgeAsset.id).where(KnowledgeAsset.network_id == demo.id)
        checks = select(HealthCheck.id).where(HealthCheck.network_id == demo.id)

        def count(table: Any, where: Any) -> int:
            return int(db.scalar(select(func.count()).select_from(table).where(where)) or 0)

        def total(section: str, inner: str) -> int:
            return sum(len(row[inner]) for row in first[section])

        expected = {
            "proposals": (count(Proposal, Proposal.initiative_id.in_(initiatives)), None),
            "invitations": (count(Invitation, Invitation.network_id == demo.id), None),
            "invitation_events": (
                count(InvitationEvent, InvitationEvent.network_id == demo.id),
                None,
            ),
            "conversations": (count(Conversation, Conversation.network_id == demo.id), None),
            "conversations.participants": (
                count(Participant, Participant.conversation_id.in_(conversations)),
                total("conversations", "participants"),
            ),
            "conversations.statements": (
                count(Statement, Statement.conversation_id.in_(conversations)),
                total("conversations", "statements"),
            ),
            "conversations.votes": (
                count(Vote, Vote.conversation_id.in_(conversations)),
                total("conversations", "votes"),
            ),
            "outcomes": (count(Outcome, Outcome.network_id == demo.id), None),
            "outcomes.measurements": (
                count(Measurement, Measurement.network_id == demo.id),
                total("outcomes", "measurements"),
            ),
            "contributions": (count(Contribution, Contribution.network_id == demo.id), None),
            "knowledge_assets": (count(KnowledgeAsset, KnowledgeAsset.network_id == demo.id), None),
            "knowledge_assets.authors": (
                count(AssetAuthor, AssetAuthor.asset_id.in_(assets)),
                total("knowledge_assets", "authors"),
            ),
            "knowledge_assets.reuses": (
                count(AssetReuse, AssetReuse.network_id == demo.id),
                total("knowledge_assets", "reuses"),
            ),
            "health_checks": (count(HealthCheck, HealthCheck.network_id == demo.id), None),
            "health_checks.ratings": (
                count(HealthRating, HealthRating.check_id.in_(checks)),
                total("health_checks", "ratings"),
            ),
            "publications": (count(Publication, Publication.initiative_id.in_(initiatives)), None),
        }
        for name, (rows, found_rows) in expected.items():
            assert rows > 0, f"the demo has no {name}"
            assert (len(first[name]) if found_rows is None else found_rows) == rows, name
        assert any(x["proposal"] is not None for x in first["invitations"])
        assert any(x["engagement"] is not None for x in first["invitations"])
        assert any(x["tie"] is not None for x in first["contributions"])
        assert any(x["actor"] is not None for x in first["proposals"][0]["members"])
        assert first["proposals"][0]["request"]["excluded"] == [len(actors)]

        copied = import_bundle(db, to_json(first), slug="demo-copy")
        db.commit()
        second = export_bundle(db, copied, include_private=True)
    assert second["network"].pop("slug") == "demo-copy"
    assert first["network"].pop("slug") == "demo"
    assert first == second
