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

import pytest
from playwright.sync_api import expect

from .conftest import Journey
from .helpers import (
    MEMBER,
    STEWARD,
    check_axe,
    fits,
    login,
    no_horizontal_scroll,
    open_menu,
    plural_re,
    shot,
    t,
    t_re,
)
from .test_phone_and_keyboard import tab_to

pytestmark = pytest.mark.journey

PASSWORD = "a long newcomer passphrase"


def movement(live: Any) -> str:
    return f"{live.slug}-movement"


def register(page: Any, email: str, name: str) -> None:
    """Fill the account form the page is on (the network, if any, is chosen already)."""
    page.get_by_label(t("E-mail address")).fill(email)
    page.get_by_label(t("Your name")).fill(name)
    page.get_by_label(t("Password")).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=t("Create the account")).click()


def unique(prefix: str) -> str:
    return f"{prefix}-{int(time.time() * 1000)}@example.org"


def test_newcomer_finds_the_movement_and_joins_at_once(phone_page: Any, live: Any) -> None:
    page = phone_page
    page.goto("/networks")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Networks"))
    no_horizontal_scroll(page)
    check_axe(page, "directory of networks on a phone")
    page.get_by_label(t("Words in the name or purpose")).fill("streets")
    page.get_by_role("button", name=t("Search")).click()
    cards = page.locator("ul.cards > li")
    expect(cards).to_have_count(1)
    page.get_by_role("link", name="Liveable Cities Movement").click()
    expect(page).to_have_url(re.compile(f"/n/{movement(live)}$"))
    expect(page.get_by_text(t("Anyone may join: you are a member at once."))).to_be_visible()
    no_horizontal_scroll(page)
    check_axe(page, "the movement's page on a phone")

    page.get_by_role("button", name=t("Join"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/register\?network={movement(live)}$"))
    expect(page.get_by_label(t("Join a network"))).to_have_value(movement(live))
    register(page, unique("newcomer"), "Nora Newcomer")
    expect(page).to_have_url(re.compile(f"/n/{movement(live)}$"))
    expect(page.get_by_role("heading", name=t("You are a member"))).to_be_visible()
    expect(page.get_by_text("Say what you care about")).to_be_visible()  # the welcome text
    nav = page.get_by_role("navigation", name=t("Main"))
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
    expect(nav.get_by_role("link", name=t_re("Current network:"))).to_have_attribute(
        "href", f"/n/{movement(live)}"
    )
    assert f'href="/n/{live.slug}/directory"' not in page.content()
    shot(page, "networks-newcomer-joined-phone")


def completeness(page: Any) -> int:
    return int(page.locator("#completeness-value").inner_text().rstrip("%"))


def complete_the_checklist(page: Any, slug: str) -> None:
    """Work through the first steps from the network's page: each one raises completeness."""
    steps = page.get_by_role("region", name=t("Your first steps"))
    expect(steps).to_be_visible()
    start = completeness(page)
    assert start < 100
    button = page.get_by_role("button", name=t("My privacy choices suit me"))
    tab_to(page, button)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    after_privacy = completeness(page)
    assert after_privacy > start
    expect(page.get_by_role("button", name=t("My privacy choices suit me"))).to_have_count(0)
    page.get_by_role("link", name=t("Say who you are in a headline")).click()
    page.get_by_label(t("Headline")).fill("Cycling parent, school-street organiser")
    page.get_by_label(t("Time zone")).fill("Europe/Lisbon")
    page.get_by_label(t("Capacity (hours per week)")).fill("4")
    page.get_by_label(t("Purposes")).fill("clean air, school streets")
    page.get_by_label(t("Capability %(i)s", i=1), exact=True).select_option("Community organising")
    page.get_by_label(t("Level of capability %(i)s", i=1)).select_option("3")
    page.get_by_role("button", name=t("Save the profile")).click()
    expect(page).to_have_url(re.compile(r"/actors/\d+\?saved=1$"))
    page.goto(f"/n/{slug}")
    assert completeness(page) == 83  # all but a first opportunity
    no_horizontal_scroll(page)
    check_axe(page, "checklist nearly done")
    api = page.request.get(f"/api/networks/{slug}/onboarding").json()
    assert api["completeness"] == 83
    assert [s["key"] for s in api["steps"] if not s["done"]] == ["opportunity"]


def test_request_to_join_is_accepted_and_the_person_is_told(
    page: Any, other_page: Any, live: Any, journey: Journey
) -> None:
    page.goto(f"/n/{live.slug}")
    reads = "A steward reads each request and accepts or declines it; you are told either way."
    expect(page.get_by_text(t(reads))).to_be_visible()
    fits(page)
    page.get_by_role("button", name=t("Ask to join")).click()
    email = unique("asker")
    asker = f"Asha Asker {journey.lang}"
    register(page, email, asker)
    expect(page.get_by_role("heading", name=t_re("Join %(page_name)s"))).to_be_visible()
    waiting = (
        "Your request to join is waiting for a steward. "
        "You will be told by e-mail when they decide."
    )
    expect(page.get_by_text(t(waiting))).to_be_visible()
    fits(page)
    check_axe(page, "demo network page, request waiting")

    steward = other_page
    login(steward, live, STEWARD)
    steward.goto(f"/n/{live.slug}")
    waiting_link = plural_re("%(num)s request to join waiting for a decision")
    steward.get_by_role("link", name=waiting_link).click()
    row = steward.get_by_role("row").filter(has_text=asker)
    row.get_by_role("button", name=t("Approve")).click()
    expect(steward.get_by_role("row").filter(has_text=asker)).to_have_count(1)  # a member

    page.goto("/me/notifications")
    accepted = t_re("Your request to join %(name)s was accepted: you are a member now.")
    expect(page.get_by_text(accepted)).to_be_visible()
    fits(page)
    check_axe(page, "notifications after acceptance")
    page.goto(f"/n/{live.slug}")
    expect(page.get_by_role("heading", name=t("You are a member"))).to_be_visible()
    outbox = steward.request.get("/api/dev/outbox")
    if outbox.ok:
        subjects = [m["subject"] for m in outbox.json() if m["to_addr"] == email]
        assert any(t_re("You are a member of %(name)s").search(s) for s in subjects), subjects


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (48, 48), (30, 110, 70)).save(out, format="PNG")
    return out.getvalue()


def test_steward_changes_policy_by_keyboard_and_uploads_a_logo(page: Any, live: Any) -> None:
    slug = movement(live)
    login(page, live, STEWARD)
    page.goto(f"/n/{slug}/settings")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        t_re("Settings of %(network_name)s")
    )
    fits(page)
    check_axe(page, "network settings")
    invitation = page.get_by_label(t("By invitation only: stewards invite people by e-mail"))
    tab_to(page, page.get_by_label(t("Open: anyone may join at once")))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(invitation).to_be_checked()
    save = page.get_by_role("button", name=t("Save the settings"))
    tab_to(page, save)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text(t("Settings saved."))
    try:
        page.get_by_label(t("Image")).set_input_files(
            files=[{"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": b"<svg/>"}]
        )
        page.get_by_role("button", name=t("Upload the logo")).click()
        unreadable = "the logo is not an image we can read (PNG, JPEG, GIF or WebP)"
        expect(page.get_by_role("alert")).to_contain_text(t(unreadable))
        fits(page)
        check_axe(page, "settings with an upload refused")
        page.get_by_label(t("Image")).set_input_files(
            files=[{"name": "logo.png", "mimeType": "image/png", "buffer": _png()}]
        )
        page.get_by_role("button", name=t("Upload the logo")).click()
        expect(page.get_by_role("status")).to_have_text(t("Logo saved."))
        page.goto(f"/n/{slug}")
        logo = t("Logo of %(page_name)s", page_name="Liveable Cities Movement")
        expect(page.get_by_role("img", name=logo)).to_be_visible()
        page.context.clear_cookies()
        page.goto(f"/n/{slug}")
        by_invitation = t_re("%(page_name)s takes members by invitation only.")
        expect(page.get_by_text(by_invitation)).to_be_visible()
        expect(page.get_by_role("button", name=re.compile(t("Join")))).to_have_count(0)
        check_axe(page, "invitation-only network, signed out")
        refused = page.request.post(f"/api/networks/{slug}/join", data={})
        assert refused.status in (401, 403), refused.status
    finally:
        page.context.clear_cookies()
        login(page, live, STEWARD)
        page.goto(f"/n/{slug}/settings")
        page.get_by_label(t("Open: anyone may join at once")).check()
        page.get_by_role("button", name=t("Save the settings")).click()
        expect(page.get_by_role("status")).to_have_text(t("Settings saved."))


