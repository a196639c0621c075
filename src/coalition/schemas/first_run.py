"""The first run of a fresh install: the first steward's account and the first network."""

from __future__ import annotations

from pydantic import Field

from .auth import Email, Password
from .common import Name, StrictModel, Text


class FirstRunIn(StrictModel):
    email: Email
    password: Password
    display_name: Name
    slug: str = Field(max_length=80, pattern=r"^[a-z0-9][a-z0-9-]{1,78}$")
    name: Name
    purpose: Text = ""
    visibility: str = Field(default="public", pattern="^(public|unlisted|private)$")
    join_policy: str = Field(default="approval", pattern="^(open|approval|invitation)$")
