"""A new member's checklist (profile, capabilities, purposes, availability, privacy, a first
opportunity) and its completeness, which the directory can filter on.

Each step is a SQL condition on the profile, so one expression scores every actor in a search.
Scored for someone else, a step that rests on a field hidden from them counts as not done:
a filter on completeness never reveals what a member chose not to show.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, exists, func, select
from sqlalchemy.orm import Session

from ..clock import utcnow
from ..domain import OnboardingStep
from ..errors import NotFound, Unauthorized
from ..i18n import _, lazy
from ..schemas.networks import ChecklistOut, ChecklistStepOut
from ..store.tables import Actor, ActorCapability, ActorPurpose, Engagement, Network
from ..store.tables_networks import OnboardingMark
from .access import Caller, field_visible_clause

STEP_LABELS = {
    OnboardingStep.profile: lazy("Say who you are in a headline"),
    OnboardingStep.capabilities: lazy("Add your capabilities, each with a level"),
    OnboardingStep.purposes: lazy("Name the purposes you care about"),
    OnboardingStep.availability: lazy("Give your capacity (hours per week) and time zone"),
    OnboardingStep.privacy: lazy("Choose who sees each field of your profile"),
    OnboardingStep.opportunity: lazy("Take up a first opportunity (a seat on an initiative)"),
}


def step_conditions(caller: Caller) -> dict[OnboardingStep, ColumnElement[bool]]:
    """Each step as a condition on ``Actor`` (correlated), as far as ``caller`` may see."""
    capacity_seen = field_visible_clause(caller, Actor.capacity_visibility)
    return {
        OnboardingStep.profile: func.length(func.trim(Actor.headline)) > 0,
        OnboardingStep.capabilities: exists().where(ActorCapability.actor_id == Actor.id),
        OnboardingStep.purposes: exists().where(ActorPurpose.actor_id == Actor.id),
        OnboardingStep.availability: and_(
            Actor.capacity_hours > 0, Actor.timezone.is_not(None), capacity_seen
        ),
        OnboardingStep.privacy: exists().where(
            OnboardingMark.actor_id == Actor.id,
            OnboardingMark.step == OnboardingStep.privacy.value,
        ),
        OnboardingStep.opportunity: exists().where(
            Engagement.actor_id == Actor.id, Engagement.listed == 1
        ),
    }


def completeness(caller: Caller) -> ColumnElement[int]:
    """The share of steps done, in whole percent (0-100), as a SQL expression on ``Actor``."""
    conditions = list(step_conditions(caller).values())
    done: ColumnElement[int] = case((conditions[0], 1), else_=0)
    for condition in conditions[1:]:
        done = done + case((condition, 1), else_=0)
    # Whole percent, rounded down alike on SQLite and PostgreSQL (integer division).
    return (done * 100 // len(conditions)).cast(Integer)


def _own_actor(db: Session, caller: Caller, network: Network) -> Actor:
    if caller.account_id is None and not caller.system:
        raise Unauthorized(_("sign in first"))
    actor = (
        db.scalars(
            select(Actor)
            .where(Actor.network_id == network.id, Actor.id.in_(list(caller.actor_ids)))
            .where(Actor.kind == "person")
            .order_by(Actor.id)
        ).first()
        or db.scalars(
            select(Actor)
            .where(Actor.network_id == network.id, Actor.id.in_(list(caller.actor_ids)))
            .order_by(Actor.id)
        ).first()
    )
    if actor is None:
        raise NotFound(_("you have no profile in '%(slug)s'") % {"slug": network.slug})
    return actor


def _links(actor: Actor, network: Network) -> dict[OnboardingStep, str]:
    edit = f"/actors/{actor.id}/edit"
    return {
        OnboardingStep.profile: edit,
        OnboardingStep.capabilities: edit,
        OnboardingStep.purposes: edit,
        OnboardingStep.availability: edit,
        OnboardingStep.privacy: "/account#h-privacy",
        OnboardingStep.opportunity: f"/n/{network.slug}/initiatives",
    }


def checklist(db: Session, caller: Caller, network: Network) -> ChecklistOut:
    """The caller's own checklist in ``network`` (their profile there), with completeness."""
    actor = _own_actor(db, caller, network)
    owner = Caller(actor_ids=frozenset({actor.id}))  # the owner sees every field of their own
    conditions = step_conditions(owner)
    row = db.execute(
        select(*(case((c, 1), else_=0) for c in conditions.values())).where(Actor.id == actor.id)
    ).one()
    links = _links(actor, network)
    steps = [
        ChecklistStepOut(key=step, label=_(STEP_LABELS[step]), done=bool(done), link=links[step])
        for step, done in zip(conditions, row, strict=True)
    ]
    return ChecklistOut(
        network=network.slug,
        actor_id=actor.id,
        steps=steps,
        # Rounded down, as the SQL expression the directory filters with.
        completeness=100 * sum(s.done for s in steps) // len(steps),
    )


def mark_privacy_reviewed(db: Session, caller: Caller, network: Network) -> ChecklistOut:
    """The member says the audiences of their profile's fields suit them."""
    actor = _own_actor(db, caller, network)
    if db.get(OnboardingMark, (actor.id, OnboardingStep.privacy.value)) is None:
        db.add(
            OnboardingMark(
                actor_id=actor.id,
                step=OnboardingStep.privacy.value,
                done_at=utcnow(),
            )
        )
        db.flush()
    return checklist(db, caller, network)


def network_completeness(db: Session, network: Network) -> list[dict[str, Any]]:
    """Every profile of a network with its completeness (for stewards and the CLI)."""
    score = completeness(Caller.operator()).label("completeness")
    rows = db.execute(
        select(Actor.id, Actor.name, score)
        .where(Actor.network_id == network.id, Actor.anonymised == 0)
        .order_by(score.desc(), Actor.name)
    ).all()
    return [{"actor_id": i, "name": n, "completeness": int(c)} for i, n, c in rows]
