"""Outside voices and the report: a steward makes a link to the demo conversation; someone
outside the network opens it on a phone (390 px), without an account, and votes; the tallies
of a statement appear only after their vote. A member reads the report, downloads its PDF and
goes on to draft the charter. Every page is axe-clean."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from .helpers import (
    MEMBER,
    STEWARD,
    check_axe,
    fits,
    language,
    login,
    no_horizontal_scroll,
    plural_re,
    t,
)

pytestmark = pytest.mark.journey


def test_an_outside_participant_votes_through_a_link(page: Any, phone_page: Any, live: Any) -> None:
    login(page, live, STEWARD)
    conversations = page.request.get(f"/api/networks/{live.slug}/conversations").json()
    cid = max(conversations, key=lambda c: c["n_votes"])["id"]
    page.goto(f"/conversations/{cid}")
    page.get_by_role("link", name=t("Links for outside voices")).click()
    expect(page).to_have_url(re.compile(rf"/conversations/{cid}/links$"))
    page.get_by_label(t("Label (where you will share it)")).fill("Street stall")
    page.get_by_label(t("Most participants")).fill("25")
    page.get_by_role("button", name=t("Create link")).click()
    card = page.locator("#links article").filter(has_text="Street stall").last
    expect(card).to_contain_text(t("%(n)s of %(cap)s participants", n=0, cap=25))
    url = card.locator("input.link-url").input_value()
    assert re.search(r"/c/[\w.-]+$", url), url
    fits(page)
    check_axe(page, "links for outside voices")

    # someone outside the network, on a phone, with no account
    phone_page.goto(url)
    expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
    no_horizontal_scroll(phone_page)
    check_axe(phone_page, "outside voice, before voting")
    statement = phone_page.locator("#next-statement").inner_text()
    expect(phone_page.locator("#mine")).to_have_count(0)  # no tallies before one's vote
    phone_page.get_by_role("button", name=t("Agree"), exact=True).click()
    phone_page.wait_for_load_state()
    row = phone_page.get_by_role("row").filter(
        has=phone_page.get_by_role("rowheader", name=statement, exact=True)
    )
    expect(row).to_contain_text(t("Agree"))
    cells = row.get_by_role("cell").all_inner_texts()
    assert cells[0] == t("Agree") and int(cells[1]) >= 1, cells
    assert phone_page.locator("#next-statement").inner_text() != statement
    no_horizontal_scroll(phone_page)
    check_axe(phone_page, "outside voice, after voting")

    page.reload()
    expect(card).to_contain_text(t("%(n)s of %(cap)s participants", n=1, cap=25))


def test_the_report_renders_downloads_and_leads_to_the_charter(
    page: Any, phone_page: Any, live: Any
) -> None:
    login(page, live, MEMBER)
    conversations = page.request.get(f"/api/networks/{live.slug}/conversations").json()
    cid = max(conversations, key=lambda c: c["n_votes"])["id"]
    page.goto(f"/conversations/{cid}")
    page.get_by_role("link", name=t("Report"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/conversations/{cid}/report$"))
    expect(page.locator("#groups h3").first).to_be_visible()
    cast = plural_re(
        "%(num)s person cast %(votes)s; the first joined on %(first)s, the last on %(last)s."
    )
    expect(page.locator("#participation")).to_contain_text(cast)
    fits(page)
    check_axe(page, "report")
    with page.expect_download() as info:
        page.get_by_role("link", name=t("Download PDF")).click()
    download = info.value
    assert download.suggested_filename == f"report-{cid}.pdf"
    with open(download.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
    md = page.request.get(
        f"/conversations/{cid}/report.md", headers={"Accept-Language": language()}
    )
    assert md.ok and md.text().startswith(f"# {t('Report')}:")
    page.get_by_role("link", name=t("Draft the charter from it")).click()
    expect(page).to_have_url(re.compile(rf"/conversations/{cid}/charter$"))

    login(phone_page, live, MEMBER)
    phone_page.goto(f"/conversations/{cid}/report")
    no_horizontal_scroll(phone_page)
    check_axe(phone_page, "report on a phone")
