"""The formation problem: who is available, what the initiative needs, and what matters most.

Plain, frozen dataclasses that a service fills from the database and hands to
:func:`coalition.engines.formation.propose`. Nothing here touches a database or the web.

Semantics chosen here (and relied on by the solver, the explanations and the tests):

* **Seats.** Every seat of every role is filled, by a distinct actor: one actor takes at most
  one role in one team (they may of course serve other initiatives up to their capacity).
* **Capacity.** ``Candidate.capacity_left_hours`` is capacity minus active engagements; an
  actor can take a role only if ``capacity_left_hours >= role.hours_per_week``.
* **Languages.** A role's ``languages`` are all required: the seat holder speaks every one
  (compared case-insensitively).
* **Time zones.** ``Constraints.tz_coverage`` asks for at least one *team* member working in
  each listed region; ``RoleSpec.tz_regions`` asks the same of the holders of that role
  (one seat per region: a follow-the-sun support role lists all three).
* **Budget.** ``Constraints.budget`` is the total over the initiative window of
  ``Constraints.weeks`` weeks; a member costs ``day_rate / 8 * hours_per_week * weeks``.
  An actor with no declared day rate costs nothing (they contribute in kind, or will say so
  when invited); explanations say so.
* **Organisations.** ``max_per_org`` caps the members affiliated with any one organisation
  (an actor counts for every organisation it is affiliated with). Actors affiliated with
  a ``competing_orgs`` organisation (or being one) are never proposed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Literal

from coalition.domain import BudgetBasis, Region
from coalition.engines.formation.reasons import InputCode

if TYPE_CHECKING:  # pragma: no cover - typing only
    from coalition.engines.formation.candidates import CandidateIndex
    from coalition.engines.formation.ties import TieGraph

__all__ = [
    "OBJECTIVES",
    "REGIONS",
    "Candidate",
    "Constraints",
    "FormationInputError",
    "FormationProblem",
    "RoleSpec",
    "Weights",
    "check_number",
]

OBJECTIVES: tuple[str, ...] = (
    "fit",
    "purpose",
    "trust",
    "diversity",
    "fairness",
    "cost",
    "bridging",
)
REGIONS: tuple[str, ...] = tuple(r.value for r in Region)
MIN_LEVEL, MAX_LEVEL = 1, 5

Mode = Literal["default", "exact", "heuristic"]


class FormationInputError(ValueError):
    """Input the engine refuses, with the ``field`` it concerns (the API answers 422).

    ``field`` is a dotted path into the problem, e.g. ``"weights.fit"``,
    ``"roles[2].requirements.Learning design"`` or ``"constraints.budget"``; ``code`` (an
    :class:`~coalition.engines.formation.reasons.InputCode`) and ``values`` say what is wrong,
    for a service to write in the reader's language; ``message`` is the English.

    >>> e = FormationInputError("weights", InputCode.NO_POSITIVE_WEIGHT, "no weight above 0")
    >>> str(e), e.code.value, dict(e.values)
    ('weights: no weight above 0', 'no_positive_weight', {})
    """

    def __init__(self, field: str, code: InputCode, message: str, **values: object) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.code = code
        self.values: dict[str, object] = values
        self.message = message


def _real(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_number(
    value: object, field_name: str, *, minimum: float | None = 0.0, strict: bool = False
) -> None:
    """Raise :class:`FormationInputError` unless ``value`` is a finite real >= ``minimum``.

    Booleans are refused; ``strict`` asks for ``> minimum``.
    """
    if not _real(value):
        raise FormationInputError(
            field_name, InputCode.NOT_A_NUMBER, f"must be a number, got {value!r}", value=str(value)
        )
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        raise FormationInputError(
            field_name, InputCode.NOT_FINITE, f"must be finite, got {value!r}", value=str(value)
        )
    if minimum is not None and (number < minimum or (strict and number == minimum)):
        relation = "greater than" if strict else "at least"
        raise FormationInputError(
            field_name,
            InputCode.TOO_SMALL,
            f"must be {relation} {minimum:g}, got {value!r}",
            minimum=minimum,
            value=number,
            strict=strict,
        )


@dataclass(frozen=True)
class Candidate:
    """One actor who could be proposed, as the directory knows them *now*.

    ``capabilities`` maps a vocabulary term to a level 1-5. ``tz_region`` is the
    working-hours region (``'americas'``, ``'emea'``, ``'apac'``) or None when unknown.
    ``day_rate`` is per 8-hour day, or None when undeclared. ``organisations`` are the ids of
    the organisations the actor is affiliated with. ``recent_engagements`` counts engagements
    in the recent period the service chooses (a newcomer's boost fades with it).
    ``exposure`` is the member's time-decayed count of recent chances (invitations and
    engagements, :func:`~coalition.engines.formation.fairness.decayed_exposure`); None means
    ``recent_engagements``. Both drive the fair spread of opportunity.
    """

    actor_id: int
    name: str = ""
    capabilities: Mapping[str, int] = field(default_factory=dict)
    capacity_left_hours: float = 0.0
    sector: str | None = None
    tz_region: str | None = None
    languages: frozenset[str] = frozenset()
    day_rate: float | None = None
    purpose_text: str = ""
    purpose_tags: tuple[str, ...] = ()
    organisations: tuple[int, ...] = ()
    recent_engagements: int = 0
    is_newcomer: bool = False
    exposure: float | None = None


@dataclass(frozen=True)
class RoleSpec:
    """A role of the initiative: required capabilities with minimum levels, and its seats.

    ``requirements`` maps a capability term to its minimum level (1-5); a seat holder meets
    every requirement. ``hours_per_week`` is what each seat asks of its holder.
    ``languages`` are all required; ``tz_regions`` must each be covered by one holder.
    """

    key: str
    title: str = ""
    requirements: Mapping[str, int] = field(default_factory=dict)
    seats: int = 1
    hours_per_week: float = 4.0
    languages: frozenset[str] = frozenset()
    tz_regions: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        """The title, or the key when there is no title."""
        return self.title or self.key


@dataclass(frozen=True)
class Constraints:
    """Hard constraints every proposed team satisfies (see the module notes for semantics).

    ``sector_mix`` maps a sector to ``(min, max)`` members, ``max`` None meaning no cap.
    ``conflicts`` are pairs of actor ids that must not sit together. ``locked_in`` maps an
    actor id to the key of the role they must take, or None for any role.
    """

    budget: float | None = None
    weeks: float = 1.0
    sector_mix: Mapping[str, tuple[int, int | None]] = field(default_factory=dict)
    max_per_org: int | None = None
    tz_coverage: frozenset[str] = frozenset()
    conflicts: tuple[tuple[int, int], ...] = ()
    competing_orgs: frozenset[int] = frozenset()
    locked_in: Mapping[int, str | None] = field(default_factory=dict)
    excluded: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Weights:
    """Objective weights, each >= 0 and finite, not all zero; the defaults suit most teams.

    Each objective is scored 0..1 for a team (1 best) and the total is the weighted mean:

    * ``fit`` - mean over seats and requirements of ``0.8 + 0.2 * (level - min) / (5 - min)``
      (1 when min 5): it saturates at the required level, over-qualification earning a small
      bonus (:func:`~coalition.engines.formation.model.fit_score`);
    * ``purpose`` - mean TF-IDF cosine similarity of members' purposes to the initiative's;
    * ``trust`` - mean closeness over member pairs in the tie network (1 direct tie,
      1/2 two hops, 1/4 three hops, 0 further);
    * ``diversity`` - mean of distinct sectors, regions and organisations, each relative to
      the most the team could have;
    * ``fairness`` - mean over seats of the fair-spread score: recent exposure relative to the
      others eligible for the same role, with a bounded newcomer boost that fades
      (:func:`~coalition.engines.formation.fairness.fairness_scores`);
    * ``cost`` - ``1 - cost / reference`` (reference: the budget, else the dearest seats);
    * ``bridging`` - share of member pairs who are a new connection across sectors (never
      tied, from two different known sectors); 0 by default, a convenor asks for it.
    """

    fit: float = 1.0
    purpose: float = 0.8
    trust: float = 0.6
    diversity: float = 0.4
    fairness: float = 0.3
    cost: float = 0.3
    bridging: float = 0.0

    def __post_init__(self) -> None:
        for f in fields(self):
            check_number(getattr(self, f.name), f"weights.{f.name}")
        if self.total() <= 0.0:
            raise FormationInputError(
                "weights", InputCode.NO_POSITIVE_WEIGHT, "at least one weight must be positive"
            )

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> Weights:
        """Weights from a mapping of objective name to weight; missing names keep defaults.

        Raises :class:`FormationInputError` for an unknown objective name or a weight that is
        not a finite, non-negative number.
        """
        for name in values:
            if name not in OBJECTIVES:
                raise FormationInputError(
                    f"weights.{name}",
                    InputCode.UNKNOWN_OBJECTIVE,
                    f"unknown objective {name!r}; expected one of {', '.join(OBJECTIVES)}",
                    name=name,
                    expected=list(OBJECTIVES),
                )
        for name, value in values.items():
            check_number(value, f"weights.{name}")
        return cls(**{k: float(v) for k, v in values.items()})  # type: ignore[arg-type]

    def as_dict(self) -> dict[str, float]:
        """The weights by objective name, in :data:`OBJECTIVES` order."""
        return {name: float(getattr(self, name)) for name in OBJECTIVES}

    def total(self) -> float:
        """The sum of the weights (the divisor of the weighted mean)."""
        return float(sum(getattr(self, name) for name in OBJECTIVES))


@dataclass(frozen=True)
class FormationProblem:
    """Everything :func:`propose` needs to form a team for one initiative.

    ``candidates`` is either the actors as :class:`Candidate` objects (an index is built
    for the call) or a prebuilt :class:`~coalition.engines.formation.candidates.CandidateIndex`
    (build it once per network and reuse it: that is what keeps 100,000-actor networks fast).

    ``ties`` gives prior collaboration: a
    :class:`~coalition.engines.formation.ties.TieGraph`, a callable ``closeness(a, b)`` in
    [0, 1], or a mapping ``{(a, b): closeness}``; None means no trust information.

    ``mode``: ``"default"`` (heuristic warm start, then HiGHS within ``time_limit_s`` seconds
    for the whole call), ``"exact"`` (no pruning, no time limit: proves optimality) or
    ``"heuristic"`` (no MIP; a simple bound). ``pool_per_role`` is how many candidates per
    role survive pruning (by a cheap score) when the eligible set is large. ``vocabulary``
    is the network's capability vocabulary: a requirement outside it and outside the terms
    candidates hold is refused as unknown (by default only held terms are known).

    ``fairness_budget`` is what fairness may cost the best team, and it is spent: the best
    team is the one with the highest fair-spread score whose value on every other objective
    stays within that share of the best team's with fairness off (solved in two stages,
    :mod:`~coalition.engines.formation.lexicographic`; when fairness has no weight the
    budget is not used). None (the default): the best team is the optimum of the weighted
    objective; the services pass the request's budget (2 % unless it says otherwise).
    This is the epsilon-constraint view of a two-objective trade-off (Haimes, Lasdon & Wismer
    1971): as much fair spread as a stated loss allows. ``fairness_budget_on`` says what the
    budget is a share of: capability fit alone (the default) or the value of every other
    objective (:class:`~coalition.domain.BudgetBasis`).
    """

    roles: Sequence[RoleSpec]
    candidates: Sequence[Candidate] | CandidateIndex
    constraints: Constraints = field(default_factory=Constraints)
    weights: Weights = field(default_factory=Weights)
    purpose_text: str = ""
    purpose_tags: tuple[str, ...] = ()
    ties: TieGraph | Callable[[int, int], float] | Mapping[tuple[int, int], float] | None = None
    seed: int = 0
    k_alternatives: int = 3
    time_limit_s: float | None = 1.0
    mode: Mode = "default"
    pool_per_role: int = 40
    vocabulary: frozenset[str] | None = None
    fairness_budget: float | None = None
    fairness_budget_on: BudgetBasis = BudgetBasis.fit
