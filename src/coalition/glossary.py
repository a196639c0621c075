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
from .i18n import _, lazy


@dataclass(frozen=True)
class Term:
    key: str
    name: str
    plain: str
    precise: str
    group: str
    kind: str = ""  # a status: the thing it is the status of ("Invitation"), named before it
    value: str = ""  # a status: the code stored, put into ``precise``


GROUPS: dict[str, str] = {
    "map": lazy("The map of who works with whom"),
    "formation": lazy("Proposals for a team"),
    "common_ground": lazy("Common ground (conversations)"),
    "outcomes": lazy("Outcomes and fairness"),
    "status": lazy("Statuses"),
}


def _t(key: str, name: str, plain: str, precise: str, group: str) -> Term:
    return Term(key, name, plain, precise, group)


_TERMS: tuple[Term, ...] = (
    # ------------------------------------------------------------------ the map
    _t(
        "degree",
        lazy("Degree"),
        lazy("How many others this actor is directly tied to."),
        lazy(
            "The number of distinct neighbours in the undirected graph of ties (each pair counted "
            "once, whatever the number or kinds of ties between them)."
        ),
        "map",
    ),
    _t(
        "weighted_degree",
        lazy("Weighted degree"),
        lazy("Like degree, but strong or repeated ties count more."),
        lazy(
            "The sum of the weights of the actor's links; a link's weight adds up the ties between "
            "the two actors in the selected period and tie types."
        ),
        "map",
    ),
    _t(
        "pagerank",
        lazy("PageRank"),
        lazy("How much this actor is tied to others who are themselves well connected."),
        lazy(
            "The stationary probability of a random walk that follows links in proportion to their "
            "weight and restarts anywhere with probability 0.15 (Brin & Page 1998)."
        ),
        "map",
    ),
    _t(
        "betweenness",
        lazy("Betweenness"),
        lazy("How often this actor sits on the shortest path between two others: a go-between."),
        lazy(
            "The share of shortest paths between all other pairs that pass through the actor, "
            "normalised to 0–1 (Freeman 1977; Brandes 2001 algorithm)."
        ),
        "map",
    ),
    _t(
        "closeness",
        lazy("Closeness"),
        lazy("How few steps this actor needs to reach everyone else."),
        lazy(
            "The inverse of the mean shortest-path distance to the actors it can reach, scaled by "
            "the share of the network it can reach (Wasserman & Faust 1994)."
        ),
        "map",
    ),
    _t(
        "constraint",
        lazy("Constraint"),
        lazy(
            "High when all of an actor's contacts know each other, so it hears little that is new; "
            "low for someone who links separate groups."
        ),
        lazy(
            "Burt's (1992) network constraint: the sum over contacts j of (p_ij + Σ_q p_iq p_qj)², "
            "where p_ij is the share of i's ties invested in j. Ranges from near 0 to about 1."
        ),
        "map",
    ),
    _t(
        "effective_size",
        lazy("Effective size"),
        lazy(
            "How many of an actor's contacts bring something different: contacts minus the overlap "
            "between them."
        ),
        lazy(
            "Burt's (1992) effective size: the number of contacts minus the average number of ties "
            "each contact has to the actor's other contacts."
        ),
        "map",
    ),
    _t(
        "community",
        lazy("Community"),
        lazy(
            "A group of actors more tied among themselves than to the rest; the number is just a "
            "label."
        ),
        lazy(
            "The cluster found by the Leiden algorithm maximising modularity (Traag, Waltman & van "
            "Eck 2019); numbers identify clusters and carry no order."
        ),
        "map",
    ),
    _t(
        "modularity",
        lazy("Modularity"),
        lazy(
            "How clearly the network splits into groups (0 = no clear groups, towards 1 = very "
            "separate groups)."
        ),
        lazy(
            "Newman's modularity Q of the community partition: the share of links inside "
            "communities minus the share expected if links were placed at random."
        ),
        "map",
    ),
    _t(
        "density",
        lazy("Density"),
        lazy("How many of all possible pairs are actually tied (0 to 1)."),
        lazy("Linked pairs divided by n(n−1)/2 for n actors on the map."),
        "map",
    ),
    _t(
        "components",
        lazy("Components"),
        lazy("Separate islands of the network that no chain of ties connects."),
        lazy(
            "The connected components of the undirected graph; 'largest' is the size of the "
            "biggest."
        ),
        "map",
    ),
    _t(
        "assortativity",
        lazy("Sector assortativity"),
        lazy(
            "Whether people mostly work with their own sector (towards +1) or across sectors "
            "(towards −1); 0 means no preference."
        ),
        lazy(
            "Newman's (2003) assortativity coefficient of the sector attribute over linked pairs, "
            "from −1 (always across) to +1 (always within)."
        ),
        "map",
    ),
    _t(
        "cross_sector",
        lazy("Cross-sector pairs"),
        lazy("Linked pairs whose two actors are in different sectors."),
        lazy("The count (and share) of linked pairs whose ends have different sectors."),
        "map",
    ),
    _t(
        "cross_sector_ties",
        lazy("Cross-sector ties"),
        lazy("How many of this actor's contacts are in another sector."),
        lazy("The number of the actor's neighbours whose sector differs from its own."),
        "map",
    ),
    _t(
        "bridging",
        lazy("Bridging sectors"),
        lazy("Actors who connect sectors that would otherwise hardly meet."),
        lazy(
            "Actors holding a brokerage position between sectors (liaison or representative/"
            "gatekeeper roles across sector groups; Gould & Fernandez 1989)."
        ),
        "map",
    ),
    _t(
        "isolates",
        lazy("Isolates"),
        lazy("Actors on the map with no tie in this view."),
        lazy("Actors of degree 0 in the selected period and tie types."),
        "map",
    ),
    _t(
        "coordinator",
        lazy("Coordinator"),
        lazy("Links two people of its own sector: brokerage inside a group."),
        lazy(
            "Gould & Fernandez (1989) brokerage: the number of directed two-paths a→i→c where a, i "
            "and c share a group (here, a sector)."
        ),
        "map",
    ),
    _t(
        "gatekeeper",
        lazy("Gatekeeper"),
        lazy("Brings something from outside into its own sector."),
        lazy(
            "Gould & Fernandez (1989): two-paths a→i→c where i and c share a group and a does not."
        ),
        "map",
    ),
    _t(
        "representative",
        lazy("Representative"),
        lazy("Carries something from its own sector out to another."),
        lazy(
            "Gould & Fernandez (1989): two-paths a→i→c where a and i share a group and c does not."
        ),
        "map",
    ),
    _t(
        "consultant",
        lazy("Consultant"),
        lazy("Links two people of the same other sector, from outside it."),
        lazy(
            "Gould & Fernandez (1989): two-paths a→i→c where a and c share a group that i is not "
            "in."
        ),
        "map",
    ),
    _t(
        "liaison",
        lazy("Liaison"),
        lazy("Links two people of two different sectors, neither its own: the rarest go-between."),
        lazy(
            "Gould & Fernandez (1989): two-paths a→i→c where a, i and c are in three different "
            "groups."
        ),
        "map",
    ),
    _t(
        "gini",
        lazy("Concentration (Gini)"),
        lazy("Whether opportunities go to a few (towards 1) or are shared evenly (0)."),
        lazy(
            "The Gini coefficient of engagements or invitations per member: half the mean absolute "
            "difference between members divided by the mean."
        ),
        "map",
    ),
    # ------------------------------------------------------------------ formation
    _t(
        "fit",
        lazy("Fit"),
        lazy("How far the proposed people's skills go beyond the levels each role needs (0 to 1)."),
        lazy(
            "For each seat, the mean over the role's requirements of (level − minimum) / "
            "(5 − minimum); the team's fit is the mean over seats."
        ),
        "formation",
    ),
    _t(
        "coverage",
        lazy("Time-zone coverage"),
        lazy("The regions whose working hours the team must cover; someone must be in each."),
        lazy(
            "A hard constraint: for every region asked, at least one member in that region (and, "
            "per role, where the role asks for regions)."
        ),
        "formation",
    ),
    _t(
        "purpose",
        lazy("Purpose"),
        lazy("How much the proposed people share the initiative's purpose (0 to 1)."),
        lazy(
            "The mean over members of the similarity between their stated purposes and the "
            "initiative's."
        ),
        "formation",
    ),
    _t(
        "trust",
        lazy("Trust"),
        lazy(
            "Whether the proposed people have worked together or are close in the network (0 to 1)."
        ),
        lazy(
            "The mean over ordered member pairs of their closeness in the tie network (past "
            "collaborations weigh most)."
        ),
        "formation",
    ),
    _t(
        "diversity",
        lazy("Diversity"),
        lazy("How many sectors, regions and kinds of actor the team brings together (0 to 1)."),
        lazy(
            "The mean of three shares: distinct sectors, distinct regions and distinct kinds of "
            "actor among members, each over the most the team's size allows."
        ),
        "formation",
    ),
    _t(
        "cost",
        lazy("Cost"),
        lazy("How little the team costs against the budget (1 = nothing, 0 = the reference cost)."),
        lazy(
            "1 − the team's total day-rate cost over the window / the reference cost; day rates "
            "count only where shared with convenors."
        ),
        "formation",
    ),
    _t(
        "bridging_score",
        lazy("Bridging (team)"),
        lazy(
            "Whether the team brings together people from different sectors who have never worked "
            "together (0 to 1)."
        ),
        lazy(
            "The mean over ordered member pairs of a bridge score: 1 for a pair from different "
            "sectors with no tie yet, less for closer pairs."
        ),
        "formation",
    ),
    _t(
        "total_score",
        lazy("Overall score"),
        lazy("The proposal's single score: the objectives added up with the weights you chose."),
        lazy("The weighted sum of the objective scores, weights normalised to sum to 1."),
        "formation",
    ),
    _t(
        "optimality",
        lazy("As good as the best possible"),
        lazy(
            "'As good as the best possible team' means no other team scores higher; 'within 2 %% "
            "of the best possible' means at most 2 %% could still be gained."
        ),
        lazy(
            "The solver's optimality gap: (bound − score) / bound, where the bound is a proven "
            "upper limit on any team's score (HiGHS branch and bound); 0 means proven best."
        ),
        "formation",
    ),
    _t(
        "fairness",
        lazy("Fairness"),
        lazy("Gives a turn to members who have had fewer opportunities so far."),
        lazy(
            "Per member and role, exp(−exposure / (reference + prior)), raised for newcomers, "
            "where "
            "exposure counts recent engagements and invitations and the reference is the role's "
            "mean; the network sets its default weight."
        ),
        "formation",
    ),
    _t(
        "gap_report",
        lazy("Gap report"),
        lazy("Why no team can be formed, and which requirement to change so that people qualify."),
        lazy(
            "For each role with fewer eligible actors than seats, the filters in order (capability "
            "levels, languages, regions, hours) and how many actors pass each."
        ),
        "formation",
    ),
    # ------------------------------------------------------------------ common ground
    _t(
        "opinion_groups",
        lazy("Opinion groups"),
        lazy("Participants who tend to vote alike, found from the votes alone."),
        lazy(
            "Weighted k-means of 100 base clusters on the participants' 2-D projection of the vote "
            "matrix, k from 2 to 5 chosen by silhouette (as in Polis; Small et al. 2021)."
        ),
        "common_ground",
    ),
    _t(
        "consensus",
        lazy("Consensus"),
        lazy("A statement every opinion group tends to agree with (or every group rejects)."),
        lazy(
            "Group-informed consensus: the product over groups of (agrees + 1) / (votes + 2); "
            "high only when every group tends to agree (Polis)."
        ),
        "common_ground",
    ),
    _t(
        "repness",
        lazy("Representative statement"),
        lazy(
            "A statement that sets one group apart: it agrees (or disagrees) with it much more "
            "than "
            "the others do."
        ),
        lazy(
            "Polis representativeness: the ratio of the group's agreement probability to that of "
            "everyone else, kept when a two-proportion test is significant."
        ),
        "common_ground",
    ),
    _t(
        "participation",
        lazy("Participation"),
        lazy("How many people voted, and on how many statements."),
        lazy("Participants with at least one vote, and votes cast over statements shown."),
        "common_ground",
    ),
    # ------------------------------------------------------------------ outcomes
    _t(
        "outcome_status",
        lazy("On track / at risk / off track"),
        lazy(
            "Whether the latest measurement is where it should be by now on the way to the target."
        ),
        lazy(
            "Progress = (value − baseline) / (target − baseline) against the expected share of "
            "time elapsed: on track at ≥ 90 %% of expected, at risk at ≥ 70 %%, off track below; "
            "no data before the first measurement."
        ),
        "outcomes",
    ),
    _t(
        "health_check",
        lazy("Health check"),
        lazy("A short survey in which the team rates how it works together."),
        lazy(
            "Ratings from 1 to 5 on each building block, shown as mean ± standard deviation and "
            "range per check."
        ),
        "outcomes",
    ),
)

