"""The directory's sections: capabilities, actors, affiliations, initiatives, engagements, ties.

Actors and initiatives have a ``ref`` (1..N in id order); roles are named by their position in
their initiative, engagements and ties by their position in their section. A share holds a
private profile only as a placeholder (and none of its ties), and each member's private
choices hold: capacity, day rate and contact details only where the member made them public.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, NaiveDatetime
from pydantic import Field as Spec
from sqlalchemy import select

from ... import domain
from ...domain import PrivateField, region_of
from ...schemas.common import ActorKindName, SectorName, TieKindName, VisibilityName
from ...schemas.initiatives import InitiativeIn, RoleIn
from ...store.tables import (
    Actor,
    ActorCapability,
    ActorPurpose,
    Affiliation,
    Capability,
    Engagement,
    Initiative,
    Role,
    RoleRequirement,
    Tie,
)
from .core import (
    BundleProblem,
    Checking,
    Col,
    Columns,
    Exporting,
    Section,
    Text,
    Unique,
    computed,
    copied,
    counted,
    day,
    flag,
    nested,
    ref,
    val,
)

PRIVATE_NAME = "Private member"
PRIVACY = {f.value: f.column for f in PrivateField}
PRIVACY_DEFAULTS = {f.value: v.value for f, v in domain.PRIVACY_DEFAULTS.items()}

Day = Annotated[date | None, Spec(default=None)]


class BundleCapability(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    term: str = Spec(min_length=1, max_length=120)
    category: str = Spec(default="", max_length=80)
    description: str = ""
    esco_uri: str | None = Spec(default=None, max_length=300)


class BundleRole(RoleIn):
    open_call: bool = False
    retired_at: NaiveDatetime | None = Spec(default=None, strict=False)


class BundleInitiative(InitiativeIn):
    ref: int = Spec(ge=1)
    convenor: int | None = None
    roles: list[BundleRole] = Spec(default=[], max_length=100)  # type: ignore[assignment]


def _terms_unique(ctx: Checking) -> Iterator[BundleProblem]:
    terms = [c["term"] for c in ctx.parsed["capabilities"]]
    if len(set(terms)) != len(terms):
        yield BundleProblem("capabilities", "terms must be unique")


CAPABILITIES = Section(
    "capabilities",
    Capability,
    (
        val("term", None),
        val("category", None),
        val("description", None),
        val("esco_uri", None),
    ),
    key="term",
    missing="unknown capability '{value}'",
    checks=(_terms_unique,),
    row=BundleCapability,
)

# ---- actors

ACTOR_CAPABILITIES = Section(
    "actor_capabilities",
    ActorCapability,
    (
        ref("term", "capabilities", "capability_id", type=str),
        val("level", Annotated[int, Spec(ge=1, le=5)]),
        val("evidence", Text),
        val("esco_uri", Annotated[str | None, Spec(default=None, max_length=300)]),
    ),
    parent="actor_id",
    order_by=(),
    sort=lambda c: c["term"],
)
PURPOSES = Section(
    "purposes",
    ActorPurpose,
    (val("tag", Annotated[str, Spec(max_length=120)]),),
    parent="actor_id",
    order_by=(),
    sort=lambda tag: tag,
    scalar="tag",
    distinct=True,
)


def _privacy() -> Col:
    """The member's four privacy choices, one column each; left out: the defaults."""
    columns = tuple(PRIVACY.values())

    def out(c: Columns, _: Exporting) -> list[dict[str, Any]]:
        return [
            dict(zip(PRIVACY, values, strict=True))
            for values in zip(*(c[n] for n in columns), strict=True)
        ]

    def into(b: Any, _: Any) -> list[list[Any]]:
        chosen = [{**PRIVACY_DEFAULTS, **r["privacy"]} for r in b.rows]
        return [[p[f] for p in chosen] for f in PRIVACY]

    return Col(
        "privacy",
        Annotated[dict[str, VisibilityName], Spec(default_factory=dict)],
        columns,
        out,
        into,
    )


