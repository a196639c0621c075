"""The words people read for the values of the vocabularies of domain.py, in their language.

domain.py declares each vocabulary once (its values are codes: ``civil_society``, ``pending``);
this maps each code to its label, marked for translation, for the ``vocab`` Jinja filter:
``{{ actor.sector | vocab }}`` reads "civil society" in English, "sociedad civil" in Spanish.
A code without a label is shown with its underscores as spaces.
"""

from __future__ import annotations

from typing import Any

from .i18n import gettext, lazy

LABELS: dict[str, str] = {
    # actor kinds, sectors, regions
    "person": lazy("person"),
    "organisation": lazy("organisation"),
    "business": lazy("business"),
    "government": lazy("government"),
    "civil_society": lazy("civil society"),
    "education": lazy("education"),
    "health": lazy("health"),
    "funder": lazy("funder"),
    "community": lazy("community"),
    "independent": lazy("independent"),
    "americas": lazy("Americas"),
    "emea": lazy("Europe, Middle East and Africa"),
    "apac": lazy("Asia-Pacific"),
    # audiences
    "public": lazy("public"),
    "network": lazy("network"),
    "convenors": lazy("convenors"),
    "private": lazy("private"),
    "unlisted": lazy("unlisted"),
    # roles in a network
    "member": lazy("member"),
    "convenor": lazy("convenor"),
    "steward": lazy("steward"),
    # tie kinds
    "collaborated": lazy("collaborated"),
    "funded": lazy("funded"),
    "referred": lazy("referred"),
    "shared_knowledge": lazy("shared knowledge"),
    "partnered": lazy("partnered"),
    "member_of": lazy("member of"),
    "influenced": lazy("influenced"),
    "mentored": lazy("mentored"),
    "shared_organisation": lazy("shared organisation"),
    "shared_initiative": lazy("shared initiative"),
    # invitations and engagements
    "pending": lazy("pending"),
    "countered": lazy("countered"),
    "accepted": lazy("accepted"),
    "declined": lazy("declined"),
    "counter_declined": lazy("offer declined"),
    "withdrawn": lazy("withdrawn"),
    "expired": lazy("expired"),
    "stepped_back": lazy("stepped back"),
    "active": lazy("active"),
    "completed": lazy("completed"),
    # initiatives
    "project": lazy("project"),
    "coalition": lazy("coalition"),
    "draft": lazy("draft"),
    "forming": lazy("forming"),
    "closed": lazy("closed"),
    # threads, decisions
    "team": lazy("team"),
    "consent": lazy("consent"),
    "choose": lazy("choose one"),
    "rank": lazy("rank"),
    "score": lazy("score"),
    "charter": lazy("charter"),
    "open": lazy("open"),
    "passed": lazy("passed"),
    "not_passed": lazy("did not pass"),
    "blocked": lazy("blocked"),
    # joining, requests
    "approval": lazy("approval"),
    "invitation": lazy("invitation"),
    "approved": lazy("approved"),
    "rejected": lazy("rejected"),
    # outcomes, fairness
    "increase": lazy("increase"),
    "decrease": lazy("decrease"),
    "recorded": lazy("recorded"),
    "confirmed": lazy("confirmed"),
    "on_track": lazy("on track"),
    "at_risk": lazy("at risk"),
    "off_track": lazy("off track"),
    "newcomer": lazy("newcomer"),
    "veteran": lazy("veteran"),
    "unknown": lazy("unknown"),
    # kinds of profile field
    "text": lazy("text"),
    "number": lazy("number"),
    "choice": lazy("choice"),
    "multi": lazy("multi"),
    "date": lazy("date"),
    "url": lazy("web address"),
    "boolean": lazy("yes or no"),
    # background jobs, re-confirmations
    "superseded": lazy("superseded"),
    # conversations: how a statement stands, moderation
    "agree": lazy("agree"),
    "disagree": lazy("disagree"),
    "awaiting": lazy("awaiting"),
    "meta": lazy("meta"),
    "strict": lazy("strict"),
    # the map's communities from one period to the next
    "merged": lazy("merged"),
    "split": lazy("split"),
    "formed": lazy("formed"),
    "dissolved": lazy("dissolved"),
    # fairness: the groups compared
    "sector": lazy("sector"),
    "region": lazy("region"),
    "tenure": lazy("tenure"),
    # proposed teams
    "optimal": lazy("optimal"),
    "feasible": lazy("feasible"),
    "infeasible": lazy("infeasible"),
}


def vocab(value: Any) -> str:
    """The label of a vocabulary code in the reader's language."""
    if value is None:
        return ""
    code = str(value)
    label = LABELS.get(code)
    return gettext(label) if label else code.replace("_", " ")
