"""Decisions on an initiative or a whole network, in Loomio's kinds (consent with block, choose
one, rank, score), with a closing time, who has not voted yet, a log, and the proposer's outcome.

A decision is read like a thread (services/threads.py): a team decision by the initiative's team
only, a network decision by the whole network. Voters are the team (an initiative's decision) or
the network's members with an account (a network's decision). A consent decision cannot pass
while a block stands; the block is listed apart so pages can show it first. Secret votes show
everyone the tally and who has voted, never who voted what. A closed decision of an initiative
ties its proposer to each voter on the map (origin ``decision``), once per pair.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..domain import (
    CONSENT_KINDS,
    ConsentPosition,
    DecisionKind,
    DecisionStatus,
    ThreadVisibility,
)
from ..engines import decisions as engine
from ..errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from ..i18n import _
from ..schemas.together import (
    CloseIn,
    ConsentPositionName,
    DecisionEventOut,
    DecisionIn,
    DecisionKindName,
    DecisionOut,
    DecisionStatusName,
    TallyOut,
    ThreadVisibilityName,
    VoteIn,
    VoteOut,
)
from ..store.cache import bump_version
from ..store.tables import Initiative, Network
from ..store.tables_auth import Membership
from ..store.tables_together import Decision, DecisionEvent, DecisionVote
from . import charters, decision_log, markup
from .access import Caller, load_readable, readable_decisions, require_role
from .initiatives import load_initiative
from .networks import get_network
from .notifications import notify
from .outcomes import initiative_member_ids
from .threads import author_for
from .ties import tie_once


def _now() -> datetime:
    return clock.utcnow()


def voters(db: Session, decision: Decision) -> set[int]:
    """Who may vote: the initiative's team, or the network's members with an account."""
    if decision.initiative_id is not None:
        return initiative_member_ids(db, db.get_one(Initiative, decision.initiative_id))
    return {
        a
        for a in db.scalars(
            select(Membership.actor_id).where(Membership.network_id == decision.network_id)
        )
        if a is not None
    }


def _load(db: Session, caller: Caller, decision_id: int) -> Decision:
    decision = load_readable(db, caller, Decision, decision_id)
    _settle(db, decision)
    return decision


def _votes(db: Session, decision: Decision) -> list[DecisionVote]:
    return list(
        db.scalars(
            select(DecisionVote)
            .where(DecisionVote.decision_id == decision.id)
            .order_by(DecisionVote.voted_at, DecisionVote.id)
        ).all()
    )


def tally(decision: Decision, votes: list[DecisionVote]) -> engine.Tally:
    """The engine's tally for the votes cast."""
    options = list(decision.options)
    if decision.kind in CONSENT_KINDS:
        return engine.tally_consent([v.position or "abstain" for v in votes])
    if decision.kind == DecisionKind.choose.value:
        return engine.tally_choose(options, [v.choice for v in votes if v.choice is not None])
    if decision.kind == DecisionKind.rank.value:
        return engine.tally_rank(options, [list(v.ranking) for v in votes])
    return engine.tally_score(options, [list(v.scores) for v in votes])


def _log(
    db: Session, decision: Decision, actor_id: int | None, action: str, detail: str = ""
) -> None:
    db.add(DecisionEvent(decision_id=decision.id, actor_id=actor_id, action=action, detail=detail))


def _status_of(result: engine.Tally) -> str:
    if result.blocked:
        return DecisionStatus.blocked.value
    return DecisionStatus.passed.value if result.passes else DecisionStatus.not_passed.value


def _settle(db: Session, decision: Decision) -> None:
    """A decision past its closing time closes with the status its votes give it."""
    if decision.status == DecisionStatus.open.value and decision.closes_at <= _now():
        _close(db, decision, None, "closing time reached")


def _close(db: Session, decision: Decision, actor_id: int | None, why: str) -> None:
    votes = _votes(db, decision)
    decision.status = _status_of(tally(decision, votes))
    decision.closed_at = _now()
    _log(db, decision, actor_id, "closed", f"{why}: {decision.status.replace('_', ' ')}")
    _tie_voters(db, decision, votes)
    charters.adopt_if_passed(db, decision)
    db.flush()


def _tie_voters(db: Session, decision: Decision, votes: list[DecisionVote]) -> None:
    """Deciding together is joint work: the proposer and each voter, once per initiative."""
    if decision.initiative_id is None or decision.proposer_id is None:
        return
    initiative = db.get_one(Initiative, decision.initiative_id)
    proposer = decision.proposer_id
    note, today = f"decided together in '{initiative.title}'", _now().date()
    added = False
    for vote in votes:
        if vote.actor_id != proposer:
            added |= tie_once(
                db, initiative, vote.actor_id, proposer, origin="decision", note=note, on=today
            )
    if added:
        db.flush()
        bump_version(db, initiative.network_id)


