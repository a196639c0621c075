"""Services on both databases: trajectory status, two-sided confirmation, attribution of
reuse, spread of health ratings, fairness — and bad input that writes nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from coalition.errors import Conflict, Forbidden, Invalid, NotFound
from coalition.schemas.outcomes import (
    AssetIn,
    ContributionIn,
    HealthCheckIn,
    MeasurementIn,
    OutcomeIn,
    RatingsIn,
    ReuseIn,
)
from coalition.services import commons, contributions, fairness, health, outcomes
from coalition.store.tables import Engagement, Network, Tie
from coalition.store.tables_outcomes import (
    AssetReuse,
    Contribution,
    HealthRating,
    KnowledgeAsset,
    Measurement,
    Outcome,
)
from tests.factories import OP, OutcomesWorld, count, outcomes_world


def _outcome(db: Session, w: OutcomesWorld, **kw: object) -> int:
    data: dict[str, object] = {
        "name": "Homes insulated",
        "unit": "homes",
        "baseline": 0.0,
        "baseline_date": "2026-01-01",
        "target": 100.0,
        "direction": "increase",
        "due_date": "2026-04-11",  # 100 days
    }
    data.update(kw)
    return outcomes.add_outcome(
        db, w.caller(w.cleo), w.initiative, OutcomeIn.model_validate(data)
    ).id


def _measure(
    db: Session, w: OutcomesWorld, outcome_id: int, value: float, on: str, unit: str = "homes"
):
    return outcomes.record_measurement(
        db,
        w.caller(w.cleo),
        outcome_id,
        MeasurementIn.model_validate({"value": value, "unit": unit, "measured_on": on}),
    )


def test_trajectory_status_rule(db: Session) -> None:
    w = outcomes_world(db)
    oid = _outcome(db, w)
    assert outcomes.get_outcome(db, w.caller(w.dan), oid).status == "no_data"
    # Day 50 of 100: 50 expected; 45 is exactly 90 % of it.
    out = _measure(db, w, oid, 45, "2026-02-20")
    assert out.status == "on_track" and out.latest is not None
    assert out.latest.expected_ratio == pytest.approx(0.5)
    assert out.latest.expected_value == pytest.approx(50)
    assert _measure(db, w, oid, 60, "2026-03-22").status == "at_risk"  # 60 of 80 expected
    assert _measure(db, w, oid, 50, "2026-04-01").status == "off_track"  # 50 of 90
    # The latest measurement decides, whatever the order they were recorded in.
    _measure(db, w, oid, 10, "2026-01-11")
    listed = outcomes.list_outcomes(db, w.caller(w.ada), w.initiative)
    assert [m.status for m in listed[0].measurements] == [
        "on_track",
        "on_track",
        "at_risk",
        "off_track",
    ]
    assert listed[0].status == "off_track"
    falling = _outcome(
        db, w, name="Wait", unit="days", baseline=40.0, target=20.0, direction="decrease"
    )
    assert _measure(db, w, falling, 31, "2026-02-20", unit="days").status == "on_track"
    assert _measure(db, w, falling, 37, "2026-02-20", unit="days").status == "off_track"


def test_bad_measurements_write_nothing(db: Session) -> None:
    w = outcomes_world(db)
    oid = _outcome(db, w)
    before = count(db, Measurement)
    with pytest.raises(Invalid) as wrong_unit:
        _measure(db, w, oid, 3, "2026-02-01", unit="kWh")
    assert wrong_unit.value.field == "unit" and "homes" in wrong_unit.value.message
    with pytest.raises(Invalid) as too_early:
        _measure(db, w, oid, 3, "2025-12-31")
    assert too_early.value.field == "measured_on" and "baseline" in too_early.value.message
    assert count(db, Measurement) == before


def test_outcomes_are_managed_by_the_convenor(db: Session) -> None:
    w = outcomes_world(db)
    with pytest.raises(Forbidden):
        _outcome_as(db, w, w.ada)
    oid = _outcome(db, w)
    with pytest.raises(Forbidden):
        outcomes.record_measurement(
            db,
            w.caller(w.ada),
            oid,
            MeasurementIn(value=1.0, unit="homes", measured_on=date(2026, 2, 1)),
        )
    with pytest.raises(Conflict):
        _outcome(db, w)
    with pytest.raises(ValidationError):
        OutcomeIn.model_validate(
            {
                "name": "x",
                "unit": "u",
                "baseline": 5.0,
                "baseline_date": "2026-01-01",
                "target": 1.0,
                "direction": "increase",
                "due_date": "2026-02-01",
            }
        )
    stranger = w.caller(w.ada)
    stranger = type(stranger)(account_id=99, actor_ids=frozenset(), roles={})
    with pytest.raises(NotFound):
        outcomes.list_outcomes(db, stranger, w.initiative)
    assert count(db, Outcome) == 1


def _outcome_as(db: Session, w: OutcomesWorld, actor: int) -> None:
    outcomes.add_outcome(
        db,
        w.caller(actor),
        w.initiative,
        OutcomeIn(
            name="n",
            unit="u",
            baseline=0.0,
            baseline_date=date(2026, 1, 1),
            target=1.0,
            direction="increase",
            due_date=date(2026, 2, 1),
        ),
    )


def _contribution(db: Session, w: OutcomesWorld, actor: int, kind: str = "knowledge") -> int:
    return contributions.record_contribution(
        db,
        w.caller(actor),
        w.initiative,
        ContributionIn.model_validate(
            {
                "contributor_id": actor,
                "kind": kind,
                "amount": 3.0,
                "unit": "sessions",
                "contributed_on": "2026-02-03",
            }
        ),
    ).id


def test_two_sided_confirmation(db: Session) -> None:
    w = outcomes_world(db)
    version = db.get_one(Network, w.network.id).data_version
    cid = _contribution(db, w, w.ada)
    row = db.get_one(Contribution, cid)
    assert row.status == "recorded" and row.tie_id is None
    ties_before = count(db, Tie)

    # The contributor cannot confirm themselves.
    with pytest.raises(Invalid) as own:
        contributions.confirm_contribution(db, w.caller(w.ada), cid, w.ada)
    assert own.value.field == "confirmer_id"
    # Someone who was not on the initiative cannot confirm (422), and nothing is written.
    with pytest.raises(Invalid) as outsider:
        contributions.confirm_contribution(db, w.caller(w.dan), cid, w.dan)
    assert "not on initiative" in outsider.value.message
    # Nobody confirms as an actor they do not own.
    with pytest.raises(Forbidden):
        contributions.confirm_contribution(db, w.caller(w.dan), cid, w.bola)
    assert count(db, Tie) == ties_before
    assert db.get_one(Contribution, cid).status == "recorded"

    done = contributions.confirm_contribution(db, w.caller(w.bola), cid, w.bola)
    assert done.status == "confirmed" and done.confirmed_by_id == w.bola
    tie = db.get_one(Tie, done.tie_id)
    assert (tie.source_id, tie.target_id, tie.kind, tie.origin, tie.initiative_id) == (
        w.ada,
        w.bola,
        "shared_knowledge",
        "contribution",
        w.initiative,
    )
    assert tie.start_date == date(2026, 2, 3)
    db.expire_all()
    assert db.get_one(Network, w.network.id).data_version > version
    with pytest.raises(Conflict):
        contributions.confirm_contribution(db, w.caller(w.cleo), cid, w.cleo)
    # The convenor is on the initiative and may confirm; each kind makes its own tie.
    for kind, tie_kind in contributions.TIE_KIND.items():
        other = _contribution(db, w, w.bola, kind)
        made = contributions.confirm_contribution(db, w.caller(w.cleo), other, w.cleo)
        assert db.get_one(Tie, made.tie_id).kind == tie_kind


def test_contributions_are_recorded_by_members_of_the_initiative(db: Session) -> None:
    w = outcomes_world(db)
    with pytest.raises(Forbidden):
        _contribution_as(db, w, caller_actor=w.bola, contributor=w.ada)
    with pytest.raises(Invalid) as not_on:
        _contribution(db, w, w.dan)
    assert not_on.value.field == "contributor_id"
    # A withdrawn engagement no longer counts.
    db.scalars(select(Engagement).where(Engagement.actor_id == w.bola)).one().status = "withdrawn"
    db.flush()
    with pytest.raises(Invalid):
        _contribution(db, w, w.bola)
    assert count(db, Contribution) == 0
    cid = _contribution(db, w, w.ada)
    with pytest.raises(Invalid):
        contributions.confirm_contribution(db, w.caller(w.bola), cid, w.bola)
    ledger = contributions.list_contributions(db, w.caller(w.dan), w.network, actor_id=w.ada)
    assert [c.id for c in ledger] == [cid] and ledger[0].contributor_name == "Ada"


def _contribution_as(db: Session, w: OutcomesWorld, *, caller_actor: int, contributor: int) -> None:
    contributions.record_contribution(
        db,
        w.caller(caller_actor),
        w.initiative,
        ContributionIn(
            contributor_id=contributor,
            kind="time",
            amount=2.0,
            unit="hours",
            contributed_on=date(2026, 2, 1),
        ),
    )


def _asset(db: Session, w: OutcomesWorld, authors: list[int], by: int, **kw: object) -> int:
    data: dict[str, object] = {
        "title": "Toolkit",
        "link": "https://example.org/toolkit",
        "licence": "cc-by-4.0",
        "authors": authors,
    }
    data.update(kw)
    return commons.share_asset(db, w.caller(by), w.network, AssetIn.model_validate(data)).id


def test_attribution_of_reuse(db: Session) -> None:
    w = outcomes_world(db)
    toolkit = _asset(db, w, [w.dan, w.ada], by=w.dan)
    guide = _asset(db, w, [w.dan], by=w.dan, title="Guide", licence="CC0-1.0")
    shown = commons.get_asset(db, w.caller(w.bola), toolkit)
    assert shown.licence == "CC-BY-4.0"  # normalised to the SPDX spelling
    assert [(a.actor_id, a.name) for a in shown.authors] == [(w.dan, "Dan"), (w.ada, "Ada")]

    reuse = commons.record_reuse(
        db,
        w.caller(w.bola),
        toolkit,
        ReuseIn(initiative_id=w.initiative, reused_on=date(2026, 3, 1), recorded_by_id=w.bola),
    )
    assert [a.actor_id for a in reuse.authors] == [w.dan, w.ada]
    commons.record_reuse(
        db, w.caller(w.dan), guide, ReuseIn(initiative_id=w.other_initiative)
    )  # Dan convenes the other initiative
    with pytest.raises(Conflict):
        commons.record_reuse(db, w.caller(w.cleo), toolkit, ReuseIn(initiative_id=w.initiative))
    # Someone who is not on the initiative does not record its reuses.
    with pytest.raises(Invalid):
        commons.record_reuse(
            db,
            w.caller(w.dan),
            guide,
            ReuseIn(initiative_id=w.initiative, recorded_by_id=w.dan),
        )
    with pytest.raises(Forbidden):
        commons.record_reuse(db, w.caller(w.ada), guide, ReuseIn(initiative_id=w.other_initiative))

    dan = commons.credits(db, w.caller(w.ada), w.dan)
    assert dan.total_reuses == 2
    assert {(a.title, a.reuse_count) for a in dan.assets} == {("Toolkit", 1), ("Guide", 1)}
    assert {r.initiative_title for r in dan.reuses} == {"Warm homes", "Other"}
    ada = commons.credits(db, w.caller(w.dan), w.ada)
    assert ada.total_reuses == 1 and ada.reuses[0].asset_title == "Toolkit"
    bola = commons.credits(db, w.caller(w.dan), w.bola)
    assert bola.total_reuses == 0 and bola.assets == []
    assert count(db, AssetReuse) == 2


def test_licence_must_be_spdx(db: Session) -> None:
    w = outcomes_world(db)
    with pytest.raises(ValidationError) as bad:
        AssetIn.model_validate(
            {"title": "x", "link": "https://e.org", "licence": "Free-ish", "authors": [w.ada]}
        )
    assert "not an SPDX licence identifier" in str(bad.value)
    assert count(db, KnowledgeAsset) == 0


def test_uploaded_file_is_kept_in_the_database(db: Session) -> None:
    import base64

    w = outcomes_world(db)
    payload = b"# checklist\n" * 10
    aid = _asset(
        db,
        w,
        [w.ada],
        by=w.ada,
        link=None,
        file={
            "name": "checklist.md",
            "media_type": "text/markdown",
            "content_base64": base64.b64encode(payload).decode(),
        },
    )
    assert commons.asset_file(db, w.caller(w.dan), aid) == (
        "checklist.md",
        "text/markdown",
        payload,
    )
    big = base64.b64encode(b"x" * (2 * 1024 * 1024 + 1)).decode()
    with pytest.raises(ValidationError, match="2 MB"):
        AssetIn.model_validate(
            {
                "title": "big",
                "licence": "MIT",
                "authors": [w.ada],
                "file": {"name": "big.bin", "content_base64": big},
            }
        )


def test_health_spread(db: Session) -> None:
    w = outcomes_world(db)
    check = health.open_check(
        db, w.caller(w.cleo), w.initiative, HealthCheckIn(held_on=date(2026, 3, 1))
    )
    health.rate(
        db,
        w.caller(w.ada),
        check.id,
        RatingsIn(actor_id=w.ada, ratings={"trust": 1, "learning": 4}),
    )
    health.rate(
        db,
        w.caller(w.bola),
        check.id,
        RatingsIn(actor_id=w.bola, ratings={"trust": 5, "learning": 4}),
    )
    out = health.rate(
        db, w.caller(w.cleo), check.id, RatingsIn(actor_id=w.cleo, ratings={"trust": 3})
    )
    blocks = {b.block: b for b in out.blocks}
    trust = blocks["trust"]
    assert (trust.n, trust.mean, trust.minimum, trust.maximum, trust.range) == (3, 3.0, 1, 5, 4)
    assert trust.sd == pytest.approx((8 / 3) ** 0.5, abs=1e-3)
    # Two raters of "learning": a mean and range would reveal both ratings; only the count shows.
    learning = blocks["learning"]
    assert (learning.n, learning.mean, learning.sd, learning.minimum, learning.range) == (
        2,
        None,
        None,
        None,
        None,
    )
    assert blocks["communication"].n == 0 and blocks["communication"].mean is None
    assert out.respondents == 3 and out.members == 3
    # Changing one's rating replaces it.
    again = health.rate(
        db, w.caller(w.ada), check.id, RatingsIn(actor_id=w.ada, ratings={"trust": 3})
    )
    assert {b.block: b for b in again.blocks}["trust"].range == 2
    assert again.my_ratings == {"trust": 3, "learning": 4}
    later = health.open_check(
        db, w.caller(w.cleo), w.initiative, HealthCheckIn(held_on=date(2026, 6, 1))
    )
    health.rate(db, w.caller(w.ada), later.id, RatingsIn(actor_id=w.ada, ratings={"trust": 4}))
    overview = health.health_overview(db, w.caller(w.dan), w.initiative)
    assert [c.held_on for c in overview.checks] == [date(2026, 3, 1), date(2026, 6, 1)]
    # One rater: nothing of Ada's rating is shown to Dan, only that one member rated.
    lone = {b.block: b for b in overview.checks[1].blocks}["trust"]
    assert (lone.n, lone.mean, lone.sd, lone.minimum, lone.maximum) == (1, None, None, None, None)
    assert overview.checks[0].my_ratings == {}  # Dan sees aggregates only
    before = count(db, HealthRating)
    with pytest.raises(Forbidden):
        health.rate(db, w.caller(w.dan), check.id, RatingsIn(actor_id=w.dan, ratings={"trust": 1}))
    with pytest.raises(Forbidden):
        health.open_check(
            db, w.caller(w.ada), w.initiative, HealthCheckIn(held_on=date(2026, 9, 1))
        )
    assert count(db, HealthRating) == before


def test_fairness(db: Session) -> None:
    w = outcomes_world(db)
    # Dan contributes knowledge that others reuse, but is never engaged nor invited.
    for title in ("A", "B", "C"):
        aid = _asset(db, w, [w.dan], by=w.dan, title=title)
        commons.record_reuse(
            db, OP, aid, ReuseIn(initiative_id=w.initiative, reused_on=date(2026, 2, 1))
        )
    invitations = _invitations_table()
    if invitations is not None:
        for created in (datetime(2026, 2, 1), datetime(2026, 3, 1), datetime(2026, 9, 1)):
            db.execute(
                invitations.insert().values(
                    network_id=w.network.id,
                    initiative_id=w.initiative,
                    actor_id=w.ada,
                    hours_per_week=2.0,
                    status="declined",
                    created_at=created,
                    expires_at=created + timedelta(days=14),
                )
            )
    report = fairness.fairness_report(db, w.caller(w.ada), w.network, on=date(2026, 6, 30))
    assert report.actors == 4
    assert report.invitations_counted == (invitations is not None)
    if invitations is not None:
        # Two invitations before the reference date, none after it; one member holds them all.
        business = next(g for g in report.groups if g.group == "business")
        assert (business.invitations, business.invited, business.share_invited) == (2, 1, 0.5)
        assert report.gini_invitations == pytest.approx(0.75)
    # Engagements 0, 1, 1, 0 → Gini 0.5.
    assert report.gini_engagements == pytest.approx(0.5)
    sectors = {g.group: g for g in report.groups if g.dimension == "sector"}
    assert sectors["business"].actors == 2 and sectors["business"].engaged == 1
    assert sectors["government"].share_engaged == 1.0
    assert sectors["civil_society"].engaged == 0
    tenure = {g.group: g for g in report.groups if g.dimension == "tenure"}
    assert set(tenure) == {"unknown"}  # no joining dates in this network
    assert [u.actor_id for u in report.under_recognised] == [w.dan]
    assert report.under_recognised[0].contribution == 3
    assert report.lorenz[0] == (0.0, 0.0) and report.lorenz[-1] == (1.0, 1.0)


def _invitations_table() -> Table | None:
    """The invitations area's table, when this installation has it (an optional area here)."""
    from coalition.store.tables import Base

    return Base.metadata.tables.get("invitations")
