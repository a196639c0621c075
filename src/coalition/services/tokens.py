"""API tokens: made, listed and revoked by a signed-in person; who a token's request is.

The token is shown once; only its SHA-256 hash is stored (see :mod:`.identity`).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, aliased

from .. import clock
from ..errors import NotFound, Unauthorized
from ..i18n import _
from ..schemas.auth import TokenCreated, TokenIn, TokenOut
from ..store.tables_auth import ApiToken
from .access import Caller
from .identity import caller_for_account, digest, new_secret, require_session, signed_in_account

TOKEN_PREFIX = "coa_"
TOKEN_TOUCH_EVERY = timedelta(minutes=1)


def caller_for_token(db: Session, token: str) -> Caller:
    """The caller of an API token; an unknown, revoked or expired token is a 401."""
    hashed = digest(token)
    _touch_token(db, hashed)
    row = db.scalars(select(ApiToken).where(ApiToken.token_hash == hashed)).first()
    now = clock.utcnow()
    if row is None or row.revoked_at is not None:
        raise Unauthorized(_("this API token is not valid"))
    if row.expires_at is not None and row.expires_at <= now:
        raise Unauthorized(_("this API token has expired"))
    return caller_for_account(db, row.account_id, frozenset(row.scopes or []))


def _touch_token(db: Session, hashed: str) -> None:
    """Note when a token was last used, at most once a minute, without making its uses queue.

    One conditional UPDATE, the request's first statement (so SQLite takes its write lock
    before reading). On PostgreSQL a use that finds the row being touched by another skips it
    (SKIP LOCKED) instead of waiting for that request to end.
    """
    now = clock.utcnow()
    token = aliased(ApiToken)
    due = (
        select(token.id)
        .where(
            token.token_hash == hashed,
            token.revoked_at.is_(None),
            or_(token.last_used_at.is_(None), token.last_used_at < now - TOKEN_TOUCH_EVERY),
        )
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    db.execute(
        update(ApiToken)
        .where(ApiToken.id == due)
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )


# ---------------------------------------------------------------- managing tokens


def _token_out(row: ApiToken) -> TokenOut:
    return TokenOut(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        scopes=list(row.scopes or []),
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked=row.revoked_at is not None,
    )


def list_tokens(db: Session, caller: Caller) -> list[TokenOut]:
    account = signed_in_account(db, caller)
    rows = db.scalars(
        select(ApiToken).where(ApiToken.account_id == account.id).order_by(ApiToken.id)
    )
    return [_token_out(r) for r in rows]


def create_token(db: Session, caller: Caller, data: TokenIn) -> TokenCreated:
    """A new API token with ``scopes``; the token is returned once and never again."""
    account = signed_in_account(db, caller)
    require_session(caller)
    token = TOKEN_PREFIX + new_secret()
    row = ApiToken(
        account_id=account.id,
        name=data.name,
        token_hash=digest(token),
        prefix=token[:10],
        scopes=sorted(set(data.scopes)),
        created_at=clock.utcnow(),
        expires_at=clock.utcnow() + timedelta(days=data.expires_in_days)
        if data.expires_in_days
        else None,
    )
    db.add(row)
    db.flush()
    return TokenCreated(**_token_out(row).model_dump(), token=token)


def revoke_token(db: Session, caller: Caller, token_id: int) -> TokenOut:
    account = signed_in_account(db, caller)
    require_session(caller)
    row = db.scalars(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.account_id == account.id)
    ).first()
    if row is None:
        raise NotFound(_("no API token %(token_id)s") % {"token_id": token_id})
    if row.revoked_at is None:
        row.revoked_at = clock.utcnow()
        db.flush()
    return _token_out(row)
