"""Participant journey: vote agree / disagree / pass on statement cards, add a statement, and
read the results: the opinion map (participants in 2-D coloured by group), each group's
statements, and the consensus."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from .helpers import MEMBER, check_axe, fits, login, plural_re, shot, t, t_re

pytestmark = pytest.mark.journey

VERDICT = {"Agree": "You agree", "Disagree": "You disagree", "Pass": "You passed"}
REMAINING = "%(num)s statement you have not voted on."


def remaining(page: Any) -> int:
    text = page.locator("#remaining").inner_text()
    assert plural_re(REMAINING).fullmatch(text), text
    match = re.search(r"(\d+)", text)
    assert match, text
    return int(match.group(1))


def vote_on_card(page: Any, choice: str) -> str:
    """Vote on the statement card; return the statement's text."""
    card = page.locator(".statement-card")
    text = card.locator(".statement-text").inner_text()
    left = remaining(page)
    card.get_by_role("button", name=t(choice), exact=True).click()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=text, exact=True))
    expect(row.locator(".your-vote")).to_have_text(t(VERDICT[choice]))
    expect(row.get_by_role("button", name=t(choice), exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    if left > 1:
        expect(page.locator("#remaining")).to_have_text(t(REMAINING, plural=left - 1))
    return str(text)


def test_participant_votes_adds_a_statement_and_reads_the_map(page: Any, live: Any) -> None:
    login(page, live, MEMBER)
    page.goto(f"/n/{live.slug}/conversations")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        t_re("Conversations in %(network_name)s")
    )
    fits(page)
    check_axe(page, "conversations")
    conversations = page.request.get(f"/api/networks/{live.slug}/conversations").json()
    conversation = max(conversations, key=lambda c: c["n_votes"])
    page.get_by_role("link", name=conversation["topic"], exact=True).click()
    expect(page).to_have_url(re.compile(rf"/conversations/{conversation['id']}$"))
    check_axe(page, "conversation")

    # ---- agree, disagree, pass: each on the card shown next, each remembered
    seen = []
    if page.locator(".statement-card").count():
        for choice in ("Agree", "Disagree", "Pass"):
            if not page.locator(".statement-card").count():
                break
            seen.append(vote_on_card(page, choice))
        assert len(set(seen)) == len(seen), "each card shows a statement not voted on yet"
        check_axe(page, "conversation after voting")
        # Vote on the rest so that the participant is placed on the opinion map.
        choices = ("Agree", "Disagree", "Pass", "Agree")
        n = 0
        while page.locator(".statement-card").count():
            vote_on_card(page, choices[n % len(choices)])
            n += 1
            assert n < 500, "the cards never run out"
    expect(page.locator("#vote")).to_contain_text(
        t("You have voted on every statement. Thank you! Add one of your own below.")
    )
    fits(page)
    shot(page, "participant-voted")

    # ---- add a statement: listed, awaiting moderation
    mine = f"Meet in person twice a year ({time.time_ns() % 10**6})"
    page.get_by_label(t("Add a statement (one idea, short)")).fill(mine)
    page.get_by_role("button", name=t("Add statement")).click()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=mine, exact=True))
    expect(row).to_contain_text(t("awaiting moderation"))

    # ---- results: the map, each group's statements, the consensus
    page.get_by_role("link", name=t("Opinion map")).first.click()
    expect(page).to_have_url(re.compile(rf"/conversations/{conversation['id']}/results$"))
    results = page.request.get(f"/api/conversations/{conversation['id']}/results").json()
    figure = page.get_by_role("img", name=t("Participants on the opinion map, coloured by group"))
    expect(figure).to_be_visible()
    dots = figure.locator("circle[data-group-colour]")
    expect(dots).to_have_count(len(results["participants"]))
    grouped = {p["group"] for p in results["participants"] if p["group"] is not None}
    colours = set(dots.evaluate_all("cs => cs.map(c => c.getAttribute('fill'))"))
    assert len(grouped) >= 2, "the demo conversation forms at least two opinion groups"
    assert len(colours) >= len(grouped), (colours, grouped)
    # The participant is on the map, ringed, in the group the API says.
    me = page.request.get("/api/me").json()
    assert me["actor_ids"]
    ring = figure.locator("g.you circle[data-group-colour]")
    expect(ring).to_have_count(1)
    label = ring.locator("title").text_content() or ""
    assert t_re("you: group %(group)s").fullmatch(label), label
    group = int(re.search(r"(\d+)$", label).group(1))  # type: ignore[union-attr]
    expect(page.locator("#my-group")).to_have_text(
        t("You are in group %(my_group)s", my_group=group)
    )
    fits(page)
    for g in results["groups"]:
        title = f"{t('Group %(id)s:', id=g['id'] + 1)} {t('what sets it apart')}"
        section = page.get_by_role("region", name=title)
        expect(section).to_be_visible()
        rows = section.get_by_role("table").get_by_role("row")
        expect(rows).to_have_count(1 + max(1, len(g["representative"])))
        for r in g["representative"][:3]:
            expect(section).to_contain_text(r["text"])
    consensus = [s for s in results["statements"] if s["consensus_agree"]]
    expect(page.get_by_role("heading", name=t("Common ground"))).to_be_visible()
    if consensus:
        items = page.get_by_role("list", name=t("Common ground")).get_by_role("listitem")
        expect(items).to_have_count(len(consensus))
        for s in consensus:
            expect(items.filter(has_text=s["text"])).to_have_count(1)
    else:
        expect(page.get_by_text(t("No statement has broad agreement yet."))).to_be_visible()
    check_axe(page, "results")
    shot(page, "participant-results")
