"""Outside voices: a conversation opened to people outside the network through a signed link.

A convenor (the initiative's, or a network convenor or steward: whoever moderates the
conversation) makes a link: a token that is the app secret's signature (itsdangerous) of a
random key, and a row that gives it a participant cap, an expiry and a revocation. Whoever
holds the link may vote without an account. They are an anonymous participant, remembered by a
signed cookie (:func:`voice_cookie`), or by the external id (``xid``) the embedding site passes,
which is stored on the participant and never shown or exported.

Against ballot stuffing:

- a link admits at most ``max_participants`` participants (counted under the conversation's
  row lock, so newcomers arriving at once cannot overshoot it);
- one address may bring at most :data:`JOINS_PER_ADDRESS` new participants per
  :data:`JOIN_WINDOW` to a conversation, and cast at most :data:`VOTES_PER_ADDRESS` votes a
  minute (addresses are kept only as a keyed hash);
- a participant votes once on a statement: a second vote is refused (members may change their
  vote; an anonymous voice cannot be told apart from a new one, so it may not).

Anti-herding holds as for members: a statement's tallies are shown only once the participant
voted on it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from .. import clock
from ..errors import Forbidden, Gone, NotFound
from ..i18n import _
from ..schemas.deliberation import NextOut, VoteIn, VoteOut
from ..schemas.voices import LinkIn, LinkOut, OutsideConversationOut
from ..store.tables_auth import Account
from ..store.tables_deliberation import Conversation, Participant, Vote
from ..store.tables_voices import ConversationLink, LinkParticipant
from .access import Caller
from .conversation_analysis import next_statement
from .conversations import (
    _now_ms,
    _require_moderator,
    _shown_to_voters,
    _statement_views,
    checked_vote,
    load_conversation,
    record_vote,
)
from .login_limit import RateLimited

JOIN_WINDOW = timedelta(hours=1)
JOINS_PER_ADDRESS = 20
"""New participants one address may bring to one conversation per :data:`JOIN_WINDOW`."""
VOTES_PER_ADDRESS = 120
"""Votes one address may cast through links in one minute."""
VOICE_MAX_AGE_S = 366 * 24 * 3600
_LINK_SALT = "coalition.conversation-link"
_VOICE_SALT = "coalition.voice"


def voice_cookie(conversation_id: int) -> str:
    """The name of the cookie that remembers an outside participant of a conversation."""
    return f"coalition_voice_{conversation_id}"


def link_token(secret: str, key: str) -> str:
    return URLSafeSerializer(secret, salt=_LINK_SALT).dumps(key)


def _link_view(db: Session, link: ConversationLink, secret: str) -> LinkOut:
    n = db.scalar(select(func.count()).where(LinkParticipant.link_id == link.id)) or 0
    token = link_token(secret, link.key)
    return LinkOut(
        id=link.id,
        conversation_id=link.conversation_id,
        label=link.label,
        token=token,
        path=f"/c/{token}",
        max_participants=link.max_participants,
        n_participants=int(n),
        expires_at=link.expires_at,
        revoked_at=link.revoked_at,
        active=link.revoked_at is None and link.expires_at > clock.utcnow(),
        created_at=link.created_at,
    )


# ---------------------------------------------------------------- links (convenors)


def create_link(
    db: Session, caller: Caller, conversation_id: int, data: LinkIn, secret: str
) -> LinkOut:
    """A new link to the conversation, for its moderators (convenors and stewards)."""
    conv = load_conversation(db, caller, conversation_id)
    _require_moderator(db, caller, conv)
    link = ConversationLink(
        conversation_id=conv.id,
        key=secrets.token_urlsafe(24),
        label=data.label.strip(),
        max_participants=data.max_participants,
        expires_at=clock.utcnow() + timedelta(days=data.expires_in_days),
        created_by=_account(db, caller),
    )
    db.add(link)
    db.flush()
    return _link_view(db, link, secret)


def _account(db: Session, caller: Caller) -> int | None:
    """The caller's account, when it is one stored (an operator or a test caller may not be)."""
    if caller.account_id is None:
        return None
    return db.scalar(select(Account.id).where(Account.id == caller.account_id))


