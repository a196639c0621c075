"""Every vintage of a Polis export imports; xids are kept but never shown or exported, and the
is-meta / is-seed flags survive the import and the export."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.io.polis import read_polis_export
from coalition.services import conversation_analysis as analysis
from coalition.services import conversations as svc
from coalition.services import polis_exchange as polis
from coalition.store.tables_deliberation import Participant, Statement
from tests.factories import OP, deliberation_world

VINTAGES = Path(__file__).resolve().parents[1] / "data" / "polis"


@pytest.mark.parametrize("name", ["classic-2017", "xid-2022", "opendata-2024", "minimal"])
def test_each_vintage_imports(db: Session, name: str, tmp_path: Path) -> None:
    w = deliberation_world(db)
    conv = polis.import_polis(db, OP, w.slug, VINTAGES / name)
    assert (conv.n_statements, conv.n_votes) == (6, 39)
    xids = dict(
        db.execute(
            select(Participant.external_id, Participant.xid).where(
                Participant.conversation_id == conv.id
            )
        ).all()
    )
    if name in ("xid-2022", "opendata-2024"):
        assert xids[0] == "site-user-1000" and xids[2] is None
    else:
        assert set(xids.values()) == {None}
    flags = {
        s.external_id: (s.is_meta, s.is_seed)
        for s in db.scalars(select(Statement).where(Statement.conversation_id == conv.id))
    }
    if name == "opendata-2024":
        assert (
            flags[5] == (True, False) and flags[0] == (False, True) and flags[3] == (False, False)
        )
    # the export carries the flags and never an xid
    polis.export_polis(db, OP, conv.id, tmp_path / "out")
    for path in (tmp_path / "out").iterdir():
        assert "site-user" not in path.read_text(encoding="utf-8"), path.name
        assert "xid" not in path.read_text(encoding="utf-8").splitlines()[0], path.name
    again = read_polis_export(tmp_path / "out")
    assert {s.external_id for s in again.statements if s.is_meta} == (
        {5} if name == "opendata-2024" else set()
    )
    # nor in what members see
    shown = analysis.results(db, OP, conv.id).model_dump_json() + str(
        svc.list_statements(db, OP, conv.id)
    )
    assert "site-user" not in shown


def test_cli_replays_a_2024_export_with_a_progress_bar(
    clean_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from coalition.cli import app
    from coalition.engines.common_ground import History
    from coalition.engines.common_ground.incremental import update_batches
    from coalition.store.session import session_scope
    from coalition.store.tables_deliberation import GroundHistory

    with session_scope(clean_url) as db:
        deliberation_world(db, slug="cli")
    monkeypatch.setenv("COALITION_DATABASE_URL", clean_url)
    args = ["import", "polis", str(VINTAGES / "opendata-2024"), "--network", "cli"]
    out = CliRunner().invoke(app, [*args, "--batch-seconds", "1"])
    assert out.exit_code == 0, out.output
    said = " ".join(out.output.split())
    assert "6 statements, 8 participants, 39 votes (vote log replayed)" in said
    with session_scope(clean_url) as db:
        stored = db.scalars(select(GroundHistory.history)).one()
        stamps = sorted(v.timestamp_ms for v in read_polis_export(VINTAGES / "opendata-2024").votes)
        assert History.from_dict(stored).updates == update_batches(stamps, 1000).size == 38
