"""The JSON API and the pages: authorisation, 422s that write nothing, CSV exports, forms."""

from __future__ import annotations

import base64
import csv
import io

from sqlalchemy import func, select

from coalition.config import Settings
from coalition.services.access import Caller
from coalition.store.session import session_scope
from coalition.store.tables import Network, Tie
from coalition.store.tables_outcomes import (
    Contribution,
    HealthRating,
    KnowledgeAsset,
    Measurement,
)
from tests.conftest import make_client
from tests.factories import OutcomesWorld, outcomes_world


def _world(settings: Settings) -> OutcomesWorld:
    with session_scope(settings.database_url) as db:
        w = outcomes_world(db)
        db.expunge(w.network)
    return w


def _count(settings: Settings, table: type) -> int:
    with session_scope(settings.database_url) as db:
        return db.scalar(select(func.count()).select_from(table)) or 0


OUTCOME = {
    "name": "Homes insulated",
    "unit": "homes",
    "baseline": 0,
    "baseline_date": "2026-01-01",
    "target": 100,
    "direction": "increase",
    "due_date": "2026-04-11",
}


def test_outcome_flow_and_bad_measurements(settings: Settings) -> None:
    w = _world(settings)
    cleo, ada = make_client(settings, w.caller(w.cleo)), make_client(settings, w.caller(w.ada))
    assert ada.post(f"/api/initiatives/{w.initiative}/outcomes", json=OUTCOME).status_code == 403
    r = cleo.post(f"/api/initiatives/{w.initiative}/outcomes", json=OUTCOME)
    assert r.status_code == 201, r.text
    oid = r.json()["id"]
    r = cleo.post(
        f"/api/outcomes/{oid}/measurements",
        json={"value": 40, "unit": "homes", "measured_on": "2026-02-20", "source": "survey"},
    )
    assert r.status_code == 201 and r.json()["status"] == "at_risk"
    assert r.json()["latest"]["expected_value"] == 50

    for body, field, reason in (
        ({"value": 3, "unit": "kWh", "measured_on": "2026-02-01"}, "unit", "measured in homes"),
        ({"value": 3, "unit": "homes", "measured_on": "2025-12-01"}, "measured_on", "before"),
    ):
        r = cleo.post(f"/api/outcomes/{oid}/measurements", json=body)
        assert r.status_code == 422 and r.json()["field"] == field
        assert reason in r.json()["detail"]
    r = cleo.post(
        f"/api/outcomes/{oid}/measurements",
        json={"value": "3", "unit": "homes", "measured_on": "2026-02-01"},
    )
    assert r.status_code == 422  # strict: a string is not a number
    assert _count(settings, Measurement) == 1
    listed = ada.get(f"/api/initiatives/{w.initiative}/outcomes").json()
    assert [o["status"] for o in listed] == ["at_risk"]
    outsider = make_client(settings, Caller(account_id=9, actor_ids=frozenset(), roles={}))
    assert outsider.get(f"/api/initiatives/{w.initiative}/outcomes").status_code == 404


def test_confirmation_api(settings: Settings) -> None:
    w = _world(settings)
    ada, dan = make_client(settings, w.caller(w.ada)), make_client(settings, w.caller(w.dan))
    bola = make_client(settings, w.caller(w.bola))
    body = {
        "contributor_id": w.ada,
        "kind": "introductions",
        "amount": 2,
        "unit": "introductions",
        "contributed_on": "2026-02-01",
    }
    assert bola.post(f"/api/initiatives/{w.initiative}/contributions", json=body).status_code == 403
    r = ada.post(f"/api/initiatives/{w.initiative}/contributions", json=body)
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    ties = _count(settings, Tie)
    r = dan.post(f"/api/contributions/{cid}/confirm", json={"confirmer_id": w.dan})
    assert r.status_code == 422 and r.json()["field"] == "confirmer_id"
    assert "not on initiative" in r.json()["detail"]
    r = ada.post(f"/api/contributions/{cid}/confirm", json={"confirmer_id": w.ada})
    assert r.status_code == 422 and "own contribution" in r.json()["detail"]
    assert _count(settings, Tie) == ties
    r = bola.post(f"/api/contributions/{cid}/confirm", json={"confirmer_id": w.bola})
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    assert _count(settings, Tie) == ties + 1
    r = dan.get("/api/networks/out/ties", params={"kind": "referred"})
    assert [(t["source_id"], t["target_id"], t["origin"]) for t in r.json()] == [
        (w.ada, w.bola, "contribution")
    ]
    ledger = dan.get("/api/networks/out/contributions", params={"status": "confirmed"}).json()
    assert [c["id"] for c in ledger] == [cid] and ledger[0]["confirmed_by_name"] == "Bola"
    assert (
        bola.post(f"/api/contributions/{cid}/confirm", json={"confirmer_id": w.bola}).status_code
        == 409
    )


