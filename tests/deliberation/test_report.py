"""The report of a conversation: every sentence cites statements that exist and figures that
are the data's; page, Markdown and PDF; who may see it; and nothing of a participant's identity
(xid, account) in any export or report."""

from __future__ import annotations

import json
import re
import zlib
from pathlib import Path

import pytest
from sqlalchemy import select

from coalition.config import Settings
from coalition.demo.deliberation import enrich_demo
from coalition.io.report import report_markdown, report_pdf
from coalition.schemas.report import ReportOut, Sentence
from coalition.services import conversation_analysis as analysis
from coalition.services import conversations as svc
from coalition.services import polis_exchange as polis
from coalition.services import portability
from coalition.services.access import Caller
from coalition.services.conversation_report import build_report
from coalition.store.session import session_scope
from coalition.store.tables_voices import ConversationLink
from tests.conftest import ROOT, make_client, shared_data
from tests.factories import OP, deliberation_world

POLIS = ROOT / "tests" / "data" / "polis"
PERCENT = re.compile(r"(\d+)%")
DATE = re.compile(r"[A-Z][a-z]{2} \d{1,2}, \d{4}")


@pytest.fixture
def demo(settings: Settings) -> tuple[int, int, str]:
    with session_scope(settings.database_url) as db:
        w = deliberation_world(db, extra=12)
        enrich_demo(db, w.slug)
        [conv] = svc.list_conversations(db, OP, w.slug)
        return w.network.id, conv.id, w.slug


def _sentences(rep: ReportOut) -> list[Sentence]:
    out = list(rep.participation) + list(rep.consensus_sentences)
    out += [s for g in rep.groups for s in g.sentences]
    out += [d.sentence for d in rep.divisive] + [t.sentence for t in rep.topics]
    return out


def check_report(rep: ReportOut, statement_ids: dict[int, int]) -> None:
    """Every sentence cites existing statements, names them by number (#n) and states only
    figures it carries (each percentage in the text is one of its figures, rounded)."""
    for s in _sentences(rep):
        assert set(s.cites) <= set(statement_ids), s
        for sid in s.cites:
            assert f"#{statement_ids[sid]}" in s.text, s
        shown = [int(p) for p in PERCENT.findall(s.text)]
        allowed = {round(v * 100) for v in s.figures.values()}
        assert set(shown) <= allowed, s
        words = DATE.sub("", s.text)  # dates as the reader writes them ("May 28, 2026")
        words = re.sub(r"(?<=\d)[,.\u00a0\u202f](?=\d{3}\b)", "", words)  # "5,303" is 5303
        numbers = {int(n) for n in re.findall(r"(?<![#\d-])\b(\d+)\b(?!%)", words)}
        numbers -= {statement_ids[c] for c in s.cites}
        numbers -= set(range(1, 10))  # group numbers
        numbers = {n for n in numbers if n < 1900}  # dates
        assert numbers <= {int(v) for v in s.figures.values() if float(v).is_integer()}, s
    assert rep.timeline[-1].total == rep.n_voters if rep.timeline else rep.n_voters == 0
    grouped = sorted(i for t in rep.topics for i in t.statement_ids)
    assert len(grouped) == len(set(grouped))


