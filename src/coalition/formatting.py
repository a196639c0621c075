"""Numbers, money, dates and language names written for the reader's locale (Babel / CLDR).

Pages, e-mails and exports meant for people use these (as Jinja filters: ``number``,
``decimal``, ``hours``, ``money``, ``percent``, ``date``, ``datetime``, ``language_name``);
machine exports (CSV, JSON, GEXF) never do, so they stay locale-neutral.
"""

from __future__ import annotations

import os
from datetime import date as _date
from datetime import datetime as _datetime
from typing import Any

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from .i18n import current_locale

# Budgets and costs carry no currency of their own; the deployment names it (ISO 4217).
DEFAULT_CURRENCY = os.environ.get("COALITION_CURRENCY", "EUR")


def _locale(locale: str | None) -> str:
    return locale or current_locale()


def number(value: Any, locale: str | None = None) -> str:
    """A whole number with the locale's grouping: 120000 → "120,000" (en), "120 000" (fr)."""
    if value is None or value == "":
        return ""
    return babel_numbers.format_decimal(round(float(value)), locale=_locale(locale))


def decimal(value: Any, digits: int = 2, locale: str | None = None) -> str:
    """A number with at most ``digits`` decimals and no trailing zeros: 6.0 → "6", 1.25 → "1.25"."""
    if value is None or value == "":
        return ""
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return babel_numbers.format_decimal(float(value), format=pattern, locale=_locale(locale))


def fixed(value: Any, digits: int = 2, locale: str | None = None) -> str:
    """A score with exactly ``digits`` decimals, for columns that compare: 0.3 → "0.30"."""
    if value is None or value == "":
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return babel_numbers.format_decimal(float(value), format=pattern, locale=_locale(locale))


def hours(value: Any, locale: str | None = None) -> str:
    """Hours as people write them: 6.0 → "6", 7.5 → "7.5" (en) / "7,5" (es, fr)."""
    return decimal(value, 1, locale)


def money(value: Any, currency: str = DEFAULT_CURRENCY, locale: str | None = None) -> str:
    """An amount of money with its currency, no cents for whole amounts: "€120,000"."""
    if value is None or value == "":
        return ""
    amount = float(value)
    loc = Locale.parse(_locale(locale))
    if amount != round(amount):
        return babel_numbers.format_currency(amount, currency, locale=loc)
    pattern = loc.currency_formats["standard"].pattern.replace(".00", "")
    return babel_numbers.format_currency(
        amount, currency, format=pattern, locale=loc, currency_digits=False
    )


def percent(value: Any, digits: int = 0, locale: str | None = None) -> str:
    """A share (0.42) as a percentage for the locale: "42%", "42 %" (fr)."""
    if value is None or value == "":
        return ""
    loc = Locale.parse(_locale(locale))
    pattern = loc.percent_formats[None].pattern
    if digits:
        pattern = pattern.replace("0", "0." + "#" * digits, 1)
    return babel_numbers.format_percent(float(value), format=pattern, locale=loc)


def date(value: Any, form: str = "medium", locale: str | None = None) -> str:
    """A date for the reader: "4 Dec 2026" (en), "4 dic 2026" (es), "4 déc. 2026" (fr)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = _datetime.fromisoformat(value)
    if isinstance(value, _datetime):
        value = value.date()
    if not isinstance(value, _date):
        return str(value)
    return babel_dates.format_date(value, format=form, locale=_locale(locale))


def datetime(value: Any, form: str = "medium", locale: str | None = None) -> str:
    """A date and time for the reader, to the minute: "4 Dec 2026, 16:20"."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = _datetime.fromisoformat(value)
    if not isinstance(value, _datetime):
        return date(value, form, locale)
    loc = Locale.parse(_locale(locale))
    day = babel_dates.format_date(value.date(), format=form, locale=loc)
    time = babel_dates.format_time(value.time(), format="short", locale=loc)
    pattern = loc.datetime_formats.get(form, "{1} {0}")
    return str(pattern).replace("{1}", day).replace("{0}", time)


def language_name(code: Any, locale: str | None = None) -> str:
    """A language's name in the reader's language, from its code: "tw" → "Twi" / "twi"."""
    if not code:
        return ""
    reader = Locale.parse(_locale(locale))
    named = reader.languages.get(str(code).replace("-", "_"))
    if named:
        return str(named)
    try:
        name = Locale.parse(str(code).replace("-", "_")).get_display_name(_locale(locale))
    except (ValueError, UnknownLocaleError):
        return str(code)
    return name or str(code)


FILTERS = {
    "number": number,
    "decimal": decimal,
    "fixed": fixed,
    "hours": hours,
    "money": money,
    "percent": percent,
    "date": date,
    "datetime": datetime,
    "language_name": language_name,
}
