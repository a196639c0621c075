"""Fairness through the services: what fairness changed in a proposal, the stewards' default
weight (service, API, page, CLI, bundle), exposure over time, the fairness report, and
finished work on the commitments page."""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from coalition.config import Settings
from coalition.domain import BudgetBasis
from coalition.errors import Forbidden, NotFound
from coalition.io.bundle import export_bundle, import_bundle
from coalition.schemas.formation import ProposalRequest, WeightsIn
from coalition.schemas.initiatives import InitiativePatch
from coalition.schemas.outcomes import FairnessWeightIn
from coalition.services import engagements, fairness, formation, initiatives, invitations
from coalition.services.access import Caller
from coalition.store.tables import Engagement, Initiative, Network
from tests.conftest import make_client
from tests.factories import OP, InvitationWorld, invitation_world, person


def _world(db: Session) -> tuple[InvitationWorld, Network, list[int]]:
    """Four facilitators: two experts (level 5) who had many chances lately, two who had none."""
    w = invitation_world(db, slug="fair", capacities=(), roles=1)
    network = db.get_one(Network, w.network_id)
    level = [5, 5, 4, 4]
    members = [
        person(
            db,
            network,
            f"Member {i}",
            20.0,
            capabilities=[{"term": "Facilitation", "level": level[i]}],
        )
        for i in range(4)
    ]
    past = Initiative(
        network_id=network.id,
        kind="project",
        title="Earlier work",
        status="completed",
        start_date=date.today() - timedelta(days=30),
        end_date=date.today() - timedelta(days=1),
    )
    db.add(past)
    db.flush()
    for actor in members[:2]:
        for _ in range(3):
            db.add(
                Engagement(
                    network_id=network.id,
                    initiative_id=past.id,
                    actor_id=actor,
                    hours_per_week=2.0,
                    status="completed",
                    start_date=date.today() - timedelta(days=30),
                )
            )
    db.flush()
    return w, network, members


def _steward(network_id: int) -> Caller:
    return Caller(account_id=77, actor_ids=frozenset(), roles={network_id: "steward"})


def test_each_proposal_shows_what_fairness_changed(db: Session) -> None:
    w, _, members = _world(db)
    request = ProposalRequest(weights=WeightsIn(fairness=3.0), alternatives=1, fairness_budget=0.9)
    result = formation.propose_team(db, OP, w.initiative_id, request)
    best = result.proposals[0]
    assert {m.actor_id for m in best.members} == set(members[2:])  # the fewer chances
    effect = best.fairness
    assert effect is not None and effect.seats_changed == 2 and effect.seats == 2
    assert {a.actor_id for a in effect.instead_of} == set(members[:2])
    assert effect.fit_off > effect.fit_on and effect.loss > 0
    assert "gave 2 of 2 seats" in effect.summary and "Member 0" in effect.summary
    for m in best.members:
        assert "has had fewer chances recently" in m.reasons
        assert not any("engagement" in r for r in m.reasons)  # no counts, to anyone
    # The contrast is kept for audit but never listed, fetched or invited as a proposal.
    listed = formation.list_proposals(db, OP, w.initiative_id)
    assert all(p.rank >= 0 for p in listed) and len(listed) == len(result.proposals)
    latest = formation.latest_run(db, OP, w.initiative_id)
    assert [p.id for p in latest.proposals] == [p.id for p in result.proposals]
    assert latest.proposals[0].fairness == effect
    hidden = min(p.id for p in listed) - 1
    with pytest.raises(NotFound):
        formation.get_proposal(db, OP, hidden)
    with pytest.raises(NotFound):
        invitations.invite_proposal(db, OP, hidden)


def test_the_budget_caps_what_fairness_costs(db: Session) -> None:
    """The experts fit far better: within the default 2 % budget, fairness keeps them."""
    w, _, members = _world(db)
    request = ProposalRequest(weights=WeightsIn(fairness=3.0), alternatives=0)
    best = formation.propose_team(db, OP, w.initiative_id, request).proposals[0]
    assert {m.actor_id for m in best.members} == set(members[:2])
    assert best.fairness is not None and best.fairness.loss <= 0.02
    assert best.fairness.seats_changed == 0 and "changed nobody" in best.fairness.summary


