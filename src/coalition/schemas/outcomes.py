"""Input and output models of outcomes, contributions, the knowledge commons, health checks
and fairness of opportunity."""

from __future__ import annotations

import base64
import binascii
from datetime import date
from functools import lru_cache
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, Field, model_validator

from ..i18n import lazy
from .common import IsoDate, OutModel, StrictModel, Timestamp

DirectionName = Literal["increase", "decrease"]
ContributionKindName = Literal[
    "time", "knowledge", "money", "in_kind", "introductions", "facilitation"
]
ContributionStatusName = Literal["recorded", "confirmed"]
TrajectoryStatusName = Literal["on_track", "at_risk", "off_track", "no_data"]
BlockName = Literal[
    "shared_purpose",
    "trust",
    "communication",
    "fair_value",
    "decision_making",
    "accountability",
    "learning",
]
ExportName = Literal["outcomes", "measurements", "contributions", "assets", "health"]

#: The standard building blocks of a partnership health check, in the order they are shown.
BLOCKS: tuple[BlockName, ...] = get_args(BlockName)
BLOCK_LABELS: dict[str, str] = {
    "shared_purpose": lazy("Shared purpose"),
    "trust": lazy("Trust"),
    "communication": lazy("Communication"),
    "fair_value": lazy("Fair value"),
    "decision_making": lazy("Decision-making"),
    "accountability": lazy("Accountability"),
    "learning": lazy("Learning"),
}
CONTRIBUTION_KINDS: tuple[ContributionKindName, ...] = (
    "time",
    "knowledge",
    "money",
    "in_kind",
    "introductions",
    "facilitation",
)
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


def _no_control(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


#: Free text; NUL is refused because PostgreSQL cannot store it.
Text = Annotated[str, Field(max_length=20_000), AfterValidator(_no_control)]
Unit = Annotated[str, Field(min_length=1, max_length=60), AfterValidator(_no_control)]
Label = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_no_control)]
#: Measured values: finite and within a range every database stores exactly enough.
Quantity = Annotated[float, Field(ge=-1e12, le=1e12, allow_inf_nan=False)]
#: A row id (PostgreSQL's integer).
RowId = Annotated[int, Field(ge=1, le=2_147_483_647)]


@lru_cache(maxsize=1)
def _licensing() -> Any:
    # Building the SPDX symbol table takes ~0.1 s: once per process.
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


def spdx_licence(value: str) -> str:
    """An SPDX licence expression (e.g. ``CC-BY-4.0``, ``MIT OR Apache-2.0``), normalised.

    Every licence key must be on the SPDX list (checked with the ``license-expression``
    package, which carries it); anything else is refused with the unknown key named.
    """
    text = value.strip()
    if not text:
        raise ValueError("a licence is needed: an SPDX identifier such as CC-BY-4.0")
    try:
        info = _licensing().validate(text)
    except Exception:  # the parser raises odd types on broken syntax
        raise ValueError(
            f"'{text}' is not an SPDX licence identifier or expression (e.g. CC-BY-4.0)"
        ) from None
    if info.errors or not info.normalized_expression:
        unknown = ", ".join(info.invalid_symbols) or text
        raise ValueError(
            f"'{unknown}' is not an SPDX licence identifier (e.g. CC-BY-4.0, CC-BY-SA-4.0, MIT)"
        )
    return str(info.normalized_expression)


SpdxLicence = Annotated[str, Field(max_length=200), AfterValidator(spdx_licence)]


# ---------------------------------------------------------------- outcomes


class OutcomeIn(StrictModel):
    name: Label
    description: Text = ""
    unit: Unit
    baseline: Quantity
    baseline_date: IsoDate
    target: Quantity
    direction: DirectionName
    due_date: IsoDate

    @model_validator(mode="after")
    def _consistent(self) -> OutcomeIn:
        if self.due_date <= self.baseline_date:
            raise ValueError("due_date must come after baseline_date")
        if self.direction == "increase" and not self.target > self.baseline:
            raise ValueError("to increase, the target must be above the baseline")
        if self.direction == "decrease" and not self.target < self.baseline:
            raise ValueError("to decrease, the target must be below the baseline")
        return self


class MeasurementIn(StrictModel):
    value: Quantity
    unit: Unit
    measured_on: IsoDate
    source: Annotated[str, Field(max_length=300), AfterValidator(_no_control)] = ""
    note: Text = ""


class MeasurementOut(OutModel):
    id: int
    measured_on: IsoDate
    value: float
    source: str
    note: str
    expected_value: float
    expected_ratio: float
    progress_ratio: float
    performance: float | None
    status: TrajectoryStatusName


class OutcomeOut(OutModel):
    id: int
    initiative_id: int
    name: str
    description: str
    unit: str
    baseline: float
    baseline_date: IsoDate
    target: float
    direction: DirectionName
    due_date: IsoDate
    status: TrajectoryStatusName
    latest: MeasurementOut | None
    measurements: list[MeasurementOut]


# ---------------------------------------------------------------- contributions


class ContributionIn(StrictModel):
    contributor_id: RowId
    kind: ContributionKindName
    amount: float = Field(gt=0, le=1e12, allow_inf_nan=False)
    unit: Unit
    description: Text = ""
    contributed_on: IsoDate


class ConfirmIn(StrictModel):
    confirmer_id: RowId


class ContributionOut(OutModel):
    id: int
    initiative_id: int
    initiative_title: str
    contributor_id: int
    contributor_name: str | None
    kind: ContributionKindName
    amount: float
    unit: str
    description: str
    contributed_on: IsoDate
    status: ContributionStatusName
    confirmed_by_id: int | None
    confirmed_by_name: str | None
    confirmed_at: Timestamp | None
    tie_id: int | None


