"""The command line: invite, list, answer as a member, decide a counter, team page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coalition.cli import app
from coalition.store.session import session_factory
from tests.factories import invitation_world, snapshot

runner = CliRunner()


def test_cli_workflow(clean_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COALITION_DATABASE_URL", clean_url)
    with session_factory(clean_url)() as db:
        w = invitation_world(db)
        db.commit()
    a, b = w.members[0], w.members[1]
    role = str(w.roles[0])
    r = runner.invoke(
        app,
        ["invite", str(w.initiative_id), "--actor", str(a), "--role", role, "--json"],
    )
    assert r.exit_code == 0, r.output
    first = json.loads(r.output)[0]
    assert first["status"] == "pending" and first["hours_per_week"] == 4.0
    r = runner.invoke(
        app,
        ["invite", str(w.initiative_id), "--actor", str(b), "--role", role, "--hours", "3",
         "--message", "Hello"],
    )  # fmt: skip
    assert r.exit_code == 0 and "open until" in r.output

    r = runner.invoke(app, ["invitations", "--actor", str(b), "--json"])
    second = json.loads(r.output)[0]
    assert second["message"] == "Hello" and second["hours_per_week"] == 3.0

    with session_factory(clean_url)() as db:
        before = snapshot(db)
    r = runner.invoke(app, ["invitations", "answer", str(first["id"]), "accept", "--as", str(b)])
    assert r.exit_code == 1 and "only the invited member" in r.output
    r = runner.invoke(app, ["invitations", "answer", str(first["id"]), "counter", "--as", str(a)])
    assert r.exit_code == 1 and "counter needs the hours" in r.output
    with session_factory(clean_url)() as db:
        assert snapshot(db) == before

    r = runner.invoke(app, ["invitations", "answer", str(first["id"]), "accept", "--as", str(a)])
    assert r.exit_code == 0 and "accepted" in r.output and "engagement" in r.output
    r = runner.invoke(
        app,
        ["invitations", "answer", str(second["id"]), "counter", "--hours", "1.5", "--as", str(b),
         "--json"],
    )  # fmt: skip
    assert r.exit_code == 0 and json.loads(r.output)["invitation"]["status"] == "countered"
    r = runner.invoke(app, ["invitations", "counter", str(second["id"]), "accept"])
    assert r.exit_code == 0 and "accepted" in r.output
    r = runner.invoke(app, ["invitations", "--json"])
    assert sorted(i["status"] for i in json.loads(r.output)) == ["accepted", "accepted"]
    r = runner.invoke(app, ["invitations"])
    assert r.exit_code == 0 and "2 invitations" in r.output

    r = runner.invoke(app, ["invitations", "team", str(w.initiative_id)])
    assert r.exit_code == 0 and "### Member 0 (Role 0)" in r.output
    out = tmp_path / "team.pdf"
    r = runner.invoke(
        app, ["invitations", "team", str(w.initiative_id), "--format", "pdf", "-o", str(out)]
    )
    assert r.exit_code == 0 and out.read_bytes().startswith(b"%PDF")

    engagement = json.loads(
        runner.invoke(app, ["invitations", "--actor", str(a), "--json"]).output
    )[0]["engagement_id"]
    r = runner.invoke(app, ["invitations", "step-back", str(engagement), "--as", str(a)])
    assert r.exit_code == 0 and "withdrawn" in r.output
    r = runner.invoke(app, ["invitations", "withdraw", str(second["id"])])
    assert r.exit_code == 1 and "accepted already" in r.output
