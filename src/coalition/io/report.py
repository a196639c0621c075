"""A conversation's report as Markdown and as PDF (fpdf2), from :class:`ReportOut`.

The PDF is set in DejaVu Sans (Debian's ``fonts-dejavu-core``), which covers the scripts
statements are written in; where the font is absent it falls back to the PDF core font
Helvetica, with characters outside Latin-1 replaced by "?", so the report still downloads.
"""

from __future__ import annotations

from pathlib import Path

from ..formatting import date, number, percent
from ..i18n import _
from ..schemas.report import Bar, ReportOut, ReportStatement

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts/dejavu"),
)
BAR_CELLS = 20


def _text_bar(b: Bar) -> str:
    agree = round(b.agree * BAR_CELLS)
    disagree = min(round(b.disagree * BAR_CELLS), BAR_CELLS - agree)
    return "█" * agree + "▒" * disagree + "·" * (BAR_CELLS - agree - disagree)


def _md_statement(s: ReportStatement) -> list[str]:
    lines = [
        f"- **#{s.external_id}** {s.text} — "
        + _("%(a)s agree, %(d)s disagree of %(n)s voters")
        % {"a": percent(s.agree), "d": percent(s.disagree), "n": number(s.seen)}
    ]
    for b in s.bars:
        lines.append(
            f"  - `{_text_bar(b)}` "
            + _("group %(g)s: %(a)s agree, %(d)s disagree (%(n)s saw it)")
            % {
                "g": b.group + 1,
                "a": percent(b.agree),
                "d": percent(b.disagree),
                "n": number(b.seen),
            }
        )
    return lines


def report_markdown(rep: ReportOut) -> str:
    """The report as Markdown: each section's sentences, then the statements they cite with
    their per-group agree (█) and disagree (▒) bars."""
    out = [f"# {_('Report')}: {rep.topic}", ""]
    if rep.description:
        out += [rep.description, ""]
    out += [f"## {_('Who took part')}", ""]
    out += [s.text for s in rep.participation] + [""]
    if rep.timeline:
        out += [f"| {_('From')} | {_('New')} | {_('In all')} |", "|---|---:|---:|"]
        out += [
            f"| {date(p.start)} | {number(p.new)} | {number(p.total)} |"
            for p in rep.timeline
            if p.new
        ] + [""]
    out += [f"## {_('Opinion groups')}", ""]
    if not rep.groups:
        out += [_("Too few people have voted for opinion groups to form."), ""]
    for g in rep.groups:
        out += [f"### {_('Group %(g)s') % {'g': g.id + 1}}", ""]
        out += [s.text for s in g.sentences] + [""]
        for st in g.statements:
            out += _md_statement(st)
        out.append("")
    out += [f"## {_('Common ground')}", ""]
    out += [s.text for s in rep.consensus_sentences] + [""]
    for st in rep.consensus:
        out += _md_statement(st)
    out += ["", f"## {_('Where the groups differ')}", ""]
    if not rep.divisive:
        out += [_("No statement divides the groups sharply."), ""]
    for d in rep.divisive:
        out += [d.sentence.text, ""] + _md_statement(d.statement) + [""]
    out += [f"## {_('Topics')}", ""]
    out += [f"- {t.sentence.text}" for t in rep.topics] + [""]
    if rep.attribution:
        out += ["---", "", rep.attribution.strip(), ""]
    return "\n".join(out)


# ---------------------------------------------------------------- PDF


def _font_files() -> tuple[Path, Path] | None:
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


class _Writer:
    """Report text onto fpdf2 pages, in DejaVu Sans or, without it, Helvetica (Latin-1)."""

    def __init__(self, fonts: tuple[Path, Path] | None) -> None:
        from fpdf import FPDF

        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.add_page()
        if fonts is not None:
            self.pdf.add_font("DejaVu", "", str(fonts[0]))
            self.pdf.add_font("DejaVu", "B", str(fonts[1]))
            self.family, self.unicode = "DejaVu", True
        else:
            self.family, self.unicode = "helvetica", False

    def _clean(self, text: str) -> str:
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")

    def text(self, text: str, size: float = 10, bold: bool = False) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size)
        self.pdf.multi_cell(0, size * 0.5, self._clean(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def bars(self, s: ReportStatement) -> None:
        """One line per group: a green agree bar and an orange disagree bar, with figures."""
        self.text(f"#{s.external_id} {s.text}", 10, bold=True)
        width = 60.0
        for b in s.bars:
            x, y = self.pdf.l_margin, self.pdf.get_y()
            self.pdf.set_draw_color(120, 120, 120)
            self.pdf.rect(x, y + 1, width, 3)
            self.pdf.set_fill_color(0, 158, 115)
            if b.agree > 0:
                self.pdf.rect(x, y + 1, width * b.agree, 3, style="F")
            self.pdf.set_fill_color(213, 94, 0)
            if b.disagree > 0:
                self.pdf.rect(x + width * b.agree, y + 1, width * b.disagree, 3, style="F")
            self.pdf.set_xy(x + width + 3, y)
            self.pdf.set_font(self.family, "", 8)
            label = _("group %(g)s: %(a)s agree, %(d)s disagree (%(n)s saw it)") % {
                "g": b.group + 1,
                "a": percent(b.agree),
                "d": percent(b.disagree),
                "n": number(b.seen),
            }
            self.pdf.cell(0, 5, self._clean(label), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(2)


def report_pdf(rep: ReportOut, *, fonts: tuple[Path, Path] | None | bool = True) -> bytes:
    """The report as a PDF (A4). ``fonts``: True finds DejaVu Sans, False forces the core-font
    fallback, or a (regular, bold) pair of TTF files."""
    chosen = _font_files() if fonts is True else (None if fonts is False else fonts)
    w = _Writer(chosen if isinstance(chosen, tuple) else None)
    w.text(f"{_('Report')}: {rep.topic}", 16, bold=True)
    if rep.description:
        w.text(rep.description)
    w.text(_("Who took part"), 13, bold=True)
    for s in rep.participation:
        w.text(s.text)
    w.text(_("Opinion groups"), 13, bold=True)
    if not rep.groups:
        w.text(_("Too few people have voted for opinion groups to form."))
    for g in rep.groups:
        w.text(_("Group %(g)s") % {"g": g.id + 1}, 11, bold=True)
        for s in g.sentences:
            w.text(s.text)
        for st in g.statements:
            w.bars(st)
    w.text(_("Common ground"), 13, bold=True)
    for s in rep.consensus_sentences:
        w.text(s.text)
    for st in rep.consensus:
        w.bars(st)
    w.text(_("Where the groups differ"), 13, bold=True)
    if not rep.divisive:
        w.text(_("No statement divides the groups sharply."))
    for d in rep.divisive:
        w.text(d.sentence.text)
        w.bars(d.statement)
    w.text(_("Topics"), 13, bold=True)
    for t in rep.topics:
        w.text(t.sentence.text)
    if rep.attribution:
        w.text(rep.attribution.strip(), 8)
    return bytes(w.pdf.output())