def test_a_budget_on_capability_fit_alone_caps_fit_loss(db: Session) -> None:
    """The budget a share of capability fit alone: the members with fewer chances fit 10 %
    less (level 4 against 5), so 15 % of fit lets fairness choose both, 4 % neither (one costs 5 %);
    the summary says what the budget is a share of, and an unknown basis is refused."""
    w, _, members = _world(db)
    weights = WeightsIn(fairness=3.0)
    loose = ProposalRequest(
        weights=weights, alternatives=0, fairness_budget=0.15, fairness_budget_on=BudgetBasis.fit
    )
    best = formation.propose_team(db, OP, w.initiative_id, loose).proposals[0]
    assert {m.actor_id for m in best.members} == set(members[2:])
    assert best.fairness is not None and best.fairness.fit_on >= 0.85 * best.fairness.fit_off
    assert "of capability fit here" in best.fairness.summary
    tight = loose.model_copy(update={"fairness_budget": 0.04})
    best = formation.propose_team(db, OP, w.initiative_id, tight).proposals[0]
    assert {m.actor_id for m in best.members} == set(members[:2])
    with pytest.raises(ValidationError):
        ProposalRequest.model_validate({"fairness_budget_on": "trust"})


def test_fairness_off_changes_nothing_and_says_nothing(db: Session) -> None:
    w, _, members = _world(db)
    request = ProposalRequest(weights=WeightsIn(fairness=0.0), alternatives=0)
    best = formation.propose_team(db, OP, w.initiative_id, request).proposals[0]
    assert {m.actor_id for m in best.members} == set(members[:2])  # the experts
    assert best.fairness is None


def test_stewards_set_the_default_weight(db: Session) -> None:
    w, network, members = _world(db)
    assert fairness.get_weight(db, OP, network).weight == fairness.DEFAULT_WEIGHT
    member = w.member(members[0])
    with pytest.raises(Forbidden):
        fairness.set_weight(db, member, network, FairnessWeightIn(weight=3.0))
    out = fairness.set_weight(db, _steward(network.id), network, FairnessWeightIn(weight=3.0))
    assert out.weight == 3.0 and not out.default
    # A request naming no fairness weight uses the network's; one that names it, its own.
    loose = ProposalRequest(fairness_budget=0.9)
    best = formation.propose_team(db, OP, w.initiative_id, loose).proposals[0]
    assert {m.actor_id for m in best.members} == set(members[2:])
    assert formation.latest_run(db, OP, w.initiative_id).request.weights.fairness == 3.0
    own = ProposalRequest(weights=WeightsIn(fairness=0.0))
    best = formation.propose_team(db, OP, w.initiative_id, own).proposals[0]
    assert {m.actor_id for m in best.members} == set(members[:2])
    # The bundle carries the setting.
    bundle = export_bundle(db, network)
    assert bundle["network"]["fairness_weight"] == 3.0
    copy = import_bundle(db, bundle, slug="fair-copy")
    assert copy.fairness_weight == 3.0


def test_weight_api_page_and_cli(settings: Settings, db: Session) -> None:
    w, network, members = _world(db)
    db.commit()
    url = f"/api/networks/{network.slug}/fairness/weight"
    steward = make_client(settings, _steward(network.id))
    member = make_client(settings, w.member(members[0]))
    assert member.get(url).json() == {"network": "fair", "weight": 0.3, "default": True}
    assert member.put(url, json={"weight": 1.0}).status_code == 403
    for bad in (-1, "high", None, 1e9):
        assert steward.put(url, json={"weight": bad}).status_code == 422
    r = steward.put(url, json={"weight": 1.5})
    assert r.status_code == 200 and r.json()["weight"] == 1.5
    page = steward.get(f"/n/{network.slug}/fairness")
    assert page.status_code == 200
    assert 'name="weight"' in page.text and "Over time" in page.text and "By region" in page.text
    assert 'name="weight"' not in member.get(f"/n/{network.slug}/fairness").text
    r = steward.post(f"/n/{network.slug}/fairness/weight", data={"weight": "0.7"})
    assert r.status_code in (200, 303)
    assert member.get(url).json()["weight"] == 0.7

    from coalition.cli import app

    runner = CliRunner(env={"COALITION_DATABASE_URL": settings.database_url})
    out = runner.invoke(app, ["fairness", "weight", "fair", "--set", "0.9"])
    assert out.exit_code == 0, out.output
    assert "0.9" in out.output
    assert runner.invoke(app, ["fairness", "weight", "fair", "--set", "-2"]).exit_code != 0
    out = runner.invoke(app, ["fairness", "report", "fair"])
    assert out.exit_code == 0 and "Gini" in out.output, out.output
    out = runner.invoke(app, ["settle", "--today", "2026-01-01"])
    assert out.exit_code == 0 and "ended" in out.output, out.output


