"""Calendar text and team-page rendering, without a database."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from coalition.io import ics, team_page
from coalition.schemas.invitations import TeamMemberOut, TeamOut, TeamRoleOut


def test_folding_and_escaping() -> None:
    long = "Zoë's bid; with, commas\nand a newline " + "é" * 80
    text = ics.calendar(
        [ics.CalendarEvent(uid="e-1@x", start=date(2026, 1, 1), last_day=None, summary=long)],
        now=datetime(2026, 1, 1, 12, 0, 0),
        name="Mine",
    )
    lines = text.split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:Zoë's bid\\; with\\, commas\\nand a newline " + "é" * 80 in unfolded
    assert "DTEND;VALUE=DATE:20260102" in unfolded  # a one-day event
    assert "DTSTAMP:20260101T120000Z" in unfolded


def _team() -> TeamOut:
    return TeamOut(
        initiative_id=1,
        network="n",
        kind="coalition",
        title="Clean <air> *now*",
        purpose="Cleaner air for [everyone]",
        start_date=date(2026, 1, 1),
        end_date=None,
        roles=[
            TeamRoleOut(
                id=1,
                title="Lead | analyst",
                seats=2,
                filled=1,
                hours_per_week=4,
                requirements=["Research ≥ 3"],
            )
        ],
        members=[
            TeamMemberOut(
                actor_id=9,
                name="Ada <script>alert(1)</script>",
                kind="person",
                sector="civil_society",
                headline="Analyst",
                bio="- not a list\n# not a heading\nZoë",
                role_id=1,
                role_title="Lead | analyst",
            )
        ],
        sectors={"civil_society": 1},
    )


def test_markdown_keeps_member_text_inert() -> None:
    text = team_page.markdown(_team())
    assert text.startswith("# Coalition: Clean \\<air\\> \\*now\\*\n")
    assert "| Lead \\| analyst | 1 of 2 | 4 | Research ≥ 3 |" in text
    html = team_page.html(text)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<h1>" in html and html.count("<h1>") == 1 and "<li>not a list" not in html
    assert "<table>" in html and "<td>Lead | analyst</td>" in html


def test_markdown_is_written_in_the_readers_language() -> None:
    """The team page meant for people (Markdown, PDF) is in the current locale: headings, the
    table's words, vocabulary labels and the date as Babel writes them; member text unchanged."""
    from coalition.i18n import use_locale

    with use_locale("es"):
        text = team_page.markdown(_team())
    assert text.startswith("# Coalición: Clean \\<air\\> \\*now\\*\n"), text[:80]
    assert "| Rol | Cubiertas | " in text and "## Miembros" in text
    assert "| Lead \\| analyst | 1 de 2 | 4 | Research ≥ 3 |" in text
    assert "sociedad civil" in text and "civil_society" not in text
    assert "1 de enero de 2026" in text
    with use_locale("fr"):
        assert team_page.markdown(_team()).startswith("# Coalition : Clean")


def test_pdf_renders() -> None:
    data = team_page.pdf(_team())
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert len(data) > 1000


@given(st.floats(min_value=0.25, max_value=80, allow_nan=False))
def test_weekly_blocks_hold_the_agreed_hours(hours: float) -> None:
    """The weekly blocks of a calendar add up to the agreed hours (to a quarter hour a day),
    on at most five days of at most a working day each (more than 40 h: five full days)."""
    blocks = ics.weekly_blocks(hours)
    assert 1 <= len(blocks) <= 5
    assert all(0.25 <= b <= 15 for b in blocks)
    if hours <= 40:
        assert all(b <= ics.DAY_HOURS + 0.25 for b in blocks)
        assert abs(sum(blocks) - hours) <= 0.125 * len(blocks) + 0.25
