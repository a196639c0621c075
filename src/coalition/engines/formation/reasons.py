"""Structured reasons: what the engine says about a member or a gap, as a code and its values.

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

__all__ = ["Reason", "ReasonCode", "english_join", "english_names"]


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


class Reason(str):
    """A reason: its English sentence (the ``str`` value), ``code`` and ``values``.

    >>> r = Reason(ReasonCode.CAPACITY, "has 6 h/week free; the role needs 4", free=6.0, needs=4.0)
    >>> r == "has 6 h/week free; the role needs 4", r.code.value, r.values["needs"]
    (True, 'capacity', 4.0)
    """

    __slots__ = ("code", "values")
    code: ReasonCode
    values: Mapping[str, object]

    def __new__(cls, code: ReasonCode, text: str, **values: object) -> Reason:
        self = super().__new__(cls, text)
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "values", MappingProxyType(dict(values)))
        return self

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Reason is frozen: cannot set {name}")

    def __reduce__(self) -> tuple[object, ...]:  # pickling (worker processes) keeps the code
        return (_rebuild, (self.code.value, str(self), dict(self.values)))

    def data(self) -> dict[str, object]:
        """The JSON-ready code and values (what a service stores to render later)."""
        return {"code": self.code.value, "values": dict(self.values)}


def _rebuild(code: str, text: str, values: dict[str, object]) -> Reason:
    return Reason(ReasonCode(code), text, **values)


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
