"""Accounts and security: sign-in, sessions, API tokens, memberships, joining, data portability.

Every secret handed out (session cookie, API token, reset or invitation link) is a random token
of which only a SHA-256 hash is stored; passwords are hashed with Argon2id. Who a request is
comes from :func:`caller_for_account`: its roles per network come from ``memberships``, its
actors are its own plus the organisations it represents (``Affiliation.representative``).
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import ColumnElement, Table, delete, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from .. import clock, i18n
from ..errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from ..i18n import _
from ..schemas.auth import (
    AccountOut,
    JoinIn,
    JoinRequestOut,
    MembershipOut,
    MeOut,
    NetworkInviteIn,
    NetworkInviteOut,
    NetworkMemberOut,
    RegisterIn,
    TokenCreated,
    TokenIn,
    TokenOut,
)
from ..store.cache import bump_version
from ..store.tables import (
    Actor,
    Affiliation,
    Base,
    Engagement,
    Initiative,
    Network,
    Tie,
)
from ..store.tables_auth import (
    Account,
    ApiToken,
    AuthSession,
    JoinRequest,
    LoginFailure,
    Membership,
    NetworkInvite,
    OutboxMessage,
    PasswordReset,
)
from . import login_limit
from .access import ROLE_RANK, Caller, require_role
from .mail import send_mail

log = logging.getLogger("coalition.auth")

SESSION_TTL = timedelta(days=14)
RESET_TTL = timedelta(hours=1)
INVITE_TTL = timedelta(days=14)
LOGIN_WINDOW = login_limit.WINDOW
LOGIN_LIMIT = login_limit.PAIR_LIMIT
TOKEN_PREFIX = "coa_"
TOKEN_TOUCH_EVERY = timedelta(minutes=1)
FORMER_MEMBER = "Former member"

_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so a wrong e-mail costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password anyone has")


RateLimited = login_limit.RateLimited


# ---------------------------------------------------------------- secrets

KEEP_LOCALE = "keep"  # update_me: leave the account's language as it is


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


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
    rows = db.execute(
        select(Membership.network_id, Membership.role, Membership.actor_id).where(
            Membership.account_id == account_id
        )
    ).all()
    roles = {network_id: role for network_id, role, _ in rows}
    own = {actor_id for _, _, actor_id in rows if actor_id is not None}
    return Caller(
        account_id=account_id,
        actor_ids=frozenset(own | _represented(db, own)),
        roles=roles,
        scopes=scopes,
    )


def _represented(db: Session, own: set[int]) -> set[int]:
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


def caller_for_session(db: Session, token: str) -> Caller | None:
    """The caller of a session cookie, or None when it is unknown, tampered with or expired."""
    account_id = db.scalar(
        select(AuthSession.account_id).where(
            AuthSession.token_hash == digest(token), AuthSession.expires_at > clock.utcnow()
        )
    )
    return None if account_id is None else caller_for_account(db, account_id)


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


def _account(db: Session, caller: Caller) -> Account:
    if caller.account_id is None:
        raise Unauthorized(_("sign in first"))
    account = db.get(Account, caller.account_id)
    if account is None:
        raise Unauthorized(_("sign in first"))
    return account


def _require_session(caller: Caller) -> None:
    """Managing keys and deleting the account need a signed-in person, not an API token."""
    if caller.scopes is not None:
        raise Forbidden(_("API tokens cannot do this; sign in with your password"))


# ---------------------------------------------------------------- accounts and sign-in


def register(db: Session, caller: Caller, data: RegisterIn, base_url: str) -> Account:
    """Open an account; with an invitation it joins that network, with ``network`` it asks to."""
    email = normalise_email(data.email)
    invite = _open_invite(db, data.invite) if data.invite else None
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
        _use_invite(db, account, invite)
    elif data.network:
        from .joining import join_account
        from .networks import get_network

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
    if _hasher.check_needs_rehash(account.password_hash):
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
    account = _account(db, caller)
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
        represents=sorted(_represented(db, own)),
        scopes=sorted(caller.scopes) if caller.scopes is not None else None,
    )


def update_me(
    db: Session, caller: Caller, display_name: str, locale: str | None = KEEP_LOCALE
) -> MeOut:
    """Rename the account; with ``locale``, also choose its language ("" or None: the browser's)."""
    account = _account(db, caller)
    account.display_name = display_name
    if locale != KEEP_LOCALE:
        set_account_locale(db, caller, locale)
    db.flush()
    return me(db, caller)


def set_account_locale(db: Session, caller: Caller, locale: str | None) -> None:
    """The language of the account's pages and e-mails (one of coalition.i18n.LOCALES)."""
    if locale and i18n.supported(locale) != locale:
        raise Invalid(_("Choose one of the languages offered."), field="locale")
    _account(db, caller).locale = locale or None
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
    _require_session(caller)
    account = _account(db, caller)
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


# ---------------------------------------------------------------- API tokens


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
    account = _account(db, caller)
    rows = db.scalars(
        select(ApiToken).where(ApiToken.account_id == account.id).order_by(ApiToken.id)
    )
    return [_token_out(r) for r in rows]


def create_token(db: Session, caller: Caller, data: TokenIn) -> TokenCreated:
    """A new API token with ``scopes``; the token is returned once and never again."""
    account = _account(db, caller)
    _require_session(caller)
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
    account = _account(db, caller)
    _require_session(caller)
    row = db.scalars(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.account_id == account.id)
    ).first()
    if row is None:
        raise NotFound(_("no API token %(token_id)s") % {"token_id": token_id})
    if row.revoked_at is None:
        row.revoked_at = clock.utcnow()
        db.flush()
    return _token_out(row)


