"""Formation use-cases: build the engine's problem from the database, run it, keep proposals.

The candidate index and tie graph of a network are cached per data version, so a request on a
100,000-actor network pays the database read once, not per proposal.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from .. import clock
from ..domain import BudgetBasis
from ..engines.formation import (
    Candidate,
    CandidateIndex,
    Constraints,
    FormationInputError,
    FormationProblem,
    FormationResult,
    Member,
    RoleSpec,
    TieGraph,
    Weights,
    propose,
)
from ..engines.formation.reasons import ObstacleCode, Said
from ..errors import Invalid, NotFound
from ..i18n import DEFAULT_LOCALE, _, use_locale
from ..schemas.formation import (
    ClosestOut,
    FairnessContrastOut,
    NamedActorOut,
    ObstacleOut,
    ProposalOut,
    ProposalRequest,
    ProposalRunOut,
    ProposalSet,
    ProposedMember,
    WeightsIn,
)
from ..store.cache import ProcessCache, version_key
from ..store.tables import (
    Actor,
    ActorCapability,
    ActorPurpose,
    Affiliation,
    Capability,
    Engagement,
    Initiative,
    Network,
    Tie,
)
from ..store.tables_formation import Proposal
from .access import Caller
from .engagements import settle_ended
from .fairness import exposure_by_actor, network_weight
from .fairness_text import contrast_summary
from .formation_obstacles import input_message, note, obstacle, summary
from .formation_text import for_reader, render, render_all
from .initiatives import load_initiative, require_convenor

SHARED_RATE = ("public", "network")
#: Rank under which a run keeps its best team with fairness off (shown, never invited).
CONTRAST_RANK = -1
#: Trust one co-engagement earns a pair (ties from accepted invitations); repeated ones
#: combine as a noisy-or: 1/2, 3/4, 7/8, ...
CO_ENGAGEMENT_TRUST = 0.5


def _network_data(db: Session, network: Network, today: date) -> tuple[CandidateIndex, TieGraph]:
    """Every actor of ``network`` as a formation candidate, and its tie graph."""
    candidates = _candidates(db, network, today)
    vocabulary = db.scalars(select(Capability.term).where(Capability.network_id == network.id))
    index = CandidateIndex(candidates, vocabulary=list(vocabulary))
    return index, _tie_graph(db, network)


_V = TypeVar("_V")


def _capabilities(db: Session, network: Network) -> dict[int, dict[str, int]]:
    """Each actor's capability levels, by term."""
    caps: dict[int, dict[str, int]] = defaultdict(dict)
    for actor_id, term, level in db.execute(
        select(ActorCapability.actor_id, Capability.term, ActorCapability.level)
        .join(Capability, Capability.id == ActorCapability.capability_id)
        .where(Capability.network_id == network.id)
    ):
        caps[actor_id][term] = level
    return caps


def _by_actor(db: Session, pairs: Select[int, _V]) -> dict[int, list[_V]]:
    """The ``(actor id, value)`` rows of ``pairs``, as each actor's list of values."""
    out: dict[int, list[_V]] = defaultdict(list)
    for actor_id, value in db.execute(pairs):
        out[actor_id].append(value)
    return out


def _purpose_tags(db: Session, network: Network) -> dict[int, list[str]]:
    """Each actor's purpose tags."""
    return _by_actor(
        db,
        select(ActorPurpose.actor_id, ActorPurpose.tag)
        .join(Actor, Actor.id == ActorPurpose.actor_id)
        .where(Actor.network_id == network.id),
    )


def _organisations(db: Session, network: Network) -> dict[int, list[int]]:
    """The organisations each actor is affiliated with."""
    return _by_actor(
        db,
        select(Affiliation.actor_id, Affiliation.organisation_id)
        .join(Actor, Actor.id == Affiliation.actor_id)
        .where(Actor.network_id == network.id),
    )


def _recent_engagements(db: Session, network: Network, today: date) -> dict[int, int]:
    """Engagements per actor over the two years before ``today`` (undated ones count)."""
    since = today - timedelta(days=730)
    return dict(
        db.execute(
            select(Engagement.actor_id, func.count())
            .where(
                Engagement.network_id == network.id,
                (Engagement.start_date.is_(None)) | (Engagement.start_date >= since),
            )
            .group_by(Engagement.actor_id)
        ).all()
    )


