"""Who is calling: secrets and password hashes, and the caller an account is.

Every secret handed out (session cookie, API token, reset or invitation link) is a random token
of which only a SHA-256 hash is stored; passwords are hashed with Argon2id. Who a request is
comes from :func:`caller_for_account`: its roles per network come from ``memberships``, its
actors are its own plus the organisations it represents (``Affiliation.representative``).
Signing in and sessions are in :mod:`.accounts`, API tokens in :mod:`.tokens`.
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from .. import clock
from ..errors import Forbidden, Unauthorized
from ..i18n import _
from ..store.tables import Affiliation, Network
from ..store.tables_auth import Account, Membership
from .access import Caller

_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so a wrong e-mail costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password anyone has")


# ---------------------------------------------------------------- secrets


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether a stored hash was made with weaker settings than today's (rehash on sign-in)."""
    return _hasher.check_needs_rehash(stored)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """The stored form of a token: SHA-256 is enough for 256-bit random secrets."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


# ---------------------------------------------------------------- who is calling


def caller_for_account(
    db: Session, account_id: int, scopes: frozenset[str] | None = None
) -> Caller:
    """The caller an account is: roles from its memberships, actors it owns or represents."""
    return account_caller(db, account_id, scopes)[0]


def account_caller(
    db: Session, account_id: int, scopes: frozenset[str] | None = None
) -> tuple[Caller, list[tuple[str, str]]]:
    """The caller an account is, and (slug, name) of its networks by name (the navigation's
    choices), read in one statement: each membership with its network and the organisations
    its actor represents today (one row per such organisation)."""
    today = clock.today()
    represents = and_(
        Affiliation.actor_id == Membership.actor_id,
        Affiliation.representative == 1,
        or_(Affiliation.end_date.is_(None), Affiliation.end_date >= today),
    )
    rows = db.execute(
        select(
            Membership.network_id,
            Membership.role,
            Membership.actor_id,
            Network.slug,
            Network.name,
            Affiliation.organisation_id,
        )
        .join(Network, Network.id == Membership.network_id)
        .outerjoin(Affiliation, represents)
        .where(Membership.account_id == account_id)
    ).all()
    roles = {row.network_id: row.role for row in rows}
    actors = {row.actor_id for row in rows if row.actor_id is not None}
    actors |= {row.organisation_id for row in rows if row.organisation_id is not None}
    networks = sorted({(row.slug, row.name) for row in rows}, key=lambda n: (n[1], n[0]))
    caller = Caller(account_id=account_id, actor_ids=frozenset(actors), roles=roles, scopes=scopes)
    return caller, networks


def represented(db: Session, own: set[int]) -> set[int]:
    """Organisations whose named representative is one of ``own`` (and still is, today)."""
    if not own:
        return set()
    today = clock.today()
    return set(
        db.scalars(
            select(Affiliation.organisation_id).where(
                Affiliation.actor_id.in_(own),
                Affiliation.representative == 1,
                or_(Affiliation.end_date.is_(None), Affiliation.end_date >= today),
            )
        )
    )


def signed_in_account(db: Session, caller: Caller) -> Account:
    if caller.account_id is None:
        raise Unauthorized(_("sign in first"))
    account = db.get(Account, caller.account_id)
    if account is None:
        raise Unauthorized(_("sign in first"))
    return account


def require_session(caller: Caller) -> None:
    """Managing keys and deleting the account need a signed-in person, not an API token."""
    if caller.scopes is not None:
        raise Forbidden(_("API tokens cannot do this; sign in with your password"))