def list_links(db: Session, caller: Caller, conversation_id: int, secret: str) -> list[LinkOut]:
    conv = load_conversation(db, caller, conversation_id)
    _require_moderator(db, caller, conv)
    links = db.scalars(
        select(ConversationLink)
        .where(ConversationLink.conversation_id == conv.id)
        .order_by(ConversationLink.id)
    )
    return [_link_view(db, link, secret) for link in links]


def revoke_link(
    db: Session, caller: Caller, conversation_id: int, link_id: int, secret: str
) -> LinkOut:
    """Withdraw a link: it admits nobody from now on (votes already cast stay)."""
    conv = load_conversation(db, caller, conversation_id)
    _require_moderator(db, caller, conv)
    link = db.scalars(
        select(ConversationLink).where(
            ConversationLink.id == link_id, ConversationLink.conversation_id == conv.id
        )
    ).first()
    if link is None:
        raise NotFound(_("no link %(link_id)s in this conversation") % {"link_id": link_id})
    if link.revoked_at is None:
        link.revoked_at = clock.utcnow()
        db.flush()
    return _link_view(db, link, secret)


# ---------------------------------------------------------------- outside participants


def open_link(db: Session, secret: str, token: str) -> ConversationLink:
    """The live link a token names: 404 when the signature is wrong or the link unknown,
    410 when it was withdrawn or has expired."""
    try:
        key = URLSafeSerializer(secret, salt=_LINK_SALT).loads(token)
    except BadSignature:
        raise NotFound(_("no such link")) from None
    link = db.scalars(select(ConversationLink).where(ConversationLink.key == str(key))).first()
    if link is None:
        raise NotFound(_("no such link"))
    if link.revoked_at is not None:
        raise Gone(_("this link has been withdrawn"))
    if link.expires_at <= clock.utcnow():
        raise Gone(_("this link has expired"))
    return link


def _address_hash(secret: str, address: str) -> str:
    return hmac.new(secret.encode(), address.encode(), hashlib.sha256).hexdigest()


def _from_link(conv_id: int) -> ColumnElement[bool]:
    return Participant.id.in_(
        select(LinkParticipant.participant_id)
        .join(ConversationLink, ConversationLink.id == LinkParticipant.link_id)
        .where(ConversationLink.conversation_id == conv_id)
    )


def identify(
    db: Session, secret: str, link: ConversationLink, voice: str | None, xid: str | None
) -> Participant | None:
    """The outside participant the signed ``voice`` cookie or the embedding site's ``xid``
    names in the link's conversation (None: a newcomer)."""
    conv_id = link.conversation_id
    if voice:
        try:
            data = URLSafeTimedSerializer(secret, salt=_VOICE_SALT).loads(
                voice, max_age=VOICE_MAX_AGE_S
            )
        except BadSignature:
            data = None
        if isinstance(data, dict) and isinstance(data.get("p"), int):
            found = db.scalars(
                select(Participant).where(
                    Participant.id == data["p"],
                    Participant.conversation_id == conv_id,
                    _from_link(conv_id),
                )
            ).first()
            if found is not None:
                return found
    if xid:
        return db.scalars(
            select(Participant).where(
                Participant.conversation_id == conv_id,
                Participant.xid == xid,
                _from_link(conv_id),
            )
        ).first()
    return None


def voice_value(secret: str, participant: Participant) -> str:
    """The signed cookie value that remembers ``participant``."""
    return URLSafeTimedSerializer(secret, salt=_VOICE_SALT).dumps({"p": participant.id})


