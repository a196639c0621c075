"""Accounts: signing up and in, sessions, the account's own settings, passwords.

Secrets, password hashes and who a caller is live in :mod:`.identity`; API tokens in
:mod:`.tokens`; network memberships in :mod:`.memberships`, and how one joins in :mod:`.joining`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from .. import clock, i18n
from ..errors import Conflict, Invalid, Unauthorized
from ..i18n import _
from ..schemas.auth import AccountOut, JoinIn, MembershipOut, MeOut, RegisterIn
from ..store.tables import Network
from ..store.tables_auth import (
    Account,
    ApiToken,
    AuthSession,
    LoginFailure,
    Membership,
    OutboxMessage,
    PasswordReset,
)
from . import login_limit
from .access import Caller
from .identity import (
    _DUMMY_HASH,
    account_caller,
    digest,
    hash_password,
    needs_rehash,
    new_secret,
    normalise_email,
    represented,
    require_session,
    signed_in_account,
    verify_password,
)
from .joining import join_account, open_invite, use_invite
from .mail import send_mail
from .networks import get_network

log = logging.getLogger("coalition.auth")

SESSION_TTL = timedelta(days=14)
RESET_TTL = timedelta(hours=1)
LOGIN_WINDOW = login_limit.WINDOW
LOGIN_LIMIT = login_limit.PAIR_LIMIT


RateLimited = login_limit.RateLimited


KEEP_LOCALE = "keep"  # update_me: leave the account's language as it is


# ---------------------------------------------------------------- sessions


def caller_for_session(db: Session, token: str) -> Caller | None:
    """The caller of a session cookie, or None when it is unknown, tampered with or expired."""
    found = session_caller(db, token)
    return None if found is None else found.caller


@dataclass(frozen=True)
class SessionCaller:
    """Who a session cookie is, with what every page shows of them: the account's name and
    language, and (slug, name) of its networks."""

    caller: Caller
    display_name: str
    locale: str | None
    networks: list[tuple[str, str]]


def session_caller(db: Session, token: str) -> SessionCaller | None:
    """The caller of a session cookie and its account's name, language and networks (two
    statements), or None when the session is unknown, tampered with or expired."""
    row = db.execute(
        select(AuthSession.account_id, Account.display_name, Account.locale)
        .join(Account, Account.id == AuthSession.account_id)
        .where(AuthSession.token_hash == digest(token), AuthSession.expires_at > clock.utcnow())
    ).first()
    if row is None:
        return None
    caller, networks = account_caller(db, row.account_id)
    return SessionCaller(caller, row.display_name, row.locale, networks)


# ---------------------------------------------------------------- accounts and sign-in


def register(db: Session, caller: Caller, data: RegisterIn, base_url: str) -> Account:
    """Open an account; with an invitation it joins that network, with ``network`` it asks to."""
    email = normalise_email(data.email)
    invite = open_invite(db, data.invite) if data.invite else None
    if invite is not None and invite.email != email:
        raise Invalid(_("this invitation was sent to another e-mail address"), field="email")
    if db.scalar(select(func.count()).where(Account.email == email)):
        raise Conflict(_("an account with this e-mail exists already; sign in instead"))
    account = Account(
        email=email, display_name=data.display_name, password_hash=hash_password(data.password)
    )
    db.add(account)
    db.flush()
    if invite is not None:
        use_invite(db, account, invite)
    elif data.network:
        network = get_network(db, caller, data.network)
        join_account(
            db, account, network, JoinIn(message=data.message, kind=data.kind, sector=data.sector)
        )
    return account


def authenticate(db: Session, email: str, password: str, ip: str) -> Account:
    """The account for ``email`` if ``password`` is right, within the rate limit.

    The attempt is recorded and committed first, then judged (services/login_limit.py): five
    per e-mail and address, twenty per e-mail, fifty per address in fifteen minutes, and the
    door closes (429) even for attempts that arrive all at once, in any process.
    """
    email = normalise_email(email)
    login_limit.admit(db, email, ip)
    account = db.scalars(select(Account).where(Account.email == email)).first()
    ok = verify_password(account.password_hash if account else _DUMMY_HASH, password)
    if account is None or not ok:
        recent = login_limit.recent(db, email, ip)
        log.info("failed sign-in (%d recent failures for this address)", recent)
        raise Unauthorized(_("wrong e-mail or password"))
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    login_limit.succeeded(db, email, ip)
    db.flush()
    return account


def start_session(db: Session, account: Account) -> str:
    """A new session for ``account``; returns the cookie value (its hash is stored)."""
    token = new_secret()
    db.add(
        AuthSession(
            token_hash=digest(token),
            account_id=account.id,
            created_at=clock.utcnow(),
            expires_at=clock.utcnow() + SESSION_TTL,
        )
    )
    db.execute(delete(AuthSession).where(AuthSession.expires_at <= clock.utcnow()))
    db.flush()
    return token


def end_session(db: Session, token: str | None) -> None:
    if token:
        db.execute(delete(AuthSession).where(AuthSession.token_hash == digest(token)))
        db.flush()


def account_out(account: Account) -> AccountOut:
    return AccountOut.model_validate(account)


def me(db: Session, caller: Caller) -> MeOut:
    account = signed_in_account(db, caller)
    rows = db.execute(
        select(Membership, Network)
        .join(Network, Network.id == Membership.network_id)
        .where(Membership.account_id == account.id)
        .order_by(Network.slug)
    ).all()
    own = {m.actor_id for m, _ in rows if m.actor_id is not None}
    return MeOut(
        account=account_out(account),
        memberships=[
            MembershipOut(network=n.slug, network_name=n.name, role=m.role, actor_id=m.actor_id)
            for m, n in rows
        ],
        actor_ids=sorted(caller.actor_ids),
        represents=sorted(represented(db, own)),
        scopes=sorted(caller.scopes) if caller.scopes is not None else None,
    )


def update_me(
    db: Session, caller: Caller, display_name: str, locale: str | None = KEEP_LOCALE
) -> MeOut:
    """Rename the account; with ``locale``, also choose its language ("" or None: the browser's)."""
    account = signed_in_account(db, caller)
    account.display_name = display_name
    if locale != KEEP_LOCALE:
        set_account_locale(db, caller, locale)
    db.flush()
    return me(db, caller)


def set_account_locale(db: Session, caller: Caller, locale: str | None) -> None:
    """The language of the account's pages and e-mails (one of coalition.i18n.LOCALES)."""
    if locale and i18n.supported(locale) != locale:
        raise Invalid(_("Choose one of the languages offered."), field="locale")
    signed_in_account(db, caller).locale = locale or None
    db.flush()


# ---------------------------------------------------------------- password reset


def request_reset(db: Session, email: str, base_url: str) -> None:
    """E-mail a one-hour reset link if the account exists; the answer is the same if not."""
    account = db.scalars(select(Account).where(Account.email == normalise_email(email))).first()
    if account is None:
        return
    recent = db.scalar(
        select(func.count()).where(
            PasswordReset.account_id == account.id,
            PasswordReset.created_at > clock.utcnow() - RESET_TTL,
        )
    )
    if (recent or 0) >= 3:
        return  # enough links are on their way; do not let anyone flood an inbox
    token = new_secret()
    db.add(
        PasswordReset(
            account_id=account.id,
            token_hash=digest(token),
            created_at=clock.utcnow(),
            expires_at=clock.utcnow() + RESET_TTL,
        )
    )
    send_mail(
        db,
        account.email,
        _("Reset your Coalition password"),
        _(
            "Someone asked to reset the password of your Coalition "
            "account.\n\nTo choose a new password, open this link within an "
            "hour:\n%(value)s/reset/%(token)s\n\nIf it was not you, ignore this "
            "message: your password stays as it is.\n"
        )
        % {"value": base_url.rstrip("/"), "token": token},
    )


def _open_reset(db: Session, token: str) -> PasswordReset:
    row = db.scalars(select(PasswordReset).where(PasswordReset.token_hash == digest(token))).first()
    if row is None or row.used_at is not None or row.expires_at <= clock.utcnow():
        raise Unauthorized(_("this reset link is not valid or has expired; ask for a new one"))
    return row


def check_reset(db: Session, token: str) -> None:
    _open_reset(db, token)


def reset_password(db: Session, token: str, password: str) -> None:
    """Set a new password from a reset link; every session of the account is signed out."""
    row = _open_reset(db, token)
    account = db.get_one(Account, row.account_id)
    account.password_hash = hash_password(password)
    row.used_at = clock.utcnow()
    revoke_credentials(db, account.id)
    db.execute(delete(LoginFailure).where(LoginFailure.email == account.email))
    db.flush()


def change_password(
    db: Session, caller: Caller, current: str, new: str, ip: str, session: str | None
) -> None:
    """A signed-in person chooses a new password (the current one proves it is them, within the
    sign-in rate limit): every other session ends and every API token is revoked."""
    require_session(caller)
    account = signed_in_account(db, caller)
    login_limit.admit(db, account.email, ip)
    if not verify_password(account.password_hash, current):
        raise Invalid(_("the current password is not right"), field="current_password")
    login_limit.succeeded(db, account.email, ip)
    account.password_hash = hash_password(new)
    revoke_credentials(db, account.id, keep_session=session)
    db.flush()


def revoke_credentials(db: Session, account_id: int, keep_session: str | None = None) -> None:
    """Sign every session of the account out and revoke its API tokens: a new password
    (reset or changed) ends whatever the old one, or a thief who had it, opened.
    ``keep_session`` (a cookie value) spares the session that made the change."""
    sessions = delete(AuthSession).where(AuthSession.account_id == account_id)
    if keep_session is not None:
        sessions = sessions.where(AuthSession.token_hash != digest(keep_session))
    db.execute(sessions)
    db.execute(
        update(ApiToken)
        .where(ApiToken.account_id == account_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=clock.utcnow())
        .execution_options(synchronize_session=False)
    )


# ---------------------------------------------------------------- the development outbox


def list_outbox(db: Session, limit: int = 100) -> list[OutboxMessage]:
    return list(db.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)))
