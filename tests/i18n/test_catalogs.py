"""The Spanish and French catalogs hold every marked string, translated, with its placeholders.

The strings are extracted afresh here (Babel's own extraction, as ``make messages`` runs it),
so a newly marked string that no catalog has yet fails this test until it is translated.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "src" / "coalition" / "locale"
COMPLETE = ("es", "fr")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
HOW = (
    "run `make messages`, then translate the new entries of "
    "src/coalition/locale/{es,fr}/LC_MESSAGES/messages.po (msgstr; plurals in msgstr[n]; "
    "keep every %(name)s placeholder)"
)


def _extracted() -> Catalog:
    """Every marked string of the sources and templates, as babel.cfg says to extract them."""
    catalog = Catalog()
    method_map = [
        ("src/coalition/**.py", "python"),
        ("src/coalition/web/templates/**.html", "jinja2"),
    ]
    options = {"src/coalition/web/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy": None, "phrase": None}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options, keywords=keywords
    ):
        catalog.add(message, None, [(filename, lineno)], context=context)
    return catalog


@pytest.fixture(scope="module")
def extracted() -> Catalog:
    return _extracted()


def _read(locale: str) -> Catalog:
    with (LOCALES / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def test_extraction_finds_the_marked_strings(extracted: Catalog) -> None:
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in extracted if m.id}
    assert {"Sign in", "Directory", "%(field)s is required."} <= ids
    assert len(ids) > 900


@pytest.mark.parametrize("locale", COMPLETE)
def test_catalog_is_complete(locale: str, extracted: Catalog) -> None:
    catalog = _read(locale)
    missing, empty, fuzzy = [], [], []
    for message in extracted:
        if not message.id:
            continue
        found = catalog.get(message.id)
        if found is None:
            missing.append(message.id)
            continue
        strings = found.string if isinstance(found.string, tuple) else (found.string,)
        if not all(strings):
            empty.append(message.id)
        if found.fuzzy:
            fuzzy.append(message.id)
    report = [f"{len(missing)} missing: {missing[:10]}", f"{len(empty)} empty: {empty[:10]}"]
    report.append(f"{len(fuzzy)} fuzzy: {fuzzy[:10]}")
    assert not (missing or empty or fuzzy), f"{locale}: " + "; ".join(report) + f". To fix: {HOW}"


@pytest.mark.parametrize("locale", COMPLETE)
def test_translations_keep_their_placeholders(locale: str) -> None:
    wrong = []
    for message in _read(locale):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        for text in strings:
            names = set(PLACEHOLDER.findall(text))
            # A singular may leave out %(num)s ("edited once"); nothing else may be lost.
            if names - expected or (expected - names - {"num"}):
                wrong.append((message.id, text))
            bare = re.sub(r"%%|%\(\w+\)s", "", text)
            if "python-format" in message.flags and "%" in bare:
                wrong.append((message.id, text))
    assert not wrong, f"{locale}: placeholders differ from the English: {wrong[:10]}"


def test_a_new_marked_string_is_reported_missing(tmp_path: Path) -> None:
    """The completeness check can fail: a string no catalog has is found missing."""
    catalog = _read("es")
    assert catalog.get("A sentence nobody has translated yet") is None
    assert catalog.get("Sign in") is not None and catalog.get("Sign in").string
