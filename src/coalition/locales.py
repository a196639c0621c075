"""Names people read instead of codes: languages by their name (Babel's CLDR locale data) and
IANA time zones by their city (``zoneinfo.available_timezones``), in the current locale."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from zoneinfo import available_timezones

from babel import Locale, UnknownLocaleError

from .i18n import current_locale

_CODE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")


@cache
def _locale(name: str) -> Locale:
    try:
        return Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return Locale("en")


def language_name(code: str, locale: str | None = None) -> str:
    """``fr`` → "French", ``pt-BR`` → "Portuguese (Brazil)"; an unknown code stays as it is."""
    where = _locale(locale or current_locale())
    base, _, region = code.partition("-")
    name = where.languages.get(base)
    if name is None:
        return code
    if region:
        return f"{name} ({where.territories.get(region, region)})"
    return str(name)


@cache
def language_options(locale: str = "en") -> tuple[tuple[str, str], ...]:
    """Every language with a two- or three-letter code, as (code, name), by name."""
    names = _locale(locale).languages
    pairs = [(code, str(name)) for code, name in names.items() if _CODE.match(code)]
    return tuple(sorted(pairs, key=lambda p: p[1].casefold()))


def language_code(text: str, locale: str | None = None) -> str | None:
    """The code of a language typed by its name ("french", "Portuguese (Brazil)") or code."""
    value = text.strip()
    if _CODE.match(value):
        return value
    wanted = value.casefold()
    where = locale or current_locale()
    for code, name in language_options(where):
        if name.casefold() == wanted:
            return code
    base, _, rest = value.partition("(")
    if rest.endswith(")"):
        found = language_code(base, where)
        terr = rest[:-1].strip().casefold()
        regions = _locale(where).territories
        for region, name in regions.items():
            if len(region) == 2 and str(name).casefold() == terr and found:
                return f"{found}-{region}"
    return None


def city_of(zone: str) -> str:
    """The city a zone is named after: ``America/Sao_Paulo`` → "Sao Paulo"."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


@cache
def timezone_options() -> tuple[tuple[str, str], ...]:
    """Every IANA zone with a city (Area/City), as (zone, "City — Area/City"), by city."""
    zones = [
        z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))
    ]
    zones.append("UTC")
    pairs = [(z, f"{city_of(z)} — {z}" if "/" in z else z) for z in zones]
    return tuple(sorted(pairs, key=lambda p: (p[1].casefold(), p[0])))


def _plain(text: str) -> str:
    """Lower case without accents: "São Paulo" → "sao paulo"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("_", " "))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_timezones(query: str, limit: int = 20) -> list[tuple[str, str]]:
    """Zones whose city or name holds ``query`` (case, accents, spaces/underscores ignored)."""
    wanted = _plain(query.strip())
    if not wanted:
        return []
    starts = []
    holds = []
    for zone, label in timezone_options():
        if _plain(city_of(zone)).startswith(wanted):
            starts.append((zone, label))
        elif wanted in _plain(label):
            holds.append((zone, label))
    return (starts + holds)[:limit]
