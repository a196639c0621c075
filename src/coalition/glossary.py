"""Plain words for every metric, score and status a person sees, declared once.

Each term has a one-line explanation written for a facilitator (shown as a tooltip next to the
term and first on the glossary page, /help/glossary) and the precise definition one click
further (the glossary entry itself). Templates render a term with the ``term`` macro of
``_term.html``, which reads :data:`GLOSSARY` by key; the glossary page lists every entry by
group. Strings are marked for translation where they are read (``_()`` at render time).
"""

from __future__ import annotations

from dataclasses import dataclass

from .domain import DecisionStatus, InitiativeStatus, InvitationStatus
from .i18n import _


@dataclass(frozen=True)
class Term:
    key: str
    name: str
    plain: str
    precise: str
    group: str


GROUPS: dict[str, str] = {
    "map": "The map of who works with whom",
    "formation": "Proposals for a team",
    "common_ground": "Common ground (conversations)",
    "outcomes": "Outcomes and fairness",
    "status": "Statuses",
}


def _t(key: str, name: str, plain: str, precise: str, group: str) -> Term:
    return Term(key, name, plain, precise, group)


_TERMS: tuple[Term, ...] = (
    # ------------------------------------------------------------------ the map
    _t(
        "degree",
        "Degree",
        "How many others this actor is directly tied to.",
        "The number of distinct neighbours in the undirected graph of ties (each pair counted "
        "once, whatever the number or kinds of ties between them).",
        "map",
    ),
    _t(
        "weighted_degree",
        "Weighted degree",
        "Like degree, but strong or repeated ties count more.",
        "The sum of the weights of the actor's links; a link's weight adds up the ties between "
        "the two actors in the selected period and tie types.",
        "map",
    ),
    _t(
        "pagerank",
        "PageRank",
        "How much this actor is tied to others who are themselves well connected.",
        "The stationary probability of a random walk that follows links in proportion to their "
        "weight and restarts anywhere with probability 0.15 (Brin & Page 1998).",
        "map",
    ),
    _t(
        "betweenness",
        "Betweenness",
        "How often this actor sits on the shortest path between two others: a go-between.",
        "The share of shortest paths between all other pairs that pass through the actor, "
        "normalised to 0–1 (Freeman 1977; Brandes 2001 algorithm).",
        "map",
    ),
    _t(
        "closeness",
        "Closeness",
        "How few steps this actor needs to reach everyone else.",
        "The inverse of the mean shortest-path distance to the actors it can reach, scaled by "
        "the share of the network it can reach (Wasserman & Faust 1994).",
        "map",
    ),
    _t(
        "constraint",
        "Constraint",
        "High when all of an actor's contacts know each other, so it hears little that is new; "
        "low for someone who links separate groups.",
        "Burt's (1992) network constraint: the sum over contacts j of (p_ij + Σ_q p_iq p_qj)², "
        "where p_ij is the share of i's ties invested in j. Ranges from near 0 to about 1.",
        "map",
    ),
    _t(
        "effective_size",
        "Effective size",
        "How many of an actor's contacts bring something different: contacts minus the overlap "
        "between them.",
        "Burt's (1992) effective size: the number of contacts minus the average number of ties "
        "each contact has to the actor's other contacts.",
        "map",
    ),
    _t(
        "community",
        "Community",
        "A group of actors more tied among themselves than to the rest; the number is just a "
        "label.",
        "The cluster found by the Leiden algorithm maximising modularity (Traag, Waltman & van "
        "Eck 2019); numbers identify clusters and carry no order.",
        "map",
    ),
    _t(
        "modularity",
        "Modularity",
        "How clearly the network splits into groups (0 = no clear groups, towards 1 = very "
        "separate groups).",
        "Newman's modularity Q of the community partition: the share of links inside "
        "communities minus the share expected if links were placed at random.",
        "map",
    ),
    _t(
        "density",
        "Density",
        "How many of all possible pairs are actually tied (0 to 1).",
        "Linked pairs divided by n(n−1)/2 for n actors on the map.",
        "map",
    ),
    _t(
        "components",
        "Components",
        "Separate islands of the network that no chain of ties connects.",
        "The connected components of the undirected graph; 'largest' is the size of the biggest.",
        "map",
    ),
    _t(
        "assortativity",
        "Sector assortativity",
        "Whether people mostly work with their own sector (towards +1) or across sectors "
        "(towards −1); 0 means no preference.",
        "Newman's (2003) assortativity coefficient of the sector attribute over linked pairs, "
        "from −1 (always across) to +1 (always within).",
        "map",
    ),
    _t(
        "cross_sector",
        "Cross-sector pairs",
        "Linked pairs whose two actors are in different sectors.",
        "The count (and share) of linked pairs whose ends have different sectors.",
        "map",
    ),
    _t(
        "cross_sector_ties",
        "Cross-sector ties",
        "How many of this actor's contacts are in another sector.",
        "The number of the actor's neighbours whose sector differs from its own.",
        "map",
    ),
    _t(
        "bridging",
        "Bridging sectors",
        "Actors who connect sectors that would otherwise hardly meet.",
        "Actors holding a brokerage position between sectors (liaison or representative/"
        "gatekeeper roles across sector groups; Gould & Fernandez 1989).",
        "map",
    ),
    _t(
        "isolates",
        "Isolates",
        "Actors on the map with no tie in this view.",
        "Actors of degree 0 in the selected period and tie types.",
        "map",
    ),
    _t(
        "coordinator",
        "Coordinator",
        "Links two people of its own sector: brokerage inside a group.",
        "Gould & Fernandez (1989) brokerage: the number of directed two-paths a→i→c where a, i "
        "and c share a group (here, a sector).",
        "map",
    ),
    _t(
        "gatekeeper",
        "Gatekeeper",
        "Brings something from outside into its own sector.",
        "Gould & Fernandez (1989): two-paths a→i→c where i and c share a group and a does not.",
        "map",
    ),
    _t(
        "representative",
        "Representative",
        "Carries something from its own sector out to another.",
        "Gould & Fernandez (1989): two-paths a→i→c where a and i share a group and c does not.",
        "map",
    ),
    _t(
        "consultant",
        "Consultant",
        "Links two people of the same other sector, from outside it.",
        "Gould & Fernandez (1989): two-paths a→i→c where a and c share a group that i is not in.",
        "map",
    ),
    _t(
        "liaison",
        "Liaison",
        "Links two people of two different sectors, neither its own: the rarest go-between.",
        "Gould & Fernandez (1989): two-paths a→i→c where a, i and c are in three different groups.",
        "map",
    ),
    _t(
        "gini",
        "Concentration (Gini)",
        "Whether opportunities go to a few (towards 1) or are shared evenly (0).",
        "The Gini coefficient of engagements or invitations per member: half the mean absolute "
        "difference between members divided by the mean.",
        "map",
    ),
    # ------------------------------------------------------------------ formation
    _t(
        "fit",
        "Fit",
        "How far the proposed people's skills go beyond the levels each role needs (0 to 1).",
        "For each seat, the mean over the role's requirements of (level − minimum) / "
        "(5 − minimum); the team's fit is the mean over seats.",
        "formation",
    ),
    _t(
        "coverage",
        "Time-zone coverage",
        "The regions whose working hours the team must cover; someone must be in each.",
        "A hard constraint: for every region asked, at least one member in that region (and, "
        "per role, where the role asks for regions).",
        "formation",
    ),
    _t(
        "purpose",
        "Purpose",
        "How much the proposed people share the initiative's purpose (0 to 1).",
        "The mean over members of the similarity between their stated purposes and the "
        "initiative's.",
        "formation",
    ),
    _t(
        "trust",
        "Trust",
        "Whether the proposed people have worked together or are close in the network (0 to 1).",
        "The mean over ordered member pairs of their closeness in the tie network (past "
        "collaborations weigh most).",
        "formation",
    ),
    _t(
        "diversity",
        "Diversity",
        "How many sectors, regions and kinds of actor the team brings together (0 to 1).",
        "The mean of three shares: distinct sectors, distinct regions and distinct kinds of "
        "actor among members, each over the most the team's size allows.",
        "formation",
    ),
    _t(
        "cost",
        "Cost",
        "How little the team costs against the budget (1 = nothing, 0 = the reference cost).",
        "1 − the team's total day-rate cost over the window / the reference cost; day rates "
        "count only where shared with convenors.",
        "formation",
    ),
    _t(
        "bridging_score",
        "Bridging (team)",
        "Whether the team brings together people from different sectors who have never worked "
        "together (0 to 1).",
        "The mean over ordered member pairs of a bridge score: 1 for a pair from different "
        "sectors with no tie yet, less for closer pairs.",
        "formation",
    ),
    _t(
        "total_score",
        "Overall score",
        "The proposal's single score: the objectives added up with the weights you chose.",
        "The weighted sum of the objective scores, weights normalised to sum to 1.",
        "formation",
    ),
    _t(
        "optimality",
        "As good as the best possible",
        "'As good as the best possible team' means no other team scores higher; 'within 2 % "
        "of the best possible' means at most 2 % could still be gained.",
        "The solver's optimality gap: (bound − score) / bound, where the bound is a proven "
        "upper limit on any team's score (HiGHS branch and bound); 0 means proven best.",
        "formation",
    ),
    _t(
        "fairness",
        "Fairness",
        "Gives a turn to members who have had fewer opportunities so far.",
        "Per member and role, exp(−exposure / (reference + prior)), raised for newcomers, where "
        "exposure counts recent engagements and invitations and the reference is the role's "
        "mean; the network sets its default weight.",
        "formation",
    ),
    _t(
        "gap_report",
        "Gap report",
        "Why no team can be formed, and which requirement to change so that people qualify.",
        "For each role with fewer eligible actors than seats, the filters in order (capability "
        "levels, languages, regions, hours) and how many actors pass each.",
        "formation",
    ),
    # ------------------------------------------------------------------ common ground
    _t(
        "opinion_groups",
        "Opinion groups",
        "Participants who tend to vote alike, found from the votes alone.",
        "Weighted k-means of 100 base clusters on the participants' 2-D projection of the vote "
        "matrix, k from 2 to 5 chosen by silhouette (as in Polis; Small et al. 2021).",
        "common_ground",
    ),
    _t(
        "consensus",
        "Consensus",
        "A statement every opinion group tends to agree with (or every group rejects).",
        "Group-informed consensus: the product over groups of (agrees + 1) / (votes + 2); "
        "high only when every group tends to agree (Polis).",
        "common_ground",
    ),
    _t(
        "repness",
        "Representative statement",
        "A statement that sets one group apart: it agrees (or disagrees) with it much more than "
        "the others do.",
        "Polis representativeness: the ratio of the group's agreement probability to that of "
        "everyone else, kept when a two-proportion test is significant.",
        "common_ground",
    ),
    _t(
        "participation",
        "Participation",
        "How many people voted, and on how many statements.",
        "Participants with at least one vote, and votes cast over statements shown.",
        "common_ground",
    ),
    # ------------------------------------------------------------------ outcomes
    _t(
        "outcome_status",
        "On track / at risk / off track",
        "Whether the latest measurement is where it should be by now on the way to the target.",
        "Progress = (value − baseline) / (target − baseline) against the expected share of "
        "time elapsed: on track at ≥ 90 % of expected, at risk at ≥ 70 %, off track below; "
        "no data before the first measurement.",
        "outcomes",
    ),
    _t(
        "health_check",
        "Health check",
        "A short survey in which the team rates how it works together.",
        "Ratings from 1 to 5 on each building block, shown as mean ± standard deviation and "
        "range per check.",
        "outcomes",
    ),
)

