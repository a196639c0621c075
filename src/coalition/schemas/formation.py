"""Input and output models of formation: proposal requests and proposals."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from ..domain import BudgetBasis
from .common import MAX_COUNT, Id, OutModel, StrictModel, Timestamp

Weight = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]


class WeightsIn(StrictModel):
    fit: Weight = 1.0
    purpose: Weight = 0.8
    trust: Weight = 0.6
    diversity: Weight = 0.4
    fairness: Weight = 0.3
    cost: Weight = 0.3
    bridging: Weight = 0.0


class LockIn(StrictModel):
    actor_id: Id
    role_id: Id | None = None


class ProposalRequest(StrictModel):
    weights: WeightsIn = WeightsIn()
    alternatives: int = Field(default=3, ge=0, le=5)
    locked_in: list[LockIn] = Field(default=[], max_length=500)
    excluded: list[Id] = Field(default=[], max_length=5000)
    conflicts: list[tuple[Id, Id]] = Field(default=[], max_length=5000)
    competing_organisations: list[Id] = Field(default=[], max_length=5000)
    seed: int = Field(default=0, ge=0, le=MAX_COUNT)
    time_limit_s: float = Field(default=1.0, gt=0, le=60)
    # The most fairness may cost the best team on every other objective (a share).
    fairness_budget: float = Field(default=0.02, ge=0, lt=1, allow_inf_nan=False)
    # What the budget is a share of: every other objective, or capability fit alone.
    fairness_budget_on: BudgetBasis = BudgetBasis.fit


class ProposedMember(OutModel):
    actor_id: int
    name: str
    role_id: int
    role_title: str
    hours_per_week: float
    reasons: list[str]


class NamedActorOut(OutModel):
    actor_id: int
    name: str
    role_id: int | None = None


class FairnessContrastOut(OutModel):
    """What the fairness term changed in a proposal: the best team with fairness off, on the
    same pool and constraints, and the cost on every other objective, in plain words."""

    weight: float
    seats_changed: int
    seats: int
    instead_of: list[NamedActorOut]
    value_on: float
    value_off: float
    loss: float
    fit_on: float
    fit_off: float
    summary: str


class ProposalOut(OutModel):
    id: int
    rank: int
    status: str
    total_score: float
    bound: float
    gap: float
    total_cost: float
    scores: dict[str, float]
    method: str
    members: list[ProposedMember]
    fairness: FairnessContrastOut | None = None


class ClosestOut(OutModel):
    actor_id: int
    name: str
    role: str | None
    gaps: list[str]


class ObstacleOut(OutModel):
    """One reason no team can be formed: its family (``constraint``), machine-readable
    ``code`` and ``values``, the ``field`` it concerns, and ``message``, the sentence in the
    caller's language."""

    constraint: str
    code: str
    values: dict[str, Any]
    field: str
    message: str
    closest: list[ClosestOut]


class ProposalSet(OutModel):
    initiative_id: int
    run: str
    status: str
    proposals: list[ProposalOut]
    infeasible: str | None = None
    obstacles: list[ObstacleOut] = []
    notes: list[str] = []


class ProposalRunOut(OutModel):
    """The newest formation run of an initiative: its proposals (best first) and the request
    that produced them, with the names of the members it locked in or excluded."""

    initiative_id: int
    run: str | None
    created_at: Timestamp | None
    request: ProposalRequest
    proposals: list[ProposalOut]
    locked_in: list[NamedActorOut]
    excluded: list[NamedActorOut]


class ProposalInviteIn(StrictModel):
    """Invite every member of a proposal to the seat it proposes them for."""

    message: str = Field(default="", max_length=4000)
