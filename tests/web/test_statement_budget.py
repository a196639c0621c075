"""Every read route issues a bounded number of SQL statements, whatever the network's size.

The demo network is built twice on SQLite, small and three times larger; every GET route
(pages and JSON API, path parameters filled from the demo) is requested as the demo steward
(who sees the most) and its statements counted with an event listener on every engine. A route
that reads one row per actor, initiative or vote shows up as a count that grows with the
network; a route over its budget in ``BUDGET`` (or ``DEFAULT_BUDGET``) fails too. The counted
request is the second one (caches warm), as on a serving process.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from coalition.config import Settings
from coalition.demo import build_demo_bundle, enrich_demo
from coalition.services.access import Caller
from coalition.services.portability import import_bundle
from coalition.store.migrate import upgrade
from coalition.store.session import engine_for, session_factory

from ..security.helpers import app_routes, sign_in

PARAM = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)(?::[^}]*)?\}")
SIZES = (40, 120)
STEWARD = "steward@example.org"
PASSWORD = "coalition-demo"
#: Statements a read route may issue (session, caller and network lookups included: a signed-in
#: caller is two, the session with its account, then memberships with networks; the
#: navigation's unread counts one).
DEFAULT_BUDGET = 24
#: Routes that assemble more (each a fixed number of lists, none per row).
BUDGET = {
    "/account": 34,
    "/account/export": 67,
    "/api/me/export": 67,
    "/n/{slug}/directory": 17,
    "/api/networks/{slug}/actors": 17,
    "/assets/{asset_id}": 34,
    "/conversations/{conversation_id}": 39,
    "/initiatives/{initiative_id}/invitations": 54,
    "/initiatives/{initiative_id}/outcomes": 49,
    "/initiatives/{initiative_id}/proposals": 34,
    "/initiatives/{initiative_id}/manage": 39,  # status, roles, offers, re-confirmations, history
    "/initiatives/{initiative_id}/offers": 39,
    "/n/{slug}/initiatives": 19,
    "/n/{slug}/outcomes": 49,
    "/api/networks/{slug}/bundle": 37,
    "/api/networks/{slug}/initiatives": 17,
}
#: How many more statements the larger network may take (a cache row, a page's second list).
SLACK = 2
#: The personal-data export follows the caller's own rows table by table until nothing new is
#: found (services.portability._rows_about): its passes grow with how much the caller did, not with
#: the network; its budget above still bounds it.
OWN_DATA = {"/account/export", "/api/me/export"}


def _values(url: str) -> dict[str, Any]:
    from coalition.store.tables import Initiative, Network, Role
    from coalition.store.tables_auth import Account, Membership
    from coalition.store.tables_deliberation import Conversation
    from coalition.store.tables_formation import Proposal
    from coalition.store.tables_invitations import Invitation
    from coalition.store.tables_outcomes import KnowledgeAsset, Outcome
    from coalition.store.tables_together import Decision, Post, Thread

    with Session(engine_for(url)) as db:
        steward = db.scalars(
            select(Membership.actor_id)
            .join(Account, Account.id == Membership.account_id)
            .join(Network, Network.id == Membership.network_id)
            .where(Account.email == STEWARD, Network.slug == "demo")
        ).one()
        return {
            "slug": "demo",
            "actor_id": steward,
            "initiative_id": db.scalar(select(func.min(Initiative.id))),
            "conversation_id": db.scalar(select(func.min(Conversation.id))),
            "asset_id": db.scalar(select(func.min(KnowledgeAsset.id))),
            "thread_id": db.scalar(select(func.min(Thread.id))),
            "post_id": db.scalar(select(func.min(Post.id))),
            "decision_id": db.scalar(select(func.min(Decision.id))),
            "proposal_id": db.scalar(select(func.min(Proposal.id))),
            "invitation_id": db.scalar(select(func.min(Invitation.id))),
            "outcome_id": db.scalar(select(func.min(Outcome.id))),
            "role_id": db.scalar(select(func.min(Role.id))),
            "job_id": 2_000_000_000,  # none: the 404 path is counted
            "link_token": "no-such-link",
            "what": "outcomes",
            "kind": "members",
            "token": "no-such-token",
        }


def _count_routes(url: str) -> dict[str, int]:
    from coalition.web.app import create_app

    values = _values(url)
    client = TestClient(
        create_app(
            # the route's own statements: the second request would be a kept answer
            Settings(database_url=url, secret_key="statement-budget-secret", read_cache_ttl_s=0)
        ),
        raise_server_exceptions=False,
    )
    sign_in(client, STEWARD, PASSWORD)
    count = [0]

    def one(*_args: Any) -> None:
        count[0] += 1

    counts: dict[str, int] = {}
    event.listen(Engine, "before_cursor_execute", one)
    try:
        for method, path in app_routes(client.app):
            if method != "GET" or path in {"/logout"}:
                continue
            filled = PARAM.sub(lambda m: str(values[m.group(1)]), path)
            client.get(filled)  # warm caches
            count[0] = 0
            r = client.get(filled)
            assert r.status_code < 500, (filled, r.status_code)
            counts[path] = count[0]
    finally:
        event.remove(Engine, "before_cursor_execute", one)
    return counts


@pytest.fixture(scope="module")
def counts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[int, dict[str, int]]]:
    out: dict[int, dict[str, int]] = {}
    for size in SIZES:
        url = f"sqlite:///{Path(tmp_path_factory.mktemp(f'demo{size}')) / 'demo.db'}"
        upgrade(url, "heads")
        with session_factory(url)() as db:
            import_bundle(db, Caller.operator(), build_demo_bundle(actors=size, seed=7))
            enrich_demo(db, "demo")
            db.commit()
        out[size] = _count_routes(url)
        engine_for(url).dispose()
    yield out


def test_every_read_route_is_counted(counts: dict[int, dict[str, int]]) -> None:
    small, large = (counts[s] for s in SIZES)
    assert len(small) > 80 and small.keys() == large.keys()
    unknown = set(BUDGET) - set(small)
    assert not unknown, f"BUDGET names routes the app does not have: {sorted(unknown)}"


def test_statements_do_not_grow_with_the_network(counts: dict[int, dict[str, int]]) -> None:
    small, large = (counts[s] for s in SIZES)
    grew = {
        p: (small[p], large[p]) for p in small if large[p] > small[p] + SLACK and p not in OWN_DATA
    }
    assert not grew, f"statements per request grow with the network (a query per row): {grew}"


def test_statements_within_budget(counts: dict[int, dict[str, int]]) -> None:
    over = {
        path: (n, BUDGET.get(path, DEFAULT_BUDGET))
        for size in SIZES
        for path, n in counts[size].items()
        if n > BUDGET.get(path, DEFAULT_BUDGET)
    }
    assert not over, f"routes over their statement budget (count, budget): {over}"
