"""The analyst's journey: the interdependence map in a real browser.

Colour by sector or community, size by a chosen metric, filter by tie type, move the time
slider over the yearly snapshots (by keyboard), find an actor and read its metrics and ties,
read the same data in the table view, download the map, and see what changed year by year.
"""

from __future__ import annotations

from typing import Any

import pytest
from babel.numbers import parse_decimal

from .helpers import (
    MEMBER,
    check_axe,
    fits,
    language,
    login,
    narrow,
    no_horizontal_scroll,
    shot,
    t,
    t_re,
)

pytestmark = pytest.mark.journey
DRAWN_MSG = "%(actors)s actors and %(pairs)s linked pairs drawn."

DRAWN = "#map-canvas[data-drawn=true]"


def _nodes(page: Any) -> int:
    return int(page.evaluate("() => document.querySelector('#map-canvas').dataset.nodes || -1"))


def _controls(page: Any, shown: bool) -> None:
    """On a phone the map's controls sit in a drawer at the foot of the screen: open it to use
    them, close it to reach what it covers (a no-op on a desktop, where they are inline)."""
    if not narrow():
        return
    drawer = page.locator("#map-drawer")
    if (drawer.get_attribute("open") is not None) != shown:
        drawer.locator("summary").click()
    assert (drawer.get_attribute("open") is not None) == shown


def test_analyst_explores_the_map(page: Any, live: Any) -> None:
    login(page, live, MEMBER)
    page.goto(f"/n/{live.slug}/map")
    page.wait_for_selector(DRAWN)
    status = page.locator("#map-status")
    assert t_re(DRAWN_MSG).search(status.inner_text()), status.inner_text()
    total = _nodes(page)
    assert total > 200  # the demo network's actors are drawn (private ones are not)
    assert page.locator("canvas").count() > 0  # sigma's WebGL layers
    fits(page)
    check_axe(page, "map")
    _controls(page, shown=True)

    # colour by community, size by betweenness: the drawing changes in place
    colours_before = page.evaluate("() => window.coalitionMap.colours()")
    page.get_by_label(t("Colour by")).select_option("community")
    assert page.evaluate("() => window.coalitionMap.colours()") != colours_before
    sizes_before = page.evaluate("() => window.coalitionMap.sizes()")
    page.get_by_label(t("Size by")).select_option("betweenness")
    assert page.evaluate("() => window.coalitionMap.sizes()") != sizes_before
    # the table view follows: ordered by betweenness, highest first
    table = page.locator("#map-table")
    assert table.locator("thead th").nth(3).inner_text() == t("Betweenness")
    shown = [  # numbers in the page's locale: "1,234.5" (en), "1234,5" (es)
        float(parse_decimal(x.strip(), locale=language(), strict=False))
        for x in table.locator("tbody tr td:nth-child(4)").all_inner_texts()[:20]
    ]
    assert shown == sorted(shown, reverse=True) and shown[0] > 0

    # tie-type filter: only collaborations -> fewer linked pairs
    edges_all = page.evaluate("() => window.coalitionMap.edges()")
    for box in page.locator("input[name=types]").all():
        if box.get_attribute("value") != "collaborated":
            box.uncheck()
    page.wait_for_function(f"() => window.coalitionMap.edges() < {edges_all}")
    assert page.evaluate("() => window.coalitionMap.query()") == "?types=collaborated"

    # the time slider, by keyboard: Home = the first year, End = all time
    slider = page.get_by_label(t("Period:").rstrip(":"))
    slider.focus()
    page.keyboard.press("Home")
    first = page.locator("#map-period").inner_text()
    assert first.isdigit()
    page.wait_for_function(f"() => window.coalitionMap.query().includes('period={first}')")
    page.wait_for_function("() => window.coalitionMap.loading() === false")
    in_first_year = page.evaluate("() => window.coalitionMap.nodes()")
    page.keyboard.press("End")
    assert page.locator("#map-period").inner_text() == t("all time")
    page.wait_for_function(f"() => window.coalitionMap.nodes() > {in_first_year}")

    # find an actor by name: its metrics and ties open in the side panel
    name = page.locator("#map-table tbody tr td a").first.inner_text()
    search = page.get_by_label(t("Find an actor"))
    search.fill(name)
    search.press("Enter")
    details = page.locator("#map-details")
    details.get_by_role("link", name=name).wait_for()
    assert t("PageRank") in details.inner_text()
    page.locator("#map-actor-ties li").first.wait_for()
    _controls(page, shown=False)
    assert "→" in details.inner_text() or "←" in details.inner_text()

    # the table view has the same actors; downloads are real files
    assert page.locator("#map-table tbody tr").count() >= 50
    with page.expect_download() as info:
        page.get_by_role("link", name="GEXF 1.3 (Gephi)").click()
    path = info.value.path()
    head = open(path, "rb").read(400)
    assert b"<gexf" in head
    fits(page)
    shot(page, "map")

    page.get_by_role("link", name=t("What changed, year by year")).click()
    page.get_by_role("heading", name=t("What changed")).wait_for()
    assert page.locator("section.change").count() >= 1
    fits(page)
    check_axe(page, "map changes")
    shot(page, "map-changes")


def test_map_on_a_phone(phone_page: Any, live: Any) -> None:
    login(phone_page, live, MEMBER)
    phone_page.goto(f"/n/{live.slug}/map")
    phone_page.wait_for_selector(DRAWN)
    no_horizontal_scroll(phone_page)
    check_axe(phone_page, "map on a phone")
    shot(phone_page, "map-phone")
