"""The demo shows joint work: threads (team and network), one open decision and two closed ones,
the first blocked, then amended and passed."""

from __future__ import annotations

from sqlalchemy import select

from coalition.cli import _after_demo
from coalition.demo import build_demo_bundle
from coalition.io.bundle import import_bundle
from coalition.store.session import session_factory
from coalition.store.tables import Tie
from coalition.store.tables_together import Decision, Post, Thread


def test_the_demo_has_threads_and_decisions(clean_url: str) -> None:
    with session_factory(clean_url)() as db:
        import_bundle(db, build_demo_bundle(actors=80))
        _after_demo(db, "demo")
        _after_demo(db, "demo")  # a second run adds nothing
        db.commit()
        assert sorted(db.scalars(select(Thread.visibility))) == ["network", "team"]
        assert len(db.scalars(select(Post.id)).all()) == 5
        rows = db.execute(select(Decision.id, Decision.status, Decision.amends_id)).all()
        (blocked,) = [r for r in rows if r.status == "blocked"]
        (passed,) = [r for r in rows if r.status == "passed"]
        assert passed.amends_id == blocked.id
        assert [r.status for r in rows].count("open") == 1
        origins = set(db.scalars(select(Tie.origin).where(Tie.origin.in_(["thread", "decision"]))))
        assert origins == {"thread", "decision"}
