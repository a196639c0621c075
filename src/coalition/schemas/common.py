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
)
from pydantic_core import core_schema

from .. import clock
from ..domain import (
    ActorKind,
    InitiativeKind,
    InitiativeStatus,
    InvitationStatus,
    PrivateField,
    Region,
    Sector,
    TieKind,
    Visibility,
)


class StrictModel(BaseModel):
    """Input model: unknown fields are refused and no type is coerced into another."""

    model_config = ConfigDict(strict=True, extra="forbid")


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


TimeZone = Annotated[str, AfterValidator(_timezone)]

_LANG = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")


def _language(value: str) -> str:
    if not _LANG.match(value):
        raise ValueError(f"'{value}' is not a language code such as en, fr or pt-BR")
    return value


Language = Annotated[str, AfterValidator(_language)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Tag = Annotated[str, Field(min_length=1, max_length=120)]
Level = Annotated[int, Field(ge=1, le=5)]
Hours = Annotated[float, Field(ge=0, le=168)]
Money = Annotated[float, Field(ge=0)]


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
