"""An initiative's history as its readers read it: each change's field by the label the pages
give it, its values before and after in the reader's language.

The history keeps what changed as data (services/lifecycle.py ``record_change``: codes, ISO
dates, plain numbers, a role's requirements as "Term ≥ level"), so machine exports stay
locale-neutral; here each value becomes words: statuses, sectors and regions by their labels,
dates, money, hours and counts by Babel, languages by their names, lists joined as the
language joins them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from babel.lists import format_list

from ..formatting import date, decimal, hours, language_name, money, number
from ..i18n import _, current_locale, lazy, ngettext, translated_map
from ..labels import vocab

__all__ = ["FIELDS", "field_label", "value_text"]

# How the manage page names each field the history records (record_change's ``field``).
FIELDS: dict[str, str] = {
    "status": lazy("Status"),
    "title": lazy("Title"),
    "purpose": lazy("Purpose"),
    "purpose_tags": lazy("Purpose tags"),
    "start_date": lazy("Starts on"),
    "end_date": lazy("Ends on"),
    "budget": lazy("Budget"),
    "sector_mix": lazy("Sector mix"),
    "max_per_organisation": lazy("At most per organisation"),
    "timezone_coverage": lazy("Time zone coverage"),
    "open_call": lazy("Open to the network"),
    "role_added": lazy("Role added"),
    "role_retired": lazy("Role retired"),
    "role.title": lazy("Role title"),
    "role.seats": lazy("Seats"),
    "role.hours_per_week": lazy("Hours per week"),
    "role.languages": lazy("Languages"),
    "role.timezone_regions": lazy("Regions of the role"),
    "role.requirements": lazy("Capabilities required"),
    "charter": lazy("Charter"),
}
REQUIRES = " ≥ "  # how _role_snapshot writes one requirement: "Facilitation ≥ 3"


def field_label(field: str) -> str:
    """The field's label in the current locale (its name made readable when unknown)."""
    return translated_map(FIELDS).get(field) or field.replace("_", " ")


def _and(parts: Sequence[str]) -> str:
    return format_list(list(parts), locale=current_locale()) if parts else "—"


def _requirement(text: Any) -> str:
    term, found, level = str(text).rpartition(REQUIRES)
    if not found or not level.strip().isdigit():
        return str(text)
    return _("%(capability)s at level %(level)s or above") % {
        "capability": term,
        "level": number(int(level)),
    }


def _bounds(sector: str, bounds: Any) -> str:
    low = bounds.get("min") if isinstance(bounds, Mapping) else None
    high = bounds.get("max") if isinstance(bounds, Mapping) else None
    values = {"sector": vocab(sector), "min": number(low or 0), "max": number(high)}
    if high is None:
        return _("%(sector)s: at least %(min)s") % values
    if not low:
        return _("%(sector)s: at most %(max)s") % values
    return _("%(sector)s: from %(min)s to %(max)s") % values


def _sector_mix(value: Any) -> str:
    if not isinstance(value, Mapping):
        return _plain(value)
    return "; ".join(_bounds(str(s), b) for s, b in value.items()) or "—"


def _seats(n: Any) -> str:
    return ngettext("%(num)s seat", "%(num)s seats", int(n)) % {"num": number(n)}


def _weekly(value: Any) -> str:
    return _("%(h)s h/week") % {"h": hours(value)}


def _role(value: Any) -> str:
    """A role as added: its title, seats, hours, capabilities, languages and regions."""
    if not isinstance(value, Mapping):
        return _plain(value)
    parts = [str(value.get("title") or "")]
    if value.get("seats") is not None:
        parts.append(_seats(value["seats"]))
    if value.get("hours_per_week") is not None:
        parts.append(_weekly(value["hours_per_week"]))
    for key in ("requirements", "languages", "timezone_regions"):
        if value.get(key):
            parts.append(_BY_FIELD[f"role.{key}"](value[key]))
    return " · ".join(p for p in parts if p)


def _each(write: Callable[[Any], str]) -> Callable[[Any], str]:
    def joined(value: Any) -> str:
        items = value if isinstance(value, list | tuple) else [value]
        return _and([write(v) for v in items])

    return joined


_BY_FIELD: dict[str, Callable[[Any], str]] = {
    "status": vocab,
    "start_date": date,
    "end_date": date,
    "budget": money,
    "max_per_organisation": number,
    "role.seats": number,
    "role.hours_per_week": _weekly,
    "purpose_tags": _each(str),
    "timezone_coverage": _each(vocab),
    "role.timezone_regions": _each(vocab),
    "role.languages": _each(language_name),
    "role.requirements": _each(_requirement),
    "sector_mix": _sector_mix,
    "role_added": _role,
}


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return decimal(value)
    if isinstance(value, list | tuple):
        return _and([_plain(v) for v in value])
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    return str(value)


def value_text(field: str, value: Any) -> str:
    """A value before or after a change, as the reader reads it ("—" for none).

    >>> from coalition.i18n import use_locale
    >>> with use_locale("es"):
    ...     value_text("role.requirements", ["Facilitation ≥ 3"]), value_text("status", "draft")
    ('Facilitation de nivel 3 o más', 'borrador')
    """
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _plain(value)
    write = _BY_FIELD.get(field, _plain)
    return write(value)
