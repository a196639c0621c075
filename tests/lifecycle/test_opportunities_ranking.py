""" "Opportunities for you", computed per member: the same ranking as the formation engine's own
terms read off the whole network's candidate index; exact after a write; a large network's
basis rebuilt in the background, never in the request; reasons in the reader's language."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from coalition.demo import build_demo_bundle
from coalition.engines.formation.fairness import fairness_scores, role_reference
from coalition.engines.formation.model import fit_score
from coalition.engines.formation.problem import Weights
from coalition.i18n import use_locale
from coalition.io.bundle import import_bundle
from coalition.services import opportunities as opp
from coalition.services.access import Caller
from coalition.services.fairness import network_weight
from coalition.services.formation import _CACHE as formation_cache
from coalition.services.formation import network_index
from coalition.services.networks import get_network
from coalition.store.cache import bump_version
from coalition.store.tables import (
    Actor,
    ActorCapability,
    Capability,
    Initiative,
    Network,
    Role,
    RoleRequirement,
)

OP = Caller.operator()
SLUG = "oppnet"


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """A wiped database gives the next test's network the same id: keep no basis behind."""
    yield
    opp._BASES.clear()
    opp._ROLES.clear()
    opp._CATALOGS.clear()
    formation_cache.clear()


def _world(db: Session, roles: int = 60) -> Network:
    """The demo network (150 actors) and ``roles`` open roles with drawn requirements."""
    import_bundle(db, build_demo_bundle(actors=150, seed=5, slug=SLUG))
    network = get_network(db, OP, SLUG)
    rng = random.Random(3)
    caps = list(db.scalars(select(Capability.id).where(Capability.network_id == network.id)))
    purposes = list(
        db.scalars(select(Actor.purpose_text).where(Actor.network_id == network.id).limit(40))
    )
    for k in range(0, roles, 3):
        initiative = db.execute(
            insert(Initiative).returning(Initiative.id),
            [
                {
                    "network_id": network.id,
                    "kind": "project",
                    "title": f"Call {k}",
                    "purpose": rng.choice(purposes),
                    "purpose_tags": [],
                    "status": "forming",
                    "sector_mix": {},
                    "timezone_coverage": [],
                }  # fmt: skip
            ],
        ).scalar_one()
        for j in range(3):
            role = db.execute(
                insert(Role).returning(Role.id),
                [
                    {
                        "initiative_id": initiative,
                        "title": f"Role {j}",
                        "seats": 2,
                        "hours_per_week": float(rng.choice([2, 4, 8])),
                        "languages": ["en"] if rng.random() < 0.3 else [],
                        "timezone_regions": ["emea"] if rng.random() < 0.3 else [],
                        "open_call": 1,
                    }  # fmt: skip
                ],
            ).scalar_one()
            db.execute(
                insert(RoleRequirement),
                [
                    {"role_id": role, "capability_id": c, "min_level": rng.randint(1, 2)}
                    for c in rng.sample(caps, k=rng.randint(1, 2))
                ],
            )
    bump_version(db, network.id)
    db.flush()
    db.refresh(network)
    return network


def _members(db: Session, network: Network, n: int = 8) -> list[int]:
    held = select(ActorCapability.actor_id).distinct()
    return list(
        db.scalars(
            select(Actor.id)
            .where(
                Actor.network_id == network.id,
                Actor.kind == "person",
                Actor.visibility != "private",
                Actor.anonymised == 0,
                Actor.id.in_(held),
            )  # fmt: skip
            .order_by(Actor.id)
            .limit(n)
        )
    )


def _caller(network: Network, actor_id: int) -> Caller:
    return Caller(
        account_id=actor_id, actor_ids=frozenset({actor_id}), roles={network.id: "member"}
    )


def _expected(db: Session, network: Network, actor_id: int) -> list[tuple[int, bool, float]]:
    """The ranking read off the whole network's candidate index with the engine's per-seat
    functions: eligibility (the funnel), fit_score, purpose_similarity, fairness_scores."""
    index = network_index(db, network)[0]
    row = index.row_of[actor_id]
    roles = opp._open_roles(db, network)[0]
    skip = opp._skipped(db, network, db.get_one(Actor, actor_id))
    w = Weights(fairness=network_weight(network))
    cand = index.candidates[row]
    out = []
    for role in roles:
        if role.role_id in skip:
            continue
        spec = role.spec
        rows = index.eligible(spec, np.zeros(len(index), dtype=bool))
        terms = sorted(spec.requirements)
        levels = np.array([[cand.capabilities.get(t, 0) for t in terms]])
        mins = np.array([spec.requirements[t] for t in terms])
        fit = float(fit_score(levels, mins)[0]) if terms else 0.0
        purpose = float(
            index.purpose_similarity(np.array([row]), index.query_vector(role.purpose_text))[0]
        )
        fair = float(
            fairness_scores(
                index.exposure[[row]], index.recent[[row]], index.newcomer[[row]],
                role_reference(index.exposure, rows),
            )[0]
        )  # fmt: skip
        zone = not spec.tz_regions or cand.tz_region in spec.tz_regions
        total = w.fit + w.purpose + w.fairness + w.diversity
        score = (w.fit * fit + w.purpose * purpose + w.fairness * fair + w.diversity * zone) / total
        eligible = bool(row in set(rows.tolist()))
        meets = all(cand.capabilities.get(t, 0) >= n for t, n in spec.requirements.items())
        enough = cand.capacity_left_hours >= spec.hours_per_week - 1e-9
        speaks = {x.lower() for x in spec.languages} <= {x.lower() for x in cand.languages}
        if eligible or (not meets) + (not enough) + (not speaks) <= 1:
            out.append((role.role_id, eligible, round(score, 4)))
    out.sort(key=lambda t: (not t[1], -t[2]))
    return out[:30]


