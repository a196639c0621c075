"""Markdown for posts and decisions, rendered safely: CommonMark without raw HTML or images,
links only to http(s), mailto or this site, each with ``rel="nofollow noopener"``."""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup

_SAFE_LINK = re.compile(r"^(https?:|mailto:|/(?!/)|#)", re.I)
MENTION = re.compile(r"@\[([^\[\]\n]{1,200})\]")


def _validate_link(url: str) -> bool:
    return bool(_SAFE_LINK.match(url.strip()))


def _link_open(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    tokens[idx].attrSet("rel", "nofollow noopener noreferrer")
    return str(self.renderToken(tokens, idx, options, env))


class _SafeLinks(MarkdownIt):
    """Markdown whose links are only those :data:`_SAFE_LINK` allows."""

    def validateLink(self, url: str) -> bool:  # noqa: N802 - markdown-it's name
        return _validate_link(url)


_MD = _SafeLinks("commonmark", {"html": False, "linkify": False}).disable("image")
_MD.add_render_rule("link_open", _link_open)


def _escape_label(text: str) -> str:
    return re.sub(r"([\\\[\]()*_`<>])", r"\\\1", text)


def render(text: str, mentions: dict[str, int] | None = None) -> Markup:
    """HTML for ``text``; ``@[Name]`` of a known actor becomes a link to their profile."""
    known = {k.casefold(): v for k, v in (mentions or {}).items()}

    def link(match: re.Match[str]) -> str:
        actor_id = known.get(match.group(1).strip().casefold())
        if actor_id is None:
            return match.group(0)
        return f"[@{_escape_label(match.group(1).strip())}](/actors/{actor_id})"

    return Markup(_MD.render(MENTION.sub(link, text)))  # noqa: S704 - html disabled above


def mentioned_names(text: str) -> list[str]:
    """The names written ``@[Name]`` in ``text``, in order, without repeats."""
    seen: dict[str, str] = {}
    for match in MENTION.finditer(text):
        name = match.group(1).strip()
        seen.setdefault(name.casefold(), name)
    return list(seen.values())
