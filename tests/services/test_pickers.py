"""Pickers (services/pickers.py): what a person may pick by name, on both databases.

A private or anonymised profile, a profile or an asset of another network never appear, not
even to a steward; profiles an account owns are not offered to a steward's invitation; the
text is bounded and so are the results.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.orm import Session

from coalition.domain import PickKind
from coalition.errors import Forbidden, Invalid, NotFound, Unauthorized
from coalition.services import pickers
from coalition.services.access import Caller
from coalition.store.tables import Actor, Network
from coalition.store.tables_auth import Membership
from coalition.store.tables_outcomes import KnowledgeAsset
from tests import factories as f


@dataclass
class World:
    home: Network
    away: Network
    ana: int
    anabel: int
    hidden: int
    gone: int
    stranger: int
    claimed_account: int
    me: Caller
    steward: Caller
    outsider: Caller
    asset: int
    away_asset: int


def _asset(db: Session, network: Network, title: str) -> int:
    row = KnowledgeAsset(
        network_id=network.id,
        title=title,
        link="https://example.org/x",
        licence="CC-BY-4.0",
        shared_on=date(2024, 1, 1),
    )
    db.add(row)
    db.flush()
    return row.id


@pytest.fixture
def world(db: Session) -> World:
    home = f.network(db, "home")
    away = f.network(db, "away")
    me = f.actor(db, home, "Convenor Carla")
    ana = f.actor(db, home, "Ana Ruiz", headline="Facilitator " + "x" * 200)
    anabel = f.actor(db, home, "Maria Anabel", sector="funder")
    hidden = f.actor(db, home, "Ana Hidden", visibility="private")
    gone = f.actor(db, home, "Ana Gone")
    db.get_one(Actor, gone).anonymised = 1
    # Public, in a public network: readable by anyone, but not of the home network.
    stranger = f.actor(db, away, "Ana Stranger", visibility="public")
    owner = f.account(db, "ana@example.org", "Ana")
    db.add(Membership(account_id=owner.id, network_id=home.id, role="member", actor_id=ana))
    db.flush()
    steward_actor = f.actor(db, home, "Steward Sam")
    return World(
        home=home,
        away=away,
        ana=ana,
        anabel=anabel,
        hidden=hidden,
        gone=gone,
        stranger=stranger,
        claimed_account=owner.id,
        me=f.caller(home.id, me),
        steward=f.caller(home.id, steward_actor, "steward"),
        outsider=f.caller(away.id, stranger),
        asset=_asset(db, home, "Facilitation guide"),
        away_asset=_asset(db, away, "Facilitation guide (away)"),
    )


def _ids(db: Session, caller: Caller, kind: PickKind, text: str, slug: str = "home") -> list[int]:
    network = pickers.picker_network(db, caller, slug, kind)
    return [p.id for p in pickers.search(db, caller, network, kind, text)]


def test_members_found_by_part_of_the_name_those_starting_with_it_first(
    db: Session, world: World
) -> None:
    assert _ids(db, world.me, PickKind.members, "ana") == [world.ana, world.anabel]
    assert _ids(db, world.me, PickKind.members, "  RUIZ ") == [world.ana]
    assert _ids(db, world.me, PickKind.members, str(world.anabel)) == [world.anabel]
    assert _ids(db, world.me, PickKind.members, "") == []


def test_private_anonymised_and_other_networks_profiles_never_appear(
    db: Session, world: World
) -> None:
    never = {world.hidden, world.gone, world.stranger}
    for caller in (world.me, world.steward, Caller.operator()):
        for text in ("ana", str(world.hidden), str(world.stranger), str(world.gone)):
            assert never.isdisjoint(_ids(db, caller, PickKind.members, text))
    # Not even the owner of a private profile picks it by name.
    owner = f.caller(world.home.id, world.hidden)
    assert world.hidden not in _ids(db, owner, PickKind.members, "hidden")
    network = pickers.picker_network(db, world.me, "home", PickKind.members)
    every = [world.ana, world.hidden, world.gone, world.stranger]
    picked = pickers.picked(db, world.me, network, PickKind.members, every)
    assert [p.id for p in picked] == [world.ana]


def test_only_a_name_a_sector_and_a_short_headline_are_shown(db: Session, world: World) -> None:
    network = pickers.picker_network(db, world.me, "home", PickKind.members)
    (pick,) = pickers.search(db, world.me, network, PickKind.members, "ruiz")
    assert (pick.label, pick.sector) == ("Ana Ruiz", "independent")
    assert len(pick.note) == pickers.NOTE_MAX and pick.note.endswith("…")
    assert set(vars(pick)) == {"id", "label", "sector", "note"}


def test_outsiders_and_visitors_cannot_pick_in_a_network(db: Session, world: World) -> None:
    with pytest.raises(NotFound):
        pickers.picker_network(db, world.outsider, "home", PickKind.members)
    with pytest.raises(Unauthorized):
        pickers.picker_network(db, Caller.anonymous(), "home", PickKind.members)


def test_profiles_without_an_account_are_a_stewards_to_pick(db: Session, world: World) -> None:
    found = _ids(db, world.steward, PickKind.profiles, "ana")
    assert found == [world.anabel]  # Ana Ruiz has an account; private and gone never show
    with pytest.raises(Forbidden):
        pickers.picker_network(db, world.me, "home", PickKind.profiles)


def test_assets_of_the_network_only(db: Session, world: World) -> None:
    assert _ids(db, world.me, PickKind.assets, "guide") == [world.asset]
    assert _ids(db, world.me, PickKind.assets, str(world.away_asset)) == []
    assert _ids(db, world.outsider, PickKind.assets, "guide", slug="away") == [world.away_asset]


def test_the_text_and_the_results_are_bounded(db: Session, world: World) -> None:
    for i in range(pickers.PICK_LIMIT + 3):
        f.actor(db, world.home, f"Zed {i:02d}")
    found = _ids(db, world.me, PickKind.members, "zed")
    assert len(found) == pickers.PICK_LIMIT
    with pytest.raises(Invalid):
        pickers.clean_query("z" * (pickers.QUERY_MAX + 1))
    # LIKE's wildcards are letters like the others.
    under = f.actor(db, world.home, "Under_score")
    assert _ids(db, world.me, PickKind.members, "r_s") == [under]
    assert _ids(db, world.me, PickKind.members, "a_a") == []
    assert _ids(db, world.me, PickKind.members, "%") == []
