"""Why no team could be formed, the notes of a run, and the engine's refusals of bad input, in
the reader's language.

The formation engine says each of these as a :class:`~coalition.engines.formation.reasons.Said`
(or a :class:`~coalition.engines.formation.problem.FormationInputError`): a code and the values
it was built from, its English kept for logs. Here the code and values become the sentence the
convenor reads, numbers, money, sectors, regions and languages by Babel and the vocabulary
labels, in the current locale (the reasons behind each proposed member are written by
:mod:`coalition.services.formation_text`, the same way).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..engines.formation.problem import FormationInputError
from ..engines.formation.reasons import (
    DetailCode,
    FunnelCode,
    InputCode,
    NoteCode,
    ObstacleCode,
    Said,
)
from ..formatting import decimal, language_name, money, number
from ..glossary import entry
from ..i18n import _, lazy, ngettext, translated_map
from ..labels import vocab

__all__ = ["input_message", "note", "obstacle", "people_phrase", "seats_phrase", "summary"]

Values = Mapping[str, Any]


def _list(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return _("%(items)s and %(last)s") % {"items": ", ".join(parts[:-1]), "last": parts[-1]}


def _region(code: Any) -> str:
    return vocab(code) if code else _("unknown region")


def _sector(code: Any) -> str:
    return vocab(code) if code else _("no sector")


def seats_phrase(n: int) -> str:
    return ngettext("%(num)s seat", "%(num)s seats", n) % {"num": number(n)}


def people_phrase(n: int) -> str:
    return ngettext("%(num)s person", "%(num)s people", n) % {"num": number(n)}


# -- a role's funnel ------------------------------------------------------------------------

_FUNNEL: dict[FunnelCode, Callable[[Values], str]] = {
    FunnelCode.REQUIREMENT: lambda v: (
        _("%(capability)s at level %(level)s or above")
        % {"capability": v["term"], "level": number(v["level"])}
    ),
    FunnelCode.ALSO_REQUIREMENT: lambda v: (
        _("also %(capability)s at level %(level)s or above")
        % {"capability": v["term"], "level": number(v["level"])}
    ),
    FunnelCode.ANYONE: lambda v: _("anyone"),
    FunnelCode.FREE_HOURS: lambda v: _("%(hours)s h/week free") % {"hours": decimal(v["hours"], 2)},
    FunnelCode.SPEAKS: lambda v: (
        _("speaking %(languages)s")
        % {"languages": _list([language_name(c) for c in v["languages"]])}
    ),
    FunnelCode.NOT_BLOCKED: lambda v: _("not excluded or competing"),
}


def _funnel(v: Values) -> str:
    steps = [
        _("%(count)s with %(filter)s")
        % {"count": number(s["count"]), "filter": _FUNNEL[FunnelCode(s["code"])](s["values"])}
        for s in v["steps"]
    ]
    return _("Role “%(role)s” needs %(seats)s; eligible people: %(steps)s.") % {
        "role": v["role"],
        "seats": seats_phrase(v["seats"]),
        "steps": _(", then ").join(steps),
    }


# -- what the closest team breaks ----------------------------------------------------------

FAMILIES: dict[str, str] = {
    "budget": lazy("the budget"),
    "sector_mix": lazy("the sector mix"),
    "max_per_org": lazy("the cap on members per organisation"),
    "tz_coverage": lazy("time-zone coverage"),
    "role_tz": lazy("the roles' time-zone coverage"),
    "conflicts": lazy("the declared conflicts of interest"),
    "locked_in": lazy("the locked-in members"),
}


def _family(kind: str) -> str:
    return translated_map(FAMILIES).get(kind, kind)


_DETAIL: dict[DetailCode, Callable[[Values], str]] = {
    DetailCode.BUDGET: lambda v: (
        _("the closest team costs %(cost)s against a budget of %(budget)s")
        % {"cost": money(v["cost"]), "budget": money(v["budget"])}
    ),
    DetailCode.SECTORS: lambda v: (
        _("the closest team has %(counts)s")
        % {
            "counts": _list(
                [
                    _("%(count)s from %(sector)s") % {"count": number(c), "sector": _sector(s)}
                    for s, c in v["counts"]
                ]
            )
        }
    ),
    DetailCode.REGIONS: lambda v: (
        _("the closest team covers %(regions)s")
        % {"regions": _list([_region(r) for r in v["regions"]])}
    ),
    DetailCode.ORG_CAP: lambda v: _("the closest team has too many members from one organisation"),
    DetailCode.CONFLICT: lambda v: _("the closest team seats a declared conflicting pair together"),
    DetailCode.LOCKED_OUT: lambda v: (
        _("the closest team leaves out %(names)s, locked in") % {"names": _list(v["names"])}
    ),
}


def _relaxed(v: Values) -> str:
    head = _("No team meets %(constraint)s together with the other constraints") % {
        "constraint": _family(v["family"])
    }
    detail = v.get("detail")
    if not detail:
        return head + "."
    return _("%(sentence)s; %(detail)s.") % {
        "sentence": head,
        "detail": _DETAIL[DetailCode(detail["code"])](detail.get("values") or {}),
    }


# -- obstacles -----------------------------------------------------------------------------


def _locked_unqualified(v: Values, gaps: Sequence[str]) -> str:
    if v.get("role") is None:
        head = _("%(name)s is locked in but does not qualify for any role") % {"name": v["name"]}
    else:
        head = _("%(name)s is locked in but does not qualify for role “%(role)s”") % {
            "name": v["name"],
            "role": v["role"],
        }
    if not gaps:
        return head + "."
    return _("%(sentence)s: %(gaps)s.") % {"sentence": head, "gaps": "; ".join(gaps)}


_OBSTACLE: dict[ObstacleCode, Callable[[Values], str]] = {
    ObstacleCode.ROLE_SHORT: _funnel,
    ObstacleCode.TOO_MANY_LOCKED: lambda v: (
        ngettext(
            "%(num)s person is locked in but the team has %(seats)s.",
            "%(num)s people are locked in but the team has %(seats)s.",
            v["locked"],
        )
        % {"num": number(v["locked"]), "seats": seats_phrase(v["seats"])}
    ),
    ObstacleCode.LOCKED_BLOCKED: lambda v: (
        _("%(name)s is locked in but excluded or affiliated with a competing bidder.")
        % {"name": v["name"]}
    ),
    ObstacleCode.LOCKED_ROLE_FULL: lambda v: (
        ngettext(
            "%(num)s person is locked into role “%(role)s”, which has %(seats)s.",
            "%(num)s people are locked into role “%(role)s”, which has %(seats)s.",
            v["locked"],
        )
        % {"num": number(v["locked"]), "role": v["role"], "seats": seats_phrase(v["seats"])}
    ),
    ObstacleCode.LOCKED_CONFLICT: lambda v: (
        _("%(names)s are both locked in but declared in conflict: they cannot sit together.")
        % {"names": _list(v["names"])}
    ),
    ObstacleCode.LOCKED_ORG_CAP: lambda v: (
        _(
            "%(count)s of the locked-in people belong to organisation %(organisation)s, above "
            "the cap of %(cap)s."
        )
        % {"count": number(v["count"]), "organisation": v["organisation"], "cap": number(v["cap"])}
    ),
    ObstacleCode.DISTINCT_PEOPLE: lambda v: (
        ngettext(
            "The roles need %(needed)s different people but only %(num)s person qualifies for "
            "any role.",
            "The roles need %(needed)s different people but only %(num)s people qualify for any "
            "role.",
            v["qualify"],
        )
        % {"needed": number(v["needed"]), "num": number(v["qualify"])}
    ),
    ObstacleCode.SECTOR_MINIMUMS: lambda v: (
        _("The sector minimums add up to %(total)s but the team has %(seats)s.")
        % {"total": people_phrase(v["total"]), "seats": seats_phrase(v["seats"])}
    ),
    ObstacleCode.SECTOR_SHORT: lambda v: (
        ngettext(
            "The sector mix asks for at least %(minimum)s from %(sector)s, but only %(num)s of "
            "those who qualify is in that sector.",
            "The sector mix asks for at least %(minimum)s from %(sector)s, but only %(num)s of "
            "those who qualify are in that sector.",
            v["have"],
        )
        % {
            "minimum": people_phrase(v["minimum"]),
            "sector": _sector(v["sector"]),
            "num": number(v["have"]),
        }
    ),
    ObstacleCode.LOCKED_SECTOR_MAX: lambda v: (
        ngettext(
            "%(num)s of the locked-in people is from %(sector)s, above its maximum of %(max)s.",
            "%(num)s of the locked-in people are from %(sector)s, above its maximum of %(max)s.",
            v["locked"],
        )
        % {"num": number(v["locked"]), "sector": _sector(v["sector"]), "max": number(v["maximum"])}
    ),
    ObstacleCode.REGION_UNCOVERED: lambda v: (
        _("No one who qualifies for any role works %(region)s hours.")
        % {"region": _region(v["region"])}
    ),
    ObstacleCode.ROLE_REGIONS: lambda v: (
        _("Role “%(role)s” must cover %(regions)s regions with %(seats)s.")
        % {"role": v["role"], "regions": number(v["regions"]), "seats": seats_phrase(v["seats"])}
    ),
    ObstacleCode.ROLE_REGION_UNCOVERED: lambda v: (
        _("No one who qualifies for role “%(role)s” works %(region)s hours.")
        % {"role": v["role"], "region": _region(v["region"])}
    ),
    ObstacleCode.BUDGET: lambda v: (
        _(
            "The cheapest possible team costs %(cost)s over %(weeks)s weeks, above the budget "
            "of %(budget)s."
        )
        % {"cost": money(v["cost"]), "weeks": decimal(v["weeks"], 2), "budget": money(v["budget"])}
    ),
    ObstacleCode.SCARCE_PEOPLE: lambda v: (
        _(
            "No set of different people can fill every seat: the roles compete for the same "
            "few people (scarcest: %(roles)s)."
        )
        % {
            "roles": ", ".join(
                _("“%(role)s” (%(count)s eligible)") % {"role": r, "count": number(k)}
                for r, k in v["roles"]
            )
        }
    ),
    ObstacleCode.RELAXED: _relaxed,
    ObstacleCode.COMBINATION: lambda v: (
        _(
            "No team meets %(constraints)s all together, though each can be met on its own "
            "terms; relax one of them."
        )
        % {"constraints": _list([_family(k) for k in v["families"]])}
    ),
}


def obstacle(message: Said, gaps: Sequence[str] = ()) -> str:
    """An obstacle's sentence in the current locale (``gaps``: what a locked-in person who
    does not qualify lacks, as the reader may see it)."""
    code = ObstacleCode(message.code)
    if code is ObstacleCode.LOCKED_UNQUALIFIED:
        return _locked_unqualified(message.values, gaps)
    return _OBSTACLE[code](message.values)


def summary(sentences: Sequence[str]) -> str:
    """The one-line summary of an infeasible run: its first obstacle, and how many more."""
    if not sentences:
        return ""
    more = len(sentences) - 1
    if more == 0:
        return sentences[0]
    return ngettext(
        "%(first)s (and %(num)s more obstacle)", "%(first)s (and %(num)s more obstacles)", more
    ) % {"first": sentences[0], "num": number(more)}


# -- notes ---------------------------------------------------------------------------------


def note(said: Said) -> str:
    """A run's note in the current locale (the text as given when it has no known code)."""
    v: Values = said.values
    if said.code is NoteCode.WIDENED:
        return _("The first pool of candidates admitted no team; the search was widened.")
    if said.code is NoteCode.EXACT_POOL:
        return ngettext(
            "%(num)s person qualifies; even the exact search kept only the best %(keep)s per "
            "role, so “best possible” holds for that pool.",
            "%(num)s people qualify; even the exact search kept only the best %(keep)s per role, "
            "so “best possible” holds for that pool.",
            v["qualify"],
        ) % {"num": number(v["qualify"]), "keep": number(v["keep"])}
    if said.code is NoteCode.FEW_ALTERNATIVES:
        found = ngettext("Only %(num)s alternative", "Only %(num)s alternatives", v["found"]) % {
            "num": number(v["found"])
        }
        if v["reason"] == "distinct":
            why = _("no other team differs from the earlier ones in at least a third of its seats")
        else:
            why = _("no further alternative was found within the time limit")
        return _("%(found)s: %(why)s.") % {"found": found, "why": why}
    if said.code is NoteCode.NOT_PROVEN:
        return _(
            "No team was found within the time limit, and it is not proven that none exists. "
            "Allow more time or relax a constraint."
        )
    return str(said)


