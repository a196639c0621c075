"""The live analysis is recomputed at most once per freshness window, as Polis recomputes its
math periodically, not per vote: a read within the window after a vote serves the stored
analysis (saying when it was computed and from how many votes), a read after it counts the
vote, and of two readers only one recomputes while the other serves the stored analysis
without waiting. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from coalition import clock
from coalition.config import ConfigurationError, Settings, load_settings
from coalition.schemas.deliberation import ConversationIn, ResultsOut, StatementIn, VoteIn
from coalition.services import conversation_analysis as analysis
from coalition.services import conversations as svc
from coalition.services.access import Caller
from coalition.store.session import session_factory, session_scope
from coalition.store.tables_deliberation import GroundCache
from tests.conftest import make_client
from tests.factories import DeliberationWorld, deliberation_world

WINDOW_S = 30.0


def _voted(db: Session) -> tuple[DeliberationWorld, int, list[int]]:
    """A conversation with two statements and Ada's vote on the first; window of 30 s unless
    the session has settings."""
    db.info.setdefault("settings", Settings(results_freshness_s=WINDOW_S))
    w = deliberation_world(db)
    cleo = w.caller(w.cleo, "convenor")
    cid = svc.create_conversation(db, cleo, w.slug, ConversationIn(topic="Warm homes?")).id
    ids = [svc.submit_statement(db, cleo, cid, StatementIn(text=t)).id for t in ("One", "Two")]
    svc.cast_vote(db, w.caller(w.ada), cid, VoteIn(statement_id=ids[0], value=1))
    return w, cid, ids


def _age(db: Session, cid: int, seconds: float) -> None:
    """Make the stored analysis ``seconds`` old."""
    db.execute(
        update(GroundCache)
        .where(GroundCache.conversation_id == cid)
        .values(created_at=clock.utcnow() - timedelta(seconds=seconds))
    )


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the analyses run (each recompute runs the engine once)."""
    calls: list[int] = []
    real: Callable[..., Any] = analysis.analyze

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis, "analyze", counted)
    return calls


def _read_apart(db: Session, caller: Caller, cid: int, lock_timeout_s: float = 5.0) -> ResultsOut:
    """The results as another request reads them: its own session, committed."""
    url = db.get_bind().engine.url.render_as_string(hide_password=False)
    session = session_factory(url, lock_timeout_s=lock_timeout_s)()
    session.info["settings"] = db.info["settings"]
    try:
        out = analysis.results(session, caller, cid)
        session.commit()
        return out
    finally:
        session.close()


def test_a_vote_within_the_window_serves_the_stored_analysis(db: Session) -> None:
    w, cid, ids = _voted(db)
    cleo = w.caller(w.cleo, "convenor")
    first = analysis.results(db, cleo, cid)
    assert first.votes == 1 and first.computed_at is not None
    svc.cast_vote(db, w.caller(w.bola), cid, VoteIn(statement_id=ids[1], value=-1))
    within = analysis.results(db, cleo, cid)
    # the analysis of the version before Bola's vote, as it was computed
    assert within == first
    assert within.data_version < svc.load_conversation(db, cleo, cid).data_version
    _age(db, cid, WINDOW_S + 1)
    after = analysis.results(db, cleo, cid)
    assert after.votes == 2 and len(after.participants) == len(first.participants) + 1
    assert after.data_version == svc.load_conversation(db, cleo, cid).data_version
    assert after.computed_at is not None and after.computed_at > first.computed_at - timedelta(
        seconds=1
    )
    # only the latest analysis stays stored
    assert db.scalar(select(func.count()).select_from(GroundCache)) == 1


def test_without_a_window_every_vote_is_counted_at_once(db: Session) -> None:
    w, cid, ids = _voted(db)
    db.info["settings"] = Settings(results_freshness_s=0.0)
    cleo = w.caller(w.cleo, "convenor")
    assert analysis.results(db, cleo, cid).votes == 1
    svc.cast_vote(db, w.caller(w.bola), cid, VoteIn(statement_id=ids[1], value=-1))
    assert analysis.results(db, cleo, cid).votes == 2


