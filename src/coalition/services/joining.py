"""Joining a network by its policy, and telling the person when stewards decide.

- ``open``: the person is a member at once, with a new profile (the request is recorded as
  approved, so the history says how each member came in);
- ``approval``: a request waits for a steward, who admits or declines it; the person is told
  either way (an e-mail, and an in-app notification on their new profile when admitted);
- ``invitation``: nobody may ask; stewards invite by e-mail (:func:`invite_to_network`).

Join requests (asked, listed, decided) and invitations (sent, previewed, accepted) live here;
the memberships they lead to are in :mod:`.memberships`.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import clock
from ..clock import utcnow
from ..domain import JoinPolicy
from ..errors import Conflict, Forbidden, NotFound, Unauthorized
from ..i18n import _, current_locale, phrase, use_locale
from ..schemas.auth import JoinIn, JoinRequestOut, MembershipOut, NetworkInviteIn, NetworkInviteOut
from ..store.tables import Actor, Network
from ..store.tables_auth import Account, JoinRequest, Membership, NetworkInvite
from .access import Caller, require_role
from .identity import digest, new_secret, normalise_email, signed_in_account
from .mail import absolute_link, send_mail
from .memberships import add_membership, membership_of, new_profile
from .notifications import notify

INVITE_TTL = timedelta(days=14)


def invitation_only_message(network: Network) -> str:
    return _(
        "'%(name)s' takes members by invitation only: ask one of its stewards to invite you"
    ) % {"name": network.name}


def join_account(db: Session, account: Account, network: Network, data: JoinIn) -> JoinRequest:
    """Follow the network's join policy for ``account``; the (recorded) request."""
    if network.join_policy == JoinPolicy.invitation.value:
        raise Forbidden(invitation_only_message(network))
    row = _new_join_request(db, account, network, data)
    if network.join_policy == JoinPolicy.open.value:
        row.status = "approved"
        row.decided_at = utcnow()
        actor = new_profile(db, network, account.display_name, row.kind, row.sector)
        add_membership(db, account.id, network.id, "member", actor.id)
        if network.welcome_text.strip():
            notify(
                db,
                actor.id,
                "welcome",
                phrase(
                    "Welcome to %(name)s. %(value)s",
                    name=network.name,
                    value=network.welcome_text.strip(),
                ),
                link=f"/n/{network.slug}",
                network_id=network.id,
                subject=phrase("Welcome to %(name)s", name=network.name),
            )
        db.flush()
    return row


def join(db: Session, caller: Caller, network: Network, data: JoinIn) -> JoinRequestOut:
    """The caller asks to join (approval) or joins (open); refused for invitation only."""
    account = signed_in_account(db, caller)
    row = join_account(db, account, network, data)
    return _join_out(row, account, network.slug, steward=False)


def decide(
    db: Session,
    caller: Caller,
    network: Network,
    request_id: int,
    *,
    approve: bool,
    role: str = "member",
    base_url: str = "",
) -> JoinRequestOut:
    """A steward admits or declines a request; the person hears of it either way."""
    out = decide_join_request(db, caller, network, request_id, approve=approve, role=role)
    account = db.get_one(Account, out.account_id)
    path = f"/n/{network.slug}"
    page = f"{base_url.rstrip('/')}{path}" if base_url else absolute_link(db, path)
    # Written in the language the person chose for their account (else this request's).
    with use_locale(account.locale or current_locale()):
        if approve:
            actor_id = membership_of(db, network, account.id).actor_id
            text = _("Your request to join %(name)s was accepted: you are a member now.") % {
                "name": network.name
            }
            if welcome := network.welcome_text.strip():
                text += f" {welcome}"
            # notify() e-mails the profile's address when it has one; the account's address
            # is where the request came from, so the e-mail goes there instead.
            link = f"/n/{network.slug}"
            notify(db, actor_id, "join_accepted", text, link=link, network_id=network.id)
            subject = _("You are a member of %(name)s") % {"name": network.name}
        else:
            text = _(
                "Your request to join %(name)s was declined by its stewards. You can ask again "
                "later, or ask one of them why."
            ) % {"name": network.name}
            subject = _("Your request to join %(name)s") % {"name": network.name}
        send_mail(db, account.email, subject, f"{text}\n\n{page}\n")
    return out


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
    account = signed_in_account(db, caller)
    row = _new_join_request(db, account, network, data)
    return _join_out(row, account, network.slug, steward=False)


def my_join_requests(db: Session, caller: Caller) -> list[JoinRequestOut]:
    account = signed_in_account(db, caller)
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
        actor = new_profile(db, network, account.display_name, row.kind, row.sector)
        add_membership(db, account.id, network.id, role, actor.id)
    db.flush()
    return _join_out(row, account, network.slug, steward=True)


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


def open_invite(db: Session, token: str) -> NetworkInvite:
    row = db.scalars(select(NetworkInvite).where(NetworkInvite.token_hash == digest(token))).first()
    if row is None or row.used_at is not None or row.expires_at <= clock.utcnow():
        raise Unauthorized(_("this invitation is not valid or has expired; ask for a new one"))
    return row


def preview_invite(db: Session, token: str) -> tuple[NetworkInvite, Network]:
    row = open_invite(db, token)
    return row, db.get_one(Network, row.network_id)


def use_invite(db: Session, account: Account, invite: NetworkInvite) -> Membership:
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
        actor_id = new_profile(db, network, account.display_name, "person", "independent").id
    invite.used_at = clock.utcnow()
    return add_membership(db, account.id, network.id, invite.role, actor_id)


def accept_invite(db: Session, caller: Caller, token: str) -> MembershipOut:
    """A signed-in account accepts an invitation to one more network."""
    account = signed_in_account(db, caller)
    invite = open_invite(db, token)
    if invite.email != account.email:
        raise Forbidden(_("this invitation was sent to another e-mail address"))
    row = use_invite(db, account, invite)
    network = db.get_one(Network, row.network_id)
    return MembershipOut(
        network=network.slug, network_name=network.name, role=row.role, actor_id=row.actor_id
    )