def test_commons_api(settings: Settings) -> None:
    w = _world(settings)
    dan, ada = make_client(settings, w.caller(w.dan)), make_client(settings, w.caller(w.ada))
    bad = {"title": "Kit", "link": "https://e.org/kit", "licence": "Freeware", "authors": [w.dan]}
    r = dan.post("/api/networks/out/assets", json=bad)
    assert r.status_code == 422 and "not an SPDX licence" in r.text
    assert _count(settings, KnowledgeAsset) == 0
    payload = b"hello commons"
    r = dan.post(
        "/api/networks/out/assets",
        json={
            "title": "Kit",
            "licence": "CC-BY-SA-4.0",
            "authors": [w.dan, w.ada],
            "file": {
                "name": "kit.txt",
                "media_type": "text/plain",
                "content_base64": base64.b64encode(payload).decode(),
            },
        },
    )
    assert r.status_code == 201, r.text
    asset = r.json()
    got = ada.get(asset["download_url"])
    assert got.status_code == 200 and got.content == payload
    assert "attachment" in got.headers["content-disposition"]
    r = ada.post(
        f"/api/assets/{asset['id']}/reuses",
        json={"initiative_id": w.initiative, "recorded_by_id": w.ada, "reused_on": "2026-03-01"},
    )
    assert r.status_code == 201, r.text
    credits = ada.get(f"/api/actors/{w.dan}/credits").json()
    assert credits["total_reuses"] == 1 and credits["reuses"][0]["initiative_title"] == "Warm homes"
    assert ada.get(f"/api/actors/{w.ada}/credits").json()["total_reuses"] == 1
    assert ada.get(f"/api/initiatives/{w.initiative}/reuses").json()[0]["asset_id"] == asset["id"]