_STATUS_PLAIN: dict[str, tuple[str, str]] = {
    # invitations
    f"invitation.{InvitationStatus.pending}": ("Invited", "Waiting for the person's answer."),
    f"invitation.{InvitationStatus.countered}": (
        "Offered fewer hours",
        "The person would join with fewer hours; the convenor decides.",
    ),
    f"invitation.{InvitationStatus.accepted}": ("Accepted", "The person joined the team."),
    f"invitation.{InvitationStatus.declined}": ("Declined", "The person said no."),
    f"invitation.{InvitationStatus.counter_declined}": (
        "Offer declined",
        "The convenor did not accept the person's offer of fewer hours.",
    ),
    f"invitation.{InvitationStatus.withdrawn}": (
        "Withdrawn",
        "The convenor took the invitation back before an answer.",
    ),
    f"invitation.{InvitationStatus.expired}": (
        "Expired",
        "Nobody answered in time; the seat can be offered again.",
    ),
    f"invitation.{InvitationStatus.stepped_back}": (
        "Stepped back",
        "The person joined, then left; their hours are free again.",
    ),
    # initiatives
    f"initiative.{InitiativeStatus.draft}": ("Draft", "Being written; not yet looking for people."),
    f"initiative.{InitiativeStatus.forming}": ("Forming", "Looking for people to fill its roles."),
    f"initiative.{InitiativeStatus.active}": ("Active", "The team is at work."),
    f"initiative.{InitiativeStatus.completed}": ("Completed", "The work is done."),
    f"initiative.{InitiativeStatus.closed}": ("Closed", "Stopped before completion."),
    # engagements
    "engagement.active": ("Active", "The person is working on it and their hours are taken."),
    "engagement.completed": ("Completed", "The work ended; the hours are free again."),
    "engagement.withdrawn": ("Withdrawn", "The person stepped back; the hours are free again."),
    # decisions
    f"decision.{DecisionStatus.open}": ("Open", "People can still give their position."),
    f"decision.{DecisionStatus.passed}": ("Passed", "The decision was taken."),
    f"decision.{DecisionStatus.not_passed}": ("Not passed", "Not enough support."),
    f"decision.{DecisionStatus.blocked}": (
        "Blocked",
        "Someone blocked it with a reasoned objection.",
    ),
    f"decision.{DecisionStatus.withdrawn}": ("Withdrawn", "The proposer took it back."),
}

