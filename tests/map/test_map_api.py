"""The map over HTTP and from the console: every metric, the drawing's data, exports as
files, imports that are refused whole with a report, the pages without JavaScript."""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import func, select
from typer.testing import CliRunner

from coalition.config import Settings
from coalition.io.bundle import import_bundle
from coalition.services.access import Caller
from coalition.store.session import session_scope
from coalition.store.tables import Network, Tie
from tests.conftest import make_client, small_bundle


def _load(settings: Settings) -> int:
    with session_scope(settings.database_url) as db:
        network = import_bundle(db, small_bundle(actors=40, seed=5), slug="small")
        db.flush()
        return network.id


def _ties(settings: Settings) -> int:
    with session_scope(settings.database_url) as db:
        return db.scalar(select(func.count()).select_from(Tie)) or 0


def test_api_reads_filters_and_refusals(settings: Settings) -> None:
    nid = _load(settings)
    member = make_client(settings, Caller(account_id=1, roles={nid: "member"}))
    r = member.get("/api/networks/small/map/analysis")
    assert r.status_code == 200, r.text
    body = r.json()
    assert {"actors", "network", "method", "timings"} <= set(body)
    for metric in (
        "pagerank",
        "betweenness",
        "closeness",
        "constraint",
        "effective_size",
        "coordinator",
        "gatekeeper",
        "representative",
        "consultant",
        "liaison",
        "community",
        "weighted_degree",
    ):
        assert len(body["actors"][metric]) == body["network"]["n_actors"]
    r = member.get("/api/networks/small/map", params={"types": "collaborated,referred"})
    assert r.status_code == 200
    view = r.json()
    assert view["query"]["types"] == ["collaborated", "referred"]
    assert len(view["nodes"]["x"]) == len(view["nodes"]["id"])
    first = view["periods"][0]["label"]
    r = member.get("/api/networks/small/map", params={"period": first})
    assert r.status_code == 200 and r.json()["query"]["period"] == first
    assert member.get("/api/networks/small/map/changes").json()["changes"]
    for params, field in (
        ({"types": "friendship"}, "types"),
        ({"period": "20x4"}, "period"),
        ({"since": "2024-01-01"}, "since"),
    ):
        r = member.get("/api/networks/small/map/analysis", params=params)
        assert r.status_code == 422 and r.json()["field"] == field, r.text
    r = member.get("/api/networks/small/map/analysis", params={"at": "yesterday"})
    assert r.status_code == 422
    actor = view["nodes"]["id"][0]
    ties = member.get(f"/api/networks/small/map/actors/{actor}/ties").json()
    assert all(t["other_name"] for t in ties)
    # a period keeps the ties active in it, as the ties list's since/until window does
    year = view["periods"][-2]["label"]
    lo, hi = f"{year}-01-01", f"{year}-12-31"
    in_year = member.get(
        f"/api/networks/small/map/actors/{actor}/ties", params={"period": year}
    ).json()
    expected = {
        t["id"]
        for t in ties
        if (t["start"] is None or t["start"] <= hi) and (t["end"] is None or t["end"] >= lo)
    }
    assert {t["id"] for t in in_year} == expected and len(expected) < len(ties)
    listed = member.get(
        "/api/networks/small/ties", params={"actor": actor, "since": lo, "until": hi}
    ).json()
    assert {t["id"] for t in listed} == expected
    outsider = make_client(settings, Caller(account_id=2, roles={nid + 99: "member"}))
    assert outsider.get("/api/networks/small/map").status_code == 404
    assert make_client(settings).get("/api/networks/small/map/analysis").status_code == 404


def test_exports_are_files_in_each_format(settings: Settings) -> None:
    nid = _load(settings)
    member = make_client(settings, Caller(account_id=1, roles={nid: "member"}))
    expected = {
        "gexf": ("application/gexf+xml", b"<gexf"),
        "graphml": ("application/graphml+xml", b"<graphml"),
        "kumu": ("application/json", b'"elements"'),
        "csv": ("application/zip", b"PK"),
        "xlsx": ("application/vnd.openxmlformats", b"PK"),
    }
    for fmt, (media, marker) in expected.items():
        r = member.get("/api/networks/small/map/export", params={"format": fmt})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith(media)
        assert "attachment" in r.headers["content-disposition"]
        assert marker in r.content[:4000]
    zipped = member.get("/api/networks/small/map/export", params={"format": "csv"}).content
    names = zipfile.ZipFile(io.BytesIO(zipped)).namelist()
    assert {"connections.csv", "elements.csv"} <= set(names)
    assert member.get("/api/networks/small/map/export", params={"format": "dot"}).status_code == 422


