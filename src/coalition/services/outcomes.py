"""Outcomes of an initiative: metrics with a baseline and a target, and dated measurements
judged against the straight-line trajectory between them.

The status rule lives in :func:`coalition.engines.outcomes.trajectory_status`: progress ratio
``(value - baseline) / (target - baseline)`` against the expected ratio at the measurement date
(the share of the time from baseline date to due date gone by); on track at ≥ 90 % of the
expected progress, at risk at ≥ 70 %, off track below.

Readers are the members of the initiative's network; metrics and measurements are managed by
the initiative's convenor (or a steward).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..engines.outcomes import trajectory_status
from ..errors import Conflict, Invalid
from ..i18n import _
from ..schemas.outcomes import (
    DirectionName,
    MeasurementIn,
    MeasurementOut,
    OutcomeIn,
    OutcomeOut,
)
from ..store.tables import Actor, Engagement, Initiative
from ..store.tables_outcomes import Measurement, Outcome
from .access import ON_INITIATIVE, Caller, load_readable, readable_actors, readable_initiatives
from .initiatives import load_initiative, require_convenor

#: Engagements that put an actor "on" an initiative (a withdrawn one no longer does).

STATUS_RULE = (
    "Each measurement is compared with the straight line from the baseline (on the baseline "
    "date) to the target (on the due date). Progress = (value − baseline) ÷ (target − "
    "baseline); expected = days since the baseline date ÷ days from baseline date to due "
    "date (at most 1). On track when progress ≥ 90 % of expected, at risk when ≥ 70 %, "
    "off track below. The outcome's status is that of its latest measurement."
)


def initiative_member_ids(db: Session, initiative: Initiative) -> set[int]:
    """Actors on ``initiative``: an active or completed engagement, or its convenor."""
    ids = set(
        db.scalars(
            select(Engagement.actor_id).where(
                Engagement.initiative_id == initiative.id,
                Engagement.status.in_(ON_INITIATIVE),
            )
        )
    )
    if initiative.convenor_id is not None:
        ids.add(initiative.convenor_id)
    return ids


def visible_names(db: Session, caller: Caller, actor_ids: Iterable[int]) -> dict[int, str]:
    """Names of those actors whose profile the caller may see (others stay unnamed)."""
    wanted = {i for i in actor_ids if i is not None}
    if not wanted:
        return {}
    rows = db.execute(
        select(Actor.id, Actor.name).where(Actor.id.in_(wanted), readable_actors(caller))
    ).all()
    return {actor_id: name for actor_id, name in rows}


def _measurement_view(outcome: Outcome, m: Measurement) -> MeasurementOut:
    point = trajectory_status(
        baseline=outcome.baseline,
        baseline_date=outcome.baseline_date,
        target=outcome.target,
        due_date=outcome.due_date,
        value=m.value,
        measured_on=m.measured_on,
    )
    return MeasurementOut(
        id=m.id,
        measured_on=m.measured_on,
        value=m.value,
        source=m.source,
        note=m.note,
        expected_value=point.expected_value,
        expected_ratio=point.expected_ratio,
        progress_ratio=point.progress_ratio,
        performance=point.performance,
        status=point.status,
    )


def outcome_view(outcome: Outcome, measurements: list[Measurement]) -> OutcomeOut:
    ordered = sorted(measurements, key=lambda m: (m.measured_on, m.id))
    views = [_measurement_view(outcome, m) for m in ordered]
    latest = views[-1] if views else None
    return OutcomeOut(
        id=outcome.id,
        initiative_id=outcome.initiative_id,
        name=outcome.name,
        description=outcome.description,
        unit=outcome.unit,
        baseline=outcome.baseline,
        baseline_date=outcome.baseline_date,
        target=outcome.target,
        direction=cast(DirectionName, outcome.direction),  # the column's CHECK holds it
        due_date=outcome.due_date,
        status=latest.status if latest else "no_data",
        latest=latest,
        measurements=views,
    )


def _views(db: Session, outcomes: list[Outcome]) -> list[OutcomeOut]:
    by_outcome: dict[int, list[Measurement]] = defaultdict(list)
    if outcomes:
        for m in db.scalars(
            select(Measurement).where(Measurement.outcome_id.in_([o.id for o in outcomes]))
        ):
            by_outcome[m.outcome_id].append(m)
    return [outcome_view(o, by_outcome[o.id]) for o in outcomes]


def list_outcomes(db: Session, caller: Caller, initiative_id: int) -> list[OutcomeOut]:
    """The outcomes of an initiative with every measurement and its status."""
    initiative = load_initiative(db, caller, initiative_id)
    rows = db.scalars(
        select(Outcome).where(Outcome.initiative_id == initiative.id).order_by(Outcome.id)
    ).all()
    return _views(db, list(rows))


def list_network_outcomes(
    db: Session, caller: Caller, network_id: int
) -> list[tuple[Initiative, list[OutcomeOut]]]:
    """Every readable initiative of a network that has outcomes, with them."""
    rows = db.scalars(
        select(Outcome)
        .join(Initiative, Initiative.id == Outcome.initiative_id)
        .where(Outcome.network_id == network_id, readable_initiatives(caller))
        .order_by(Initiative.title, Outcome.id)
    ).all()
    views = _views(db, list(rows))
    initiatives = {
        i.id: i
        for i in db.scalars(
            select(Initiative).where(Initiative.id.in_({o.initiative_id for o in rows}))
        )
    }
    grouped: dict[int, list[OutcomeOut]] = defaultdict(list)
    for view in views:
        grouped[view.initiative_id].append(view)
    return [(initiatives[iid], items) for iid, items in grouped.items()]


def get_outcome(db: Session, caller: Caller, outcome_id: int) -> OutcomeOut:
    outcome = load_readable(db, caller, Outcome, outcome_id)
    return _views(db, [outcome])[0]


def add_outcome(db: Session, caller: Caller, initiative_id: int, data: OutcomeIn) -> OutcomeOut:
    """Define a metric for an initiative (its convenor, or a steward)."""
    initiative = load_initiative(db, caller, initiative_id)
    require_convenor(db, caller, initiative)
    taken = db.scalar(
        select(func.count()).where(
            Outcome.initiative_id == initiative.id, Outcome.name == data.name
        )
    )
    if taken:
        raise Conflict(
            _("this initiative has an outcome called '%(name)s' already") % {"name": data.name}
        )
    outcome = Outcome(
        network_id=initiative.network_id, initiative_id=initiative.id, **data.model_dump()
    )
    db.add(outcome)
    db.flush()
    return outcome_view(outcome, [])


def record_measurement(
    db: Session, caller: Caller, outcome_id: int, data: MeasurementIn
) -> OutcomeOut:
    """Add a dated value; it must be in the metric's unit and not predate the baseline."""
    outcome = load_readable(db, caller, Outcome, outcome_id)
    initiative = db.get_one(Initiative, outcome.initiative_id)
    require_convenor(db, caller, initiative)
    if data.unit.strip().casefold() != outcome.unit.strip().casefold():
        raise Invalid(
            _("'%(name)s' is measured in %(unit)s, not %(unit2)s")
            % {"name": outcome.name, "unit": outcome.unit, "unit2": data.unit},
            field="unit",
        )
    if data.measured_on < outcome.baseline_date:
        raise Invalid(
            _("measured_on %(value)s is before the baseline date %(value2)s")
            % {"value": data.measured_on.isoformat(), "value2": outcome.baseline_date.isoformat()},
            field="measured_on",
        )
    db.add(
        Measurement(
            network_id=outcome.network_id,
            outcome_id=outcome.id,
            measured_on=data.measured_on,
            value=data.value,
            source=data.source,
            note=data.note,
        )
    )
    db.flush()
    return _views(db, [outcome])[0]


__all__ = [
    "STATUS_RULE",
    "add_outcome",
    "get_outcome",
    "initiative_member_ids",
    "list_outcomes",
    "record_measurement",
    "visible_names",
]
