"""Phone width and keyboard: the directory search and voting work on a 390 px wide screen
without the page scrolling sideways, and with the keyboard alone (Tab to a control, Enter or
Space to use it), the focused control always visibly marked."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .helpers import STEWARD, check_axe, login, no_horizontal_scroll, shot

MAX_TABS = 120


def focused(locator: Any) -> bool:
    return bool(locator.evaluate("e => e === document.activeElement"))


def tab_to(page: Any, locator: Any) -> None:
    """Press Tab until ``locator`` has the focus; fail if it is never reached."""
    for _ in range(MAX_TABS):
        if locator.count() == 1 and focused(locator):
            assert_visible_focus(page)
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{locator} never received the focus by Tab")


def assert_visible_focus(page: Any) -> None:
    style = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return [s.outlineStyle, parseFloat(s.outlineWidth) || 0,
                           document.activeElement.outerHTML.slice(0, 120)]; }"""
    )
    assert style[0] != "none" and style[1] >= 2, f"no visible focus on {style[2]} ({style})"


def sign_in_by_keyboard(page: Any, live: Any, email: str) -> None:
    page.goto("/login")
    tab_to(page, page.get_by_label("E-mail address"))
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type("coalition-demo")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/login" not in page.url, "the keyboard sign-in failed"


def test_directory_search_on_a_phone_with_the_keyboard(phone_page: Any, live: Any) -> None:
    page = phone_page
    sign_in_by_keyboard(page, live, STEWARD)
    page.goto(f"/n/{live.slug}/directory")
    no_horizontal_scroll(page)
    check_axe(page, "directory on a phone")
    total = int(page.locator("#result-count").inner_text().split()[0])

    # Skip the navigation, then fill the search by keyboard.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert focused(skip), "the first Tab reaches the skip link"
    assert_visible_focus(page)
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Name or headline"))
    tab_to(page, page.get_by_label("Sector", exact=True))
    page.keyboard.press("ArrowDown")  # business, the first sector
    expect(page.get_by_label("Sector", exact=True)).to_have_value("business")
    tab_to(page, page.get_by_role("button", name="Search"))
    page.keyboard.press("Enter")
    expected = page.request.get(f"/api/networks/{live.slug}/actors?sector=business&limit=1")
    n = expected.json()["total"]
    assert 0 < n < total
    expect(page.locator("#result-count")).to_have_text(f"{n} match{'es' if n != 1 else ''}")
    no_horizontal_scroll(page)

    # Tab to the first result and open it with Enter.
    first = page.get_by_test_id("actor-results").get_by_role("link").first
    name = first.inner_text()
    tab_to(page, first)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    no_horizontal_scroll(page)
    check_axe(page, "actor page on a phone")
    shot(page, "phone-actor")


def test_voting_on_a_phone_with_the_keyboard(phone_page: Any, live: Any) -> None:
    page = phone_page
    login(page, live, STEWARD)
    conversations = page.request.get(f"/api/networks/{live.slug}/conversations").json()
    conversation = max(conversations, key=lambda c: c["n_statements"])
    page.goto(f"/conversations/{conversation['id']}")
    no_horizontal_scroll(page)
    card = page.locator(".statement-card")
    expect(card).to_have_count(1)
    check_axe(page, "conversation on a phone")

    for key, choice, verdict in (
        ("Space", "Agree", "You agree"),
        ("Enter", "Disagree", "You disagree"),
    ):
        if not card.count():
            break
        text = card.locator(".statement-text").inner_text()
        tab_to(page, card.get_by_role("button", name=choice, exact=True))
        page.keyboard.press(key)
        row = page.get_by_role("row").filter(
            has=page.get_by_role("rowheader", name=text, exact=True)
        )
        expect(row.locator(".your-vote")).to_have_text(verdict)
        no_horizontal_scroll(page)

    # Add a statement by keyboard alone.
    tab_to(page, page.get_by_label("Add a statement (one idea, short)"))
    page.keyboard.type("Share the meeting notes within a week")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("rowheader", name="Share the meeting notes within a week")
    ).to_have_count(1)
    no_horizontal_scroll(page)

    page.get_by_role("link", name="Opinion map").first.click()
    expect(page).to_have_url(re.compile(r"/results$"))
    no_horizontal_scroll(page)
    check_axe(page, "results on a phone")
    shot(page, "phone-results")
