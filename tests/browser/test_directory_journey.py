"""Directory journey: a member searches and filters the directory, opens an actor, and edits
their own profile (capabilities with levels, purposes, capacity, who sees each field); the
change shows on their page, and a field made private is hidden from another member."""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from .helpers import CONVENOR, MEMBER, check_axe, decimal, fits, login, shot, t, t_re

pytestmark = pytest.mark.journey


def api(page: Any, path: str) -> Any:
    """GET a JSON API path with the page's session (the same data the page shows)."""
    response = page.request.get(path)
    assert response.ok, (path, response.status, response.text()[:300])
    return response.json()


def matches(n: int) -> str:
    return t("%(num)s match", plural=n)


def pick_target(page: Any, slug: str, me: set[int]) -> dict[str, Any]:
    """A person whose profile exercises every filter: a capability at level 3 or more, a
    purpose, a time zone, a language and some free capacity the member may see."""
    found = api(page, f"/api/networks/{slug}/actors?kind=person&limit=500")["items"]
    for actor in found:
        if (
            actor["id"] not in me
            and actor["capabilities"]
            and actor["capabilities"][0]["level"] >= 3
            and actor["purposes"]
            and actor["timezone"]
            and actor["languages"]
            and (actor["free_hours"] or 0) >= 1
        ):
            return dict(actor)
    raise AssertionError("the demo network has no person fit to exercise every filter")


