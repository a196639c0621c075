"""Outside voices: signed links with a cap, an expiry and a revocation; anonymous participants
remembered by a signed cookie or the embedding site's xid; anti-herding; limits against ballot
stuffing; the page a link opens may be framed, and no other."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from coalition import clock
from coalition.config import Settings
from coalition.demo.deliberation import enrich_demo
from coalition.services import conversations as svc
from coalition.services import voices
from coalition.services.access import Caller
from coalition.store.session import session_scope
from coalition.store.tables_deliberation import Participant, Vote
from coalition.store.tables_voices import ConversationLink
from tests.conftest import make_client
from tests.factories import OP, deliberation_world


@pytest.fixture
def demo(settings: Settings) -> tuple[int, int, str]:
    """The demo conversation of a 12-member network: (network id, conversation id, slug)."""
    with session_scope(settings.database_url) as db:
        w = deliberation_world(db, extra=12)
        enrich_demo(db, w.slug)
        [conv] = svc.list_conversations(db, OP, w.slug)
        return w.network.id, conv.id, w.slug


def _steward(settings: Settings, network_id: int) -> TestClient:
    return make_client(
        settings, Caller(account_id=1, actor_ids=frozenset(), roles={network_id: "steward"})
    )


def _link(settings: Settings, network_id: int, cid: int, **body: object) -> dict[str, object]:
    r = _steward(settings, network_id).post(f"/api/conversations/{cid}/links", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def _outsider(settings: Settings) -> TestClient:
    return make_client(settings, Caller.anonymous())


def test_link_lifecycle_and_who_manages_it(settings: Settings, demo: tuple[int, int, str]) -> None:
    network_id, cid, _ = demo
    link = _link(settings, network_id, cid, label="Newsletter", max_participants=3)
    assert link["active"] and link["n_participants"] == 0 and link["path"] == f"/c/{link['token']}"
    member = make_client(
        settings, Caller(account_id=7, actor_ids=frozenset(), roles={network_id: "member"})
    )
    assert member.post(f"/api/conversations/{cid}/links", json={}).status_code == 403
    assert member.get(f"/api/conversations/{cid}/links").status_code == 403
    assert _outsider(settings).get(f"/api/conversations/{cid}/links").status_code == 404
    steward = _steward(settings, network_id)
    assert [x["id"] for x in steward.get(f"/api/conversations/{cid}/links").json()] == [link["id"]]
    # a forged token is not a link; a revoked one is gone
    outsider = _outsider(settings)
    assert outsider.get(f"/api/c/{link['token']}x").status_code == 404
    assert outsider.get(f"/api/c/{link['token']}").status_code == 200
    r = steward.post(f"/api/conversations/{cid}/links/{link['id']}/revoke")
    assert r.status_code == 200 and not r.json()["active"]
    assert outsider.get(f"/api/c/{link['token']}").status_code == 410
    assert outsider.get(f"/c/{link['token']}").status_code == 410


def test_expired_link_is_gone(settings: Settings, demo: tuple[int, int, str]) -> None:
    network_id, cid, _ = demo
    link = _link(settings, network_id, cid)
    with session_scope(settings.database_url) as db:
        db.execute(
            update(ConversationLink).values(expires_at=clock.utcnow() - timedelta(seconds=1))
        )
    r = _outsider(settings).post(
        f"/api/c/{link['token']}/votes", json={"statement_id": 1, "value": 1}
    )
    assert r.status_code == 410


def test_anti_herding_and_one_vote_per_statement(
    settings: Settings, demo: tuple[int, int, str]
) -> None:
    network_id, cid, _ = demo
    token = _link(settings, network_id, cid)["token"]
    outsider = _outsider(settings)
    view = outsider.get(f"/api/c/{token}").json()
    assert view["participant"] is None and view["statements"]
    assert all(s["agrees"] is None and s["disagrees"] is None for s in view["statements"])
    sid = view["next"]["statement"]["id"]
    assert view["next"]["statement"]["agrees"] is None
    r = outsider.post(f"/api/c/{token}/votes", json={"statement_id": sid, "value": 1})
    assert r.status_code == 200, r.text
    assert outsider.cookies.get(voices.voice_cookie(cid))
    view = outsider.get(f"/api/c/{token}").json()
    assert view["participant"] == r.json()["participant_external_id"]
    assert view["my_votes"] == {str(sid): 1}
    shown = {s["id"]: s for s in view["statements"]}
    assert shown[sid]["agrees"] is not None and shown[sid]["agrees"] >= 1
    assert all(s["agrees"] is None for s in view["statements"] if s["id"] != sid)
    # the same participant cannot vote twice on one statement (nor change it)
    r = outsider.post(f"/api/c/{token}/votes", json={"statement_id": sid, "value": -1})
    assert r.status_code == 409
    again = outsider.get(f"/api/c/{token}").json()
    assert again["my_votes"] == {str(sid): 1}
    assert {s["id"]: s for s in again["statements"]}[sid]["agrees"] == shown[sid]["agrees"]


def test_cookieless_voting_cannot_exceed_the_cap(
    settings: Settings, demo: tuple[int, int, str]
) -> None:
    network_id, cid, _ = demo
    link = _link(settings, network_id, cid, max_participants=3)
    token = link["token"]
    outsider = _outsider(settings)
    sid = outsider.get(f"/api/c/{token}").json()["next"]["statement"]["id"]
    with session_scope(settings.database_url) as db:
        before = len(db.scalars(select(Vote.id).where(Vote.statement_id == sid)).all())
    codes = []
    for _ in range(8):
        outsider.cookies.clear()
        codes.append(
            outsider.post(
                f"/api/c/{token}/votes", json={"statement_id": sid, "value": 1}
            ).status_code
        )
    assert codes[:3] == [200, 200, 200] and set(codes[3:]) == {403}
    with session_scope(settings.database_url) as db:
        after = len(db.scalars(select(Vote.id).where(Vote.statement_id == sid)).all())
    assert after - before == 3
    steward = _steward(settings, network_id)
    [listed] = steward.get(f"/api/conversations/{cid}/links").json()
    assert listed["n_participants"] == 3


def test_address_limit_on_newcomers(
    settings: Settings, demo: tuple[int, int, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    network_id, cid, _ = demo
    monkeypatch.setattr(voices, "JOINS_PER_ADDRESS", 2)
    token = _link(settings, network_id, cid, max_participants=1000)["token"]
    outsider = _outsider(settings)
    sid = outsider.get(f"/api/c/{token}").json()["next"]["statement"]["id"]
    codes = []
    for _ in range(4):
        outsider.cookies.clear()
        r = outsider.post(f"/api/c/{token}/votes", json={"statement_id": sid, "value": 0})
        codes.append(r.status_code)
    assert codes == [200, 200, 429, 429]


def test_vote_rate_limit_per_address(
    settings: Settings, demo: tuple[int, int, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    network_id, cid, _ = demo
    monkeypatch.setattr(voices, "VOTES_PER_ADDRESS", 3)
    token = _link(settings, network_id, cid)["token"]
    outsider = _outsider(settings)
    codes = []
    for s in outsider.get(f"/api/c/{token}").json()["statements"][:5]:
        r = outsider.post(f"/api/c/{token}/votes", json={"statement_id": s["id"], "value": 1})
        codes.append(r.status_code)
    assert codes == [200, 200, 200, 429, 429]


def test_xid_identifies_without_cookie_and_stays_private(
    settings: Settings, demo: tuple[int, int, str]
) -> None:
    network_id, cid, _ = demo
    token = _link(settings, network_id, cid)["token"]
    outsider = _outsider(settings)
    statements = outsider.get(f"/api/c/{token}").json()["statements"]
    first, second = statements[0]["id"], statements[1]["id"]
    r = outsider.post(
        f"/api/c/{token}/votes?xid=site-user-42", json={"statement_id": first, "value": 1}
    )
    assert r.status_code == 200
    outsider.cookies.clear()
    again = outsider.post(
        f"/api/c/{token}/votes?xid=site-user-42", json={"statement_id": first, "value": 1}
    )
    assert again.status_code == 409  # the same participant, known by the xid
    outsider.cookies.clear()
    r2 = outsider.post(
        f"/api/c/{token}/votes?xid=site-user-42", json={"statement_id": second, "value": -1}
    )
    assert r2.json()["participant_external_id"] == r.json()["participant_external_id"]
    with session_scope(settings.database_url) as db:
        xids = db.scalars(select(Participant.xid).where(Participant.xid.is_not(None))).all()
    assert xids == ["site-user-42"]


def test_a_forged_cookie_is_a_newcomer(settings: Settings, demo: tuple[int, int, str]) -> None:
    network_id, cid, _ = demo
    token = _link(settings, network_id, cid)["token"]
    outsider = _outsider(settings)
    sid = outsider.get(f"/api/c/{token}").json()["statements"][0]["id"]
    outsider.cookies.set(voices.voice_cookie(cid), "forged.value")
    assert outsider.get(f"/api/c/{token}").json()["participant"] is None
    assert (
        outsider.post(f"/api/c/{token}/votes", json={"statement_id": sid, "value": 1}).status_code
        == 200
    )


def test_only_the_link_page_may_be_framed(settings: Settings, demo: tuple[int, int, str]) -> None:
    network_id, cid, _ = demo
    token = _link(settings, network_id, cid)["token"]
    from coalition.web.app import create_app

    client = TestClient(create_app(settings))
    page = client.get(f"/c/{token}?xid=abc")
    assert page.status_code == 200
    assert "frame-ancestors *" in page.headers["content-security-policy"]
    assert "x-frame-options" not in page.headers
    other = client.get("/")
    assert "frame-ancestors 'none'" in other.headers["content-security-policy"]
    assert other.headers["x-frame-options"] == "DENY"
    api = client.get(f"/api/c/{token}")
    assert "frame-ancestors 'none'" in api.headers["content-security-policy"]


def test_page_vote_through_the_link(settings: Settings, demo: tuple[int, int, str]) -> None:
    network_id, cid, _ = demo
    token = _link(settings, network_id, cid)["token"]
    from coalition.web.app import create_app

    client = TestClient(create_app(settings))
    page = client.get(f"/c/{token}")
    assert page.status_code == 200 and "Your next statement" in page.text
    import re

    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    sid = re.search(r'name="statement_id" value="(\d+)"', page.text)
    assert csrf and sid
    r = client.post(
        f"/c/{token}/vote",
        data={"csrf": csrf.group(1), "statement_id": sid.group(1), "value": "1"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    after = client.get(f"/c/{token}")
    assert "What you voted" in after.text
    # without the CSRF token the form is refused
    r = client.post(f"/c/{token}/vote", data={"statement_id": sid.group(1), "value": "1"})
    assert r.status_code == 403


def test_cli_links_and_report(
    settings: Settings,
    demo: tuple[int, int, str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from coalition.cli import app

    _, cid, _ = demo
    monkeypatch.setenv("COALITION_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("COALITION_SECRET_KEY", settings.secret_key)
    monkeypatch.setenv("COALITION_DEVELOPMENT", "1")
    runner = CliRunner()
    made = runner.invoke(
        app,
        ["conversation", "link", "create", str(cid), "--label", "Flyer", "--max-participants", "2"],
    )
    assert made.exit_code == 0, made.output
    path = made.output.strip()
    assert path.startswith("/c/")
    # the printed link works with the server's secret
    outside = _outsider(settings)
    assert outside.get(f"/api{path}").status_code == 200
    listed = runner.invoke(app, ["conversation", "link", "list", str(cid), "--json"])
    [link] = json.loads(listed.output)
    assert link["label"] == "Flyer" and link["max_participants"] == 2 and link["active"]
    bad = runner.invoke(app, ["conversation", "link", "create", str(cid), "--days", "0"])
    assert bad.exit_code == 1
    gone = runner.invoke(app, ["conversation", "link", "revoke", str(cid), str(link["id"])])
    assert gone.exit_code == 0, gone.output
    assert outside.get(f"/api{path}").status_code == 410
    md = runner.invoke(app, ["conversation", "report", str(cid)])
    assert md.exit_code == 0 and md.output.startswith("# Report:")
    # --lang es: the report's words, numbers, percentages and dates in Spanish
    es = runner.invoke(app, ["--lang", "es", "conversation", "report", str(cid)])
    assert es.exit_code == 0 and es.output.startswith("# Informe:"), es.output
    assert "## Quién participó" in es.output and "15 personas emitieron 190 votos" in es.output
    assert "Who took part" not in es.output and "% agree" not in es.output
    assert not re.search(r"\d{4}-\d{2}-\d{2}", es.output)  # no ISO dates
    assert re.search(r"\d+\u00a0% de acuerdo", es.output)  # "30 %", as Spanish writes it
    pdf = tmp_path / "report.pdf"
    out = runner.invoke(
        app, ["conversation", "report", str(cid), "--format", "pdf", "-o", str(pdf)]
    )
    assert out.exit_code == 0, out.output
    assert pdf.read_bytes().startswith(b"%PDF")
    assert (
        runner.invoke(app, ["conversation", "report", str(cid), "--format", "pdf"]).exit_code == 1
    )
