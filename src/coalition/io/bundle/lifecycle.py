"""An initiative's history, re-confirmations of changed hours, and members' offers.

All three are only in a full backup (a share leaves them out: an offer, its note and a
re-confirmation are between one member and a convenor; the history names who changed what).
A re-confirmation's role is its engagement's role (what pages and the API show), so its own
``role_id`` (the role as it was asked) is not carried.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import Field as Spec
from pydantic import NaiveDatetime

from ...store.tables_lifecycle import InitiativeChange, Offer, Reconfirmation
from .core import Checking, Section, created, day, ref, val

Hours = Annotated[float, Spec(gt=0, le=168, allow_inf_nan=False)]
When = Annotated[NaiveDatetime | None, Spec(default=None)]
OfferStatusName = Literal["pending", "accepted", "declined", "withdrawn"]
ReconfirmationStatusName = Literal["pending", "confirmed", "stepped_back", "superseded"]
Who = Annotated[str, Spec(min_length=1, max_length=20)]


def _offer_rules(x: Any, ctx: Checking) -> Iterator[tuple[str, str]]:
    engagements = ctx.parsed["engagements"]
    e = x["engagement"]
    if e is not None and 0 <= e < len(engagements):
        if engagements[e]["initiative"] != x["initiative"]:
            yield "engagement", "is an engagement of another initiative"
        if engagements[e]["actor"] != x["actor"]:
            yield "engagement", "is another actor's engagement"
    if x["status"] == "accepted" and e is None:
        yield "engagement", "an accepted offer has its engagement"


OFFERS = Section(
    "offers",
    Offer,
    (
        ref("initiative", "initiatives", "initiative_id"),
        ref("role", "roles", "role_id", optional=True, by="initiative"),
        ref("actor", "actors", "actor_id"),
        val("hours_per_week", Hours),
        val("note", Annotated[str, Spec(default="", max_length=1_000)]),
        val("status", OfferStatusName),
        created(),
        day("answered_at", When),
        ref("engagement", "engagements", "engagement_id", optional=True),
    ),
    private=True,
    rules=(_offer_rules,),
)
INITIATIVE_CHANGES = Section(
    "initiative_changes",
    InitiativeChange,
    (
        ref("initiative", "initiatives", "initiative_id"),
        ref("role", "roles", "role_id", optional=True, by="initiative"),
        val("field", Annotated[str, Spec(min_length=1, max_length=40)]),
        val("before", Annotated[Any, Spec(default=None)]),
        val("after", Annotated[Any, Spec(default=None)]),
        ref("by_actor", "actors", "by_actor_id", optional=True),
        val("by_role", Who),
        day("at", NaiveDatetime),
    ),
    private=True,
)
RECONFIRMATIONS = Section(
    "reconfirmations",
    Reconfirmation,
    (
        ref("engagement", "engagements", "engagement_id"),
        val("old_hours", Hours),
        val("new_hours", Hours),
        val("status", ReconfirmationStatusName),
        day("asked_at", NaiveDatetime),
        day("answered_at", When),
    ),
    private=True,
    left_out=("role_id",),  # its engagement's role is the one shown
)

LIFECYCLE = (INITIATIVE_CHANGES, OFFERS, RECONFIRMATIONS)
