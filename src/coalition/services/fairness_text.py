"""What the fairness term changed in a proposal, in plain words and the reader's language
(issue #21 item 4): who was proposed instead of whom, and what that cost in capability fit
and in everything else. Nobody's count of past chances is ever shown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from babel.lists import format_list

from .. import formatting
from ..engines.formation.lexicographic import PURPOSE_BUDGET
from ..i18n import _, current_locale, ngettext

#: Shares below this read as "no lower" (rounding noise of the solver's scores).
NEGLIGIBLE = 0.0005


def names(members: Sequence[dict[str, Any]]) -> str:
    """The members' names joined as the reader's language joins a list ("A, B and C")."""
    given = [str(m.get("name") or f"#{m.get('actor_id')}") for m in members]
    return format_list(given, locale=current_locale()) if given else ""


def contrast_summary(
    chosen: Sequence[dict[str, Any]],
    instead: Sequence[dict[str, Any]],
    seats: int,
    fit_loss: float,
    other_loss: float,
    budget: float | None,
    on_fit: bool,
) -> str:
    """The sentences a convenor reads under a proposal: the seats fairness changed, the
    capability fit and the rest of the team's value against the team with fairness off,
    and the budget fairness may spend."""
    if not chosen:
        return _("Fairness changed nobody: this is also the best team with fairness off.")
    parts = [
        ngettext(
            "Fairness gave %(changed)s of %(seats)s seat to people who have had fewer "
            "chances recently: %(chosen)s rather than %(instead)s, who would be proposed "
            "with fairness off.",
            "Fairness gave %(changed)s of %(seats)s seats to people who have had fewer "
            "chances recently: %(chosen)s rather than %(instead)s, who would be proposed "
            "with fairness off.",
            seats,
        )
        % {
            "changed": formatting.number(len(chosen)),
            "seats": formatting.number(seats),
            "chosen": names(chosen),
            "instead": names(instead),
        }
    ]
    if fit_loss < NEGLIGIBLE:
        parts.append(_("Their capabilities fit the roles as well."))
    else:
        parts.append(
            _("Their capabilities fit the roles %(lower)s less well.")
            % {"lower": formatting.percent(fit_loss, 1)}
        )
    if other_loss >= NEGLIGIBLE:
        parts.append(
            _(
                "Counting shared purpose, trust, diversity and cost too, the team is "
                "%(lower)s lower."
            )
            % {"lower": formatting.percent(other_loss, 1)}
        )
    if budget is not None:
        share = formatting.percent(budget, 1)
        parts.append(
            _("Fairness may cost at most %(budget)s of capability fit here.") % {"budget": share}
            if on_fit
            else _("Fairness may cost at most %(budget)s of the team's value here.")
            % {"budget": share}
        )
        if on_fit:
            parts.append(
                _(
                    "The team keeps at least %(kept)s of the shared purpose of the team "
                    "proposed with fairness off."
                )
                % {"kept": formatting.percent(1.0 - PURPOSE_BUDGET, 0)}
            )
    return " ".join(parts)
