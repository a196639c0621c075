"""The first run of a fresh install: the first steward's account and the first network."""

from __future__ import annotations

from pydantic import Field

from ..domain import JoinPolicy, NetworkVisibility
from .auth import Email, Password
from .common import Name, StrictModel, Text
from .networks import PolicyChoice, VisibilityChoice


class FirstRunIn(StrictModel):
    email: Email
    password: Password
    display_name: Name
    slug: str = Field(max_length=80, pattern=r"^[a-z0-9][a-z0-9-]{1,78}$")
    name: Name
    purpose: Text = ""
    visibility: VisibilityChoice = NetworkVisibility.public
    join_policy: PolicyChoice = JoinPolicy.approval