def _candidates(db: Session, network: Network, today: date) -> list[Candidate]:
    """The network's proposable actors (not anonymised, not private) as candidates, by id."""
    caps = _capabilities(db, network)
    tags = _purpose_tags(db, network)
    orgs = _organisations(db, network)
    recent = _recent_engagements(db, network, today)
    exposure = exposure_by_actor(db, network.id, today)
    rows = db.execute(
        select(
            Actor.id,
            Actor.name,
            Actor.kind,
            Actor.sector,
            Actor.region,
            Actor.languages,
            Actor.capacity_hours,
            Actor.committed_hours,
            Actor.day_rate,
            Actor.day_rate_visibility,
            Actor.purpose_text,
            Actor.joined_on,
        )
        .where(Actor.network_id == network.id, Actor.anonymised == 0, Actor.visibility != "private")
        .order_by(Actor.id)
    )
    return [
        Candidate(
            actor_id=r.id,
            name=r.name,
            capabilities=caps.get(r.id, {}),
            capacity_left_hours=max(0.0, r.capacity_hours - r.committed_hours),
            sector=r.sector,
            tz_region=r.region,
            languages=frozenset(r.languages or []),
            # A rate the member keeps private is neither shown nor used.
            day_rate=r.day_rate if r.day_rate_visibility in SHARED_RATE else None,
            purpose_text=r.purpose_text or "",
            purpose_tags=tuple(tags.get(r.id, ())),
            organisations=tuple(orgs.get(r.id, ())),
            recent_engagements=int(recent.get(r.id, 0)),
            is_newcomer=bool(r.joined_on and (today - r.joined_on).days < 365),
            exposure=float(exposure.get(r.id, 0.0)),
        )
        for r in rows
    ]


def _tie_graph(db: Session, network: Network) -> TieGraph:
    """The network's ties, with the year each began and the trust it earns."""
    ties = db.execute(
        select(Tie.source_id, Tie.target_id, Tie.start_date, Tie.origin).where(
            Tie.network_id == network.id
        )
    ).all()
    return TieGraph(
        [t[0] for t in ties],
        [t[1] for t in ties],
        [t[2].year if t[2] else 0 for t in ties],
        # Co-engagement earns trust with diminishing returns (see TieGraph): no lock-in.
        [CO_ENGAGEMENT_TRUST if t[3] == "invitation" else 1.0 for t in ties],
    )


_CACHE: ProcessCache[tuple[CandidateIndex, TieGraph]] = ProcessCache(8)


def network_index(
    db: Session, network: Network, today: date | None = None
) -> tuple[CandidateIndex, TieGraph]:
    """The candidate index and tie graph of ``network`` as of ``today`` (default: today),
    cached per data version and day."""
    day = today or clock.today()
    return _CACHE.get(version_key(db, network, day), lambda: _network_data(db, network, day))


def held_network_index(
    db: Session, network: Network, today: date
) -> tuple[CandidateIndex, TieGraph] | None:
    """The index :func:`network_index` keeps for ``network`` as it is now, if built already."""
    return _CACHE.peek(version_key(db, network, today))


def seats_taken(db: Session, initiative: Initiative) -> tuple[dict[int, int], frozenset[int]]:
    """Seats already held in ``initiative`` (active engagements per role) and who holds them."""
    rows = db.execute(
        select(Engagement.role_id, Engagement.actor_id).where(
            Engagement.initiative_id == initiative.id, Engagement.status == "active"
        )
    ).all()
    taken: dict[int, int] = defaultdict(int)
    for role_id, _unused in rows:
        if role_id is not None:
            taken[role_id] += 1
    return dict(taken), frozenset(actor for _, actor in rows)


