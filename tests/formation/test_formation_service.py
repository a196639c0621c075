"""Formation through the service, API and CLI paths, on both databases."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.config import Settings
from coalition.io.bundle import import_bundle
from coalition.schemas.formation import ProposalRequest
from coalition.services.access import Caller
from coalition.services.expert_network import classic_team, import_expert_graph
from coalition.services.formation import propose_team
from coalition.store.tables import Actor, Initiative
from coalition.store.tables_formation import Proposal
from tests.conftest import make_client, shared_data, small_bundle

OP = Caller.operator()


def _load(db: Session) -> Initiative:
    """The small demo network and a fresh project needing its two most common capabilities."""
    from coalition.schemas.initiatives import InitiativeIn
    from coalition.services.initiatives import create_initiative
    from coalition.services.networks import get_network
    from coalition.store.tables import ActorCapability, Capability

    import_bundle(db, small_bundle(actors=120, seed=5))
    db.flush()
    common = db.execute(
        select(Capability.term, func.count())
        .join(ActorCapability, ActorCapability.capability_id == Capability.id)
        .group_by(Capability.term)
        .order_by(func.count().desc(), Capability.term)
        .limit(2)
    ).all()
    data = InitiativeIn.model_validate(
        {
            "kind": "project",
            "title": "Test bid",
            "purpose": "youth employment and skills",
            "roles": [
                {
                    "title": "Lead",
                    "seats": 1,
                    "hours_per_week": 2.0,
                    "requirements": [{"capability": common[0][0], "min_level": 2}],
                },
                {
                    "title": "Support",
                    "seats": 2,
                    "hours_per_week": 2.0,
                    "requirements": [{"capability": common[1][0], "min_level": 1}],
                },
            ],
        }
    )
    out = create_initiative(db, OP, get_network(db, OP, "small"), data)
    db.commit()
    return db.get_one(Initiative, out.id)


def test_proposals_respect_hard_constraints_and_are_stored(db: Session) -> None:
    initiative = _load(db)
    result = propose_team(db, OP, initiative.id, ProposalRequest(alternatives=2))
    db.commit()
    assert result.status in {"optimal", "feasible"}, result.infeasible
    assert 1 <= len(result.proposals) <= 3
    roles = {r.id: r for r in initiative.roles}
    for proposal in result.proposals:
        seats: dict[int, int] = {}
        for m in proposal.members:
            role = roles[m.role_id]
            actor = db.get_one(Actor, m.actor_id)
            levels = {c.capability.term: c.level for c in actor.capabilities}
            for req in role.requirements:
                assert levels.get(req.capability.term, 0) >= req.min_level
            assert actor.capacity_hours - actor.committed_hours >= m.hours_per_week - 1e-9
            assert m.reasons
            seats[m.role_id] = seats.get(m.role_id, 0) + 1
        assert seats == {r.id: r.seats for r in initiative.roles}
        assert 0 <= proposal.gap <= 1
    stored = db.scalar(select(func.count()).select_from(Proposal).where(Proposal.rank >= 0))
    assert stored == len(result.proposals)
    # The best team with fairness off is kept for audit too, and never listed.
    contrast = db.scalar(select(func.count()).select_from(Proposal).where(Proposal.rank < 0))
    assert contrast == 1
    assert all(p.fairness is not None for p in result.proposals)
    if len(result.proposals) > 1:
        first = set(
            result.proposals[0].members[i].actor_id for i in range(len(result.proposals[0].members))
        )
        second = {m.actor_id for m in result.proposals[1].members}
        assert len(first & second) <= 2 * len(first) / 3 + 1e-9


def test_reasons_keep_a_private_capacity_figure_private(db: Session) -> None:
    """The engine still respects capacity, but a figure the member keeps from the network
    does not appear in the reasons a convenor reads."""
    from sqlalchemy import update

    initiative = _load(db)
    first = propose_team(db, OP, initiative.id, ProposalRequest(alternatives=0))
    members = first.proposals[0].members
    hidden, shown = members[0].actor_id, members[1].actor_id
    db.execute(update(Actor).where(Actor.id == hidden).values(capacity_visibility="private"))
    db.execute(update(Actor).where(Actor.id == shown).values(capacity_visibility="network"))
    db.commit()
    again = propose_team(db, OP, initiative.id, ProposalRequest(alternatives=0))
    by_actor = {m.actor_id: m for m in again.proposals[0].members}
    assert hidden in by_actor and shown in by_actor  # capacity privacy does not change the team
    hidden_text = " ".join(by_actor[hidden].reasons)
    free = db.get_one(Actor, hidden)
    figure = f"{max(0.0, free.capacity_hours - free.committed_hours):g} h/week free"
    assert figure not in hidden_text and "h/week free" not in hidden_text
    assert "has the free capacity the role needs" in hidden_text
    assert "h/week free" in " ".join(by_actor[shown].reasons)
    stored = db.scalars(select(Proposal.members).order_by(Proposal.id.desc())).first()
    assert figure not in str(stored)


def test_proposals_fill_the_open_seats_only(db: Session) -> None:
    """Once someone holds a seat, proposals are for the seats still open, and never propose
    the people already engaged (their capacity went to this initiative)."""
    import pytest

    from coalition.errors import Invalid
    from coalition.store.tables import Engagement

    initiative = _load(db)
    roles = {r.id: r for r in initiative.roles}
    first = propose_team(db, OP, initiative.id, ProposalRequest(alternatives=0))
    held = first.proposals[0].members[0]
    db.add(
        Engagement(
            network_id=initiative.network_id,
            initiative_id=initiative.id,
            role_id=held.role_id,
            actor_id=held.actor_id,
            hours_per_week=held.hours_per_week,
            status="active",
        )
    )
    db.commit()
    again = propose_team(db, OP, initiative.id, ProposalRequest(alternatives=1))
    assert again.proposals, again.infeasible
    for proposal in again.proposals:
        assert held.actor_id not in {m.actor_id for m in proposal.members}
        seats: dict[int, int] = {}
        for m in proposal.members:
            seats[m.role_id] = seats.get(m.role_id, 0) + 1
        expected = {
            rid: r.seats - (1 if rid == held.role_id else 0)
            for rid, r in roles.items()
            if r.seats - (1 if rid == held.role_id else 0) > 0
        }
        assert seats == expected
    # every seat held: nothing to propose, said plainly
    for m in again.proposals[0].members:
        db.add(
            Engagement(
                network_id=initiative.network_id,
                initiative_id=initiative.id,
                role_id=m.role_id,
                actor_id=m.actor_id,
                hours_per_week=m.hours_per_week,
                status="active",
            )
        )
    db.commit()
    with pytest.raises(Invalid, match="every seat"):
        propose_team(db, OP, initiative.id, ProposalRequest(alternatives=0))


def test_a_former_member_is_not_named_in_stored_proposals(db: Session) -> None:
    """Deleting an account anonymises the person: the proposals kept for audit keep the seat
    but neither their name nor their reasons, and nobody else's reasons name them."""
    from coalition.services.portability import FORMER_MEMBER, anonymise_actor

    initiative = _load(db)
    propose_team(db, OP, initiative.id, ProposalRequest(alternatives=2))
    db.commit()
    stored = db.scalars(select(Proposal.members)).all()
    named_by_others = {}
    for members in stored:
        for m in members:
            for other in members:
                if other["actor_id"] != m["actor_id"] and m["name"] in " ".join(other["reasons"]):
                    named_by_others[m["actor_id"]] = m["name"]
    assert named_by_others, "some reason names a teammate (worked with …)"
    actor_id, name = next(iter(named_by_others.items()))
    anonymise_actor(db, db.get_one(Actor, actor_id))
    db.commit()
    text = str(db.scalars(select(Proposal.members)).all())
    assert name not in text
    for members in db.scalars(select(Proposal.members)):
        for m in members:
            if m["actor_id"] == actor_id:
                assert m["name"] == FORMER_MEMBER and m["reasons"] == []


