"""A small world for the security tests: two networks, one account per role, secrets.

``alpha`` holds a steward, a convenor (convening initiative "Bid"), a member (who represents the
organisation "Org"), another member, and an applicant waiting to join; ``beta`` holds an
outsider. Tokens handed out by e-mail are generated here so the tests know them in clear.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

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
from coalition.store.tables_auth import Account, NetworkInvite, PasswordReset

OP = Caller.operator()
PASSWORD = "matrix-password-1"
ROLES = ("anonymous", "member", "other_member", "convenor", "steward", "outsider")


@dataclass
class World:
    values: dict[str, Any] = field(default_factory=dict)
    accounts: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def caller(self, db: Session, role: str) -> Caller:
        if role == "anonymous":
            return Caller.anonymous()
        return identity.caller_for_account(db, self.accounts[role])


def _actor(db: Session, network: Any, name: str, **kw: Any) -> int:
    data: dict[str, Any] = {
        "kind": "person",
        "name": name,
        "sector": "independent",
        "capacity_hours": 20.0,
        "visibility": "network",
        "capabilities": [{"term": "Facilitation", "level": 4}],
    }
    data.update(kw)
    return directory.create_actor(db, OP, network, ActorIn.model_validate(data)).id


def _account(db: Session, email: str, name: str) -> Account:
    account = Account(
        email=email, display_name=name, password_hash=identity.hash_password(PASSWORD)
    )
    db.add(account)
    db.flush()
    return account


def build_world(db: Session) -> World:
    """The world, committed; its ids and clear-text tokens are in ``world.values``."""
    w = World()
    alpha = networks.create_network(db, OP, NetworkIn(slug="alpha", name="Alpha"))
    beta = networks.create_network(db, OP, NetworkIn(slug="beta", name="Beta"))
    for network in (alpha, beta):
        networks.add_capability(db, OP, network, CapabilityIn(term="Facilitation"))
    org = _actor(db, alpha, "Org", kind="organisation", sector="civil_society", capabilities=[])
    actors = {
        "steward": _actor(db, alpha, "Stella Steward"),
        "convenor": _actor(db, alpha, "Connor Convenor"),
        "member": _actor(
            db,
            alpha,
            "Mina Member",
            affiliations=[{"organisation_id": org, "representative": True}],
        ),
        "other_member": _actor(db, alpha, "Otto Other"),
    }
    outsider_actor = _actor(db, beta, "Oscar Outsider")
    for role, actor_id in actors.items():
        account = _account(db, f"{role.replace('_', '-')}@example.org", role.title())
        network_role = role if role in ("convenor", "steward") else "member"
        memberships.add_membership(db, account.id, alpha.id, network_role, actor_id)
        w.accounts[role] = account.id
    outsider = _account(db, "outsider@example.org", "Outsider")
    memberships.add_membership(db, outsider.id, beta.id, "member", outsider_actor)
    w.accounts["outsider"] = outsider.id
    applicant = _account(db, "applicant@example.org", "Applicant")
    join = joining.request_to_join(
        db, identity.caller_for_account(db, applicant.id), alpha, JoinIn(message="hello")
    )
    initiative = initiatives.create_initiative(
        db,
        OP,
        alpha,
        InitiativeIn.model_validate(
            {
                "kind": "project",
                "title": "Bid",
                "status": "forming",
                "convenor_id": actors["convenor"],
                "roles": [{"title": "Lead", "requirements": [{"capability": "Facilitation"}]}],
            }
        ),
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
    reset_token, invite_token = identity.new_secret(), identity.new_secret()
    now = utcnow()
    db.add(
        PasswordReset(
            account_id=w.accounts["other_member"],
            token_hash=identity.digest(reset_token),
            created_at=now,
            expires_at=now + timedelta(hours=1),
        )
    )
    db.add(
        NetworkInvite(
            network_id=alpha.id,
            email="applicant@example.org",
            role="member",
            token_hash=identity.digest(invite_token),
            created_at=now,
            expires_at=now + timedelta(days=1),
        )
    )
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
        initiative_id=initiative.id,
        role_id=initiative.roles[0].id,
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
