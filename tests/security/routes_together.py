"""Route-matrix entries of threads and decisions (web/api/together.py, web/pages/together.py,
web/pages/decisions.py).

``{thread_id}`` is a *team* thread of the convenor's initiative, started by the convenor with
the canary text TEAM_CANARY; ``{post_id}`` is the member's reply in it (the member holds a seat
on the initiative, see _invitations_world); ``{decision_id}`` is the convenor's open team
consent decision. The team is the member and the convenor: the other member, the steward and
the outsider are told these are not there; a signed-out caller is too (API) or is sent to
sign in (pages).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .route_matrix import ACCOUNT_PAGE, EVERYONE, NETWORK_READ, ROUTES, WORLD_HOOKS, Rule, expect

TEAM_CANARY = "TEAM-THREAD-CANARY-k4"

TEAM_READ = expect("404", member="2xx", convenor="2xx")
TEAM_WRITE_START = expect("403", anonymous="404", outsider="404", member="2xx", convenor="2xx")
TEAM_PAGE = expect("404", anonymous="3xx", member="2xx", convenor="2xx")
TEAM_PAGE_POST = expect("404", anonymous="3xx", member="3xx", convenor="3xx")
START_PAGE_POST = expect("403", anonymous="3xx", outsider="404", member="3xx", convenor="3xx")
NETWORK_MEMBERS = expect("2xx", anonymous="401", outsider="403")


def _together_world(db: Session, values: dict[str, Any]) -> dict[str, Any]:
    from coalition.schemas.together import DecisionIn, PostIn, ThreadIn
    from coalition.services import decisions, threads
    from coalition.services.identity import caller_for_account

    convenor = caller_for_account(db, values["convenor_account"])
    member = caller_for_account(db, values["member_account"])
    thread = threads.start_thread(
        db,
        convenor,
        values["initiative_id"],
        ThreadIn(title="Team only", visibility="team", body=f"Budget: {TEAM_CANARY}"),
    )
    post = threads.reply(db, member, thread.id, PostIn(body=f"Re: {TEAM_CANARY}"))
    decision = decisions.propose(
        db,
        convenor,
        DecisionIn(kind="consent", title=f"Adopt {TEAM_CANARY}", details=TEAM_CANARY),
        initiative_id=values["initiative_id"],
    )
    return {"thread_id": thread.id, "post_id": post.id, "decision_id": decision.id}


WORLD_HOOKS.append(_together_world)

ROUTES.update(
    {
        # ------------------------------------------------------------ API
        "GET /api/initiatives/{initiative_id}/threads": Rule(NETWORK_READ),
        "POST /api/initiatives/{initiative_id}/threads": Rule(
            TEAM_WRITE_START, body={"title": "New", "body": "Hello"}
        ),
        "GET /api/threads/{thread_id}": Rule(TEAM_READ),
        "POST /api/threads/{thread_id}/posts": Rule(TEAM_READ, body={"body": "A reply"}),
        "PATCH /api/posts/{post_id}": Rule(
            expect("404", member="2xx", convenor="403"), body={"body": "Edited"}
        ),
        "GET /api/posts/{post_id}/history": Rule(TEAM_READ),
        "GET /api/me/threads": Rule(expect("2xx", anonymous="401")),
        "GET /api/me/threads/unread": Rule(EVERYONE),
        "GET /api/initiatives/{initiative_id}/decisions": Rule(NETWORK_READ),
        "POST /api/initiatives/{initiative_id}/decisions": Rule(
            TEAM_WRITE_START, body={"kind": "consent", "title": "Another"}
        ),
        "GET /api/networks/{slug}/decisions": Rule(NETWORK_MEMBERS),
        "POST /api/networks/{slug}/decisions": Rule(
            NETWORK_MEMBERS, body={"kind": "choose", "title": "Pick", "options": ["A", "B"]}
        ),
        "GET /api/decisions/{decision_id}": Rule(TEAM_READ),
        "POST /api/decisions/{decision_id}/votes": Rule(TEAM_READ, body={"position": "agree"}),
        "POST /api/decisions/{decision_id}/close": Rule(
            expect("404", member="403", convenor="2xx"), body={"outcome": "Done"}
        ),
        # ------------------------------------------------------------ pages
        "GET /initiatives/{initiative_id}/threads": Rule(NETWORK_READ),
        "GET /initiatives/{initiative_id}/decisions": Rule(NETWORK_READ),
        "POST /initiatives/{initiative_id}/threads": Rule(
            START_PAGE_POST, form={"title": "New", "visibility": "team", "body": "Hello"}
        ),
        "POST /initiatives/{initiative_id}/decisions": Rule(
            START_PAGE_POST, form={"kind": "consent", "title": "Another", "visibility": "team"}
        ),
        "GET /threads/{thread_id}": Rule(TEAM_PAGE),
        "POST /threads/{thread_id}/posts": Rule(TEAM_PAGE_POST, form={"body": "A reply"}),
        "GET /posts/{post_id}/edit": Rule(TEAM_PAGE),
        "POST /posts/{post_id}/edit": Rule(
            expect("404", anonymous="3xx", member="3xx", convenor="403"), form={"body": "Edited"}
        ),
        "GET /me/threads": Rule(ACCOUNT_PAGE),
        "GET /n/{slug}/decisions": Rule(expect("2xx", anonymous="3xx", outsider="404")),
        "POST /n/{slug}/decisions": Rule(
            expect("3xx", outsider="404"),
            form={"kind": "choose", "title": "Pick", "options": "A\nB"},
        ),
        "GET /decisions/{decision_id}": Rule(TEAM_PAGE),
        "POST /decisions/{decision_id}/vote": Rule(TEAM_PAGE_POST, form={"position": "agree"}),
        "POST /decisions/{decision_id}/close": Rule(
            expect("404", anonymous="3xx", member="403", convenor="3xx"), form={"outcome": "Done"}
        ),
    }
)
