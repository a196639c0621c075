"""Validation of a :class:`~coalition.engines.formation.problem.FormationProblem` against a
candidate index, before any retrieval: every refusal is a
:class:`~coalition.engines.formation.problem.FormationInputError` naming the bad field.
"""

from __future__ import annotations

from collections.abc import Iterable

from coalition.engines.formation.candidates import CandidateIndex
from coalition.engines.formation.problem import (
    MAX_LEVEL,
    MIN_LEVEL,
    REGIONS,
    Constraints,
    FormationInputError,
    FormationProblem,
    RoleSpec,
    Weights,
    check_number,
)
from coalition.engines.formation.reasons import InputCode

__all__ = ["validate_problem"]


def validate_problem(problem: FormationProblem, index: CandidateIndex) -> None:
    """Check a problem against the index; raise :class:`FormationInputError` on bad input.

    Refused: no roles, duplicate role keys, seats < 1, non-positive or non-finite hours,
    levels outside 1-5, capability terms outside the vocabulary, unknown regions, invalid
    weights (negative, NaN, unknown objective: see
    :class:`~coalition.engines.formation.problem.Weights`), negative or non-finite budget,
    non-positive weeks, bad sector mix, organisation cap < 1, locks to unknown roles or
    unknown actors, actors both locked and excluded, negative ``k_alternatives``,
    non-positive time limit, unknown mode, ``pool_per_role`` < 1, a fairness budget outside
    [0, 1).
    """
    roles = list(problem.roles)
    if not roles:
        raise FormationInputError("roles", InputCode.NO_ROLES, "at least one role is needed")
    keys: set[str] = set()
    for r, role in enumerate(roles):
        _check_role(f"roles[{r}]", role, keys, index, problem.vocabulary)
        keys.add(role.key)
    if not isinstance(problem.weights, Weights):
        raise FormationInputError(
            "weights", InputCode.NOT_WEIGHTS, "must be a Weights (see Weights.from_mapping)"
        )
    _check_constraints(problem.constraints, keys, index)
    _check_run_options(problem)


def _is_int(value: object) -> bool:
    """An integer proper (a bool is refused although Python counts it as one)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _check_role(
    where: str,
    role: RoleSpec,
    keys: set[str],
    index: CandidateIndex,
    vocabulary: Iterable[str] | None,
) -> None:
    """Check one role (``keys`` are the keys of the roles before it)."""
    if not isinstance(role, RoleSpec):
        raise FormationInputError(where, InputCode.NOT_A_ROLE, "must be a RoleSpec")
    if role.key in keys:
        raise FormationInputError(
            f"{where}.key",
            InputCode.DUPLICATE_ROLE,
            f"duplicate role key {role.key!r}",
            key=role.key,
        )
    if not _is_int(role.seats) or role.seats < 1:
        raise FormationInputError(f"{where}.seats", InputCode.SEATS, "must be an integer >= 1")
    check_number(role.hours_per_week, f"{where}.hours_per_week", strict=True)
    for term, level in role.requirements.items():
        field = f"{where}.requirements.{term}"
        if term not in index.vocabulary and term not in (vocabulary or ()):
            raise FormationInputError(
                field, InputCode.UNKNOWN_CAPABILITY, f"unknown capability {term!r}", term=term
            )
        if not _is_int(level) or not MIN_LEVEL <= level <= MAX_LEVEL:
            raise FormationInputError(
                field,
                InputCode.LEVEL,
                f"minimum level must be 1-5, got {level!r}",
                level=str(level),
            )
    for region in role.tz_regions:
        if region not in REGIONS:
            raise FormationInputError(
                f"{where}.tz_regions",
                InputCode.UNKNOWN_REGION,
                f"unknown region {region!r}; expected {REGIONS}",
                region=str(region),
                expected=list(REGIONS),
            )


def _check_constraints(c: Constraints, keys: set[str], index: CandidateIndex) -> None:
    """Check the team constraints (``keys``: the role keys a lock may name)."""
    if c.budget is not None:
        check_number(c.budget, "constraints.budget")
    check_number(c.weeks, "constraints.weeks", strict=True)
    for sector, bounds in c.sector_mix.items():
        field = f"constraints.sector_mix.{sector}"
        if not isinstance(bounds, tuple | list) or len(bounds) != 2:
            raise FormationInputError(field, InputCode.SECTOR_PAIR, "must be a (min, max) pair")
        smin, smax = bounds
        if not _is_int(smin) or smin < 0:
            raise FormationInputError(
                field, InputCode.SECTOR_MINIMUM, "minimum must be an integer >= 0"
            )
        if smax is not None and (not _is_int(smax) or smax < smin):
            raise FormationInputError(
                field, InputCode.SECTOR_MAXIMUM, "maximum must be None or an integer >= minimum"
            )
    if c.max_per_org is not None and (not _is_int(c.max_per_org) or c.max_per_org < 1):
        raise FormationInputError(
            "constraints.max_per_org", InputCode.ORG_CAP, "must be None or an integer >= 1"
        )
    for region in c.tz_coverage:
        if region not in REGIONS:
            raise FormationInputError(
                "constraints.tz_coverage",
                InputCode.UNKNOWN_REGION,
                f"unknown region {region!r}; expected {REGIONS}",
                region=str(region),
                expected=list(REGIONS),
            )
    for actor, key in c.locked_in.items():
        field = f"constraints.locked_in.{actor}"
        if actor not in index.row_of:
            raise FormationInputError(
                field, InputCode.UNKNOWN_ACTOR, f"unknown actor {actor}", actor=actor
            )
        if key is not None and key not in keys:
            raise FormationInputError(
                field, InputCode.UNKNOWN_ROLE, f"unknown role {key!r}", key=key
            )
        if actor in c.excluded:
            raise FormationInputError(
                field,
                InputCode.LOCKED_AND_EXCLUDED,
                "an actor cannot be both locked in and excluded",
                actor=actor,
            )
    for pair in c.conflicts:
        if len(pair) != 2:
            raise FormationInputError(
                "constraints.conflicts", InputCode.CONFLICT_PAIR, "each conflict is a pair of ids"
            )


def _check_run_options(problem: FormationProblem) -> None:
    """Check the number of alternatives, time limit, mode, pool size and fairness budget."""
    if not _is_int(problem.k_alternatives) or problem.k_alternatives < 0:
        raise FormationInputError(
            "k_alternatives", InputCode.ALTERNATIVES, "must be an integer >= 0"
        )
    if problem.time_limit_s is not None:
        check_number(problem.time_limit_s, "time_limit_s", strict=True)
    if problem.mode not in ("default", "exact", "heuristic"):
        raise FormationInputError(
            "mode",
            InputCode.MODE,
            "must be 'default', 'exact' or 'heuristic'",
            expected=["default", "exact", "heuristic"],
        )
    if not isinstance(problem.pool_per_role, int) or problem.pool_per_role < 1:
        raise FormationInputError("pool_per_role", InputCode.POOL, "must be an integer >= 1")
    if problem.fairness_budget is not None:
        check_number(problem.fairness_budget, "fairness_budget")
        if problem.fairness_budget >= 1:
            raise FormationInputError(
                "fairness_budget", InputCode.FAIRNESS_BUDGET, "must be below 1 (a share)"
            )