def test_api_and_bad_input(settings: Settings, db: Session) -> None:
    initiative = _load(db)
    client: TestClient = make_client(settings, OP)
    r = client.post(f"/api/initiatives/{initiative.id}/proposals", json={"alternatives": 1})
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    assert body["proposals"] and body["proposals"][0]["members"][0]["reasons"]
    again = client.post(f"/api/initiatives/{initiative.id}/proposals", json={"alternatives": 1})
    assert [m["actor_id"] for m in again.json()["proposals"][0]["members"]] == [
        m["actor_id"] for m in body["proposals"][0]["members"]
    ]
    r = client.post(f"/api/initiatives/{initiative.id}/proposals", json={"weights": {"fit": -1}})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "weights.fit"
    r = client.post(f"/api/initiatives/{initiative.id}/proposals", json={"weights": {"luck": 1}})
    assert r.status_code == 422
    assert client.post("/api/initiatives/99999/proposals", json={}).status_code == 404
    listed = client.get(f"/api/initiatives/{initiative.id}/proposals")
    assert listed.status_code == 200 and len(listed.json()) >= 2


def test_infeasible_is_a_report_not_an_error(settings: Settings, db: Session) -> None:
    _load(db)
    client = make_client(settings, OP)
    term = client.get("/api/networks/small/capabilities").json()[0]["term"]
    r = client.post(
        "/api/networks/small/initiatives",
        json={
            "kind": "project",
            "title": "Impossible",
            "roles": [
                {
                    "title": "Crowd",
                    "seats": 50,
                    "hours_per_week": 39,
                    "requirements": [{"capability": term, "min_level": 5}],
                }
            ],
        },
    )
    assert r.status_code == 201, r.text
    r = client.post(f"/api/initiatives/{r.json()['id']}/proposals", json={})
    assert r.status_code == 201
    body = r.json()
    assert body["status"] == "infeasible" and body["proposals"] == []
    assert body["infeasible"] and body["obstacles"]
    first = body["obstacles"][0]
    assert first["code"] == "role_short" and first["values"]["role"] == "Crowd"
    assert first["message"].startswith("Role “Crowd” needs 50 seats")
    # The same run asked in Spanish: the code stays, the sentences are Spanish.
    spanish = client.post(
        f"/api/initiatives/{body['initiative_id']}/proposals",
        json={},
        headers={"Accept-Language": "es"},
    ).json()
    assert spanish["obstacles"][0]["code"] == "role_short"
    assert spanish["obstacles"][0]["message"].startswith("El rol «Crowd» necesita 50 plazas")
    assert spanish["infeasible"].startswith("El rol «Crowd»")


def test_classic_task_on_icdt(db: Session) -> None:
    path = shared_data("teamformation", "icdt.gml")
    summary = import_expert_graph(db, path, "icdt")
    assert summary["actors"] == 316
    db.commit()
    skills = ["407", "492", "20"]
    out = classic_team(db, "icdt", skills, objective="sum", distance="hops")
    assert set(out["covers"]) == set(skills)
    assert set(out["covers"].values()) <= set(out["members"])
    assert out["cost"] is not None


def test_comparison_page(settings: Settings, db: Session) -> None:
    initiative = _load(db)
    client = make_client(settings, OP)
    page = client.get(f"/initiatives/{initiative.id}/proposals")
    assert page.status_code == 200 and "No proposals yet" in page.text
    r = client.post(
        f"/initiatives/{initiative.id}/proposals/run",
        data={"alternatives": "1", "trust": "1.5"},
        follow_redirects=True,
    )
    assert r.status_code == 200, r.text
    assert "Best team" in r.text and "Alternative 1" in r.text and 'class="bar"' in r.text
    stored = client.get(f"/api/initiatives/{initiative.id}/proposals").json()
    assert any(m["name"] in r.text for m in stored[0]["members"])
