"""The JSON API: strict input, clear 4xx errors, never a 500."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def _setup(client: TestClient) -> dict[str, Any]:
    r = client.post("/api/networks", json={"slug": "n1", "name": "Network one"})
    assert r.status_code == 201, r.text
    for term in ("Facilitation", "Research"):
        assert client.post("/api/networks/n1/capabilities", json={"term": term}).status_code == 201
    r = client.post(
        "/api/networks/n1/actors",
        json={
            "kind": "organisation",
            "name": "Org",
            "sector": "civil_society",
            "visibility": "public",
        },
    )
    org = r.json()
    r = client.post(
        "/api/networks/n1/actors",
        json={
            "kind": "person",
            "name": "Ada",
            "sector": "independent",
            "timezone": "Europe/Paris",
            "languages": ["en"],
            "capacity_hours": 10,
            "visibility": "public",
            "capabilities": [{"term": "Facilitation", "level": 4}],
            "affiliations": [{"organisation_id": org["id"], "role_title": "Associate"}],
        },
    )
    assert r.status_code == 201, r.text
    return {"org": org, "ada": r.json()}


def test_crud_roundtrip(operator_client: TestClient) -> None:
    made = _setup(operator_client)
    ada = made["ada"]
    assert ada["affiliations"][0]["organisation_name"] == "Org"
    r = operator_client.get("/api/networks/n1/actors", params={"capability": "Facilitation"})
    assert r.status_code == 200 and [a["id"] for a in r.json()["items"]] == [ada["id"]]
    r = operator_client.patch(f"/api/actors/{ada['id']}", json={"headline": "Facilitator"})
    assert r.json()["headline"] == "Facilitator"
    r = operator_client.post(
        "/api/networks/n1/initiatives",
        json={
            "kind": "project",
            "title": "Bid",
            "start_date": "2026-01-01",
            "roles": [
                {"title": "Lead", "requirements": [{"capability": "Facilitation", "min_level": 3}]}
            ],
        },
    )
    assert r.status_code == 201, r.text
    initiative = r.json()
    assert initiative["roles"][0]["requirements"] == [
        {"capability": "Facilitation", "min_level": 3}
    ]
    r = operator_client.patch(f"/api/initiatives/{initiative['id']}", json={"status": "completed"})
    assert r.status_code == 409 and "draft to completed" in r.json()["detail"]
    r = operator_client.post(
        "/api/networks/n1/ties",
        json={
            "source_id": ada["id"],
            "target_id": made["org"]["id"],
            "kind": "partnered",
            "start_date": "2024-03-01",
        },
    )
    assert r.status_code == 201, r.text
    assert len(operator_client.get("/api/networks/n1/ties").json()) == 1
    assert operator_client.get("/docs").status_code == 200
    assert "/api/networks/{slug}/actors" in operator_client.get("/openapi.json").json()["paths"]


def test_strict_input_is_field_level_422(operator_client: TestClient) -> None:
    _setup(operator_client)
    r = operator_client.post(
        "/api/networks/n1/actors",
        json={"kind": "person", "name": "B", "sector": "independent", "capacity_hours": False},
    )
    assert r.status_code == 422
    assert any(p["field"] == "capacity_hours" for p in r.json()["detail"])
    r = operator_client.post(
        "/api/networks/n1/initiatives",
        json={
            "kind": "project",
            "title": "T",
            "roles": [{"title": "R", "seats": "3", "requirements": [{"capability": "Research"}]}],
        },
    )
    assert r.status_code == 422
    assert any(p["field"] == "roles.0.seats" for p in r.json()["detail"])
    r = operator_client.post(
        "/api/networks/n1/actors",
        json={"kind": "person", "name": "B", "sector": "pirates", "timezone": "Mars/Base"},
    )
    fields = {p["field"] for p in r.json()["detail"]}
    assert r.status_code == 422 and {"sector", "timezone"} <= fields
    r = operator_client.post(
        "/api/networks/n1/initiatives",
        json={
            "kind": "project",
            "title": "T",
            "roles": [{"title": "R", "requirements": [{"capability": "Juggling"}]}],
        },
    )
    assert r.status_code == 422 and r.json()["field"] == "roles[0].requirements"
    assert "Juggling" in r.json()["detail"]


def test_unknown_ids_404_and_conflicts_409(operator_client: TestClient) -> None:
    made = _setup(operator_client)
    assert operator_client.get("/api/actors/999999").status_code == 404
    assert operator_client.get("/api/initiatives/999999").status_code == 404
    assert operator_client.get("/api/networks/nope/actors").status_code == 404
    r = operator_client.post("/api/networks", json={"slug": "n1", "name": "Again"})
    assert r.status_code == 409 and "exists" in r.json()["detail"]
    r = operator_client.post("/api/networks/n1/capabilities", json={"term": "Research"})
    assert r.status_code == 409
    r = operator_client.post(
        "/api/networks/n1/ties",
        json={"source_id": made["ada"]["id"], "target_id": 424242, "kind": "referred"},
    )
    assert r.status_code == 409 and "424242" in r.json()["detail"]
    body = {"kind": "project", "title": "Same", "roles": []}
    assert operator_client.post("/api/networks/n1/initiatives", json=body).status_code == 201
    assert operator_client.post("/api/networks/n1/initiatives", json=body).status_code == 409


def test_malformed_json_is_422_not_500(operator_client: TestClient) -> None:
    r = operator_client.post(
        "/api/networks", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 422


def test_pages_render(operator_client: TestClient) -> None:
    made = _setup(operator_client)
    r = operator_client.get("/", headers={"accept": "text/html"})
    assert r.status_code == 200 and "Network one" in r.text
    r = operator_client.get("/n/n1/directory?capability=Facilitation")
    assert r.status_code == 200 and "Ada" in r.text and "Org" not in r.text.split("match")[1]
    r = operator_client.get(f"/actors/{made['ada']['id']}")
    assert r.status_code == 200 and "Facilitation" in r.text
    r = operator_client.get("/actors/99999", headers={"accept": "text/html"})
    assert r.status_code == 404 and "no actor" in r.text
