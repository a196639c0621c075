"""Every text of every template a person reads is marked for translation (issue 19)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .template_scan import unmarked

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "coalition" / "web" / "templates"


def _templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def test_there_are_templates_to_check() -> None:
    assert len(_templates()) > 40


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_every_template_string_is_marked(path: Path) -> None:
    found = unmarked(path.read_text(encoding="utf-8"))
    assert not found, (
        f"{path.relative_to(TEMPLATES)}: text not marked for translation; write it "
        '{{ _("…") }} (placeholders: {{ _("%(n)s people", n=count) }}):\n'
        + "\n".join(f"  line {u.line}: {u.text!r}" for u in found)
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p>Hello there</p>", ["Hello there"]),
        ('<input placeholder="Your name">', ["Your name"]),
        ("<p>{{ n }} people</p>", ["people"]),
        ('<a title="Open {{ x }}">x</a>', ["Open "]),
        ("{% block title %}Your account{% endblock %}", ["Your account"]),
    ],
)
def test_the_scanner_finds_unmarked_text(source: str, expected: list[str]) -> None:
    assert [u.text for u in unmarked(source)] == expected


@pytest.mark.parametrize(
    "source",
    [
        '<p>{{ _("Hello there") }}</p>',
        "<p>{{ name }} · {{ count }}</p>",
        '<input placeholder="{{ _("Your name") }}">',
        "<script>const label = 'not read as text';</script>",
        "<style>.a { content: 'x'; }</style>",
        "<!-- a comment for developers -->",
        "{# a Jinja comment #}<p>Coalition</p>",
        '<p>{{ ngettext("%(num)s post", "%(num)s posts", n) }}</p>',
    ],
)
def test_the_scanner_passes_marked_text(source: str) -> None:
    assert unmarked(source) == []
