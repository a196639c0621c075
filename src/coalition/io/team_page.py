"""The team page (or coalition page) as Markdown, and as PDF rendered from that Markdown.

Both are written for people, in the reader's language (the current locale: the request's or
the command's), with dates, hours and vocabulary labels formatted by Babel for that locale.

One source: :func:`markdown` writes the page; :func:`pdf` renders the same Markdown to HTML
with markdown-it-py (raw HTML disabled, so nothing a member typed becomes markup) and lays it
out with fpdf2. A Unicode font is used when the system has DejaVu; otherwise the PDF falls back
to a core font and replaces characters it cannot encode.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from .. import formatting
from ..i18n import _
from ..labels import vocab
from ..schemas.invitations import TeamOut

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts/dejavu"),
)
_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}


def _md(text: str) -> str:
    """Text a member typed, made inert in Markdown."""
    escaped = _SPECIAL.sub(r"\\\1", text.strip())
    # A line starting like a list item or heading would become one; escape its first mark.
    return re.sub(r"(?m)^(\s*)([-+=]|\d+[.)])", lambda m: m.group(1) + "\\" + m.group(2), escaped)


def _cell(text: str) -> str:
    return _md(text).replace("\n", " ")


def title_of(team: TeamOut) -> str:
    if team.kind == "coalition":
        return _("Coalition: %(title)s") % {"title": team.title}
    return _("Team: %(title)s") % {"title": team.title}


def markdown(team: TeamOut) -> str:
    """The page as Markdown, ready to paste into a bid."""
    out = [f"# {_md(title_of(team))}", ""]
    if team.purpose:
        out += [_md(team.purpose), ""]
    if team.start_date or team.end_date:
        start = formatting.date(team.start_date, "long") if team.start_date else "…"
        end = formatting.date(team.end_date, "long") if team.end_date else "…"
        out += [f"**{_('When:')}** " + _("%(start)s to %(end)s") % {"start": start, "end": end}]
        out.append("")
    out += _roles(team)
    out += ["", f"## {_('Members')}", ""]
    if not team.members:
        out += [_("Nobody is listed yet."), ""]
    for m in team.members:
        role = f" ({_md(m.role_title)})" if m.role_title else ""
        out += [f"### {_md(m.name)}{role}", ""]
        out += [f"*{vocab(m.sector)} · {vocab(m.kind)}*", ""]
        if m.headline:
            out += [f"**{_md(m.headline)}**", ""]
        if m.bio:
            out += [_md(m.bio), ""]
    if team.sectors:
        out += [f"## {_('Sectors')}", ""]
        out += [f"- {vocab(sector)}: {formatting.number(n)}" for sector, n in team.sectors.items()]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _roles(team: TeamOut) -> list[str]:
    out = [f"## {_('Roles')}", ""]
    if not team.roles:
        return [*out, _("No roles yet.")]
    out += [
        f"| {_('Role')} | {_('Filled')} | {_('Hours/week')} | {_('Needs')} |",
        "| --- | --- | --- | --- |",
    ]
    for r in team.roles:
        needs = ", ".join(_cell(q) for q in r.requirements)
        filled = _("%(filled)s of %(seats)s") % {"filled": r.filled, "seats": r.seats}
        hours = formatting.hours(r.hours_per_week)
        out.append(f"| {_cell(r.title)} | {filled} | {hours} | {needs} |")
    return out


def html(text: str) -> str:
    """Markdown to HTML, raw HTML switched off (member text stays text)."""
    return MarkdownIt("commonmark", {"html": False}).enable("table").render(text)


def _font(pdf: Any) -> tuple[str, bool]:
    for folder in _FONT_DIRS:
        if all((folder / f).is_file() for f in _FONT_FILES.values()):
            for style, file in _FONT_FILES.items():
                pdf.add_font("dejavu", style, str(folder / file))
            return "dejavu", True
    return "helvetica", False


def pdf(team: TeamOut) -> bytes:
    """The page as a PDF document (A4)."""
    from fpdf import FPDF  # imported when a PDF is first asked for

    document = FPDF(format="A4")
    document.set_title(title_of(team))
    document.set_creator("Coalition")
    family, unicode = _font(document)
    document.set_font(family, size=11)
    document.add_page()
    body = html(markdown(team))
    if not unicode:
        body = body.encode("latin-1", "replace").decode("latin-1")
    document.write_html(body, font_family=family)
    return bytes(document.output())