def _join(db: Session, link: ConversationLink, xid: str | None, address_hash: str) -> Participant:
    """A new anonymous participant through ``link``, within its cap and the address limit."""
    # The conversation's row lock orders newcomers: each counts those admitted before it.
    db.execute(
        select(Conversation.id).where(Conversation.id == link.conversation_id).with_for_update()
    )
    admitted = db.scalar(select(func.count()).where(LinkParticipant.link_id == link.id)) or 0
    if admitted >= link.max_participants:
        raise Forbidden(
            _("this link has reached its limit of %(max_participants)s participants")
            % {"max_participants": link.max_participants}
        )
    recent = db.scalar(
        select(func.count())
        .select_from(LinkParticipant)
        .join(ConversationLink, ConversationLink.id == LinkParticipant.link_id)
        .where(
            ConversationLink.conversation_id == link.conversation_id,
            LinkParticipant.ip_hash == address_hash,
            LinkParticipant.joined_at > clock.utcnow() - JOIN_WINDOW,
        )
    )
    if (recent or 0) >= JOINS_PER_ADDRESS:
        raise RateLimited(_("too many new participants from your address; try again later"))
    top = db.scalar(
        select(func.max(Participant.external_id)).where(
            Participant.conversation_id == link.conversation_id
        )
    )
    p = Participant(
        conversation_id=link.conversation_id,
        external_id=0 if top is None else top + 1,
        xid=xid or None,
    )
    db.add(p)
    db.flush()
    db.add(LinkParticipant(participant_id=p.id, link_id=link.id, ip_hash=address_hash))
    db.flush()
    return p


def _voted(db: Session, participant: Participant | None) -> dict[int, int]:
    if participant is None:
        return {}
    rows = db.execute(
        select(Vote.statement_id, Vote.value).where(Vote.participant_id == participant.id)
    )
    return {int(s): int(v) for s, v in rows}


def _next(
    db: Session, conv: Conversation, participant: Participant | None, voted: dict[int, int]
) -> NextOut:
    nxt = next_statement(db, conv, voted, participant.id if participant is not None else 0)
    if nxt.statement is None:
        return nxt
    return nxt.model_copy(
        update={"statement": nxt.statement.model_copy(update={"moderation_reason": ""})}
    )


def outside_view(
    db: Session, secret: str, token: str, voice: str | None, xid: str | None
) -> OutsideConversationOut:
    """The conversation as a participant through the link sees it (tallies hidden until they
    voted on a statement; moderation reasons never shown)."""
    link = open_link(db, secret, token)
    conv = db.get_one(Conversation, link.conversation_id)
    participant = identify(db, secret, link, voice, xid)
    voted = _voted(db, participant)
    shown = [
        v.model_copy(update={"moderation_reason": ""})
        if v.id in voted
        else v.model_copy(
            update={"agrees": None, "disagrees": None, "passes": None, "moderation_reason": ""}
        )
        for v in _statement_views(db, conv)
        if _shown_to_voters(conv, v)
    ]
    return OutsideConversationOut(
        topic=conv.topic,
        description=conv.description,
        statements=shown,
        next=_next(db, conv, participant, voted),
        my_votes=voted,
        participant=None if participant is None else participant.external_id,
    )


def outside_vote(
    db: Session,
    secret: str,
    token: str,
    voice: str | None,
    xid: str | None,
    address: str,
    data: VoteIn,
) -> tuple[VoteOut, str]:
    """Cast a vote through a link; returns it and the signed cookie value naming the voter.

    A newcomer (no valid cookie, no known xid) becomes a participant of the link, within its
    cap and the per-address limits; a second vote on the same statement is refused (409).
    """
    link = open_link(db, secret, token)
    conv = db.get_one(Conversation, link.conversation_id)
    value = checked_vote(db, conv, data)
    address_hash = _address_hash(secret, address)
    since = _now_ms() - 60_000
    recent_votes = db.scalar(
        select(func.count())
        .select_from(Vote)
        .join(LinkParticipant, LinkParticipant.participant_id == Vote.participant_id)
        .where(LinkParticipant.ip_hash == address_hash, Vote.ts_ms > since)
    )
    if (recent_votes or 0) >= VOTES_PER_ADDRESS:
        raise RateLimited(_("too many votes from your address; wait a minute and try again"))
    participant = identify(db, secret, link, voice, xid)
    if participant is None:
        participant = _join(db, link, xid, address_hash)
    out = record_vote(db, conv, participant, data.statement_id, value, once=True)
    return out, voice_value(secret, participant)