# -- use cases ----------------------------------------------------------------------------


def _check_options(data: DecisionIn) -> list[str]:
    if data.kind in CONSENT_KINDS:
        if data.options:
            raise Invalid(
                _("a consent decision has no options: people agree, abstain, disagree or block"),
                field="options",
            )
        return []
    options = [o.strip() for o in data.options]
    if len(options) < 2:
        raise Invalid(
            _("a %(kind)s decision needs at least two options") % {"kind": data.kind},
            field="options",
        )
    if len({o.casefold() for o in options}) != len(options):
        raise Invalid(_("each option must be different"), field="options")
    return options


def propose(
    db: Session,
    caller: Caller,
    data: DecisionIn,
    *,
    initiative_id: int | None = None,
    slug: str | None = None,
) -> DecisionOut:
    """Open a decision on an initiative (its team proposes) or on a network (any member)."""
    options = _check_options(data)
    charters.check_proposal(data, initiative_id)
    if initiative_id is not None:
        initiative: Initiative | None = load_initiative(db, caller, initiative_id)
        assert initiative is not None
        network = db.get_one(Network, initiative.network_id)
        proposer = author_for(db, caller, network.id, initiative_member_ids(db, initiative))
        visibility = data.visibility
    else:
        initiative = None
        network = get_network(db, caller, slug or "")
        require_role(caller, network, "member")
        proposer = author_for(db, caller, network.id, None)
        visibility = ThreadVisibility.network.value
    amends = _amended(db, caller, data.amends_id, network.id, initiative_id)
    decision = Decision(
        network_id=network.id,
        initiative_id=initiative_id,
        kind=data.kind,
        title=data.title,
        details=data.details,
        options=options,
        visibility=visibility,
        secret_votes=int(data.secret_votes),
        proposer_id=proposer,
        closes_at=_now() + timedelta(hours=data.closes_in_hours),
        amends_id=amends.id if amends else None,
    )
    db.add(decision)
    db.flush()
    _log(
        db, decision, proposer, "opened", f"{data.kind}, closes {decision.closes_at:%Y-%m-%d %H:%M}"
    )
    if amends is not None:
        _log(db, decision, proposer, "amends", f"decision {amends.id}: {amends.title}")
        _log(db, amends, proposer, "amended", f"by decision {decision.id}")
        if amends.status == DecisionStatus.open.value:
            amends.status = DecisionStatus.withdrawn.value
            amends.closed_at = _now()
    for voter in sorted(voters(db, decision) - {proposer}):
        notify(
            db,
            voter,
            "decision",
            _("Your say is asked: '%(title)s'") % {"title": decision.title},
            link=f"/decisions/{decision.id}",
            network_id=network.id,
        )
    db.flush()
    return get_decision(db, caller, decision.id)


def _amended(
    db: Session, caller: Caller, amends_id: int | None, network_id: int, initiative_id: int | None
) -> Decision | None:
    if amends_id is None:
        return None
    try:
        earlier = _load(db, caller, amends_id)
    except NotFound:
        raise Invalid(
            _("no decision %(amends_id)s to amend") % {"amends_id": amends_id}, field="amends_id"
        ) from None
    if earlier.network_id != network_id or earlier.initiative_id != initiative_id:
        raise Invalid(_("an amendment is made where the decision was taken"), field="amends_id")
    if earlier.proposer_id is None or not caller.owns(earlier.proposer_id):
        raise Forbidden(_("only its proposer may amend a decision"))
    return earlier


def _validate_vote(decision: Decision, data: VoteIn) -> dict[str, object]:
    n = len(decision.options)
    kind = decision.kind
    if kind in CONSENT_KINDS:
        if data.position is None:
            raise Invalid(_("choose agree, abstain, disagree or block"), field="position")
        if data.position == ConsentPosition.block.value and not data.reason.strip():
            raise Invalid(_("a block needs its reason"), field="reason")
        return {"position": data.position, "choice": None, "ranking": [], "scores": []}
    if kind == DecisionKind.choose.value:
        if data.choice is None or data.choice >= n:
            raise Invalid(
                _("choose one option (0 to %(value)s)") % {"value": n - 1}, field="choice"
            )
        return {"position": None, "choice": data.choice, "ranking": [], "scores": []}
    if kind == DecisionKind.rank.value:
        if (
            not data.ranking
            or len(set(data.ranking)) != len(data.ranking)
            or max(data.ranking) >= n
        ):
            raise Invalid(
                _("rank options 0 to %(value)s, each at most once") % {"value": n - 1},
                field="ranking",
            )
        return {"position": None, "choice": None, "ranking": list(data.ranking), "scores": []}
    if len(data.scores) != n:
        raise Invalid(
            _("give each of the %(n)s options a score from 0 to 5") % {"n": n}, field="scores"
        )
    return {"position": None, "choice": None, "ranking": [], "scores": list(data.scores)}


