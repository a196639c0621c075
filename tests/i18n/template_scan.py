"""Find the text of a template that a person reads and that is not marked for translation.

The template is cut into Jinja tokens (``{{ }}``, ``{% %}``, ``{# #}``) and raw HTML; the raw HTML
is walked as tags, attribute values, comments, scripts and text. Text with a letter outside a
Jinja expression, and the values of the attributes a person reads (placeholder, title, aria-label,
alt), are reported unless they are on the allow-list (brand names, units, symbols).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
READ_ATTRIBUTES = frozenset({"placeholder", "title", "aria-label", "alt"})
ATTRIBUTES_TEXT = re.compile(r'(\s*(autofocus|[a-z-]+="[^"]*"?))+\s*"?')
LETTER = re.compile(r"[^\W\d_]")
# Words that stay as they are in every language.
ALLOWED = frozenset(
    {
        "Coalition",
        "Polis",
        "Swagger UI",
        "AGPL-3.0-or-later",
        "CSV",
        "JSON",
        "GEXF",
        "PDF",
        "ICS",
        "API",
        "OpenAPI",
        "Markdown",
        "ORCID",
        "ROR",
        "e.g.",
        "h",
        "×",
        "ms",
        "px",
        "km",
        "id",
        "%",
        "x",
        "vs",
    }
)


@dataclass(frozen=True)
class Unmarked:
    line: int
    text: str


def tokens(source: str) -> Iterator[tuple[str, str, int]]:
    """(kind, text, offset) with kind ``jinja`` or ``raw``, in order."""
    position = 0
    for match in JINJA.finditer(source):
        if match.start() > position:
            yield "raw", source[position : match.start()], position
        yield "jinja", match.group(0), match.start()
        position = match.end()
    if position < len(source):
        yield "raw", source[position:], position


def _needs_mark(text: str) -> bool:
    stripped = " ".join(text.split())
    if stripped in ALLOWED or ATTRIBUTES_TEXT.fullmatch(stripped):
        return False  # a brand or unit; or attributes written by a macro between {% if %}s
    words = [w for w in re.split(r"[\s·—–:;,.()/|]+", stripped) if w and w not in ALLOWED]
    if not any(LETTER.search(w) for w in words):
        return False
    if stripped.startswith("&") and stripped.endswith(";") and " " not in stripped:
        return False  # an entity
    return True


def unmarked(source: str) -> list[Unmarked]:
    """Every run of readable text in ``source`` that is not inside a Jinja expression."""
    found: list[Unmarked] = []
    state = "text"  # text | tag | value | comment | script
    quote = ""
    attribute = ""
    name_buffer = ""
    value_buffer: list[str] = []
    closing = ""
    for kind, text, offset in tokens(source):
        if kind == "jinja":
            continue
        i = 0
        while i < len(text):
            char = text[i]
            if state == "text":
                if source.startswith("<!--", offset + i):
                    state = "comment"
                    i += 4
                    continue
                if (
                    char == "<"
                    and i + 1 < len(text)
                    and (text[i + 1].isalpha() or text[i + 1] in "/!")
                ):
                    rest = text[i + 1 : i + 8].lower()
                    closing = "</script" if rest.startswith("script") else ""
                    closing = "</style" if rest.startswith("style") else closing
                    state = "tag"
                    name_buffer = ""
                    i += 1
                    continue
                j = i
                while j < len(text) and not (
                    text[j] == "<"
                    and j + 1 < len(text)
                    and (text[j + 1].isalpha() or text[j + 1] in "/!")
                ):
                    j += 1
                chunk = text[i:j]
                if _needs_mark(chunk):
                    line = source.count("\n", 0, offset + i + len(chunk) - len(chunk.lstrip())) + 1
                    found.append(Unmarked(line, " ".join(chunk.split())))
                i = j
                continue
            if state == "comment":
                end = text.find("-->", i)
                if end < 0:
                    break
                state = "text"
                i = end + 3
                continue
            if state == "script":
                end = text.lower().find(closing, i)
                if end < 0:
                    break
                state = "tag"
                closing = ""
                i = end + 1
                continue
            if state == "tag":
                if char == ">":
                    state = "script" if closing else "text"
                    i += 1
                    continue
                if char in "\"'":
                    attribute = name_buffer.strip().lower()
                    quote = char
                    state = "value"
                    value_buffer = []
                    i += 1
                    continue
                if char in " \t\n":
                    name_buffer = ""
                elif char != "=":
                    name_buffer += char
                i += 1
                continue
            if state == "value":
                if char == quote:
                    value = "".join(value_buffer)
                    if attribute in READ_ATTRIBUTES and _needs_mark(value):
                        found.append(Unmarked(source.count("\n", 0, offset + i) + 1, value))
                    state = "tag"
                    name_buffer = ""
                    i += 1
                    continue
                value_buffer.append(char)
                i += 1
                continue
    return found
