"""CLI of accounts (``coalition accounts …``): create accounts, give roles, issue API tokens."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import _, lazy
from ..web.messages import sentences

accounts_app = typer.Typer(
    help=lazy("Accounts, roles in networks and API tokens."), no_args_is_help=True
)

ROLES = ("member", "convenor", "steward")
SCOPES = ("read", "write")


def _find_account(db: Session, email: str) -> Any:
    from ..errors import NotFound
    from ..services.identity import normalise_email
    from ..store.tables_auth import Account

    account = db.scalars(select(Account).where(Account.email == normalise_email(email))).first()
    if account is None:
        raise NotFound(_("no account '%(email)s'") % {"email": email})
    return account


def ensure_account(
    db: Session,
    email: str,
    *,
    display_name: str,
    password: str,
    network_slug: str | None = None,
    role: str = "member",
    actor_id: int | None = None,
) -> Any:
    """The account for ``email`` (created with ``password`` if new), with ``role`` in a network."""
    from ..services import identity, memberships
    from ..services.access import Caller
    from ..services.networks import get_network
    from ..store.tables_auth import Account

    email = identity.normalise_email(email)
    account = db.scalars(select(Account).where(Account.email == email)).first()
    if account is None:
        account = Account(
            email=email, display_name=display_name, password_hash=identity.hash_password(password)
        )
        db.add(account)
        db.flush()
    if network_slug is not None:
        network = get_network(db, Caller.operator(), network_slug)
        memberships.add_membership(db, account.id, network.id, role, actor_id)
    return account


@accounts_app.command(
    "create", help=lazy("Create an account (or give an existing one a role in a network).")
)
def accounts_create(
    email: str,
    network: Annotated[
        str | None, typer.Option("--network", "-n", help=lazy("Network slug."))
    ] = None,
    role: Annotated[str, typer.Option(help=lazy("member, convenor or steward."))] = "member",
    actor: Annotated[
        int | None, typer.Option("--actor", help=lazy("The actor that is this account there."))
    ] = None,
    name: Annotated[
        str | None, typer.Option(help=lazy("Display name (default: from e-mail)."))
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(
            envvar="COALITION_ACCOUNT_PASSWORD",
            help=lazy("Password for a new account; without it one is generated and printed once."),
        ),
    ] = None,
) -> None:
    from pydantic import ValidationError

    from ..cli import console, fail, run_service
    from ..schemas.auth import RegisterIn

    if role not in ROLES:
        raise fail(_("--role must be one of %(ROLES)s") % {"ROLES": ", ".join(ROLES)})
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    display_name = name or email.split("@", 1)[0]
    try:
        RegisterIn.model_validate(
            {"email": email, "password": password, "display_name": display_name}
        )
    except ValidationError as exc:
        raise fail(" ".join(sentences(exc.errors()))) from None

    def create(db: Session) -> tuple[int, bool]:
        from ..services.identity import normalise_email
        from ..store.tables_auth import Account

        existed = db.scalar(select(Account.id).where(Account.email == normalise_email(email)))
        account = ensure_account(
            db,
            email,
            display_name=display_name,
            password=password,
            network_slug=network,
            role=role,
            actor_id=actor,
        )
        return account.id, existed is not None

    account_id, existed = run_service(create)
    where = f" as {role} of '{network}'" if network else ""
    verb = "updated" if existed else "created"
    console.print(f"account {account_id} ({email}) {verb}{where}")
    if generated and not existed:
        console.print(f"password (shown once): {password}")


@accounts_app.command(
    "token",
    help=lazy("Issue an API token for an account; it is printed once (only its hash is kept)."),
)
def accounts_token(
    email: str,
    scope: Annotated[
        list[str] | None, typer.Option("--scope", "-s", help=lazy("read, write"))
    ] = None,
    name: Annotated[str, typer.Option(help=lazy("What the token is for."))] = "cli",
    expires_in_days: Annotated[int | None, typer.Option(min=1, max=3650)] = None,
) -> None:
    from ..cli import console, fail, run_service
    from ..schemas.auth import TokenIn
    from ..services import identity, tokens

    scopes = scope or ["read"]
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise fail(
            _("unknown scope(s) %(unknown)s: use read and/or write")
            % {"unknown": ", ".join(unknown)}
        )
    data = TokenIn.model_validate(
        {"name": name, "scopes": scopes, "expires_in_days": expires_in_days}
    )

    def issue(db: Session) -> str:
        account = _find_account(db, email)
        # The operator issues it as the account's own signed-in session would.
        created = tokens.create_token(db, identity.caller_for_account(db, account.id), data)
        return created.token

    token = run_service(issue)
    console.print(token, soft_wrap=True, highlight=False)


@accounts_app.command(
    "list", help=lazy("Accounts and their roles (in one network, or everywhere).")
)
def accounts_list(
    network: Annotated[str | None, typer.Option("--network", "-n")] = None,
) -> None:
    from ..cli import console, run_service
    from ..store.tables import Network
    from ..store.tables_auth import Account, Membership

    def rows(db: Session) -> list[tuple[Any, ...]]:
        stmt = (
            select(Account.id, Account.email, Account.display_name, Network.slug, Membership.role)
            .outerjoin(Membership, Membership.account_id == Account.id)
            .outerjoin(Network, Network.id == Membership.network_id)
            .order_by(Account.email, Network.slug)
        )
        if network:
            stmt = stmt.where(Network.slug == network)
        return [tuple(r) for r in db.execute(stmt)]

    table = Table()
    for column in ("id", "e-mail", "name", "network", "role"):
        table.add_column(column)
    for row in run_service(rows):
        table.add_row(*(str(v) if v is not None else "" for v in row))
    console.print(table)


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    app.add_typer(accounts_app, name="accounts")
