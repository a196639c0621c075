"""Custom profile fields (named by their key) and members' values of them (by actor ref and
field key). A share holds only values their member made public, and none of a private
profile."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field as Spec
from sqlalchemy import select

from ...errors import Invalid
from ...schemas.common import FieldKindName, VisibilityName
from ...services.profile_fields import coerce, number_of, search_text
from ...store.tables import Actor
from ...store.tables_fields import ProfileField, ProfileFieldValue
from .core import Checking, Section, Text, Unique, computed, copied, ref, val

PROFILE_FIELDS = Section(
    "profile_fields",
    ProfileField,
    (
        val("key", Annotated[str, Spec(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]),
        val("label", Annotated[str, Spec(min_length=1, max_length=120)]),
        val("kind", FieldKindName),
        copied(
            "choices",
            Annotated[list[Annotated[str, Spec(max_length=60)]], Spec(default_factory=list)],
        ),
        val("help", Text),
        val("default_visibility", Annotated[VisibilityName, Spec(default="network")]),
        val("position", Annotated[int, Spec(default=0, ge=0)]),
    ),
    key="key",
    missing="no profile field '{value}'",
    order_by=("position", "id"),
    unique=(Unique(("key",), "duplicate field key {key}", at="key"),),
)


def _fits(row: Any, ctx: Checking) -> list[tuple[str, str]]:
    """A value is of its field's type (and among its choices)."""
    fields = ctx.memo.get("profile_fields")
    if fields is None:
        fields = ctx.memo["profile_fields"] = {
            f["key"]: (str(f["kind"]), f["choices"]) for f in ctx.parsed["profile_fields"]
        }
    if row["field"] not in fields:
        return []  # the reference is reported
    kind, choices = fields[row["field"]]
    try:
        if coerce(kind, choices, row["value"]) != row["value"]:
            return [("value", f"is not a {kind} value as stored")]
    except Invalid as exc:
        return [("value", exc.message)]
    return []


FieldValue = (
    Annotated[str, Spec(max_length=1000)]
    | float
    | bool
    | Annotated[list[Annotated[str, Spec(max_length=60)]], Spec(max_length=50)]
)

PROFILE_FIELD_VALUES = Section(
    "profile_field_values",
    ProfileFieldValue,
    (
        ref("actor", "actors", "actor_id"),
        ref("field", "profile_fields", "field_id", type=str),
        val("value", FieldValue),
        computed("search", lambda r: search_text(r["value"])[:2000]),
        computed("number", lambda r: number_of(r["value"])),
        val("visibility", Annotated[VisibilityName, Spec(default="network")]),
    ),
    scope=lambda net: ProfileFieldValue.actor_id.in_(
        select(Actor.id).where(Actor.network_id == net)
    ),
    order_by=("actor_id", "field_id"),
    # A share: only the values their member made public, none of a private profile.
    share_where=lambda: ProfileFieldValue.visibility == "public",
    share_keep=lambda r, ctx: r["actor_id"] not in ctx.hidden,
    unique=(Unique(("actor", "field"), "a second value of field {field} for actor {actor}"),),
    rules=(_fits,),
)

FIELDS = (PROFILE_FIELDS, PROFILE_FIELD_VALUES)
