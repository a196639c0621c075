"""Input and output models of a network's settings, its public page and joining it."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from ..domain import (
    PROFILE_PRIVACY_DEFAULTS,
    JoinPolicy,
    NetworkVisibility,
    OnboardingStep,
    Visibility,
)
from .common import Id, Name, OutModel, StrictModel, Timestamp

# The vocabularies are declared in domain.py; a form sends their values as text.
VisibilityChoice = Annotated[NetworkVisibility, Field(strict=False)]
PolicyChoice = Annotated[JoinPolicy, Field(strict=False)]
Audience = Annotated[Visibility, Field(strict=False)]
LongText = Annotated[str, Field(max_length=5000)]


class NetworkSettingsPatch(StrictModel):
    """A partial update of a network's settings: only the fields sent are changed."""

    name: Name | None = None
    purpose: LongText | None = None
    description: LongText | None = None
    visibility: VisibilityChoice | None = None
    join_policy: PolicyChoice | None = None
    welcome_text: LongText | None = None
    default_privacy: dict[Annotated[str, Field(max_length=40)], Audience] | None = None

    @field_validator("default_privacy")
    @classmethod
    def _known_fields(cls, value: dict[str, Visibility] | None) -> dict[str, Visibility] | None:
        unknown = sorted(set(value or {}) - set(PROFILE_PRIVACY_DEFAULTS))
        if unknown:
            known = ", ".join(PROFILE_PRIVACY_DEFAULTS)
            raise ValueError(f"unknown profile field {', '.join(unknown)} (known: {known})")
        return value


class NetworkSettingsOut(OutModel):
    slug: str
    name: str
    purpose: str
    description: str
    visibility: NetworkVisibility
    join_policy: JoinPolicy
    welcome_text: str
    # Every profile field with the audience a new member starts with.
    default_privacy: dict[str, Visibility]
    logo_url: str | None


class NetworkCounts(OutModel):
    members: int
    actors: int
    organisations: int
    initiatives: int
    ties: int


class PublicInitiativeOut(OutModel):
    id: int
    title: str
    kind: str
    status: str
    purpose: str


class NetworkPublicOut(OutModel):
    """What anyone who may find the network sees of it (its public page)."""

    slug: str
    name: str
    purpose: str
    description: str
    visibility: NetworkVisibility
    join_policy: JoinPolicy
    logo_url: str | None
    counts: NetworkCounts
    initiatives: list[PublicInitiativeOut]
    # The caller's relation to it: "member", "pending" (a request waits), or "none".
    standing: str


class ChecklistStepOut(OutModel):
    key: OnboardingStep
    label: str
    done: bool
    link: str


class ChecklistOut(OutModel):
    """A member's first steps in a network, and how many are done (whole percent)."""

    network: str
    actor_id: int
    steps: list[ChecklistStepOut]
    completeness: int


class CapabilityPatch(StrictModel):
    """Rename or describe a vocabulary term: only the fields sent change."""

    term: Name | None = None
    category: Annotated[str, Field(max_length=80)] | None = None
    description: LongText | None = None
    esco_uri: Annotated[str, Field(pattern=r"^https?://\S+$", max_length=300)] | None = None


class MergeIn(StrictModel):
    into: Id


class MergeOut(OutModel):
    merged: str
    into: str
    actors_moved: int
    actors_raised: int
    requirements_moved: int
    # The record of this merge in the history (services.vocabulary.undo_merge undoes it).
    merge_id: int | None = None


class MergeRecordOut(OutModel):
    """One merge in the vocabulary's history: what it re-pointed, and whether it is undone."""

    id: int
    merged: str
    into: str
    actors: int
    requirements: int
    merged_at: Timestamp
    undone_at: Timestamp | None
    undoable: bool


class VocabularyTermOut(OutModel):
    id: int
    term: str
    category: str
    description: str
    esco_uri: str | None
    actors: int
    requirements: int
