"""Joining a network by its policy, and telling the person when stewards decide.

- ``open``: the person is a member at once, with a new profile (the request is recorded as
  approved, so the history says how each member came in);
- ``approval``: a request waits for a steward, who admits or declines it; the person is told
  either way (an e-mail, and an in-app notification on their new profile when admitted);
- ``invitation``: nobody may ask; stewards invite by e-mail (services.auth.invite_to_network).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..clock import utcnow
from ..domain import JoinPolicy
from ..errors import Forbidden
from ..i18n import _, current_locale, phrase, use_locale
from ..schemas.auth import JoinIn, JoinRequestOut
from ..store.tables import Network
from ..store.tables_auth import Account, JoinRequest
from . import auth
from .access import Caller
from .mail import absolute_link, send_mail
from .notifications import notify


def invitation_only_message(network: Network) -> str:
    return (
        f"'{network.name}' takes members by invitation only: ask one of its stewards to invite you"
    )


def join_account(db: Session, account: Account, network: Network, data: JoinIn) -> JoinRequest:
    """Follow the network's join policy for ``account``; the (recorded) request."""
    if network.join_policy == JoinPolicy.invitation.value:
        raise Forbidden(invitation_only_message(network))
    row = auth._new_join_request(db, account, network, data)
    if network.join_policy == JoinPolicy.open.value:
        row.status = "approved"
        row.decided_at = utcnow()
        actor = auth._new_profile(db, network, account.display_name, row.kind, row.sector)
        auth.add_membership(db, account.id, network.id, "member", actor.id)
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
    account = auth._account(db, caller)
    row = join_account(db, account, network, data)
    return auth._join_out(row, account, network.slug, steward=False)


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
    out = auth.decide_join_request(db, caller, network, request_id, approve=approve, role=role)
    account = db.get_one(Account, out.account_id)
    path = f"/n/{network.slug}"
    page = f"{base_url.rstrip('/')}{path}" if base_url else absolute_link(db, path)
    # Written in the language the person chose for their account (else this request's).
    with use_locale(account.locale or current_locale()):
        if approve:
            actor_id = auth._member(db, network, account.id).actor_id
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
