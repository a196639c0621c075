"""HTML pages of accounts: sign in and out, register, account, password reset, members.

Every form posts a hidden ``csrf`` field (see web/extensions/security.py); every page's data is
also in the JSON API (web/api/auth.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError

from ... import i18n
from ...config import public_url
from ...domain import PRIVACY_DEFAULTS, SECTOR_CHOICES, PrivateField
from ...errors import CoalitionError, NotFound, Unauthorized
from ...i18n import _
from ...schemas.auth import (
    DecisionIn,
    JoinIn,
    LoginIn,
    MePatch,
    NetworkInviteIn,
    RegisterIn,
    ResetIn,
    RoleIn,
    TokenIn,
)
from ...schemas.common import MAX_COUNT
from ...schemas.directory import ActorPatch
from ...services import accounts, directory, joining, memberships, portability, tokens
from ...services.access import Caller
from ...services.networks import get_network, list_networks
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..extensions.locale import set_language_cookie
from ..extensions.security import (
    SESSION_COOKIE,
    clear_session_cookie,
    client_ip,
    outbox_open,
    safe_next,
    set_session_cookie,
)
from ..kit import FORM, problems, render, see_other, to_login
from ..params import PathId

router = APIRouter(include_in_schema=False, route_class=CommitFirstRoute)

AUDIENCES = [
    ("public", i18n.lazy("Everyone")),
    ("network", i18n.lazy("Members of the network")),
    ("convenors", i18n.lazy("Convenors who invited me")),
    ("private", i18n.lazy("Only me")),
]
PRIVATE_FIELDS = [
    ("day_rate", i18n.lazy("Day rate")),
    ("capacity", i18n.lazy("Capacity (hours per week)")),
    ("contact", i18n.lazy("Contact details")),
    ("declines", i18n.lazy("Declined invitations and reasons")),
]
SECTORS = [s.value for s in SECTOR_CHOICES]


# The forms as typed (each field "" when left empty), kept to fill the form in again; the API's
# strict models (schemas/auth.py) validate them.
class LoginQuery(BaseModel):
    """Where to go after signing in, and whether the password was just reset."""

    next: str | None = None
    reset: int = Field(0, ge=0, le=MAX_COUNT)


class RegisterQuery(BaseModel):
    """An invitation's token, or the network whose Join button sent the visitor here."""

    invite: str | None = None
    network: str | None = None


class LoginForm(BaseModel):
    email: str = ""
    password: str = ""
    next: str = ""


class JoinForm(BaseModel):
    """Asking to join a network: on the account page, or while registering."""

    network: str = ""
    message: str = ""
    kind: str = "person"
    sector: str = "independent"

    def join_in(self) -> JoinIn:
        """The request to join, checked (a ValidationError says what is wrong)."""
        return JoinIn.model_validate(self.model_dump(include={"message", "kind", "sector"}))


class RegisterForm(JoinForm):
    email: str = ""
    display_name: str = ""
    password: str = ""
    invite: str = ""


class TokenForm(BaseModel):
    name: str = ""
    scopes: list[str] = []
    expires_in_days: str = ""


class ProfileForm(BaseModel):
    display_name: str = ""
    locale: str = Field("", max_length=10)


class LanguageForm(BaseModel):
    """The language switcher of every page."""

    lang: str = Field("", max_length=10)
    next: str = Field("/", max_length=2000)


class InviteTokenForm(BaseModel):
    invite: str = ""


class EmailForm(BaseModel):
    email: str = ""


class PasswordForm(BaseModel):
    password: str = ""


# A steward's forms on the members page: the API's strict models, a refusal a 422 page.
class RoleForm(RoleIn):
    model_config = FORM


class DecisionForm(DecisionIn):
    model_config = FORM


class NetworkInviteForm(NetworkInviteIn):
    model_config = FORM


class PrivacyForm(BaseModel):
    """Who may see a profile, and each private field (its default when not sent)."""

    visibility: str = "network"
    day_rate: str = PRIVACY_DEFAULTS[PrivateField.day_rate].value
    capacity: str = PRIVACY_DEFAULTS[PrivateField.capacity].value
    contact: str = PRIVACY_DEFAULTS[PrivateField.contact].value
    declines: str = PRIVACY_DEFAULTS[PrivateField.declines].value


def _signed_in_redirect(request: Request, db: DB, account: Any, target: str) -> Response:
    response = see_other(target)
    # A new session on every sign-in: a session cookie planted before it is worth nothing.
    accounts.end_session(db, request.cookies.get(SESSION_COOKIE))
    set_session_cookie(response, request, accounts.start_session(db, account))
    return response