# ---------------------------------------------------------------- memberships


def _network(db: Session, slug: str) -> Network:
    network = db.scalars(select(Network).where(Network.slug == slug)).first()
    if network is None:
        raise NotFound(_("no network '%(slug)s'") % {"slug": slug})
    return network


def add_membership(
    db: Session, account_id: int, network_id: int, role: str, actor_id: int | None = None
) -> Membership:
    """Give an account ``role`` in a network (or change it); for the operator and joins."""
    if role not in ROLE_RANK:
        raise Invalid(_("unknown role '%(role)s'") % {"role": role}, field="role")
    if actor_id is not None:
        in_network = db.scalar(
            select(func.count()).where(Actor.id == actor_id, Actor.network_id == network_id)
        )
        if not in_network:
            raise Conflict(_("actor %(actor_id)s is not in this network") % {"actor_id": actor_id})
        taken = db.scalar(
            select(Membership.account_id).where(
                Membership.actor_id == actor_id, Membership.account_id != account_id
            )
        )
        if taken is not None:
            raise Conflict(
                _("actor %(actor_id)s belongs to another account already") % {"actor_id": actor_id}
            )
    row = db.scalars(
        select(Membership).where(
            Membership.account_id == account_id, Membership.network_id == network_id
        )
    ).first()
    if row is None:
        row = Membership(
            account_id=account_id, network_id=network_id, role=role, created_at=clock.utcnow()
        )
        db.add(row)
    else:
        row.role = role
    if actor_id is not None:
        row.actor_id = actor_id
    db.flush()
    return row


def on_network_created(db: Session, caller: Caller, network: Network) -> None:
    """The account that opens a network becomes its first steward."""
    if caller.account_id is not None:
        add_membership(db, caller.account_id, network.id, "steward")


def _members_stmt(caller: Caller, network: Network) -> Any:
    return (
        select(Membership, Account, Actor.name)
        .join(Account, Account.id == Membership.account_id)
        .outerjoin(Actor, Actor.id == Membership.actor_id)
        .where(Membership.network_id == network.id)
    )