def test_report_rests_on_the_data(settings: Settings, demo: tuple[int, int, str]) -> None:
    network_id, cid, _ = demo
    member = make_client(
        settings, Caller(account_id=3, actor_ids=frozenset(), roles={network_id: "member"})
    )
    r = member.get(f"/api/conversations/{cid}/report")
    assert r.status_code == 200, r.text
    rep = ReportOut.model_validate(r.json())
    res = member.get(f"/api/conversations/{cid}/results").json()
    ids = {s["id"]: s["external_id"] for s in res["statements"]}
    check_report(rep, ids)
    conv = member.get(f"/api/conversations/{cid}").json()
    assert rep.n_voters == 15 and rep.n_votes == conv["n_votes"] == 190
    assert rep.participation[0].figures == {"voters": 15, "votes": 190}
    assert [s.id for s in rep.consensus] == sorted(
        res["consensus"],
        key=lambda i: (
            -next(s["group_informed_consensus"] for s in res["statements"] if s["id"] == i)
        ),
    )
    assert [[s.id for s in g.statements] for g in rep.groups] == [
        [r["statement_id"] for r in g["representative"]] for g in res["groups"]
    ]
    assert rep.divisive and all(d.divisiveness >= 0.5 for d in rep.divisive)
    md = member.get(f"/api/conversations/{cid}/report.md")
    assert md.headers["content-type"].startswith("text/markdown")
    for s in _sentences(rep):
        assert s.text in md.text
    page = member.get(f"/conversations/{cid}/report")
    assert page.status_code == 200 and "Draft the charter" in page.text
    assert f'href="/conversations/{cid}/charter"' in page.text
    assert member.get(f"/conversations/{cid}/report?format=md").text == md.text
    pdf = member.get(f"/conversations/{cid}/report.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["content-disposition"]
    assert member.get(f"/conversations/{cid}/report?format=pdf").content[:4] == b"%PDF"
    assert member.get(f"/conversations/{cid}/report?format=doc").status_code == 422


def test_report_is_for_who_sees_the_results(settings: Settings, demo: tuple[int, int, str]) -> None:
    network_id, cid, _ = demo
    outsider = make_client(settings, Caller(account_id=9, roles={network_id + 99: "member"}))
    for path in ("report", "report.md", "report.pdf"):
        assert outsider.get(f"/api/conversations/{cid}/{path}").status_code == 404
        assert outsider.get(f"/conversations/{cid}/{path}").status_code == 404


def _pdf_text(data: bytes) -> str:
    text = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            text.append(zlib.decompress(m.group(1)).decode("latin-1"))
        except zlib.error:
            text.append(m.group(1).decode("latin-1"))
    return "\n".join(text)


def test_pdf_falls_back_to_the_core_font(settings: Settings, demo: tuple[int, int, str]) -> None:
    _, cid, _ = demo
    with session_scope(settings.database_url) as db:
        rep = build_report(db, OP, cid)
    rep = rep.model_copy(update={"topic": "Ünïcödé → ☃ topic"})
    core = report_pdf(rep, fonts=False)
    assert core.startswith(b"%PDF") and "topic" in _pdf_text(core)
    assert report_pdf(rep).startswith(b"%PDF")


def test_no_xid_nor_link_in_any_export_or_report(
    settings: Settings, demo: tuple[int, int, str], tmp_path: Path
) -> None:
    network_id, cid, slug = demo
    steward = make_client(
        settings, Caller(account_id=1, actor_ids=frozenset(), roles={network_id: "steward"})
    )
    link = steward.post(f"/api/conversations/{cid}/links", json={"label": "Embed"}).json()
    token, xid = link["token"], "xid-SECRET-7f3a"
    outsider = make_client(settings, Caller.anonymous())
    for s in outsider.get(f"/api/c/{token}").json()["statements"][:6]:
        r = outsider.post(
            f"/api/c/{token}/votes?xid={xid}", json={"statement_id": s["id"], "value": 1}
        )
        assert r.status_code == 200
    with session_scope(settings.database_url) as db:
        key = db.scalars(select(ConversationLink.key)).one()
        texts = {
            "bundle (full backup)": json.dumps(
                portability.export_bundle(db, OP, slug, include_private=True)
            ),
            "bundle (share)": json.dumps(portability.export_bundle(db, OP, slug)),
        }
        polis.export_polis(db, OP, cid, tmp_path / "polis")
        rep = build_report(db, OP, cid)
    texts["report (markdown)"] = report_markdown(rep)
    texts["report (json)"] = rep.model_dump_json()
    texts["report (pdf)"] = _pdf_text(report_pdf(rep, fonts=False))
    for f in (tmp_path / "polis").iterdir():
        texts[f"polis {f.name}"] = f.read_text()
    member = make_client(
        settings, Caller(account_id=3, actor_ids=frozenset(), roles={network_id: "member"})
    )
    for path in (
        f"/api/conversations/{cid}/results",
        f"/api/conversations/{cid}/statements",
        f"/api/conversations/{cid}/report",
        f"/api/conversations/{cid}/report.md",
        f"/api/conversations/{cid}/charter.md",
        f"/api/networks/{slug}/bundle",
        f"/conversations/{cid}/report",
        f"/conversations/{cid}",
        f"/conversations/{cid}/results",
    ):
        r = member.get(path)
        assert r.status_code == 200, path
        texts[path] = r.text
    assert rep.n_voters == 16
    for where, text in texts.items():
        assert xid not in text, where
        assert key not in text and token not in text, where
        assert '"xid"' not in text, where


def test_report_of_an_imported_polis_conversation(settings: Settings) -> None:
    """A Polis export with xids (2022 vintage): the report builds, and no xid is in it."""
    source = POLIS / "xid-2022"
    xids = {
        line.split(",")[1]
        for line in (source / "participants-votes.csv").read_text().splitlines()[1:]
    }
    with session_scope(settings.database_url) as db:
        w = deliberation_world(db)
        conv = polis.import_polis(db, OP, w.slug, source)
        rep = build_report(db, OP, conv.id)
        ids = {s.id: s.external_id for s in analysis.results(db, OP, conv.id).statements}
    check_report(rep, ids)
    assert rep.n_voters > 0 and rep.topics
    text = report_markdown(rep) + rep.model_dump_json()
    assert xids and not any(x in text for x in xids if x)


@pytest.mark.parametrize("name", ["brexit-consensus"])
def test_report_on_real_polis_data(settings: Settings, name: str) -> None:
    """A real conversation from ../shared/data/polis (skipped when absent)."""
    source = shared_data("polis", name)
    with session_scope(settings.database_url) as db:
        w = deliberation_world(db)
        conv = polis.import_polis(db, OP, w.slug, source)
        rep = build_report(db, OP, conv.id)
        ids = {s.id: s.external_id for s in analysis.results(db, OP, conv.id).statements}
    check_report(rep, ids)
    assert rep.groups and rep.n_voters > 100 and len(rep.topics) >= 2
    assert report_pdf(rep).startswith(b"%PDF")