def test_member_of_both_networks_switches_between_them(phone_page: Any, live: Any) -> None:
    page = phone_page
    login(page, live, MEMBER)
    page.goto(f"/n/{live.slug}/directory")
    open_menu(page)
    nav = page.get_by_role("navigation", name=t("Main"))
    current = nav.get_by_role("link", name=t_re("Current network:"))
    expect(current).to_have_attribute("href", f"/n/{live.slug}")
    nav.get_by_text(t("Switch network")).click()
    nav.get_by_role("link", name="Liveable Cities Movement").click()
    expect(page).to_have_url(re.compile(f"/n/{movement(live)}$"))
    no_horizontal_scroll(page)
    check_axe(page, "switched network on a phone")
    page.goto("/me/commitments")
    open_menu(page)
    expect(current).to_have_attribute("href", f"/n/{movement(live)}")
    expect(nav.get_by_role("link", name=t("Directory"))).to_have_attribute(
        "href", f"/n/{movement(live)}/directory"
    )


def test_steward_merges_two_capabilities(page: Any, live: Any) -> None:
    slug = movement(live)
    login(page, live, STEWARD)
    page.goto(f"/n/{slug}/settings")
    page.get_by_role("link", name=t("Vocabulary")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        t_re("Vocabulary of %(network_name)s")
    )
    fits(page)
    check_axe(page, "vocabulary")
    terms = {v["term"]: v for v in page.request.get(f"/api/networks/{slug}/vocabulary").json()}
    # Each variant merges a term of its own (the first run merged Campaigning away already).
    kept = "Community organising"
    merged = (
        "Campaigning" if "Campaigning" in terms else next(v for v in sorted(terms) if v != kept)
    )
    source, into = terms[merged], terms[kept]
    page.get_by_role("combobox", name=re.compile(f"^{t('Merge')}")).select_option(label=merged)
    page.get_by_role("combobox", name=re.compile(f"^{t('into')}")).select_option(label=kept)
    page.get_by_role("button", name=t("Merge"), exact=True).click()
    done = t_re(
        "Merged '%(merged)s' into '%(into)s': %(moved)s profile(s) moved, "
        "%(raised)s raised to a higher level, %(requirements)s role requirement(s) re-pointed.",
        merged=merged,
        into=kept,
    )
    expect(page.get_by_role("status")).to_contain_text(done)
    after = {v["term"]: v for v in page.request.get(f"/api/networks/{slug}/vocabulary").json()}
    assert merged not in after
    holders = after[kept]["actors"]
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
