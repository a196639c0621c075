"""Vocabulary management: rename, describe, merge (nothing lost, best levels kept, stricter
minimums kept, in one transaction) and retire, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.errors import Conflict, Forbidden, Invalid, NotFound
from coalition.io.bundle import export_bundle, import_bundle
from coalition.schemas.directory import ActorIn, CapabilityIn, NetworkIn
from coalition.schemas.initiatives import InitiativeIn
from coalition.schemas.networks import CapabilityPatch
from coalition.services import directory, initiatives, networks, vocabulary
from coalition.services.access import Caller
from coalition.store.tables import Actor, ActorCapability, Capability, Role, RoleRequirement
from tests.factories import SecurityWorld, security_world

OP = Caller.operator()
_slugs = itertools.count()

levels = st.integers(min_value=1, max_value=5)
profiles = st.lists(st.dictionaries(st.integers(0, 4), levels, max_size=5), max_size=8)
roles = st.lists(st.dictionaries(st.integers(0, 4), levels, min_size=1, max_size=4), max_size=4)


def _build(db: Session, k: int, actor_caps: list[dict[int, int]], role_reqs: list[Any]) -> Any:
    network = networks.create_network(
        db, OP, NetworkIn(slug=f"vocab-{next(_slugs)}", name="Vocabulary")
    )
    for t in range(k):
        networks.add_capability(db, OP, network, CapabilityIn(term=f"T{t}"))
    for n, caps in enumerate(actor_caps):
        directory.create_actor(
            db,
            OP,
            network,
            ActorIn.model_validate(
                {
                    "kind": "person",
                    "name": f"P{n}",
                    "sector": "independent",
                    "capabilities": [
                        {"term": f"T{t}", "level": lv, "evidence": f"e{n}.{t}"}
                        for t, lv in {t % k: lv for t, lv in caps.items()}.items()
                    ],
                }
            ),
        )
    if role_reqs:
        initiatives.create_initiative(
            db,
            OP,
            network,
            InitiativeIn.model_validate(
                {
                    "kind": "project",
                    "title": "Work",
                    "roles": [
                        {
                            "title": f"R{n}",
                            "requirements": [
                                {"capability": f"T{t}", "min_level": lv}
                                for t, lv in {t % k: lv for t, lv in reqs.items()}.items()
                            ],
                        }
                        for n, reqs in enumerate(role_reqs)
                    ],
                }
            ),
        )
    return network


def _ids(db: Session, network: Any) -> dict[str, int]:
    rows = db.execute(
        select(Capability.term, Capability.id).where(Capability.network_id == network.id)
    )
    return {term: cid for term, cid in rows}


def _levels(db: Session, network: Any) -> dict[str, dict[str, int]]:
    rows = db.execute(
        select(Actor.name, Capability.term, ActorCapability.level)
        .join(ActorCapability, ActorCapability.actor_id == Actor.id)
        .join(Capability, Capability.id == ActorCapability.capability_id)
        .where(Actor.network_id == network.id)
    )
    out: dict[str, dict[str, int]] = {}
    for name, term, level in rows:
        out.setdefault(name, {})[term] = level
    return out


def _requirements(db: Session, network: Any) -> dict[str, dict[str, int]]:
    rows = db.execute(
        select(Role.title, Capability.term, RoleRequirement.min_level)
        .join(RoleRequirement, RoleRequirement.role_id == Role.id)
        .join(Capability, Capability.id == RoleRequirement.capability_id)
        .where(Capability.network_id == network.id)
    )
    out: dict[str, dict[str, int]] = {}
    for title, term, level in rows:
        out.setdefault(title, {})[term] = level
    return out


def _merged(before: dict[str, dict[str, int]], a: str, b: str) -> dict[str, dict[str, int]]:
    after = {}
    for who, caps in before.items():
        caps = dict(caps)
        if a in caps:
            caps[b] = max(caps.pop(a), caps.get(b, 0))
        after[who] = caps
    return after


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    k=st.integers(min_value=2, max_value=5),
    actor_caps=profiles,
    role_reqs=roles,
    pair=st.tuples(st.integers(0, 4), st.integers(0, 4)),
)
def test_merging_loses_nothing_and_keeps_the_best(
    db: Session,
    k: int,
    actor_caps: list[dict[int, int]],
    role_reqs: list[dict[int, int]],
    pair: tuple[int, int],
) -> None:
    a, b = pair[0] % k, pair[1] % k
    network = _build(db, k, actor_caps, role_reqs)
    ids = _ids(db, network)
    before, required = _levels(db, network), _requirements(db, network)
    if a == b:
        with pytest.raises(Invalid):
            vocabulary.merge_terms(db, OP, network, ids[f"T{a}"], ids[f"T{b}"])
        return
    out = vocabulary.merge_terms(db, OP, network, ids[f"T{a}"], ids[f"T{b}"])
    assert _levels(db, network) == _merged(before, f"T{a}", f"T{b}")
    assert _requirements(db, network) == _merged(required, f"T{a}", f"T{b}")
    holders = sum(1 for caps in before.values() if f"T{a}" in caps)
    assert out.actors_moved + out.actors_raised <= holders
    terms = set(db.scalars(select(Capability.term).where(Capability.network_id == network.id)))
    assert terms == {f"T{t}" for t in range(k)} - {f"T{a}"}
    db.rollback()


@pytest.fixture
def world(db: Session) -> SecurityWorld:
    return security_world(db)


def test_rename_describe_retire_and_who_may(db: Session, world: SecurityWorld) -> None:
    alpha = networks.get_network(db, OP, "alpha")
    steward, member = world.caller(db, "steward"), world.caller(db, "member")
    spare = networks.add_capability(db, OP, alpha, CapabilityIn(term="Spare"))
    facilitation = db.scalars(
        select(Capability).where(
            Capability.network_id == alpha.id, Capability.term == "Facilitation"
        )
    ).one()
    with pytest.raises(Forbidden):
        vocabulary.update_term(db, member, alpha, spare.id, CapabilityPatch(term="Mine"))
    with pytest.raises(Conflict, match="merge"):
        vocabulary.update_term(db, steward, alpha, spare.id, CapabilityPatch(term="Facilitation"))
    out = vocabulary.update_term(
        db,
        steward,
        alpha,
        facilitation.id,
        CapabilityPatch(term="Group facilitation", description="Running good meetings"),
    )
    assert (out.term, out.description) == ("Group facilitation", "Running good meetings")
    assert directory.get_actor(db, member, world["actor_id"]).capabilities[0].term == (
        "Group facilitation"
    )
    with pytest.raises(Conflict, match="profile"):
        vocabulary.retire_term(db, steward, alpha, facilitation.id)
    vocabulary.retire_term(db, steward, alpha, spare.id)
    with pytest.raises(NotFound):
        vocabulary.retire_term(db, steward, alpha, spare.id)
    beta_cap = db.scalars(
        select(Capability.id).where(Capability.network_id == world["beta_id"])
    ).first()
    with pytest.raises(NotFound):  # a term of another network
        vocabulary.merge_terms(db, steward, alpha, beta_cap or 0, facilitation.id)
    used = {t.term: (t.actors, t.requirements) for t in vocabulary.vocabulary(db, steward, alpha)}
    assert used == {"Group facilitation": (4, 1)}


def test_the_bundle_round_trip_stays_identical_after_a_merge(db: Session) -> None:
    network = _build(db, 3, [{0: 2, 1: 4}, {1: 1}, {0: 5, 2: 3}], [{0: 3, 1: 2}, {2: 1}])
    ids = _ids(db, network)
    vocabulary.merge_terms(db, OP, network, ids["T0"], ids["T1"])
    first = export_bundle(db, network)
    copy = import_bundle(db, first, slug=f"{network.slug}-copy")
    second = export_bundle(db, copy)
    second["network"]["slug"] = first["network"]["slug"]
    assert second == first
    assert {c["term"] for c in first["capabilities"]} == {"T1", "T2"}


def test_vocabulary_through_the_api_page_and_cli(
    db: Session, world: SecurityWorld, settings: Any, clean_url: str
) -> None:
    from typer.testing import CliRunner

    from coalition.cli import app as cli
    from tests.factories import PASSWORD

    from .helpers import browser, sign_in

    alpha = networks.get_network(db, OP, "alpha")
    spare = networks.add_capability(db, OP, alpha, CapabilityIn(term="Meeting design"))
    ids = _ids(db, alpha)
    db.commit()
    web = browser(settings)
    csrf = sign_in(web, "steward@example.org", PASSWORD)
    listed = web.get("/api/networks/alpha/vocabulary").json()
    assert {t["term"]: t["actors"] for t in listed} == {"Facilitation": 4, "Meeting design": 0}
    page = web.get("/n/alpha/capabilities")
    assert page.status_code == 200 and "Merge two terms" in page.text
    taken = web.patch(
        f"/api/networks/alpha/capabilities/{spare.id}",
        json={"term": "Facilitation"},
        headers={"x-csrf-token": csrf},
    )
    assert taken.status_code == 409 and "merge" in taken.json()["detail"]
    merged = web.post(
        "/n/alpha/capabilities/merge",
        data={"csrf": csrf, "source": str(ids["Facilitation"]), "into": str(spare.id)},
    )
    assert merged.status_code == 200 and "4 profile(s) moved" in merged.text
    bad = web.post("/n/alpha/capabilities/merge", data={"csrf": csrf, "source": "", "into": ""})
    assert bad.status_code == 422 and "choose the term" in bad.text
    runner, env = CliRunner(), {"COALITION_DATABASE_URL": clean_url, "COLUMNS": "200"}
    r = runner.invoke(cli, ["vocabulary", "edit", "Meeting design", "-n", "alpha",
                            "--rename", "Facilitation"], env=env)  # fmt: skip
    assert r.exit_code == 0 and "saved 'Facilitation'" in r.output
    r = runner.invoke(cli, ["vocabulary", "retire", "Facilitation", "-n", "alpha"], env=env)
    assert r.exit_code == 1 and "merge it into another term" in r.output
    r = runner.invoke(cli, ["vocabulary", "merge", "Nope", "Facilitation", "-n", "alpha"], env=env)
    assert r.exit_code == 1 and "no capability 'Nope'" in r.output
    r = runner.invoke(cli, ["vocabulary", "list", "-n", "alpha", "--json"], env=env)
    assert r.exit_code == 0 and '"actors": 4' in r.output
