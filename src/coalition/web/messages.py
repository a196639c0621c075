"""Validation errors as sentences a person reads, in their language.

Pydantic says "String should have at least 10 characters" at ``password``; a person reads
"Password must be at least 10 characters." Each error type becomes one sentence that names the
field as the page labels it (LABELS, or the field's name made readable).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from typing import Any

from babel.lists import format_list

from ..formatting import decimal
from ..i18n import _, current_locale, lazy
from ..labels import vocab

# How the pages label the fields the forms post (the name in the form → the label people see).
LABELS: dict[str, str] = {
    "password": lazy("Password"),
    "email": lazy("E-mail"),
    "display_name": lazy("Name"),
    "name": lazy("Name"),
    "title": lazy("Title"),
    "summary": lazy("Summary"),
    "description": lazy("Description"),
    "message": lazy("Message"),
    "topic": lazy("Topic"),
    "text": lazy("Text"),
    "body": lazy("Text"),
    "budget": lazy("Budget"),
    "hours_per_week": lazy("Hours per week"),
    "seats": lazy("Seats"),
    "starts_on": lazy("Start date"),
    "ends_on": lazy("End date"),
    "capacity_hours": lazy("Capacity (hours per week)"),
    "day_rate": lazy("Day rate"),
    "website": lazy("Website"),
    "slug": lazy("Web address"),
    "sector": lazy("Sector"),
    "region": lazy("Region"),
    "kind": lazy("Kind"),
    "role": lazy("Role"),
    "reason": lazy("Reason"),
    "token": lazy("Link"),
    "scopes": lazy("Scopes"),
    "expires_in_days": lazy("Days before it expires"),
    "locale": lazy("Language"),
    "languages": lazy("Languages"),
}

SENTENCES: dict[str, str] = {
    "missing": lazy("%(field)s is required."),
    "string_too_short": lazy("%(field)s must be at least %(min_length)s characters."),
    "string_too_long": lazy("%(field)s must be at most %(max_length)s characters."),
    "too_short": lazy("%(field)s needs at least %(min_length)s entries."),
    "too_long": lazy("%(field)s takes at most %(max_length)s entries."),
    "greater_than_equal": lazy("%(field)s must be at least %(ge)s."),
    "greater_than": lazy("%(field)s must be more than %(gt)s."),
    "less_than_equal": lazy("%(field)s must be at most %(le)s."),
    "less_than": lazy("%(field)s must be less than %(lt)s."),
    "int_parsing": lazy("%(field)s must be a whole number."),
    "int_type": lazy("%(field)s must be a whole number."),
    "int_from_float": lazy("%(field)s must be a whole number."),
    "float_parsing": lazy("%(field)s must be a number."),
    "float_type": lazy("%(field)s must be a number."),
    "decimal_parsing": lazy("%(field)s must be a number."),
    "bool_parsing": lazy("%(field)s must be yes or no."),
    "date_parsing": lazy("%(field)s must be a date."),
    "date_from_datetime_parsing": lazy("%(field)s must be a date."),
    "datetime_parsing": lazy("%(field)s must be a date and time."),
    "datetime_from_date_parsing": lazy("%(field)s must be a date and time."),
    "literal_error": lazy("%(field)s must be one of: %(expected)s."),
    "enum": lazy("%(field)s must be one of: %(expected)s."),
    "string_pattern_mismatch": lazy("%(field)s is not in the expected form."),
    "url_parsing": lazy("%(field)s must be a web address (https://…)."),
    "url_scheme": lazy("%(field)s must be a web address (https://…)."),
    "extra_forbidden": lazy("%(field)s is not expected here."),
    "string_type": lazy("%(field)s must be text."),
    "list_type": lazy("%(field)s must be a list."),
    "json_invalid": lazy("The request is not valid JSON."),
}
DEFAULT_SENTENCE = lazy("%(field)s is not valid.")
VALUE_ERROR = lazy("%(field)s: %(problem)s")


# One choice of Pydantic's "'public', 'unlisted' or 'private'" (or "1, 2 or 3").
_CHOICE = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|-?\d+(?:\.\d+)?")


def choices(expected: Any) -> str:
    """Pydantic's list of the values a field takes, as the reader reads it: each code by its
    label, joined with the language's "or".

    >>> from coalition.i18n import use_locale
    >>> with use_locale("es"):
    ...     choices("'business', 'government' or 'funder'")
    'empresa, gobierno o financiador'
    """
    found = _CHOICE.findall(str(expected))
    if not found:
        return str(expected)
    labels = []
    for token in found:
        value = ast.literal_eval(token)
        labels.append(vocab(value) if isinstance(value, str) else decimal(value))
    return format_list(labels, style="or", locale=current_locale())


def _bound(value: Any) -> Any:
    """A bound (ge, le, …) written for the reader: 10000 → "10,000" (en), "10.000" (es)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return decimal(value)
    return value


def field_label(location: Iterable[Any], labels: Mapping[str, str] | None = None) -> str:
    """The label of the field at ``location`` (Pydantic's ``loc``), in the reader's language."""
    names = [str(p) for p in location if not isinstance(p, int) and p not in ("body", "query")]
    name = names[-1] if names else ""
    chosen = (labels or {}).get(name) or LABELS.get(name)
    if chosen:
        label = _(chosen)
    else:
        readable = name.replace("_", " ").strip() or _("This form")
        label = readable[:1].upper() + readable[1:]
    if "privacy" in names[:-1]:
        return _("The privacy choice for %(field)s") % {"field": label}
    return label


def sentence(error: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> str:
    """One Pydantic error (``ValidationError.errors()`` item) as a sentence."""
    kind = str(error.get("type", ""))
    context = dict(error.get("ctx") or {})
    values: dict[str, Any] = {"field": field_label(error.get("loc", ()), labels)}
    for key in ("min_length", "max_length", "ge", "gt", "le", "lt"):
        values[key] = _bound(context.get(key, ""))
    values["expected"] = choices(context.get("expected", ""))
    if kind in ("string_too_short", "too_short") and context.get("min_length") == 1:
        kind = "missing"  # "at least 1 characters" says "required" badly
    if kind == "value_error":
        problem = str(context.get("error", error.get("msg", ""))).removeprefix("Value error, ")
        values["problem"] = problem
        return _(VALUE_ERROR) % values
    return _(SENTENCES.get(kind, DEFAULT_SENTENCE)) % values


def sentences(
    errors: Iterable[Mapping[str, Any]], labels: Mapping[str, str] | None = None
) -> list[str]:
    """Every error as a sentence, each once, in the order given."""
    seen: list[str] = []
    for error in errors:
        text = sentence(error, labels)
        if text not in seen:
            seen.append(text)
    return seen
