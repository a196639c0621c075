"""The authorisation matrix: for every route, the status class each kind of caller must get.

test_security_matrix.py builds one world (``security_world`` in tests/factories.py), then calls
every route of the app as each of six callers and compares with ROUTES. A route without an entry
fails the test, so a new route must say here who may call it. To add yours:

    ROUTES["POST /api/networks/{slug}/things"] = Rule(
        expect(anonymous="401", member="2xx", other_member="2xx", convenor="2xx",
               steward="2xx", outsider="403"),
        body={"name": "A thing", "actor_id": "{actor_id}"},
    )

Callers (see tests/factories.py): ``member`` owns ``{actor_id}`` (and represents ``{org_id}``);
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

CONVENOR_OF_INITIATIVE_PAGE = expect(
    "403", anonymous="404", outsider="404", convenor="3xx", steward="3xx"
)
NETWORK_MEMBERS = expect("2xx", anonymous="401", outsider="403")
# The invitee and the initiative's convenor (or a steward) see an invitation; the convenor acts.
INVITATION_CONVENOR = expect("403", anonymous="401", convenor="2xx", steward="2xx", outsider="404")
INVITATION_CONVENOR_PAGE = expect(
    "403", anonymous="3xx", convenor="3xx", steward="3xx", outsider="404"
)
# Only the member engaged changes their engagement; who cannot see the initiative gets 404.
OWN_ENGAGEMENT = expect("403", anonymous="404", member="2xx", outsider="404")
OWN_ENGAGEMENT_PAGE = expect("403", anonymous="3xx", member="3xx", outsider="404")
# As an actor of one's own that is on the initiative: the member (engaged on it).
OWN_ACTOR_ON_INITIATIVE = expect("403", anonymous="404", member="2xx", outsider="404")
OWN_ACTOR_ON_INITIATIVE_PAGE = expect("403", anonymous="404", member="3xx", outsider="404")
AS_CONVENOR_ACTOR = expect("403", anonymous="404", outsider="404", convenor="2xx")
OUTCOME = {
    "name": "Jobs",
    "unit": "jobs",
    "baseline": 0.0,
    "baseline_date": "2026-01-01",
    "target": 10.0,
    "direction": "increase",
    "due_date": "2026-12-31",
}
CONTRIBUTION = {
    "contributor_id": "{actor_id}",
    "kind": "time",
    "amount": 3.0,
    "unit": "hours",
    "contributed_on": "2026-02-01",
}

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
    "POST /api/auth/password": Rule(
        expect("2xx", anonymous="401"),
        body={"current_password": "{password}", "new_password": "another long password"},
    ),
    # Development mode only (off here, as by default): nobody, not even a local caller.
    "GET /api/dev/outbox": Rule(expect("404")),
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
    # The language switcher of every page: anyone (a signed-in person's account remembers it).
    "POST /language": Rule(expect("3xx"), form={"lang": "es", "next": "/"}),
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
    "GET /dev/outbox": Rule(expect("404")),
    # ---------------------------------------------------------------- invitations
    # {invitation_id}: the convenor's pending invitation of the member to the role {role_id};
    # {engagement_id}: the member's accepted seat; {notification_id}: the member's.
    "POST /api/initiatives/{initiative_id}/invitations": Rule(
        CONVENOR_OF_INITIATIVE,
        body={"seats": [{"actor_id": "{other_actor}", "role_id": "{role_id}"}]},
    ),
    "GET /api/initiatives/{initiative_id}/invitations": Rule(CONVENOR_OF_INITIATIVE),
    "GET /api/invitations/{invitation_id}": Rule(
        expect("2xx", anonymous="401", other_member="403", outsider="404")
    ),
    "POST /api/invitations/{invitation_id}/answer": Rule(
        expect("403", anonymous="401", member="2xx", outsider="404"),
        body={"answer": "decline", "reason": "no time"},
    ),
    # A pending invitation has no counter-offer to decide: the convenor gets past the
    # authorisation and meets the state (409).
    "POST /api/invitations/{invitation_id}/counter": Rule(
        expect("403", anonymous="401", convenor="409", steward="409", outsider="404"),
        body={"decision": "accept"},
    ),
    "POST /api/invitations/{invitation_id}/withdraw": Rule(INVITATION_CONVENOR),
    "GET /api/invitations/{invitation_id}/replacements": Rule(INVITATION_CONVENOR),
    "GET /api/me/invitations": Rule(SIGNED_IN),
    "GET /api/me/commitments": Rule(SIGNED_IN),
    "GET /api/me/engagements.ics": Rule(SIGNED_IN),
    "POST /api/engagements/{engagement_id}/step-back": Rule(OWN_ENGAGEMENT),
    "PATCH /api/engagements/{engagement_id}": Rule(OWN_ENGAGEMENT, body={"listed": False}),
    "GET /api/initiatives/{initiative_id}/team": Rule(NETWORK_READ),
    "GET /api/me/notifications": Rule(SIGNED_IN),
    "POST /api/me/notifications/read": Rule(SIGNED_IN),
    "POST /api/me/notifications/{notification_id}/read": Rule(
        expect("404", anonymous="401", member="2xx")
    ),
    "GET /me/invitations": Rule(ACCOUNT_PAGE),
    "POST /invitations/{invitation_id}/answer": Rule(
        expect("403", anonymous="3xx", member="3xx", outsider="404"),
        form={"answer": "decline"},
    ),
    "GET /me/commitments": Rule(ACCOUNT_PAGE),
    "POST /engagements/{engagement_id}/step-back": Rule(OWN_ENGAGEMENT_PAGE),
    "POST /engagements/{engagement_id}/listed": Rule(OWN_ENGAGEMENT_PAGE, form={"listed": ""}),
    "GET /me/notifications": Rule(ACCOUNT_PAGE),
    "POST /me/notifications/read": Rule(expect("3xx")),
    "GET /me/engagements.ics": Rule(SIGNED_IN),
    "GET /initiatives/{initiative_id}/invitations": Rule(
        expect("403", anonymous="3xx", convenor="2xx", steward="2xx", outsider="404")
    ),
    "POST /initiatives/{initiative_id}/invitations": Rule(
        expect("403", anonymous="3xx", convenor="3xx", steward="3xx", outsider="404"),
        form={"actor_id": "{other_actor}", "role_id": "{role_id}"},
    ),
    "POST /invitations/{invitation_id}/withdraw": Rule(INVITATION_CONVENOR_PAGE),
    "POST /invitations/{invitation_id}/counter": Rule(
        expect("403", anonymous="3xx", convenor="409", steward="409", outsider="404"),
        form={"decision": "accept"},
    ),
    "GET /initiatives/{initiative_id}/team": Rule(NETWORK_READ),
    "GET /initiatives/{initiative_id}/team.md": Rule(NETWORK_READ),
    "GET /initiatives/{initiative_id}/team.pdf": Rule(NETWORK_READ),
    # ---------------------------------------------------------------- outcomes
    # {outcome_id}, {check_id}: of the convenor's initiative; {contribution_id}: the
    # member's (engaged on it); {asset_id}: a file the member wrote, shared in the commons.
    "GET /api/initiatives/{initiative_id}/outcomes": Rule(NETWORK_READ),
    "POST /api/initiatives/{initiative_id}/outcomes": Rule(
        CONVENOR_OF_INITIATIVE, body=OUTCOME | {"name": "Second"}
    ),
    "GET /api/outcomes/{outcome_id}": Rule(NETWORK_READ),
    "POST /api/outcomes/{outcome_id}/measurements": Rule(
        CONVENOR_OF_INITIATIVE, body={"value": 3.0, "unit": "jobs", "measured_on": "2026-06-01"}
    ),
    "GET /api/initiatives/{initiative_id}/contributions": Rule(NETWORK_READ),
    "POST /api/initiatives/{initiative_id}/contributions": Rule(
        OWN_ACTOR_ON_INITIATIVE, body=CONTRIBUTION
    ),
    "POST /api/contributions/{contribution_id}/confirm": Rule(
        AS_CONVENOR_ACTOR, body={"confirmer_id": "{convenor_actor}"}
    ),
    "GET /api/networks/{slug}/contributions": Rule(NETWORK_MEMBERS),
    "GET /api/networks/{slug}/assets": Rule(NETWORK_MEMBERS),
    # Sharing names one of the caller's own actors among the authors: others have none there.
    "POST /api/networks/{slug}/assets": Rule(
        expect("422", anonymous="401", member="2xx", outsider="403"),
        body={
            "title": "Toolkit",
            "link": "https://example.org/toolkit",
            "licence": "CC-BY-4.0",
            "authors": ["{actor_id}"],
        },
    ),
    "GET /api/assets/{asset_id}": Rule(NETWORK_READ),
    "GET /api/assets/{asset_id}/file": Rule(NETWORK_READ),
    "POST /api/assets/{asset_id}/reuses": Rule(
        CONVENOR_OF_INITIATIVE, body={"initiative_id": "{initiative_id}"}
    ),
    "GET /api/initiatives/{initiative_id}/reuses": Rule(NETWORK_READ),
    "GET /api/actors/{actor_id}/credits": Rule(NETWORK_READ),
    "GET /api/initiatives/{initiative_id}/health": Rule(NETWORK_READ),
    "POST /api/initiatives/{initiative_id}/health-checks": Rule(
        CONVENOR_OF_INITIATIVE, body={"held_on": "2026-04-01"}
    ),
    "POST /api/health-checks/{check_id}/ratings": Rule(
        OWN_ACTOR_ON_INITIATIVE, body={"actor_id": "{actor_id}", "ratings": {"trust": 4}}
    ),
    "GET /api/networks/{slug}/fairness": Rule(NETWORK_MEMBERS),
    "GET /api/networks/{slug}/exports/{what}.csv": Rule(
        NETWORK_MEMBERS, path={"what": "contributions"}
    ),
    "GET /initiatives/{initiative_id}/outcomes": Rule(NETWORK_READ),
    "POST /initiatives/{initiative_id}/outcomes/new": Rule(
        CONVENOR_OF_INITIATIVE_PAGE, form=OUTCOME | {"name": "Second"}
    ),
    "POST /outcomes/{outcome_id}/measurements/new": Rule(
        CONVENOR_OF_INITIATIVE_PAGE,
        form={"value": "3", "unit": "jobs", "measured_on": "2026-06-01"},
    ),
    "POST /initiatives/{initiative_id}/contributions/new": Rule(
        OWN_ACTOR_ON_INITIATIVE_PAGE, form=CONTRIBUTION
    ),
    "POST /contributions/{contribution_id}/confirm": Rule(
        expect("403", anonymous="404", outsider="404", convenor="3xx"),
        form={"confirmer_id": "{convenor_actor}"},
    ),
    "POST /initiatives/{initiative_id}/health-checks/new": Rule(
        CONVENOR_OF_INITIATIVE_PAGE, form={"held_on": "2026-04-01"}
    ),
    "POST /health-checks/{check_id}/ratings": Rule(
        OWN_ACTOR_ON_INITIATIVE_PAGE, form={"actor_id": "{actor_id}", "trust": "4"}
    ),
    "GET /n/{slug}/outcomes": Rule(NETWORK_MEMBERS),
    "GET /n/{slug}/commons": Rule(NETWORK_MEMBERS),
    "POST /n/{slug}/commons/new": Rule(
        expect("422", anonymous="401", member="3xx", outsider="403"),
        form={
            "title": "Toolkit",
            "licence": "CC-BY-4.0",
            "authors": "{actor_id}",
            "link": "https://example.org/toolkit",
        },
    ),
    "GET /assets/{asset_id}": Rule(NETWORK_READ),
    "POST /assets/{asset_id}/reuses/new": Rule(
        CONVENOR_OF_INITIATIVE_PAGE, form={"initiative_id": "{initiative_id}"}
    ),
    "GET /actors/{actor_id}/credits": Rule(NETWORK_READ),
    "GET /n/{slug}/fairness": Rule(NETWORK_MEMBERS),
}


# ---------------------------------------------------------------- the world of other areas

# Functions (db, values) -> {name: value} that add other areas' objects to the world.
WORLD_HOOKS: list[Callable[[Session, dict[str, Any]], dict[str, Any]]] = []


def _account_caller(db: Session, values: dict[str, Any], role: str) -> Any:
    from coalition.services.identity import caller_for_account

    return caller_for_account(db, values[f"{role}_account"])


def _invitations_world(db: Session, values: dict[str, Any]) -> dict[str, Any]:
    """The member accepted a seat of "Support" and has a pending invitation to "Lead"."""
    from sqlalchemy import select

    from coalition.schemas.initiatives import RoleIn
    from coalition.schemas.invitations import AnswerIn, InviteIn
    from coalition.services import initiatives, invitations
    from coalition.services.access import Caller
    from coalition.store.tables_invitations import Notification

    initiative = initiatives.add_role(
        db,
        Caller.operator(),
        values["initiative_id"],
        RoleIn.model_validate(
            {"title": "Support", "seats": 3, "requirements": [{"capability": "Facilitation"}]}
        ),
    )
    support = initiative.roles[-1].id
    convenor = _account_caller(db, values, "convenor")
    member = _account_caller(db, values, "member")
    seat = {"actor_id": values["actor_id"], "role_id": support}
    (accepted,) = invitations.invite(
        db, convenor, values["initiative_id"], InviteIn.model_validate({"seats": [seat]})
    )
    answer = invitations.answer(db, member, accepted.id, AnswerIn(answer="accept"))
    seat = {"actor_id": values["actor_id"], "role_id": values["role_id"]}
    (pending,) = invitations.invite(
        db, convenor, values["initiative_id"], InviteIn.model_validate({"seats": [seat]})
    )
    notification = db.scalar(
        select(Notification.id).where(Notification.recipient_id == values["actor_id"]).limit(1)
    )
    return {
        "support_role_id": support,
        "invitation_id": pending.id,
        "engagement_id": answer.engagement.id if answer.engagement else None,
        "notification_id": notification,
    }


def _outcomes_world(db: Session, values: dict[str, Any]) -> dict[str, Any]:
    """An outcome, a health check and the member's contribution on the initiative; a file the
    member wrote in alpha's commons."""
    import base64

    from coalition.schemas.outcomes import AssetIn, ContributionIn, HealthCheckIn, OutcomeIn
    from coalition.services import commons, contributions, health, networks, outcomes
    from coalition.services.access import Caller

    operator = Caller.operator()
    outcome = outcomes.add_outcome(
        db, operator, values["initiative_id"], OutcomeIn.model_validate(OUTCOME)
    )
    contribution = contributions.record_contribution(
        db,
        _account_caller(db, values, "member"),
        values["initiative_id"],
        ContributionIn.model_validate(_subst_actor(CONTRIBUTION, values)),
    )
    check = health.open_check(
        db,
        operator,
        values["initiative_id"],
        HealthCheckIn.model_validate({"held_on": "2026-03-01"}),
    )
    alpha = networks.get_network(db, operator, values["slug"])
    asset = commons.share_asset(
        db,
        operator,
        alpha,
        AssetIn.model_validate(
            {
                "title": "Guide",
                "licence": "CC-BY-4.0",
                "authors": [values["actor_id"]],
                "file": {
                    "name": "guide.txt",
                    "media_type": "text/plain",
                    "content_base64": base64.b64encode(b"hello").decode(),
                },
            }
        ),
    )
    return {
        "outcome_id": outcome.id,
        "contribution_id": contribution.id,
        "check_id": check.id,
        "asset_id": asset.id,
    }