def test_exposure_decays_and_counts_invitations(db: Session) -> None:
    w, network, members = _world(db)
    today = date.today()
    exposure = fairness.exposure_by_actor(db, network.id, today)
    assert exposure[members[0]] == pytest.approx(3 * 0.5 ** (30 / 180))
    assert members[2] not in exposure
    later = fairness.exposure_by_actor(db, network.id, today + timedelta(days=180))
    assert later[members[0]] == pytest.approx(exposure[members[0]] / 2)
    from coalition.schemas.invitations import InviteIn

    role = db.get_one(Initiative, w.initiative_id).roles[0].id
    invitations.invite(
        db,
        OP,
        w.initiative_id,
        InviteIn.model_validate({"seats": [{"actor_id": members[2], "role_id": role}]}),
        now=datetime.combine(today, datetime.min.time()),
    )
    assert fairness.exposure_by_actor(db, network.id, today)[members[2]] == pytest.approx(1.0)


def test_report_over_time_and_by_region(db: Session) -> None:
    _, network, _ = _world(db)
    report = fairness.fairness_report(db, OP, network)
    assert len(report.over_time) == 9 and report.over_time[-1].on == date.today()
    assert report.over_time[-1].gini == report.gini_opportunity
    dims = {g.dimension for g in report.groups}
    assert dims == {"sector", "region", "tenure"}
    assert report.weight == fairness.DEFAULT_WEIGHT
    assert all(0.0 <= g.gini_opportunity <= 1.0 for g in report.groups)


def test_completing_shows_what_ended_on_the_commitments_page(
    settings: Settings, db: Session
) -> None:
    w, network, members = _world(db)
    from coalition.schemas.invitations import AnswerIn, InviteIn

    role = db.get_one(Initiative, w.initiative_id).roles[0].id
    sent = invitations.invite(
        db,
        OP,
        w.initiative_id,
        InviteIn.model_validate({"seats": [{"actor_id": members[3], "role_id": role}]}),
    )
    invitations.answer(db, w.member(members[3]), sent[0].id, AnswerIn(answer="accept"))
    before = engagements.my_commitments(db, w.member(members[3])).capacity[0].free_hours
    initiatives.update_initiative(db, OP, w.initiative_id, InitiativePatch(status="active"))
    initiatives.update_initiative(db, OP, w.initiative_id, InitiativePatch(status="completed"))
    mine = engagements.my_commitments(db, w.member(members[3]))
    assert mine.capacity[0].free_hours == before + 4.0
    ended = next(e for e in mine.engagements if e.initiative_id == w.initiative_id)
    assert ended.status == "completed" and ended.end_date is not None
    assert ended.end_date <= date.today()
    db.commit()
    page = make_client(settings, w.member(members[3])).get("/me/commitments")
    assert page.status_code == 200
    from coalition.formatting import date as written_date

    shown = html.escape(written_date(ended.end_date, locale="en"))
    assert f"ended {shown}" in page.text and "hours are free again" in page.text
    assert not db.scalars(
        select(Engagement).where(
            Engagement.initiative_id == w.initiative_id, Engagement.status == "active"
        )
    ).all()


def test_qualifying_reads_formations_own_filters(db: Session) -> None:
    """Who qualifies for a role, as the benchmark and formation read it: every minimum, the
    role's hours within the member's whole capacity (busy today still qualifies), members
    formation may propose (a private profile is never proposed)."""
    from sqlalchemy import update

    from coalition.store.tables import Actor

    w, network, members = _world(db)  # the role asks for Facilitation >= 3, 4 h/week
    facilitator = [{"term": "Facilitation", "level": 4}]
    busy = person(db, network, "Busy", 8.0, capabilities=facilitator)
    db.execute(update(Actor).where(Actor.id == busy).values(committed_hours=8.0))
    little = person(db, network, "Little time", 2.0, capabilities=facilitator)
    private = person(db, network, "Private", 20.0, capabilities=facilitator, visibility="private")
    novice = person(
        db, network, "Novice", 20.0, capabilities=[{"term": "Facilitation", "level": 2}]
    )
    db.flush()
    found = fairness.qualifying_actors(db, network, [w.initiative_id])
    assert set(members) | {busy} <= found
    assert not found & {little, private, novice}
    assert fairness.qualifying_actors(db, network, []) == set()