def _share_actors(
    rows: list[dict[str, Any]], cols: Columns, ctx: Exporting
) -> list[dict[str, Any]]:
    """A share: a private profile is a placeholder (nobody else sees it in the app either);
    otherwise each private choice holds. The hours an actor has committed are those of the
    engagements it lists (no more is known to members), and a capacity kept private reads as
    fully used, so the bundle stays consistent (committed = active engagements <= capacity)."""
    listed: dict[int, float] = defaultdict(float)
    for actor_id, hours in ctx.db.execute(
        select(Engagement.actor_id, Engagement.hours_per_week)
        .where(
            Engagement.network_id == ctx.network_id,
            Engagement.listed == 1,
            Engagement.status == "active",
        )
        .order_by(Engagement.id)
    ):
        listed[actor_id] += hours
    ctx.hidden = {
        i
        for i, seen, gone in zip(cols["id"], cols["visibility"], cols["anonymised"], strict=True)
        if seen == "private" and not gone
    }
    out = []
    for n, (row, actor_id) in enumerate(zip(rows, cols["id"], strict=True)):
        committed = listed.get(actor_id, 0.0)
        if actor_id in ctx.hidden:
            out.append({**row, **_placeholder(committed)})
            continue

        def public(field: str, n: int = n) -> bool:
            return bool(cols[PRIVACY[field]][n] == "public")

        out.append(
            {
                **row,
                "capacity_hours": row["capacity_hours"] if public("capacity") else committed,
                "committed_hours": committed,
                "day_rate": row["day_rate"] if public("day_rate") else None,
                "email": row["email"] if public("contact") else None,
                "phone": row["phone"] if public("contact") else None,
            }
        )
    return out


def _placeholder(committed: float) -> dict[str, Any]:
    return {
        "name": PRIVATE_NAME,
        "external_id": None,
        "headline": "",
        "bio": "",
        "timezone": None,
        "languages": [],
        "capacity_hours": committed,
        "committed_hours": committed,
        "day_rate": None,
        "email": None,
        "phone": None,
        "website": None,
        "purpose_text": "",
        "purposes": [],
        "capabilities": [],
        "privacy": {f: "private" for f in PRIVACY},
        "joined_on": None,
        "anonymised": False,
    }


def _within_capacity(a: Any, _: Checking) -> list[tuple[str, str]]:
    out = []
    if a["committed_hours"] > a["capacity_hours"] + 1e-9:
        out.append(("committed_hours", "exceeds capacity_hours"))
    for field in a["privacy"]:
        if field not in PRIVACY:
            out.append(("privacy", f"unknown private field '{field}'"))
    return out


Hours = Annotated[float, Spec(default=0.0, ge=0)]
Short = Annotated[str | None, Spec(default=None, max_length=60)]

ACTORS = Section(
    "actors",
    Actor,
    (
        counted(),
        val("kind", ActorKindName),
        val("name", Annotated[str, Spec(min_length=1, max_length=200)]),
        val("sector", SectorName),
        # Lengths are those of the columns (PostgreSQL refuses longer text; SQLite would not).
        val("external_id", Annotated[str | None, Spec(default=None, max_length=120)]),
        val("headline", Annotated[str, Spec(default="", max_length=300)]),
        val("bio", Text),
        val("timezone", Annotated[str | None, Spec(default=None, max_length=64)]),
        computed("region", lambda a: region_of(a["timezone"])),
        copied("languages", Annotated[list[str], Spec(default_factory=list)]),
        val("capacity_hours", Hours),
        val("committed_hours", Hours),
        val("day_rate", Annotated[float | None, Spec(default=None, ge=0)]),
        val("email", Annotated[str | None, Spec(default=None, max_length=200)]),
        val("phone", Short),
        val("website", Annotated[str | None, Spec(default=None, max_length=300)]),
        val("purpose_text", Text),
        nested("purposes", PURPOSES),
        nested("capabilities", ACTOR_CAPABILITIES),
        val("visibility", Annotated[VisibilityName, Spec(default="network")]),
        _privacy(),
        day("joined_on", Day),
        # A former member ("Former member", nothing personal left) keeps its node and ties.
        flag("anonymised"),
    ),
    key="ref",
    missing="no actor with ref {value}",
    share=_share_actors,
    unique=(
        Unique(("ref",), "duplicate ref {ref}", at="ref"),
        Unique(("external_id",), "duplicate external id", at="external_id"),
    ),
    rules=(_within_capacity,),
    left_out=("created_at",),  # the store writes the time of import
)


def _organisation(f: Any, ctx: Checking) -> list[tuple[str, str]]:
    kinds = ctx.memo.get("kinds")
    if kinds is None:
        kinds = ctx.memo["kinds"] = {a["ref"]: a["kind"] for a in ctx.parsed["actors"]}
    if kinds.get(f["organisation"]) == "organisation":
        return []
    return [("organisation", f"ref {f['organisation']} is not an organisation")]


_ORGANISATION = ref("organisation", "actors", "organisation_id")
AFFILIATIONS = Section(
    "affiliations",
    Affiliation,
    (
        ref("actor", "actors", "actor_id"),
        Col(
            "organisation",
            int,
            _ORGANISATION.columns,
            _ORGANISATION.out,
            _ORGANISATION.into,
            check=_organisation,
        ),
        val("role_title", Annotated[str, Spec(default="", max_length=200)]),
        flag("representative"),
        day("start_date", Day),
        day("end_date", Day),
    ),
    scope=lambda net: Affiliation.actor_id.in_(select(Actor.id).where(Actor.network_id == net)),
    unique=(Unique(("actor", "organisation"), "duplicate affiliation"),),
)