_STATUS_PLAIN: dict[str, tuple[str, str]] = {
    # invitations
    f"invitation.{InvitationStatus.pending}": (
        lazy("Invited"),
        lazy("Waiting for the person's answer."),
    ),
    f"invitation.{InvitationStatus.countered}": (
        lazy("Offered fewer hours"),
        lazy("The person would join with fewer hours; the convenor decides."),
    ),
    f"invitation.{InvitationStatus.accepted}": (
        lazy("Accepted"),
        lazy("The person joined the team."),
    ),
    f"invitation.{InvitationStatus.declined}": (lazy("Declined"), lazy("The person said no.")),
    f"invitation.{InvitationStatus.counter_declined}": (
        lazy("Offer declined"),
        lazy("The convenor did not accept the person's offer of fewer hours."),
    ),
    f"invitation.{InvitationStatus.withdrawn}": (
        lazy("Withdrawn"),
        lazy("The convenor took the invitation back before an answer."),
    ),
    f"invitation.{InvitationStatus.expired}": (
        lazy("Expired"),
        lazy("Nobody answered in time; the seat can be offered again."),
    ),
    f"invitation.{InvitationStatus.stepped_back}": (
        lazy("Stepped back"),
        lazy("The person joined, then left; their hours are free again."),
    ),
    # initiatives
    f"initiative.{InitiativeStatus.draft}": (
        lazy("Draft"),
        lazy("Being written; not yet looking for people."),
    ),
    f"initiative.{InitiativeStatus.forming}": (
        lazy("Forming"),
        lazy("Looking for people to fill its roles."),
    ),
    f"initiative.{InitiativeStatus.active}": (lazy("Active"), lazy("The team is at work.")),
    f"initiative.{InitiativeStatus.completed}": (lazy("Completed"), lazy("The work is done.")),
    f"initiative.{InitiativeStatus.closed}": (lazy("Closed"), lazy("Stopped before completion.")),
    # engagements
    "engagement.active": (
        lazy("Active"),
        lazy("The person is working on it and their hours are taken."),
    ),
    "engagement.completed": (lazy("Completed"), lazy("The work ended; the hours are free again.")),
    "engagement.withdrawn": (
        lazy("Withdrawn"),
        lazy("The person stepped back; the hours are free again."),
    ),
    # decisions
    f"decision.{DecisionStatus.open}": (
        lazy("Open"),
        lazy("People can still give their position."),
    ),
    f"decision.{DecisionStatus.passed}": (lazy("Passed"), lazy("The decision was taken.")),
    f"decision.{DecisionStatus.not_passed}": (lazy("Not passed"), lazy("Not enough support.")),
    f"decision.{DecisionStatus.blocked}": (
        lazy("Blocked"),
        lazy("Someone blocked it with a reasoned objection."),
    ),
    f"decision.{DecisionStatus.withdrawn}": (lazy("Withdrawn"), lazy("The proposer took it back.")),
}

