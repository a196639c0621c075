"""The directory service: create, edit, privacy, and every search filter."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from coalition.errors import Conflict, Invalid, NotFound
from coalition.schemas.directory import (
    ActorIn,
    ActorPatch,
    ActorSearch,
    CapabilityIn,
    NetworkIn,
)
from coalition.services import directory, networks
from coalition.services.access import Caller

OP = Caller.operator()


def _network(db: Session, slug: str = "net") -> object:
    network = networks.create_network(db, OP, NetworkIn(slug=slug, name=slug.title()))
    for term in ("Facilitation", "Coaching", "Learning design"):
        networks.add_capability(db, OP, network, CapabilityIn(term=term))
    return network


def _actor(db: Session, network: object, **kw: object) -> int:
    data = {
        "kind": "person",
        "name": "Ada",
        "sector": "independent",
        "timezone": "Europe/Paris",
        "languages": ["en", "fr"],
        "capacity_hours": 20.0,
        "visibility": "public",
        "capabilities": [{"term": "Facilitation", "level": 4}],
        "purposes": ["youth employment"],
    }
    data.update(kw)
    return directory.create_actor(db, OP, network, ActorIn.model_validate(data)).id  # type: ignore[arg-type]


def test_search_filters(db: Session) -> None:
    net = _network(db)
    a = _actor(db, net, name="Ada")
    b = _actor(
        db,
        net,
        name="Bola",
        timezone="Africa/Lagos",
        languages=["en", "yo"],
        capabilities=[{"term": "Coaching", "level": 5}, {"term": "Facilitation", "level": 2}],
        purposes=["climate adaptation"],
        capacity_hours=4.0,
    )
    c = _actor(
        db,
        net,
        name="Chen",
        timezone="Asia/Singapore",
        languages=["zh"],
        sector="business",
        capabilities=[{"term": "Learning design", "level": 3}],
        purposes=[],
    )
    db.commit()

    def ids(**q: object) -> list[int]:
        page = directory.search_actors(db, OP, net, ActorSearch.model_validate(q))  # type: ignore[arg-type]
        return sorted(x.id for x in page.items)

    assert ids() == sorted([a, b, c])
    assert ids(capability=["Facilitation"]) == sorted([a, b])
    assert ids(capability=["Facilitation"], min_level=3) == [a]
    assert ids(capability=["Facilitation", "Coaching"]) == [b]
    assert ids(purpose="youth employment") == [a]
    assert ids(sector="business") == [c]
    assert ids(region="apac") == [c]
    assert ids(region="emea") == sorted([a, b])
    assert ids(timezone="Africa/Lagos") == [b]
    assert ids(language="fr") == [a]
    assert ids(min_free_hours=10) == sorted([a, c])
    assert ids(q="bol") == [b]
    with pytest.raises(Invalid) as info:
        ids(capability=["Juggling"])
    assert info.value.field == "capability"


def test_text_search_ranks_by_relevance(db: Session) -> None:
    """Names first, then headlines, then purposes and bio; profiles without the words left out
    (on SQLite by LIKE, on PostgreSQL by trigram similarity and full-text rank)."""
    net = _network(db)
    in_bio = _actor(db, net, name="Aaron", bio="We restore the river banks every spring.")
    in_headline = _actor(db, net, name="Abel", headline="River restoration, wetlands")
    in_name = _actor(db, net, name="River Trust")
    in_purpose = _actor(db, net, name="Abby", purpose_text="Clean river water for towns")
    _actor(db, net, name="Ada", headline="Coaching", bio="Nothing about water.")
    db.commit()
    page = directory.search_actors(db, OP, net, ActorSearch(q="river"))  # type: ignore[arg-type]
    order = [x.id for x in page.items]
    assert page.total == 4
    assert order[:2] == [in_name, in_headline]
    assert set(order[2:]) == {in_bio, in_purpose}
    # Without words, the order stays by name.
    names = [x.name for x in directory.search_actors(db, OP, net, ActorSearch()).items]  # type: ignore[arg-type]
    assert names == sorted(names)


def test_count_stops_past_the_cap(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past COUNT_CAP matches beyond the page's start the total is that bound, flagged; at or
    under it the count is exact. The page itself is the same either way."""
    net = _network(db)
    ids = [_actor(db, net, name=f"Member {i:02d}") for i in range(7)]
    db.commit()
    monkeypatch.setattr(directory, "COUNT_CAP", 3)

    def page(**kw: object) -> tuple[int, bool, list[int]]:
        found = directory.search_actors(db, OP, net, ActorSearch.model_validate(kw))  # type: ignore[arg-type]
        return found.total, found.total_capped, [x.id for x in found.items]

    assert page(limit=2) == (3, True, ids[:2])
    # The cap counts from the page's start: page 3 of 2 still sees more, page 4 the last row.
    assert page(limit=2, offset=2) == (5, True, ids[2:4])
    assert page(limit=2, offset=4) == (7, False, ids[4:6])
    total, capped, found = page(q="member 0", limit=10)
    assert (total, capped, sorted(found)) == (3, True, ids)
    monkeypatch.setattr(directory, "COUNT_CAP", 7)
    assert page(limit=10) == (7, False, ids)


