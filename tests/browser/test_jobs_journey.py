"""A background job, followed in the browser: the demo member declines an invitation (through
the API, as a client would), the answer comes back at once with the job that ranks the seat's
replacements, and the job's page shows its progress bar until it is done, then the link to
the result; on a phone (390 px) and axe-clean. The server is SQLite's: the job runs on the
app's own thread, no worker."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from .helpers import CONVENOR, MEMBER, check_axe, login, no_horizontal_scroll, shot, t
from .test_member_journey import post

#: On a phone in both languages: the English journey keeps ``phone_page``, the Spanish one too.
pytestmark = pytest.mark.journey


def test_a_decline_answers_at_once_and_its_job_page_shows_progress(
    phone_page: Any, other_page: Any, live: Any
) -> None:
    page = phone_page
    slug = live.slug
    login(page, live, MEMBER)
    me = page.request.get("/api/me").json()
    member_actor = next(m["actor_id"] for m in me["memberships"] if m["network"] == slug)
    login(other_page, live, CONVENOR)
    term = other_page.request.get(f"/api/networks/{slug}/capabilities").json()[0]["term"]
    initiative = post(
        other_page,
        f"/api/networks/{slug}/initiatives",
        {
            "kind": "project",
            "title": f"Jobs journey {time.time_ns() % 10**9}",
            "purpose": "Follow a background job",
            "status": "forming",
            "roles": [
                {
                    "title": "Host",
                    "hours_per_week": 1.0,
                    "requirements": [{"capability": term, "min_level": 1}],
                }
            ],
        },
    )
    (sent,) = post(
        other_page,
        f"/api/initiatives/{initiative['id']}/invitations",
        {
            "seats": [{"actor_id": member_actor, "role_id": initiative["roles"][0]["id"]}],
            "message": "Would you?",
        },
    )
    page.goto("/me/invitations")
    started = time.perf_counter()
    answer = post(page, f"/api/invitations/{sent['id']}/answer", {"answer": "decline"})
    took = time.perf_counter() - started
    assert answer["invitation"]["status"] == "declined" and answer["replacements"] == []
    job_id = answer["replacements_job"]
    assert job_id and took < 5, took

    page.goto(f"/jobs/{job_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Background job"))
    expect(page.get_by_text(t("Finding replacements"))).to_be_visible()
    expect(page.get_by_label(t("Progress"))).to_be_visible()
    # htmx polls the card until the job has ended (it is quick here); then the result's link.
    expect(page.locator(".job-state")).to_have_text(t("Done"), timeout=30_000)
    result = page.get_by_role("link", name=t("See the result"))
    expect(result).to_have_attribute("href", f"/initiatives/{initiative['id']}/invitations")
    expect(page.locator("progress")).to_have_attribute("value", "100")
    no_horizontal_scroll(page)
    check_axe(page, "a finished job on a phone")
    shot(page, "job-done-phone")
    body = page.request.get(f"/api/jobs/{job_id}").json()
    assert body["state"] == "succeeded" and body["percent"] == 100
    assert isinstance(body["result"]["replacements"], list)
    # Someone else (the convenor is not a steward of the network) is told there is no such job.
    assert other_page.request.get(f"/api/jobs/{job_id}").status == 404
