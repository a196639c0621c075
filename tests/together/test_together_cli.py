"""The command line of threads and decisions: members act with their own rights."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from coalition.cli import app
from coalition.store.session import session_factory
from tests.factories import team_world

runner = CliRunner()


def test_cli_threads_and_decisions(clean_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COALITION_DATABASE_URL", clean_url)
    with session_factory(clean_url)() as db:
        t = team_world(db)
        db.commit()
    i = str(t.initiative_id)
    r = runner.invoke(app, ["threads", "start", i, "Plan", "Hello **team**", "--as", str(t.ana)])
    assert r.exit_code == 0, r.output
    thread = json.loads(r.output)["id"]
    r = runner.invoke(app, ["threads", "reply", str(thread), "Let me in", "--as", str(t.carl)])
    assert r.exit_code != 0 and "no thread" in r.output  # carl is not on the team
    r = runner.invoke(app, ["threads", "reply", str(thread), "Yes", "--as", str(t.ben)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["threads", "list", i, "--json"])
    assert json.loads(r.output)[0]["posts"] == 2
    r = runner.invoke(app, ["decisions", "propose", i, "rank", "Pick", "--as", str(t.convenor),
                            "--option", "A", "--option", "B"])  # fmt: skip
    assert r.exit_code == 0, r.output
    decision = str(json.loads(r.output)["id"])
    r = runner.invoke(app, ["decisions", "vote", decision, "--as", str(t.ana), "--rank", "1",
                            "--rank", "0"])  # fmt: skip
    assert r.exit_code == 0 and json.loads(r.output)["tally"]["leader"] == "B"
    r = runner.invoke(app, ["decisions", "vote", decision, "--as", str(t.ben), "--rank", "7"])
    assert r.exit_code != 0 and "rank" in r.output
    r = runner.invoke(app, ["decisions", "close", decision, "B it is", "--as", str(t.convenor)])
    assert r.exit_code == 0 and json.loads(r.output)["status"] == "passed"
    r = runner.invoke(app, ["decisions", "list", "--initiative", i])
    assert r.exit_code == 0 and "passed" in r.output
