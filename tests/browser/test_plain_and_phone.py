"""Plain words and phones (issue 19): the menu button at 390 px (with and without JavaScript,
by keyboard), no page wider than a 320 px screen, tables as cards that keep every column, the
glossary reachable and axe-clean, the map's header following the time slider and its Show
button finding the actor in place."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .helpers import MEMBER, check_axe, login, no_horizontal_scroll, shot

DRAWN = "#map-canvas[data-drawn=true]"


def _main_pages(slug: str) -> list[str]:
    return [
        "/",
        "/networks",
        f"/n/{slug}",
        f"/n/{slug}/directory",
        f"/n/{slug}/initiatives",
        f"/n/{slug}/conversations",
        f"/n/{slug}/outcomes",
        f"/n/{slug}/decisions",
        f"/n/{slug}/map",
        "/me/invitations",
        "/me/commitments",
        "/me/threads",
        "/me/notifications",
        "/account",
        "/welcome",
        "/help/glossary",
    ]


def _fits(page: Any, width: int) -> None:
    """The visual check of the issue: the document is no wider than the window."""
    page.wait_for_load_state("load")
    scroll, inner = page.evaluate(
        "() => [document.scrollingElement.scrollWidth, window.innerWidth]"
    )
    if scroll > inner:
        texts = page.evaluate(
            """(limit) => {
                const out = [], walk = document.createTreeWalker(document.body, 4);
                for (let n = walk.nextNode(); n; n = walk.nextNode()) {
                    const r = document.createRange(); r.selectNodeContents(n);
                    const b = r.getBoundingClientRect();
                    if (b.right > limit && n.textContent.trim()) {
                        const t = n.textContent.trim().slice(0, 40);
                        out.push(n.parentElement.tagName + ': ' + t);
                    }
                }
                return out.slice(0, 5);
            }""",
            width + 1,
        )
        raise AssertionError(f"{page.url} is {scroll}px wide at {inner}px; text: {texts}")
    assert inner == width
    no_horizontal_scroll(page)


def test_menu_button_opens_the_navigation_on_a_phone(phone_page: Any, live: Any) -> None:
    page = phone_page
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    networks = nav.get_by_role("link", name="Networks")
    expect(networks).to_be_hidden()
    # By keyboard: skip link, brand, then the menu's checkbox; Space opens it.
    toggle = page.locator("#nav-toggle")
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == (
            "nav-toggle"
        ):
            break
    assert page.evaluate("() => document.activeElement.id") == "nav-toggle"
    page.keyboard.press("Space")
    expect(toggle).to_be_checked()
    expect(networks).to_be_visible()
    box = networks.bounding_box()
    assert box is not None and box["height"] >= 44  # a touch target
    menu = page.locator("label.nav-button").bounding_box()
    assert menu is not None and menu["height"] >= 44
    check_axe(page, "navigation open on a phone")
    networks.click()
    expect(page).to_have_url(re.compile("/networks$"))
    # Visitors are not offered personal pages.
    assert page.locator("a[href='/me/invitations']").count() == 0
    assert page.locator("a[href='/me/commitments']").count() == 0


def test_menu_button_works_without_javascript(browser: Any, live: Any) -> None:
    context = browser.new_context(
        base_url=live.url, java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    try:
        page = context.new_page()
        page.goto("/")
        link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Networks")
        expect(link).to_be_hidden()
        page.locator("label.nav-button").click()
        expect(link).to_be_visible()
    finally:
        context.close()


def test_no_page_scrolls_sideways_at_320_px(browser: Any, live: Any) -> None:
    context = browser.new_context(
        base_url=live.url,
        viewport={"width": 320, "height": 640},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=1,
    )
    try:
        page = context.new_page()
        login(page, live, MEMBER)
        for path in _main_pages(live.slug):
            page.goto(path)
            expect(page.get_by_role("heading", level=1).first).to_be_visible()
            _fits(page, 320)
        page.goto(f"/n/{live.slug}/map")
        page.wait_for_selector(DRAWN)
        _fits(page, 320)
        shot(page, "map-320")
    finally:
        context.close()


def test_tables_become_cards_with_every_column(phone_page: Any, live: Any) -> None:
    page = phone_page
    login(page, live, MEMBER)
    page.goto(f"/n/{live.slug}/initiatives")
    table = page.locator("table[data-cards]").first
    expect(table).to_be_attached()
    heads = [t.strip() for t in table.locator("thead th").all_inner_texts()]
    row = table.locator("tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    cells = row.locator("td, th")
    assert cells.count() == len(heads)
    for i in range(cells.count()):
        cell = cells.nth(i)
        assert cell.get_attribute("data-label") == heads[i]
        if cell.inner_text().strip():
            expect(cell).to_be_visible()
            box = cell.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 391
    no_horizontal_scroll(page)
    check_axe(page, "initiatives as cards")
    # The commitments page keeps its last column ("Step back") on a phone.
    page.goto("/me/commitments")
    step_back = page.get_by_role("button", name=re.compile("^Step back from"))
    if step_back.count():
        expect(step_back.first).to_be_visible()
        box = step_back.first.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 391 and box["height"] >= 44
    no_horizontal_scroll(page)
    shot(page, "commitments-phone")


def test_glossary_is_reachable_and_accessible(page: Any, live: Any) -> None:
    login(page, live, MEMBER)
    page.goto(f"/n/{live.slug}/map")
    page.wait_for_selector(DRAWN)
    name = page.locator("#map-table tbody tr td a").first.inner_text()
    search = page.get_by_label("Find an actor")
    search.fill(name)
    search.press("Enter")
    details = page.locator("#map-details")
    details.get_by_role("link", name=name).wait_for()
    constraint = details.locator("abbr", has_text="Constraint")
    assert "contacts" in (constraint.get_attribute("title") or "")
    details.get_by_role("link", name=re.compile("What “Constraint” means")).click()
    expect(page).to_have_url(re.compile("/help/glossary#constraint$"))
    expect(page.locator("#constraint")).to_be_visible()
    check_axe(page, "glossary")
    page.goto("/")
    page.get_by_role("link", name="Words explained").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Words explained")
    page.goto("/welcome")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    check_axe(page, "welcome")


def test_new_pages_are_axe_clean_on_a_phone(phone_page: Any, live: Any) -> None:
    login(phone_page, live, MEMBER)
    for path in ("/help/glossary", "/welcome", f"/n/{live.slug}/map"):
        phone_page.goto(path)
        check_axe(phone_page, f"{path} on a phone")


def test_map_header_follows_the_time_slider(page: Any, live: Any) -> None:
    login(page, live, MEMBER)
    page.goto(f"/n/{live.slug}/map")
    page.wait_for_selector(DRAWN)
    header = page.locator("#map-header")
    assert "over all time" in header.inner_text()
    slider = page.get_by_label("Period")
    slider.focus()
    page.keyboard.press("Home")
    year = page.locator("#map-period").inner_text()
    page.wait_for_function(f"() => window.coalitionMap.query().includes('period={year}')")
    page.wait_for_function("() => window.coalitionMap.loading() === false")
    expect(page.locator("#map-when")).to_have_text(f", in {year}")
    expected = page.request.get(f"/api/networks/{live.slug}/map?period={year}").json()
    n = expected["summary"]["n_actors"]
    assert n == page.evaluate("() => window.coalitionMap.nodes()")
    expect(page.locator("#map-counts")).to_contain_text(f"{n:,} actors")
    assert "over all time" not in header.inner_text()


def test_map_show_button_finds_the_actor_without_reloading(page: Any, live: Any) -> None:
    login(page, live, MEMBER)
    page.goto(f"/n/{live.slug}/map")
    page.wait_for_selector(DRAWN)
    name = page.locator("#map-table tbody tr td a").nth(2).inner_text()
    page.evaluate("() => { window.notReloaded = true; }")
    page.get_by_label("Find an actor").fill(name)
    page.get_by_role("button", name="Show", exact=True).click()
    page.locator("#map-details").get_by_role("link", name=name).wait_for()
    assert page.evaluate("() => window.notReloaded === true"), "the page reloaded"
    assert page.evaluate("() => window.coalitionMap.selected()") is not None
    assert "q=" not in page.url


def test_map_controls_are_a_drawer_on_a_phone(phone_page: Any, live: Any) -> None:
    page = phone_page
    login(page, live, MEMBER)
    page.goto(f"/n/{live.slug}/map")
    page.wait_for_selector(DRAWN)
    drawer = page.locator("#map-drawer")
    summary = drawer.locator("summary")
    box = summary.bounding_box()
    assert box is not None and box["y"] + box["height"] >= 844 - 2  # at the bottom
    assert box["height"] >= 44
    expect(page.get_by_label("Find an actor")).to_be_hidden()
    summary.click()
    expect(page.get_by_label("Find an actor")).to_be_visible()
    check_axe(page, "map drawer open on a phone")