def list_members(db: Session, caller: Caller, network: Network) -> list[NetworkMemberOut]:
    """The network's members and roles, for its members; e-mail addresses for stewards only."""
    require_role(caller, network, "member")
    steward = caller.has_role(network.id, "steward")
    rows = db.execute(_members_stmt(caller, network).order_by(Account.display_name, Account.id))
    return [
        NetworkMemberOut(
            account_id=a.id,
            display_name=a.display_name,
            email=a.email if steward else None,
            role=m.role,
            actor_id=m.actor_id,
            actor_name=name,
        )
        for m, a, name in rows
    ]


def _member(db: Session, network: Network, account_id: int) -> Membership:
    row = db.scalars(
        select(Membership).where(
            Membership.network_id == network.id, Membership.account_id == account_id
        )
    ).first()
    if row is None:
        raise NotFound(
            _("account %(account_id)s is not a member of '%(slug)s'")
            % {"account_id": account_id, "slug": network.slug}
        )
    return row


def _keep_a_steward(db: Session, network: Network, row: Membership) -> None:
    if row.role != "steward":
        return
    stewards = db.scalar(
        select(func.count()).where(
            Membership.network_id == network.id, Membership.role == "steward"
        )
    )
    if (stewards or 0) <= 1:
        raise Conflict(_("a network needs at least one steward; name another first"))


def change_role(
    db: Session, caller: Caller, network: Network, account_id: int, role: str
) -> NetworkMemberOut:
    require_role(caller, network, "steward")
    row = _member(db, network, account_id)
    if role != "steward":
        _keep_a_steward(db, network, row)
    row.role = role
    db.flush()
    return next(m for m in list_members(db, caller, network) if m.account_id == account_id)


def remove_member(db: Session, caller: Caller, network: Network, account_id: int) -> None:
    """A steward removes a member, or a member leaves; their profile stays in the directory."""
    if caller.account_id != account_id:
        require_role(caller, network, "steward")
    elif not caller.member_of(network.id):
        raise NotFound(
            _("account %(account_id)s is not a member of '%(slug)s'")
            % {"account_id": account_id, "slug": network.slug}
        )
    row = _member(db, network, account_id)
    _keep_a_steward(db, network, row)
    db.delete(row)
    db.flush()


# ---------------------------------------------------------------- joining: requests


def _join_out(row: JoinRequest, account: Account, slug: str, steward: bool) -> JoinRequestOut:
    return JoinRequestOut(
        id=row.id,
        network=slug,
        account_id=account.id,
        display_name=account.display_name,
        email=account.email if steward else None,
        message=row.message,
        kind=row.kind,
        sector=row.sector,
        status=row.status,
        created_at=row.created_at,
    )


def _new_join_request(db: Session, account: Account, network: Network, data: JoinIn) -> JoinRequest:
    member = db.scalar(
        select(func.count()).where(
            Membership.account_id == account.id, Membership.network_id == network.id
        )
    )
    if member:
        raise Conflict(_("you are a member of '%(slug)s' already") % {"slug": network.slug})
    pending = db.scalar(
        select(func.count()).where(
            JoinRequest.account_id == account.id,
            JoinRequest.network_id == network.id,
            JoinRequest.status == "pending",
        )
    )
    if pending:
        raise Conflict(
            _("your request to join '%(slug)s' is waiting for a steward") % {"slug": network.slug}
        )
    row = JoinRequest(
        network_id=network.id,
        account_id=account.id,
        message=data.message,
        kind=data.kind,
        sector=data.sector,
        status="pending",
        created_at=clock.utcnow(),
    )
    db.add(row)
    db.flush()
    return row


def request_to_join(db: Session, caller: Caller, network: Network, data: JoinIn) -> JoinRequestOut:
    account = _account(db, caller)
    row = _new_join_request(db, account, network, data)
    return _join_out(row, account, network.slug, steward=False)