def test_imports_are_for_stewards_and_all_or_nothing(settings: Settings) -> None:
    nid = _load(settings)
    steward = make_client(settings, Caller(account_id=1, roles={nid: "steward"}))
    member = make_client(settings, Caller(account_id=2, roles={nid: "member"}))
    content = steward.get("/api/networks/small/map/export", params={"format": "kumu"}).content
    doc = json.loads(content)
    first = doc["elements"][0]["id"]
    doc["elements"].append(
        {"id": "new-1", "label": "Nia Osei", "type": "person", "sector": "health"}
    )
    doc["connections"] = [{"from": "new-1", "to": first, "type": "collaborated", "strength": 2.0}]
    good = json.dumps(doc).encode()
    before = _ties(settings)
    r = member.post("/api/networks/small/map/import?format=kumu", content=good)
    assert r.status_code == 403
    bad = json.loads(good)
    bad["connections"].append({"from": "new-1", "to": "nobody", "type": "collaborated"})
    r = steward.post("/api/networks/small/map/import?format=kumu", content=json.dumps(bad).encode())
    assert r.status_code == 422
    assert any("nobody" in p["why"] for p in r.json()["problems"])
    assert _ties(settings) == before
    r = steward.post("/api/networks/small/map/import?format=kumu", content=b"{not json")
    assert r.status_code == 422 and r.json()["problems"]
    r = steward.post("/api/networks/small/map/import?format=kumu", content=good)
    assert r.status_code == 200, r.text
    assert r.json()["actors_created"] == 1 and r.json()["ties_created"] == 1
    assert _ties(settings) == before + 1


def test_map_pages_without_javascript(settings: Settings) -> None:
    nid = _load(settings)
    member = make_client(settings, Caller(account_id=1, roles={nid: "member"}))
    r = member.get("/n/small/map")
    assert r.status_code == 200
    html = r.text
    assert 'id="map-canvas"' in html and 'data-source="/api/networks/small/map"' in html
    assert '<table id="map-table"' in html and "/api/networks/small/map/export?format=gexf" in html
    view = member.get("/api/networks/small/map").json()
    top = max(range(len(view["nodes"]["id"])), key=lambda i: view["nodes"]["pagerank"][i])
    assert view["nodes"]["name"][top] in html
    name_of = dict(zip(view["nodes"]["id"], view["nodes"]["name"], strict=True))
    for actor in view["summary"]["newcomers_unconnected"][:12]:
        assert f'<a href="/actors/{actor}">{name_of[actor]}</a>' in html
    for actor in view["summary"]["bridge_holders"][:3]:
        assert f'href="/actors/{actor}"' in html
    r = member.get(
        "/n/small/map", params={"types": "collaborated", "slot": 0, "size": "betweenness"}
    )
    assert r.status_code == 200
    assert f"period={view['periods'][0]['label']}" in r.text and "types=collaborated" in r.text
    assert member.get("/n/small/map", params={"size": "shoe_size"}).status_code == 422
    r = member.get("/n/small/map/changes")
    assert r.status_code == 200 and "→" in r.text
    assert make_client(settings).get("/n/small/map").status_code == 404


def test_cli_analyze_export_and_import(settings: Settings, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from coalition.cli import app

    _load(settings)
    monkeypatch.setenv("COALITION_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    r = runner.invoke(app, ["map", "analyze", "-n", "small", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["network"]["n_actors"] > 0
    r = runner.invoke(app, ["map", "analyze", "-n", "small", "--at", "2024-06-30", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["query"]["window"] == [
        "2024-06-30",
        "2024-06-30",
    ]
    r = runner.invoke(app, ["map", "changes", "-n", "small"])
    assert r.exit_code == 0 and "→" in r.stdout
    out = tmp_path / "small.graphml"
    r = runner.invoke(app, ["map", "export", "-n", "small", "--format", "graphml", "-o", str(out)])
    assert r.exit_code == 0 and out.read_bytes().startswith(b"<?xml")
    with session_scope(settings.database_url) as db:
        db.add(Network(slug="copy", name="Copy"))
    r = runner.invoke(app, ["import", "map", str(out), "-n", "copy"])
    assert r.exit_code == 0, r.output
    broken = tmp_path / "broken.graphml"
    broken.write_bytes(out.read_bytes().replace(b"</graphml>", b""))
    before = _ties(settings)
    r = runner.invoke(app, ["import", "map", str(broken), "-n", "copy"])
    assert r.exit_code == 1 and "problem" in r.output
    assert _ties(settings) == before
    r = runner.invoke(app, ["map", "analyze", "-n", "small", "--types", "gossip"])
    assert r.exit_code == 1 and "gossip" in r.output
