"""An invitation's conversation, on a phone and by keyboard, in English and in Spanish: the demo
member opens the messages of the invitation they accepted (demo_together.py seats them through
one), writes to the convenor with Markdown, and reads it back; the page is 390 px wide without
sideways scrolling and axe-clean; another member is refused the conversation."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from .helpers import CONVENOR, MEMBER, check_axe, login, no_horizontal_scroll, t
from .test_phone_and_keyboard import tab_to

pytestmark = pytest.mark.journey


def test_member_writes_to_the_convenor_on_the_invitation_by_keyboard_on_a_phone(
    phone_page: Any, other_page: Any, live: Any
) -> None:
    page = phone_page
    login(page, live, MEMBER)
    mine = page.request.get("/api/me/invitations").json()["invitations"]
    assert mine, "the demo member holds an invitation (demo_together.py)"
    invitation = mine[0]

    page.goto("/me/invitations")
    link = page.locator(f'a[href="/invitations/{invitation["id"]}"]').first
    tab_to(page, link)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=t("Messages"))).to_be_visible()
    no_horizontal_scroll(page)
    check_axe(page, "invitation messages on a phone")

    words = f"Could we start *in May*? ({time.time_ns() % 10**9})"
    tab_to(page, page.get_by_label(t("Your message (Markdown, up to 2,000 characters)")))
    page.keyboard.type(words)
    tab_to(page, page.get_by_role("button", name=t("Send message")))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    last = page.locator(".post").last
    expect(last.locator("em")).to_have_text("in May")
    expect(last).to_contain_text(t("invited member"))
    no_horizontal_scroll(page)
    check_axe(page, "invitation messages after writing, on a phone")

    # Someone who is neither side is refused the conversation (the demo convenor account
    # convenes other initiatives; it reads this one only if it is this initiative's convenor).
    login(other_page, live, CONVENOR)
    answer = other_page.request.get(f"/api/invitations/{invitation['id']}/messages")
    if answer.status == 200:
        assert answer.json()["my_side"] == "convenor"
        assert any(words.split(" (")[0].replace("*", "") in m["body"].replace("*", "")
                   for m in answer.json()["items"])  # fmt: skip
    else:
        assert answer.status in (403, 404)
        assert words not in answer.text()
