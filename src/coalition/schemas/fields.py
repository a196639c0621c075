"""Custom profile fields: what stewards define (ProfileFieldIn) and what members fill in."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from ..domain import Visibility
from .common import (
    TEXT_MAX,
    FieldKindName,
    OutModel,
    StrictModel,
    Text,
    VisibilityName,
)

#: A field's key: how the API, the CLI and the directory's filter (``field.<key>=…``) name it.
FieldKey = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]
FieldLabel = Annotated[str, Field(min_length=1, max_length=120)]
#: One choice of a choice field: no "|" (the separator of multi-choice values in exports).
Choice = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[^|\s]([^|]*[^|\s])?$")]
#: The largest number a number field holds (exact in every database).
NUMBER_MAX = 1e12
FieldNumber = Annotated[float, Field(ge=-NUMBER_MAX, le=NUMBER_MAX, allow_inf_nan=False)]
#: A value as it is sent: text (text, choice, date, URL), a number, yes/no, several choices;
#: null clears it. Checked against the field's kind by services.profile_fields.
FieldInput = (
    Annotated[str, Field(max_length=TEXT_MAX)]
    | FieldNumber
    | bool
    | Annotated[list[Annotated[str, Field(max_length=60)]], Field(max_length=50)]
    | None
)


class ProfileFieldIn(StrictModel):
    key: FieldKey
    label: FieldLabel
    kind: FieldKindName
    choices: list[Choice] = Field(default=[], max_length=50)
    help: Text = ""
    default_visibility: VisibilityName = Visibility.network


class ProfileFieldPatch(StrictModel):
    label: FieldLabel | None = None
    choices: list[Choice] | None = Field(default=None, max_length=50)
    help: Text | None = None
    default_visibility: VisibilityName | None = None


class FieldValuesIn(StrictModel):
    """A member's values (by key; null clears one) and who may see each (by key)."""

    values: dict[FieldKey, FieldInput] = Field(default={}, max_length=50)
    visibility: dict[FieldKey, VisibilityName] = Field(default={}, max_length=50)


class ProfileFieldOut(OutModel):
    id: int
    key: str
    label: str
    kind: str
    choices: list[str]
    help: str
    default_visibility: str
    position: int


class FieldValueOut(OutModel):
    """A value as one caller may see it; ``visibility`` only for who may edit it."""

    key: str
    label: str
    kind: str
    value: Any
    text: str
    visibility: str | None = None
