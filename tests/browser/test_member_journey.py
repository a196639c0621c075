"""Member journey: the inbox of invitations (accept one, decline one, counter one with fewer
hours) and the commitments page with its capacity bar across initiatives.

The invitations are made by the demo convenor through the JSON API, on an initiative of the
convenor's own opened for this test, so the journey depends on no other test's changes."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from .helpers import CONVENOR, MEMBER, check_axe, decimal, fits, hours, login, shot, t, t_re

pytestmark = pytest.mark.journey


def csrf(page: Any) -> str:
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    assert token, "every page carries the CSRF token"
    return str(token)


def post(page: Any, path: str, body: dict[str, Any]) -> Any:
    """POST JSON to the API with the page's session and CSRF token."""
    response = page.request.post(path, data=body, headers={"X-CSRF-Token": csrf(page)})
    assert response.ok, (path, response.status, response.text()[:400])
    return response.json()


def capacity_of(page: Any, actor_id: int) -> dict[str, Any]:
    response = page.request.get("/api/me/commitments")
    assert response.ok, response.text()[:300]
    return next(c for c in response.json()["capacity"] if c["actor_id"] == actor_id)


def test_member_answers_invitations_and_sees_commitments(
    page: Any, other_page: Any, live: Any
) -> None:
    slug = live.slug
    # ---- the convenor opens an initiative with three roles and invites the member to each
    login(page, live, MEMBER)
    me = page.request.get("/api/me").json()
    member_actor = next(m["actor_id"] for m in me["memberships"] if m["network"] == slug)

    login(other_page, live, CONVENOR)
    title = f"Browser journey coalition {time.time_ns() % 10**9}"
    roles = [("Host", 2.0), ("Note taker", 3.0), ("Facilitator", 4.0)]
    vocabulary = other_page.request.get(f"/api/networks/{slug}/capabilities").json()
    term = vocabulary[0]["term"]
    initiative = post(
        other_page,
        f"/api/networks/{slug}/initiatives",
        {
            "kind": "project",
            "title": title,
            "purpose": "Test the member's inbox end to end",
            "status": "forming",
            "roles": [
                {
                    "title": name,
                    "hours_per_week": hours,
                    "requirements": [{"capability": term, "min_level": 1}],
                }
                for name, hours in roles
            ],
        },
    )
    role_ids = {r["title"]: r["id"] for r in initiative["roles"]}
    sent = post(
        other_page,
        f"/api/initiatives/{initiative['id']}/invitations",
        {
            "seats": [
                {"actor_id": member_actor, "role_id": role_ids[name], "hours": hours}
                for name, hours in roles
            ],
            "message": "Would you join us?",
        },
    )
    ids = {i["role_id"]: i["id"] for i in sent}
    before = capacity_of(page, member_actor)

    # ---- the inbox: three cards waiting for an answer
    page.goto("/me/invitations")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your invitations"))
    fits(page)

    def card(role: str) -> Any:
        return page.locator(f"#invitation-{ids[role_ids[role]]}")

    for name, _ in roles:
        expect(card(name).get_by_role("heading")).to_contain_text(
            f"{t('%(seat)s in', seat=name)} {title}"
        )
    check_axe(page, "inbox with three invitations")

    # Accept the host seat.
    card("Host").get_by_role(
        "button", name=t("Accept %(hours_per_week)s h/week", hours_per_week=2)
    ).click()
    expect(page).to_have_url(re.compile(r"/me/invitations$"))
    expect(card("Host")).to_have_count(0)
    earlier = page.get_by_role(
        "table", name=t("Invitations already answered, withdrawn or expired")
    )
    host_row = earlier.get_by_role("row").filter(has_text=title).filter(has_text="Host")
    expect(host_row).to_contain_text(t("Accepted"))

    # Decline the note taker's seat, with a reason.
    note = card("Note taker")
    note.get_by_label(t("Reason (optional; shown only as your privacy settings allow)")).fill(
        "Too much on this quarter"
    )
    note.get_by_role("button", name=t("Decline")).click()
    expect(card("Note taker")).to_have_count(0)
    note_row = earlier.get_by_role("row").filter(has_text=title).filter(has_text="Note taker")
    expect(note_row).to_contain_text(t("Declined"))

    # Counter the facilitator's four hours with two and a half.
    facilitator = card("Facilitator")
    facilitator.get_by_label(t("Hours per week you can give")).fill("2.5")
    facilitator.get_by_role("button", name=t("Offer fewer hours")).click()
    offered = (
        "You offered %(counter_hours)s h/week. The convenor will accept or decline your offer."
    )
    expect(card("Facilitator")).to_contain_text(t(offered, counter_hours=decimal(2.5)))
    after = capacity_of(page, member_actor)
    assert after["committed_hours"] == before["committed_hours"] + 2.0
    fits(page)
    check_axe(page, "inbox after answering")
    shot(page, "member-inbox")

    # ---- the convenor accepts the offer of fewer hours
    post(
        other_page,
        f"/api/invitations/{ids[role_ids['Facilitator']]}/counter",
        {"decision": "accept"},
    )

    # ---- commitments: both engagements, and the bar across initiatives
    page.goto("/me/commitments")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your commitments"))
    fits(page)
    engagements = page.get_by_role(
        "table", name=t("Your engagements across all initiatives and networks")
    )
    mine = engagements.get_by_role("row").filter(has_text=title)
    expect(mine).to_have_count(2)
    expect(mine.filter(has_text="Host")).to_contain_text("2")
    expect(mine.filter(has_text="Facilitator")).to_contain_text(decimal(2.5))
    bar = page.get_by_test_id(f"capacity-bar-{member_actor}")
    final = capacity_of(page, member_actor)
    assert final["committed_hours"] == before["committed_hours"] + 4.5
    committed = (
        "%(name)s: %(committed_hours)s of %(capacity_hours)s hours a week committed across "
        "%(num)s initiative; %(free_hours)s free"
    )
    expect(bar.get_by_role("img")).to_have_attribute(
        "aria-label",
        t_re(  # two engagements at least: the plural
            committed,
            plural=2,
            num=None,
            committed_hours=hours(final["committed_hours"]),
            capacity_hours=hours(final["capacity_hours"]),
        ),
    )
    legend = bar.get_by_role("listitem")
    for role, agreed in (("Host", 2), ("Facilitator", 2.5)):
        each = f"{title} ({role}){t(': %(hours_per_week)s h/week', hours_per_week=decimal(agreed))}"
        expect(legend.filter(has_text=each)).to_have_count(1)
    free = t_re(
        "Free: %(free_hours)s of %(capacity_hours)s h/week", free_hours=decimal(final["free_hours"])
    )
    expect(legend.filter(has_text=free)).to_have_count(1)
    # Each segment is as wide as its share of the capacity.
    widths = bar.locator(".seg").evaluate_all(
        "ss => ss.map(s => s.getBoundingClientRect().width / s.parentElement.clientWidth)"
    )
    share = max(final["capacity_hours"], final["committed_hours"])
    assert any(abs(w - 2.5 / share) < 0.02 for w in widths), widths
    fits(page)
    check_axe(page, "commitments")
    shot(page, "member-commitments")
