"""Threads: team and network visibility, replies, edits with history, mentions, Markdown,
attachments, unread counts, and the ties replies leave on the map."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.errors import Forbidden, Invalid, NotFound
from coalition.schemas.together import PostEditIn, PostIn, ThreadIn
from coalition.services import threads
from coalition.services.markup import render
from coalition.store.tables import Tie
from coalition.store.tables_invitations import Notification
from tests.factories import CANARY, Team, team_world


def _thread(db: Session, t: Team, visibility: str = "team", body: str = CANARY) -> int:
    data = ThreadIn(title="Budget", visibility=visibility, body=body)  # type: ignore[arg-type]
    return threads.start_thread(db, t.as_(t.ana), t.initiative_id, data).id


def test_team_thread_is_read_by_the_team_only(db: Session) -> None:
    t = team_world(db)
    thread_id = _thread(db, t)
    for reader in (t.ana, t.ben, t.convenor):
        detail = threads.get_thread(db, t.as_(reader), thread_id)
        assert detail.items[0].body == CANARY
    for stranger in (t.carl,):
        with pytest.raises(NotFound):
            threads.get_thread(db, t.as_(stranger), thread_id)
        assert threads.list_threads(db, t.as_(stranger), t.initiative_id) == []
        assert threads.my_threads(db, t.as_(stranger)) == []
        assert threads.unread_total(db, t.as_(stranger)) == 0
    with pytest.raises(NotFound):
        threads.get_thread(db, t.as_(t.outsider, t.outsider_network), thread_id)


def test_network_thread_is_read_by_the_network_but_written_by_anyone_in_it(db: Session) -> None:
    t = team_world(db)
    thread_id = _thread(db, t, "network", "Open to all")
    assert threads.get_thread(db, t.as_(t.carl), thread_id).title == "Budget"
    post = threads.reply(db, t.as_(t.carl), thread_id, PostIn(body="I can help"))
    assert post.author_name == "Member 2"


def test_only_the_team_writes_in_a_team_thread_and_only_the_team_starts_threads(
    db: Session,
) -> None:
    t = team_world(db)
    thread_id = _thread(db, t)
    with pytest.raises(NotFound):
        threads.reply(db, t.as_(t.carl), thread_id, PostIn(body="let me in"))
    with pytest.raises(Forbidden):
        threads.start_thread(db, t.as_(t.carl), t.initiative_id, ThreadIn(title="x", body="y"))


def test_edit_keeps_history_and_only_the_author_edits(db: Session) -> None:
    t = team_world(db)
    thread_id = _thread(db, t, body="first words")
    post_id = threads.get_thread(db, t.as_(t.ana), thread_id).items[0].id
    with pytest.raises(Forbidden):
        threads.edit_post(db, t.as_(t.ben), post_id, PostEditIn(body="hijack"))
    edited = threads.edit_post(db, t.as_(t.ana), post_id, PostEditIn(body="second words"))
    assert edited.body == "second words" and edited.edits == 1 and edited.edited_at is not None
    threads.edit_post(db, t.as_(t.ana), post_id, PostEditIn(body="third words"))
    history = threads.post_history(db, t.as_(t.ben), post_id)
    assert [h.body for h in history] == ["first words", "second words"]
    with pytest.raises(NotFound):
        threads.post_history(db, t.as_(t.carl), post_id)


def test_mentions_notify_only_who_may_read_the_thread(db: Session) -> None:
    t = team_world(db)
    thread_id = _thread(db, t)
    threads.reply(db, t.as_(t.ana), thread_id, PostIn(body="@[Member 1] and @[Member 2], look"))
    got = {
        r: db.scalars(select(Notification.text).where(Notification.recipient_id == r)).all()
        for r in (t.ben, t.carl)
    }
    assert any("mentioned you" in text for text in got[t.ben])
    assert got[t.carl] == []  # Member 2 (carl) is not on the team: no word of the thread
    html = threads.get_thread(db, t.as_(t.ben), thread_id).items[-1].html
    assert f'href="/actors/{t.ben}"' in html and f"/actors/{t.carl}" not in html


def test_markdown_is_rendered_without_raw_html_or_unsafe_links() -> None:
    html = str(
        render(
            "**bold** <script>alert(1)</script> [x](javascript:alert(1)) [y](https://e.org) "
            "![img](https://e.org/p.png) <img src=x onerror=alert(1)>"
        )
    )
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html and "<img" not in html
    assert 'href="javascript' not in html
    assert 'href="https://e.org" rel="nofollow noopener noreferrer"' in html


def test_attachments_must_be_assets_of_the_network(db: Session) -> None:
    t = team_world(db)
    with pytest.raises(Invalid):
        threads.start_thread(
            db, t.as_(t.ana), t.initiative_id, ThreadIn(title="a", body="b", asset_ids=[999])
        )


def test_unread_counts_follow_reading(db: Session) -> None:
    t = team_world(db)
    thread_id = _thread(db, t)
    assert threads.unread_total(db, t.as_(t.ana)) == 0  # her own post
    assert threads.unread_total(db, t.as_(t.ben)) == 1
    threads.reply(db, t.as_(t.convenor), thread_id, PostIn(body="noted"))
    assert threads.unread_total(db, t.as_(t.ben)) == 2
    assert threads.my_threads(db, t.as_(t.ben))[0].unread == 2
    threads.get_thread(db, t.as_(t.ben), thread_id)
    assert threads.unread_total(db, t.as_(t.ben)) == 0
    assert threads.unread_total(db, t.as_(t.ana)) == 1


def test_a_reply_ties_replier_and_starter_once(db: Session) -> None:
    t = team_world(db)
    thread_id = _thread(db, t)
    for _ in range(2):
        threads.reply(db, t.as_(t.ben), thread_id, PostIn(body="reply"))
    ties = db.execute(
        select(Tie.source_id, Tie.target_id, Tie.kind, Tie.note).where(Tie.origin == "thread")
    ).all()
    assert ties == [(t.ben, t.ana, "collaborated", "discussed in 'Bid tog'")]
    assert CANARY not in ties[0].note
