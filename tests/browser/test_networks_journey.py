"""Networks journeys: a newcomer on a phone finds the open movement in the directory of
networks, joins it at once and works through the first-steps checklist; a person asks to join
the approval-only demo network and is told when a steward accepts; a steward changes the
movement's join policy by keyboard and uploads a logo (a wrong file is refused with a clear
message); a member of both networks switches between them and the navigation keeps to networks
they are in."""

from __future__ import annotations

import io
import re
import time
from typing import Any

from playwright.sync_api import expect

from .helpers import (
    MEMBER,
    STEWARD,
    check_axe,
    login,
    no_horizontal_scroll,
    open_menu,
    shot,
)
from .test_phone_and_keyboard import tab_to

PASSWORD = "a long newcomer passphrase"


def movement(live: Any) -> str:
    return f"{live.slug}-movement"


def register(page: Any, email: str, name: str) -> None:
    """Fill the account form the page is on (the network, if any, is chosen already)."""
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Create the account").click()


def unique(prefix: str) -> str:
    return f"{prefix}-{int(time.time() * 1000)}@example.org"


def test_newcomer_finds_the_movement_and_joins_at_once(phone_page: Any, live: Any) -> None:
    page = phone_page
    page.goto("/networks")
    expect(page.get_by_role("heading", level=1)).to_have_text("Networks")
    no_horizontal_scroll(page)
    check_axe(page, "directory of networks on a phone")
    page.get_by_label("Words in the name or purpose").fill("streets")
    page.get_by_role("button", name="Search").click()
    cards = page.locator("ul.cards > li")
    expect(cards).to_have_count(1)
    page.get_by_role("link", name="Liveable Cities Movement").click()
    expect(page).to_have_url(re.compile(f"/n/{movement(live)}$"))
    expect(page.get_by_text("Anyone may join: you are a member at once.")).to_be_visible()
    no_horizontal_scroll(page)
    check_axe(page, "the movement's page on a phone")

    page.get_by_role("button", name="Join", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/register\?network={movement(live)}$"))
    expect(page.get_by_label("Join a network")).to_have_value(movement(live))
    register(page, unique("newcomer"), "Nora Newcomer")
    expect(page).to_have_url(re.compile(f"/n/{movement(live)}$"))
    expect(page.get_by_role("heading", name="You are a member")).to_be_visible()
    expect(page.get_by_text("Say what you care about")).to_be_visible()  # the welcome text
    nav = page.get_by_role("navigation", name="Main")
    open_menu(page)
    expect(nav.get_by_role("link", name=re.compile("Liveable Cities Movement"))).to_be_visible()
    no_horizontal_scroll(page)
    check_axe(page, "the movement's page, as a new member")
    complete_the_checklist(page, movement(live))
    me = page.request.get("/api/me").json()
    assert [m["network"] for m in me["memberships"]] == [movement(live)]
    # The navigation never falls back to a network the person is not in.
    page.goto("/account")
    open_menu(page)
    expect(nav.get_by_role("link", name=re.compile("Current network"))).to_have_attribute(
        "href", f"/n/{movement(live)}"
    )
    assert f'href="/n/{live.slug}/directory"' not in page.content()
    shot(page, "networks-newcomer-joined-phone")


def completeness(page: Any) -> int:
    return int(page.locator("#completeness-value").inner_text().rstrip("%"))


def complete_the_checklist(page: Any, slug: str) -> None:
    """Work through the first steps from the network's page: each one raises completeness."""
    steps = page.get_by_role("region", name="Your first steps")
    expect(steps).to_be_visible()
    start = completeness(page)
    assert start < 100
    button = page.get_by_role("button", name="My privacy choices suit me")
    tab_to(page, button)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    after_privacy = completeness(page)
    assert after_privacy > start
    expect(page.get_by_role("button", name="My privacy choices suit me")).to_have_count(0)
    page.get_by_role("link", name="Say who you are in a headline").click()
    page.get_by_label("Headline").fill("Cycling parent, school-street organiser")
    page.get_by_label("Time zone").fill("Europe/Lisbon")
    page.get_by_label("Capacity (hours per week)").fill("4")
    page.get_by_label("Purposes").fill("clean air, school streets")
    page.get_by_label("Capability 1", exact=True).select_option("Community organising")
    page.get_by_label("Level of capability 1").select_option("3")
    page.get_by_role("button", name="Save the profile").click()
    expect(page).to_have_url(re.compile(r"/actors/\d+\?saved=1$"))
    page.goto(f"/n/{slug}")
    assert completeness(page) == 83  # all but a first opportunity
    no_horizontal_scroll(page)
    check_axe(page, "checklist nearly done")
    api = page.request.get(f"/api/networks/{slug}/onboarding").json()
    assert api["completeness"] == 83
    assert [s["key"] for s in api["steps"] if not s["done"]] == ["opportunity"]


def test_request_to_join_is_accepted_and_the_person_is_told(
    page: Any, other_page: Any, live: Any
) -> None:
    page.goto(f"/n/{live.slug}")
    expect(page.get_by_text("A steward reads each request")).to_be_visible()
    page.get_by_role("button", name="Ask to join").click()
    email = unique("asker")
    register(page, email, "Asha Asker")
    expect(page.get_by_role("heading", name=re.compile("Join"))).to_be_visible()
    expect(page.get_by_text("Your request to join is waiting for a steward")).to_be_visible()
    check_axe(page, "demo network page, request waiting")

    steward = other_page
    login(steward, live, STEWARD)
    steward.goto(f"/n/{live.slug}")
    steward.get_by_role("link", name=re.compile("request.* to join waiting")).click()
    row = steward.get_by_role("row").filter(has_text="Asha Asker")
    row.get_by_role("button", name="Approve").click()
    expect(steward.get_by_role("row").filter(has_text="Asha Asker")).to_have_count(1)  # a member

    page.goto("/me/notifications")
    expect(page.get_by_text(re.compile("Your request to join .* was accepted"))).to_be_visible()
    check_axe(page, "notifications after acceptance")
    page.goto(f"/n/{live.slug}")
    expect(page.get_by_role("heading", name="You are a member")).to_be_visible()
    outbox = steward.request.get("/api/dev/outbox")
    if outbox.ok:
        subjects = [m["subject"] for m in outbox.json() if m["to_addr"] == email]
        assert any("You are a member" in s for s in subjects), subjects


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (48, 48), (30, 110, 70)).save(out, format="PNG")
    return out.getvalue()


