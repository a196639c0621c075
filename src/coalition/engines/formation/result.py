"""What :func:`~coalition.engines.formation.propose` returns: proposals, or why there are none.

Plain frozen dataclasses; a service stores a :class:`Proposal` for audit and renders its
members' reasons (:class:`~coalition.engines.formation.reasons.Reason`: English text, code and
values) in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from coalition.engines.formation.reasons import Reason, Said

__all__ = [
    "ClosestActor",
    "FormationResult",
    "Infeasibility",
    "Member",
    "Obstacle",
    "Proposal",
]

ResultStatus = Literal["optimal", "feasible", "infeasible", "unknown"]


@dataclass(frozen=True)
class Member:
    """One seat of a proposal: who, in which role, for how many hours, and why them."""

    actor_id: int
    name: str
    role_key: str
    hours_per_week: float
    cost: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Proposal:
    """One proposed team.

    ``scores`` holds the six objective scores (0..1, 1 best); ``total_score`` their weighted
    mean. ``bound`` is a proven upper bound on the total score any team drawn from the same
    candidate pool could reach (under the same requirement to differ from earlier
    proposals), and ``gap = (bound - total_score) / bound``. ``status`` is ``"optimal"`` when
    the gap is closed. ``pool_pruned`` says whether the pool was pruned before solving (the
    bound then holds for the pool, not for the whole network). ``method`` is what found the
    team (``"mip"``, ``"heuristic"`` or ``"heuristic+mip"``).
    """

    rank: int
    members: tuple[Member, ...]
    scores: Mapping[str, float]
    total_score: float
    bound: float
    gap: float
    status: Literal["optimal", "feasible"]
    total_cost: float
    solve_seconds: float
    method: str
    pool_pruned: bool

    @property
    def actor_ids(self) -> tuple[int, ...]:
        """The members' actor ids, in seat order."""
        return tuple(m.actor_id for m in self.members)


@dataclass(frozen=True)
class ClosestActor:
    """An actor who comes close to what is missing, and what they lack (``gaps``)."""

    actor_id: int
    name: str
    role_key: str | None
    gaps: tuple[Reason, ...]


@dataclass(frozen=True)
class Obstacle:
    """One reason no team can be formed.

    ``constraint`` names the family (``"role"``, ``"locked_in"``, ``"budget"``,
    ``"sector_mix"``, ``"max_per_org"``, ``"tz_coverage"``, ``"role_tz"``, ``"conflicts"``,
    ``"distinct_people"``); ``field`` points into the problem like
    :class:`~coalition.engines.formation.problem.FormationInputError`'s; ``message`` says it
    in plain English, with its :class:`~coalition.engines.formation.reasons.ObstacleCode` and
    values for a service to write in the reader's language; ``closest`` lists the actors who
    come closest.
    """

    constraint: str
    field: str
    message: Said
    closest: tuple[ClosestActor, ...] = ()


@dataclass(frozen=True)
class Infeasibility:
    """Why no team was proposed: a one-line English ``summary`` (when nothing is proven, a
    :class:`~coalition.engines.formation.reasons.Said` of ``NoteCode.NOT_PROVEN``) and the
    ``obstacles`` found."""

    summary: str
    obstacles: tuple[Obstacle, ...]
    proven: bool = True


@dataclass(frozen=True)
class FormationResult:
    """The answer of :func:`~coalition.engines.formation.propose`.

    ``status`` is the best proposal's (``"optimal"`` / ``"feasible"``), or ``"infeasible"``
    (``infeasibility`` says why), or ``"unknown"`` (no team found within the time limit and
    nothing proven). ``proposals`` holds the best team first, then up to ``k_alternatives``
    that each share at most two thirds of their seats with every earlier one. ``notes``
    explain anything the caller should know (fewer alternatives than asked, pruning widened).
    ``stats`` carries sizes and timings for logs. ``fairness_off`` is the best team on the
    same pool with the fairness term left out (when fairness has weight): what fairness
    changed, shown so the trade-off is in the open.
    """

    status: ResultStatus
    proposals: tuple[Proposal, ...] = ()
    infeasibility: Infeasibility | None = None
    notes: tuple[Said, ...] = ()
    stats: Mapping[str, float] = field(default_factory=dict)
    fairness_off: Proposal | None = None

    @property
    def best(self) -> Proposal | None:
        """The best proposal, or None."""
        return self.proposals[0] if self.proposals else None
