"""The CLI (``coalition outcomes …``, ``coalition contributions …``) and the demo data."""

from __future__ import annotations

import csv
import io
import json
import shlex
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import func, select
from typer.testing import CliRunner

from coalition.cli import app
from coalition.demo.outcomes import enrich_demo
from coalition.io.bundle import import_bundle
from coalition.io.outcomes_csv import COLUMNS, export_csv
from coalition.services.access import Caller
from coalition.store.session import session_scope
from coalition.store.tables import Tie
from coalition.store.tables_outcomes import (
    AssetReuse,
    Contribution,
    HealthRating,
    KnowledgeAsset,
    Measurement,
    Outcome,
)
from tests.conftest import _wipe, small_bundle
from tests.factories import outcomes_world


@pytest.fixture
def runner(clean_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COALITION_DATABASE_URL", clean_url)
    return CliRunner()


def cli(runner: CliRunner, line: str) -> Result:
    return runner.invoke(app, shlex.split(line))


def test_cli_outcomes_and_contributions(runner: CliRunner, clean_url: str, tmp_path: Path) -> None:
    with session_scope(clean_url) as db:
        w = outcomes_world(db)
        ids = (w.initiative, w.ada, w.bola, w.dan)
    initiative, ada, bola, dan = ids
    r = cli(
        runner,
        f"outcomes add -i {initiative} --name Homes --unit homes --baseline 0 "
        "--baseline-date 2026-01-01 --target 100 --direction increase --due-date 2026-04-11 "
        "--json",
    )
    assert r.exit_code == 0, r.output
    oid = json.loads(r.stdout)["id"]
    r = cli(runner, f"outcomes measure {oid} --value 45 --unit homes --on 2026-02-20")
    assert r.exit_code == 0 and "on track" in r.stdout
    r = cli(runner, f"outcomes measure {oid} --value 45 --unit kg --on 2026-02-20")
    assert r.exit_code == 1 and "measured in homes" in r.output
    r = cli(runner, f"outcomes measure {oid} --value 1 --unit homes --on 2025-02-20")
    assert r.exit_code == 1 and "before the baseline" in r.output
    r = cli(
        runner,
        f"outcomes add -i {initiative} --name x --unit u --baseline 5 "
        "--baseline-date 2026-01-01 --target 1 --direction increase --due-date 2026-04-11",
    )
    assert r.exit_code == 1 and "above the baseline" in r.output
    r = cli(runner, f"outcomes list -i {initiative} --json")
    assert r.exit_code == 0 and [o["status"] for o in json.loads(r.stdout)] == ["on_track"]

    r = cli(
        runner,
        f"contributions add -i {initiative} --contributor {ada} --kind money --amount 500 "
        "--unit EUR --on 2026-02-01 --json",
    )
    assert r.exit_code == 0, r.output
    cid = json.loads(r.stdout)["id"]
    r = cli(runner, f"contributions confirm {cid} --by {dan}")
    assert r.exit_code == 1 and "not on initiative" in r.output
    r = cli(runner, f"contributions confirm {cid} --by {ada}")
    assert r.exit_code == 1 and "own contribution" in r.output
    r = cli(runner, f"contributions confirm {cid} --by {bola}")
    assert r.exit_code == 0 and "confirmed" in r.stdout
    r = cli(runner, "contributions list -n out --json")
    listed = json.loads(r.stdout)
    assert [(c["kind"], c["status"], c["confirmed_by_id"]) for c in listed] == [
        ("money", "confirmed", bola)
    ]
    out = tmp_path / "contributions.csv"
    r = cli(runner, f"outcomes export -n out --what contributions -o {out}")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == COLUMNS["contributions"] and rows[0]["amount"] == "500"
    r = cli(runner, "outcomes export -n out --what nope")
    assert r.exit_code == 1


def _counts(url: str) -> dict[str, int]:
    with session_scope(url) as db:
        return {
            t.__tablename__: db.scalar(select(func.count()).select_from(t)) or 0
            for t in (Outcome, Measurement, Contribution, KnowledgeAsset, AssetReuse, HealthRating)
        }


def _exports(url: str) -> dict[str, str]:
    with session_scope(url) as db:
        from coalition.services.networks import get_network

        op = Caller.operator()
        network = get_network(db, op, "small")
        return {what: export_csv(db, op, network, what) for what in COLUMNS}  # type: ignore[arg-type]


def _load_demo(url: str) -> None:
    with session_scope(url) as db:
        import_bundle(db, small_bundle(actors=60))
        enrich_demo(db, "small")


def test_enrich_demo_is_deterministic(clean_url: str) -> None:
    _load_demo(clean_url)
    counts = _counts(clean_url)
    assert all(n > 0 for n in counts.values()), counts
    first = _exports(clean_url)
    statuses = {row["status"] for row in csv.DictReader(io.StringIO(first["measurements"]))}
    assert statuses <= {"on_track", "at_risk", "off_track"} and len(statuses) >= 2
    with session_scope(clean_url) as db:
        made = db.scalar(select(func.count()).where(Tie.origin == "contribution"))
        confirmed = db.scalar(select(func.count()).where(Contribution.status == "confirmed"))
        assert made == confirmed and made
        enrich_demo(db, "small")  # a second run adds nothing
    assert _counts(clean_url) == counts
    _wipe(clean_url)
    _load_demo(clean_url)
    assert _exports(clean_url) == first
