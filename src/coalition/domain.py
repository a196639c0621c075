"""Plain enums and helpers shared by every layer (no database, no web)."""

from __future__ import annotations

from enum import StrEnum

from .i18n import lazy


class ActorKind(StrEnum):
    person = "person"
    organisation = "organisation"


class Sector(StrEnum):
    business = "business"
    government = "government"
    civil_society = "civil_society"
    education = "education"
    health = "health"
    funder = "funder"
    community = "community"
    independent = "independent"


# Forms offer a person's sector with "independent" first: most people join as independents.
SECTOR_CHOICES: tuple[Sector, ...] = (
    Sector.independent,
    *(s for s in Sector if s is not Sector.independent),
)


class Visibility(StrEnum):
    """Who may see a profile or a field: the widest audience first."""

    public = "public"
    network = "network"
    convenors = "convenors"
    private = "private"


class PrivateField(StrEnum):
    """A profile field whose audience each member chooses; stored in ``<name>_visibility``."""

    day_rate = "day_rate"
    capacity = "capacity"
    contact = "contact"
    declines = "declines"

    @property
    def column(self) -> str:
        """The actors column that holds this field's audience."""
        return f"{self.value}_visibility"


# Who sees each private field until the member chooses otherwise.
PRIVACY_DEFAULTS: dict[PrivateField, Visibility] = {
    PrivateField.day_rate: Visibility.private,
    PrivateField.capacity: Visibility.network,
    PrivateField.contact: Visibility.network,
    PrivateField.declines: Visibility.convenors,
}


class TieKind(StrEnum):
    collaborated = "collaborated"
    funded = "funded"
    referred = "referred"
    shared_knowledge = "shared_knowledge"
    partnered = "partnered"
    member_of = "member_of"
    influenced = "influenced"
    mentored = "mentored"


class InvitationStatus(StrEnum):
    """Every stored status; ``expired`` is stored once an expired invitation is settled."""

    pending = "pending"
    countered = "countered"
    accepted = "accepted"
    declined = "declined"
    counter_declined = "counter_declined"
    withdrawn = "withdrawn"
    expired = "expired"
    stepped_back = "stepped_back"


# Statuses still waiting for somebody's answer.
OPEN_INVITATION_STATUSES: tuple[InvitationStatus, ...] = (
    InvitationStatus.pending,
    InvitationStatus.countered,
)


class InitiativeKind(StrEnum):
    project = "project"
    coalition = "coalition"


class InitiativeStatus(StrEnum):
    draft = "draft"
    forming = "forming"
    active = "active"
    completed = "completed"
    closed = "closed"


# Allowed status moves: a convenor may go forward, or close at any point.
STATUS_MOVES: dict[InitiativeStatus, frozenset[InitiativeStatus]] = {
    InitiativeStatus.draft: frozenset({InitiativeStatus.forming, InitiativeStatus.closed}),
    InitiativeStatus.forming: frozenset(
        {InitiativeStatus.draft, InitiativeStatus.active, InitiativeStatus.closed}
    ),
    InitiativeStatus.active: frozenset({InitiativeStatus.completed, InitiativeStatus.closed}),
    InitiativeStatus.completed: frozenset(),
    InitiativeStatus.closed: frozenset(),
}


class BudgetBasis(StrEnum):
    """What a fairness budget is a share of: the value of every objective but fairness
    (``objective``: fit, purpose, trust, diversity, cost, bridging), or capability fit alone
    (``fit``)."""

    objective = "objective"
    fit = "fit"


class Region(StrEnum):
    """Working-hours regions used for time-zone coverage."""

    americas = "americas"
    emea = "emea"
    apac = "apac"


_REGION_PREFIXES: tuple[tuple[str, Region], ...] = (
    ("America/", Region.americas),
    ("US/", Region.americas),
    ("Canada/", Region.americas),
    ("Brazil/", Region.americas),
    ("Atlantic/", Region.emea),
    ("Europe/", Region.emea),
    ("Africa/", Region.emea),
    ("Asia/", Region.apac),
    ("Australia/", Region.apac),
    ("Pacific/", Region.apac),
    ("Indian/", Region.apac),
)

# Middle-East zones sit in Asia/ but work EMEA hours.
_EMEA_ASIA = frozenset(
    {
        "Asia/Dubai",
        "Asia/Riyadh",
        "Asia/Qatar",
        "Asia/Bahrain",
        "Asia/Kuwait",
        "Asia/Jerusalem",
        "Asia/Tel_Aviv",
        "Asia/Beirut",
        "Asia/Amman",
        "Asia/Baghdad",
        "Asia/Tehran",
        "Asia/Damascus",
        "Asia/Nicosia",
        "Asia/Muscat",
    }
)


def region_of(timezone: str | None) -> Region | None:
    """The working-hours region of an IANA time zone, or None when it is unknown."""
    if not timezone:
        return None
    if timezone in _EMEA_ASIA:
        return Region.emea
    if timezone in {"UTC", "Etc/UTC", "GMT"}:
        return Region.emea
    for prefix, region in _REGION_PREFIXES:
        if timezone.startswith(prefix):
            return region
    return None


# -- working together: threads and decisions (services/threads.py, services/decisions.py) --


class ThreadVisibility(StrEnum):
    """Who reads a thread: the initiative's team (engaged members and convenor) or the network."""

    team = "team"
    network = "network"


class PickKind(StrEnum):
    """What a picker finds by name (services/pickers.py): profiles of the network (invite, lock
    in, exclude, credit), its profiles no account owns yet (a steward's invitation to the
    network), or the assets of its knowledge commons (attachments)."""

    members = "members"
    profiles = "profiles"
    assets = "assets"