def test_health_api_and_exports(settings: Settings) -> None:
    w = _world(settings)
    cleo, ada = make_client(settings, w.caller(w.cleo)), make_client(settings, w.caller(w.ada))
    dan = make_client(settings, w.caller(w.dan))
    r = cleo.post(f"/api/initiatives/{w.initiative}/health-checks", json={"held_on": "2026-03-01"})
    assert r.status_code == 201, r.text
    hid = r.json()["id"]
    assert (
        ada.post(
            f"/api/health-checks/{hid}/ratings",
            json={"actor_id": w.ada, "ratings": {"trust": 2, "learning": 5}},
        ).status_code
        == 200
    )
    r = cleo.post(
        f"/api/health-checks/{hid}/ratings", json={"actor_id": w.cleo, "ratings": {"trust": 4}}
    )
    assert r.status_code == 200
    trust = next(b for b in r.json()["blocks"] if b["block"] == "trust")
    # Two raters: their mean and range would give away both ratings, so only the count shows.
    assert (trust["n"], trust["mean"], trust["sd"], trust["minimum"], trust["range"]) == (
        2,
        None,
        None,
        None,
        None,
    )
    bola = make_client(settings, w.caller(w.bola))
    r = bola.post(
        f"/api/health-checks/{hid}/ratings", json={"actor_id": w.bola, "ratings": {"trust": 3}}
    )
    assert r.status_code == 200, r.text
    trust = next(b for b in r.json()["blocks"] if b["block"] == "trust")
    assert (trust["n"], trust["mean"], trust["range"]) == (3, 3.0, 2)
    r = dan.post(
        f"/api/health-checks/{hid}/ratings", json={"actor_id": w.dan, "ratings": {"trust": 1}}
    )
    assert r.status_code == 403
    r = ada.post(
        f"/api/health-checks/{hid}/ratings", json={"actor_id": w.ada, "ratings": {"trust": 6}}
    )
    assert r.status_code == 422
    assert _count(settings, HealthRating) == 4

    cleo.post(f"/api/initiatives/{w.initiative}/outcomes", json=OUTCOME)
    r = dan.get("/api/networks/out/exports/health.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 7
    trust_row = next(x for x in rows if x["block"] == "trust")
    assert (trust_row["respondents"], trust_row["mean"], trust_row["sd"]) == ("3", "3", "0.816")
    learning_row = next(x for x in rows if x["block"] == "learning")
    assert (learning_row["respondents"], learning_row["mean"], learning_row["max"]) == (
        "1",
        "",
        "",
    )
    assert "actor_id" not in rows[0]  # aggregates only, never one member's ratings
    for what in ("outcomes", "measurements", "contributions", "assets"):
        r = dan.get(f"/api/networks/out/exports/{what}.csv")
        assert r.status_code == 200 and r.text.count("\n") >= 1
    assert dan.get("/api/networks/out/exports/secrets.csv").status_code == 422
    anonymous = make_client(settings, Caller.anonymous())
    assert anonymous.get("/api/networks/out/exports/outcomes.csv").status_code == 401
    fair = dan.get("/api/networks/out/fairness", params={"on": "2026-06-30"}).json()
    assert fair["actors"] == 4 and 0 <= fair["gini_opportunity"] <= 1


def test_pages_and_forms(settings: Settings) -> None:
    w = _world(settings)
    cleo, ada = make_client(settings, w.caller(w.cleo)), make_client(settings, w.caller(w.ada))
    bola = make_client(settings, w.caller(w.bola))
    html = {"accept": "text/html"}
    base = f"/initiatives/{w.initiative}/outcomes"
    r = cleo.post(
        f"{base}/new",
        data={**{k: str(v) for k, v in OUTCOME.items()}},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    oid = int(r.headers["location"].rsplit("-", 1)[1])
    r = cleo.post(
        f"/outcomes/{oid}/measurements/new",
        data={"value": "30", "unit": "homes", "measured_on": "2026-02-20"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = cleo.post(
        f"/outcomes/{oid}/measurements/new",
        data={"value": "30", "unit": "kg", "measured_on": "2026-02-21"},
        headers=html,
    )
    assert r.status_code == 422 and "measured in homes" in r.text
    r = ada.post(
        f"{base.replace('/outcomes', '')}/contributions/new",
        data={
            "contributor_id": str(w.ada),
            "kind": "time",
            "amount": "5",
            "unit": "hours",
            "contributed_on": "2026-02-02",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    with session_scope(settings.database_url) as db:
        cid = db.scalars(select(Contribution.id)).one()
    page = bola.get(base, headers=html)
    assert page.status_code == 200
    assert f'action="/contributions/{cid}/confirm"' in page.text  # Bola may confirm
    assert "<svg" in page.text and "Off track" in page.text and "<script>" not in page.text
    assert 'action="/outcomes/' not in page.text  # only the convenor manages outcomes
    r = bola.post(
        f"/contributions/{cid}/confirm", data={"confirmer_id": str(w.bola)}, follow_redirects=False
    )
    assert r.status_code == 303
    r = cleo.post(
        f"{base.replace('/outcomes', '')}/health-checks/new",
        data={"held_on": "2026-03-01"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = ada.get(base, headers=html)
    hid = int(page.text.split('action="/health-checks/')[1].split("/")[0])
    r = ada.post(
        f"/health-checks/{hid}/ratings",
        data={"actor_id": str(w.ada), "trust": "2", "learning": "4"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = ada.post(
        "/n/out/commons/new",
        data={"title": "Kit", "licence": "not-a-licence", "authors": str(w.ada)},
        files={"file": ("kit.txt", b"abc", "text/plain")},
        headers=html,
    )
    assert r.status_code == 422 and "SPDX" in r.text
    r = ada.post(
        "/n/out/commons/new",
        data={"title": "Kit", "licence": "CC-BY-4.0", "authors": str(w.ada)},
        files={"file": ("kit.txt", b"abc", "text/plain")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    asset_url = r.headers["location"]
    r = ada.post(
        f"{asset_url}/reuses/new",
        data={"initiative_id": str(w.initiative), "recorded_by_id": str(w.ada)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    for url in (
        base,
        "/n/out/outcomes",
        "/n/out/commons",
        asset_url,
        f"/actors/{w.ada}/credits",
        "/n/out/fairness",
        "/n/out/fairness?on=2026-06-30",
    ):
        r = ada.get(url, headers=html)
        assert r.status_code == 200, (url, r.text[:300])
        assert "<script>" not in r.text and " onclick" not in r.text
    overview = ada.get("/n/out/outcomes", headers=html).text
    assert f"/initiatives/{w.initiative}/outcomes#outcome-{oid}" in overview
    assert f'href="/initiatives/{w.other_initiative}/outcomes"' in overview  # none defined yet
    with session_scope(settings.database_url) as db:
        version = db.scalars(select(Network.data_version)).one()
        assert version >= 1


def test_odd_input_is_a_4xx_never_a_500(settings: Settings) -> None:
    w = _world(settings)
    cleo, ada = make_client(settings, w.caller(w.cleo)), make_client(settings, w.caller(w.ada))
    oid = cleo.post(f"/api/initiatives/{w.initiative}/outcomes", json=OUTCOME).json()["id"]
    for value in ("NaN", "Infinity", "1e300"):
        r = cleo.post(
            f"/api/outcomes/{oid}/measurements",
            content='{"value": ' + value + ', "unit": "homes", "measured_on": "2026-02-01"}',
            headers={"content-type": "application/json"},
        )
        assert r.status_code == 422, (value, r.text)
    r = cleo.post(
        f"/api/outcomes/{oid}/measurements",
        json={"value": 1, "unit": "homes", "measured_on": "2026-02-01", "note": "a\x00b"},
    )
    assert r.status_code == 422
    assert _count(settings, Measurement) == 0
    assert ada.get("/api/outcomes/99999999999999").status_code == 422
    assert ada.get("/api/outcomes/424242").status_code == 404
    r = ada.post("/api/contributions/1/confirm", json={"confirmer_id": 2**40})
    assert r.status_code == 422
    page = "<html><script>alert(1)</script></html>"
    r = ada.post(
        "/api/networks/out/assets",
        json={
            "title": "Carte",
            "licence": "CC0-1.0",
            "authors": [w.ada],
            "file": {
                "name": "carte café.html",
                "media_type": "text/html",
                "content_base64": base64.b64encode(page.encode()).decode(),
            },
        },
    )
    assert r.status_code == 201, r.text
    got = ada.get(r.json()["download_url"])
    assert got.status_code == 200 and got.text == page
    assert got.headers["content-type"] == "application/octet-stream"
    assert "filename*=UTF-8''carte%20caf%C3%A9.html" in got.headers["content-disposition"]


def test_forms_work_in_a_real_signed_in_session(settings: Settings) -> None:
    """With the real caller resolver: the pages' forms carry the CSRF token the app demands."""
    from coalition.services import identity, memberships
    from coalition.store.tables_auth import Account
    from tests.security.helpers import CSRF_FIELD, browser, sign_in

    with session_scope(settings.database_url) as db:
        w = outcomes_world(db)
        account = Account(
            email="ada@example.org",
            display_name="Ada",
            password_hash=identity.hash_password("outcomes-password-1"),
        )
        db.add(account)
        db.flush()
        memberships.add_membership(db, account.id, w.network.id, "member", w.ada)
        initiative, ada = w.initiative, w.ada
    client = browser(settings)
    sign_in(client, "ada@example.org", "outcomes-password-1")
    page = client.get(f"/initiatives/{initiative}/outcomes", headers={"accept": "text/html"})
    assert page.status_code == 200
    form = page.text.split(f'action="/initiatives/{initiative}/contributions/new"')[1]
    match = CSRF_FIELD.search(form.split("</form>")[0])
    assert match, "the contribution form carries its CSRF token"
    data = {
        "contributor_id": str(ada),
        "kind": "knowledge",
        "amount": "2",
        "unit": "sessions",
        "contributed_on": "2026-02-02",
    }
    url = f"/initiatives/{initiative}/contributions/new"
    assert client.post(url, data=data, follow_redirects=False).status_code == 403
    assert _count(settings, Contribution) == 0
    r = client.post(url, data=data | {"csrf": match.group(1)}, follow_redirects=False)
    assert r.status_code == 303, r.text[:300]
    assert _count(settings, Contribution) == 1
