"""Structured reasons: what the engine says about a member or a gap, as a code and its values.

Everything else the engine says to a person is structured the same way (a :class:`Said`):
why no team could be formed (:class:`ObstacleCode`, with the filters of a role's funnel,
:class:`FunnelCode`, and what the closest team breaks, :class:`DetailCode`), the notes of a
run (:class:`NoteCode`) and the refusals of bad input (:class:`InputCode`, carried by
:class:`~coalition.engines.formation.problem.FormationInputError`).

A :class:`Reason` is a ``str`` (the plain English sentence, as the engine has always written
it, so logs, audits and callers that read text keep working) that also carries a
:class:`ReasonCode` and the values the sentence was built from. The service layer renders
the code and values in the reader's language (``coalition.services.formation_text``) and
applies privacy rules on the values, never on the text. Engines stay pure: no i18n here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "DetailCode",
    "FunnelCode",
    "InputCode",
    "NoteCode",
    "ObstacleCode",
    "Reason",
    "ReasonCode",
    "Said",
    "english_join",
    "english_names",
]


class ReasonCode(StrEnum):
    """Every kind of reason and gap the formation engine gives, declared once."""

    LOCKED_IN = "locked_in"  # locked in by the convenor
    COVERS = "covers"  # capabilities: [[term, level, needed], ...]
    WORKED_WITH = "worked_with"  # count, names, since (year or None)
    SHARES_COLLABORATORS = "shares_collaborators"  # count, names
    HAS_WORKED_WITH = "has_worked_with"  # count
    CLOSE_IN_NETWORK = "close_in_network"  # count
    SHARES_PURPOSE = "shares_purpose"  # terms
    ONLY_SECTOR = "only_sector"  # sector
    COVERS_REGION = "covers_region"  # region
    NEWCOMER = "newcomer"
    FEWER_CHANCES = "fewer_chances"
    CAPACITY = "capacity"  # free, needs (hours per week)
    CAPACITY_UNSHARED = "capacity_unshared"  # needs (the free figure is not shown)
    NO_DAY_RATE = "no_day_rate"
    COST = "cost"  # cost, weeks, day_rate
    GAP_LEVEL = "gap_level"  # term, level, needs
    GAP_MISSING = "gap_missing"  # term
    GAP_CAPACITY = "gap_capacity"  # free, needs
    GAP_CAPACITY_UNSHARED = "gap_capacity_unshared"  # needs
    GAP_LANGUAGE = "gap_language"  # language
    # Opportunities, addressed to the member: why an open role suits them.
    YOUR_LEVELS = "your_levels"  # capabilities: [[term, level, needed], ...]
    SHARES_YOUR_PURPOSE = "shares_your_purpose"  # terms
    YOUR_HOURS = "your_hours"  # needs (hours per week)
    YOUR_ZONE = "your_zone"  # region
    YOU_SPEAK = "you_speak"  # languages
    YOUR_FEWER_CHANCES = "your_fewer_chances"


class ObstacleCode(StrEnum):
    """Every reason no team can be formed (values after each)."""

    ROLE_SHORT = "role_short"  # role, seats, steps: [{code, values, count}, ...]
    TOO_MANY_LOCKED = "too_many_locked"  # locked, seats
    LOCKED_BLOCKED = "locked_blocked"  # name
    LOCKED_UNQUALIFIED = "locked_unqualified"  # name, role (None: any role)
    LOCKED_ROLE_FULL = "locked_role_full"  # locked, role, seats
    LOCKED_CONFLICT = "locked_conflict"  # names
    LOCKED_ORG_CAP = "locked_org_cap"  # count, organisation, cap
    DISTINCT_PEOPLE = "distinct_people"  # needed, qualify
    SECTOR_MINIMUMS = "sector_minimums"  # total, seats
    SECTOR_SHORT = "sector_short"  # minimum, sector, have
    LOCKED_SECTOR_MAX = "locked_sector_max"  # locked, sector, maximum
    REGION_UNCOVERED = "region_uncovered"  # region
    ROLE_REGIONS = "role_regions"  # role, regions, seats
    ROLE_REGION_UNCOVERED = "role_region_uncovered"  # role, region
    BUDGET = "budget"  # cost, weeks, budget
    SCARCE_PEOPLE = "scarce_people"  # roles: [[label, eligible], ...]
    RELAXED = "relaxed"  # family, detail ({code, values} or None)
    COMBINATION = "combination"  # families


class FunnelCode(StrEnum):
    """One filter of a role's funnel (values after each)."""

    REQUIREMENT = "requirement"  # term, level
    ALSO_REQUIREMENT = "also_requirement"  # term, level
    ANYONE = "anyone"
    FREE_HOURS = "free_hours"  # hours
    SPEAKS = "speaks"  # languages
    NOT_BLOCKED = "not_blocked"


