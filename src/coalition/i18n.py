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
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LOCALE = "en"

_current: ContextVar[str] = ContextVar("coalition_locale", default=DEFAULT_LOCALE)


def current_locale() -> str:
    """The locale of the request or command being served (``en`` when none was chosen)."""
    return _current.get()


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    """Serve the enclosed block in ``locale``."""
    token = _current.set(locale)
    try:
        yield
    finally:
        _current.reset(token)


def set_locale(locale: str) -> None:
    """Set the locale for the rest of this context (a request's task, a CLI command)."""
    _current.set(locale)


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


def gettext(message: str) -> str:
    """``message`` in the current locale."""
    return translations(current_locale()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the current locale."""
    return translations(current_locale()).ngettext(singular, plural, n)


_ = gettext