def vote(db: Session, caller: Caller, decision_id: int, data: VoteIn) -> DecisionOut:
    """Cast or change one's vote while the decision is open (voters only)."""
    decision = _load(db, caller, decision_id)
    if decision.status != DecisionStatus.open.value:
        raise Conflict(
            _("this decision is closed (%(value)s)") % {"value": decision.status.replace("_", " ")}
        )
    eligible = voters(db, decision)
    if data.actor_id is not None:
        if not caller.owns(data.actor_id) or data.actor_id not in eligible:
            raise Forbidden(_("you may vote only as an actor of your own who is a voter here"))
        actor = data.actor_id
    else:
        actor = author_for(db, caller, decision.network_id, eligible)
    values = _validate_vote(decision, data)
    row = db.scalar(
        select(DecisionVote).where(
            DecisionVote.decision_id == decision.id, DecisionVote.actor_id == actor
        )
    )
    was_block = row is not None and row.position == ConsentPosition.block.value
    if row is None:
        row = DecisionVote(decision_id=decision.id, actor_id=actor)
        db.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    row.reason = data.reason.strip()
    row.voted_at = _now()
    db.flush()
    _log_vote(db, decision, actor, values.get("position"), was_block, row.reason)
    return get_decision(db, caller, decision.id)


def _log_vote(
    db: Session, decision: Decision, actor: int, position: object, was_block: bool, reason: str
) -> None:
    if position == ConsentPosition.block.value:
        _log(db, decision, actor, "blocked", reason)
        if decision.proposer_id and decision.proposer_id != actor:
            notify(
                db,
                decision.proposer_id,
                "decision_block",
                _("A block on '%(title)s'") % {"title": decision.title},
                link=f"/decisions/{decision.id}",
                network_id=decision.network_id,
            )
    elif was_block:
        _log(db, decision, actor, "lifted block", "")
    else:
        secret = bool(decision.secret_votes)
        _log(db, decision, actor, "voted", "" if secret or position is None else str(position))
    db.flush()


def close(db: Session, caller: Caller, decision_id: int, data: CloseIn) -> DecisionOut:
    """The proposer closes the decision (early, or after its time) and writes the outcome."""
    decision = _load(db, caller, decision_id)
    if decision.proposer_id is None or not caller.owns(decision.proposer_id):
        raise Forbidden(_("only its proposer may close a decision and write the outcome"))
    if decision.status == DecisionStatus.open.value:
        _close(db, decision, decision.proposer_id, "closed by the proposer")
    elif decision.outcome:
        raise Conflict(_("this decision's outcome is written already"))
    decision.outcome = data.outcome.strip()
    _log(db, decision, decision.proposer_id, "outcome", "")
    db.flush()
    return get_decision(db, caller, decision.id)


def _vote_view(decision: Decision, vote: DecisionVote, names: dict[int, str]) -> VoteOut:
    options = list(decision.options)
    return VoteOut(
        actor_id=vote.actor_id,
        actor_name=names.get(vote.actor_id, "A member"),
        position=cast(ConsentPositionName, vote.position),  # written from it only
        choice=options[vote.choice] if vote.choice is not None else None,
        ranking=[options[i] for i in vote.ranking],
        scores=list(vote.scores),
        reason=vote.reason,
        voted_at=vote.voted_at,
    )


def _names_not_voted(caller: Caller, decision: Decision, eligible: set[int]) -> bool:
    """Who has not voted is named to the voters (the team) and the proposer; with secret
    votes, anybody else who reads the decision sees only how many have not voted."""
    if not decision.secret_votes or caller.system:
        return True
    mine = set(caller.actor_ids)
    return bool(mine & eligible) or (decision.proposer_id in mine)


def _who_acts(
    caller: Caller, d: Decision, eligible: set[int], voted: set[int], names: dict[int, str]
) -> dict[str, Any]:
    """Who has not voted (named or counted), and what the caller may do now."""
    mine = d.proposer_id is not None and caller.owns(d.proposer_id) and not caller.system
    return {
        "not_voted": sorted(names.get(a, "A member") for a in eligible - voted)
        if _names_not_voted(caller, d, eligible)
        else [],
        "not_voted_count": len(eligible - voted),
        "may_remind": d.status == "open" and mine and bool(eligible - voted - {d.proposer_id}),
        "may_vote": d.status == "open"
        and any(caller.owns(a) for a in eligible)
        and not caller.system,
        "may_close": mine and (d.status == "open" or not d.outcome),
    }