def test_member_searches_filters_and_edits_own_profile(
    page: Any, other_page: Any, live: Any
) -> None:
    slug = live.slug
    login(page, live, MEMBER)
    me = api(page, "/api/me")
    own = next(m["actor_id"] for m in me["memberships"] if m["network"] == slug)
    target = pick_target(page, slug, set(me["actor_ids"]))

    # ---- search and filter: each step narrows, the page agrees with the JSON API
    page.goto(f"/n/{slug}/directory")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        t_re("Directory of %(network_name)s")
    )
    fits(page)
    check_axe(page, "directory")
    capability = target["capabilities"][0]
    steps: list[tuple[str, str, Any]] = [
        ("Capability", "capability", capability["term"]),
        ("At least level", "min_level", str(capability["level"])),
        ("Purpose", "purpose", target["purposes"][0]),
        ("Sector", "sector", target["sector"]),
        ("Time zone", "timezone", target["timezone"]),
        ("Language", "language", target["languages"][0]),
        ("Free hours/week, at least", "min_free_hours", str(math.floor(target["free_hours"]))),
    ]
    query: dict[str, str] = {}
    previous = api(page, f"/api/networks/{slug}/actors?limit=1")["total"]
    form = page.get_by_role("search", name=t("Filter the directory"))
    for label, name, value in steps:
        field = form.get_by_label(t(label), exact=True)
        expect(field).to_have_attribute("name", name)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
        query[name] = value
        form.get_by_role("button", name=t("Search")).click()
        expected = api(page, f"/api/networks/{slug}/actors?{urlencode(query)}&limit=1")["total"]
        expect(page.locator("#result-count")).to_have_text(matches(expected))
        assert 1 <= expected <= previous, (name, expected, previous)
        previous = expected
        expect(page).to_have_url(re.compile(rf"[?&]{name}="))  # the search is linkable
    results = page.get_by_test_id("actor-results")
    card = results.get_by_role("link", name=target["name"], exact=True)
    expect(card).to_be_visible()
    fits(page)
    check_axe(page, "directory with every filter")
    shot(page, "directory-filtered")

    # ---- the actor page
    card.click()
    expect(page).to_have_url(re.compile(rf"/actors/{target['id']}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(target["name"])
    expect(page.get_by_role("cell", name=capability["term"], exact=True)).to_be_visible()
    fits(page)
    check_axe(page, "actor page")

    # ---- edit one's own profile, from the account page
    page.goto("/account")
    page.get_by_role("link", name=t("edit your profile")).first.click()
    expect(page).to_have_url(re.compile(rf"/actors/{own}/edit$"))
    fits(page)
    check_axe(page, "profile editor")
    before = api(page, f"/api/actors/{own}")
    held = {c["term"] for c in before["capabilities"]}
    vocabulary = page.locator("#cap-term-1 option").evaluate_all("os => os.map(o => o.value)")
    new_term = next(t for t in vocabulary if t and t not in held)
    rows = len(before["capabilities"])
    first_term = page.locator("#cap-term-1").input_value()
    first_level = 5 if int(page.locator("#cap-level-1").input_value()) != 5 else 4
    capacity = float(page.get_by_label(t("Capacity (hours per week)")).input_value() or 0)
    new_capacity = min(168.0, capacity + 1)

    level_of = "Level of capability %(i)s"
    page.get_by_label(t(level_of, i=1), exact=True).select_option(str(first_level))
    blank = rows + 1
    page.get_by_label(t("Capability %(i)s", i=blank), exact=True).select_option(new_term)
    page.get_by_label(t(level_of, i=blank), exact=True).select_option("4")
    evidence = page.get_by_label(t("Evidence for capability %(i)s", i=blank), exact=True)
    evidence.fill("Browser journeys")
    purposes = page.get_by_label(t("Purposes"), exact=True)
    purposes.fill(f"{purposes.input_value()}, browser journeys".lstrip(", "))
    page.get_by_label(t("Capacity (hours per week)")).fill(f"{new_capacity:g}")
    page.get_by_label(t("Who sees your capacity")).select_option("private")
    page.get_by_label(t("Who sees your e-mail and phone")).select_option("network")
    fits(page)
    page.get_by_role("button", name=t("Save the profile")).click()

    expect(page).to_have_url(re.compile(rf"/actors/{own}\?saved=1$"))
    expect(page.get_by_role("status")).to_contain_text(t("Your changes are saved."))
    table = page.get_by_role("table", name=t("Capabilities and levels"))
    expect(table.get_by_role("row", name=re.compile(rf"^{re.escape(new_term)} 4 "))).to_be_visible()
    expect(
        table.get_by_role("row", name=re.compile(rf"^{re.escape(first_term)} {first_level}\b"))
    ).to_be_visible()
    expect(page.locator(".tags .tag", has_text="browser journeys")).to_be_visible()
    capacity_shown = t_re(
        "%(capacity_hours)s h/week (%(free_hours)s free)", capacity_hours=decimal(new_capacity)
    )
    expect(page.locator('dd[data-field="capacity"]')).to_contain_text(capacity_shown)
    fits(page)
    check_axe(page, "own actor page after editing")
    shot(page, "profile-edited")

    # The JSON API tells the same story.
    after = api(page, f"/api/actors/{own}")
    levels = {c["term"]: c["level"] for c in after["capabilities"]}
    assert levels[new_term] == 4 and levels[first_term] == first_level
    assert "browser journeys" in after["purposes"]
    assert after["capacity_hours"] == new_capacity

    # ---- another member: the capacity made private is not shown, on the page or the API
    login(other_page, live, CONVENOR)
    other_page.goto(f"/actors/{own}")
    expect(other_page.get_by_role("heading", level=1)).to_have_text(after["name"])
    expect(other_page.locator('dd[data-field="capacity"]')).to_have_text(t("not shared"))
    expect(other_page.get_by_role("cell", name=new_term, exact=True)).to_be_visible()
    expect(other_page.get_by_role("link", name=t("Edit this profile"))).to_have_count(0)
    seen = api(other_page, f"/api/actors/{own}")
    assert seen["capacity_hours"] is None and "capacity" in seen["hidden"]
    assert not capacity_shown.search(other_page.content())
    # Nor can they open the editor.
    refused = other_page.goto(f"/actors/{own}/edit")
    assert refused is not None and refused.status == 403
    check_axe(other_page, "actor page seen by another member")
    shot(other_page, "profile-seen-by-another-member")
