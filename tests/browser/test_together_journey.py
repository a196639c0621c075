"""Working together, on a phone and by keyboard, in English and in Spanish: the demo member opens
the team's kick-off thread from "Your threads", replies, and votes on the team's open consent
decision; every page is 390 px wide without sideways scrolling and axe-clean.

The demo (demo_together.py) seats the demo member on an active initiative's team, with a team
thread and an open consent decision; this test changes only the member's reply and vote."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from .helpers import MEMBER, check_axe, login, no_horizontal_scroll, shot, t
from .test_phone_and_keyboard import tab_to

pytestmark = pytest.mark.journey


def test_member_posts_in_the_team_thread_and_votes_by_keyboard_on_a_phone(
    phone_page: Any, live: Any
) -> None:
    page = phone_page
    login(page, live, MEMBER)

    # ---- "Your threads" lists the team thread; open it with Enter
    page.goto("/me/threads")
    no_horizontal_scroll(page)
    check_axe(page, "your threads on a phone")
    kickoff = page.get_by_role("link", name="Kick-off: who does what in the first month")
    tab_to(page, kickoff)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text(t("Team only: read by the initiative's team"))).to_be_visible()
    no_horizontal_scroll(page)
    check_axe(page, "team thread on a phone")

    # ---- reply by keyboard, with Markdown
    words = f"I'll bring the *stakeholder map* ({time.time_ns() % 10**9})"
    tab_to(page, page.get_by_label(t("Your reply (Markdown;"), exact=False))
    page.keyboard.type(words)
    tab_to(page, page.get_by_role("button", name=t("Post reply")))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    mine = page.locator(".post").last
    expect(mine.locator("em")).to_have_text("stakeholder map")
    expect(mine).to_contain_text(t("Edit"))
    no_horizontal_scroll(page)

    # ---- the team's open consent decision: agree, with a reason, by keyboard
    thread = page.request.get(page.url.split("#")[0].replace("/threads/", "/api/threads/")).json()
    open_ = [
        d
        for d in page.request.get(f"/api/initiatives/{thread['initiative_id']}/decisions").json()
        if d["status"] == "open" and d["kind"] == "consent"
    ]
    assert open_, "the demo team has an open consent decision"
    page.goto(f"/decisions/{open_[0]['id']}")
    no_horizontal_scroll(page)
    check_axe(page, "decision on a phone")
    tab_to(page, page.get_by_role("radio", name=t("Agree"), exact=True))
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name=t("Agree"), exact=True)).to_be_checked()
    tab_to(page, page.get_by_label(t("Reason"), exact=False))
    page.keyboard.type("Sharing is why we are here.")
    tab_to(page, page.get_by_role("button", name=t("Vote")))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text(f"{t('You voted')} {t('Agree')}")).to_be_visible()
    agree_row = page.locator("tr", has=page.get_by_role("rowheader", name=t("Agree"), exact=True))
    expect(agree_row).to_contain_text("1")
    no_horizontal_scroll(page)
    check_axe(page, "decision after voting on a phone")
    shot(page, "together-decision-phone")

    # ---- a closed, blocked decision shows its block prominently, then its amendment
    blocked = [
        d
        for d in page.request.get(f"/api/initiatives/{thread['initiative_id']}/decisions").json()
        if d["status"] == "blocked"
    ]
    page.goto(f"/decisions/{blocked[0]['id']}")
    expect(
        page.get_by_role("heading", name=t("Blocked: this cannot pass while a block stands"))
    ).to_be_visible()
    amendment = t("decision %(amended_by_id)s", amended_by_id=blocked[0]["amended_by_id"])
    expect(page.get_by_role("link", name=amendment)).to_be_visible()
    check_axe(page, "blocked decision on a phone")
