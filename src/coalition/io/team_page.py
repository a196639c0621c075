"""The team page (or coalition page) as Markdown, and as PDF rendered from that Markdown.

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
    word = "Coalition" if team.kind == "coalition" else "Team"
    return f"{word}: {team.title}"


def markdown(team: TeamOut) -> str:
    """The page as Markdown, ready to paste into a bid."""
    out = [f"# {_md(title_of(team))}", ""]
    if team.purpose:
        out += [_md(team.purpose), ""]
    if team.start_date or team.end_date:
        start = team.start_date.isoformat() if team.start_date else "…"
        end = team.end_date.isoformat() if team.end_date else "…"
        out += [f"**When:** {start} to {end}", ""]
    out += ["## Roles", ""]
    if team.roles:
        out += ["| Role | Filled | Hours/week | Needs |", "| --- | --- | --- | --- |"]
        for r in team.roles:
            needs = ", ".join(_cell(q) for q in r.requirements)
            out.append(
                f"| {_cell(r.title)} | {r.filled} of {r.seats} | {r.hours_per_week:g} | {needs} |"
            )
    else:
        out.append("No roles yet.")
    out += ["", "## Members", ""]
    if not team.members:
        out += ["Nobody is listed yet.", ""]
    for m in team.members:
        role = f" ({_md(m.role_title)})" if m.role_title else ""
        out += [f"### {_md(m.name)}{role}", ""]
        out += [f"*{m.sector.replace('_', ' ')} · {m.kind}*", ""]
        if m.headline:
            out += [f"**{_md(m.headline)}**", ""]
        if m.bio:
            out += [_md(m.bio), ""]
    if team.sectors:
        out += ["## Sectors", ""]
        out += [f"- {sector.replace('_', ' ')}: {n}" for sector, n in team.sectors.items()]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


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