def my_join_requests(db: Session, caller: Caller) -> list[JoinRequestOut]:
    account = _account(db, caller)
    rows = db.execute(
        select(JoinRequest, Network.slug)
        .join(Network, Network.id == JoinRequest.network_id)
        .where(JoinRequest.account_id == account.id)
        .order_by(JoinRequest.id)
    ).all()
    return [_join_out(r, account, slug, steward=False) for r, slug in rows]


def list_join_requests(
    db: Session, caller: Caller, network: Network, status: str | None = "pending"
) -> list[JoinRequestOut]:
    require_role(caller, network, "steward")
    stmt = (
        select(JoinRequest, Account)
        .join(Account, Account.id == JoinRequest.account_id)
        .where(JoinRequest.network_id == network.id)
    )
    if status:
        stmt = stmt.where(JoinRequest.status == status)
    rows = db.execute(stmt.order_by(JoinRequest.id)).all()
    return [_join_out(r, a, network.slug, steward=True) for r, a in rows]


def decide_join_request(
    db: Session,
    caller: Caller,
    network: Network,
    request_id: int,
    *,
    approve: bool,
    role: str = "member",
) -> JoinRequestOut:
    """A steward admits (with ``role`` and a new profile in the directory) or declines."""
    require_role(caller, network, "steward")
    row = db.scalars(
        select(JoinRequest).where(
            JoinRequest.id == request_id, JoinRequest.network_id == network.id
        )
    ).first()
    if row is None:
        raise NotFound(
            _("no join request %(request_id)s in '%(slug)s'")
            % {"request_id": request_id, "slug": network.slug}
        )
    if row.status != "pending":
        raise Conflict(_("this request was %(status)s already") % {"status": row.status})
    account = db.get_one(Account, row.account_id)
    row.status = "approved" if approve else "declined"
    row.decided_at = clock.utcnow()
    row.decided_by = caller.account_id
    if approve:
        actor = _new_profile(db, network, account.display_name, row.kind, row.sector)
        add_membership(db, account.id, network.id, role, actor.id)
    db.flush()
    return _join_out(row, account, network.slug, steward=True)


def _new_profile(db: Session, network: Network, name: str, kind: str, sector: str) -> Actor:
    """A new member's first profile: visible to the network, every private field at default."""
    actor = Actor(
        network_id=network.id,
        kind=kind,
        name=name,
        sector=sector,
        visibility="network",
        committed_hours=0.0,
        capacity_hours=0.0,
        anonymised=0,
        joined_on=clock.today(),
    )
    from .network_settings import apply_default_privacy

    apply_default_privacy(network, actor)
    db.add(actor)
    db.flush()
    bump_version(db, network.id)
    return actor


# ---------------------------------------------------------------- joining: invitations


def _invite_out(row: NetworkInvite, slug: str) -> NetworkInviteOut:
    return NetworkInviteOut(
        id=row.id,
        network=slug,
        email=row.email,
        role=row.role,
        actor_id=row.actor_id,
        created_at=row.created_at,
        expires_at=row.expires_at,
        used=row.used_at is not None,
    )