# ---------------------------------------------------------------- sign in and out


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request, caller: CurrentCaller, query: Annotated[LoginQuery, Query()]
) -> Response:
    reset = query.reset
    notice = i18n.gettext("Your password was changed; sign in with the new one.") if reset else ""
    return render(
        request,
        "auth/login.html",
        {"caller": caller, "next": safe_next(query.next), "notice": notice, "errors": []},
    )


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[LoginForm, Form()],
) -> Response:
    target = safe_next(form.next)
    try:
        data = LoginIn.model_validate({"email": form.email, "password": form.password})
        account = accounts.authenticate(db, data.email, data.password, client_ip(request))
    except ValidationError:
        errors, status = ["Enter your e-mail address and password."], 422
    except CoalitionError as exc:
        errors, status = [exc.message], exc.status
    else:
        return _signed_in_redirect(request, db, account, target)
    context = {"caller": caller, "next": target, "notice": "", "errors": errors}
    return render(request, "auth/login.html", context | {"email": form.email}, status)


@router.post("/logout")
def logout(request: Request, db: DB, caller: CurrentCaller) -> Response:
    accounts.end_session(db, request.cookies.get(SESSION_COOKIE))
    response = see_other("/")
    clear_session_cookie(response, request)
    return response


# ---------------------------------------------------------------- register


def _register_context(
    request: Request, db: DB, caller: Caller, invite: str | None, **extra: Any
) -> dict[str, Any]:
    preview = None
    invite_error = ""
    if invite:
        try:
            row, network = joining.preview_invite(db, invite)
            preview = {"network": network, "email": row.email, "role": row.role}
        except Unauthorized as exc:
            invite_error = exc.message
    context: dict[str, Any] = {
        "caller": caller,
        "invite": invite or "",
        "preview": preview,
        "invite_error": invite_error,
        "networks": list_networks(db, caller),
        "sectors": SECTORS,
        "errors": [],
        "form": {},
    }
    context.update(extra)
    return context


@router.get("/register", response_class=HTMLResponse)
def register_page(
    request: Request,
    db: DB,
    caller: CurrentCaller,
    query: Annotated[RegisterQuery, Query()],
) -> Response:
    # ``network``: the Join button of a network's page sends people here to open an account.
    form = {"network": query.network}
    context = _register_context(request, db, caller, query.invite, form=form)
    return render(request, "auth/register.html", context, 401 if context["invite_error"] else 200)


@router.post("/register", response_class=HTMLResponse)
def register_submit(
    request: Request,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[RegisterForm, Form()],
) -> Response:
    given = form.model_dump() | {"invite": form.invite or None, "network": form.network or None}
    try:
        data = RegisterIn.model_validate(given)
        account = accounts.register(db, caller, data, public_url(request.app.state.settings))
    except ValidationError as exc:
        errors, status = problems(exc), 422
    except CoalitionError as exc:
        errors, status = [exc.message], exc.status
    else:
        target = f"/n/{data.network}" if data.network else "/welcome"
        return _signed_in_redirect(request, db, account, target)
    shown = {k: v for k, v in given.items() if k != "password"}
    context = _register_context(request, db, caller, form.invite, errors=errors, form=shown)
    return render(request, "auth/register.html", context, status)


@router.post("/register/accept")
def accept_invite(
    request: Request, db: DB, caller: CurrentCaller, form: Annotated[InviteTokenForm, Form()]
) -> Response:
    if not caller.authenticated:
        return to_login(request)
    membership = joining.accept_invite(db, caller, form.invite)
    return see_other(f"/n/{membership.network}/members")


# ---------------------------------------------------------------- the account page


def _account_context(db: DB, caller: Caller, **extra: Any) -> dict[str, Any]:
    me = accounts.me(db, caller)
    actors = [directory.get_actor(db, caller, actor_id) for actor_id in me.actor_ids]
    member_of = {m.network for m in me.memberships}
    context: dict[str, Any] = {
        "caller": caller,
        "me": me,
        "actors": actors,
        "privacy": {
            a.id: directory.privacy_of(directory.get_actor_row(db, caller, a.id)) for a in actors
        },
        "tokens": tokens.list_tokens(db, caller),
        "join_requests": joining.my_join_requests(db, caller),
        "joinable": [
            n
            for n in list_networks(db, caller)
            if n.slug not in member_of and n.join_policy != "invitation"
        ],
        "audiences": [(value, i18n.gettext(label)) for value, label in AUDIENCES],
        "private_fields": [(field, i18n.gettext(label)) for field, label in PRIVATE_FIELDS],
        "sectors": SECTORS,
        "new_token": None,
        "errors": [],
        "notice": "",
    }
    context.update(extra)
    return context


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, db: DB, caller: CurrentCaller) -> Response:
    if caller.account_id is None:
        return to_login(request)
    return render(request, "auth/account.html", _account_context(db, caller))


