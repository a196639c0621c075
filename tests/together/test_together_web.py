"""The JSON API and the pages of threads and decisions, on the same services."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from coalition.config import Settings
from coalition.services.access import Caller
from tests.conftest import make_client
from tests.factories import CANARY, Team, team_world


def _clients(db: Session, settings: Settings) -> tuple[Team, dict[str, TestClient]]:
    t = team_world(db)
    db.commit()
    who = {"ana": t.ana, "ben": t.ben, "carl": t.carl, "convenor": t.convenor}
    clients = {name: make_client(settings, t.as_(actor)) for name, actor in who.items()}
    clients["anonymous"] = make_client(settings, Caller.anonymous())
    return t, clients


def test_api_threads_round_trip_and_visibility(db: Session, settings: Settings) -> None:
    t, c = _clients(db, settings)
    r = c["ana"].post(
        f"/api/initiatives/{t.initiative_id}/threads",
        json={"title": "Plan", "body": f"**{CANARY}**", "visibility": "team"},
    )
    assert r.status_code == 201, r.text
    thread_id = r.json()["id"]
    assert "<strong>" in r.json()["items"][0]["html"]
    r = c["ben"].post(f"/api/threads/{thread_id}/posts", json={"body": "Agreed"})
    assert r.status_code == 201
    post_id = r.json()["id"]
    assert c["ana"].get("/api/me/threads/unread").json() == {"unread": 1}
    assert (
        c["ben"].patch(f"/api/posts/{post_id}", json={"body": "Agreed, mostly"}).status_code == 200
    )
    assert c["ana"].patch(f"/api/posts/{post_id}", json={"body": "x"}).status_code == 403
    assert [h["body"] for h in c["ana"].get(f"/api/posts/{post_id}/history").json()] == ["Agreed"]
    for url in (
        f"/api/threads/{thread_id}",
        f"/api/initiatives/{t.initiative_id}/threads",
        "/api/me/threads",
        f"/api/posts/{post_id}/history",
        f"/threads/{thread_id}",
        f"/initiatives/{t.initiative_id}/threads",
        "/me/threads",
    ):
        text = c["carl"].get(url).text
        assert CANARY not in text and "Agreed" not in text, url
    assert c["carl"].get(f"/api/threads/{thread_id}").status_code == 404
    assert c["anonymous"].get(f"/api/threads/{thread_id}").status_code == 404
    assert c["carl"].post(f"/api/threads/{thread_id}/posts", json={"body": "x"}).status_code == 404


def test_api_refuses_bad_input_with_4xx(db: Session, settings: Settings) -> None:
    t, c = _clients(db, settings)
    url = f"/api/initiatives/{t.initiative_id}/threads"
    for body in (
        {"title": "", "body": "x"},
        {"title": "x", "body": ""},
        {"title": "x", "body": "y", "visibility": "everyone"},
        {"title": "x", "body": "y", "extra": 1},
    ):
        assert c["ana"].post(url, json=body).status_code == 422, body
    url = f"/api/initiatives/{t.initiative_id}/decisions"
    assert c["ana"].post(url, json={"kind": "veto", "title": "x"}).status_code == 422
    assert (
        c["ana"].post(url, json={"kind": "choose", "title": "x", "options": ["a"]}).status_code
        == 422
    )


def test_pages_journey_post_vote_block_close(db: Session, settings: Settings) -> None:
    t, c = _clients(db, settings)
    r = c["convenor"].post(
        f"/initiatives/{t.initiative_id}/threads",
        data={"title": "Kick-off", "visibility": "team", "body": "Hello @[Member 0]"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    thread_url = r.headers["location"]
    page = c["ana"].get("/me/threads").text
    assert "Kick-off" in page and 'class="badge"' in page  # unread in the navigation too
    r = c["ana"].post(f"{thread_url}/posts", data={"body": "Hi _all_"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert "<em>all</em>" in c["ben"].get(thread_url).text
    r = c["convenor"].post(
        f"/initiatives/{t.initiative_id}/decisions",
        data={"kind": "consent", "title": "Adopt", "visibility": "team", "closes_in_hours": "24"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    decision_url = r.headers["location"]
    r = c["ben"].post(f"{decision_url}/vote", data={"position": "block"})
    assert r.status_code == 422 and "a block needs its reason" in r.text
    r = c["ben"].post(
        f"{decision_url}/vote",
        data={"position": "block", "reason": "Too soon"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = c["ana"].get(decision_url).text
    assert "cannot pass while a block stands" in page and "Too soon" in page
    r = c["convenor"].post(
        f"{decision_url}/close", data={"outcome": "Blocked; amend."}, follow_redirects=False
    )
    assert r.status_code == 303
    assert "Blocked; amend." in c["ana"].get(decision_url).text
    assert c["carl"].get(decision_url).status_code == 404


def test_rank_and_score_forms(db: Session, settings: Settings) -> None:
    t, c = _clients(db, settings)
    ids: dict[str, Any] = {}
    for kind in ("rank", "score"):
        r = c["convenor"].post(
            f"/api/initiatives/{t.initiative_id}/decisions",
            json={"kind": kind, "title": kind, "options": ["A", "B", "C"]},
        )
        ids[kind] = r.json()["id"]
    r = c["ana"].post(
        f"/decisions/{ids['rank']}/vote",
        data={"place_0": "3", "place_1": "1", "place_2": "2"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    ranked = c["ana"].get(f"/api/decisions/{ids['rank']}").json()
    assert ranked["my_vote"]["ranking"] == ["B", "C", "A"]
    r = c["ana"].post(
        f"/decisions/{ids['score']}/vote", data={"score_0": "1", "score_1": "5", "score_2": "9"}
    )
    assert r.status_code == 422


def test_a_post_cannot_inject_html_into_the_page(db: Session, settings: Settings) -> None:
    t, c = _clients(db, settings)
    body = '<script>alert(1)</script> [x](javascript:alert(2)) <a href="/x" onclick="y()">z</a>'
    r = c["ana"].post(
        f"/api/initiatives/{t.initiative_id}/threads", json={"title": "XSS", "body": body}
    )
    page = c["ben"].get(f"/threads/{r.json()['id']}").text
    assert "<script>alert" not in page and 'href="javascript' not in page
    assert 'onclick="y()"' not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
