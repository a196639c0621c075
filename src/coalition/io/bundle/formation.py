"""The formation engine's proposals: an audit record, only in a full backup.

A proposal (the convenor's, with costs from day rates) names actors and roles inside two JSON
columns: its ``members`` and the formation ``request`` as stored. Both are written with refs
and role positions; a number that names no row any more (kept so in the source) is written 0
on import, which names none either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any

from pydantic import Field as Spec
from typing_extensions import TypedDict

from ...store.tables_formation import Proposal
from .core import (
    Checking,
    Col,
    Columns,
    Exporting,
    Importing,
    Section,
    copied,
    created,
    ref,
    row_config,
    val,
)
from .directory import within_initiatives


@row_config
class BundleProposalMember(TypedDict):
    actor: int | None  # none: an actor no longer in the network
    name: str
    role: int | None  # position in the initiative's roles; none: a role since deleted
    role_title: str
    hours_per_week: float
    reasons: Annotated[list[str], Spec(default_factory=list)]


def map_request(
    request: dict[str, Any],
    actor: Callable[[Any], int | None],
    role: Callable[[Any], int | None],
) -> dict[str, Any]:
    """A stored formation request with its actor and role numbers mapped (ids ↔ refs).

    Only the keys the formation area defines as ids change (``locked_in``'s ``actor_id`` and
    ``role_id``, ``excluded``, ``conflicts``, ``competing_organisations``); the rest is kept.
    Values of an unexpected type are kept as they are (the checks report them).
    """
    out = dict(request)

    def many(values: Any) -> Any:
        return [actor(v) for v in values] if isinstance(values, list) else values

    if isinstance(request.get("locked_in"), list):
        out["locked_in"] = [
            {
                **lock,
                "actor_id": actor(lock.get("actor_id")),
                "role_id": role(lock.get("role_id")) if lock.get("role_id") is not None else None,
            }
            if isinstance(lock, dict)
            else lock
            for lock in request["locked_in"]
        ]
    for key in ("excluded", "competing_organisations"):
        if key in request:
            out[key] = many(request[key])
    if isinstance(request.get("conflicts"), list):
        out["conflicts"] = [many(pair) for pair in request["conflicts"]]
    return out


def _members_out(c: Columns, ctx: Exporting) -> list[list[dict[str, Any]]]:
    actors, roles = ctx.index["actors"], ctx.index["roles"]
    return [
        [
            {
                "actor": actors.get(m.get("actor_id")),
                "name": m.get("name", ""),
                "role": roles.get(m.get("role_id")),
                "role_title": m.get("role_title", ""),
                "hours_per_week": m.get("hours_per_week", 0.0),
                "reasons": list(m.get("reasons") or []),
            }
            for m in members or []
        ]
        for members in c["members"]
    ]


def _members_into(b: Any, ctx: Importing) -> list[list[Any]]:
    actors, roles = ctx.ids["actors"], ctx.ids["roles"]
    return [
        [
            [
                {
                    "actor_id": actors.get(m["actor"], 0) if m["actor"] is not None else 0,
                    "name": m["name"],
                    "role_id": roles.get((x["initiative"], m["role"]), 0)
                    if m["role"] is not None
                    else 0,
                    "role_title": m["role_title"],
                    "hours_per_week": m["hours_per_week"],
                    "reasons": m["reasons"],
                }
                for m in x["members"]
            ]
            for x in b.rows
        ]
    ]


def _members_check(x: Any, ctx: Checking) -> Iterator[tuple[str, str]]:
    actors, initiatives, roles = ctx.keys["actors"], ctx.keys["initiatives"], ctx.keys["roles"]
    of = x["initiative"]
    for m, member in enumerate(x["members"]):
        if member["actor"] is not None and member["actor"] not in actors:
            yield f"members[{m}].actor", f"no actor with ref {member['actor']}"
        r = member["role"]
        if r is not None and of in initiatives and (of, r) not in roles:
            yield f"members[{m}].role", f"no role {r} in that initiative"


def _request_out(c: Columns, ctx: Exporting) -> list[dict[str, Any]]:
    actors, roles = ctx.index["actors"], ctx.index["roles"]
    return [map_request(r or {}, actors.get, roles.get) for r in c["request"]]


def _role_in(roles: dict[Any, int], initiative: Any) -> Callable[[Any], int | None]:
    """The id of a role (by its ref) of one initiative (by its ref), or None."""
    return lambda ref: roles.get((initiative, ref))


def _request_into(b: Any, ctx: Importing) -> list[list[Any]]:
    actors, roles = ctx.ids["actors"], ctx.ids["roles"]
    return [
        [
            map_request(
                x["request"],
                lambda r: actors.get(r, 0),
                _role_in(roles, x["initiative"]),
            )
            for x in b.rows
        ]
    ]


def _each(
    request: dict[str, Any],
    key: str,
    check: Callable[[str, Any], Iterator[tuple[str, str]]],
    kind: type | None = None,
    what: str = "",
) -> Iterator[tuple[str, str]]:
    """The problems of the list ``request[key]``: not a list, an entry not a ``kind`` (``what``
    says so), or what ``check(where, entry)`` finds in an entry."""
    values = request.get(key, [])
    if not isinstance(values, list):
        yield f"request.{key}", "must be a list"
        return
    for m, value in enumerate(values):
        where = f"request.{key}[{m}]"
        if kind is not None and not isinstance(value, kind):
            yield where, what
            continue
        yield from check(where, value)


def _request_check(x: Any, ctx: Checking) -> Iterator[tuple[str, str]]:
    """A proposal's request: every actor number a ref of the bundle (or none), roles too."""
    request, of = x["request"], x["initiative"]
    actors, initiatives, roles = ctx.keys["actors"], ctx.keys["initiatives"], ctx.keys["roles"]

    def ref(where: str, value: Any) -> Iterator[tuple[str, str]]:
        if value is not None and (type(value) is not int or value not in actors):
            yield where, f"no actor with ref {value!r}"

    def lock(where: str, value: dict[str, Any]) -> Iterator[tuple[str, str]]:
        yield from ref(f"{where}.actor_id", value.get("actor_id"))
        r = value.get("role_id")
        if r is not None and (type(r) is not int or (of in initiatives and (of, r) not in roles)):
            yield f"{where}.role_id", f"no role {r!r} in that initiative"

    def pair(where: str, value: list[Any]) -> Iterator[tuple[str, str]]:
        for end, one in enumerate(value):
            yield from ref(f"{where}[{end}]", one)

    yield from _each(request, "locked_in", lock, dict, "must be an object")
    for key in ("excluded", "competing_organisations"):
        yield from _each(request, key, ref)
    yield from _each(request, "conflicts", pair, list, "must be a pair of refs")


