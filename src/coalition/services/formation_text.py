"""The formation engine's reasons and gaps in the reader's language, privacy applied.

The engine returns :class:`~coalition.engines.formation.reasons.Reason` values (a code and
the values it was built from). Here they become what the reader may see: :func:`for_reader`
applies the privacy rules on the values (a free-capacity figure the member does not share is
dropped, the code becomes its figure-less variant) and gives the JSON-ready data a proposal
stores; :func:`render` writes that data in the current locale, numbers by Babel. The English
rendering is the engine's own sentence, byte for byte (a test holds the two together), except
an undeclared day rate, which the convenor reads as "day rate not shared".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..engines.formation.reasons import Reason, ReasonCode
from ..formatting import decimal, language_name, number
from ..i18n import _, current_locale
from ..labels import vocab

__all__ = ["for_reader", "render", "render_all", "SHOWN_TO_CONVENOR_ALWAYS"]

ReasonData = Mapping[str, Any]

# What the convenor's replacement suggestions may show: not capacity, rates or costs.
SHOWN_TO_CONVENOR_ALWAYS = frozenset(
    c
    for c in ReasonCode
    if c
    not in {
        ReasonCode.CAPACITY,
        ReasonCode.CAPACITY_UNSHARED,
        ReasonCode.NO_DAY_RATE,
        ReasonCode.COST,
        ReasonCode.GAP_CAPACITY,
        ReasonCode.GAP_CAPACITY_UNSHARED,
    }
)

_UNSHARED = {
    ReasonCode.CAPACITY: ReasonCode.CAPACITY_UNSHARED,
    ReasonCode.GAP_CAPACITY: ReasonCode.GAP_CAPACITY_UNSHARED,
}


def for_reader(reason: Reason, *, capacity_shared: bool = True) -> dict[str, Any]:
    """The data of ``reason`` the convenor may read: a free-capacity figure the member keeps
    from the network is not carried (the engine still respects capacity)."""
    values = dict(reason.values)
    code = reason.code
    if not capacity_shared and code in _UNSHARED:
        code = _UNSHARED[code]
        values = {"needs": values["needs"]}
    return {"code": code.value, "values": values}


def _english() -> bool:
    return current_locale().split("_")[0] == "en"


def _hours(value: Any) -> str:
    return decimal(value, 2)


def _join(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return _("%(items)s and %(last)s") % {"items": ", ".join(parts[:-1]), "last": parts[-1]}


def _names(names: Sequence[str], limit: int = 3) -> str:
    if len(names) > limit:
        return _("%(names)s and %(count)s more") % {
            "names": ", ".join(names[:limit]),
            "count": number(len(names) - limit),
        }
    return ", ".join(names)


def _sector(code: Any) -> str:
    # English keeps the code as the engine always wrote it; other languages read the label.
    return str(code) if _english() else vocab(code)


def _language(code: Any) -> str:
    return str(code) if _english() else language_name(code)


def _covers(v: ReasonData) -> str:
    items = [
        _("%(capability)s (level %(level)s, needed %(needed)s)")
        % {"capability": term, "level": number(have), "needed": number(need)}
        for term, have, need in v["capabilities"]
    ]
    return _("covers %(capabilities)s") % {"capabilities": _join(items)}


def _worked_with(v: ReasonData) -> str:
    values = {"count": number(v["count"]), "names": _names(v["names"])}
    if v.get("since") is None:
        return _("worked with %(count)s of the team (%(names)s) before") % values
    return _("worked with %(count)s of the team (%(names)s) since %(year)s") % {
        **values,
        "year": str(v["since"]),
    }


def _shares_purpose(v: ReasonData) -> str:
    terms = [_("'%(term)s'") % {"term": t} for t in v["terms"]]
    return _("shares %(terms)s") % {"terms": _join(terms)}


def _cost(v: ReasonData) -> str:
    return _("costs %(cost)s over %(weeks)s weeks (day rate %(rate)s)") % {
        "cost": number(v["cost"]),
        "weeks": decimal(v["weeks"], 2),
        "rate": number(v["day_rate"]),
    }


def _your_levels(v: ReasonData) -> str:
    items = [
        _("%(capability)s %(level)s (needs %(needed)s)")
        % {"capability": term, "level": number(have), "needed": number(need)}
        for term, have, need in v["capabilities"]
    ]
    return _("your levels: %(capabilities)s") % {"capabilities": ", ".join(items)}


def _you_speak(v: ReasonData) -> str:
    names = [_language(code) for code in v["languages"]]
    if _english():
        return "you speak " + " and ".join(names)
    return _("you speak %(languages)s") % {"languages": _join(names)}


_OPPORTUNITY: dict[ReasonCode, Callable[[ReasonData], str]] = {
    ReasonCode.YOUR_LEVELS: _your_levels,
    ReasonCode.SHARES_YOUR_PURPOSE: lambda v: (
        _("shares your purpose: %(terms)s")
        % {"terms": ", ".join(_("'%(term)s'") % {"term": t} for t in v["terms"])}
    ),
    ReasonCode.YOUR_HOURS: lambda v: (
        _("you have the %(needs)s h/week it asks free") % {"needs": _hours(v["needs"])}
    ),
    ReasonCode.YOUR_ZONE: lambda v: (
        _("your time zone (%(region)s) is one it needs")
        % {"region": str(v["region"]) if _english() else vocab(v["region"])}
    ),
    ReasonCode.YOU_SPEAK: _you_speak,
    ReasonCode.YOUR_FEWER_CHANCES: lambda v: _(
        "you have had fewer chances lately than others who qualify"
    ),
}

_RENDER: dict[ReasonCode, Callable[[ReasonData], str]] = {
    **_OPPORTUNITY,
    ReasonCode.LOCKED_IN: lambda v: _("locked in by the convenor"),
    ReasonCode.COVERS: _covers,
    ReasonCode.WORKED_WITH: _worked_with,
    ReasonCode.SHARES_COLLABORATORS: lambda v: (
        _("shares collaborators with %(count)s of the team (%(names)s)")
        % {"count": number(v["count"]), "names": _names(v["names"])}
    ),
    ReasonCode.HAS_WORKED_WITH: lambda v: (
        _("has worked with %(count)s of the team") % {"count": number(v["count"])}
    ),
    ReasonCode.CLOSE_IN_NETWORK: lambda v: (
        _("is close to %(count)s of the team in the tie network") % {"count": number(v["count"])}
    ),
    ReasonCode.SHARES_PURPOSE: _shares_purpose,
    ReasonCode.ONLY_SECTOR: lambda v: (
        _("the team's only member from %(sector)s") % {"sector": _sector(v["sector"])}
    ),
    ReasonCode.COVERS_REGION: lambda v: (
        _("covers %(region)s working hours") % {"region": str(v["region"]).upper()}
    ),
    ReasonCode.NEWCOMER: lambda v: _("newcomer to the network"),
    ReasonCode.FEWER_CHANCES: lambda v: _("has had fewer chances recently"),
    ReasonCode.CAPACITY: lambda v: (
        _("has %(free)s h/week free; the role needs %(needs)s")
        % {"free": _hours(v["free"]), "needs": _hours(v["needs"])}
    ),
    ReasonCode.CAPACITY_UNSHARED: lambda v: (
        _("has the free capacity the role needs (%(needs)s h/week)") % {"needs": _hours(v["needs"])}
    ),
    ReasonCode.NO_DAY_RATE: lambda v: _("day rate not shared"),
    ReasonCode.COST: _cost,
    ReasonCode.GAP_LEVEL: lambda v: (
        _("%(capability)s level %(level)s (needs %(needed)s)")
        % {"capability": v["term"], "level": number(v["level"]), "needed": number(v["needs"])}
    ),
    ReasonCode.GAP_MISSING: lambda v: _("no %(capability)s") % {"capability": v["term"]},
    ReasonCode.GAP_CAPACITY: lambda v: (
        _("%(free)s h/week free (needs %(needs)s)")
        % {"free": _hours(v["free"]), "needs": _hours(v["needs"])}
    ),
    ReasonCode.GAP_CAPACITY_UNSHARED: lambda v: (
        _("not enough free capacity (the role needs %(needs)s h/week)")
        % {"needs": _hours(v["needs"])}
    ),
    ReasonCode.GAP_LANGUAGE: lambda v: (
        _("does not speak %(language)s") % {"language": _language(v["language"])}
    ),
}


def render(data: ReasonData) -> str:
    """A reason's data (as :func:`for_reader` gives it) in the current locale."""
    return _RENDER[ReasonCode(data["code"])](data.get("values") or {})


def render_all(reasons: Sequence[Reason], *, capacity_shared: bool = True) -> list[str]:
    """``reasons`` as the convenor reads them, in the current locale."""
    return [render(for_reader(r, capacity_shared=capacity_shared)) for r in reasons]