class DetailCode(StrEnum):
    """How the closest team breaks the constraint family left out (values after each)."""

    BUDGET = "budget"  # cost, budget
    SECTORS = "sectors"  # counts: [[sector or None, count], ...]
    REGIONS = "regions"  # regions (None: unknown)
    ORG_CAP = "org_cap"
    CONFLICT = "conflict"
    LOCKED_OUT = "locked_out"  # names


class NoteCode(StrEnum):
    """What a run's caller should know."""

    WIDENED = "widened"
    EXACT_POOL = "exact_pool"  # qualify, keep
    FEW_ALTERNATIVES = "few_alternatives"  # found, reason ("distinct" or "time")
    NOT_PROVEN = "not_proven"


class InputCode(StrEnum):
    """Every refusal of bad input (values after each; the field is the error's own)."""

    NOT_A_NUMBER = "not_a_number"  # value
    NOT_FINITE = "not_finite"  # value
    TOO_SMALL = "too_small"  # minimum, value, strict
    NO_ROLES = "no_roles"
    NOT_A_ROLE = "not_a_role"
    DUPLICATE_ROLE = "duplicate_role"  # key
    SEATS = "seats"
    UNKNOWN_CAPABILITY = "unknown_capability"  # term
    LEVEL = "level"  # level
    UNKNOWN_REGION = "unknown_region"  # region, expected
    NOT_WEIGHTS = "not_weights"
    NO_POSITIVE_WEIGHT = "no_positive_weight"
    UNKNOWN_OBJECTIVE = "unknown_objective"  # name, expected
    SECTOR_PAIR = "sector_pair"
    SECTOR_MINIMUM = "sector_minimum"
    SECTOR_MAXIMUM = "sector_maximum"
    ORG_CAP = "org_cap"
    UNKNOWN_ACTOR = "unknown_actor"  # actor
    UNKNOWN_ROLE = "unknown_role"  # key
    LOCKED_AND_EXCLUDED = "locked_and_excluded"
    CONFLICT_PAIR = "conflict_pair"
    ALTERNATIVES = "alternatives"
    MODE = "mode"  # expected
    POOL = "pool"
    FAIRNESS_BUDGET = "fairness_budget"
    ACTOR_ID = "actor_id"  # value
    DUPLICATE_ACTOR = "duplicate_actor"  # actor


class Said(str):
    """Something the engine says: its English sentence (the ``str`` value, for logs, audits
    and callers that read text), a ``code`` and the ``values`` it was built from.

    >>> s = Said(NoteCode.WIDENED, "The search was widened.")
    >>> s == "The search was widened.", s.code.value, s.data()
    (True, 'widened', {'code': 'widened', 'values': {}})
    """

    __slots__ = ("code", "values")
    code: StrEnum
    values: Mapping[str, object]

    def __new__(cls, code: StrEnum, text: str, **values: object) -> Said:
        self = super().__new__(cls, text)
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "values", MappingProxyType(dict(values)))
        return self

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: cannot set {name}")

    def __reduce__(self) -> tuple[object, ...]:  # pickling (worker processes) keeps the code
        return (_rebuild, (type(self), self.code, str(self), dict(self.values)))

    def data(self) -> dict[str, object]:
        """The JSON-ready code and values (what a service stores to render later)."""
        return {"code": self.code.value, "values": dict(self.values)}


class Reason(Said):
    """A reason: its English sentence (the ``str`` value), ``code`` and ``values``.

    >>> r = Reason(ReasonCode.CAPACITY, "has 6 h/week free; the role needs 4", free=6.0, needs=4.0)
    >>> r == "has 6 h/week free; the role needs 4", r.code.value, r.values["needs"]
    (True, 'capacity', 4.0)
    """

    __slots__ = ()
    code: ReasonCode

    def __new__(cls, code: ReasonCode, text: str, **values: object) -> Reason:
        self = super().__new__(cls, code, text, **values)
        assert isinstance(self, Reason)
        return self


def _rebuild(cls: type[Said], code: StrEnum, text: str, values: dict[str, object]) -> Said:
    return cls(code, text, **values)


def english_join(parts: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def english_names(names: Sequence[str], limit: int = 3) -> str:
    """Up to ``limit`` names, then "and N more"."""
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    return ", ".join(names)
