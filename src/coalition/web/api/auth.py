"""Accounts, sign-in, API tokens, memberships and joining networks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from ...config import public_url
from ...errors import NotFound
from ...i18n import _
from ...schemas.auth import (
    Accepted,
    AcceptInviteIn,
    CsrfOut,
    DecisionIn,
    InvitePreview,
    JoinIn,
    JoinRequestOut,
    LoginIn,
    MembershipOut,
    MeOut,
    MePatch,
    NetworkInviteIn,
    NetworkInviteOut,
    NetworkMemberOut,
    OutboxOut,
    PasswordChangeIn,
    PasswordConfirmIn,
    RegisterIn,
    ResetIn,
    ResetRequestIn,
    RoleIn,
    SignedIn,
    TokenCreated,
    TokenIn,
    TokenOut,
)
from ...services import accounts, joining, memberships, portability, tokens
from ...services.networks import get_network
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..extensions.security import (
    SESSION_COOKIE,
    clear_session_cookie,
    client_ip,
    csrf_token,
    outbox_open,
    set_session_cookie,
)
from ..params import PathId

router = APIRouter(tags=["accounts"], route_class=CommitFirstRoute)


def _signed_in(request: Request, response: Response, db: DB, account: Any) -> SignedIn:
    # A new session on every sign-in: a session cookie planted before it is worth nothing.
    accounts.end_session(db, request.cookies.get(SESSION_COOKIE))
    token = accounts.start_session(db, account)
    set_session_cookie(response, request, token)
    return SignedIn(account=accounts.account_out(account), csrf_token=csrf_token(request, token))


@router.post("/api/auth/register", status_code=201)
def register(
    data: RegisterIn, request: Request, response: Response, db: DB, caller: CurrentCaller
) -> SignedIn:
    """Open an account (by invitation, asking to join a network, or alone) and sign in."""
    account = accounts.register(db, caller, data, public_url(request.app.state.settings))
    return _signed_in(request, response, db, account)


@router.post("/api/auth/login")
def login(
    data: LoginIn, request: Request, response: Response, db: DB, caller: CurrentCaller
) -> SignedIn:
    """Sign in: sets the session cookie; five failures in 15 minutes answer 429."""
    account = accounts.authenticate(db, data.email, data.password, client_ip(request))
    return _signed_in(request, response, db, account)


@router.post("/api/auth/logout", status_code=204)
def logout(request: Request, db: DB, caller: CurrentCaller) -> Response:
    accounts.end_session(db, request.cookies.get(SESSION_COOKIE))
    response = Response(status_code=204)
    clear_session_cookie(response, request)
    return response


@router.get("/api/auth/csrf")
def csrf(request: Request, caller: CurrentCaller) -> CsrfOut:
    """The token a browser client sends as ``X-CSRF-Token`` with its session cookie."""
    return CsrfOut(csrf_token=csrf_token(request))


@router.post("/api/auth/reset", status_code=202)
def request_reset(
    data: ResetRequestIn, request: Request, db: DB, caller: CurrentCaller
) -> Accepted:
    """E-mail a reset link; the answer is the same whether or not the account exists."""
    accounts.request_reset(db, data.email, public_url(request.app.state.settings))
    return Accepted(detail=_("if an account has this e-mail address, a reset link is on its way"))


@router.get("/api/auth/reset/{token}")
def check_reset(token: str, db: DB, caller: CurrentCaller) -> Accepted:
    accounts.check_reset(db, token)
    return Accepted(detail=_("this reset link is valid"))


@router.post("/api/auth/reset/{token}")
def reset(token: str, data: ResetIn, db: DB, caller: CurrentCaller) -> Accepted:
    """Choose a new password; every session of the account is signed out."""
    accounts.reset_password(db, token, data.password)
    return Accepted(detail=_("password changed; sign in with the new one"))


@router.post("/api/auth/password")
def change_password(
    data: PasswordChangeIn, request: Request, db: DB, caller: CurrentCaller
) -> Accepted:
    """Change the password: every other session is signed out, every API token revoked."""
    accounts.change_password(
        db,
        caller,
        data.current_password,
        data.new_password,
        client_ip(request),
        request.cookies.get(SESSION_COOKIE),
    )
    return Accepted(detail=_("password changed; other sessions and every API token are revoked"))


@router.get("/api/auth/invites/{token}")
def preview_invite(token: str, db: DB, caller: CurrentCaller) -> InvitePreview:
    invite, network = joining.preview_invite(db, token)
    return InvitePreview(
        network=network.slug, network_name=network.name, email=invite.email, role=invite.role
    )


@router.get("/api/me")
def me(db: DB, caller: CurrentCaller) -> MeOut:
    return accounts.me(db, caller)


@router.patch("/api/me")
def update_me(data: MePatch, db: DB, caller: CurrentCaller) -> MeOut:
    return accounts.update_me(db, caller, data.display_name)


@router.get("/api/me/export")
def export_me(db: DB, caller: CurrentCaller) -> dict[str, Any]:
    """Everything held about you, your private fields included, as one JSON document."""
    return portability.export_my_data(db, caller)


@router.post("/api/me/delete", status_code=204)
def delete_me(data: PasswordConfirmIn, request: Request, db: DB, caller: CurrentCaller) -> Response:
    """Delete your account; your profile stays in the map as "Former member", blanked."""
    portability.delete_account(db, caller, data.password)
    response = Response(status_code=204)
    clear_session_cookie(response, request)
    return response


@router.get("/api/me/tokens")
def list_tokens(db: DB, caller: CurrentCaller) -> list[TokenOut]:
    return tokens.list_tokens(db, caller)


@router.post("/api/me/tokens", status_code=201)
def create_token(data: TokenIn, db: DB, caller: CurrentCaller) -> TokenCreated:
    """A new API token; the answer is the only time the token is shown."""
    return tokens.create_token(db, caller, data)


@router.delete("/api/me/tokens/{token_id}")
def revoke_token(token_id: PathId, db: DB, caller: CurrentCaller) -> TokenOut:
    return tokens.revoke_token(db, caller, token_id)


@router.get("/api/me/join-requests")
def my_join_requests(db: DB, caller: CurrentCaller) -> list[JoinRequestOut]:
    return joining.my_join_requests(db, caller)


@router.post("/api/me/invites/accept", status_code=201)
def accept_invite(data: AcceptInviteIn, db: DB, caller: CurrentCaller) -> MembershipOut:
    return joining.accept_invite(db, caller, data.token)


@router.get("/api/networks/{slug}/members")
def list_members(slug: str, db: DB, caller: CurrentCaller) -> list[NetworkMemberOut]:
    return memberships.list_members(db, caller, get_network(db, caller, slug))


@router.patch("/api/networks/{slug}/members/{account_id}")
def change_role(
    slug: str, account_id: PathId, data: RoleIn, db: DB, caller: CurrentCaller
) -> NetworkMemberOut:
    return memberships.change_role(db, caller, get_network(db, caller, slug), account_id, data.role)


@router.delete("/api/networks/{slug}/members/{account_id}", status_code=204)
def remove_member(slug: str, account_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    memberships.remove_member(db, caller, get_network(db, caller, slug), account_id)
    return Response(status_code=204)


@router.post("/api/networks/{slug}/join", status_code=201)
def request_to_join(slug: str, data: JoinIn, db: DB, caller: CurrentCaller) -> JoinRequestOut:
    """Join by the network's policy: a member at once (open), a request that waits for a
    steward (approval), or 403 (invitation only)."""
    return joining.join(db, caller, get_network(db, caller, slug), data)


@router.get("/api/networks/{slug}/join-requests")
def list_join_requests(slug: str, db: DB, caller: CurrentCaller) -> list[JoinRequestOut]:
    return joining.list_join_requests(db, caller, get_network(db, caller, slug))


@router.post("/api/networks/{slug}/join-requests/{request_id}/approve")
def approve_join_request(
    slug: str, request_id: PathId, data: DecisionIn, request: Request, db: DB, caller: CurrentCaller
) -> JoinRequestOut:
    network = get_network(db, caller, slug)
    base_url = public_url(request.app.state.settings)
    return joining.decide(
        db, caller, network, request_id, approve=True, role=data.role, base_url=base_url
    )


@router.post("/api/networks/{slug}/join-requests/{request_id}/decline")
def decline_join_request(
    slug: str, request_id: PathId, request: Request, db: DB, caller: CurrentCaller
) -> JoinRequestOut:
    network = get_network(db, caller, slug)
    base_url = public_url(request.app.state.settings)
    return joining.decide(db, caller, network, request_id, approve=False, base_url=base_url)


@router.get("/api/networks/{slug}/invites")
def list_invites(slug: str, db: DB, caller: CurrentCaller) -> list[NetworkInviteOut]:
    return joining.list_network_invites(db, caller, get_network(db, caller, slug))


@router.post("/api/networks/{slug}/invites", status_code=201)
def invite(
    slug: str, data: NetworkInviteIn, request: Request, db: DB, caller: CurrentCaller
) -> NetworkInviteOut:
    """Invite someone by e-mail (optionally to claim an existing profile); stewards only."""
    network = get_network(db, caller, slug)
    return joining.invite_to_network(
        db, caller, network, data, public_url(request.app.state.settings)
    )


@router.get("/api/dev/outbox")
def outbox(request: Request, db: DB, caller: CurrentCaller) -> list[OutboxOut]:
    """The development outbox: only in development mode and without SMTP (else 404)."""
    if not outbox_open(request):
        raise NotFound(_("there is no development outbox here"))
    return [OutboxOut.model_validate(m) for m in accounts.list_outbox(db)]
