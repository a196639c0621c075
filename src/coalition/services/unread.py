"""The navigation's unread counts in one statement: posts by others in the threads the caller
reads (:mod:`coalition.services.threads`) and messages by the other side on the caller's
invitations (:mod:`coalition.services.invitation_threads`)."""

from __future__ import annotations

from sqlalchemy import literal, union_all
from sqlalchemy.orm import Session

from . import invitation_threads, threads
from .access import Caller

_THREAD, _INVITATION = 0, 1


def navigation_counts(db: Session, caller: Caller) -> tuple[int, dict[int, int]]:
    """Unread posts in all the caller's threads, and unread messages per invitation of theirs
    (either side), read with ONE statement."""
    parts = []
    if caller.authenticated and not caller.system:
        posts = threads.unread_statement(caller)
        if posts is not None:
            parts.append(posts.add_columns(literal(_THREAD)))
    messages = invitation_threads.unread_statement(caller)
    if messages is not None:
        parts.append(messages.add_columns(literal(_INVITATION)))
    if not parts:
        return 0, {}
    posts_total, per_invitation = 0, {}
    for key, n, kind in db.execute(union_all(*parts)).all():
        if kind == _THREAD:
            posts_total += int(n)
        else:
            per_invitation[int(key)] = int(n)
    return posts_total, per_invitation
