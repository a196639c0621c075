"""Member journey: the inbox of invitations (accept one, decline one, counter one with fewer
hours) and the commitments page with its capacity bar across initiatives.

The invitations are made by the demo convenor through the JSON API, on an initiative of the
convenor's own opened for this test, so the journey depends on no other test's changes."""

from __future__ import annotations

import re
import time
from typing import Any

from playwright.sync_api import expect

from .helpers import CONVENOR, MEMBER, check_axe, login, shot


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
    expect(page.get_by_role("heading", level=1)).to_have_text("Your invitations")

    def card(role: str) -> Any:
        return page.locator(f"#invitation-{ids[role_ids[role]]}")

    for name, _ in roles:
        expect(card(name).get_by_role("heading")).to_contain_text(f"{name} in {title}")
    check_axe(page, "inbox with three invitations")

    # Accept the host seat.
    card("Host").get_by_role("button", name="Accept 2 h/week").click()
    expect(page).to_have_url(re.compile(r"/me/invitations$"))
    expect(card("Host")).to_have_count(0)
    earlier = page.get_by_role("table", name="Invitations already answered, withdrawn or expired")
    host_row = earlier.get_by_role("row").filter(has_text=title).filter(has_text="Host")
    expect(host_row).to_contain_text("Accepted")

    # Decline the note taker's seat, with a reason.
    note = card("Note taker")
    note.get_by_label("Reason").fill("Too much on this quarter")
    note.get_by_role("button", name="Decline").click()
    expect(card("Note taker")).to_have_count(0)
    expect(earlier.get_by_role("row").filter(has_text="Note taker")).to_contain_text("Declined")

    # Counter the facilitator's four hours with two and a half.
    facilitator = card("Facilitator")
    facilitator.get_by_label("Hours per week you can give").fill("2.5")
    facilitator.get_by_role("button", name="Offer fewer hours").click()
    expect(card("Facilitator")).to_contain_text("You offered 2.5 h/week")
    after = capacity_of(page, member_actor)
    assert after["committed_hours"] == before["committed_hours"] + 2.0
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
    expect(page.get_by_role("heading", level=1)).to_have_text("Your commitments")
    engagements = page.get_by_role(
        "table", name="Your engagements across all initiatives and networks"
    )
    mine = engagements.get_by_role("row").filter(has_text=title)
    expect(mine).to_have_count(2)
    expect(mine.filter(has_text="Host")).to_contain_text("2")
    expect(mine.filter(has_text="Facilitator")).to_contain_text("2.5")
    bar = page.get_by_test_id(f"capacity-bar-{member_actor}")
    final = capacity_of(page, member_actor)
    assert final["committed_hours"] == before["committed_hours"] + 4.5
    expect(bar.get_by_role("img")).to_have_attribute(
        "aria-label",
        re.compile(
            rf"{final['committed_hours']:g} of {final['capacity_hours']:g} hours a week committed"
        ),
    )
    legend = bar.get_by_role("listitem")
    expect(legend.filter(has_text=f"{title} (Host): 2 h/week")).to_have_count(1)
    expect(legend.filter(has_text=f"{title} (Facilitator): 2.5 h/week")).to_have_count(1)
    expect(legend.filter(has_text=f"Free: {final['free_hours']:g} of")).to_have_count(1)
    # Each segment is as wide as its share of the capacity.
    widths = bar.locator(".seg").evaluate_all(
        "ss => ss.map(s => s.getBoundingClientRect().width / s.parentElement.clientWidth)"
    )
    share = max(final["capacity_hours"], final["committed_hours"])
    assert any(abs(w - 2.5 / share) < 0.02 for w in widths), widths
    check_axe(page, "commitments")
    shot(page, "member-commitments")