Int32 = Annotated[int, Spec(ge=-(2**31), le=2**31 - 1)]
Word = Annotated[str, Spec(min_length=1, max_length=20)]

PROPOSALS = Section(
    "proposals",
    Proposal,
    (
        ref("initiative", "initiatives", "initiative_id"),
        val("run", Annotated[str, Spec(min_length=1, max_length=40)]),
        val("rank", Int32),
        val("status", Word),
        val("total_score", float),
        val("bound", float),
        val("gap", float),
        val("total_cost", Annotated[float, Spec(default=0.0)]),
        copied("scores", Annotated[dict[str, float], Spec(default_factory=dict)], dict),
        Col(
            "members",
            Annotated[list[BundleProposalMember], Spec(default_factory=list)],
            ("members",),
            _members_out,
            _members_into,
            check=_members_check,
        ),
        # The formation request as stored, its actor ids written as refs and role ids as
        # positions in the initiative's roles (none where they no longer name one).
        Col(
            "request",
            Annotated[dict[str, Any], Spec(default_factory=dict)],
            ("request",),
            _request_out,
            _request_into,
            check=_request_check,
        ),
        val("method", Annotated[str, Spec(default="", max_length=40)]),
        created("created_at"),
    ),
    scope=within_initiatives(Proposal.initiative_id),
    private=True,  # the convenor's, with costs from day rates
    left_out=("requested_by",),  # an account: accounts are not in bundles
)