_STATUS_GROUPS = {
    "invitation": "Invitation",
    "initiative": "Initiative",
    "engagement": "Engagement",
    "decision": "Decision",
}


def _status_terms() -> tuple[Term, ...]:
    terms = []
    for key, (name, plain) in _STATUS_PLAIN.items():
        kind, value = key.split(".", 1)
        terms.append(
            Term(
                key=f"status-{kind}-{value}",
                name=f"{_STATUS_GROUPS[kind]}: {name}",
                plain=plain,
                precise=f"Stored as '{value}' on the {kind}.",
                group="status",
            )
        )
    return tuple(terms)


GLOSSARY: dict[str, Term] = {t.key: t for t in (*_TERMS, *_status_terms())}


def status_key(kind: str, value: str) -> str:
    """The glossary key of a status (``status_key("invitation", "pending")``)."""
    return f"status-{kind}-{value}"


def entry(key: str) -> dict[str, str]:
    """One term for a template, translated into the current language (a term not declared
    here gets the glossary's address and no explanation rather than failing the page; the
    tests require every status and metric shown to be declared)."""
    term = GLOSSARY.get(key)
    if term is None:
        return {"key": key, "name": key, "plain": "", "precise": "", "anchor": "/help/glossary"}
    return {
        "key": term.key,
        "name": _(term.name),
        "plain": _(term.plain),
        "precise": _(term.precise),
        "anchor": f"/help/glossary#{term.key}",
    }


def grouped() -> list[tuple[str, str, list[dict[str, str]]]]:
    """Every entry by group, in declaration order: (group key, title, entries)."""
    return [
        (group, _(title), [entry(t.key) for t in GLOSSARY.values() if t.group == group])
        for group, title in GROUPS.items()
    ]