def build_problem(
    initiative: Initiative,
    request: ProposalRequest,
    index: CandidateIndex,
    graph: TieGraph,
    *,
    taken: Mapping[int, int] | None = None,
    engaged: frozenset[int] = frozenset(),
) -> FormationProblem:
    """The engine's problem for ``initiative`` (roles keyed by role id).

    Seats already held (``taken``, per role id) are not proposed again and the people holding
    them (``engaged``) are not proposed for other seats: proposals fill the open seats.
    """
    taken = taken or {}
    open_roles = [
        r for r in initiative.roles if r.retired_at is None and r.seats - taken.get(r.id, 0) > 0
    ]
    if not open_roles:
        raise Invalid(_("every seat of this initiative is taken"), field="roles")
    role_key = {r.id: str(r.id) for r in open_roles}
    weeks = 1.0
    if initiative.start_date and initiative.end_date:
        weeks = max(1.0, (initiative.end_date - initiative.start_date).days / 7)
    for lock in request.locked_in:
        if lock.role_id is not None and lock.role_id not in role_key:
            raise Invalid(
                _("no role %(role_id)s in this initiative") % {"role_id": lock.role_id},
                field="locked_in",
            )
    return FormationProblem(
        roles=[
            RoleSpec(
                key=str(r.id),
                title=r.title,
                requirements={q.capability.term: q.min_level for q in r.requirements},
                seats=r.seats - taken.get(r.id, 0),
                hours_per_week=r.hours_per_week,
                languages=frozenset(r.languages or []),
                tz_regions=frozenset(r.timezone_regions or []),
            )
            for r in open_roles
        ],
        candidates=index,
        constraints=Constraints(
            budget=initiative.budget,
            weeks=weeks,
            sector_mix={
                k: (int(v.get("min", 0)), v.get("max"))
                for k, v in (initiative.sector_mix or {}).items()
            },
            max_per_org=initiative.max_per_organisation,
            tz_coverage=frozenset(initiative.timezone_coverage or []),
            conflicts=tuple((a, b) for a, b in request.conflicts),
            competing_orgs=frozenset(request.competing_organisations),
            locked_in={
                lock.actor_id: role_key.get(lock.role_id) if lock.role_id else None
                for lock in request.locked_in
            },
            excluded=frozenset(request.excluded) | engaged,
        ),
        weights=Weights(**request.weights.model_dump()),
        purpose_text=initiative.purpose,
        purpose_tags=tuple(initiative.purpose_tags or []),
        ties=graph,
        seed=request.seed,
        k_alternatives=request.alternatives,
        time_limit_s=request.time_limit_s,
        fairness_budget=request.fairness_budget,
        fairness_budget_on=request.fairness_budget_on,
    )


def _capacity_shared(db: Session, actor_ids: set[int]) -> set[int]:
    """Those of ``actor_ids`` whose free capacity the network may see."""
    if not actor_ids:
        return set()
    return set(
        db.scalars(
            select(Actor.id).where(
                Actor.id.in_(actor_ids), Actor.capacity_visibility.in_(SHARED_RATE)
            )
        )
    )


def effective_request(request: ProposalRequest, network: Network) -> ProposalRequest:
    """The request with the network's default fairness weight where it sets none."""
    if "weights" in request.model_fields_set and "fairness" in request.weights.model_fields_set:
        return request
    weights = request.weights.model_copy(update={"fairness": network_weight(network)})
    return request.model_copy(update={"weights": weights})


def propose_team(
    db: Session,
    caller: Caller,
    initiative_id: int,
    request: ProposalRequest,
    *,
    today: date | None = None,
) -> ProposalSet:
    """Run the formation engine for an initiative and store its proposals for audit.

    Engagements whose end date has passed end first, so their hours count as free. Where
    fairness has weight, the best team with fairness off is kept too (rank -1 of the run),
    and each proposal says what fairness changed.
    """
    initiative = load_initiative(db, caller, initiative_id)
    network = require_convenor(db, caller, initiative)
    if not initiative.roles:
        raise Invalid(_("the initiative has no roles to fill yet"), field="roles")
    request = effective_request(request, network)
    settle_ended(db, today=today, network_id=network.id)
    index, graph = network_index(db, network, today)
    try:
        taken, engaged = seats_taken(db, initiative)
        result: FormationResult = propose(
            build_problem(initiative, request, index, graph, taken=taken, engaged=engaged)
        )
    except FormationInputError as exc:
        titles = [r.title for r in initiative.roles]
        raise Invalid(input_message(exc, titles), field=exc.field, code=exc.code.value) from None
    run = _Run(
        initiative=initiative,
        request=request,
        id=uuid.uuid4().hex[:12],
        titles={str(r.id): r.title for r in initiative.roles},
        shared=_capacity_shared(db, _mentioned(result)),
    )
    return ProposalSet(
        initiative_id=initiative.id,
        run=run.id,
        status=result.status,
        proposals=_store_proposals(db, caller, run, result),
        **_why_not(run, result),
        notes=[note(n) for n in result.notes],
    )