def _subst_actor(data: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    return {k: values["actor_id"] if v == "{actor_id}" else v for k, v in data.items()}


WORLD_HOOKS += [_invitations_world, _outcomes_world]

# ---------------------------------------------------------------- formation
ROUTES.update(
    {
        "POST /api/initiatives/{initiative_id}/proposals": Rule(
            CONVENOR_OF_INITIATIVE, body={"alternatives": 1}
        ),
        "GET /api/initiatives/{initiative_id}/proposals": Rule(CONVENOR_OF_INITIATIVE),
        # The world holds no proposal: an unknown id is a 404 for everyone.
        "GET /api/proposals/{proposal_id}": Rule(expect("404")),
    }
)

# ---------------------------------------------------------------- deliberation
# {conversation_id}: on the convenor's initiative; {statement_id}: the member's, accepted.
ROUTES.update(
    {
        "GET /api/networks/{slug}/conversations": Rule(NETWORK_MEMBERS),
        "POST /api/networks/{slug}/conversations": Rule(
            expect("403", anonymous="401", convenor="2xx", steward="2xx"),
            body={"topic": "What next", "initiative_id": "{initiative_id}"},
        ),
        "GET /api/conversations/{conversation_id}": Rule(NETWORK_READ),
        "GET /api/conversations/{conversation_id}/statements": Rule(NETWORK_READ),
        "POST /api/conversations/{conversation_id}/statements": Rule(
            NETWORK_READ, body={"text": "We publish what we learn."}
        ),
        "POST /api/statements/{statement_id}/moderation": Rule(
            CONVENOR_OF_INITIATIVE, body={"action": "reject"}
        ),
        "POST /api/conversations/{conversation_id}/votes": Rule(
            NETWORK_READ, body={"statement_id": "{statement_id}", "value": 1}
        ),
        "GET /api/conversations/{conversation_id}/next": Rule(NETWORK_READ),
        "GET /api/conversations/{conversation_id}/results": Rule(NETWORK_READ),
        "GET /api/conversations/{conversation_id}/charter.md": Rule(NETWORK_READ),
        "GET /n/{slug}/conversations": Rule(NETWORK_MEMBERS),
        "POST /n/{slug}/conversations/new": Rule(
            expect("403", anonymous="401", convenor="3xx", steward="3xx"),
            form={"topic": "What next", "initiative_id": "{initiative_id}"},
        ),
        "GET /conversations/{conversation_id}": Rule(NETWORK_READ),
        "POST /conversations/{conversation_id}/vote": Rule(
            expect("3xx", anonymous="404", outsider="404"),
            form={"statement_id": "{statement_id}", "value": "1"},
        ),
        "POST /conversations/{conversation_id}/statements/new": Rule(
            expect("3xx", anonymous="404", outsider="404"), form={"text": "We meet monthly."}
        ),
        "POST /conversations/{conversation_id}/statements/{statement_id}/moderation": Rule(
            CONVENOR_OF_INITIATIVE_PAGE, form={"action": "reject"}
        ),
        "GET /conversations/{conversation_id}/results": Rule(NETWORK_READ),
        "GET /conversations/{conversation_id}/charter": Rule(NETWORK_READ),
    }
)


def _deliberation_world(db: Session, values: dict[str, Any]) -> dict[str, Any]:
    from coalition.schemas.deliberation import ConversationIn, ModerationIn, StatementIn
    from coalition.services import conversations as deliberation
    from coalition.services.access import Caller

    operator = Caller.operator()
    conversation = deliberation.create_conversation(
        db,
        operator,
        values["slug"],
        ConversationIn(topic="Priorities", initiative_id=values["initiative_id"]),
    )
    statement = deliberation.submit_statement(
        db,
        _account_caller(db, values, "member"),
        conversation.id,
        StatementIn(text="We share our data openly."),
    )
    deliberation.moderate_statement(db, operator, statement.id, ModerationIn(action="accept"))
    return {"conversation_id": conversation.id, "statement_id": statement.id}


WORLD_HOOKS.append(_deliberation_world)
ROUTES.update(
    {
        "GET /initiatives/{initiative_id}/proposals": Rule(CONVENOR_OF_INITIATIVE),
        "POST /initiatives/{initiative_id}/proposals/run": Rule(
            CONVENOR_OF_INITIATIVE_PAGE, form={"alternatives": 1}
        ),
    }
)


def _load_area_routes() -> None:
    """Areas may keep their entries in ``tests/security/routes_<area>.py`` (they import
    ROUTES, Rule, expect and WORLD_HOOKS from here and update them), so that parallel work
    does not edit this file at the same time."""
    import importlib
    import pkgutil
    from pathlib import Path

    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name.startswith("routes_"):
            importlib.import_module(f"{__package__}.{info.name}")


_load_area_routes()

# ---------------------------------------------------------------- fairness weight
ROUTES.update(
    {
        "GET /api/networks/{slug}/fairness/weight": Rule(NETWORK_MEMBERS),
        "PUT /api/networks/{slug}/fairness/weight": Rule(STEWARD_ONLY, body={"weight": 0.4}),
        "POST /n/{slug}/fairness/weight": Rule(STEWARD_PAGE, form={"weight": "0.4"}),
    }
)