# ---- initiatives (their rows are checked by the initiatives' own input model)

REQUIREMENTS = Section(
    "requirements",
    RoleRequirement,
    (ref("capability", "capabilities", "capability_id"), val("min_level", None)),
    parent="role_id",
    order_by=(),
    sort=lambda q: str(q["capability"]),
)
ROLES = Section(
    "roles",
    Role,
    (
        val("title", None),
        val("seats", None),
        val("hours_per_week", None),
        copied("languages", None),
        copied("timezone_regions", None),
        nested("requirements", REQUIREMENTS),
        flag("open_call", None),
        day("retired_at", None),
    ),
    parent="initiative_id",
    missing="no role {value} in that initiative",
)
INITIATIVES = Section(
    "initiatives",
    Initiative,
    (
        counted(),
        val("kind", None),
        val("title", None),
        val("purpose", None),
        copied("purpose_tags", None),
        day("start_date", None),
        day("end_date", None),
        val("budget", None),
        val("status", None),
        copied("sector_mix", None, dict),
        val("max_per_organisation", None),
        copied("timezone_coverage", None),
        ref("convenor", "actors", "convenor_id", optional=True),
        nested("roles", ROLES),
    ),
    key="ref",
    missing="no initiative with ref {value}",
    unique=(
        Unique(("ref",), "duplicate ref {ref}", at="ref"),
        Unique(("title",), "duplicate title", at="title"),
    ),
    row=BundleInitiative,
    left_out=("created_at",),  # the store writes the time of import
)


def within_initiatives(column: Any) -> Any:
    """Rows of a table without ``network_id``, found through their initiative."""
    return lambda net: column.in_(select(Initiative.id).where(Initiative.network_id == net))


# ---- engagements and ties


def _committed_is_engaged(ctx: Checking) -> Iterator[BundleProblem]:
    """An actor's committed hours are the sum of its active engagements."""
    active: dict[int, float] = defaultdict(float)
    for e in ctx.parsed["engagements"]:
        if e["status"] == "active":
            active[e["actor"]] += e["hours_per_week"]
    for n, a in enumerate(ctx.parsed["actors"]):
        if abs(active.get(a["ref"], 0.0) - a["committed_hours"]) > 1e-6:
            yield BundleProblem(
                f"actors[{n}].committed_hours",
                f"is {a['committed_hours']:g} but active engagements sum to "
                f"{active.get(a['ref'], 0.0):g}",
            )


ENGAGEMENTS = Section(
    "engagements",
    Engagement,
    (
        ref("initiative", "initiatives", "initiative_id"),
        ref("role", "roles", "role_id", optional=True, by="initiative"),
        ref("actor", "actors", "actor_id"),
        val("hours_per_week", Annotated[float, Spec(gt=0)]),
        val("status", Annotated[str, Spec(pattern="^(active|completed|withdrawn)$")]),
        flag("listed", Annotated[bool, Spec(default=True)]),
        day("start_date", Day),
        day("end_date", Day),
    ),
    # A member who asked not to be listed on a team page is not listed in a share either.
    share_where=lambda: Engagement.listed == 1,
    checks=(_committed_is_engaged,),
    left_out=("created_at",),  # the store writes the time of import
)


def _two_ends(t: Any, _: Checking) -> list[tuple[str, str]]:
    return [("", "a tie joins two different actors")] if t["source"] == t["target"] else []


TIES = Section(
    "ties",
    Tie,
    (
        ref("source", "actors", "source_id"),
        ref("target", "actors", "target_id"),
        val("kind", TieKindName),
        val("weight", Annotated[float, Spec(default=1.0, gt=0)]),
        # pydantic-core's own date (YYYY-MM-DD in strict JSON), as for actors and affiliations:
        # a Python validator here cost seconds per million ties.
        day("start_date", Day),
        day("end_date", Day),
        val("note", Text),
        val("origin", Annotated[str, Spec(default="import", max_length=30)]),
        ref("initiative", "initiatives", "initiative_id", optional=True),
    ),
    # A private profile's ties are left out of a share (as on the map).
    share_keep=lambda t, ctx: t["source_id"] not in ctx.hidden and t["target_id"] not in ctx.hidden,
    rules=(_two_ends,),
)

DIRECTORY = (CAPABILITIES, ACTORS, AFFILIATIONS, INITIATIVES, ENGAGEMENTS, TIES)
