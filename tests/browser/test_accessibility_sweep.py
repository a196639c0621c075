"""Accessibility sweep: every GET page of the app, on the demo network, checked with axe-core.

The routes are read from the app itself (every GET route outside /api and /static), so a new
page is swept without editing this file; a new path parameter must be given a demo value in
``values`` below (the test says so). Each page is opened as the first demo account that may
see it (member, then convenor, then steward; sign-in pages signed out) and must have no
critical or serious violation, once at desktop width and once on a phone (390 px, where the
page must not scroll sideways either), and again in each other shipped language (SCREENS).
The check runs when the page has settled (no network for a moment), so content drawn by
script (the API docs, the map) is checked too. Answers
that are not HTML (JSON, calendars, PDF, Markdown) are left out; an HTML fragment (an htmx
partial) is checked without the rules that only make sense for a whole document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from .conftest import DEFAULT_TIMEOUT_MS, SECRET_KEY
from .helpers import CONVENOR, MEMBER, STEWARD, check_axe, login, no_horizontal_scroll

PARAM = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)(?::[^}]*)?\}")
SIGNED_OUT = {"/login", "/register", "/reset", "/reset/{token}"}
ACCOUNTS = (MEMBER, CONVENOR, STEWARD)
#: Whether the page runs script of its own (beyond htmx and the CSRF helper every page has).
SCRIPTED = r"() => [...document.scripts].some(s => !/\/(htmx\.min|csrf)\.js$/.test(s.src))"
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 1,
}
#: Every page in English at both widths, and in every other shipped language (the browser asks
#: for it with Accept-Language): Spanish and French at desktop width, Arabic (right to left) on
#: a phone, where a mirrored layout is likeliest to overflow.
SCREENS: dict[str, dict[str, Any]] = {
    "desktop": DESKTOP,
    "phone": PHONE,
    "desktop-es": {**DESKTOP, "locale": "es-ES"},
    "desktop-fr": {**DESKTOP, "locale": "fr-FR"},
    "phone-ar": {**PHONE, "locale": "ar"},
}
#: Pages whose content is English whatever the reader's language: Swagger UI (the API docs).
ENGLISH_ONLY = {"/docs"}
#: Rules about a whole document, which a fragment for htmx is not.
DOCUMENT_RULES = (
    "html-has-lang",
    "document-title",
    "landmark-one-main",
    "page-has-heading-one",
    "region",
    "bypass",
)


def page_routes() -> list[str]:
    from fastapi.routing import iter_route_contexts

    from coalition.config import Settings
    from coalition.web.app import create_app

    app = create_app(Settings(database_url="sqlite://", development=True))
    found = set()
    for route in iter_route_contexts(app.routes):
        path = route.path
        if not path or path.startswith(("/api", "/static")) or path == "/openapi.json":
            continue
        if "GET" in (route.methods or set()):
            found.add(path)
    return sorted(found)


@pytest.fixture(scope="module")
def values(live: Any) -> dict[str, Any]:
    """Path parameters filled from the demo network, by name (and by route where it matters)."""
    from coalition import clock
    from coalition.services.voices import link_token
    from coalition.store.tables import Initiative, Network, Role
    from coalition.store.tables_auth import Account, Membership
    from coalition.store.tables_deliberation import Conversation
    from coalition.store.tables_invitations import Invitation
    from coalition.store.tables_jobs import Job
    from coalition.store.tables_outcomes import KnowledgeAsset, Outcome
    from coalition.store.tables_together import Decision, Post, Thread
    from coalition.store.tables_voices import ConversationLink

    engine = create_engine(live.db_url)
    try:
        with Session(engine) as db:

            def actor_of(email: str) -> int:
                return int(
                    db.scalars(
                        select(Membership.actor_id)
                        .join(Account, Account.id == Membership.account_id)
                        .join(Network, Network.id == Membership.network_id)
                        .where(Account.email == email, Network.slug == live.slug)
                    ).one()
                )

            convenor = actor_of(CONVENOR)
            convened = db.scalar(
                select(func.min(Initiative.id)).where(
                    Initiative.convenor_id == convenor, Initiative.status == "forming"
                )
            )
            with_outcomes = db.scalar(select(func.min(Outcome.initiative_id)))
            conversation = db.scalar(select(func.min(Conversation.id)))
            link = ConversationLink(
                conversation_id=conversation,
                key="sweep-link-key-0123456789",
                max_participants=100,
                expires_at=clock.utcnow() + timedelta(days=30),
            )
            db.add(link)
            # A finished background job the member started (its page shows the result).
            job = Job(
                kind="polis_import",
                state="succeeded",
                done=1,
                total=1,
                created_by=db.scalar(select(Account.id).where(Account.email == MEMBER)),
                network_id=db.scalar(select(Network.id).where(Network.slug == live.slug)),
                finished_at=clock.utcnow(),
            )
            db.add(job)
            db.commit()
            return {
                "slug": live.slug,
                "actor_id": actor_of(MEMBER),
                "initiative_id": convened,
                "conversation_id": conversation,
                "link_token": link_token(SECRET_KEY, "sweep-link-key-0123456789"),
                "asset_id": db.scalar(select(func.min(KnowledgeAsset.id))),
                "thread_id": db.scalar(select(func.min(Thread.id))),
                "post_id": db.scalar(select(func.min(Post.id))),
                "decision_id": db.scalar(select(func.min(Decision.id))),
                # An invitation the member or the convenor is a side of (its conversation).
                "invitation_id": db.scalar(
                    select(func.min(Invitation.id)).where(
                        (Invitation.actor_id == actor_of(MEMBER))
                        | Invitation.initiative_id.in_(
                            select(Initiative.id).where(Initiative.convenor_id == convenor)
                        )
                    )
                ),
                "job_id": job.id,
                "role_id": db.scalar(select(func.min(Role.id)).where(Role.open_call == 1)),
                "token": "no-such-reset-token",
                "kind": "members",
                "by_route": {
                    "/initiatives/{initiative_id}/outcomes": {"initiative_id": with_outcomes},
                },
            }
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def pages(browser: Any, live: Any) -> Iterator[dict[tuple[str, str | None], Any]]:
    """One page per screen and demo account (and one signed out), signed in once."""
    contexts = []
    out: dict[tuple[str, str | None], Any] = {}
    for screen, options in SCREENS.items():
        for who in (None, *ACCOUNTS):
            context = browser.new_context(base_url=live.url, **options)
            context.set_default_timeout(DEFAULT_TIMEOUT_MS)
            contexts.append(context)
            page = context.new_page()
            if who is not None:
                login(page, live, who)
                # The first ranking of opportunities builds the candidate index (and imports
                # scikit-learn): seconds on a busy machine, once; not the page's load time.
                assert page.request.get("/api/opportunities", timeout=120_000).ok
            out[screen, who] = page
    try:
        yield out
    finally:
        for context in contexts:
            context.close()


def fill(route: str, values: dict[str, Any]) -> str:
    given = dict(values) | values["by_route"].get(route, {})

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if given.get(name) is None:
            raise AssertionError(
                f"the sweep has no demo value for {{{name}}} in {route}: add one to "
                "values() in tests/browser/test_accessibility_sweep.py"
            )
        return str(given[name])

    return PARAM.sub(one, route)


def signed_in_as_nobody(page: Any) -> bool:
    return bool(re.search(r"/login(\?|$)", page.url))


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("route", page_routes())
def test_page_has_no_serious_accessibility_violation(
    route: str, screen: str, values: dict[str, Any], pages: dict[tuple[str, str | None], Any]
) -> None:
    path = fill(route, values)
    who_tries: tuple[str | None, ...] = (None,) if route in SIGNED_OUT else ACCOUNTS
    tried = []
    for who in who_tries:
        page = pages[screen, who]
        answer = page.request.get(path)
        tried.append((who, answer.status, answer.url))
        sent_to_login = re.search(r"/login(\?|$)", answer.url) and route not in SIGNED_OUT
        if answer.ok and not sent_to_login:
            break
    assert answer.status < 500, f"{path} answered {answer.status} ({tried})"
    kind = (answer.headers.get("content-type") or "").split(";")[0].strip()
    if kind != "text/html":
        assert kind, f"{path} answered without a content type"
        return  # a download (JSON, calendar, PDF, Markdown): no page to check
    body = answer.text()
    assert body.strip(), f"{path} answered an empty page"
    response = page.goto(path)
    assert response is not None and response.status == answer.status, (path, tried)
    if page.evaluate(SCRIPTED):
        page.wait_for_load_state("networkidle")  # let the page's own script draw
    where = f"{path} as {who or 'nobody'} ({answer.status}, {screen})"
    if screen.startswith("phone"):
        no_horizontal_scroll(page)
    if re.match(r"\s*<!doctype html", body, re.I) or "<html" in body[:500]:
        if "-" in screen and route not in ENGLISH_ONLY:  # in the language the browser asked for
            assert page.locator("html").get_attribute("lang") == screen.split("-")[1], where
        check_axe(page, where)
    else:
        check_axe(page, f"{where}, an HTML fragment", skip_rules=DOCUMENT_RULES)
