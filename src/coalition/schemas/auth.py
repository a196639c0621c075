"""Input and output models of accounts, memberships, API tokens and the outbox."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ..domain import ActorKind, Sector
from .common import ActorKindName, Id, Name, OutModel, SectorName, StrictModel, Timestamp

Email = Annotated[str, Field(max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
# Long passphrases are welcome; the upper bound only stops a hashing denial of service.
Password = Annotated[str, Field(min_length=10, max_length=256)]
AnyPassword = Annotated[str, Field(min_length=1, max_length=256)]
Secret = Annotated[str, Field(min_length=8, max_length=200)]
RoleName = Literal["member", "convenor", "steward"]
ScopeName = Literal["read", "write"]
Slug = Annotated[str, Field(max_length=80, pattern=r"^[a-z0-9][a-z0-9-]{1,78}$")]


class RegisterIn(StrictModel):
    """A new account: by invitation (``invite``), or asking to join ``network``, or neither."""

    email: Email
    password: Password
    display_name: Name
    invite: Secret | None = None
    network: Slug | None = None
    message: str = Field(default="", max_length=2000)
    kind: ActorKindName = ActorKind.person
    sector: SectorName = Sector.independent


class LoginIn(StrictModel):
    email: Email
    password: AnyPassword


class ResetRequestIn(StrictModel):
    email: Email


class ResetIn(StrictModel):
    password: Password


class PasswordConfirmIn(StrictModel):
    password: AnyPassword


class PasswordChangeIn(StrictModel):
    current_password: AnyPassword
    new_password: Password


class MePatch(StrictModel):
    display_name: Name


class TokenIn(StrictModel):
    name: Name
    scopes: list[ScopeName] = Field(min_length=1, max_length=2)
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)


class JoinIn(StrictModel):
    message: str = Field(default="", max_length=2000)
    kind: ActorKindName = ActorKind.person
    sector: SectorName = Sector.independent


class DecisionIn(StrictModel):
    role: RoleName = "member"


class RoleIn(StrictModel):
    role: RoleName


class NetworkInviteIn(StrictModel):
    email: Email
    role: RoleName = "member"
    actor_id: Id | None = None


class AcceptInviteIn(StrictModel):
    token: Secret


class AccountOut(OutModel):
    id: int
    email: str
    display_name: str
    created_at: Timestamp
    locale: str | None = None  # the chosen language; None: the browser's


class MembershipOut(OutModel):
    network: str
    network_name: str
    role: str
    actor_id: int | None


class MeOut(OutModel):
    account: AccountOut
    memberships: list[MembershipOut]
    # Every actor the account speaks for: its own, and organisations it represents.
    actor_ids: list[int]
    represents: list[int]
    scopes: list[str] | None


class SignedIn(OutModel):
    account: AccountOut
    csrf_token: str


class CsrfOut(OutModel):
    csrf_token: str


class TokenOut(OutModel):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: Timestamp
    expires_at: Timestamp | None
    last_used_at: Timestamp | None
    revoked: bool


class TokenCreated(TokenOut):
    """The token itself is shown once, here; only its hash is stored."""

    token: str


class NetworkMemberOut(OutModel):
    account_id: int
    display_name: str
    email: str | None  # stewards only
    role: str
    actor_id: int | None
    actor_name: str | None


class JoinRequestOut(OutModel):
    id: int
    network: str
    account_id: int
    display_name: str
    email: str | None  # stewards only
    message: str
    kind: str
    sector: str
    status: str
    created_at: Timestamp


class NetworkInviteOut(OutModel):
    id: int
    network: str
    email: str
    role: str
    actor_id: int | None
    created_at: Timestamp
    expires_at: Timestamp
    used: bool


class InvitePreview(OutModel):
    network: str
    network_name: str
    email: str
    role: str


class OutboxOut(OutModel):
    id: int
    to_addr: str
    subject: str
    body: str
    created_at: Timestamp
    sent_at: Timestamp | None
    error: str


class Accepted(OutModel):
    detail: str
