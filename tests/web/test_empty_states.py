"""Every list page, when empty, says what it lists, what to do first, and offers a way to do
it (issue 19, item 5)."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from coalition.config import Settings
from coalition.schemas.directory import NetworkIn
from coalition.schemas.initiatives import InitiativeIn
from coalition.services import initiatives, networks
from coalition.services.access import Caller
from coalition.store.session import session_factory
from tests.conftest import make_client

HTML = {"accept": "text/html"}


@pytest.fixture
def empty_world(settings: Settings) -> tuple[int, int]:
    with session_factory(settings.database_url)() as db:
        network = networks.create_network(
            db, Caller.operator(), NetworkIn(slug="quiet", name="Quiet")
        )
        initiative = initiatives.create_initiative(
            db,
            Caller.operator(),
            network,
            InitiativeIn.model_validate(
                {"kind": "project", "title": "First", "purpose": "Start", "status": "forming"}
            ),
        )
        db.commit()
        return network.id, initiative.id


PAGES = [
    ("/n/quiet/directory", "no-actors"),
    ("/n/quiet/map", "no-ties"),
    ("/me/invitations", "no-invitations"),
    ("/me/commitments", "no-engagements"),
    ("/me/threads", "no-threads"),
    ("/n/quiet/decisions", "no-decisions"),
    ("/initiatives/{initiative}/threads", "no-initiative-threads"),
]


def test_empty_lists_say_what_to_do_first(settings: Settings, empty_world: tuple[int, int]) -> None:
    network_id, initiative_id = empty_world
    caller = Caller(account_id=7, actor_ids=frozenset(), roles={network_id: "member"})
    client = make_client(settings, caller)
    for path, section in PAGES:
        url = path.format(initiative=initiative_id)
        r = client.get(url, headers=HTML)
        assert r.status_code == 200, (url, r.status_code, r.text[:300])
        doc = lxml_html.fromstring(r.text)
        found = doc.xpath(f"//section[@aria-labelledby='{section}']")
        assert found, f"{url}: no empty state"
        box = found[0]
        assert box.xpath(f".//h2[@id='{section}']"), url
        assert len(box.xpath(".//p")) >= 2, f"{url}: what it is and what to do first"
        assert box.xpath(".//a[@class='button']/@href"), f"{url}: no button"


def test_empty_initiatives_page_offers_to_start_one(settings: Settings) -> None:
    with session_factory(settings.database_url)() as db:
        network = networks.create_network(db, Caller.operator(), NetworkIn(slug="new", name="N"))
        db.commit()
        network_id = network.id
    convenor = Caller(account_id=8, actor_ids=frozenset(), roles={network_id: "convenor"})
    doc = lxml_html.fromstring(
        make_client(settings, convenor).get("/n/new/initiatives", headers=HTML).text
    )
    assert doc.xpath("//section[@aria-labelledby='no-initiatives']//a/@href") == [
        "/n/new/initiatives/new"
    ]
