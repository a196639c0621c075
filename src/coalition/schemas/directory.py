"""Input and output models of the directory: networks, vocabulary, actors, affiliations."""

from __future__ import annotations

from pydantic import Field

from ..domain import Visibility
from .common import (
    ActorKindName,
    Hours,
    IsoDate,
    Language,
    Level,
    Money,
    Name,
    OutModel,
    PrivateFieldName,
    RegionName,
    SectorName,
    StrictModel,
    Tag,
    TimeZone,
    VisibilityName,
)


class NetworkIn(StrictModel):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,78}$")
    name: Name
    description: str = ""
    attribution: str = ""
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
    category: str = ""
    description: str = ""
    esco_uri: str | None = Field(default=None, pattern=r"^https?://\S+$")


class CapabilityOut(OutModel):
    id: int
    term: str
    category: str
    description: str
    esco_uri: str | None


class ActorCapabilityIn(StrictModel):
    term: Name
    level: Level
    evidence: str = ""
    esco_uri: str | None = Field(default=None, pattern=r"^https?://\S+$")


class AffiliationIn(StrictModel):
    organisation_id: int
    role_title: str = ""
    representative: bool = False


class ActorIn(StrictModel):
    kind: ActorKindName
    name: Name
    sector: SectorName
    external_id: str | None = Field(default=None, min_length=1, max_length=120)
    headline: str = Field(default="", max_length=300)
    bio: str = ""
    timezone: TimeZone | None = None
    languages: list[Language] = []
    capacity_hours: Hours = 0.0
    day_rate: Money | None = None
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = Field(default=None, max_length=60)
    website: str | None = Field(default=None, pattern=r"^https?://\S+$")
    purpose_text: str = ""
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
    headline: str | None = Field(default=None, max_length=300)
    bio: str | None = None
    timezone: TimeZone | None = None
    languages: list[Language] | None = None
    capacity_hours: Hours | None = None
    day_rate: Money | None = None
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = Field(default=None, max_length=60)
    website: str | None = Field(default=None, pattern=r"^https?://\S+$")
    purpose_text: str | None = None
    purposes: list[Tag] | None = None
    capabilities: list[ActorCapabilityIn] | None = None
    affiliations: list[AffiliationIn] | None = None
    visibility: VisibilityName | None = None
    privacy: dict[PrivateFieldName, VisibilityName] | None = None


class ActorSearch(StrictModel):
    q: str | None = None
    capability: list[str] = []
    min_level: Level = 1
    purpose: str | None = None
    sector: SectorName | None = None
    kind: ActorKindName | None = None
    timezone: str | None = None
    region: RegionName | None = None
    language: str | None = None
    min_free_hours: Hours | None = None
    # Share of the onboarding checklist done, as far as the caller may see (services.onboarding).
    min_completeness: int | None = Field(default=None, ge=0, le=100)
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


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


class ActorPage(OutModel):
    total: int
    items: list[ActorOut]
