"""An initiative's charter, adopted through a consent decision of kind ``charter``.

The decision's details are the proposed charter text; when it closes *passed* (no block stands
and agreements outnumber disagreements), that text becomes the charter: a new version is kept
(earlier ones stay), and the change is a line of the initiative's history (the decision adopted
before → the one adopting now, by the proposer, "decision"; never the text, which only the
decision's readers read). The charter is read as the decision that adopted it was: a team
decision's charter by the initiative's team, a network decision's by the whole network.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import DecisionKind, DecisionStatus, ThreadVisibility
from ..errors import Invalid, NotFound
from ..i18n import _
from ..schemas.together import CharterOut, DecisionIn
from ..store.tables import Initiative
from ..store.tables_together import Decision, InitiativeCharter
from . import markup
from .access import Caller
from .initiatives import load_initiative
from .lifecycle import record_change
from .outcomes import initiative_member_ids


def check_proposal(data: DecisionIn, initiative_id: int | None) -> None:
    """A charter is an initiative's, and its text is the decision's details."""
    if data.kind != DecisionKind.charter.value:
        return
    if initiative_id is None:
        raise Invalid(_("a charter is adopted on an initiative, not on a network"), field="kind")
    if not data.details.strip():
        raise Invalid(_("write the charter's text in the details"), field="details")


def _readable(db: Session, caller: Caller, initiative: Initiative) -> list[InitiativeCharter]:
    """The charter versions the caller may read, newest first."""
    stmt = select(InitiativeCharter).where(InitiativeCharter.initiative_id == initiative.id)
    if not caller.system and not (initiative_member_ids(db, initiative) & set(caller.actor_ids)):
        stmt = stmt.where(InitiativeCharter.visibility == ThreadVisibility.network.value)
    return list(
        db.scalars(stmt.order_by(InitiativeCharter.adopted_at.desc(), InitiativeCharter.id.desc()))
    )


def adopt_if_passed(db: Session, decision: Decision) -> None:
    """Called as a decision closes: a passed charter decision adopts its text."""
    if decision.kind != DecisionKind.charter.value or decision.initiative_id is None:
        return
    if decision.status != DecisionStatus.passed.value:
        return
    initiative = db.get_one(Initiative, decision.initiative_id)
    before = db.scalar(
        select(InitiativeCharter.decision_id)
        .where(InitiativeCharter.initiative_id == initiative.id)
        .order_by(InitiativeCharter.adopted_at.desc(), InitiativeCharter.id.desc())
        .limit(1)
    )
    db.add(
        InitiativeCharter(
            network_id=initiative.network_id,
            initiative_id=initiative.id,
            decision_id=decision.id,
            text=decision.details,
            visibility=decision.visibility,
            adopted_at=decision.closed_at,
        )
    )
    # The history names the adopting decisions, never the text: the history is read by the
    # whole network, a team decision's charter by its team only.
    record_change(
        db,
        initiative,
        "charter",
        {"decision_id": before} if before else None,
        {"decision_id": decision.id},
        (decision.proposer_id, "decision"),
        at=decision.closed_at,
    )
    db.flush()


def get_charter(db: Session, caller: Caller, initiative_id: int) -> CharterOut:
    """The charter the caller may read (its newest readable version)."""
    initiative = load_initiative(db, caller, initiative_id)
    versions = _readable(db, caller, initiative)
    if not versions:
        raise NotFound(
            _("initiative %(initiative_id)s has no adopted charter")
            % {"initiative_id": initiative_id}
        )
    newest = versions[0]
    return CharterOut(
        initiative_id=initiative.id,
        text=newest.text,
        html=str(markup.render(newest.text)),
        decision_id=newest.decision_id,
        adopted_at=newest.adopted_at,
        versions=len(versions),
    )