# ---------------------------------------------------------------- knowledge commons


class AssetFileIn(StrictModel):
    name: str = Field(min_length=1, max_length=200, pattern=r"^[^/\\\x00]+$")
    media_type: str = Field(
        default="application/octet-stream", pattern=r"^[\w.+-]+/[\w.+-]+$", max_length=100
    )
    # Base64 of MAX_UPLOAD_BYTES, rounded up: larger cannot decode to an accepted file.
    content_base64: str = Field(max_length=(MAX_UPLOAD_BYTES // 3 + 1) * 4 + 16)

    def content(self) -> bytes:
        return base64.b64decode(self.content_base64, validate=True)

    @model_validator(mode="after")
    def _small(self) -> AssetFileIn:
        try:
            size = len(self.content())
        except (binascii.Error, ValueError):
            raise ValueError("content_base64 is not valid base64") from None
        if size == 0:
            raise ValueError("the file is empty")
        if size > MAX_UPLOAD_BYTES:
            raise ValueError(
                f"the file is {size:,} bytes; uploads are kept in the database up to 2 MB "
                "(share a link for larger files)"
            )
        return self


class AssetIn(StrictModel):
    title: Label
    description: Text = ""
    link: str | None = Field(default=None, pattern=r"^https?://\S+$", max_length=500)
    file: AssetFileIn | None = None
    licence: SpdxLicence
    authors: list[RowId] = Field(min_length=1, max_length=50)
    shared_by_id: RowId | None = None
    shared_on: IsoDate | None = None

    @model_validator(mode="after")
    def _link_or_file(self) -> AssetIn:
        if self.link is None and self.file is None:
            raise ValueError("an asset needs a link or an uploaded file")
        if len(set(self.authors)) != len(self.authors):
            raise ValueError("each author once")
        return self


class AuthorOut(OutModel):
    actor_id: int
    name: str | None


class ReuseIn(StrictModel):
    initiative_id: RowId
    reused_on: IsoDate | None = None
    note: Text = ""
    recorded_by_id: RowId | None = None


class ReuseOut(OutModel):
    id: int
    asset_id: int
    asset_title: str
    initiative_id: int
    initiative_title: str
    reused_on: IsoDate
    note: str
    recorded_by_id: int | None
    authors: list[AuthorOut]


class AssetOut(OutModel):
    id: int
    network: str
    title: str
    description: str
    link: str | None
    file_name: str | None
    media_type: str | None
    size_bytes: int
    download_url: str | None
    licence: str
    authors: list[AuthorOut]
    shared_by_id: int | None
    shared_on: IsoDate
    reuses: list[ReuseOut]


class AssetCreditOut(OutModel):
    asset_id: int
    title: str
    licence: str
    reuse_count: int


class CreditsOut(OutModel):
    actor_id: int
    name: str
    total_reuses: int
    assets: list[AssetCreditOut]
    reuses: list[ReuseOut]


# ---------------------------------------------------------------- health checks


class HealthCheckIn(StrictModel):
    held_on: IsoDate
    label: Annotated[str, Field(max_length=120), AfterValidator(_no_control)] = ""


class RatingsIn(StrictModel):
    actor_id: RowId
    ratings: dict[BlockName, Annotated[int, Field(ge=1, le=5)]] = Field(min_length=1)


class BlockSpreadOut(OutModel):
    block: BlockName
    label: str
    n: int
    mean: float | None
    sd: float | None
    minimum: int | None
    maximum: int | None
    range: int | None


class HealthCheckOut(OutModel):
    id: int
    initiative_id: int
    held_on: IsoDate
    label: str
    respondents: int
    members: int
    blocks: list[BlockSpreadOut]
    my_ratings: dict[str, int]


class HealthOverviewOut(OutModel):
    initiative_id: int
    blocks: list[BlockName]
    checks: list[HealthCheckOut]


# ---------------------------------------------------------------- fairness


class FairnessGroupOut(OutModel):
    dimension: Literal["sector", "region", "tenure"]
    group: str
    actors: int
    invited: int | None
    engaged: int
    invitations: int | None
    engagements: int
    share_invited: float | None
    share_engaged: float
    engagements_per_actor: float
    gini_opportunity: float = 0.0


class FairnessWeightIn(StrictModel):
    """The network's default weight of fairness in formation (0 turns it off by default)."""

    weight: float = Field(ge=0, le=100, allow_inf_nan=False)


class FairnessWeightOut(OutModel):
    network: str
    weight: float
    default: bool


class GiniPointOut(OutModel):
    on: date
    gini: float


class UnderRecognisedOut(OutModel):
    actor_id: int
    name: str
    sector: str
    newcomer: bool | None
    contribution: int
    recognition: int


class FairnessOut(OutModel):
    network: str
    on: date
    actors: int
    invitations_counted: bool
    gini_engagements: float
    gini_invitations: float | None
    gini_opportunity: float
    lorenz: list[tuple[float, float]]
    groups: list[FairnessGroupOut]
    under_recognised: list[UnderRecognisedOut]
    over_time: list[GiniPointOut] = []
    weight: float = 0.3


__all__ = [
    "BLOCKS",
    "AssetIn",
    "AssetOut",
    "ConfirmIn",
    "ContributionIn",
    "ContributionOut",
    "CreditsOut",
    "FairnessOut",
    "FairnessWeightIn",
    "FairnessWeightOut",
    "HealthCheckIn",
    "HealthCheckOut",
    "HealthOverviewOut",
    "MeasurementIn",
    "OutcomeIn",
    "OutcomeOut",
    "RatingsIn",
    "ReuseIn",
    "spdx_licence",
]
