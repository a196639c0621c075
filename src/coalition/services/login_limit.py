"""The sign-in rate limit: per account and address, per account, and per address.

Each attempt is *recorded and committed before it is judged*, and then judged by the count of
attempts recorded in the window, its own included. Attempts that race each other are thereby
ordered by their commits: the k-th to commit sees at least k rows, so however many arrive at
once, at most the limit of them are ever let through to the password check. (Counting first and
inserting after, two concurrent attempts can both count zero: 30 at once were all evaluated.)

A successful sign-in deletes the attempts of that e-mail from that address; refused and failed
attempts stay until they leave the window, so hammering a closed door keeps it closed.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from .. import clock
from ..errors import CoalitionError
from ..i18n import _
from ..store.tables_auth import LoginFailure

WINDOW = timedelta(minutes=15)
# Attempts in WINDOW: of one e-mail from one address; of one e-mail from anywhere (a spread-out
# guess at one account); from one address at any e-mail (one client trying many accounts).
PAIR_LIMIT = 5
ACCOUNT_LIMIT = 20
ADDRESS_LIMIT = 50


class RateLimited(CoalitionError):
    status = 429


def admit(db: Session, email: str, ip: str) -> LoginFailure:
    """Record an attempt of ``email`` from ``ip``, commit it, and refuse it (429) when it is
    over a limit. The returned row is the attempt: :func:`succeeded` deletes it."""
    now = clock.utcnow()
    since = now - WINDOW
    db.execute(delete(LoginFailure).where(LoginFailure.email == email, LoginFailure.at <= since))
    attempt = LoginFailure(email=email, ip=ip, at=now)
    db.add(attempt)
    db.commit()  # visible to every concurrent attempt before this one is judged
    pair, account, address = db.execute(
        select(
            func.count().filter(LoginFailure.email == email, LoginFailure.ip == ip),
            func.count().filter(LoginFailure.email == email),
            func.count().filter(LoginFailure.ip == ip),
        ).where(LoginFailure.at > since, or_(LoginFailure.email == email, LoginFailure.ip == ip))
    ).one()
    if pair > PAIR_LIMIT or account > ACCOUNT_LIMIT or address > ADDRESS_LIMIT:
        raise RateLimited(_("too many failed sign-ins; wait fifteen minutes and try again"))
    return attempt


def recent(db: Session, email: str, ip: str) -> int:
    """How many attempts of ``email`` from ``ip`` are in the window (for the log line)."""
    since = clock.utcnow() - WINDOW
    found = db.scalar(
        select(func.count()).where(
            LoginFailure.email == email, LoginFailure.ip == ip, LoginFailure.at > since
        )
    )
    return int(found or 0)


def succeeded(db: Session, email: str, ip: str) -> None:
    """A right password: forget the attempts of ``email`` from ``ip`` (this one included)."""
    db.execute(delete(LoginFailure).where(LoginFailure.email == email, LoginFailure.ip == ip))
