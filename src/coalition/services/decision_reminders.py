"""Reminders to those who have not voted yet on an open decision.

The proposer reminds by hand (at most once every :data:`REMIND_EVERY`), and the operator's
``coalition decisions remind-due`` (a cron line) reminds for every open decision closing within
a day that was not reminded lately. A reminder is a notification to each voter who has not
voted (in-app, in the transaction; by mail through the outbox, whose delivery job starts once
the transaction commits) and a line of the decision log; nobody else is told anything, so a
team decision's title reaches only its team.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import clock
from ..domain import DecisionStatus
from ..errors import Conflict, Forbidden
from ..formatting import datetime as format_datetime
from ..i18n import Later, _, phrase
from ..schemas.together import ReminderOut
from ..store.tables_together import Decision, DecisionEvent, DecisionVote
from .access import Caller
from .decisions import _load, _log, voters
from .notifications import notify

REMIND_EVERY = timedelta(hours=12)


def _last_reminded(db: Session, decision_id: int) -> datetime | None:
    return db.scalar(
        select(func.max(DecisionEvent.at)).where(
            DecisionEvent.decision_id == decision_id, DecisionEvent.action == "reminded"
        )
    )


def _send(db: Session, decision: Decision, by: int | None) -> int:
    voted = set(
        db.scalars(select(DecisionVote.actor_id).where(DecisionVote.decision_id == decision.id))
    )
    missing = sorted(voters(db, decision) - voted - {by})  # the proposer needs no reminder
    for actor in missing:
        notify(
            db,
            actor,
            "decision_reminder",
            phrase(
                "Your vote is still awaited on '%(title)s'; it closes %(when)s UTC",
                title=decision.title,
                when=Later(format_datetime, decision.closes_at),
            ),
            link=f"/decisions/{decision.id}",
            network_id=decision.network_id,
        )
    _log(db, decision, by, "reminded", f"{len(missing)} member(s)")
    db.flush()
    return len(missing)


def remind(db: Session, caller: Caller, decision_id: int) -> ReminderOut:
    """The proposer reminds every voter who has not voted yet."""
    decision = _load(db, caller, decision_id)
    if decision.proposer_id is None or not caller.owns(decision.proposer_id) or caller.system:
        raise Forbidden(_("only its proposer may send reminders"))
    if decision.status != DecisionStatus.open.value:
        raise Conflict(_("this decision is closed: nobody is waited for"))
    last = _last_reminded(db, decision.id)
    if last is not None and last + REMIND_EVERY > clock.utcnow():
        raise Conflict(
            _("reminded already at %(when)s UTC; again after %(next)s UTC")
            % {"when": format_datetime(last), "next": format_datetime(last + REMIND_EVERY)}
        )
    return ReminderOut(decision_id=decision.id, reminded=_send(db, decision, decision.proposer_id))


def remind_due(db: Session, *, within_hours: float = 24.0) -> list[ReminderOut]:
    """For the operator: remind on every open decision that closes within ``within_hours``
    and was not reminded in the last :data:`REMIND_EVERY`."""
    now = clock.utcnow()
    due = db.scalars(
        select(Decision)
        .where(
            Decision.status == DecisionStatus.open.value,
            Decision.closes_at > now,
            Decision.closes_at <= now + timedelta(hours=within_hours),
        )
        .order_by(Decision.id)
    ).all()
    out = []
    for decision in due:
        last = _last_reminded(db, decision.id)
        if last is not None and last + REMIND_EVERY > now:
            continue
        out.append(ReminderOut(decision_id=decision.id, reminded=_send(db, decision, None)))
    return out