def test_facets_follow_every_change(db: Session) -> None:
    """The filters' choices are kept per data version and audience: a new profile, a profile
    made private and another audience each see what they may, never a stale list."""
    net = _network(db)
    anon = Caller.anonymous()
    _actor(db, net, timezone="Europe/Paris", languages=["fr"])
    assert directory.facets(db, anon, net) == {  # type: ignore[arg-type]
        "timezones": ["Europe/Paris"],
        "languages": ["fr"],
    }
    bola = _actor(db, net, name="Bola", timezone="Africa/Lagos", languages=["yo"])
    assert directory.facets(db, anon, net)["timezones"] == ["Africa/Lagos", "Europe/Paris"]  # type: ignore[arg-type]
    directory.update_actor(db, OP, bola, ActorPatch(visibility="private"))
    assert directory.facets(db, anon, net)["languages"] == ["fr"]  # type: ignore[arg-type]
    assert directory.facets(db, OP, net)["languages"] == ["fr", "yo"]  # type: ignore[arg-type]


def test_text_search_takes_wildcards_literally(db: Session) -> None:
    net = _network(db)
    percent = _actor(db, net, name="100% Solar")
    _actor(db, net, name="1000 Solar roofs")
    under = _actor(db, net, name="Snake_case Club")
    _actor(db, net, name="Snakes Club")
    db.commit()

    def ids(q: str) -> list[int]:
        page = directory.search_actors(db, OP, net, ActorSearch(q=q))  # type: ignore[arg-type]
        return [x.id for x in page.items]

    assert ids("100%") == [percent]
    assert ids("snake_") == [under]
    assert ids("\\") == []


def test_private_fields_hidden_from_others(db: Session) -> None:
    net = _network(db)
    actor_id = _actor(db, net, day_rate=900.0, email="ada@example.org")
    db.commit()
    stranger = Caller.anonymous()
    seen = directory.get_actor(db, stranger, actor_id)
    assert seen.day_rate is None and "day_rate" in seen.hidden
    assert seen.email is None and "contact" in seen.hidden
    owner = Caller(account_id=1, actor_ids=frozenset({actor_id}), roles={})
    mine = directory.get_actor(db, owner, actor_id)
    assert mine.day_rate == 900.0 and mine.email == "ada@example.org"
    # A capacity filter never reveals capacity the caller may not see.
    page = directory.search_actors(db, stranger, net, ActorSearch(min_free_hours=1))  # type: ignore[arg-type]
    assert page.total == 0


def test_hidden_actor_is_not_found(db: Session) -> None:
    net = _network(db)
    actor_id = _actor(db, net, visibility="network")
    db.commit()
    with pytest.raises(NotFound):
        directory.get_actor(db, Caller.anonymous(), actor_id)


def test_update_and_capacity_floor(db: Session) -> None:
    net = _network(db)
    actor_id = _actor(db, net)
    db.commit()
    out = directory.update_actor(
        db, OP, actor_id, ActorPatch(timezone="America/Chicago", capabilities=[])
    )
    assert out.region == "americas" and out.capabilities == []
    from coalition.store.tables import Actor

    db.get_one(Actor, actor_id).committed_hours = 15
    db.flush()
    with pytest.raises(Conflict):
        directory.update_actor(db, OP, actor_id, ActorPatch(capacity_hours=10))


def test_duplicate_external_id_conflicts(db: Session) -> None:
    net = _network(db)
    _actor(db, net, external_id="x1")
    with pytest.raises(Conflict):
        _actor(db, net, external_id="x1")


def test_affiliation_to_unknown_org_conflicts(db: Session) -> None:
    net = _network(db)
    with pytest.raises(Conflict):
        _actor(db, net, affiliations=[{"organisation_id": 999}])
