"""Replacements for a seat someone declined, countered or stepped back from: who is eligible
(one SQL query), ranked by the formation engine, best first.

The invitation's state machine (:mod:`coalition.services.invitations`) starts the ranking as a
job once its transaction commits (the engine takes seconds on a large network); the job and the
convenor's page read the candidates from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ..engines.formation.reasons import Reason
from ..i18n import _
from ..schemas.invitations import ReplacementOut
from ..store.tables import Actor, ActorCapability, Engagement, Initiative, Network, Role
from ..store.tables_invitations import OPEN_STATUSES, Invitation
from .access import Caller
from .formation_text import SHOWN_TO_CONVENOR_ALWAYS, for_reader, render
from .invitations import _for_convenor


def suggest_replacements(
    db: Session,
    initiative: Initiative,
    role: Role,
    excluded_actor_ids: Iterable[int],
    locked_in_actor_ids: Iterable[int],
    *,
    limit: int = 5,
) -> list[ReplacementOut]:
    """Candidates for a seat someone declined or countered, best first.

    One SQL query finds who is eligible (every minimum level of the role met, free capacity
    ≥ the role's hours, not invited to or engaged in this initiative already, not excluded,
    locked-in teammates kept out); the formation engine then ranks them for the seat
    (:func:`_rank_with_formation`).
    Only profiles visible to the network are proposed; free hours are used, never shown.
    """
    blocked = set(excluded_actor_ids) | set(locked_in_actor_ids)
    needs = {q.capability_id: q.min_level for q in role.requirements}
    rows = db.execute(_eligible(initiative, role, needs, blocked, max(limit, 40))).all()
    ranked = _rank_with_formation(db, initiative, role, [actor.id for actor, _ in rows], limit)
    by_id = {actor.id: (actor, score) for actor, score in rows}
    order: list[tuple[int, list[Reason]]] = (
        ranked if ranked is not None else [(actor.id, []) for actor, _ in rows[:limit]]
    )
    return [_replacement(*by_id[actor_id], reasons, needs) for actor_id, reasons in order]


def _eligible(
    initiative: Initiative, role: Role, needs: dict[int, int], blocked: set[int], limit: int
) -> Select[Any]:
    """Visible actors of the network who meet every minimum level of the role, with the free
    hours it asks, not invited to or engaged in the initiative, nor ``blocked``: best fit
    (sum of the levels asked) first, with that fit."""
    busy = (
        select(Invitation.actor_id)
        .where(
            Invitation.initiative_id == initiative.id, Invitation.status.in_(list(OPEN_STATUSES))
        )
        .union(
            select(Engagement.actor_id).where(
                Engagement.initiative_id == initiative.id, Engagement.status == "active"
            )
        )
    )
    fit = (
        select(func.coalesce(func.sum(ActorCapability.level), 0))
        .where(
            ActorCapability.actor_id == Actor.id,
            ActorCapability.capability_id.in_(list(needs) or [-1]),
        )
        .scalar_subquery()
    )
    stmt = select(Actor, fit.label("fit")).where(
        Actor.network_id == initiative.network_id,
        Actor.anonymised == 0,
        Actor.visibility != "private",
        Actor.capacity_hours - Actor.committed_hours >= role.hours_per_week,
        Actor.id.not_in(busy),
    )
    if blocked:
        stmt = stmt.where(Actor.id.not_in(sorted(blocked)))
    for capability_id, min_level in needs.items():
        stmt = stmt.where(
            Actor.id.in_(
                select(ActorCapability.actor_id).where(
                    ActorCapability.capability_id == capability_id,
                    ActorCapability.level >= min_level,
                )
            )
        )
    return stmt.order_by(fit.desc(), Actor.name, Actor.id).limit(limit)


def _replacement(
    actor: Actor, score: int | None, reasons: list[Reason], needs: dict[int, int]
) -> ReplacementOut:
    """One candidate, with why they fit: their levels against the role's, then the engine's
    reasons (capacity and rates steer the choice but are not shown to the convenor here)."""
    levels = {c.capability_id: (c.capability.term, c.level) for c in actor.capabilities}
    why = ", ".join(
        _("%(capability)s %(level)s (needs %(needed)s)")
        % {"capability": levels[cid][0], "level": levels[cid][1], "needed": lvl}
        for cid, lvl in sorted(needs.items(), key=lambda kv: levels[kv[0]][0])
    )
    shown = [render(for_reader(r)) for r in reasons if r.code in SHOWN_TO_CONVENOR_ALWAYS]
    why = "; ".join([why, *shown[1:]]) if why else "; ".join(shown)
    return ReplacementOut(
        actor_id=actor.id,
        name=actor.name,
        sector=actor.sector,
        headline=actor.headline,
        fit=int(score or 0),
        why=why or _("meets the role's needs"),
    )


def _rank_with_formation(
    db: Session, initiative: Initiative, role: Role, eligible: list[int], limit: int
) -> list[tuple[int, list[Reason]]] | None:
    """Re-run the formation engine on the open seat over the eligible actors: best first.

    The seat is solved alone (one seat, the alternatives being other people), scored on fit,
    shared purpose, diversity, fairness and cost; ``None`` when the engine has no answer.
    """
    if not eligible:
        return []
    from ..engines.formation import (
        CandidateIndex,
        FormationInputError,
        FormationProblem,
        RoleSpec,
        Weights,
        propose,
    )
    from .fairness import network_weight
    from .formation import network_index

    network = db.get_one(Network, initiative.network_id)
    index, graph = network_index(db, network)
    wanted = set(eligible)
    pool = [c for c in index.candidates if c.actor_id in wanted]
    if not pool:
        return None
    spec = RoleSpec(
        key=str(role.id),
        title=role.title,
        requirements={q.capability.term: q.min_level for q in role.requirements},
        seats=1,
        hours_per_week=role.hours_per_week,
        languages=frozenset(role.languages or []),
        tz_regions=frozenset(role.timezone_regions or []),
    )
    needs = {q.capability.term: q.min_level for q in role.requirements}
    try:
        pool_index = CandidateIndex(
            pool, vocabulary=set(needs) | {t for c in pool for t in c.capabilities}
        )
    except FormationInputError:
        return None
    problem = FormationProblem(
        roles=[spec],
        candidates=pool_index,
        weights=Weights(fairness=network_weight(network)),
        purpose_text=initiative.purpose,
        purpose_tags=tuple(initiative.purpose_tags or []),
        ties=graph,
        k_alternatives=max(0, limit - 1),
        time_limit_s=1.0,
    )
    try:
        result = propose(problem)
    except FormationInputError:
        return None
    if not result.proposals:
        return None
    seen: dict[int, list[Reason]] = {}
    for proposal in result.proposals:
        for member in proposal.members:
            if member.actor_id in wanted:
                seen.setdefault(member.actor_id, list(member.reasons))
    return list(seen.items())[:limit]


def _replacements(
    db: Session, invitation: Invitation, initiative: Initiative
) -> list[ReplacementOut]:
    role = next((r for r in initiative.roles if r.id == invitation.role_id), None)
    if role is None:
        return []
    said_no = set(
        db.scalars(
            select(Invitation.actor_id).where(
                Invitation.initiative_id == initiative.id,
                Invitation.status.in_(["declined", "counter_declined", "stepped_back"]),
            )
        )
    )
    team = set(
        db.scalars(
            select(Engagement.actor_id).where(
                Engagement.initiative_id == initiative.id, Engagement.status == "active"
            )
        )
    )
    return suggest_replacements(db, initiative, role, said_no | {invitation.actor_id}, team)


def replacements_for_job(db: Session, invitation_id: int) -> tuple[int, list[ReplacementOut]]:
    """The replacements for an invitation's seat, as the job computes them: (initiative id,
    candidates best first)."""
    invitation = db.get_one(Invitation, invitation_id)
    initiative = db.get_one(Initiative, invitation.initiative_id)
    return initiative.id, _replacements(db, invitation, initiative)


def replacements(db: Session, caller: Caller, invitation_id: int) -> list[ReplacementOut]:
    """Candidates for the seat of an invitation (the convenor's view)."""
    invitation, initiative = _for_convenor(db, caller, invitation_id)
    return _replacements(db, invitation, initiative)
