"""Test factories: the small networks the area tests build, from a few shared pieces.

The pieces: :func:`network` (with its capability vocabulary), :func:`actor` (a person with
the fields a test names), :func:`caller`, :func:`initiative` (with roles), :func:`engage`
(an engagement row), :func:`account`. The worlds the areas share are built from them:

* :func:`deliberation_world` — a convenor, members and a coalition initiative;
* :func:`invitation_world` — a convenor, members with capacity and an initiative with roles;
* :func:`outcomes_world` — a convenor, two engaged members and an outsider;
* :func:`team_world` — an initiative's team, a member who is not on it and an outsider in
  another network (threads and decisions);
* :func:`security_world` — two networks, one account per role and clear-text secrets.

Conversations with votes are built by the deliberation services the tests exercise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.clock import utcnow
from coalition.schemas.auth import JoinIn, TokenIn
from coalition.schemas.directory import ActorIn, CapabilityIn, NetworkIn
from coalition.schemas.initiatives import InitiativeIn, TieIn
from coalition.services import (
    directory,
    identity,
    initiatives,
    joining,
    memberships,
    networks,
    ties,
    tokens,
)
from coalition.services.access import Caller
from coalition.store.tables import (
    Actor,
    ActorCapability,
    Engagement,
    Initiative,
    Network,
    Role,
    Tie,
)
from coalition.store.tables_auth import Account, NetworkInvite, PasswordReset
from coalition.store.tables_invitations import Invitation, InvitationEvent, Notification

OP = Caller.operator()
T0 = datetime(2026, 3, 2, 9, 0, 0)
PASSWORD = "matrix-password-1"
ROLES = ("anonymous", "member", "other_member", "convenor", "steward", "outsider")
CANARY = "TEAM-ONLY-CANARY-q7"

# -- pieces ------------------------------------------------------------------------------------


def network(db: Session, slug: str, capabilities: tuple[str, ...] = ()) -> Network:
    """A network called after its slug, with ``capabilities`` in its vocabulary."""
    made = networks.create_network(db, OP, NetworkIn(slug=slug, name=slug.title()))
    for term in capabilities:
        networks.add_capability(db, OP, made, CapabilityIn(term=term))
    return made


def actor(db: Session, network: Network, name: str, **fields: Any) -> int:
    """A visible independent person called ``name``, ``fields`` over those defaults."""
    data: dict[str, Any] = {
        "kind": "person",
        "name": name,
        "sector": "independent",
        "visibility": "network",
    }
    data.update(fields)
    return directory.create_actor(db, OP, network, ActorIn.model_validate(data)).id


def person(db: Session, network: Network, name: str, capacity: float, **kw: Any) -> int:
    """A person with ``capacity`` hours a week who facilitates (4) and researches (3)."""
    data: dict[str, Any] = {
        "capacity_hours": capacity,
        "capabilities": [{"term": "Facilitation", "level": 4}, {"term": "Research", "level": 3}],
    }
    data.update(kw)
    return actor(db, network, name, **data)


def caller(network_id: int, actor_id: int, role: str = "member", account_id: int = 0) -> Caller:
    """The caller acting as ``actor_id`` with ``role`` in the network (account id
    ``account_id``, or the actor's id when 0)."""
    return Caller(
        account_id=account_id or actor_id,
        actor_ids=frozenset({actor_id}),
        roles={network_id: role},
    )


def initiative(db: Session, network: Network, **fields: Any) -> Initiative:
    """An initiative (``fields`` as the API takes them, roles included)."""
    return initiatives.create_initiative(db, OP, network, InitiativeIn.model_validate(fields))


def engage(db: Session, network_id: int, initiative_id: int, actor_id: int, **fields: Any) -> None:
    """An active engagement of two hours a week, ``fields`` over those defaults."""
    values: dict[str, Any] = {"hours_per_week": 2.0, "status": "active"}
    values.update(fields)
    db.add(
        Engagement(network_id=network_id, initiative_id=initiative_id, actor_id=actor_id, **values)
    )


def account(db: Session, email: str, name: str) -> Account:
    """An account whose password is :data:`PASSWORD`."""
    made = Account(email=email, display_name=name, password_hash=identity.hash_password(PASSWORD))
    db.add(made)
    db.flush()
    return made


def count(db: Session, table: type) -> int:
    """Rows in ``table``."""
    return db.scalar(select(func.count()).select_from(table)) or 0


# -- deliberation --------------------------------------------------------------------------


@dataclass
class DeliberationWorld:
    network: Network
    slug: str
    initiative: int
    cleo: int
    ada: int
    bola: int
    members: list[int]

    def caller(self, actor: int, role: str = "member") -> Caller:
        return caller(self.network.id, actor, role)


def deliberation_world(db: Session, slug: str = "delib", extra: int = 0) -> DeliberationWorld:
    """A convenor (Cleo), Ada and Bola, ``extra`` members and a coalition Cleo convenes."""
    net = network(db, slug)
    cleo, ada, bola = actor(db, net, "Cleo"), actor(db, net, "Ada"), actor(db, net, "Bola")
    members = [actor(db, net, f"Member {i}") for i in range(extra)]
    made = initiative(db, net, kind="coalition", title="Warm homes", convenor_id=cleo)
    db.flush()
    return DeliberationWorld(net, slug, made.id, cleo, ada, bola, members)


# -- invitations -------------------------------------------------------------------------------


@dataclass
class InvitationWorld:
    network_id: int
    slug: str
    initiative_id: int
    roles: list[int]
    convenor: int
    members: list[int]

    def member(self, actor_id: int) -> Caller:
        return caller(self.network_id, actor_id, account_id=1000 + actor_id)

    @property
    def convenor_caller(self) -> Caller:
        return caller(self.network_id, self.convenor, "convenor", account_id=1)


def invitation_world(
    db: Session,
    *,
    slug: str = "inv",
    capacities: tuple[float, ...] = (10.0, 10.0, 10.0),
    roles: int = 2,
    role_hours: float = 4.0,
    start: str | None = "2026-04-01",
    end: str | None = "2026-09-30",
) -> InvitationWorld:
    """A convenor, one member per capacity and a forming project with ``roles`` roles of two
    seats that ask for facilitation (3)."""
    net = network(db, slug, ("Facilitation", "Research"))
    convenor = person(db, net, "Convenor", 40.0, sector="civil_society", capabilities=[])
    members = [
        person(db, net, f"Member {i}", cap, sector=("business", "health", "education")[i % 3])
        for i, cap in enumerate(capacities)
    ]
    made = initiative(
        db,
        net,
        kind="project",
        title=f"Bid {slug}",
        purpose="Win the bid",
        status="forming",
        start_date=start,
        end_date=end,
        convenor_id=convenor,
        roles=[
            {
                "title": f"Role {r}",
                "seats": 2,
                "hours_per_week": role_hours,
                "requirements": [{"capability": "Facilitation", "min_level": 3}],
            }
            for r in range(roles)
        ],
    )
    db.flush()
    return InvitationWorld(
        network_id=net.id,
        slug=slug,
        initiative_id=made.id,
        roles=[r.id for r in made.roles],
        convenor=convenor,
        members=members,
    )


def fresh_initiative(
    db: Session,
    base: InvitationWorld,
    *,
    title: str,
    capacities: tuple[float, ...],
    roles: list[Role],
    capability: tuple[int, int] | None = None,
) -> InvitationWorld:
    """A new forming initiative with ``roles`` and fresh members (one per capacity, each with
    ``capability`` as (id, level) if given) in ``base``'s network: a stateful test's example."""
    members = [
        Actor(
            network_id=base.network_id,
            kind="person",
            name=f"{title} member {i}",
            sector="independent",
            capacity_hours=capacity,
            committed_hours=0.0,
            capabilities=[ActorCapability(capability_id=capability[0], level=capability[1])]
            if capability
            else [],
        )
        for i, capacity in enumerate(capacities)
    ]
    db.add_all(members)
    initiative = Initiative(
        network_id=base.network_id,
        kind="project",
        title=title,
        status="forming",
        start_date=date(2026, 4, 1),
        end_date=date(2026, 9, 30),
        convenor_id=base.convenor,
        roles=roles,
    )
    db.add(initiative)
    db.flush()
    return InvitationWorld(
        network_id=base.network_id,
        slug=base.slug,
        initiative_id=initiative.id,
        roles=[r.id for r in initiative.roles],
        convenor=base.convenor,
        members=[m.id for m in members],
    )


def snapshot(db: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row that an invitation action could change, for before/after comparisons."""
    db.expire_all()
    tables = {
        "invitations": select(
            Invitation.id,
            Invitation.status,
            Invitation.counter_hours,
            Invitation.reason,
            Invitation.expires_at,
            Invitation.answered_at,
            Invitation.engagement_id,
            Invitation.listed,
        ).order_by(Invitation.id),
        "events": select(InvitationEvent.id, InvitationEvent.to_status).order_by(
            InvitationEvent.id
        ),
        "engagements": select(Engagement.id, Engagement.status, Engagement.hours_per_week).order_by(
            Engagement.id
        ),
        "actors": select(Actor.id, Actor.committed_hours).order_by(Actor.id),
        "notifications": select(Notification.id, Notification.read).order_by(Notification.id),
        "ties": select(Tie.id).order_by(Tie.id),
        "networks": select(Network.id, Network.data_version).order_by(Network.id),
    }
    return {name: [tuple(r) for r in db.execute(stmt).all()] for name, stmt in tables.items()}


# -- outcomes ----------------------------------------------------------------------------------


@dataclass
class OutcomesWorld:
    network: Network
    initiative: int
    other_initiative: int
    cleo: int  # convenor of ``initiative``
    ada: int  # engaged
    bola: int  # engaged
    dan: int  # in the network, not on the initiative

    def caller(self, actor: int, role: str = "member") -> Caller:
        return caller(self.network.id, actor, role)


def outcomes_world(db: Session, slug: str = "out") -> OutcomesWorld:
    """Cleo convenes an active coalition on which Ada and Bola are engaged; Dan convenes
    another initiative."""
    net = network(db, slug, ("Facilitation",))
    people = {
        name: actor(db, net, name, sector=sector, capacity_hours=20.0)
        for name, sector in (
            ("Cleo", "civil_society"),
            ("Ada", "business"),
            ("Bola", "government"),
            ("Dan", "business"),
        )
    }
    cleo, ada, bola, dan = people.values()
    made = initiatives.create_initiative(
        db,
        OP,
        net,
        InitiativeIn(
            kind="coalition",
            title="Warm homes",
            status="active",
            start_date=date(2026, 1, 1),
            convenor_id=cleo,
        ),
    )
    other = initiatives.create_initiative(
        db, OP, net, InitiativeIn(kind="project", title="Other", convenor_id=dan)
    )
    for engaged in (ada, bola):
        engage(db, net.id, made.id, engaged, start_date=date(2026, 1, 1))
    db.flush()
    return OutcomesWorld(net, made.id, other.id, cleo, ada, bola, dan)


# -- threads and decisions -----------------------------------------------------------------


@dataclass
class Team:
    network_id: int
    slug: str
    initiative_id: int
    convenor: int
    ana: int  # on the team
    ben: int  # on the team
    carl: int  # in the network, not on the team
    outsider: int
    outsider_network: int

    def as_(self, actor_id: int, network_id: int | None = None) -> Caller:
        return caller(network_id or self.network_id, actor_id, account_id=1000 + actor_id)


def team_world(db: Session, slug: str = "tog") -> Team:
    """An invitation world whose first two members are on the team of its first role, and
    an outsider in another network."""
    w = invitation_world(db, slug=slug)
    ana, ben, carl = w.members
    for member in (ana, ben):
        engage(db, w.network_id, w.initiative_id, member, role_id=w.roles[0])
    other = networks.create_network(db, OP, NetworkIn(slug=f"{slug}-other", name="Other"))
    outsider = person(db, other, "Olga Outsider", 10.0, capabilities=[])
    db.flush()
    return Team(w.network_id, slug, w.initiative_id, w.convenor, ana, ben, carl, outsider, other.id)


# -- security ----------------------------------------------------------------------------------


@dataclass
class SecurityWorld:
    values: dict[str, Any] = field(default_factory=dict)
    accounts: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def caller(self, db: Session, role: str) -> Caller:
        if role == "anonymous":
            return Caller.anonymous()
        return identity.caller_for_account(db, self.accounts[role])


def _secure_actor(db: Session, network: Network, name: str, **kw: Any) -> int:
    data: dict[str, Any] = {
        "capacity_hours": 20.0,
        "capabilities": [{"term": "Facilitation", "level": 4}],
    }
    data.update(kw)
    return actor(db, network, name, **data)


def security_world(db: Session) -> SecurityWorld:
    """Two networks, committed: ``alpha`` holds a steward, a convenor (convening initiative
    "Bid"), a member (who represents the organisation "Org"), another member, and an
    applicant waiting to join; ``beta`` holds an outsider. Tokens handed out by e-mail are
    made here so the tests know them in clear; every id and token is in ``world.values``."""
    w = SecurityWorld()
    alpha, beta = network(db, "alpha"), network(db, "beta")
    for net in (alpha, beta):
        networks.add_capability(db, OP, net, CapabilityIn(term="Facilitation"))
    org = _secure_actor(
        db, alpha, "Org", kind="organisation", sector="civil_society", capabilities=[]
    )
    actors = {
        "steward": _secure_actor(db, alpha, "Stella Steward"),
        "convenor": _secure_actor(db, alpha, "Connor Convenor"),
        "member": _secure_actor(
            db,
            alpha,
            "Mina Member",
            affiliations=[{"organisation_id": org, "representative": True}],
        ),
        "other_member": _secure_actor(db, alpha, "Otto Other"),
    }
    outsider_actor = _secure_actor(db, beta, "Oscar Outsider")
    for role, actor_id in actors.items():
        made = account(db, f"{role.replace('_', '-')}@example.org", role.title())
        network_role = role if role in ("convenor", "steward") else "member"
        memberships.add_membership(db, made.id, alpha.id, network_role, actor_id)
        w.accounts[role] = made.id
    outsider = account(db, "outsider@example.org", "Outsider")
    memberships.add_membership(db, outsider.id, beta.id, "member", outsider_actor)
    w.accounts["outsider"] = outsider.id
    applicant = account(db, "applicant@example.org", "Applicant")
    join = joining.request_to_join(
        db, identity.caller_for_account(db, applicant.id), alpha, JoinIn(message="hello")
    )
    bid = initiative(
        db,
        alpha,
        kind="project",
        title="Bid",
        status="forming",
        convenor_id=actors["convenor"],
        roles=[{"title": "Lead", "requirements": [{"capability": "Facilitation"}]}],
    )
    tie = ties.record_tie(
        db,
        OP,
        alpha,
        TieIn.model_validate(
            {"source_id": actors["member"], "target_id": actors["other_member"], "kind": "referred"}
        ),
    )
    token = tokens.create_token(
        db,
        identity.caller_for_account(db, w.accounts["member"]),
        TokenIn(name="member token", scopes=["read", "write"]),
    )
    reset_token, invite_token = _secrets(db, w.accounts["other_member"], alpha.id)
    db.commit()
    w.values.update(
        slug="alpha",
        other_slug="beta",
        network_id=alpha.id,
        beta_id=beta.id,
        org_id=org,
        actor_id=actors["member"],
        other_actor=actors["other_member"],
        convenor_actor=actors["convenor"],
        steward_actor=actors["steward"],
        outsider_actor=outsider_actor,
        initiative_id=bid.id,
        role_id=bid.roles[0].id,
        tie_id=tie.id,
        account_id=w.accounts["other_member"],
        member_account=w.accounts["member"],
        convenor_account=w.accounts["convenor"],
        steward_account=w.accounts["steward"],
        applicant_account=applicant.id,
        request_id=join.id,
        token_id=token.id,
        api_token=token.token,
        token=reset_token,
        reset_token=reset_token,
        invite_token=invite_token,
        password=PASSWORD,
        member_email="member@example.org",
    )
    return w


def _secrets(db: Session, reset_account: int, network_id: int) -> tuple[str, str]:
    """A password reset for ``reset_account`` and an invitation of the applicant to the
    network, with their tokens in clear."""
    reset_token, invite_token = identity.new_secret(), identity.new_secret()
    now = utcnow()
    db.add(
        PasswordReset(
            account_id=reset_account,
            token_hash=identity.digest(reset_token),
            created_at=now,
            expires_at=now + timedelta(hours=1),
        )
    )
    db.add(
        NetworkInvite(
            network_id=network_id,
            email="applicant@example.org",
            role="member",
            token_hash=identity.digest(invite_token),
            created_at=now,
            expires_at=now + timedelta(days=1),
        )
    )
    return reset_token, invite_token