def invite_to_network(
    db: Session, caller: Caller, network: Network, data: NetworkInviteIn, base_url: str
) -> NetworkInviteOut:
    """A steward invites someone by e-mail, optionally to claim an existing profile."""
    require_role(caller, network, "steward")
    email = normalise_email(data.email)
    if data.actor_id is not None:
        actor = db.scalars(
            select(Actor).where(
                Actor.id == data.actor_id, Actor.network_id == network.id, Actor.anonymised == 0
            )
        ).first()
        if actor is None:
            raise Conflict(
                _("actor_id: no actor %(actor_id)s in network '%(slug)s'")
                % {"actor_id": data.actor_id, "slug": network.slug}
            )
        if db.scalar(select(func.count()).where(Membership.actor_id == data.actor_id)):
            raise Conflict(
                _("actor %(actor_id)s belongs to an account already") % {"actor_id": data.actor_id}
            )
    token = new_secret()
    row = NetworkInvite(
        network_id=network.id,
        email=email,
        role=data.role,
        actor_id=data.actor_id,
        token_hash=digest(token),
        invited_by=caller.account_id,
        created_at=clock.utcnow(),
        expires_at=clock.utcnow() + INVITE_TTL,
    )
    db.add(row)
    db.flush()
    send_mail(
        db,
        email,
        _("You are invited to join %(name)s on Coalition") % {"name": network.name},
        _(
            "You are invited to join the network '%(name)s' on Coalition as "
            "%(role)s.\n\nTo accept, open this link within %(days)s "
            "days:\n%(value)s/register?invite=%(token)s\n"
        )
        % {
            "name": network.name,
            "role": data.role,
            "days": INVITE_TTL.days,
            "value": base_url.rstrip("/"),
            "token": token,
        },
    )
    return _invite_out(row, network.slug)


def list_network_invites(db: Session, caller: Caller, network: Network) -> list[NetworkInviteOut]:
    require_role(caller, network, "steward")
    rows = db.scalars(
        select(NetworkInvite)
        .where(NetworkInvite.network_id == network.id)
        .order_by(NetworkInvite.id)
    )
    return [_invite_out(r, network.slug) for r in rows]


def _open_invite(db: Session, token: str) -> NetworkInvite:
    row = db.scalars(select(NetworkInvite).where(NetworkInvite.token_hash == digest(token))).first()
    if row is None or row.used_at is not None or row.expires_at <= clock.utcnow():
        raise Unauthorized(_("this invitation is not valid or has expired; ask for a new one"))
    return row


def preview_invite(db: Session, token: str) -> tuple[NetworkInvite, Network]:
    row = _open_invite(db, token)
    return row, db.get_one(Network, row.network_id)


def _use_invite(db: Session, account: Account, invite: NetworkInvite) -> Membership:
    network = db.get_one(Network, invite.network_id)
    existing = db.scalars(
        select(Membership).where(
            Membership.account_id == account.id, Membership.network_id == network.id
        )
    ).first()
    if existing is not None:
        raise Conflict(_("you are a member of '%(slug)s' already") % {"slug": network.slug})
    actor_id = invite.actor_id
    if actor_id is None:
        actor_id = _new_profile(db, network, account.display_name, "person", "independent").id
    invite.used_at = clock.utcnow()
    return add_membership(db, account.id, network.id, invite.role, actor_id)


def accept_invite(db: Session, caller: Caller, token: str) -> MembershipOut:
    """A signed-in account accepts an invitation to one more network."""
    account = _account(db, caller)
    invite = _open_invite(db, token)
    if invite.email != account.email:
        raise Forbidden(_("this invitation was sent to another e-mail address"))
    row = _use_invite(db, account, invite)
    network = db.get_one(Network, row.network_id)
    return MembershipOut(
        network=network.slug, network_name=network.name, role=row.role, actor_id=row.actor_id
    )


# ---------------------------------------------------------------- data portability