@dataclass(frozen=True)
class _Run:
    """One run of the engine for an initiative: the request, the run's id, role titles by
    role key, and the mentioned actors whose free capacity the network may see."""

    initiative: Initiative
    request: ProposalRequest
    id: str
    titles: dict[str, str]
    shared: set[int]


def _mentioned(result: FormationResult) -> set[int]:
    """Every actor a result names: members of the proposals (and of the best team with
    fairness off, when there are proposals), and the actors closest to an obstacle."""
    mentioned = {m.actor_id for p in result.proposals for m in p.members}
    if result.infeasibility is not None:
        mentioned |= {c.actor_id for o in result.infeasibility.obstacles for c in o.closest}
    if result.fairness_off is not None and result.proposals:
        mentioned |= set(result.fairness_off.actor_ids)
    return mentioned


def _store_proposals(
    db: Session, caller: Caller, run: _Run, result: FormationResult
) -> list[ProposalOut]:
    """Store the run's proposals (the best team with fairness off first, at rank -1) and
    return them, each with what fairness changed."""
    out = []
    off_row: Proposal | None = None
    ranked = [(p.rank, p) for p in result.proposals]
    if result.fairness_off is not None and result.proposals:
        ranked.insert(0, (CONTRAST_RANK, result.fairness_off))
    for rank, p in ranked:
        members = [_stored_member(run, m) for m in p.members]
        row = Proposal(
            initiative_id=run.initiative.id,
            run=run.id,
            rank=rank,
            status=p.status,
            total_score=p.total_score,
            bound=p.bound,
            gap=p.gap,
            total_cost=p.total_cost,
            scores=dict(p.scores),
            members=members,
            request=run.request.model_dump(mode="json"),
            method=p.method,
            requested_by=caller.account_id,
        )
        db.add(row)
        db.flush()
        if rank == CONTRAST_RANK:
            off_row = row
        else:
            out.append(_proposal_out(row, off_row))
    return out


# The key of a stored member's reasons as data (code and values), rendered when read.
REASON_DATA = "reason_data"


def _stored_member(run: _Run, m: Member) -> dict[str, Any]:
    """A proposed member as stored: the reasons' data as the convenor may read it (privacy
    applied), rendered later in the reader's language, and their English text for the audit
    trail and exports."""
    data = [for_reader(r, capacity_shared=m.actor_id in run.shared) for r in m.reasons]
    with use_locale(DEFAULT_LOCALE):
        english = [render(d) for d in data]
    member = ProposedMember(
        actor_id=m.actor_id,
        name=m.name,
        role_id=int(m.role_key),
        role_title=run.titles[m.role_key],
        hours_per_week=m.hours_per_week,
        reasons=english,
    )
    return {**member.model_dump(), REASON_DATA: data}


def _member_out(stored: Mapping[str, Any]) -> ProposedMember:
    """A stored member with its reasons in the reader's language (stored text when the
    proposal predates structured reasons or was imported)."""
    fields = {k: v for k, v in stored.items() if k != REASON_DATA}
    data = stored.get(REASON_DATA)
    if data is not None:
        fields["reasons"] = [render(d) for d in data]
    return ProposedMember(**fields)