def test_an_explicit_seed_is_always_of_the_current_votes(db: Session) -> None:
    w, cid, ids = _voted(db)
    cleo = w.caller(w.cleo, "convenor")
    analysis.results(db, cleo, cid)
    svc.cast_vote(db, w.caller(w.bola), cid, VoteIn(statement_id=ids[1], value=-1))
    assert analysis.results(db, cleo, cid, seed=7).votes == 2


def test_readers_after_the_window_recompute_once(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    w, cid, ids = _voted(db)
    cleo = w.caller(w.cleo, "convenor")
    analysis.results(db, cleo, cid)
    svc.cast_vote(db, w.caller(w.bola), cid, VoteIn(statement_id=ids[1], value=-1))
    _age(db, cid, WINDOW_S + 1)
    db.commit()
    calls = _counting(monkeypatch)
    seen = [_read_apart(db, cleo, cid).votes for _reader in range(3)]
    assert seen == [2, 2, 2]
    assert len(calls) == 1


def test_a_reader_never_waits_for_the_one_recomputing(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While one request recomputes (it holds the stored row), another serves the stored
    analysis at once instead of waiting or recomputing too (PostgreSQL; SQLite runs one
    transaction at a time, so there the second reader comes after the first)."""
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite serialises transactions: covered by the sequential readers test")
    w, cid, ids = _voted(db)
    cleo = w.caller(w.cleo, "convenor")
    before = analysis.results(db, cleo, cid)
    svc.cast_vote(db, w.caller(w.bola), cid, VoteIn(statement_id=ids[1], value=-1))
    _age(db, cid, WINDOW_S + 1)
    db.commit()
    started, release = threading.Event(), threading.Event()
    real: Callable[..., Any] = analysis.analyze
    calls: list[int] = []

    def slow(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        started.set()
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis, "analyze", slow)
    first: list[int | None] = []

    thread = threading.Thread(target=lambda: first.append(_read_apart(db, cleo, cid).votes))
    thread.start()
    try:
        assert started.wait(10)
        # a lock timeout of 1 s: a reader that waited on the recompute would fail
        served = _read_apart(db, cleo, cid, lock_timeout_s=1.0)
    finally:
        release.set()
        thread.join(20)
    assert served == before  # the stored analysis, not a second recompute
    assert len(calls) == 1 and first == [2]


def test_the_results_page_says_how_old_the_analysis_is(clean_url: str) -> None:
    settings = Settings(database_url=clean_url, secret_key="test-secret", results_freshness_s=60)
    with session_scope(clean_url) as db:
        db.info["settings"] = settings
        w, cid, ids = _voted(db)
        cleo = w.caller(w.cleo, "convenor")
        analysis.results(db, cleo, cid)
        svc.cast_vote(db, w.caller(w.bola), cid, VoteIn(statement_id=ids[1], value=-1))
    client = make_client(settings, cleo)
    page = client.get(f"/conversations/{cid}/results")
    assert page.status_code == 200
    age = " ".join(page.text.split('id="analysis-age">')[1].split("</p>")[0].split())
    assert re.fullmatch(r"Updated \d+ seconds? ago · 1 vote counted", age), age
    api = client.get(f"/api/conversations/{cid}/results").json()
    assert api["votes"] == 1 and api["computed_at"]
    with session_scope(clean_url) as db:
        _age(db, cid, 3600)
    again = client.get(f"/conversations/{cid}/results").text
    assert "2 votes counted" in again and "Updated" in again


def test_the_window_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COALITION_RESULTS_FRESHNESS")
    assert load_settings().results_freshness_s == 5.0
    for raw, seconds in (("0", 0.0), ("2.5", 2.5)):
        monkeypatch.setenv("COALITION_RESULTS_FRESHNESS", raw)
        assert load_settings().results_freshness_s == seconds
    monkeypatch.setenv("COALITION_RESULTS_FRESHNESS", "soon")
    with pytest.raises(ConfigurationError, match="COALITION_RESULTS_FRESHNESS"):
        load_settings()
