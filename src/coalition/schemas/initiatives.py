"""Input and output models of initiatives, roles and ties."""

from __future__ import annotations

from pydantic import Field, model_validator

from ..domain import InitiativeStatus
from .common import (
    Hours,
    Id,
    InitiativeKindName,
    InitiativeStatusName,
    IsoDate,
    Language,
    Level,
    Money,
    Name,
    OutModel,
    RegionName,
    SectorName,
    StrictModel,
    Tag,
    Text,
    TieKindName,
    Timestamp,
)


class RequirementIn(StrictModel):
    capability: Name
    min_level: Level = 1


class RoleIn(StrictModel):
    title: Name
    seats: int = Field(default=1, ge=1, le=50)
    hours_per_week: float = Field(default=4.0, gt=0, le=80)
    languages: list[Language] = []
    timezone_regions: list[RegionName] = []
    requirements: list[RequirementIn] = Field(min_length=1, max_length=50)


class SectorBounds(StrictModel):
    min: int = Field(default=0, ge=0, le=10_000)
    max: int | None = Field(default=None, ge=0, le=10_000)

    @model_validator(mode="after")
    def _ordered(self) -> SectorBounds:
        if self.max is not None and self.max < self.min:
            raise ValueError("max must be at least min")
        return self


class InitiativeIn(StrictModel):
    kind: InitiativeKindName
    title: Name
    purpose: Text = ""
    purpose_tags: list[Tag] = []
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    budget: Money | None = None
    status: InitiativeStatusName = InitiativeStatus.draft
    sector_mix: dict[SectorName, SectorBounds] = {}
    max_per_organisation: int | None = Field(default=None, ge=1, le=10_000)
    timezone_coverage: list[RegionName] = []
    convenor_id: Id | None = None
    roles: list[RoleIn] = Field(default=[], max_length=100)

    @model_validator(mode="after")
    def _window(self) -> InitiativeIn:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date must not be before start_date")
        return self


class InitiativePatch(StrictModel):
    title: Name | None = None
    purpose: Text | None = None
    purpose_tags: list[Tag] | None = None
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    budget: Money | None = None
    status: InitiativeStatusName | None = None
    sector_mix: dict[SectorName, SectorBounds] | None = None
    max_per_organisation: int | None = Field(default=None, ge=1, le=10_000)
    timezone_coverage: list[RegionName] | None = None


class RequirementOut(OutModel):
    capability: str
    min_level: int


class RoleOut(OutModel):
    id: int
    title: str
    seats: int
    hours_per_week: float
    languages: list[str]
    timezone_regions: list[str]
    requirements: list[RequirementOut]
    open_call: bool = False
    retired: bool = False


class MemberOut(OutModel):
    actor_id: int
    name: str
    role_id: int | None
    hours_per_week: float
    status: str


class InitiativeOut(OutModel):
    id: int
    network: str
    kind: str
    title: str
    purpose: str
    purpose_tags: list[str]
    start_date: IsoDate | None
    end_date: IsoDate | None
    budget: float | None
    status: str
    sector_mix: dict[str, SectorBounds]
    max_per_organisation: int | None
    timezone_coverage: list[str]
    convenor_id: int | None
    roles: list[RoleOut]
    members: list[MemberOut]


class RoleSupplyOut(OutModel):
    """How many profiles the caller can see meet a role's capability minimums."""

    title: str
    seats: int
    eligible: int


class InitiativePreviewOut(OutModel):
    """An initiative checked as if it were saved (nothing is written): its roles' supply."""

    title: str
    kind: str
    roles: list[RoleSupplyOut]


class PublicationOut(OutModel):
    """Whether an initiative's team (or coalition) page is public, and since when."""

    initiative_id: int
    published: bool
    published_at: Timestamp | None
    url: str


class TieIn(StrictModel):
    source_id: Id
    target_id: Id
    kind: TieKindName
    weight: float = Field(default=1.0, gt=0, le=1000)
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    note: Text = ""

    @model_validator(mode="after")
    def _valid(self) -> TieIn:
        if self.source_id == self.target_id:
            raise ValueError("a tie joins two different actors")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date must not be before start_date")
        return self


class TieOut(OutModel):
    id: int
    source_id: Id
    target_id: Id
    kind: str
    weight: float
    start_date: IsoDate | None
    end_date: IsoDate | None
    note: str
    origin: str


__all__ = [
    "Hours",
    "InitiativeIn",
    "InitiativeOut",
    "InitiativePatch",
    "InitiativePreviewOut",
    "PublicationOut",
    "RoleSupplyOut",
    "RoleIn",
    "RoleOut",
    "TieIn",
    "TieOut",
]