def _shown(db: Session, network: Network, actor_id: int) -> list[tuple[int, bool, float]]:
    got = opp.opportunities(db, _caller(network, actor_id), network_slug=SLUG)
    return [(o.role_id, o.eligible, o.score) for o in got.opportunities]


def _same(got: list[tuple[int, bool, float]], want: list[tuple[int, bool, float]]) -> None:
    assert [e for _, e, _ in got] == [e for _, e, _ in want]
    assert [s for _, _, s in got] == pytest.approx([s for _, _, s in want], abs=1e-4)
    # Equal scores may come in either order; otherwise the order is the engine's.
    assert {r for r, _, _ in got} == {r for r, _, _ in want} or len(got) == 30


def test_ranking_is_the_engines_own_terms(db: Session) -> None:
    network = _world(db)
    members = _members(db, network)
    assert len(members) >= 5
    some_eligible = False
    for actor_id in members:
        got, want = _shown(db, network, actor_id), _expected(db, network, actor_id)
        _same(got, want)
        some_eligible |= any(e for _, e, _ in got)
    assert some_eligible


def test_first_call_after_a_write_is_exact(db: Session) -> None:
    network = _world(db)
    actor_id = _members(db, network)[0]
    before = _shown(db, network, actor_id)
    assert any(e for _, e, _ in before)
    # The member's free hours drop to nothing: no role is eligible any more.
    db.execute(
        update(Actor).where(Actor.id == actor_id).values(committed_hours=Actor.capacity_hours)
    )
    bump_version(db, network.id)
    db.flush()
    db.refresh(network)
    after = _shown(db, network, actor_id)
    assert not any(e for _, e, _ in after)
    _same(after, _expected(db, network, actor_id))


def test_a_large_network_rebuilds_its_basis_in_the_background(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    network = _world(db)
    actor_id = _members(db, network)[0]
    db.commit()
    _shown(db, network, actor_id)  # the first call builds the basis
    db.commit()
    monkeypatch.setattr(opp, "SYNC_REBUILD_BELOW", 1)  # as if the network were large
    monkeypatch.setattr(opp, "REFRESH_AFTER_S", 0.0)
    built_in: list[str] = []
    real = opp.network_index

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        built_in.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(opp, "network_index", spy)
    db.execute(
        update(Actor).where(Actor.id == actor_id).values(committed_hours=Actor.capacity_hours)
    )
    bump_version(db, network.id)
    db.commit()
    db.refresh(network)
    after = _shown(db, network, actor_id)
    assert not any(e for _, e, _ in after)  # the member's own terms: exact at once
    assert threading.current_thread().name not in built_in
    db.commit()
    for thread in threading.enumerate():
        if thread.name.startswith("opportunities-basis-"):
            thread.join(timeout=60)
    assert built_in and all(n.startswith("opportunities-basis-") for n in built_in)
    deadline = time.monotonic() + 5
    while opp._BASES[opp.version_key(db, network)[:3]].version != network.data_version:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    _same(_shown(db, network, actor_id), _expected(db, network, actor_id))
    db.commit()


def test_reasons_are_rendered_in_the_readers_language(db: Session) -> None:
    network = _world(db)
    actor_id = _members(db, network)[0]
    caller = _caller(network, actor_id)
    with use_locale("en"):
        english = opp.opportunities(db, caller, network_slug=SLUG).opportunities
    with use_locale("es"):
        spanish = opp.opportunities(db, caller, network_slug=SLUG).opportunities
    first = next(o for o in english if o.eligible)
    assert any(r.startswith("your levels: ") for r in first.reasons)
    assert any(r.startswith("you have the ") for r in first.reasons)
    mirror = next(o for o in spanish if o.role_id == first.role_id)
    assert len(mirror.reasons) == len(first.reasons)
    assert any(r.startswith("tus niveles: ") for r in mirror.reasons), mirror.reasons
    assert any("h/semana" in r for r in mirror.reasons), mirror.reasons
    assert not any("your " in r or "you have" in r for r in mirror.reasons)
    gaps = [g for o in spanish for g in o.gaps]
    assert not any("needs" in g or "h/week" in g for g in gaps), gaps
