"""Custom profile fields on both databases: typed values, their audiences, the directory's
filter (service, API, page, CLI), the bundle (round trip; a share keeps only public values)
and the map exports (node attributes the caller may see)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from coalition.config import Settings
from coalition.errors import Conflict, Forbidden, Invalid
from coalition.schemas.directory import ActorIn, ActorSearch, NetworkIn
from coalition.schemas.fields import FieldValuesIn, ProfileFieldIn, ProfileFieldPatch
from coalition.services import directory, networks, portability
from coalition.services import profile_fields as fields
from coalition.services.access import Caller
from coalition.store.tables import Actor
from tests.conftest import make_client

OPERATOR = Caller.operator()
SECRET = "FIELD-SECRET-q9z"


def _world(db: Session) -> dict[str, Any]:
    net = networks.create_network(db, OPERATOR, NetworkIn(slug="fnet", name="Fields"))
    ids = []
    for name in ("Ana", "Ben", "Cleo"):
        ids.append(
            directory.create_actor(
                db, OPERATOR, net, ActorIn(kind="person", name=name, sector="community")
            ).id
        )
    specs = [
        {"key": "river", "label": "River basin", "kind": "choice", "choices": ["Nile", "Rhine"]},
        {"key": "tools", "label": "Tools", "kind": "multi", "choices": ["GIS", "R", "Python"]},
        {"key": "since", "label": "Active since", "kind": "date"},
        {"key": "boats", "label": "Boats", "kind": "number"},
        {"key": "site", "label": "Site", "kind": "url"},
        {"key": "mentor", "label": "Mentor", "kind": "boolean"},
        {"key": "code", "label": "Code name", "kind": "text", "default_visibility": "private"},
    ]
    for spec in specs:
        fields.add_field(db, OPERATOR, net, ProfileFieldIn.model_validate(spec))
    db.flush()
    return {"net": net, "ids": ids}


def _set(db: Session, caller: Caller, actor_id: int, **values: Any) -> Any:
    return directory.set_field_values(
        db, caller, actor_id, FieldValuesIn.model_validate({"values": values})
    )


def test_values_are_checked_by_type_and_filtered_within_privacy(db: Session) -> None:
    w = _world(db)
    net, (ana, ben, cleo) = w["net"], w["ids"]
    out = _set(
        db,
        OPERATOR,
        ana,
        river="Nile",
        tools=["Python", "GIS"],
        since="2020-03-04",
        boats=3,
        site="https://ana.example",
        mentor=True,
        code=SECRET,
    )
    shown = {f.key: f.value for f in out.fields}
    # several choices keep the field's order; numbers are floats
    assert shown["tools"] == ["GIS", "Python"] and shown["boats"] == 3.0
    _set(db, OPERATOR, ben, river="Rhine", tools=["R"], boats="7", mentor="no")
    for bad in (
        {"river": "Amazon"},
        {"tools": ["Julia"]},
        {"since": "04/03/2020"},
        {"boats": "many"},
        {"site": "javascript:alert(1)"},
        {"mentor": "perhaps"},
        {"nope": "x"},
    ):
        with pytest.raises(Invalid):
            _set(db, OPERATOR, cleo, **bad)
    member = Caller(account_id=1, roles={net.id: "member"}, actor_ids=frozenset({cleo}))

    def found(caller: Caller, **filters: str) -> set[int]:
        page = directory.search_actors(db, caller, net, ActorSearch(fields=filters))
        return {a.id for a in page.items}

    assert found(member, river="Nile") == {ana}
    assert found(member, tools="r") == {ben}
    assert found(member, tools="gis", river="Nile") == {ana}
    assert found(member, boats=">=3") == {ana, ben} and found(member, boats="<=3") == {ana}
    assert found(member, mentor="yes") == {ana} and found(member, mentor="false") == {ben}
    assert found(member, since="2020-03-04") == {ana}
    assert found(member, site="ANA.example") == {ana}
    # the private value: its owner finds it; another member neither finds nor reads it
    owner = Caller(account_id=2, roles={net.id: "member"}, actor_ids=frozenset({ana}))
    assert found(owner, code=SECRET.lower()) == {ana}
    assert found(member, code=SECRET.lower()) == set()
    seen = directory.get_actor(db, member, ana)
    assert SECRET not in seen.model_dump_json() and "field.code" in seen.hidden
    assert SECRET in directory.get_actor(db, owner, ana).model_dump_json()
    # a steward editing the profile cannot overwrite what is kept from them
    steward = Caller(account_id=3, roles={net.id: "steward"})
    with pytest.raises(Invalid):
        _set(db, steward, ana, code="overwritten")
    with pytest.raises(Forbidden):
        _set(db, member, ana, river="Rhine")


def test_stewards_define_fields_and_choices_in_use_stay(db: Session) -> None:
    w = _world(db)
    net, (ana, _, _) = w["net"], w["ids"]
    member = Caller(account_id=1, roles={net.id: "member"})
    with pytest.raises(Forbidden):
        fields.add_field(db, member, net, ProfileFieldIn(key="x", label="X", kind="text"))
    with pytest.raises(Conflict):
        fields.add_field(db, OPERATOR, net, ProfileFieldIn(key="river", label="R", kind="text"))
    with pytest.raises(Invalid):
        fields.add_field(db, OPERATOR, net, ProfileFieldIn(key="c", label="C", kind="choice"))
    _set(db, OPERATOR, ana, river="Nile")
    river = fields.field_by_key(db, net, "river")
    with pytest.raises(Conflict):
        fields.update_field(db, OPERATOR, net, river.id, ProfileFieldPatch(choices=["Rhine"]))
    out = fields.update_field(
        db, OPERATOR, net, river.id, ProfileFieldPatch(choices=["Nile", "Rhine", "Volga"])
    )
    assert out.choices == ["Nile", "Rhine", "Volga"]
    fields.remove_field(db, OPERATOR, net, river.id)
    assert "river" not in {f.key for f in directory.get_actor(db, OPERATOR, ana).fields}


def test_the_bundle_carries_fields_and_a_share_only_public_values(db: Session) -> None:
    w = _world(db)
    ana, ben, _ = w["ids"]
    _set(db, OPERATOR, ana, river="Nile", tools=["R", "GIS"], boats=2.5, code=SECRET)
    _set(db, OPERATOR, ben, mentor=False, since="2021-01-02")
    directory.set_field_values(
        db,
        OPERATOR,
        ben,
        FieldValuesIn.model_validate(
            {"values": {"site": "https://b.example"}, "visibility": {"site": "public"}}
        ),
    )
    db.flush()
    full = portability.export_bundle(db, OPERATOR, "fnet", include_private=True)
    assert [f["key"] for f in full["profile_fields"]][:2] == ["river", "tools"]
    assert len(full["profile_field_values"]) == 7
    portability.import_bundle(db, OPERATOR, full, slug="fnet-copy")
    db.flush()
    again = portability.export_bundle(db, OPERATOR, "fnet-copy", include_private=True)
    assert {**again, "network": None} == {**full, "network": None}
    share = portability.export_bundle(db, OPERATOR, "fnet")
    assert SECRET not in json.dumps(share)
    assert [v["field"] for v in share["profile_field_values"]] == ["site"]
    # a value that does not fit its field refuses the whole bundle
    broken = json.loads(json.dumps(full))
    broken["profile_field_values"][0]["value"] = "Amazon"
    with pytest.raises(Invalid, match="profile_field_values"):
        portability.import_bundle(db, OPERATOR, broken, slug="fnet-broken")


def test_map_exports_carry_visible_fields_as_attributes(db: Session) -> None:
    from coalition.io import gexf, graphml
    from coalition.services.map_exchange import export_map

    w = _world(db)
    net, (ana, ben, _) = w["net"], w["ids"]
    _set(db, OPERATOR, ana, river="Nile", tools=["R", "GIS"], boats=2.0, code=SECRET)
    _set(db, OPERATOR, ben, mentor=True)
    db.flush()
    member = Caller(account_id=1, roles={net.id: "member"})
    content, _, _ = export_map(db, member, "fnet", "gexf", with_metrics=False)
    graph = gexf.read_gexf(content)
    attrs = {n.label: dict(n.attrs) for n in graph.nodes}
    assert attrs["Ana"]["River basin"] == "Nile" and attrs["Ana"]["Tools"] == ("GIS", "R")
    assert attrs["Ana"]["Boats"] == 2.0 and attrs["Ben"]["Mentor"] is True
    assert SECRET.encode() not in content
    owner_view, _, _ = export_map(db, OPERATOR, "fnet", "graphml", with_metrics=False)
    assert SECRET in {
        str(v) for n in graphml.read_graphml(owner_view).nodes for v in n.attrs.values()
    }
    csv_zip, _, _ = export_map(db, member, "fnet", "csv", with_metrics=False)
    assert b"River basin" in csv_zip or len(csv_zip) > 0


def test_api_page_and_cli(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from coalition.cli import app
    from coalition.store.session import session_scope

    with session_scope(settings.database_url) as db:
        w = _world(db)
        net_id, (ana, ben, _) = w["net"].id, w["ids"]
    steward = make_client(settings, Caller(account_id=9, roles={net_id: "steward"}))
    r = steward.post(
        "/api/networks/fnet/fields",
        json={"key": "ward", "label": "Ward", "kind": "choice", "choices": ["North", "South"]},
    )
    assert r.status_code == 201, r.text
    member = make_client(
        settings, Caller(account_id=10, roles={net_id: "member"}, actor_ids=frozenset({ana}))
    )
    assert (
        member.post(
            "/api/networks/fnet/fields", json={"key": "z", "label": "Z", "kind": "text"}
        ).status_code
        == 403
    )
    r = member.put(f"/api/actors/{ana}/fields", json={"values": {"ward": "North", "boats": 4}})
    assert r.status_code == 200, r.text
    assert (
        member.put(f"/api/actors/{ana}/fields", json={"values": {"ward": "East"}}).status_code
        == 422
    )
    r = member.get("/api/networks/fnet/actors", params={"field.ward": "North"})
    assert [a["id"] for a in r.json()["items"]] == [ana]
    assert member.get("/api/networks/fnet/actors", params={"field.BAD KEY": "x"}).status_code == 422
    assert member.get("/api/networks/fnet/actors", params={"field.nokey": "x"}).status_code == 404
    page = member.get("/n/fnet/directory", params={"field.ward": "North"})
    assert page.status_code == 200 and 'name="field.ward"' in page.text
    assert "1 match" in page.text
    profile = member.get(f"/actors/{ana}")
    assert "Ward" in profile.text and "North" in profile.text
    assert steward.get("/n/fnet/fields").status_code == 200
    assert member.get("/n/fnet/fields").status_code == 403

    monkeypatch.setenv("COALITION_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    r = runner.invoke(app, ["fields", "add", "depth", "Depth", "--kind", "number", "-n", "fnet"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["fields", "set", str(ben), "-v", "depth=12.5", "-v", "ward=South"])
    assert r.exit_code == 0 and "Depth: 12.5" in r.output, r.output
    r = runner.invoke(app, ["fields", "set", str(ben), "-v", "depth=deep"])
    assert r.exit_code != 0 and "number" in r.output
    r = runner.invoke(app, ["actors", "search", "-n", "fnet", "-f", "depth=>=10", "--json"])
    assert r.exit_code == 0, r.output
    assert [a["id"] for a in json.loads(r.output)["items"]] == [ben]
    r = runner.invoke(app, ["fields", "list", "-n", "fnet", "--json"])
    assert "depth" in r.output


def test_actor_rows_are_untouched_by_values(db: Session) -> None:
    """Values live in their own table: the actor's own columns do not change."""
    w = _world(db)
    before = db.get_one(Actor, w["ids"][0]).name
    _set(db, OPERATOR, w["ids"][0], river="Nile")
    assert db.get_one(Actor, w["ids"][0]).name == before


def test_both_demo_networks_have_fields_and_values_deterministically(clean_url: str) -> None:
    from coalition.demo import build_demo_bundle, enrich_demo
    from coalition.store.session import session_factory

    seen = []
    for _ in range(2):
        from tests.conftest import _wipe

        _wipe(clean_url)
        with session_factory(clean_url)() as db:
            portability.import_bundle(db, OPERATOR, build_demo_bundle(actors=80, seed=3))
            enrich_demo(db, "demo")
            db.commit()
            out = {}
            for slug in ("demo", "demo-movement"):
                bundle = portability.export_bundle(db, OPERATOR, slug, include_private=True)
                assert len(bundle["profile_fields"]) >= 4, slug
                assert len(bundle["profile_field_values"]) > 20, slug
                out[slug] = (bundle["profile_fields"], bundle["profile_field_values"])
            seen.append(out)
    assert seen[0] == seen[1]