# -- refusals of bad input -----------------------------------------------------------------

_ROLE_FIELD = re.compile(r"^roles\[(\d+)\](?:\.(\w+)(?:\.(.+))?)?$")

_FIELDS: dict[str, str] = {
    "roles": lazy("Roles"),
    "weights": lazy("Weights"),
    "constraints.budget": lazy("Budget"),
    "constraints.weeks": lazy("Weeks"),
    "constraints.max_per_org": lazy("Members per organisation"),
    "constraints.tz_coverage": lazy("Time-zone coverage"),
    "constraints.conflicts": lazy("Conflicts of interest"),
    "constraints.locked_in": lazy("Locked in"),
    "k_alternatives": lazy("Alternatives"),
    "time_limit_s": lazy("Time limit"),
    "mode": lazy("Search mode"),
    "pool_per_role": lazy("Candidates kept per role"),
    "fairness_budget": lazy("Fairness budget"),
}


def _role_field(match: re.Match[str], roles: Sequence[str]) -> str:
    pos = int(match.group(1))
    role = roles[pos] if pos < len(roles) else number(pos + 1)
    part, rest = match.group(2), match.group(3)
    if part == "seats":
        return _("Seats of role “%(role)s”") % {"role": role}
    if part == "hours_per_week":
        return _("Hours per week of role “%(role)s”") % {"role": role}
    if part == "requirements" and rest:
        return _("%(capability)s asked by role “%(role)s”") % {"capability": rest, "role": role}
    if part == "tz_regions":
        return _("Regions of role “%(role)s”") % {"role": role}
    return _("Role “%(role)s”") % {"role": role}