def _views(db: Session, caller: Caller, rows: list[Decision], *, full: bool) -> list[DecisionOut]:
    slugs = dict(db.execute(select(Network.id, Network.slug)).all())
    return [_view(db, caller, d, slugs.get(d.network_id, ""), full=full) for d in rows]


def _view(db: Session, caller: Caller, d: Decision, network: str, *, full: bool) -> DecisionOut:
    """One decision as ``caller`` sees it: its tally, the votes they may see, blocks, who has
    not voted, what they may do, and (``full``) its log."""
    from .threads import _names  # the same rule for names everywhere in this area

    votes = _votes(db, d)
    eligible = voters(db, d)
    names = _names(db, caller, [v.actor_id for v in votes] + [d.proposer_id] + list(eligible))
    result = tally(d, votes)
    mine = next((v for v in votes if caller.owns(v.actor_id) and not caller.system), None)
    shown = [] if d.secret_votes and not caller.system else votes
    events = (
        db.scalars(
            select(DecisionEvent)
            .where(DecisionEvent.decision_id == d.id)
            .order_by(DecisionEvent.id)
        ).all()
        if full
        else []
    )
    voted = {v.actor_id for v in votes}
    amended_by = db.scalar(select(Decision.id).where(Decision.amends_id == d.id).limit(1))
    initiative_title = (
        db.scalar(select(Initiative.title).where(Initiative.id == d.initiative_id))
        if d.initiative_id
        else None
    )
    return DecisionOut(
        id=d.id,
        network=network,
        initiative_id=d.initiative_id,
        initiative_title=initiative_title,
        kind=cast(DecisionKindName, d.kind),
        title=d.title,
        details=d.details,
        details_html=str(markup.render(d.details)),
        options=list(d.options),
        visibility=cast(ThreadVisibilityName, d.visibility),
        secret_votes=bool(d.secret_votes),
        proposer_id=d.proposer_id,
        proposer_name=names.get(d.proposer_id or 0, "A member"),
        status=cast(DecisionStatusName, d.status),
        closes_at=d.closes_at,
        closed_at=d.closed_at,
        outcome=d.outcome,
        outcome_html=str(markup.render(d.outcome)),
        amends_id=d.amends_id,
        amended_by_id=amended_by,
        tally=TallyOut(
            counts=result.counts,
            leader=result.leader,
            passes=result.passes,
            blocked=result.blocked,
            voters=result.voters,
        ),
        votes=[_vote_view(d, v, names) for v in shown],
        # A block is never secret: everyone must see what stands in the way, and why.
        blocks=[
            _vote_view(d, v, names) for v in votes if v.position == ConsentPosition.block.value
        ],
        my_vote=_vote_view(d, mine, names) if mine else None,
        **_who_acts(caller, d, eligible, voted, names),
        log=[_event_view(e, d, names) for e in events],
    )


def _event_view(e: DecisionEvent, d: Decision, names: dict[int, str]) -> DecisionEventOut:
    return DecisionEventOut(
        at=e.at,
        actor_name=decision_log.actor_name(e, names),
        action=e.action,
        detail=e.detail,
        text=decision_log.event_text(e, d),
    )


def get_decision(db: Session, caller: Caller, decision_id: int) -> DecisionOut:
    """A decision with its tally, votes (unless secret), blocks, who has not voted, and log."""
    return _views(db, caller, [_load(db, caller, decision_id)], full=True)[0]


def list_decisions(
    db: Session, caller: Caller, *, initiative_id: int | None = None, slug: str | None = None
) -> list[DecisionOut]:
    """Decisions of an initiative, or a network's own (not an initiative's), open ones first."""
    if initiative_id is not None:
        initiative = load_initiative(db, caller, initiative_id)
        where = [Decision.initiative_id == initiative.id]
    else:
        network = get_network(db, caller, slug or "")
        require_role(caller, network, "member")
        where = [Decision.network_id == network.id, Decision.initiative_id.is_(None)]
    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    rows = list(
        db.scalars(
            select(Decision).where(*where, readable_decisions(caller)).order_by(Decision.id.desc())
        ).all()
    )
    for d in rows:
        _settle(db, d)
    rows.sort(key=lambda d: d.status != "open")
    return _views(db, caller, rows, full=False)
