"""The authorisation matrix: for every route, the status class each kind of caller must get.

test_security_matrix.py builds one world (tests/security/world.py), then calls every route of
the app as each of six callers and compares with ROUTES. A route without an entry fails the
test, so a new route must say here who may call it. To add yours:

    ROUTES["POST /api/networks/{slug}/things"] = Rule(
        expect(anonymous="401", member="2xx", other_member="2xx", convenor="2xx",
               steward="2xx", outsider="403"),
        body={"name": "A thing", "actor_id": "{actor_id}"},
    )

Callers (see world.py): ``member`` owns ``{actor_id}`` (and represents ``{org_id}``);
``other_member`` is another member of the same network (``{account_id}`` is their account);
``convenor`` convenes ``{initiative_id}``; ``steward`` stewards ``{slug}``; ``outsider`` belongs
to another network only. Expectations: "2xx", "3xx", or an exact status such as "401".
Path parameters are filled from the world by name; ``path`` overrides them per route; a name
the world does not know becomes an id that does not exist. A body or form value written
"{name}" is replaced by that world value (keeping its type).

To give your routes real objects, append a function to WORLD_HOOKS: it gets the session and
the world's values after the world is built, may add rows, and returns new values by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

ROLES = ("anonymous", "member", "other_member", "convenor", "steward", "outsider")


def expect(
    default: str | None = None,
    *,
    anonymous: str | None = None,
    member: str | None = None,
    other_member: str | None = None,
    convenor: str | None = None,
    steward: str | None = None,
    outsider: str | None = None,
) -> dict[str, str]:
    given = {
        "anonymous": anonymous,
        "member": member,
        "other_member": other_member,
        "convenor": convenor,
        "steward": steward,
        "outsider": outsider,
    }
    out = {role: value or default for role, value in given.items()}
    missing = [role for role, value in out.items() if value is None]
    if missing:
        raise ValueError(f"no expectation for {missing}")
    return out  # type: ignore[return-value]


@dataclass(frozen=True)
class Rule:
    expect: dict[str, str]
    body: Any = None  # JSON body
    form: dict[str, Any] | None = None  # form fields (pages)
    query: dict[str, Any] | None = None
    path: dict[str, Any] = field(default_factory=dict)


EVERYONE = expect("2xx")
SIGNED_IN = expect("2xx", anonymous="401")
# Members of the network read; anonymous callers and outsiders are told it is not there.
NETWORK_READ = expect("2xx", anonymous="404", outsider="404")
STEWARD_ONLY = expect("403", anonymous="401", steward="2xx")
STEWARD_PAGE = expect("403", anonymous="401", steward="3xx")
ACCOUNT_PAGE = expect("2xx", anonymous="3xx")
CONVENOR_OF_INITIATIVE = expect(
    "403", anonymous="404", outsider="404", convenor="2xx", steward="2xx"
)

ROUTES: dict[str, Rule] = {
    # ---------------------------------------------------------------- foundation: API
    "GET /api/networks": Rule(EVERYONE),
    "POST /api/networks": Rule(SIGNED_IN, body={"slug": "fresh-net", "name": "Fresh"}),
    "GET /api/networks/{slug}": Rule(EVERYONE),
    "GET /api/networks/{slug}/capabilities": Rule(EVERYONE),
    "POST /api/networks/{slug}/capabilities": Rule(STEWARD_ONLY, body={"term": "New term"}),
    "GET /api/networks/{slug}/bundle": Rule(NETWORK_READ),
    "POST /api/networks/import": Rule(expect("403"), body={}),
    "GET /api/networks/{slug}/actors": Rule(EVERYONE, query={"min_free_hours": 0}),
    "POST /api/networks/{slug}/actors": Rule(
        expect("2xx", anonymous="401", outsider="403"),
        body={"kind": "person", "name": "New", "sector": "independent"},
    ),
    "GET /api/actors/{actor_id}": Rule(NETWORK_READ),
    "PATCH /api/actors/{actor_id}": Rule(
        expect("403", anonymous="404", outsider="404", member="2xx", steward="2xx"),
        body={"headline": "Edited"},
    ),
    "GET /api/networks/{slug}/initiatives": Rule(EVERYONE),
    "POST /api/networks/{slug}/initiatives": Rule(
        expect("403", anonymous="401", convenor="2xx", steward="2xx"),
        body={"kind": "project", "title": "Another", "roles": []},
    ),
    "GET /api/initiatives/{initiative_id}": Rule(NETWORK_READ),
    "PATCH /api/initiatives/{initiative_id}": Rule(
        CONVENOR_OF_INITIATIVE, body={"purpose": "Edited"}
    ),
    "POST /api/initiatives/{initiative_id}/roles": Rule(
        CONVENOR_OF_INITIATIVE,
        body={"title": "Second", "requirements": [{"capability": "Facilitation"}]},
    ),
    "DELETE /api/initiatives/{initiative_id}/roles/{role_id}": Rule(CONVENOR_OF_INITIATIVE),
    "GET /api/networks/{slug}/ties": Rule(EVERYONE),
    "POST /api/networks/{slug}/ties": Rule(
        expect("2xx", anonymous="401", outsider="403", convenor="403"),  # own ties, or a steward
        body={"source_id": "{actor_id}", "target_id": "{other_actor}", "kind": "mentored"},
    ),
    # ---------------------------------------------------------------- foundation: pages
    "GET /": Rule(EVERYONE),
    "GET /n/{slug}/directory": Rule(EVERYONE, query={"min_free_hours": 0}),
    "GET /actors/{actor_id}": Rule(NETWORK_READ),
    "GET /n/{slug}/initiatives": Rule(EVERYONE),
    "GET /initiatives/{initiative_id}": Rule(NETWORK_READ),
    "GET /docs": Rule(EVERYONE),
    "GET /docs/oauth2-redirect": Rule(EVERYONE),
    "GET /redoc": Rule(EVERYONE),
    "GET /openapi.json": Rule(EVERYONE),
    # ---------------------------------------------------------------- accounts: API
    "POST /api/auth/register": Rule(
        EVERYONE,
        body={"email": "new@example.org", "password": "a long password", "display_name": "New"},
    ),
    "POST /api/auth/login": Rule(
        EVERYONE, body={"email": "{member_email}", "password": "{password}"}
    ),
    "POST /api/auth/logout": Rule(EVERYONE),
    "GET /api/auth/csrf": Rule(EVERYONE),
    "POST /api/auth/reset": Rule(EVERYONE, body={"email": "{member_email}"}),
    "GET /api/auth/reset/{token}": Rule(EVERYONE),
    "POST /api/auth/reset/{token}": Rule(EVERYONE, body={"password": "another long password"}),
    "GET /api/auth/invites/{token}": Rule(EVERYONE, path={"token": "{invite_token}"}),
    "GET /api/me": Rule(SIGNED_IN),
    "PATCH /api/me": Rule(SIGNED_IN, body={"display_name": "Renamed"}),
    "GET /api/me/export": Rule(SIGNED_IN),
    "POST /api/me/delete": Rule(SIGNED_IN, body={"password": "{password}"}),
    "GET /api/me/tokens": Rule(SIGNED_IN),
    "POST /api/me/tokens": Rule(SIGNED_IN, body={"name": "t", "scopes": ["read"]}),
    # Another account's token is not found, whoever asks.
    "DELETE /api/me/tokens/{token_id}": Rule(expect("404", anonymous="401", member="2xx")),
    "GET /api/me/join-requests": Rule(SIGNED_IN),
    # The invitation was sent to the applicant's address, not to any of these callers.
    "POST /api/me/invites/accept": Rule(
        expect("403", anonymous="401"), body={"token": "{invite_token}"}
    ),
    "GET /api/networks/{slug}/members": Rule(expect("2xx", anonymous="401", outsider="403")),
    "PATCH /api/networks/{slug}/members/{account_id}": Rule(
        STEWARD_ONLY, body={"role": "convenor"}
    ),
    # {account_id} is other_member's: they may leave; a steward may remove them.
    "DELETE /api/networks/{slug}/members/{account_id}": Rule(
        expect("403", anonymous="401", other_member="2xx", steward="2xx")
    ),
    "POST /api/networks/{slug}/join": Rule(expect("409", anonymous="401", outsider="2xx"), body={}),
    "GET /api/networks/{slug}/join-requests": Rule(STEWARD_ONLY),
    "POST /api/networks/{slug}/join-requests/{request_id}/approve": Rule(STEWARD_ONLY, body={}),
    "POST /api/networks/{slug}/join-requests/{request_id}/decline": Rule(STEWARD_ONLY),
    "GET /api/networks/{slug}/invites": Rule(STEWARD_ONLY),
    "POST /api/networks/{slug}/invites": Rule(STEWARD_ONLY, body={"email": "x@example.org"}),
    # Development only (no SMTP) and only from this machine: the test client is local.
    "GET /api/dev/outbox": Rule(EVERYONE),
    # ---------------------------------------------------------------- accounts: pages
    "GET /login": Rule(EVERYONE),
    "POST /login": Rule(expect("3xx"), form={"email": "{member_email}", "password": "{password}"}),
    "POST /logout": Rule(expect("3xx")),
    "GET /register": Rule(EVERYONE),
    "POST /register": Rule(
        expect("3xx"),
        form={"email": "new@example.org", "display_name": "New", "password": "long password"},
    ),
    "POST /register/accept": Rule(
        expect("403", anonymous="3xx"), form={"invite": "{invite_token}"}
    ),
    "GET /account": Rule(ACCOUNT_PAGE),
    "POST /account/profile": Rule(expect("3xx"), form={"display_name": "Renamed"}),
    "POST /account/privacy/{actor_id}": Rule(
        expect("404", anonymous="3xx", member="3xx"), form={"day_rate": "network"}
    ),
    "POST /account/tokens": Rule(ACCOUNT_PAGE, form={"name": "t", "scopes": "read"}),
    "POST /account/tokens/{token_id}/revoke": Rule(expect("404", anonymous="3xx", member="3xx")),
    "POST /account/join": Rule(
        expect("409", anonymous="3xx", outsider="3xx"), form={"network": "{slug}"}
    ),
    "GET /account/export": Rule(ACCOUNT_PAGE),
    "POST /account/delete": Rule(expect("3xx"), form={"password": "{password}"}),
    "GET /reset": Rule(EVERYONE),
    "POST /reset": Rule(EVERYONE, form={"email": "{member_email}"}),
    "GET /reset/{token}": Rule(EVERYONE),
    "POST /reset/{token}": Rule(expect("3xx"), form={"password": "another long password"}),
    "GET /n/{slug}/members": Rule(expect("2xx", anonymous="3xx", outsider="403")),
    "POST /n/{slug}/members/{account_id}/role": Rule(STEWARD_PAGE, form={"role": "convenor"}),
    "POST /n/{slug}/members/{account_id}/remove": Rule(
        expect("403", anonymous="401", other_member="3xx", steward="3xx")
    ),
    "POST /n/{slug}/requests/{request_id}/approve": Rule(STEWARD_PAGE, form={"role": "member"}),
    "POST /n/{slug}/requests/{request_id}/decline": Rule(STEWARD_PAGE),
    "POST /n/{slug}/invites": Rule(STEWARD_PAGE, form={"email": "x@example.org"}),
    "GET /dev/outbox": Rule(EVERYONE),
}

# Functions (db, values) -> {name: value} that add other areas' objects to the world.
WORLD_HOOKS: list[Callable[[Session, dict[str, Any]], dict[str, Any]]] = []
