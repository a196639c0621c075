"""Undoing a merge through the history: over random vocabularies (terms with descriptions and
ESCO URIs, profiles with levels and evidence, roles with minimums), merge then undo gives back
the exact state, ids included; and the API, the page and the CLI undo it, once."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.config import Settings
from coalition.errors import Conflict, Forbidden
from coalition.schemas.networks import CapabilityPatch
from coalition.services import vocabulary, vocabulary_history
from coalition.services.access import Caller
from coalition.store.tables import Actor, ActorCapability, Capability, Role, RoleRequirement
from tests.conftest import make_client

from .test_vocabulary import _build, _ids, profiles, roles

OP = Caller.operator()
_n = itertools.count()


def _state(db: Session, network: Any) -> dict[str, Any]:
    """Everything a merge touches, by database id: terms, profiles' rows, roles' rows."""
    db.expire_all()
    terms = db.execute(
        select(
            Capability.id,
            Capability.term,
            Capability.category,
            Capability.description,
            Capability.esco_uri,
        )
        .where(Capability.network_id == network.id)
        .order_by(Capability.id)
    ).all()
    actors = db.execute(
        select(
            ActorCapability.actor_id,
            ActorCapability.capability_id,
            ActorCapability.level,
            ActorCapability.evidence,
            ActorCapability.esco_uri,
        )
        .join(Actor, Actor.id == ActorCapability.actor_id)
        .where(Actor.network_id == network.id)
        .order_by(ActorCapability.actor_id, ActorCapability.capability_id)
    ).all()
    reqs = db.execute(
        select(RoleRequirement.role_id, RoleRequirement.capability_id, RoleRequirement.min_level)
        .join(Role, Role.id == RoleRequirement.role_id)
        .join(Capability, Capability.id == RoleRequirement.capability_id)
        .where(Capability.network_id == network.id)
        .order_by(RoleRequirement.role_id, RoleRequirement.capability_id)
    ).all()
    return {"terms": list(terms), "actors": list(actors), "requirements": list(reqs)}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    k=st.integers(min_value=2, max_value=5),
    actor_caps=profiles,
    role_reqs=roles,
    pair=st.tuples(st.integers(0, 4), st.integers(0, 4)).filter(lambda p: p[0] != p[1]),
    described=st.lists(st.booleans(), min_size=5, max_size=5),
)
def test_merge_then_undo_restores_the_exact_state(
    db: Session,
    k: int,
    actor_caps: list[dict[int, int]],
    role_reqs: list[dict[int, int]],
    pair: tuple[int, int],
    described: list[bool],
) -> None:
    a, b = pair[0] % k, pair[1] % k
    if a == b:
        return
    network = _build(db, k, actor_caps, role_reqs)
    ids = _ids(db, network)
    for t in range(k):
        if described[t]:
            vocabulary.update_term(
                db,
                OP,
                network,
                ids[f"T{t}"],
                CapabilityPatch(
                    description=f"about T{t}", esco_uri=f"http://data.europa.eu/esco/skill/{t}"
                ),
            )
    before = _state(db, network)
    out = vocabulary.merge_terms(db, OP, network, ids[f"T{a}"], ids[f"T{b}"])
    assert out.merge_id is not None
    assert _state(db, network) != before or not any(
        row[1] == ids[f"T{a}"] for row in before["actors"] + before["requirements"]
    )
    undone = vocabulary_history.undo_merge(db, OP, network, out.merge_id)
    assert undone.undone_at is not None
    assert _state(db, network) == before
    with pytest.raises(Conflict):
        vocabulary_history.undo_merge(db, OP, network, out.merge_id)
    db.rollback()


def test_chained_merges_undo_in_reverse_and_only_stewards(db: Session) -> None:
    network = _build(db, 3, [{0: 2, 1: 4}, {1: 1, 2: 5}], [{0: 3, 2: 2}])
    ids = _ids(db, network)
    before = _state(db, network)
    first = vocabulary.merge_terms(db, OP, network, ids["T0"], ids["T1"])
    second = vocabulary.merge_terms(db, OP, network, ids["T1"], ids["T2"])
    assert first.merge_id is not None and second.merge_id is not None
    with pytest.raises(Conflict, match="undo that first"):
        vocabulary_history.undo_merge(db, OP, network, first.merge_id)
    member = Caller(account_id=1, roles={network.id: "member"})
    with pytest.raises(Forbidden):
        vocabulary_history.undo_merge(db, member, network, second.merge_id)
    vocabulary_history.undo_merge(db, OP, network, second.merge_id)
    vocabulary_history.undo_merge(db, OP, network, first.merge_id)
    assert _state(db, network) == before
    history = vocabulary_history.merge_history(db, OP, network)
    assert [h.merged for h in history] == ["T1", "T0"] and all(h.undone_at for h in history)


def test_undo_through_the_api_page_and_cli(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from coalition.cli import app
    from coalition.store.session import session_scope

    with session_scope(settings.database_url) as db:
        network = _build(db, 3, [{0: 2, 1: 4}, {0: 5}], [{0: 3}])
        slug, net_id, ids = network.slug, network.id, _ids(db, network)
    steward = make_client(settings, Caller(account_id=5, roles={net_id: "steward"}))
    r = steward.post(
        f"/api/networks/{slug}/capabilities/{ids['T0']}/merge", json={"into": ids["T1"]}
    )
    assert r.status_code == 200, r.text
    merge_id = r.json()["merge_id"]
    page = steward.get(f"/n/{slug}/capabilities")
    assert f"/capabilities/merges/{merge_id}/undo" in page.text
    r = steward.post(f"/api/networks/{slug}/vocabulary/merges/{merge_id}/undo")
    assert r.status_code == 200 and r.json()["undone_at"], r.text
    assert (
        steward.post(f"/api/networks/{slug}/vocabulary/merges/{merge_id}/undo").status_code == 409
    )
    assert [t["term"] for t in steward.get(f"/api/networks/{slug}/vocabulary").json()] == [
        "T0",
        "T1",
        "T2",
    ]
    monkeypatch.setenv("COALITION_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    r = runner.invoke(app, ["vocabulary", "merge", "T2", "T1", "-n", slug])
    assert r.exit_code == 0 and "vocabulary undo" in r.output, r.output
    r = runner.invoke(app, ["vocabulary", "merges", "-n", slug])
    assert "undoable" in r.output and "undone" in r.output, r.output
    with session_scope(settings.database_url) as db:
        latest = vocabulary_history.merge_history(db, OP, _net(db, slug))[0]
    r = runner.invoke(app, ["vocabulary", "undo", str(latest.id), "-n", slug])
    assert r.exit_code == 0 and "undid" in r.output, r.output


def _net(db: Session, slug: str) -> Any:
    from coalition.services.networks import get_network

    return get_network(db, OP, slug)
