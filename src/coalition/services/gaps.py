"""The gap report's advice: which capability level to lower so that people qualify for a role.

When no team can be formed, a role often asks for a capability level few people have. For
each role with fewer people holding every capability it asks for (at its level) than seats,
and each of its requirements, this finds the highest lower level at which enough people would
qualify, counted from the network's profiles the way formation reads them (members not
anonymised and not private). The convenor applies the change with one button
(:func:`lower_requirement`), which the proposals page follows with a new run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ..errors import Invalid, NotFound
from ..formatting import number
from ..i18n import _, ngettext
from ..store.cache import bump_version
from ..store.tables import Actor, ActorCapability, Role, RoleRequirement
from .access import Caller
from .formation_obstacles import seats_phrase
from .initiatives import load_initiative, require_convenor


@dataclass(frozen=True)
class Relaxation:
    role_id: int
    role_title: str
    capability_id: int
    capability: str
    level: int  # asked now
    holders: int  # people with the capability at the level asked
    qualify_now: int  # people with every capability the role asks for, as asked now
    lower_to: int
    qualify_after: int  # people with every capability the role asks for, once lowered
    seats: int

    @property
    def message(self) -> str:
        """What to change, in the current locale: "No one in the network has Climate finance
        at level 4; lower it to 3 and 5 people have every capability role 'Lead' asks for (it
        has 2 seats)."."""
        values = {"capability": self.capability, "level": number(self.level)}
        if self.holders == 0:
            head = _("No one in the network has %(capability)s at level %(level)s") % values
        else:
            head = ngettext(
                "Only %(num)s person in the network has %(capability)s at level %(level)s",
                "Only %(num)s people in the network have %(capability)s at level %(level)s",
                self.holders,
            ) % {**values, "num": number(self.holders)}
        tail = ngettext(
            "lower it to %(lower)s and %(num)s person has every capability role '%(role)s' "
            "asks for (it has %(seats)s)",
            "lower it to %(lower)s and %(num)s people have every capability role '%(role)s' "
            "asks for (it has %(seats)s)",
            self.qualify_after,
        ) % {
            "lower": number(self.lower_to),
            "num": number(self.qualify_after),
            "role": self.role_title,
            "seats": seats_phrase(self.seats),
        }
        return _("%(sentence)s; %(detail)s.") % {"sentence": head, "detail": tail}


def _qualifying(db: Session, network_id: int, levels: Sequence[tuple[int, int]]) -> int:
    """How many of the network's profiles hold every (capability, minimum level) given."""
    stmt = select(func.count()).select_from(Actor)
    stmt = stmt.where(
        Actor.network_id == network_id, Actor.anonymised == 0, Actor.visibility != "private"
    )
    for capability_id, level in levels:
        held = (
            select(ActorCapability.actor_id)
            .where(
                and_(
                    ActorCapability.actor_id == Actor.id,
                    ActorCapability.capability_id == capability_id,
                    ActorCapability.level >= level,
                )
            )
            .exists()
        )
        stmt = stmt.where(held)
    return int(db.scalar(stmt) or 0)


def _for_role(db: Session, network_id: int, role: Role) -> list[Relaxation]:
    asked = [(q.capability_id, q.min_level) for q in role.requirements]
    now = _qualifying(db, network_id, asked)
    if now >= role.seats:
        return []
    out = []
    for q in role.requirements:
        others = [(c, lv) for c, lv in asked if c != q.capability_id]
        for lower in range(q.min_level - 1, 0, -1):
            after = _qualifying(db, network_id, [*others, (q.capability_id, lower)])
            if after >= role.seats:
                out.append(
                    Relaxation(
                        role_id=role.id,
                        role_title=role.title,
                        capability_id=q.capability_id,
                        capability=q.capability.term,
                        level=q.min_level,
                        holders=_qualifying(db, network_id, [(q.capability_id, q.min_level)]),
                        qualify_now=now,
                        lower_to=lower,
                        qualify_after=after,
                        seats=role.seats,
                    )
                )
                break
    return out


def relaxations(db: Session, caller: Caller, initiative_id: int) -> list[Relaxation]:
    """For each role short of qualified people, each requirement whose lowering (by as little
    as possible) would let enough people qualify; for the initiative's convenor."""
    initiative = load_initiative(db, caller, initiative_id)
    require_convenor(db, caller, initiative)
    out: list[Relaxation] = []
    for role in initiative.roles:
        out += _for_role(db, initiative.network_id, role)
    return out


def lower_requirement(
    db: Session, caller: Caller, initiative_id: int, role_id: int, capability_id: int, level: int
) -> None:
    """Lower one of a role's capability levels (the gap report's button); never raises one."""
    initiative = load_initiative(db, caller, initiative_id)
    require_convenor(db, caller, initiative)
    requirement = db.scalars(
        select(RoleRequirement)
        .join(Role, Role.id == RoleRequirement.role_id)
        .where(
            Role.initiative_id == initiative.id,
            RoleRequirement.role_id == role_id,
            RoleRequirement.capability_id == capability_id,
        )
    ).first()
    if requirement is None:
        raise NotFound(_("this role does not ask for that capability"))
    if not 1 <= level < requirement.min_level:
        raise Invalid(
            _("the new level must be from 1 to %(n)s") % {"n": requirement.min_level - 1},
            field="lower",
        )
    requirement.min_level = level
    bump_version(db, initiative.network_id)
    db.flush()