# Columns that name the person a row is about, in any area's table; rows a member merely
# touched (an invitation they sent as convenor) are not theirs to take away.
_SUBJECT_COLUMNS = frozenset(
    {
        "actor_id",
        "account_id",
        "recipient_id",
        "participant_id",
        "author_id",
        "contributor_id",
        "confirmer_id",
    }
)
_SECRET_SUFFIXES = ("_hash",)
_COVERED = frozenset(
    {"accounts", "memberships", "actors", "ties", "engagements", "outbox", "login_failures"}
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def _rows(db: Session, table: Table, where: Any) -> list[dict[str, Any]]:
    columns = [c for c in table.columns if not c.name.endswith(_SECRET_SUFFIXES)]
    result = db.execute(select(*columns).where(where).order_by(*table.primary_key.columns))
    return [{k: _jsonable(v) for k, v in row._mapping.items()} for row in result]


def _rows_about(db: Session, account_id: int, own: list[int]) -> dict[str, list[dict[str, Any]]]:
    """Rows of every area's tables that are about the person, found through the foreign keys
    of their subject columns: to their account, their actors, then (a second hop) to rows
    found so far, such as votes of their participant rows in a conversation."""
    tables = Base.metadata.tables
    ids: dict[str, set[Any]] = {"accounts": {account_id}, "actors": set(own)}
    other: dict[str, list[dict[str, Any]]] = {}
    for _unused in range(3):
        found = False
        for name, table in sorted(tables.items()):
            if name in _COVERED or name in other:
                continue
            clauses: list[ColumnElement[bool]] = []
            for column in table.columns:
                if column.name not in _SUBJECT_COLUMNS:
                    continue
                for fk in column.foreign_keys:
                    wanted = ids.get(fk.column.table.name)
                    if wanted:
                        clauses.append(column.in_(sorted(wanted)))
            if not clauses:
                continue
            rows = _rows(db, table, or_(*clauses))
            if rows:
                other[name] = rows
                if "id" in table.columns:
                    ids[name] = {r["id"] for r in rows}
                found = True
        if not found:
            break
    return other


def export_my_data(db: Session, caller: Caller) -> dict[str, Any]:
    """Everything held about the caller, private fields included (their own), as JSON."""
    account = _account(db, caller)
    memberships = db.scalars(select(Membership).where(Membership.account_id == account.id)).all()
    own = sorted({m.actor_id for m in memberships if m.actor_id is not None})
    tables = Base.metadata.tables
    actors = _rows(db, tables["actors"], Actor.id.in_(own))
    for a in actors:
        actor = db.get_one(Actor, a["id"])
        a["capabilities"] = [
            {"term": c.capability.term, "level": c.level, "evidence": c.evidence}
            for c in actor.capabilities
        ]
        a["purposes"] = [p.tag for p in actor.purposes]
        a["affiliations"] = _rows(db, tables["affiliations"], Affiliation.actor_id == actor.id)
    other = _rows_about(db, account.id, own)
    return {
        "format": "coalition-personal-data",
        "version": 1,
        "exported_at": clock.utcnow().isoformat(),
        "account": {
            "id": account.id,
            "email": account.email,
            "display_name": account.display_name,
            "created_at": account.created_at.isoformat(),
        },
        "memberships": [
            {
                "network": db.get_one(Network, m.network_id).slug,
                "role": m.role,
                "actor_id": m.actor_id,
                "since": m.created_at.isoformat(),
            }
            for m in memberships
        ],
        "actors": actors,
        "ties": _rows(db, tables["ties"], or_(Tie.source_id.in_(own), Tie.target_id.in_(own))),
        "engagements": _rows(db, tables["engagements"], Engagement.actor_id.in_(own)),
        "mail": [
            {k: v for k, v in row.items() if k != "body"}
            for row in _rows(db, tables["outbox"], OutboxMessage.to_addr == account.email)
        ],
        "other": other,
    }


def delete_account(db: Session, caller: Caller, password: str) -> None:
    """Delete the caller's account; their people-profiles stay in the map as "Former member".

    Ties stay (the map keeps its shape); everything personal on the profile is blanked,
    active engagements end and open invitations are withdrawn.
    """
    account = _account(db, caller)
    _require_session(caller)
    if not verify_password(account.password_hash, password):
        raise Unauthorized(_("wrong password; nothing was deleted"))
    own = [
        a
        for a in db.scalars(
            select(Membership.actor_id).where(
                Membership.account_id == account.id, Membership.actor_id.is_not(None)
            )
        )
        if a is not None
    ]
    for actor in db.scalars(select(Actor).where(Actor.id.in_(own), Actor.kind == "person")):
        anonymise_actor(db, actor)
    db.execute(delete(Account).where(Account.id == account.id))
    db.flush()


def _scrub_proposals(db: Session, actor: Actor) -> None:
    """Stored proposals (kept for audit) name people: a former member's entry keeps its seat
    but not its name or reasons, and others' reasons no longer name them."""
    proposals = Base.metadata.tables.get("proposals")
    if proposals is None or actor.name == FORMER_MEMBER:
        return
    named = re.compile(rf"(?<!\w){re.escape(actor.name)}(?!\w)")
    rows = db.execute(
        select(proposals.c.id, proposals.c.members)
        .join(Initiative, Initiative.id == proposals.c.initiative_id)
        .where(Initiative.network_id == actor.network_id)
    ).all()
    for row_id, members in rows:
        changed = False
        scrubbed = []
        for m in members or []:
            m = dict(m)
            if m.get("actor_id") == actor.id:
                m["name"], m["reasons"] = FORMER_MEMBER, []
                if "reason_data" in m:
                    m["reason_data"] = []
                changed = True
            else:
                reasons = [named.sub(FORMER_MEMBER, r) for r in m.get("reasons", [])]
                data = _scrub_reason_data(m.get("reason_data"), named)
                changed |= reasons != m.get("reasons", []) or data != m.get("reason_data")
                m["reasons"] = reasons
                if data is not None:
                    m["reason_data"] = data
            scrubbed.append(m)
        if changed:
            db.execute(update(proposals).where(proposals.c.id == row_id).values(members=scrubbed))


def _scrub_reason_data(data: Any, named: re.Pattern[str]) -> Any:
    """Stored reasons' data (code and values) with the values no longer naming the person."""
    if data is None:
        return None
    return [{**d, "values": _scrub_names(d.get("values"), named)} for d in data]


def _scrub_names(value: Any, named: re.Pattern[str]) -> Any:
    """``value`` (a stored reason's data) with every string naming the person replaced."""
    if isinstance(value, str):
        return named.sub(FORMER_MEMBER, value)
    if isinstance(value, list):
        return [_scrub_names(v, named) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_names(v, named) for k, v in value.items()}
    return value


def anonymise_actor(db: Session, actor: Actor) -> None:
    """Blank a person's profile, keeping the node (and its ties) as "Former member"."""
    today = clock.today()
    db.execute(
        update(Engagement)
        .where(Engagement.actor_id == actor.id, Engagement.status == "active")
        .values(status="withdrawn", end_date=today)
    )
    tables = Base.metadata.tables
    invitations = tables.get("invitations")
    if invitations is not None and {"actor_id", "reason", "status"} <= set(invitations.c.keys()):
        db.execute(
            update(invitations).where(invitations.c.actor_id == actor.id).values(reason=None)
        )
        db.execute(
            update(invitations)
            .where(
                invitations.c.actor_id == actor.id,
                invitations.c.status.in_(["pending", "countered"]),
            )
            .values(status="withdrawn")
        )
    _scrub_proposals(db, actor)
    notifications = tables.get("notifications")
    if notifications is not None and "recipient_id" in notifications.c:
        db.execute(delete(notifications).where(notifications.c.recipient_id == actor.id))
    db.execute(delete(Affiliation).where(Affiliation.actor_id == actor.id))
    actor.committed_hours = 0.0
    db.flush()
    actor.capacity_hours = 0.0
    actor.name = FORMER_MEMBER
    actor.external_id = None
    actor.headline = ""
    actor.bio = ""
    actor.timezone = None
    actor.region = None
    actor.languages = []
    actor.day_rate = None
    actor.email = None
    actor.phone = None
    actor.website = None
    actor.purpose_text = ""
    actor.joined_on = None
    actor.visibility = "private"
    actor.anonymised = 1
    actor.capabilities = []
    actor.purposes = []
    db.flush()
    bump_version(db, actor.network_id)


# ---------------------------------------------------------------- the development outbox


def list_outbox(db: Session, limit: int = 100) -> list[OutboxMessage]:
    return list(db.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)))