def _why_not(run: _Run, result: FormationResult) -> dict[str, Any]:
    """The summary and obstacles of a result without proposals, in the reader's language,
    with the closest actors' gaps as the convenor may read them."""
    if result.infeasibility is None:
        return {"infeasible": None, "obstacles": []}
    obstacles = []
    for o in result.infeasibility.obstacles:
        closest = [
            ClosestOut(
                actor_id=c.actor_id,
                name=c.name,
                role=run.titles.get(c.role_key or "", c.role_key),
                gaps=render_all(c.gaps, capacity_shared=c.actor_id in run.shared),
            )
            for c in o.closest
        ]
        gaps = closest[0].gaps if o.message.code is ObstacleCode.LOCKED_UNQUALIFIED else []
        obstacles.append(
            ObstacleOut(
                constraint=o.constraint,
                code=o.message.code.value,
                values=_json_ready(run, dict(o.message.values)),
                field=o.field,
                message=obstacle(o.message, gaps),
                closest=closest,
            )
        )
    said = result.infeasibility.summary
    if obstacles:
        text = summary([o.message for o in obstacles])
    else:
        text = note(said) if isinstance(said, Said) else str(said)
    return {"infeasible": text, "obstacles": obstacles}


def _json_ready(run: _Run, values: dict[str, Any]) -> dict[str, Any]:
    """An obstacle's values as the API gives them: JSON-ready (no tuples)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}


def _value_without_fairness(scores: Mapping[str, float], weights: Mapping[str, float]) -> float:
    others = {k: float(w) for k, w in weights.items() if k != "fairness" and k in scores}
    total = sum(others.values())
    return sum(w * float(scores[k]) for k, w in others.items()) / total if total > 0 else 0.0


def contrast(row: Proposal, off: Proposal) -> FairnessContrastOut:
    """What fairness changed in proposal ``row`` against ``off``, the best team with fairness
    off on the same pool: seats that differ, and the cost on every other objective (the
    weighted mean of all objectives but fairness), in plain words. Counts of anyone's past
    chances are never shown."""
    weights = {
        **WeightsIn().model_dump(),
        **dict((row.request or {}).get("weights") or {}),
    }
    on_ids = {m["actor_id"] for m in row.members}
    off_ids = {m["actor_id"] for m in off.members}
    extra = [m for m in row.members if m["actor_id"] not in off_ids]
    instead = [m for m in off.members if m["actor_id"] not in on_ids]
    value_on = _value_without_fairness(row.scores, weights)
    value_off = _value_without_fairness(off.scores, weights)
    loss = max(value_off - value_on, 0.0) / value_off if value_off > 0 else 0.0
    fit_on, fit_off = float(row.scores.get("fit", 0.0)), float(off.scores.get("fit", 0.0))
    n = len(row.members)
    budget = (row.request or {}).get("fairness_budget")
    summary = contrast_summary(
        extra,
        instead,
        n,
        max(fit_off - fit_on, 0.0) / fit_off if fit_off > 0 else 0.0,
        loss,
        float(budget) if isinstance(budget, int | float) else None,
        (row.request or {}).get("fairness_budget_on") == BudgetBasis.fit,
    )
    return FairnessContrastOut(
        weight=float(weights["fairness"]),
        seats_changed=len(extra),
        seats=n,
        instead_of=[
            NamedActorOut(actor_id=m["actor_id"], name=m["name"], role_id=m.get("role_id"))
            for m in instead
        ],
        value_on=round(value_on, 6),
        value_off=round(value_off, 6),
        loss=round(loss, 6),
        fit_on=round(fit_on, 6),
        fit_off=round(fit_off, 6),
        summary=summary,
    )


def _proposal_out(row: Proposal, off: Proposal | None = None) -> ProposalOut:
    return ProposalOut(
        id=row.id,
        rank=row.rank,
        status=row.status,
        total_score=row.total_score,
        bound=row.bound,
        gap=row.gap,
        total_cost=row.total_cost,
        scores=dict(row.scores),
        method=row.method,
        members=[_member_out(m) for m in row.members],
        fairness=contrast(row, off) if off is not None else None,
    )


def list_proposals(db: Session, caller: Caller, initiative_id: int) -> list[ProposalOut]:
    """Stored proposals of an initiative, newest run first (the audit trail)."""
    initiative = load_initiative(db, caller, initiative_id)
    require_convenor(db, caller, initiative)
    rows = db.scalars(
        select(Proposal)
        .where(Proposal.initiative_id == initiative.id)
        .order_by(Proposal.id.desc())
        .limit(200)
    ).all()
    offs = {r.run: r for r in rows if r.rank == CONTRAST_RANK}
    return [_proposal_out(r, offs.get(r.run)) for r in rows if r.rank != CONTRAST_RANK]


def latest_run(db: Session, caller: Caller, initiative_id: int) -> ProposalRunOut:
    """The newest run's proposals, best first, with the request that produced them (what the
    convenor compares, locks and excludes from)."""
    initiative = load_initiative(db, caller, initiative_id)
    require_convenor(db, caller, initiative)
    newest = db.scalars(
        select(Proposal)
        .where(Proposal.initiative_id == initiative.id)
        .order_by(Proposal.id.desc())
        .limit(1)
    ).first()
    if newest is None:
        network = db.get_one(Network, initiative.network_id)
        return ProposalRunOut(
            initiative_id=initiative.id,
            run=None,
            created_at=None,
            request=effective_request(ProposalRequest(), network),
            proposals=[],
            locked_in=[],
            excluded=[],
        )
    rows = db.scalars(
        select(Proposal)
        .where(Proposal.initiative_id == initiative.id, Proposal.run == newest.run)
        .order_by(Proposal.rank, Proposal.id)
    ).all()
    off = next((r for r in rows if r.rank == CONTRAST_RANK), None)
    request = ProposalRequest.model_validate(newest.request, strict=False)
    locked, excluded = _held(db, initiative, request)
    return ProposalRunOut(
        initiative_id=initiative.id,
        run=newest.run,
        created_at=newest.created_at,
        request=request,
        proposals=[_proposal_out(r, off) for r in rows if r.rank != CONTRAST_RANK],
        locked_in=locked,
        excluded=excluded,
    )


def _held(
    db: Session, initiative: Initiative, request: ProposalRequest
) -> tuple[list[NamedActorOut], list[NamedActorOut]]:
    """The members a request locks in and excludes, named (those still in the network)."""
    wanted = {lock.actor_id for lock in request.locked_in} | set(request.excluded)
    names = dict(
        db.execute(
            select(Actor.id, Actor.name).where(
                Actor.id.in_(sorted(wanted)),
                Actor.network_id == initiative.network_id,
                Actor.anonymised == 0,
            )
        ).all()
    )
    locked = [
        NamedActorOut(actor_id=lock.actor_id, name=names[lock.actor_id], role_id=lock.role_id)
        for lock in request.locked_in
        if lock.actor_id in names
    ]
    excluded = [NamedActorOut(actor_id=a, name=names[a]) for a in request.excluded if a in names]
    return locked, excluded


def held_actors(
    db: Session, caller: Caller, initiative_id: int, request: ProposalRequest
) -> tuple[list[NamedActorOut], list[NamedActorOut]]:
    """Who ``request`` locks in and who it excludes, by name (the convenor's view)."""
    initiative = load_initiative(db, caller, initiative_id)
    require_convenor(db, caller, initiative)
    return _held(db, initiative, request)


def get_proposal(db: Session, caller: Caller, proposal_id: int) -> tuple[Proposal, ProposalOut]:
    row = db.get(Proposal, proposal_id)
    if row is None or row.rank == CONTRAST_RANK:  # the contrast is shown, never invited
        raise NotFound(_("no proposal %(proposal_id)s") % {"proposal_id": proposal_id})
    initiative = load_initiative(db, caller, row.initiative_id)
    require_convenor(db, caller, initiative)
    off = db.scalars(
        select(Proposal).where(
            Proposal.initiative_id == row.initiative_id,
            Proposal.run == row.run,
            Proposal.rank == CONTRAST_RANK,
        )
    ).first()
    return row, _proposal_out(row, off)


def to_json(result: ProposalSet) -> dict[str, Any]:
    return result.model_dump(mode="json")
