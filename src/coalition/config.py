"""Settings read from the environment (12-factor); one object, built once per process."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SQLITE = "sqlite:///var/coalition.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_SQLITE
    secret_key: str = "dev-secret-change-me"
    smtp_url: str | None = None
    invitation_ttl_days: int = 14
    base_url: str = "http://127.0.0.1:8000"
    secure_cookies: bool = False
    extra: dict[str, str] = field(default_factory=dict)


def load_settings() -> Settings:
    """Settings from COALITION_* environment variables, with embedded-SQLite defaults."""
    url = os.environ.get("COALITION_DATABASE_URL", DEFAULT_SQLITE)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        path = Path(url.removeprefix("sqlite:///"))
        if path.parent != Path("."):
            path.parent.mkdir(parents=True, exist_ok=True)
    return Settings(
        database_url=url,
        secret_key=os.environ.get("COALITION_SECRET_KEY", "dev-secret-change-me"),
        smtp_url=os.environ.get("COALITION_SMTP_URL") or None,
        invitation_ttl_days=int(os.environ.get("COALITION_INVITATION_TTL_DAYS", "14")),
        base_url=os.environ.get("COALITION_BASE_URL", "http://127.0.0.1:8000"),
        secure_cookies=os.environ.get("COALITION_SECURE_COOKIES", "") == "1",
    )