def field_label(field: str, roles: Sequence[str] = ()) -> str:
    """The field as the convenor's pages name it (``roles``: the role titles, in order)."""
    match = _ROLE_FIELD.match(field)
    if match:
        return _role_field(match, roles)
    head, _dot, rest = field.partition(".")
    if head == "weights" and rest:
        name = entry({"bridging": "bridging_score"}.get(rest, rest))["name"]
        return _("Weight of %(objective)s") % {"objective": name}
    if field.startswith("constraints.sector_mix"):
        sector = field.removeprefix("constraints.sector_mix").lstrip(".")
        if not sector:
            return _("Sector mix")
        return _("Sector mix: %(sector)s") % {"sector": _sector(sector)}
    if field.startswith("constraints.locked_in."):
        return _("Locked in")
    if head.startswith("candidates["):
        return _("A profile in the network")
    return translated_map(_FIELDS).get(field, field)


def _too_small(v: Values) -> str:
    values = {"minimum": decimal(v["minimum"], 2), "value": decimal(v["value"], 2)}
    if v.get("strict"):
        return _("must be greater than %(minimum)s, not %(value)s") % values
    return _("must be at least %(minimum)s, not %(value)s") % values


# Each refusal's words; its values fill the %(name)s placeholders (lists as words first).
_INPUT: dict[InputCode, str] = {
    InputCode.NOT_A_NUMBER: lazy("must be a number, not “%(value)s”"),
    InputCode.NOT_FINITE: lazy("must be a finite number, not “%(value)s”"),
    InputCode.NO_ROLES: lazy("at least one role is needed"),
    InputCode.NOT_A_ROLE: lazy("is not a role"),
    InputCode.DUPLICATE_ROLE: lazy("two roles have the same key “%(key)s”"),
    InputCode.SEATS: lazy("must be a whole number, at least 1"),
    InputCode.UNKNOWN_CAPABILITY: lazy("“%(term)s” is not a capability of this network"),
    InputCode.LEVEL: lazy("the level must be from 1 to 5, not %(level)s"),
    InputCode.UNKNOWN_REGION: lazy("“%(region)s” is not a region; choose among %(expected)s"),
    InputCode.NOT_WEIGHTS: lazy("are not weights"),
    InputCode.NO_POSITIVE_WEIGHT: lazy("at least one weight must be above 0"),
    InputCode.UNKNOWN_OBJECTIVE: lazy("“%(name)s” is not an objective; choose among %(expected)s"),
    InputCode.SECTOR_PAIR: lazy("give a minimum and a maximum"),
    InputCode.SECTOR_MINIMUM: lazy("the minimum must be a whole number, at least 0"),
    InputCode.SECTOR_MAXIMUM: lazy(
        "the maximum must be empty or a whole number, at least the minimum"
    ),
    InputCode.ORG_CAP: lazy("must be empty or a whole number, at least 1"),
    InputCode.UNKNOWN_ACTOR: lazy("no one with id %(actor)s is in this network"),
    InputCode.UNKNOWN_ROLE: lazy("this initiative has no role “%(key)s”"),
    InputCode.LOCKED_AND_EXCLUDED: lazy("a member cannot be both locked in and excluded"),
    InputCode.CONFLICT_PAIR: lazy("each conflict names two people"),
    InputCode.ALTERNATIVES: lazy("must be a whole number, at least 0"),
    InputCode.MODE: lazy("choose among %(expected)s"),
    InputCode.POOL: lazy("must be a whole number, at least 1"),
    InputCode.FAIRNESS_BUDGET: lazy("must be below 1 (it is a share)"),
    InputCode.ACTOR_ID: lazy("“%(value)s” is not a valid id"),
    InputCode.DUPLICATE_ACTOR: lazy("the id %(actor)s appears twice"),
}


def _problem(code: InputCode, values: Values) -> str:
    """What is wrong with the field, in the current locale."""
    if code is InputCode.TOO_SMALL:
        return _too_small(values)
    v = dict(values)
    if "expected" in v:
        words = vocab if code is InputCode.UNKNOWN_REGION else str
        v["expected"] = _list([words(e) for e in v["expected"]])
    return _(_INPUT[code]) % v


def input_message(exc: FormationInputError, roles: Sequence[str] = ()) -> str:
    """The refusal ``exc`` as a sentence naming its field as the pages do, in the current
    locale (``roles``: the problem's role titles, in order)."""
    return _("%(field)s: %(problem)s") % {
        "field": field_label(exc.field, roles),
        "problem": _problem(exc.code, exc.values),
    }
