"""A decision's log as its readers read it: each event in the reader's language.

The log keeps each event's ``action`` (a code) and ``detail`` (the data it was written with:
a block's reason, a vote's position, how a decision closed, how many were reminded); here
they become one sentence, vocabulary by its labels and dates by Babel, with the decision's
own row supplying what the detail only repeats (its kind and closing time, what it amends).
"""

from __future__ import annotations

import re

from ..formatting import datetime as format_datetime
from ..formatting import number
from ..i18n import _, lazy, ngettext, translated_map
from ..labels import vocab
from ..store.tables_together import Decision, DecisionEvent

__all__ = ["actor_name", "event_text"]

# How a decision closed, as the log writes it (decisions._close).
CLOSED_WHY = {
    "closing time reached": lazy("the closing time was reached"),
    "closed by the proposer": lazy("closed by the proposer"),
}
POSITIONS = {
    "agree": lazy("Agree"),
    "abstain": lazy("Abstain"),
    "disagree": lazy("Disagree"),
    "block": lazy("Block"),
}
_COUNT = re.compile(r"^(\d+)")


def actor_name(event: DecisionEvent, names: dict[int, str]) -> str:
    """Who acted: a member's name, else the platform (no actor) or "a member"."""
    found = names.get(event.actor_id or 0, "")
    if found:
        return found
    return _("the platform") if event.actor_id is None else _("a member")


def _closed(event: DecisionEvent, decision: Decision) -> str:
    why, _colon, status = event.detail.partition(": ")
    reason = translated_map(CLOSED_WHY).get(why, why)
    code = status.replace(" ", "_") if status else decision.status
    return _("closed (%(why)s): %(status)s") % {"why": reason, "status": vocab(code)}


def event_text(event: DecisionEvent, decision: Decision) -> str:
    """The event as a sentence in the current locale."""
    action, detail = event.action, event.detail
    if action == "opened":
        return _("opened a %(kind)s decision, closing %(when)s") % {
            "kind": vocab(decision.kind),
            "when": format_datetime(decision.closes_at),
        }
    if action == "closed":
        return _closed(event, decision)
    if action == "amends":
        return _("proposed it as an amendment of decision %(id)s") % {
            "id": decision.amends_id or detail
        }
    if action == "amended":
        return _("amended by decision %(id)s") % {"id": detail.removeprefix("by decision ")}
    if action == "blocked":
        return _("blocked: %(reason)s") % {"reason": detail} if detail else _("blocked")
    if action == "lifted block":
        return _("lifted their block")
    if action == "voted":
        position = translated_map(POSITIONS).get(detail, detail)
        return _("voted %(position)s") % {"position": position} if detail else _("voted")
    if action == "outcome":
        return _("wrote the outcome")
    if action == "reminded" and (m := _COUNT.match(detail)):
        n = int(m.group(1))
        return ngettext(
            "reminded %(num)s member to vote", "reminded %(num)s members to vote", n
        ) % {"num": number(n)}
    return f"{action}: {detail}" if detail else action
