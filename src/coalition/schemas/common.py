"""Shared field types for the input models."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo, available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    field_validator,
)
from pydantic_core import core_schema

from .. import clock
from ..domain import (
    ActorKind,
    FieldKind,
    InitiativeKind,
    InitiativeStatus,
    InvitationStatus,
    PrivateField,
    Region,
    Sector,
    TieKind,
    Visibility,
)

# ---------------------------------------------------------------- limits of input, declared once

#: The largest row id: PostgreSQL's ``integer``. Ids beyond it cannot exist, so they are refused
#: at the edge (422) instead of reaching the driver (which fails on anything over 2**63 on
#: SQLite and 2**31 on PostgreSQL).
MAX_ID = 2**31 - 1
#: Largest counts, offsets and seeds accepted from a client.
MAX_COUNT = 2**31 - 1
#: Text sizes, in characters: names and titles, tags, one-line fields (headline, unit, source),
#: free text (bio, purpose, description, notes, statements, messages) and the ceiling no string
#: of any input may pass, whatever its field.
NAME_MAX = 200
TAG_MAX = 120
LINE_MAX = 300
TEXT_MAX = 5_000
LONG_TEXT_MAX = 20_000
#: Largest money amount (day rate, budget): far beyond any real one, exact in every database.
MONEY_MAX = 1e12

#: Characters refused in every string input: C0 controls but tab, line feed and carriage
#: return; DEL; C1 controls; lone surrogates (from JSON ``\ud800`` escapes). NUL breaks
#: PostgreSQL and, stored on SQLite, every XML export of the map; the others are never text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def control_problem(value: str) -> str | None:
    """Why ``value`` cannot be accepted as text (a control character), or None when it can."""
    found = _CONTROL.search(value)
    if found is None:
        return None
    return f"must not contain control characters (found U+{ord(found.group()):04X})"


def plain_text(value: str) -> str:
    """Validator of every string input: refuses control characters (see ``_CONTROL``)."""
    problem = control_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _check_strings(value: Any) -> None:
    if isinstance(value, str):
        plain_text(value)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _check_strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key)
            _check_strings(item)


class StrictModel(BaseModel):
    """Input model: unknown fields are refused and no type is coerced into another.

    Every string in it, at any depth, is refused when it holds a control character; every
    field declares its own size limit (tests/security/test_security_input.py checks that each
    does); numbers must be finite.
    """

    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _plain_strings(cls, value: Any) -> Any:
        if value.__class__ is str:  # the common case, kept cheap: it runs for every field
            if _CONTROL.search(value) is not None:
                plain_text(value)
        elif isinstance(value, list | tuple | set | frozenset | dict):
            _check_strings(value)
        return value


class OutModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def _iso_date(value: Any) -> Any:
    # Dates arrive as ISO strings in JSON; anything else but a date is refused.
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError("must be a date written YYYY-MM-DD") from exc
    if isinstance(value, date):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


def _aware(value: datetime) -> datetime:
    # Rows store timestamps in UTC without a zone (see coalition.clock); RFC 3339 (OpenAPI
    # "date-time") needs the offset, so output models attach it.
    return value if value.tzinfo is not None else clock.aware(value)


Timestamp = Annotated[datetime, AfterValidator(_aware)]

_ZONES: frozenset[str] | None = None


def _timezone(value: str) -> str:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones()) | {"UTC"}
    if value not in _ZONES:
        raise ValueError(f"'{value}' is not an IANA time zone such as Europe/Paris")
    ZoneInfo(value)
    return value


TimeZone = Annotated[str, Field(max_length=64), AfterValidator(_timezone)]

_LANG = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")


def _language(value: str) -> str:
    if not _LANG.match(value):
        raise ValueError(f"'{value}' is not a language code such as en, fr or pt-BR")
    return value


Language = Annotated[str, Field(max_length=16), AfterValidator(_language)]
Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX)]
Tag = Annotated[str, Field(min_length=1, max_length=TAG_MAX)]
#: One line of text (a headline, a role title at most this long).
Line = Annotated[str, Field(max_length=LINE_MAX)]
#: Free text: a bio, a purpose, a description, a note, a message.
Text = Annotated[str, Field(max_length=TEXT_MAX)]
Level = Annotated[int, Field(ge=1, le=5)]
Hours = Annotated[float, Field(ge=0, le=168, allow_inf_nan=False)]
Money = Annotated[float, Field(ge=0, le=MONEY_MAX, allow_inf_nan=False)]
#: A web address and an e-mail address as a profile shows them.
Url = Annotated[str, Field(max_length=LINE_MAX, pattern=r"^https?://\S+$")]
EmailText = Annotated[str, Field(max_length=NAME_MAX, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
#: A row id in a JSON body.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class _OneOf:
    """Validates like a ``Literal`` of the enum's values (same errors, same JSON schema) and
    gives the enum member, so each vocabulary is spelled once, in domain.py."""

    def __get_pydantic_core_schema__(
        self, source: type[StrEnum], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        values = core_schema.literal_schema([member.value for member in source])
        return core_schema.no_info_after_validator_function(source, values)


SectorName = Annotated[Sector, _OneOf()]
ActorKindName = Annotated[ActorKind, _OneOf()]
VisibilityName = Annotated[Visibility, _OneOf()]
RegionName = Annotated[Region, _OneOf()]
TieKindName = Annotated[TieKind, _OneOf()]
InitiativeKindName = Annotated[InitiativeKind, _OneOf()]
InitiativeStatusName = Annotated[InitiativeStatus, _OneOf()]
InvitationStatusName = Annotated[InvitationStatus, _OneOf()]
PrivateFieldName = Annotated[PrivateField, _OneOf()]
FieldKindName = Annotated[FieldKind, _OneOf()]
