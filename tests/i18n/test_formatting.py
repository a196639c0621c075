"""Numbers, money, dates and language names written by Babel for each locale (issue 19)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from babel.numbers import parse_decimal
from hypothesis import given
from hypothesis import strategies as st

from coalition import formatting as f
from coalition.i18n import use_locale


@pytest.mark.parametrize(
    ("locale", "budget", "hours", "half", "day", "when", "twi"),
    [
        ("en", "€120,000", "6", "7.5", "Dec 4, 2026", "Dec 4, 2026, 4:20\u202fPM", "Twi"),
        ("es", "120.000\xa0€", "6", "7,5", "4 dic 2026", "4 dic 2026, 16:20", "twi"),
        ("fr", "120\u202f000\xa0€", "6", "7,5", "4 déc. 2026", "4 déc. 2026, 16:20", "twi"),
    ],
)
def test_each_locale_writes_its_own_way(
    locale: str, budget: str, hours: str, half: str, day: str, when: str, twi: str
) -> None:
    with use_locale(locale):
        assert f.money(120000.0) == budget
        assert f.hours(6.0) == hours and f.hours(7.5) == half
        assert f.date(date(2026, 12, 4)) == day
        assert f.datetime(datetime(2026, 12, 4, 16, 20)) == when
        assert f.language_name("tw") == twi


def test_language_names_come_from_codes() -> None:
    with use_locale("es"):
        assert f.language_name("fr") == "francés"
        assert f.language_name("pt-BR") == "portugués de Brasil"
        assert f.language_name("wo") == "wólof"
    assert f.language_name("zz-unknown") == "zz-unknown"  # an unknown code stays as it is


def test_numbers_and_percentages() -> None:
    with use_locale("fr"):
        assert f.number(1234567) == "1\u202f234\u202f567"
        assert f.percent(0.42) == "42\xa0%"
        assert f.fixed(0.3) == "0,30"
    with use_locale("en"):
        assert f.percent(0.0175, 1) == "1.8%"
        assert f.money(12.5) == "€12.50"
    assert f.number(None) == "" and f.date("") == ""


def test_iso_strings_are_formatted_too() -> None:
    with use_locale("es"):
        assert f.date("2027-03-01") == "1 mar 2027"


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False), st.sampled_from(["en", "es", "fr"]))
def test_hours_never_show_a_bare_trailing_zero(value: float, locale: str) -> None:
    written = f.hours(value, locale=locale)
    separator = {"en": ".", "es": ",", "fr": ","}[locale]
    assert not written.endswith(separator + "0")
    # one decimal at most, rounded half-even on the decimal value (Babel), not on the binary float
    assert abs(float(parse_decimal(written, locale=locale)) - value) <= 0.05 + 1e-9
