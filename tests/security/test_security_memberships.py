"""Roles per network, joining by request or invitation, representatives, and network isolation
enforced in the queries (the services), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from coalition.errors import Conflict, Forbidden, NotFound, Unauthorized
from coalition.schemas.auth import JoinIn, NetworkInviteIn, RegisterIn
from coalition.schemas.directory import ActorIn, ActorPatch, ActorSearch, NetworkIn
from coalition.services import (
    accounts,
    directory,
    identity,
    initiatives,
    joining,
    memberships,
    networks,
    ties,
)
from coalition.services.access import ROLE_RANK, Caller, readable_actors
from coalition.store.tables import Actor, Affiliation
from coalition.store.tables_auth import Membership, OutboxMessage
from tests.factories import OP, SecurityWorld, security_world


@pytest.fixture
def world(db: Session) -> SecurityWorld:
    return security_world(db)


def test_callers_come_from_memberships_and_representation(
    db: Session, world: SecurityWorld
) -> None:
    member = world.caller(db, "member")
    assert member.roles == {world["network_id"]: "member"}
    assert member.actor_ids == {world["actor_id"], world["org_id"]}, "represents Org"
    steward = world.caller(db, "steward")
    assert steward.roles == {world["network_id"]: "steward"}
    assert world.caller(db, "outsider").roles == {world["beta_id"]: "member"}
    # A representative edits the organisation's profile; a mere affiliate does not.
    directory.update_actor(db, member, world["org_id"], ActorPatch(headline="Run by Mina"))
    db.execute(update(Affiliation).values(representative=0))
    member = world.caller(db, "member")
    assert world["org_id"] not in member.actor_ids
    with pytest.raises(Forbidden):
        directory.update_actor(db, member, world["org_id"], ActorPatch(headline="x"))


def test_network_isolation_in_every_read(db: Session, world: SecurityWorld) -> None:
    alpha = networks.get_network(db, OP, "alpha")
    outsider = world.caller(db, "outsider")
    # Profiles visible to the network only are invisible from another network.
    page = directory.search_actors(db, outsider, alpha, ActorSearch())
    assert page.total == 0 and page.items == []
    with pytest.raises(NotFound):
        directory.get_actor(db, outsider, world["actor_id"])
    assert initiatives.list_initiatives(db, outsider, alpha) == []
    with pytest.raises(NotFound):
        initiatives.get_initiative(db, outsider, world["initiative_id"])
    assert ties.list_ties(db, outsider, alpha) == []
    with pytest.raises(Forbidden):
        memberships.list_members(db, outsider, alpha)
    with pytest.raises(Forbidden):
        joining.list_join_requests(db, outsider, alpha)
    # ... while a member of alpha sees them all.
    member = world.caller(db, "member")
    assert directory.search_actors(db, member, alpha, ActorSearch()).total == 5
    assert len(ties.list_ties(db, member, alpha)) == 1
    assert [m.email for m in memberships.list_members(db, member, alpha)] == [None] * 4
    steward_view = memberships.list_members(db, world.caller(db, "steward"), alpha)
    assert all(m.email for m in steward_view), "e-mail addresses are for stewards"


def test_join_by_request_and_steward_approval(db: Session, world: SecurityWorld) -> None:
    alpha = networks.get_network(db, OP, "alpha")
    steward = world.caller(db, "steward")
    applicant = Caller(account_id=world["applicant_account"])
    with pytest.raises(Conflict):
        joining.request_to_join(db, applicant, alpha, JoinIn())  # one pending request at a time
    with pytest.raises(Forbidden):
        joining.decide_join_request(
            db, world.caller(db, "convenor"), alpha, world["request_id"], approve=True
        )
    out = joining.decide_join_request(
        db, steward, alpha, world["request_id"], approve=True, role="convenor"
    )
    assert out.status == "approved"
    caller = identity.caller_for_account(db, world["applicant_account"])
    assert caller.roles == {alpha.id: "convenor"} and len(caller.actor_ids) == 1
    (actor_id,) = caller.actor_ids
    assert db.get_one(Actor, actor_id).name == "Applicant"
    with pytest.raises(Conflict):
        joining.decide_join_request(db, steward, alpha, world["request_id"], approve=False)
    with pytest.raises(Conflict):
        joining.request_to_join(db, caller, alpha, JoinIn())  # a member already
    # A person may belong to many networks.
    beta = networks.get_network(db, OP, "beta")
    request = joining.request_to_join(db, caller, beta, JoinIn())
    assert joining.list_join_requests(db, steward, alpha) == []
    beta_steward = memberships.add_membership(db, world.accounts["outsider"], beta.id, "steward")
    assert beta_steward.role == "steward"
    joining.decide_join_request(
        db, world.caller(db, "outsider"), beta, request.id, approve=True, role="member"
    )
    assert set(identity.caller_for_account(db, world["applicant_account"]).roles) == {
        alpha.id,
        beta.id,
    }


def test_join_by_invitation_claims_a_profile(db: Session, world: SecurityWorld) -> None:
    alpha = networks.get_network(db, OP, "alpha")
    steward = world.caller(db, "steward")
    unclaimed = directory.create_actor(
        db,
        OP,
        alpha,
        ActorIn.model_validate({"kind": "person", "name": "Imported Irma", "sector": "health"}),
    ).id
    with pytest.raises(Forbidden):
        joining.invite_to_network(
            db,
            world.caller(db, "member"),
            alpha,
            NetworkInviteIn(email="irma@example.org"),
            "http://x",
        )
    with pytest.raises(Conflict):  # somebody else's profile
        joining.invite_to_network(
            db,
            steward,
            alpha,
            NetworkInviteIn(email="irma@example.org", actor_id=world["actor_id"]),
            "http://x",
        )
    joining.invite_to_network(
        db,
        steward,
        alpha,
        NetworkInviteIn(email="Irma@Example.org", role="convenor", actor_id=unclaimed),
        "http://coalition.test",
    )
    mail = db.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert mail is not None and mail.to_addr == "irma@example.org"
    token = mail.body.split("invite=")[1].split()[0]
    with pytest.raises(Unauthorized):
        accounts.register(
            db, Caller(), _register("irma@example.org", "wrong-token-xyz"), "http://x"
        )
    with pytest.raises(Exception) as refused:
        accounts.register(db, Caller(), _register("mallory@example.org", token), "http://x")
    assert getattr(refused.value, "field", None) == "email"
    account = accounts.register(db, Caller(), _register("irma@example.org", token), "http://x")
    caller = identity.caller_for_account(db, account.id)
    assert caller.roles == {alpha.id: "convenor"} and caller.actor_ids == {unclaimed}
    with pytest.raises(Unauthorized):  # used once
        accounts.register(db, Caller(), _register("irma2@example.org", token), "http://x")


def _register(email: str, invite: str) -> RegisterIn:
    return RegisterIn(email=email, password="long enough pw", display_name="Irma", invite=invite)


def test_roles_change_but_a_network_keeps_a_steward(db: Session, world: SecurityWorld) -> None:
    alpha = networks.get_network(db, OP, "alpha")
    steward = world.caller(db, "steward")
    with pytest.raises(Forbidden):
        memberships.change_role(
            db, world.caller(db, "convenor"), alpha, world["account_id"], "steward"
        )
    out = memberships.change_role(db, steward, alpha, world["account_id"], "convenor")
    assert out.role == "convenor"
    with pytest.raises(Conflict):
        memberships.change_role(db, steward, alpha, world.accounts["steward"], "member")
    with pytest.raises(Conflict):
        memberships.remove_member(db, steward, alpha, world.accounts["steward"])
    memberships.remove_member(db, world.caller(db, "other_member"), alpha, world["account_id"])
    assert world["account_id"] not in {
        m.account_id for m in memberships.list_members(db, steward, alpha)
    }
    with pytest.raises(NotFound):
        memberships.change_role(db, steward, alpha, world["account_id"], "member")


def test_creating_a_network_makes_its_creator_steward(db: Session, world: SecurityWorld) -> None:
    with pytest.raises(Unauthorized):
        networks.create_network(db, Caller(), NetworkIn(slug="gamma", name="G"))
    member = world.caller(db, "member")
    gamma = networks.create_network(db, member, NetworkIn(slug="gamma", name="G"))
    row = db.scalars(
        select(Membership).where(
            Membership.network_id == gamma.id, Membership.account_id == member.account_id
        )
    ).one()
    assert row.role == "steward"


# The readable_actors clause against a plain-Python statement of the rule, for any mix of
# visibilities and memberships: "no row of one network is ever read through another".
visibility = st.sampled_from(["public", "network", "convenors", "private"])


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    vis=st.lists(st.tuples(st.integers(0, 1), visibility), min_size=1, max_size=6),
    member_of=st.sets(st.integers(0, 1)),
    owns=st.sets(st.integers(0, 5)),
    anonymised=st.sets(st.integers(0, 5)),
)
def test_readable_actors_matches_the_rule(
    db: Session,
    vis: list[tuple[int, str]],
    member_of: set[int],
    owns: set[int],
    anonymised: set[int],
) -> None:
    db.rollback()
    nets = []
    for n in (0, 1):
        nets.append(networks.create_network(db, OP, NetworkIn(slug=f"h{n}-{len(vis)}x", name="H")))
    rows = []
    for i, (n, v) in enumerate(vis):
        actor = Actor(
            network_id=nets[n].id,
            kind="person",
            name=f"a{i}",
            sector="independent",
            visibility=v,
            anonymised=int(i in anonymised),
        )
        db.add(actor)
        rows.append(actor)
    db.flush()
    caller = Caller(
        account_id=1,
        roles={nets[n].id: "member" for n in member_of},
        actor_ids=frozenset(rows[i].id for i in owns if i < len(rows)),
    )
    got = set(
        db.scalars(
            select(Actor.id).where(
                Actor.network_id.in_([n.id for n in nets]), readable_actors(caller)
            )
        )
    )
    expected = {
        a.id
        for a in rows
        if not a.anonymised
        and (
            a.visibility == "public"
            or (a.network_id in caller.roles and a.visibility != "private")
            or a.id in caller.actor_ids
        )
    }
    assert got == expected
    db.rollback()


def test_role_ranks() -> None:
    assert ROLE_RANK["steward"] > ROLE_RANK["convenor"] > ROLE_RANK["member"]
