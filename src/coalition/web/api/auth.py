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


@router.post("/api/auth/register", response_model=SignedIn, status_code=201)
def register(
    data: RegisterIn, request: Request, response: Response, db: DB, caller: CurrentCaller
) -> Any:
    """Open an account (by invitation, asking to join a network, or alone) and sign in."""
    account = accounts.register(db, caller, data, public_url(request.app.state.settings))
    return _signed_in(request, response, db, account)


@router.post("/api/auth/login", response_model=SignedIn)
def login(
    data: LoginIn, request: Request, response: Response, db: DB, caller: CurrentCaller
) -> Any:
    """Sign in: sets the session cookie; five failures in 15 minutes answer 429."""
    account = accounts.authenticate(db, data.email, data.password, client_ip(request))
    return _signed_in(request, response, db, account)


@router.post("/api/auth/logout", status_code=204)
def logout(request: Request, db: DB, caller: CurrentCaller) -> Response:
    accounts.end_session(db, request.cookies.get(SESSION_COOKIE))
    response = Response(status_code=204)
    clear_session_cookie(response, request)
    return response


@router.get("/api/auth/csrf", response_model=CsrfOut)
def csrf(request: Request, caller: CurrentCaller) -> Any:
    """The token a browser client sends as ``X-CSRF-Token`` with its session cookie."""
    return CsrfOut(csrf_token=csrf_token(request))


@router.post("/api/auth/reset", response_model=Accepted, status_code=202)
def request_reset(data: ResetRequestIn, request: Request, db: DB, caller: CurrentCaller) -> Any:
    """E-mail a reset link; the answer is the same whether or not the account exists."""
    accounts.request_reset(db, data.email, public_url(request.app.state.settings))
    return Accepted(detail=_("if an account has this e-mail address, a reset link is on its way"))


@router.get("/api/auth/reset/{token}", response_model=Accepted)
def check_reset(token: str, db: DB, caller: CurrentCaller) -> Any:
    accounts.check_reset(db, token)
    return Accepted(detail=_("this reset link is valid"))


@router.post("/api/auth/reset/{token}", response_model=Accepted)
def reset(token: str, data: ResetIn, db: DB, caller: CurrentCaller) -> Any:
    """Choose a new password; every session of the account is signed out."""
    accounts.reset_password(db, token, data.password)
    return Accepted(detail=_("password changed; sign in with the new one"))


@router.post("/api/auth/password", response_model=Accepted)
def change_password(data: PasswordChangeIn, request: Request, db: DB, caller: CurrentCaller) -> Any:
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


@router.get("/api/auth/invites/{token}", response_model=InvitePreview)
def preview_invite(token: str, db: DB, caller: CurrentCaller) -> Any:
    invite, network = joining.preview_invite(db, token)
    return InvitePreview(
        network=network.slug, network_name=network.name, email=invite.email, role=invite.role
    )


@router.get("/api/me", response_model=MeOut)
def me(db: DB, caller: CurrentCaller) -> Any:
    return accounts.me(db, caller)


@router.patch("/api/me", response_model=MeOut)
def update_me(data: MePatch, db: DB, caller: CurrentCaller) -> Any:
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


@router.get("/api/me/tokens", response_model=list[TokenOut])
def list_tokens(db: DB, caller: CurrentCaller) -> Any:
    return tokens.list_tokens(db, caller)


@router.post("/api/me/tokens", response_model=TokenCreated, status_code=201)
def create_token(data: TokenIn, db: DB, caller: CurrentCaller) -> Any:
    """A new API token; the answer is the only time the token is shown."""
    return tokens.create_token(db, caller, data)


@router.delete("/api/me/tokens/{token_id}", response_model=TokenOut)
def revoke_token(token_id: PathId, db: DB, caller: CurrentCaller) -> Any:
    return tokens.revoke_token(db, caller, token_id)


@router.get("/api/me/join-requests", response_model=list[JoinRequestOut])
def my_join_requests(db: DB, caller: CurrentCaller) -> Any:
    return joining.my_join_requests(db, caller)


@router.post("/api/me/invites/accept", response_model=MembershipOut, status_code=201)
def accept_invite(data: AcceptInviteIn, db: DB, caller: CurrentCaller) -> Any:
    return joining.accept_invite(db, caller, data.token)


@router.get("/api/networks/{slug}/members", response_model=list[NetworkMemberOut])
def list_members(slug: str, db: DB, caller: CurrentCaller) -> Any:
    return memberships.list_members(db, caller, get_network(db, caller, slug))


@router.patch("/api/networks/{slug}/members/{account_id}", response_model=NetworkMemberOut)
def change_role(slug: str, account_id: PathId, data: RoleIn, db: DB, caller: CurrentCaller) -> Any:
    return memberships.change_role(db, caller, get_network(db, caller, slug), account_id, data.role)


@router.delete("/api/networks/{slug}/members/{account_id}", status_code=204)
def remove_member(slug: str, account_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    memberships.remove_member(db, caller, get_network(db, caller, slug), account_id)
    return Response(status_code=204)


@router.post("/api/networks/{slug}/join", response_model=JoinRequestOut, status_code=201)
def request_to_join(slug: str, data: JoinIn, db: DB, caller: CurrentCaller) -> Any:
    """Join by the network's policy: a member at once (open), a request that waits for a
    steward (approval), or 403 (invitation only)."""
    return joining.join(db, caller, get_network(db, caller, slug), data)


@router.get("/api/networks/{slug}/join-requests", response_model=list[JoinRequestOut])
def list_join_requests(slug: str, db: DB, caller: CurrentCaller) -> Any:
    return joining.list_join_requests(db, caller, get_network(db, caller, slug))


@router.post(
    "/api/networks/{slug}/join-requests/{request_id}/approve", response_model=JoinRequestOut
)
def approve_join_request(
    slug: str, request_id: PathId, data: DecisionIn, request: Request, db: DB, caller: CurrentCaller
) -> Any:
    network = get_network(db, caller, slug)
    base_url = public_url(request.app.state.settings)
    return joining.decide(
        db, caller, network, request_id, approve=True, role=data.role, base_url=base_url
    )


@router.post(
    "/api/networks/{slug}/join-requests/{request_id}/decline", response_model=JoinRequestOut
)
def decline_join_request(
    slug: str, request_id: PathId, request: Request, db: DB, caller: CurrentCaller
) -> Any:
    network = get_network(db, caller, slug)
    base_url = public_url(request.app.state.settings)
    return joining.decide(db, caller, network, request_id, approve=False, base_url=base_url)


@router.get("/api/networks/{slug}/invites", response_model=list[NetworkInviteOut])
def list_invites(slug: str, db: DB, caller: CurrentCaller) -> Any:
    return joining.list_network_invites(db, caller, get_network(db, caller, slug))


@router.post("/api/networks/{slug}/invites", response_model=NetworkInviteOut, status_code=201)
def invite(
    slug: str, data: NetworkInviteIn, request: Request, db: DB, caller: CurrentCaller
) -> Any:
    """Invite someone by e-mail (optionally to claim an existing profile); stewards only."""
    network = get_network(db, caller, slug)
    return joining.invite_to_network(
        db, caller, network, data, public_url(request.app.state.settings)
    )


@router.get("/api/dev/outbox", response_model=list[OutboxOut])
def outbox(request: Request, db: DB, caller: CurrentCaller) -> Any:
    """The development outbox: only in development mode and without SMTP (else 404)."""
    if not outbox_open(request):
        raise NotFound(_("there is no development outbox here"))
    return accounts.list_outbox(db)
