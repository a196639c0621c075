"""Threads and posts of an initiative, read by its team or by its whole network.

Authorisation is in the query (:func:`access.readable_threads`): a team thread is read only by the
initiative's team (an active or completed engagement, or its convenor) and the operator; a
network thread by every member of the network. Mentions notify only those who may read the
thread, so a team thread's words never reach anybody else. A reply in an initiative's thread
is joint work: it leaves a ``collaborated`` tie (origin ``thread``) on the map, once per pair.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import cast

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from .. import clock
from ..domain import ThreadVisibility
from ..errors import Forbidden, Invalid, NotFound, Unauthorized
from ..i18n import _, phrase
from ..schemas.together import (
    AttachmentOut,
    PostEditIn,
    PostEditOut,
    PostIn,
    PostOut,
    ThreadDetailOut,
    ThreadIn,
    ThreadOut,
    ThreadVisibilityName,
)
from ..store.cache import bump_version
from ..store.tables import Actor, Initiative, Network
from ..store.tables_outcomes import KnowledgeAsset
from ..store.tables_together import Post, PostEdit, Thread, ThreadRead
from . import markup
from .access import Caller, load_readable, readable_actors, readable_threads
from .initiatives import initiative_titles, load_initiative
from .notifications import notify
from .outcomes import initiative_member_ids
from .ties import tie_once


def _now() -> datetime:
    return clock.utcnow()


def readers(
    db: Session, thread_network_id: int, visibility: str, initiative: Initiative
) -> set[int]:
    """Actors who may read a thread of ``initiative`` with ``visibility``."""
    if visibility == ThreadVisibility.team.value:
        return initiative_member_ids(db, initiative)
    return set(db.scalars(select(Actor.id).where(Actor.network_id == thread_network_id)))


def author_for(db: Session, caller: Caller, network_id: int, allowed: set[int] | None) -> int:
    """The caller's actor that writes in this network (on the team when ``allowed`` is given)."""
    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    if caller.system and not caller.actor_ids:
        raise Invalid(_("the console writes as a member: give --as ACTOR_ID"), field="actor_id")
    mine = db.scalars(
        select(Actor.id)
        .where(Actor.id.in_(list(caller.actor_ids)), Actor.network_id == network_id)
        .order_by(Actor.kind.desc(), Actor.id)  # a person before an organisation
    ).all()
    usable = [a for a in mine if allowed is None or a in allowed]
    if not usable:
        raise Forbidden(_("only members of this initiative's team may write here"))
    return usable[0]