def _account_form(
    request: Request, db: DB, caller: Caller, action: Callable[[], Response]
) -> Response:
    """A form of the account page: sign in first; ``action()`` answers, or its refusal rolls
    back and shows the account page again with why."""
    if caller.account_id is None:
        return to_login(request)
    try:
        return action()
    except ValidationError as exc:
        errors, status = problems(exc), 422
    except CoalitionError as exc:
        errors, status = [exc.message], exc.status
    db.rollback()
    context = _account_context(db, caller, errors=errors)
    return render(request, "auth/account.html", context, status)


@router.post("/account/profile")
def account_profile(
    request: Request,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[ProfileForm, Form()],
) -> Response:

    def save() -> Response:
        name = MePatch.model_validate({"display_name": form.display_name}).display_name
        accounts.update_me(db, caller, name, form.locale)
        response = see_other("/account")
        if form.locale:
            set_language_cookie(response, request, form.locale)
        return response

    return _account_form(request, db, caller, save)


@router.post("/language")
def choose_language(
    request: Request,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[LanguageForm, Form()],
) -> Response:
    """The switcher of every page: the cookie, and the account's setting when signed in."""
    chosen = i18n.supported(form.lang)
    response = see_other(safe_next(form.next, "/"))
    if chosen is None:
        return response
    if caller.account_id is not None:
        accounts.set_account_locale(db, caller, chosen)
    set_language_cookie(response, request, chosen)
    return response


@router.post("/account/privacy/{actor_id}")
def account_privacy(
    request: Request,
    actor_id: PathId,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[PrivacyForm, Form()],
) -> Response:
    """Each member chooses, per field, who may see it; the directory applies it everywhere."""

    def save() -> Response:
        privacy = form.model_dump(exclude={"visibility"})
        patch = ActorPatch.model_validate({"visibility": form.visibility, "privacy": privacy})
        if not caller.owns(actor_id):
            raise NotFound(_("no profile %(actor_id)s of yours") % {"actor_id": actor_id})
        directory.update_actor(db, caller, actor_id, patch)
        return see_other("/account")

    return _account_form(request, db, caller, save)


@router.post("/account/tokens", response_class=HTMLResponse)
def account_new_token(
    request: Request,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[TokenForm, Form()],
) -> Response:

    def create() -> Response:
        try:
            days = int(form.expires_in_days) if form.expires_in_days.strip() else None
        except ValueError:
            days = 0  # refused by the model below, with its message
        data = TokenIn.model_validate(form.model_dump() | {"expires_in_days": days})
        created = tokens.create_token(db, caller, data)
        context = _account_context(db, caller, new_token=created)
        return render(request, "auth/account.html", context, 201)

    return _account_form(request, db, caller, create)