def test_steward_changes_policy_by_keyboard_and_uploads_a_logo(page: Any, live: Any) -> None:
    slug = movement(live)
    login(page, live, STEWARD)
    page.goto(f"/n/{slug}/settings")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Settings of")
    check_axe(page, "network settings")
    invitation = page.get_by_label("By invitation only", exact=False)
    tab_to(page, page.get_by_label("Open: anyone may join at once"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(invitation).to_be_checked()
    save = page.get_by_role("button", name="Save the settings")
    tab_to(page, save)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Settings saved.")
    try:
        page.get_by_label("Image").set_input_files(
            files=[{"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": b"<svg/>"}]
        )
        page.get_by_role("button", name="Upload the logo").click()
        expect(page.get_by_role("alert")).to_contain_text("not an image we can read")
        check_axe(page, "settings with an upload refused")
        page.get_by_label("Image").set_input_files(
            files=[{"name": "logo.png", "mimeType": "image/png", "buffer": _png()}]
        )
        page.get_by_role("button", name="Upload the logo").click()
        expect(page.get_by_role("status")).to_have_text("Logo saved.")
        page.goto(f"/n/{slug}")
        expect(page.get_by_role("img", name="Logo of Liveable Cities Movement")).to_be_visible()
        page.context.clear_cookies()
        page.goto(f"/n/{slug}")
        expect(page.get_by_text("takes members by invitation only")).to_be_visible()
        expect(page.get_by_role("button", name=re.compile("Join"))).to_have_count(0)
        check_axe(page, "invitation-only network, signed out")
        refused = page.request.post(f"/api/networks/{slug}/join", data={})
        assert refused.status in (401, 403), refused.status
    finally:
        page.context.clear_cookies()
        login(page, live, STEWARD)
        page.goto(f"/n/{slug}/settings")
        page.get_by_label("Open: anyone may join at once").check()
        page.get_by_role("button", name="Save the settings").click()
        expect(page.get_by_role("status")).to_have_text("Settings saved.")


def test_member_of_both_networks_switches_between_them(phone_page: Any, live: Any) -> None:
    page = phone_page
    login(page, live, MEMBER)
    page.goto(f"/n/{live.slug}/directory")
    open_menu(page)
    nav = page.get_by_role("navigation", name="Main")
    current = nav.get_by_role("link", name=re.compile("Current network"))
    expect(current).to_have_attribute("href", f"/n/{live.slug}")
    nav.get_by_text("Switch network").click()
    nav.get_by_role("link", name="Liveable Cities Movement").click()
    expect(page).to_have_url(re.compile(f"/n/{movement(live)}$"))
    no_horizontal_scroll(page)
    check_axe(page, "switched network on a phone")
    page.goto("/me/commitments")
    open_menu(page)
    expect(current).to_have_attribute("href", f"/n/{movement(live)}")
    expect(nav.get_by_role("link", name="Directory")).to_have_attribute(
        "href", f"/n/{movement(live)}/directory"
    )


def test_steward_merges_two_capabilities(page: Any, live: Any) -> None:
    slug = movement(live)
    login(page, live, STEWARD)
    page.goto(f"/n/{slug}/settings")
    page.get_by_role("link", name="Vocabulary").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vocabulary of")
    check_axe(page, "vocabulary")
    terms = {t["term"]: t for t in page.request.get(f"/api/networks/{slug}/vocabulary").json()}
    source, into = terms["Campaigning"], terms["Community organising"]
    page.get_by_role("combobox", name=re.compile("^Merge")).select_option(label="Campaigning")
    page.get_by_role("combobox", name=re.compile("^into")).select_option(
        label="Community organising"
    )
    page.get_by_role("button", name="Merge", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        "Merged 'Campaigning' into 'Community organising'"
    )
    after = {t["term"]: t for t in page.request.get(f"/api/networks/{slug}/vocabulary").json()}
    assert "Campaigning" not in after
    holders = after["Community organising"]["actors"]
    assert max(into["actors"], source["actors"]) <= holders <= into["actors"] + source["actors"]
    check_axe(page, "vocabulary after a merge")


def test_steward_pages_fit_a_phone(phone_page: Any, live: Any) -> None:
    page = phone_page
    login(page, live, STEWARD)
    for path in (f"/n/{live.slug}/settings", f"/n/{live.slug}/capabilities", f"/n/{live.slug}"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        no_horizontal_scroll(page)
        check_axe(page, f"{path} on a phone")
