"""Proposals' reasons in the reader's language: stored as data, rendered when read, the
English kept for the audit trail, an unshared capacity figure absent in every language."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from coalition.config import Settings
from coalition.i18n import use_locale
from coalition.schemas.formation import ProposalRequest
from coalition.services.formation import list_proposals, propose_team
from coalition.store.tables import Actor
from coalition.store.tables_formation import Proposal
from tests.conftest import make_client
from tests.formation.test_formation_service import OP, _load


def test_reasons_are_read_in_the_readers_language_and_stay_private(db: Session) -> None:
    initiative = _load(db)
    first = propose_team(db, OP, initiative.id, ProposalRequest(alternatives=0))
    hidden = first.proposals[0].members[0].actor_id
    db.execute(update(Actor).where(Actor.id == hidden).values(capacity_visibility="private"))
    db.commit()
    with use_locale("es"):
        spanish = propose_team(db, OP, initiative.id, ProposalRequest(alternatives=0))
    db.commit()
    english = list_proposals(db, OP, initiative.id)[0]
    assert english.id == spanish.proposals[0].id
    by_actor = {m.actor_id: m for m in spanish.proposals[0].members}
    for m in english.members:
        es = by_actor[m.actor_id].reasons
        assert len(es) == len(m.reasons) and es != m.reasons
        assert any(r.startswith("cubre ") for r in es), es
    free = db.get_one(Actor, hidden)
    figure = f"{max(0.0, free.capacity_hours - free.committed_hours):g}"
    hidden_es = " | ".join(by_actor[hidden].reasons)
    assert "tiene la capacidad libre que el rol necesita" in hidden_es
    assert "libres" not in hidden_es and f"{figure} h/" not in hidden_es
    with use_locale("fr"):
        french = list_proposals(db, OP, initiative.id)[0]
    hidden_fr = " | ".join(m for x in french.members if x.actor_id == hidden for m in x.reasons)
    assert "a la capacité libre dont le rôle a besoin" in hidden_fr and "libres" not in hidden_fr
    # What is stored: the English sentences for the audit trail, and the data, privacy applied.
    stored = db.scalars(select(Proposal.members).order_by(Proposal.id.desc())).first()
    assert stored is not None
    row = next(m for m in stored if m["actor_id"] == hidden)
    assert row["reasons"] == next(m.reasons for m in english.members if m.actor_id == hidden)
    codes = [d["code"] for d in row["reason_data"]]
    assert "capacity_unshared" in codes and "capacity" not in codes


def test_the_proposals_page_and_api_read_reasons_in_spanish(settings: Settings) -> None:
    from tests.formation.test_convenor_pages import _proposal, _world

    w = _world(settings)
    _proposal(settings, w, alternatives=0)
    client = make_client(settings, w.convenor_caller)
    page = f"/initiatives/{w.initiative_id}/proposals"
    api = f"/api/initiatives/{w.initiative_id}/proposals/latest"
    english = client.get(page, headers={"accept": "text/html", "accept-language": "en"}).text
    spanish = client.get(page, headers={"accept": "text/html", "accept-language": "es"}).text
    assert "h/week free; the role needs" in english
    assert "h/semana libres; el rol necesita" in spanish
    assert "h/week free" not in spanish and "the role needs" not in spanish
    body = client.get(api, headers={"accept-language": "es"}).json()
    reasons = [r for p in body["proposals"] for m in p["members"] for r in m["reasons"]]
    assert reasons and all("h/week" not in r for r in reasons)
    assert any(r.startswith("tiene ") and "h/semana" in r for r in reasons), reasons
