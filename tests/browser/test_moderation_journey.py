"""Moderator journey: a member puts a statement; a steward clears the moderation queue
(rejects it with a reason), switches to strict moderation and back; the member never saw
another statement's tallies before voting on it."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from .helpers import MEMBER, STEWARD, check_axe, fits, login, t

pytestmark = pytest.mark.journey


def test_a_steward_clears_the_queue(page: Any, other_page: Any, live: Any) -> None:
    login(page, live, MEMBER)
    conversations = page.request.get(f"/api/networks/{live.slug}/conversations").json()
    conversation = max(conversations, key=lambda c: c["n_votes"])
    cid = conversation["id"]
    page.goto(f"/conversations/{cid}")
    # anti-herding: a statement not voted on shows no tallies
    card = page.locator(".statement-card")
    if card.count():
        text = card.locator(".statement-text").inner_text()
        row = page.get_by_role("row").filter(
            has=page.get_by_role("rowheader", name=text, exact=True)
        )
        expect(row).to_contain_text(t("Vote to see the tallies"))
    mine = f"Buy my course today ({time.time_ns() % 10**6})"
    page.get_by_label(t("Add a statement (one idea, short)")).fill(mine)
    page.get_by_role("button", name=t("Add statement")).click()
    expect(page.get_by_role("rowheader", name=mine, exact=True)).to_be_visible()
    fits(page)

    login(other_page, live, STEWARD)
    other_page.goto(f"/conversations/{cid}")
    other_page.get_by_role("link", name=t("Moderation queue")).click()
    expect(other_page).to_have_url(re.compile(rf"/conversations/{cid}/moderation$"))
    check_axe(other_page, "moderation queue")
    while other_page.locator("#queue .statement-card").count():
        first = other_page.locator("#queue .statement-card").first
        first.get_by_label(t("Reason to reject")).fill("an advertisement")
        first.get_by_role("button", name=t("Reject"), exact=True).click()
        expect(other_page).to_have_url(re.compile(r"/moderation#queue$"))
    expect(other_page.locator("#queue-empty")).to_have_text(t("Nothing awaits moderation."))
    decided = other_page.get_by_role("row").filter(
        has=other_page.get_by_role("rowheader", name=mine, exact=True)
    )
    expect(decided).to_contain_text(t("rejected"))
    expect(decided).to_contain_text("an advertisement")
    other_page.get_by_role("button", name=t("Switch to strict moderation")).click()
    expect(other_page.locator("#mode")).to_contain_text(t("Strict"))
    check_axe(other_page, "moderation queue, strict")
    other_page.get_by_role("button", name=t("Switch to open moderation")).click()
    expect(other_page.locator("#mode")).to_contain_text(t("Open"))

    page.reload()  # the member no longer sees the rejected statement
    expect(page.get_by_role("rowheader", name=mine, exact=True)).to_have_count(0)
    fits(page)
