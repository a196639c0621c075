"""Languages: the current locale of a request or command, and the gettext calls that read it.

Every string a person reads is marked with ``_()`` (Python: ``from coalition.i18n import _``;
templates: ``{{ _("…") }}``, Jinja's i18n extension in new style, so ``%(name)s`` placeholders
are filled and escaped by Jinja). The locale lives in a context variable set per request (web)
or per command (CLI); catalogs are gettext ``.po`` files under ``coalition/locale``, read with
Babel.
"""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TypeVar

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LOCALE = "en"
# The languages a person may choose: English, then the catalogs under coalition/locale.
LOCALES: tuple[str, ...] = ("en", "es", "fr", "ar")
RTL_LOCALES = frozenset({"ar"})

# A one-item list, so that a locale chosen in a copy of the context (a sync dependency runs in
# a worker thread with a copy) is seen by the rest of the same request.
K = TypeVar("K")

_current: ContextVar[list[str] | None] = ContextVar("coalition_locale", default=None)


def current_locale() -> str:
    """The locale of the request or command being served (``en`` when none was chosen)."""
    box = _current.get()
    return box[0] if box else DEFAULT_LOCALE


def supported(locale: str | None) -> str | None:
    """``locale`` if it is one of LOCALES (``es_ES`` and ``es-ES`` count as ``es``), else None."""
    if not locale:
        return None
    language = locale.replace("-", "_").split("_", 1)[0].split(".", 1)[0].lower()
    return language if language in LOCALES else None


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    """Serve the enclosed block in ``locale``."""
    token = _current.set([supported(locale) or DEFAULT_LOCALE])
    try:
        yield
    finally:
        _current.reset(token)


def set_locale(locale: str) -> None:
    """Set the locale for the rest of this context (a request, however it is run; a command)."""
    chosen = supported(locale) or DEFAULT_LOCALE
    box = _current.get()
    if box is None:
        _current.set([chosen])
    else:
        box[0] = chosen


def text_direction(locale: str | None = None) -> str:
    """``rtl`` for a right-to-left language, else ``ltr``."""
    return "rtl" if (locale or current_locale()) in RTL_LOCALES else "ltr"


def negotiate(accept_language: str | None) -> str | None:
    """The best of LOCALES for an ``Accept-Language`` header (Babel's ``negotiate_locale``)."""
    if not accept_language:
        return None
    from babel.core import negotiate_locale

    weighted = []
    for index, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, index, tag.strip().replace("-", "_")))
    preferred = [tag for _, _, tag in sorted(weighted)]
    # Babel matches "es_MX" to "es" through its aliases only for some; add each base language.
    preferred += [tag.split("_", 1)[0] for tag in preferred]
    found = negotiate_locale(preferred, list(LOCALES), sep="_")
    return supported(found)


def lazy(message: str) -> str:
    """Mark ``message`` for extraction where it is declared; translate it with ``_`` when shown."""
    return message


def translated_map(labels: Mapping[K, str]) -> dict[K, str]:
    """A mapping of codes to labels declared with ``lazy``, in the current locale."""
    return {key: gettext(label) for key, label in labels.items()}


def translated_pairs(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(code, label) pairs declared with ``lazy``, in the current locale."""
    return [(key, gettext(label)) for key, label in pairs]


@cache
def translations(locale: str) -> _gettext.NullTranslations:
    """The catalog of ``locale`` (NullTranslations, i.e. English, where there is none)."""
    po = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with po.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(fp=compiled)


def locale_from_environment(environ: dict[str, str] | None = None) -> str:
    """The CLI's locale: ``COALITION_LANG``, else ``LC_ALL``/``LC_MESSAGES``/``LANG``, else en."""
    import os

    env = os.environ if environ is None else environ
    for name in ("COALITION_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        chosen = supported(env.get(name))
        if chosen:
            return chosen
    return DEFAULT_LOCALE


def gettext(message: str) -> str:
    """``message`` in the current locale."""
    return translations(current_locale()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the current locale."""
    return translations(current_locale()).ngettext(singular, plural, n)


_ = gettext


@dataclass(frozen=True)
class Later:
    """A value of a :class:`Phrase` written when the phrase is: ``write(value)`` in the
    reader's locale (a date or a number formatted by coalition.formatting, say).

    >>> from coalition.formatting import decimal
    >>> phrase("%(h)s h/week", h=Later(decimal, 7.5)).render("fr")
    '7,5 h/semaine'
    """

    write: Callable[[object], str]
    value: object

    def __str__(self) -> str:
        return self.write(self.value)


@dataclass(frozen=True)
class Phrase:
    """A message to be read by someone else, in *their* language: the msgid and its values,
    translated only when :meth:`render` is given the reader's locale (a notification or an
    e-mail is written in the recipient's language, not the language of whoever caused it).
    A value given as :class:`Later` (or as another Phrase) is written in that locale too."""

    message: str
    values: Mapping[str, object] = field(default_factory=dict)

    def render(self, locale: str | None = None) -> str:
        """The message in ``locale`` (the current locale when None), values filled in."""
        if locale is not None:
            with use_locale(locale):
                return self.render()
        text = gettext(self.message)
        return text % dict(self.values) if self.values else text

    def __str__(self) -> str:
        return self.render()


def phrase(message: str, **values: object) -> Phrase:
    """Mark ``message`` for translation in the reader's language, later (see :class:`Phrase`)."""
    return Phrase(message, values)
