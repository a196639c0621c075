"""Shared field types for the input models."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, available_timezones

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field


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
    # Rows store naive timestamps in the server's local time; RFC 3339 (OpenAPI "date-time")
    # needs the offset, so output models attach it.
    return value if value.tzinfo is not None else value.astimezone()


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

SectorName = Literal[
    "business",
    "government",
    "civil_society",
    "education",
    "health",
    "funder",
    "community",
    "independent",
]
ActorKindName = Literal["person", "organisation"]
VisibilityName = Literal["public", "network", "convenors", "private"]
RegionName = Literal["americas", "emea", "apac"]
TieKindName = Literal[
    "collaborated",
    "funded",
    "referred",
    "shared_knowledge",
    "partnered",
    "member_of",
    "influenced",
    "mentored",
]
InitiativeKindName = Literal["project", "coalition"]
InitiativeStatusName = Literal["draft", "forming", "active", "completed", "closed"]
PrivateField = Literal["day_rate", "capacity", "contact", "declines"]
