"""Decisions: the four kinds, blocks, closing, outcome, amendment, log, secrecy, visibility,
and the ties deciding together leaves on the map."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from coalition.errors import Conflict, Forbidden, Invalid, NotFound
from coalition.i18n import use_locale
from coalition.schemas.together import CloseIn, DecisionIn, VoteIn
from coalition.services import decisions
from coalition.store.tables import Tie
from coalition.store.tables_together import Decision
from tests.factories import Team, team_world


def _consent(db: Session, t: Team, **kw: object) -> int:
    data = DecisionIn.model_validate({"kind": "consent", "title": "Adopt the plan", **kw})
    return decisions.propose(db, t.as_(t.convenor), data, initiative_id=t.initiative_id).id


def test_consent_cannot_pass_with_an_open_block(db: Session) -> None:
    t = team_world(db)
    d = _consent(db, t)
    decisions.vote(db, t.as_(t.ana), d, VoteIn(position="agree", reason="good"))
    with pytest.raises(Invalid):
        decisions.vote(db, t.as_(t.ben), d, VoteIn(position="block"))  # no reason
    view = decisions.vote(db, t.as_(t.ben), d, VoteIn(position="block", reason="too costly"))
    assert view.tally.blocked and not view.tally.passes
    assert [(b.actor_name, b.reason) for b in view.blocks] == [("Member 1", "too costly")]
    assert view.not_voted == ["Convenor"]
    closed = decisions.close(db, t.as_(t.convenor), d, CloseIn(outcome="Blocked; we amend."))
    assert closed.status == "blocked" and closed.outcome == "Blocked; we amend."
    assert [e.action for e in closed.log] == ["opened", "voted", "blocked", "closed", "outcome"]
    assert [e.text for e in closed.log][1:] == [
        "voted Agree",
        "blocked: too costly",
        "closed (closed by the proposer): blocked",
        "wrote the outcome",
    ]
    with use_locale("es"):
        spanish = decisions.get_decision(db, t.as_(t.convenor), d).log
    assert spanish[0].text.startswith("abrió una decisión de tipo consentimiento, que se cierra")
    assert [e.text for e in spanish][1:] == [
        "votó: De acuerdo",
        "bloqueó: too costly",
        "se cerró (la cerró quien la propuso): bloqueada",
        "escribió el resultado",
    ]
    with pytest.raises(Conflict):
        decisions.vote(db, t.as_(t.ana), d, VoteIn(position="agree"))


def test_an_amended_decision_passes_once_the_block_is_lifted(db: Session) -> None:
    t = team_world(db)
    first = _consent(db, t)
    decisions.vote(db, t.as_(t.ben), first, VoteIn(position="block", reason="too costly"))
    decisions.close(db, t.as_(t.convenor), first, CloseIn(outcome="Blocked."))
    second = _consent(db, t, title="Adopt the cheaper plan", amends_id=first)
    decisions.vote(db, t.as_(t.ben), second, VoteIn(position="block", reason="still"))
    lifted = decisions.vote(db, t.as_(t.ben), second, VoteIn(position="agree", reason="ok now"))
    assert not lifted.tally.blocked and lifted.blocks == []
    assert "lifted block" in [e.action for e in lifted.log]
    done = decisions.close(db, t.as_(t.convenor), second, CloseIn(outcome="Adopted."))
    assert done.status == "passed" and done.amends_id == first
    assert decisions.get_decision(db, t.as_(t.ana), first).amended_by_id == second


def test_only_the_proposer_closes_and_only_voters_vote(db: Session) -> None:
    t = team_world(db)
    d = _consent(db, t)
    with pytest.raises(Forbidden):
        decisions.close(db, t.as_(t.ana), d, CloseIn(outcome="mine"))
    with pytest.raises(NotFound):  # carl is not on the team: a team decision is not there
        decisions.vote(db, t.as_(t.carl), d, VoteIn(position="agree"))
    net = _consent(db, t, visibility="network")
    assert decisions.get_decision(db, t.as_(t.carl), net).may_vote is False
    with pytest.raises(Forbidden):
        decisions.vote(db, t.as_(t.carl), net, VoteIn(position="agree"))


def test_closing_time_closes_with_the_votes_given(db: Session) -> None:
    t = team_world(db)
    d = _consent(db, t)
    decisions.vote(db, t.as_(t.ana), d, VoteIn(position="agree"))
    past = datetime.now() - timedelta(minutes=1)
    db.execute(update(Decision).where(Decision.id == d).values(closes_at=past))
    view = decisions.get_decision(db, t.as_(t.ben), d)
    assert view.status == "passed" and view.may_vote is False
    assert view.log[-1].detail.startswith("closing time reached")
    assert decisions.get_decision(db, t.as_(t.convenor), d).may_close  # outcome still to write


@pytest.mark.parametrize(
    ("kind", "votes", "leader"),
    [
        ("choose", [{"choice": 1}, {"choice": 1}, {"choice": 0}], "B"),
        ("rank", [{"ranking": [2, 0, 1]}, {"ranking": [0, 2, 1]}, {"ranking": [2, 1, 0]}], "C"),
        ("score", [{"scores": [1, 5, 2]}, {"scores": [2, 4, 5]}, {"scores": [0, 3, 1]}], "B"),
    ],
)
def test_choose_rank_and_score(
    db: Session, kind: str, votes: list[dict[str, object]], leader: str
) -> None:
    t = team_world(db)
    data = DecisionIn.model_validate({"kind": kind, "title": "Pick", "options": ["A", "B", "C"]})
    d = decisions.propose(db, t.as_(t.convenor), data, initiative_id=t.initiative_id).id
    for who, v in zip((t.ana, t.ben, t.convenor), votes, strict=True):
        view = decisions.vote(db, t.as_(who), d, VoteIn.model_validate(v))
    assert view.tally.leader == leader and view.not_voted == []


def test_bad_options_and_votes_are_refused(db: Session) -> None:
    t = team_world(db)
    for bad in (
        {"kind": "choose", "options": ["A"]},
        {"kind": "consent", "options": ["A", "B"]},
        {"kind": "rank", "options": ["A", "a"]},
    ):
        with pytest.raises(Invalid):
            decisions.propose(
                db,
                t.as_(t.convenor),
                DecisionIn.model_validate({"title": "x", **bad}),
                initiative_id=t.initiative_id,
            )
    data = DecisionIn.model_validate({"kind": "score", "title": "x", "options": ["A", "B"]})
    d = decisions.propose(db, t.as_(t.convenor), data, initiative_id=t.initiative_id).id
    with pytest.raises(Invalid):
        decisions.vote(db, t.as_(t.ana), d, VoteIn(scores=[1]))


def test_secret_votes_show_the_tally_not_who_voted_what(db: Session) -> None:
    t = team_world(db)
    d = _consent(db, t, secret_votes=True)
    decisions.vote(db, t.as_(t.ana), d, VoteIn(position="disagree", reason="SECRET-REASON"))
    other = decisions.get_decision(db, t.as_(t.ben), d)
    assert other.votes == [] and other.tally.counts["disagree"] == 1
    assert "SECRET-REASON" not in other.model_dump_json()
    assert decisions.get_decision(db, t.as_(t.ana), d).my_vote is not None


def test_team_decisions_are_hidden_from_the_rest_of_the_network(db: Session) -> None:
    t = team_world(db)
    d = _consent(db, t)
    with pytest.raises(NotFound):
        decisions.get_decision(db, t.as_(t.carl), d)
    assert decisions.list_decisions(db, t.as_(t.carl), initiative_id=t.initiative_id) == []
    assert len(decisions.list_decisions(db, t.as_(t.ana), initiative_id=t.initiative_id)) == 1


def test_closing_ties_the_proposer_to_each_voter_once(db: Session) -> None:
    t = team_world(db)
    d = _consent(db, t)
    for who in (t.ana, t.ben):
        decisions.vote(db, t.as_(who), d, VoteIn(position="agree"))
    decisions.close(db, t.as_(t.convenor), d, CloseIn(outcome="Done"))
    ties = db.execute(select(Tie.source_id, Tie.target_id).where(Tie.origin == "decision")).all()
    assert sorted(ties) == sorted([(t.ana, t.convenor), (t.ben, t.convenor)])


def test_network_decisions(db: Session) -> None:
    t = team_world(db)
    data = DecisionIn.model_validate({"kind": "consent", "title": "Network rule"})
    d = decisions.propose(db, t.as_(t.carl), data, slug=t.slug)
    assert d.visibility == "network" and d.initiative_id is None
    assert [x.id for x in decisions.list_decisions(db, t.as_(t.ana), slug=t.slug)] == [d.id]
    with pytest.raises(Forbidden):
        decisions.propose(db, t.as_(t.outsider, t.outsider_network), data, slug=t.slug)
