"""Input and output models of the directory: networks, vocabulary, actors, affiliations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from ..domain import Visibility
from ..i18n import lazy
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
    """The directory's filters, declared once. The services take this strict model; the JSON
    API and the directory page read it from a query string as ``ActorQuery``, and the CLI's
    ``actors search`` has one option per name of ``FILTERS`` with its description as help (each
    marked with ``lazy``: the CLI shows it in the reader's language)."""

    q: Line | None = Field(default=None, description=lazy("Name or headline contains this text."))
    capability: list[Name] = Field(
        default=[],
        max_length=20,
        description=lazy("Has this capability (repeatable: all of them)."),
    )
    min_level: Level = Field(default=1, description=lazy("Capability level, at least (1 to 5)."))
    purpose: Tag | None = Field(default=None, description=lazy("Has this purpose tag."))
    sector: SectorName | None = Field(default=None, description=lazy("In this sector."))
    kind: ActorKindName | None = Field(
        default=None, description=lazy("A person or an organisation.")
    )
    timezone: Annotated[str, Field(max_length=64)] | None = Field(
        default=None, description=lazy("In this time zone (e.g. Europe/Paris).")
    )
    region: RegionName | None = Field(default=None, description=lazy("In this region."))
    language: Annotated[str, Field(max_length=16)] | None = Field(
        default=None, description=lazy("Speaks this language (a code, e.g. fr).")
    )
    min_free_hours: Hours | None = Field(
        default=None, description=lazy("Free hours per week, at least.")
    )
    # Share of the onboarding checklist done, as far as the caller may see (services.onboarding).
    min_completeness: int | None = Field(
        default=None,
        ge=0,
        le=100,
        description=lazy("Onboarding checklist done, at least (percent)."),
    )
    # Custom profile fields (services.profile_fields): ``field.<key>=value`` in a query string.
    fields: dict[FieldKey, Line] = Field(
        default={},
        max_length=10,
        description=lazy("Custom profile fields, each as field.<key>=value."),
    )
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=MAX_COUNT)


#: The filters a person sets (the page's form, the CLI's options); the rest is paging and the
#: custom fields, given as ``field.<key>=value``.
FILTERS: tuple[str, ...] = tuple(
    name for name in ActorSearch.model_fields if name not in {"fields", "limit", "offset"}
)
#: The filters that take several values.
LIST_FILTERS = frozenset(
    name for name in FILTERS if ActorSearch.model_fields[name].annotation == list[Name]
)
CUSTOM_PREFIX = "field."


def _given(value: Any) -> bool:
    return not (value is None or (isinstance(value, str | list) and not value))


class ActorQuery(ActorSearch):
    """An ``ActorSearch`` read from text (a query string, the command line): numbers are
    parsed, a value left empty means "any", one value of a list filter is a list of one, each
    ``field.<key>=value`` is a custom-field filter, and other names are ignored.

    >>> query = ActorQuery.model_validate(
    ...     {"min_level": "3", "sector": " ", "capability": "Facilitation", "field.ward": "North"}
    ... )
    >>> query.min_level, query.sector, query.capability, query.fields
    (3, None, ['Facilitation'], {'ward': 'North'})
    """

    model_config = ConfigDict(strict=False, extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        given: dict[str, Any] = {}
        custom: dict[str, Any] = dict(data.get("fields") or {})
        for name, raw in data.items():
            value = raw.strip() if isinstance(raw, str) else raw
            if isinstance(value, list):
                value = [v.strip() if isinstance(v, str) else v for v in value if v != ""]
            if not _given(value) or name == "fields":
                continue
            if name.startswith(CUSTOM_PREFIX):
                custom[name.removeprefix(CUSTOM_PREFIX)] = value
            elif name in LIST_FILTERS and not isinstance(value, list):
                given[name] = [value]
            else:
                given[name] = value
        return given | ({"fields": custom} if custom else {})


if TYPE_CHECKING:  # what the generated class below is, for the type checker

    class DirectoryForm(BaseModel):
        def __getattr__(self, name: str) -> str: ...

else:
    DirectoryForm = create_model(
        "DirectoryForm",
        __doc__='The directory page\'s filters as typed ("" when left empty), kept to fill the '
        "form in again; ``ActorQuery`` reads them.",
        **{name: (str, "") for name in FILTERS},
    )


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