class InvitationSide(StrEnum):
    """Who wrote a message on an invitation: the invited member, or the initiative's convenor."""

    invitee = "invitee"
    convenor = "convenor"


class DecisionKind(StrEnum):
    """Loomio's poll kinds: consent (with block), choose one, rank, score; and *charter*, a
    consent decision on an initiative's charter text (its details) that, passed, adopts it."""

    consent = "consent"
    choose = "choose"
    rank = "rank"
    score = "score"
    charter = "charter"


#: Kinds voted on by consent positions (agree, abstain, disagree, block).
CONSENT_KINDS = frozenset({DecisionKind.consent.value, DecisionKind.charter.value})


class ConsentPosition(StrEnum):
    agree = "agree"
    abstain = "abstain"
    disagree = "disagree"
    block = "block"


class DecisionStatus(StrEnum):
    """Open until its closing time or the proposer closes it; then passed, not passed or blocked."""

    open = "open"
    passed = "passed"
    not_passed = "not_passed"
    blocked = "blocked"
    withdrawn = "withdrawn"


# Score decisions: each option gets 0..SCORE_MAX.
SCORE_MAX = 5


class NetworkVisibility(StrEnum):
    """Who may find a network: listed for all, reachable by its address only, or members only."""

    public = "public"
    unlisted = "unlisted"
    private = "private"


class JoinPolicy(StrEnum):
    """How a person becomes a member: at once, by a steward's approval, or by invitation only."""

    open = "open"
    approval = "approval"
    invitation = "invitation"


# The audience of each profile field a new member starts with, unless their network's
# stewards chose other defaults ("profile" is the profile itself; the rest are its fields).
PROFILE_PRIVACY_DEFAULTS: dict[str, Visibility] = {
    "profile": Visibility.network,
    **{field.value: audience for field, audience in PRIVACY_DEFAULTS.items()},
}


class OnboardingStep(StrEnum):
    """A new member's first steps, in the order the checklist shows them."""

    profile = "profile"
    capabilities = "capabilities"
    purposes = "purposes"
    availability = "availability"
    privacy = "privacy"
    opportunity = "opportunity"


class JobState(StrEnum):
    """Where a background job stands (the ``jobs`` table; coalition.jobs)."""

    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"


# A job in one of these states will not change any more.
JOB_FINAL_STATES = frozenset({JobState.succeeded.value, JobState.failed.value})


class JobKind(StrEnum):
    """The kinds of background work (one job function each, coalition.jobs.functions)."""

    deliver_mail = "deliver_mail"
    invitation_replacements = "invitation_replacements"
    polis_import = "polis_import"


class FieldKind(StrEnum):
    """The type of a network's custom profile field (as Kumu's custom fields: text, number,
    a choice of one, a choice of several, a date, a web address, yes/no)."""

    text = "text"
    number = "number"
    choice = "choice"
    multi = "multi"
    date = "date"
    url = "url"
    boolean = "boolean"


# Kinds whose values come from the field's own list of choices.
CHOICE_KINDS: frozenset[FieldKind] = frozenset({FieldKind.choice, FieldKind.multi})

# -- an initiative's life and the offers members make (services/lifecycle.py, offers.py) --


class InitiativeAction(StrEnum):
    """The explicit steps a convenor takes to move an initiative along its life."""

    open = "open"  # draft → forming: the team is being formed (roles may be opened to all)
    back_to_draft = "back_to_draft"  # forming → draft
    start = "start"  # forming → active: the work begins
    complete = "complete"  # active → completed: asks for outcomes and a health check
    close = "close"  # any live status → closed: invitations and offers withdrawn, seats ended


# Each action: the statuses it starts from, the status it leads to, and the rule a user reads.
INITIATIVE_ACTIONS: dict[
    InitiativeAction, tuple[frozenset[InitiativeStatus], InitiativeStatus, str]
] = {
    InitiativeAction.open: (
        frozenset({InitiativeStatus.draft}),
        InitiativeStatus.forming,
        lazy(
            "A draft starts forming its team: invitations may go out and roles may be opened to "
            "the whole network."
        ),
    ),
    InitiativeAction.back_to_draft: (
        frozenset({InitiativeStatus.forming}),
        InitiativeStatus.draft,
        lazy(
            "A forming initiative goes back to draft; its open calls close, invitations and "
            "engagements stay."
        ),
    ),
    InitiativeAction.start: (
        frozenset({InitiativeStatus.forming}),
        InitiativeStatus.active,
        lazy("The work begins with the team that has accepted; open calls stay open until closed."),
    ),
    InitiativeAction.complete: (
        frozenset({InitiativeStatus.active}),
        InitiativeStatus.completed,
        lazy(
            "The work is done: every engagement ends and its hours return to each member; record "
            "the outcomes and hold a health check."
        ),
    ),
    InitiativeAction.close: (
        frozenset({InitiativeStatus.draft, InitiativeStatus.forming, InitiativeStatus.active}),
        InitiativeStatus.closed,
        lazy(
            "The initiative stops: open invitations and offers are withdrawn, every engagement "
            "ends and its hours return to each member."
        ),
    ),
}


class ReconfirmationStatus(StrEnum):
    """A role's hours changed: each engaged member re-confirms (or steps back) first."""

    pending = "pending"
    confirmed = "confirmed"
    stepped_back = "stepped_back"
    superseded = "superseded"  # the hours changed again, or the engagement ended meanwhile


class OfferStatus(StrEnum):
    """A member's offer of themselves for an open role; the convenor accepts or declines."""

    pending = "pending"
    accepted = "accepted"
    declined = "declined"
    withdrawn = "withdrawn"  # by the member, or by closing the initiative or its call


OPEN_OFFER_STATUSES: tuple[OfferStatus, ...] = (OfferStatus.pending,)
