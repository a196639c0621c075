"""A convenor invites someone by typing part of their name (issue 14, pickers), by keyboard, in
English at desktop width and in Spanish on a 390 px phone: the search box lists matching
members as the convenor types (htmx), the arrow keys reach the one they mean, Enter chooses it
(the id field is filled, the name shown), and the invitation is sent with the form as before.
axe-core checks the page with the results open and after sending; the page never scrolls
sideways.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from .helpers import CONVENOR, check_axe, login, no_horizontal_scroll, t
from .test_phone_and_keyboard import tab_to

pytestmark = [pytest.mark.xdist_group("browser"), pytest.mark.journey]


def _initiative_and_invitee(live: Any) -> tuple[int, int, str]:
    """A forming initiative the demo convenor convenes, and a member of its network with the
    hours of its first role free, not yet invited to it, whose profile is not private."""
    from coalition.store.session import session_scope
    from coalition.store.tables import Actor, Initiative, Network, Role
    from coalition.store.tables_auth import Account, Membership
    from coalition.store.tables_invitations import Invitation

    with session_scope(live.db_url) as db:
        convenor = db.scalars(
            select(Membership.actor_id)
            .join(Account, Account.id == Membership.account_id)
            .join(Network, Network.id == Membership.network_id)
            .where(Account.email == CONVENOR, Network.slug == live.slug)
        ).one()
        initiative = db.scalars(
            select(Initiative)
            .where(Initiative.convenor_id == convenor, Initiative.status == "forming")
            .order_by(Initiative.id)
        ).first()
        assert initiative is not None, "the demo convenor convenes a forming initiative"
        role = db.scalars(
            select(Role).where(Role.initiative_id == initiative.id).order_by(Role.id)
        ).first()
        assert role is not None
        invited = select(Invitation.actor_id).where(Invitation.initiative_id == initiative.id)
        actor = db.scalars(
            select(Actor)
            .where(
                Actor.network_id == initiative.network_id,
                Actor.visibility != "private",
                Actor.anonymised == 0,
                Actor.id != convenor,
                Actor.id.not_in(invited),
                Actor.capacity_hours - Actor.committed_hours >= role.hours_per_week,
                Actor.name.contains(" "),
            )
            .order_by(Actor.id)
        ).first()
        assert actor is not None, "the demo network has someone free to invite"
        return initiative.id, actor.id, actor.name


def test_convenor_invites_someone_by_typing_part_of_their_name(page: Any, live: Any) -> None:
    initiative_id, invitee, name = _initiative_and_invitee(live)
    login(page, live, CONVENOR)
    page.goto(f"/initiatives/{initiative_id}/invitations")

    search = page.get_by_label(t("Member"), exact=True)
    tab_to(page, search)
    part = name.split()[-1][:5]  # part of the surname
    page.keyboard.type(part)
    results = page.locator("#inv-member-results [data-pick-id]")
    expect(results.first).to_be_visible()
    expect(page.locator(f'#inv-member-results [data-pick-id="{invitee}"]')).to_have_count(1)
    no_horizontal_scroll(page)
    check_axe(page, "the member picker with its results")
    # 44 px targets.
    heights = results.evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    assert min(heights) >= 44, heights

    page.keyboard.press("ArrowDown")
    for _ in range(results.count()):
        if page.evaluate("() => document.activeElement.dataset.pickId") == str(invitee):
            break
        page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.dataset.pickId") == str(invitee)
    page.keyboard.press("Enter")
    expect(page.locator("#inv-member")).to_have_value(str(invitee))
    expect(page.locator("#inv-member-picker [data-picker-chosen]")).to_contain_text(name)
    expect(results).to_have_count(0)
    assert page.evaluate("() => document.activeElement.id") == "inv-member-q"

    tab_to(page, page.get_by_role("button", name=t("Invite"), exact=True))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("row").filter(has=page.get_by_role("link", name=name))).to_have_count(1)
    no_horizontal_scroll(page)
    check_axe(page, "the invitations after inviting through the picker")


def test_without_script_the_search_opens_a_page_and_a_choice_comes_back_filled(
    browser: Any, live: Any, journey: Any
) -> None:
    initiative_id, invitee, name = _initiative_and_invitee(live)
    context = browser.new_context(
        base_url=live.url, java_script_enabled=False, **journey.context_options()
    )
    try:
        page = context.new_page()
        login(page, live, CONVENOR)
        page.goto(f"/initiatives/{initiative_id}/invitations")
        page.get_by_label(t("Member"), exact=True).fill(name.split()[-1][:5])
        with page.expect_navigation():
            page.locator("#inv-member-picker").get_by_role("button", name=t("Search")).click()
        # (axe-core needs script: the accessibility sweep checks this page with it.)
        expect(page.get_by_role("heading", level=1)).to_have_text(t("Find a member"))
        with page.expect_navigation():
            page.locator(f'[data-pick-id="{invitee}"]').click()
        assert f"/initiatives/{initiative_id}/invitations?" in page.url
        expect(page.locator("#inv-member")).to_have_value(str(invitee))
        expect(page.locator("#inv-member-picker [data-picker-chosen]")).to_contain_text(name)
    finally:
        context.close()