def _names(db: Session, caller: Caller, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = db.execute(
        select(Actor.id, Actor.name).where(Actor.id.in_(wanted), readable_actors(caller))
    ).all()
    return dict(rows)


def _attachments(db: Session, network_id: int, ids: list[int]) -> list[AttachmentOut]:
    if not ids:
        return []
    rows = db.execute(
        select(KnowledgeAsset.id, KnowledgeAsset.title).where(
            KnowledgeAsset.id.in_(ids), KnowledgeAsset.network_id == network_id
        )
    ).all()
    titles = dict(rows)
    return [
        AttachmentOut(asset_id=i, title=titles[i], url=f"/assets/{i}") for i in ids if i in titles
    ]


def _check_assets(db: Session, network_id: int, ids: list[int]) -> list[int]:
    ids = list(dict.fromkeys(ids))
    found = set(
        db.scalars(
            select(KnowledgeAsset.id).where(
                KnowledgeAsset.id.in_(ids), KnowledgeAsset.network_id == network_id
            )
        )
    )
    missing = [i for i in ids if i not in found]
    if missing:
        raise Invalid(
            _("no asset %(0)s in this network's commons") % {"0": missing[0]}, field="asset_ids"
        )
    return ids


def _post_views(db: Session, caller: Caller, thread: Thread, posts: list[Post]) -> list[PostOut]:
    names = _names(db, caller, [p.author_id for p in posts])
    edits = dict(
        db.execute(
            select(PostEdit.post_id, func.count())
            .where(PostEdit.post_id.in_([p.id for p in posts]))
            .group_by(PostEdit.post_id)
        ).all()
    )
    out = []
    for p in posts:
        mentions = {m["name"]: int(m["id"]) for m in p.mentions or []}
        out.append(
            PostOut(
                id=p.id,
                thread_id=p.thread_id,
                author_id=p.author_id if p.author_id in names else None,
                author_name=names.get(p.author_id or 0, "A member"),
                body=p.body,
                html=str(markup.render(p.body, mentions)),
                attachments=_attachments(db, thread.network_id, list(p.asset_ids or [])),
                created_at=p.created_at,
                edited_at=p.edited_at,
                edits=int(edits.get(p.id, 0)),
                mine=p.author_id is not None and caller.owns(p.author_id),
            )
        )
    return out


def _mentions(
    db: Session, thread: Thread, initiative: Initiative, body: str
) -> list[dict[str, object]]:
    """``@[Name]``s of actors who may read the thread (others are left as plain text)."""
    names = markup.mentioned_names(body)
    if not names:
        return []
    may_read = readers(db, thread.network_id, thread.visibility, initiative)
    rows = db.execute(
        select(Actor.id, Actor.name).where(
            Actor.network_id == thread.network_id,
            Actor.anonymised == 0,
            func.lower(Actor.name).in_([n.lower() for n in names]),
        )
    ).all()
    return [{"id": i, "name": n} for i, n in rows if i in may_read]


def _write(
    db: Session, thread: Thread, initiative: Initiative, author: int, data: PostIn | ThreadIn
) -> Post:
    assets = _check_assets(db, thread.network_id, list(data.asset_ids))
    mentions = _mentions(db, thread, initiative, data.body)
    post = Post(
        thread_id=thread.id, author_id=author, body=data.body, asset_ids=assets, mentions=mentions
    )
    db.add(post)
    thread.last_post_at = _now()
    db.flush()
    _mark_read(db, thread.id, author, post.id)
    author_name = db.scalar(select(Actor.name).where(Actor.id == author)) or "A member"
    for m in mentions:
        if m["id"] != author:
            notify(
                db,
                int(str(m["id"])),
                "mention",
                phrase(
                    "%(author_name)s mentioned you in '%(title)s'",
                    author_name=author_name,
                    title=thread.title,
                ),
                link=f"/threads/{thread.id}#post-{post.id}",
                network_id=thread.network_id,
            )
    return post


def _mark_read(db: Session, thread_id: int, actor_id: int, post_id: int) -> None:
    row = db.get(ThreadRead, (thread_id, actor_id))
    if row is None:
        db.add(ThreadRead(thread_id=thread_id, actor_id=actor_id, last_post_id=post_id))
    elif row.last_post_id < post_id:
        row.last_post_id = post_id


def _tie_reply(db: Session, thread: Thread, initiative: Initiative, author: int) -> None:
    """A reply to a thread someone else started ties the two, once per pair and initiative."""
    starter = thread.author_id
    if starter is None or starter == author:
        return
    note = f"discussed in '{initiative.title}'"
    if not tie_once(db, initiative, author, starter, origin="thread", note=note, on=_now().date()):
        return
    db.flush()
    bump_version(db, initiative.network_id)


# -- use cases ----------------------------------------------------------------------------


def start_thread(
    db: Session, caller: Caller, initiative_id: int, data: ThreadIn
) -> ThreadDetailOut:
    """Open a thread on an initiative with its first post (a team member, or its convenor)."""
    initiative = load_initiative(db, caller, initiative_id)
    team = initiative_member_ids(db, initiative)
    author = author_for(db, caller, initiative.network_id, team)
    thread = Thread(
        network_id=initiative.network_id,
        initiative_id=initiative.id,
        title=data.title,
        visibility=data.visibility,
        author_id=author,
    )
    db.add(thread)
    db.flush()
    _write(db, thread, initiative, author, data)
    return get_thread(db, caller, thread.id)


def reply(db: Session, caller: Caller, thread_id: int, data: PostIn) -> PostOut:
    """Reply in a thread the caller may read; writing in a team thread needs the team."""
    thread = load_readable(db, caller, Thread, thread_id)
    initiative = db.get_one(Initiative, thread.initiative_id)
    allowed = (
        initiative_member_ids(db, initiative)
        if thread.visibility == ThreadVisibility.team.value
        else None
    )
    author = author_for(db, caller, thread.network_id, allowed)
    post = _write(db, thread, initiative, author, data)
    _tie_reply(db, thread, initiative, author)
    return _post_views(db, caller, thread, [post])[0]


def edit_post(db: Session, caller: Caller, post_id: int, data: PostEditIn) -> PostOut:
    """Change one's own post; the text it replaces is kept in its history."""
    post, thread = _load_post(db, caller, post_id)
    if post.author_id is None or not caller.owns(post.author_id) or caller.system:
        raise Forbidden(_("only its author may edit a post"))
    if data.body != post.body:
        db.add(
            PostEdit(post_id=post.id, body=post.body, edited_at=post.edited_at or post.created_at)
        )
        post.body = data.body
        post.edited_at = _now()
        initiative = db.get_one(Initiative, thread.initiative_id)
        post.mentions = _mentions(db, thread, initiative, data.body)
        db.flush()
    return _post_views(db, caller, thread, [post])[0]


def _load_post(db: Session, caller: Caller, post_id: int) -> tuple[Post, Thread]:
    post = db.get(Post, post_id)
    if post is None:
        raise NotFound(_("no post %(post_id)s") % {"post_id": post_id})
    try:
        return post, load_readable(db, caller, Thread, post.thread_id)
    except NotFound:
        raise NotFound(_("no post %(post_id)s") % {"post_id": post_id}) from None


def post_history(db: Session, caller: Caller, post_id: int) -> list[PostEditOut]:
    """Earlier versions of a post, oldest first (readers of the thread see them)."""
    post, _ = _load_post(db, caller, post_id)
    rows = db.scalars(
        select(PostEdit).where(PostEdit.post_id == post.id).order_by(PostEdit.id)
    ).all()
    return [PostEditOut(body=r.body, edited_at=r.edited_at) for r in rows]


def _thread_views(db: Session, caller: Caller, threads: list[Thread]) -> list[ThreadOut]:
    if not threads:
        return []
    ids = [t.id for t in threads]
    counts = dict(
        db.execute(
            select(Post.thread_id, func.count())
            .where(Post.thread_id.in_(ids))
            .group_by(Post.thread_id)
        ).all()
    )
    unread = _unread_by_thread(db, caller, ids)
    names = _names(db, caller, [t.author_id for t in threads])
    slugs = dict(db.execute(select(Network.id, Network.slug)).all())
    titles = initiative_titles(db, {t.initiative_id for t in threads if t.initiative_id})
    return [
        ThreadOut(
            id=t.id,
            network=slugs.get(t.network_id, ""),
            initiative_id=t.initiative_id,
            initiative_title=titles.get(t.initiative_id or 0),
            title=t.title,
            visibility=cast(ThreadVisibilityName, t.visibility),  # written from it only
            author_name=names.get(t.author_id or 0, "A member"),
            posts=int(counts.get(t.id, 0)),
            unread=unread.get(t.id, 0),
            created_at=t.created_at,
            last_post_at=t.last_post_at,
        )
        for t in threads
    ]


def unread_statement(
    caller: Caller, thread_ids: list[int] | None = None
) -> Select[int, int] | None:
    """(thread id, posts by others newer than the caller has read) per thread they read, as
    one statement; None when the caller has no actor."""
    mine = list(caller.actor_ids)
    if not mine:
        return None
    seen = (
        select(func.max(ThreadRead.last_post_id))
        .where(ThreadRead.thread_id == Post.thread_id, ThreadRead.actor_id.in_(mine))
        .scalar_subquery()
    )
    stmt = (
        select(Post.thread_id, func.count())
        .join(Thread, Thread.id == Post.thread_id)
        .where(
            readable_threads(caller),
            Post.id > func.coalesce(seen, 0),
            or_(Post.author_id.is_(None), Post.author_id.not_in(mine)),
        )
        .group_by(Post.thread_id)
    )
    if thread_ids is not None:
        stmt = stmt.where(Post.thread_id.in_(thread_ids))
    return stmt


def _unread_by_thread(db: Session, caller: Caller, thread_ids: list[int] | None) -> dict[int, int]:
    stmt = unread_statement(caller, thread_ids)
    if stmt is None:
        return {}
    return {int(t): int(n) for t, n in db.execute(stmt).all()}


def unread_total(db: Session, caller: Caller) -> int:
    """Posts by others, in threads the caller reads, newer than what they have seen."""
    if not caller.authenticated or caller.system:
        return 0
    return sum(_unread_by_thread(db, caller, None).values())


def list_threads(db: Session, caller: Caller, initiative_id: int) -> list[ThreadOut]:
    """The threads of an initiative that the caller may read, most recent first."""
    initiative = load_initiative(db, caller, initiative_id)
    rows = db.scalars(
        select(Thread)
        .where(Thread.initiative_id == initiative.id, readable_threads(caller))
        .order_by(Thread.last_post_at.desc(), Thread.id.desc())
    ).all()
    return _thread_views(db, caller, list(rows))


def my_threads(db: Session, caller: Caller, limit: int = 200) -> list[ThreadOut]:
    """Every thread the caller reads, across their networks, unread first then most recent."""
    if not caller.authenticated:
        raise Unauthorized(_("sign in first"))
    rows = db.scalars(
        select(Thread)
        .where(readable_threads(caller))
        .order_by(Thread.last_post_at.desc(), Thread.id.desc())
        .limit(limit)
    ).all()
    views = _thread_views(db, caller, list(rows))
    return sorted(views, key=lambda t: t.unread == 0)


def get_thread(
    db: Session, caller: Caller, thread_id: int, *, mark: bool = True
) -> ThreadDetailOut:
    """A thread with its posts; reading it marks it read for the caller's actors in it."""
    thread = load_readable(db, caller, Thread, thread_id)
    posts = list(
        db.scalars(select(Post).where(Post.thread_id == thread.id).order_by(Post.id)).all()
    )
    (view,) = _thread_views(db, caller, [thread])
    out = ThreadDetailOut(**view.model_dump(), items=_post_views(db, caller, thread, posts))
    if mark and posts and not caller.system:
        mine = db.scalars(
            select(Actor.id).where(
                Actor.id.in_(list(caller.actor_ids)), Actor.network_id == thread.network_id
            )
        ).all()
        for actor_id in mine:
            _mark_read(db, thread.id, actor_id, posts[-1].id)
        db.flush()
    return out


def get_post(db: Session, caller: Caller, post_id: int) -> PostOut:
    """One post of a thread the caller may read."""
    post, thread = _load_post(db, caller, post_id)
    return _post_views(db, caller, thread, [post])[0]