@router.post("/account/tokens/{token_id}/revoke")
def account_revoke_token(
    request: Request, token_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    if caller.account_id is None:
        return to_login(request)
    tokens.revoke_token(db, caller, token_id)
    return see_other("/account")


@router.post("/account/join")
def account_join(
    request: Request,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[JoinForm, Form()],
) -> Response:

    def join() -> Response:
        joining.join(db, caller, get_network(db, caller, form.network), form.join_in())
        return see_other("/account")

    return _account_form(request, db, caller, join)


@router.get("/account/export")
def account_export(request: Request, db: DB, caller: CurrentCaller) -> Response:
    """Download everything held about you (the same document as GET /api/me/export)."""
    if caller.account_id is None:
        return to_login(request)
    data = portability.export_my_data(db, caller)
    return JSONResponse(
        data,
        headers={"content-disposition": 'attachment; filename="coalition-my-data.json"'},
    )


@router.post("/account/delete")
def account_delete(
    request: Request, db: DB, caller: CurrentCaller, form: Annotated[PasswordForm, Form()]
) -> Response:

    def delete() -> Response:
        portability.delete_account(db, caller, form.password)
        response = see_other("/?deleted=1")
        clear_session_cookie(response, request)
        return response

    return _account_form(request, db, caller, delete)


# ---------------------------------------------------------------- password reset


@router.get("/reset", response_class=HTMLResponse)
def reset_page(request: Request, caller: CurrentCaller) -> Response:
    return render(request, "auth/reset_request.html", {"caller": caller, "sent": False})


@router.post("/reset", response_class=HTMLResponse)
def reset_request(
    request: Request, db: DB, caller: CurrentCaller, form: Annotated[EmailForm, Form()]
) -> Response:
    if "@" in form.email:
        accounts.request_reset(db, form.email, public_url(request.app.state.settings))
    return render(request, "auth/reset_request.html", {"caller": caller, "sent": True})


@router.get("/reset/{token}", response_class=HTMLResponse)
def reset_form(request: Request, token: str, db: DB, caller: CurrentCaller) -> Response:
    try:
        accounts.check_reset(db, token)
    except Unauthorized as exc:
        context = {"caller": caller, "token": "", "errors": [exc.message]}
        return render(request, "auth/reset.html", context, 401)
    return render(request, "auth/reset.html", {"caller": caller, "token": token, "errors": []})


@router.post("/reset/{token}", response_class=HTMLResponse)
def reset_submit(
    request: Request,
    token: str,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[PasswordForm, Form()],
) -> Response:
    try:
        data = ResetIn.model_validate(form.model_dump())
        accounts.reset_password(db, token, data.password)
    except ValidationError as exc:
        context = {"caller": caller, "token": token, "errors": problems(exc)}
        return render(request, "auth/reset.html", context, 422)
    except CoalitionError as exc:
        context = {"caller": caller, "token": "", "errors": [exc.message]}
        return render(request, "auth/reset.html", context, exc.status)
    response = see_other("/login?reset=1")
    clear_session_cookie(response, request)
    return response


# ---------------------------------------------------------------- members of a network


@router.get("/n/{slug}/members", response_class=HTMLResponse)
def members_page(request: Request, slug: str, db: DB, caller: CurrentCaller) -> Response:
    network = get_network(db, caller, slug)
    if not caller.authenticated:
        return to_login(request)
    members = memberships.list_members(db, caller, network)
    steward = caller.has_role(network.id, "steward")
    context = {
        "caller": caller,
        "network": network,
        "members": members,
        "steward": steward,
        "requests": joining.list_join_requests(db, caller, network) if steward else [],
        "invites": joining.list_network_invites(db, caller, network) if steward else [],
        "roles": ["member", "convenor", "steward"],
    }
    return render(request, "auth/members.html", context)


@router.post("/n/{slug}/members/{account_id}/role")
def members_role(
    request: Request,
    slug: str,
    account_id: PathId,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[RoleForm, Form()],
) -> Response:
    network = get_network(db, caller, slug)
    memberships.change_role(db, caller, network, account_id, form.role)
    return see_other(f"/n/{slug}/members")


@router.post("/n/{slug}/members/{account_id}/remove")
def members_remove(
    request: Request, slug: str, account_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    network = get_network(db, caller, slug)
    memberships.remove_member(db, caller, network, account_id)
    leaving = caller.account_id == account_id
    return see_other("/account" if leaving else f"/n/{slug}/members")


@router.post("/n/{slug}/requests/{request_id}/approve")
def members_approve(
    request: Request,
    slug: str,
    request_id: PathId,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[DecisionForm, Form()],
) -> Response:
    network = get_network(db, caller, slug)
    base_url = public_url(request.app.state.settings)
    joining.decide(db, caller, network, request_id, approve=True, role=form.role, base_url=base_url)
    return see_other(f"/n/{slug}/members")


@router.post("/n/{slug}/requests/{request_id}/decline")
def members_decline(
    request: Request, slug: str, request_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    network = get_network(db, caller, slug)
    base_url = public_url(request.app.state.settings)
    joining.decide(db, caller, network, request_id, approve=False, base_url=base_url)
    return see_other(f"/n/{slug}/members")


@router.post("/n/{slug}/invites")
def members_invite(
    request: Request,
    slug: str,
    db: DB,
    caller: CurrentCaller,
    form: Annotated[NetworkInviteForm, Form()],
) -> Response:
    network = get_network(db, caller, slug)
    joining.invite_to_network(db, caller, network, form, public_url(request.app.state.settings))
    return see_other(f"/n/{slug}/members")


# ---------------------------------------------------------------- the development outbox


@router.get("/dev/outbox", response_class=HTMLResponse)
def outbox_page(request: Request, db: DB, caller: CurrentCaller) -> Response:
    if not outbox_open(request):
        raise NotFound(_("there is no development outbox here"))
    return render(
        request, "auth/outbox.html", {"caller": caller, "messages": accounts.list_outbox(db)}
    )
