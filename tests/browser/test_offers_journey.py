"""Open calls and offers, on phones (390 px) and by keyboard, in English and in Spanish: a member
finds an opportunity, offers, is accepted; the convenor changes the role's hours, sees the re-
confirmation the member then gives, and closes the initiative (the engagement ends, its hours
return). Every page is axe-clean and without sideways scrolling.

The convenor opens a new initiative of their own through the JSON API, so the journey depends on
no other test's changes."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from .helpers import CONVENOR, MEMBER, check_axe, login, no_horizontal_scroll, shot, t
from .test_member_journey import capacity_of, post
from .test_phone_and_keyboard import tab_to

pytestmark = pytest.mark.journey


def test_member_offers_is_accepted_and_convenor_edits_and_closes(
    phone_page: Any, other_page: Any, live: Any
) -> None:
    page, convenor = phone_page, other_page
    convenor.set_viewport_size({"width": 390, "height": 844})
    slug = live.slug
    login(page, live, MEMBER)
    me = page.request.get("/api/me").json()
    member_actor = next(m["actor_id"] for m in me["memberships"] if m["network"] == slug)
    profile = page.request.get(f"/api/actors/{member_actor}").json()
    term = profile["capabilities"][0]["term"]
    free_before = capacity_of(page, member_actor)["free_hours"]
    assert free_before >= 1

    # ---- the convenor opens a forming initiative whose role fits the member
    login(convenor, live, CONVENOR)
    title = f"Open call journey {time.time_ns() % 10**9}"
    initiative = post(
        convenor,
        f"/api/networks/{slug}/initiatives",
        {
            "kind": "project",
            "title": title,
            "purpose": profile["purpose_text"] or "Community work",
            "status": "forming",
            "roles": [
                {
                    "title": "Open seat",
                    "seats": 2,
                    "hours_per_week": 1.0,
                    "requirements": [{"capability": term, "min_level": 1}],
                }
            ],
        },
    )
    iid, role_id = initiative["id"], initiative["roles"][0]["id"]
    convenor.goto(f"/initiatives/{iid}/manage")
    no_horizontal_scroll(convenor)
    check_axe(convenor, "the convenor's page on a phone")
    with convenor.expect_navigation():
        convenor.get_by_role("button", name=t("Open to the network")).click()
    heading = f"Open seat · {t('open to offers')}"
    expect(convenor.get_by_role("heading", name=heading)).to_be_visible()

    # ---- the member finds it among their opportunities and offers, by keyboard
    # (the first ranking after a change builds the candidate index and imports scikit-learn:
    # seconds on a busy machine; warm it outside the page's load timeout)
    assert page.request.get("/api/opportunities", timeout=120_000).ok
    page.goto("/opportunities")
    no_horizontal_scroll(page)
    check_axe(page, "opportunities on a phone")
    item = page.locator(f"#role-{role_id}")
    expect(item).to_contain_text(title)
    expect(item.locator(".reasons li").first).to_be_visible()
    tab_to(page, item.get_by_label(t("A short note to the convenor")))
    page.keyboard.type("I know this work well.")
    tab_to(page, item.get_by_role("button", name=t("Offer to join")))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/me/offers")
    expect(page.locator(".offers li").first).to_contain_text(t("pending"))
    no_horizontal_scroll(page)
    check_axe(page, "your offers on a phone")

    # ---- the convenor sees the offer beside the proposals and accepts it
    convenor.goto(f"/initiatives/{iid}/manage")
    offer = convenor.locator(".offers li").first
    expect(offer).to_contain_text("I know this work well.")
    expect(offer.get_by_role("button", name=t("Lock into a proposal run"))).to_be_visible()
    with convenor.expect_navigation():
        offer.get_by_role("button", name=t("Accept")).click()
    expect(convenor.locator(".offers li").first).to_contain_text(t("accepted"))
    assert capacity_of(page, member_actor)["free_hours"] == free_before - 1

    # ---- the convenor doubles the role's hours: the member is asked, nothing changes silently
    hours = convenor.get_by_label(t("Hours per week"))
    hours.fill("2")
    with convenor.expect_navigation():
        convenor.get_by_role("button", name=t("Save the role")).click()
    expect(convenor.get_by_text(t("%(old)s → %(new)s h/week", old="1", new="2"))).to_be_visible()
    expect(convenor.locator(".reconfirmations li").first).to_contain_text(t("pending"))
    assert capacity_of(page, member_actor)["free_hours"] == free_before - 1
    check_axe(convenor, "re-confirmation asked, on a phone")

    page.goto("/me/reconfirmations")
    no_horizontal_scroll(page)
    check_axe(page, "re-confirmations on a phone")
    tab_to(page, page.get_by_role("button", name=t("Confirm the new hours")).first)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".reconfirmations li").first).to_contain_text(t("confirmed"))
    assert capacity_of(page, member_actor)["free_hours"] == free_before - 2

    # ---- the convenor closes the initiative: the seat ends, the hours return
    convenor.goto(f"/initiatives/{iid}/manage")
    expect(convenor.locator(".reconfirmations li").first).to_contain_text(t("confirmed"))
    with convenor.expect_navigation():
        convenor.get_by_role("button", name=f"{t('Close')} → {t('closed')}").click()
    expect(convenor.locator("strong.status")).to_have_text(t("closed"))
    no_horizontal_scroll(convenor)
    check_axe(convenor, "closed initiative on a phone")
    shot(convenor, "offers-closed-phone")
    assert capacity_of(page, member_actor)["free_hours"] == free_before
