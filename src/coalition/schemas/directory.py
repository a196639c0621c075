"""Input and output models of the directory: networks, vocabulary, actors, affiliations."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ..domain import Visibility
from .common import (
    MAX_COUNT,
    ActorKindName,
    EmailText,
    Hours,
    Id,
    IsoDate,
    Language,
    Level,
    Line,
    Money,
    Name,
    OutModel,
    PrivateFieldName,
    RegionName,
    SectorName,
    StrictModel,
    Tag,
    Text,
    TimeZone,
    Url,
    VisibilityName,
)
from .fields import FieldKey, FieldValueOut


class NetworkIn(StrictModel):
    slug: str = Field(max_length=80, pattern=r"^[a-z0-9][a-z0-9-]{1,78}$")
    name: Name
    description: Text = ""
    attribution: Text = ""
    # The default weight of fairness in proposals; None: the platform's default.
    fairness_weight: float | None = Field(default=None, ge=0, le=100, allow_inf_nan=False)


class NetworkOut(OutModel):
    id: int
    slug: str
    name: str
    description: str
    attribution: str


class CapabilityIn(StrictModel):
    term: Name
    category: Name | Literal[""] = ""
    description: Text = ""
    esco_uri: Url | None = None


class CapabilityOut(OutModel):
    id: int
    term: str
    category: str
    description: str
    esco_uri: str | None


class ActorCapabilityIn(StrictModel):
    term: Name
    level: Level
    evidence: Text = ""
    esco_uri: Url | None = None


class AffiliationIn(StrictModel):
    organisation_id: Id
    role_title: Line = ""
    representative: bool = False


class ActorIn(StrictModel):
    kind: ActorKindName
    name: Name
    sector: SectorName
    external_id: str | None = Field(default=None, min_length=1, max_length=120)
    headline: Line = ""
    bio: Text = ""
    timezone: TimeZone | None = None
    languages: list[Language] = []
    capacity_hours: Hours = 0.0
    day_rate: Money | None = None
    email: EmailText | None = None
    phone: str | None = Field(default=None, max_length=60)
    website: Url | None = None
    purpose_text: Text = ""
    purposes: list[Tag] = []
    capabilities: list[ActorCapabilityIn] = []
    affiliations: list[AffiliationIn] = []
    visibility: VisibilityName = Visibility.network
    privacy: dict[PrivateFieldName, VisibilityName] = {}
    joined_on: IsoDate | None = None


class ActorPatch(StrictModel):
    """A partial update: only the fields sent are changed."""

    name: Name | None = None
    sector: SectorName | None = None
    headline: Line | None = None
    bio: Text | None = None
    timezone: TimeZone | None = None
    languages: list[Language] | None = None
    capacity_hours: Hours | None = None
    day_rate: Money | None = None
    email: EmailText | None = None
    phone: str | None = Field(default=None, max_length=60)
    website: Url | None = None
    purpose_text: Text | None = None
    purposes: list[Tag] | None = None
    capabilities: list[ActorCapabilityIn] | None = None
    affiliations: list[AffiliationIn] | None = None
    visibility: VisibilityName | None = None
    privacy: dict[PrivateFieldName, VisibilityName] | None = None


class ActorSearch(StrictModel):
    q: Line | None = None
    capability: list[Name] = Field(default=[], max_length=20)
    min_level: Level = 1
    purpose: Tag | None = None
    sector: SectorName | None = None
    kind: ActorKindName | None = None
    timezone: Annotated[str, Field(max_length=64)] | None = None
    region: RegionName | None = None
    language: Annotated[str, Field(max_length=16)] | None = None
    min_free_hours: Hours | None = None
    # Share of the onboarding checklist done, as far as the caller may see (services.onboarding).
    min_completeness: int | None = Field(default=None, ge=0, le=100)
    # Custom profile fields (services.profile_fields): ``field.<key>=value`` in a query string.
    fields: dict[FieldKey, Line] = Field(default={}, max_length=10)
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=MAX_COUNT)


class CapabilityLevelOut(OutModel):
    term: str
    level: int
    evidence: str
    esco_uri: str | None


class AffiliationOut(OutModel):
    organisation_id: int
    organisation_name: str
    role_title: str
    representative: bool


class ActorOut(OutModel):
    """An actor as one caller may see it: hidden fields are None and named in ``hidden``."""

    id: int
    network: str
    kind: str
    name: str
    sector: str
    external_id: str | None
    headline: str
    bio: str
    timezone: str | None
    region: str | None
    languages: list[str]
    purpose_text: str
    purposes: list[str]
    capabilities: list[CapabilityLevelOut]
    affiliations: list[AffiliationOut]
    visibility: str
    capacity_hours: float | None
    free_hours: float | None
    day_rate: float | None
    email: str | None
    phone: str | None
    website: str | None
    hidden: list[str]
    # The network's custom fields the caller may see (a kept value is named in ``hidden``).
    fields: list[FieldValueOut] = []


class ActorPage(OutModel):
    """One page of a directory search. Counting stops a fixed number of matches past the
    page's start (``services.directory.COUNT_CAP``): past it, ``total`` is that bound and
    ``total_capped`` says there are more."""

    total: int
    items: list[ActorOut]
    total_capped: bool = False