_STATUS_GROUPS = {
    "invitation": lazy("Invitation"),
    "initiative": lazy("Initiative"),
    "engagement": lazy("Engagement"),
    "decision": lazy("Decision"),
}
_STATUS_STORED = {
    "invitation": lazy("Stored as '%(value)s' on the invitation."),
    "initiative": lazy("Stored as '%(value)s' on the initiative."),
    "engagement": lazy("Stored as '%(value)s' on the engagement."),
    "decision": lazy("Stored as '%(value)s' on the decision."),
}


def _status_terms() -> tuple[Term, ...]:
    terms = []
    for key, (name, plain) in _STATUS_PLAIN.items():
        kind, value = key.split(".", 1)
        terms.append(
            Term(
                key=f"status-{kind}-{value}",
                name=name,
                plain=plain,
                precise=_STATUS_STORED[kind],
                group="status",
                kind=_STATUS_GROUPS[kind],
                value=value,
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
    name, precise = _(term.name), _(term.precise)
    if term.kind:
        name = _("%(kind)s: %(status)s") % {"kind": _(term.kind), "status": name}
    precise = precise % {"value": term.value}  # "%%" in a definition is a per cent sign
    return {
        "key": term.key,
        "name": name,
        "plain": _(term.plain) % {"value": term.value},
        "precise": precise,
        "anchor": f"/help/glossary#{term.key}",
    }


def grouped() -> list[tuple[str, str, list[dict[str, str]]]]:
    """Every entry by group, in declaration order: (group key, title, entries)."""
    return [
        (group, _(title), [entry(t.key) for t in GLOSSARY.values() if t.group == group])
        for group, title in GROUPS.items()
    ]
