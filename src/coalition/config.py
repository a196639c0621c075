"""Settings read from the environment (12-factor); one object, built once per process."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SQLITE = "sqlite:///var/coalition.db"
DEFAULT_SECRET = "dev-secret-change-me"


class ConfigurationError(RuntimeError):
    """The server must not start with these settings; the message says what to change."""


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_SQLITE
    secret_key: str = DEFAULT_SECRET
    smtp_url: str | None = None
    invitation_ttl_days: int = 14
    base_url: str = "http://127.0.0.1:8000"
    # The address people reach the site at, for links in e-mails (COALITION_PUBLIC_URL);
    # empty: base_url.
    public_url: str = ""
    secure_cookies: bool = False
    # Development mode: the default secret is allowed and, without SMTP, /dev/outbox shows
    # every e-mail sent (reset links included) to anyone who can reach the server.
    development: bool = False
    # Addresses of reverse proxies whose X-Forwarded-For is believed; nobody else's is.
    trusted_proxies: tuple[str, ...] = ()
    # Server-side limits of one request's database work (PostgreSQL; SQLite's busy timeout).
    lock_timeout_s: float = 5.0
    statement_timeout_s: float = 30.0
    # Who runs background jobs: "auto" (procrastinate workers on PostgreSQL, a thread of the
    # app on SQLite), "queue" or "local" (coalition.jobs).
    jobs: str = "auto"
    # How long a conversation's stored analysis is served after a vote before the next read
    # recomputes it (COALITION_RESULTS_FRESHNESS; 0: recompute on the first read after every
    # vote). Polis recomputes its math periodically, not per vote.
    results_freshness_s: float = 5.0
    # How long an answer to a GET is kept for the same browser while the data it was read from
    # is unchanged (COALITION_READ_CACHE_TTL; 0: off), and the memory it may take per app
    # process (COALITION_READ_CACHE_MB). See web/read_cache.py.
    read_cache_ttl_s: float = 5.0
    read_cache_mb: int = 64
    extra: dict[str, str] = field(default_factory=dict)


def public_url(settings: Settings) -> str:
    """The site's public address without a trailing slash (COALITION_PUBLIC_URL, else
    COALITION_BASE_URL): what a link in an e-mail starts with."""
    return (settings.public_url or settings.base_url).rstrip("/")


def check_settings(settings: Settings) -> None:
    """Refuse settings the server must not run with (outside development)."""
    if not settings.development and settings.secret_key == DEFAULT_SECRET:
        raise ConfigurationError(
            "COALITION_SECRET_KEY is not set: the default secret key signs CSRF tokens anyone "
            "can forge. Set COALITION_SECRET_KEY to a long random value (for example the output "
            "of `python -c 'import secrets; print(secrets.token_urlsafe(48))'`), or set "
            "COALITION_DEVELOPMENT=1 on a development machine."
        )
    if settings.jobs not in ("auto", "queue", "local"):
        raise ConfigurationError(
            f"COALITION_JOBS must be auto, queue or local, not {settings.jobs!r}"
        )
    if settings.public_url and not settings.public_url.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"COALITION_PUBLIC_URL must start with http:// or https://, not "
            f"{settings.public_url!r} (for example https://coalition.example.org)"
        )
    for proxy in settings.trusted_proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise ConfigurationError(
                f"COALITION_TRUSTED_PROXIES: {proxy!r} is not an address or a network "
                "(write them comma-separated, e.g. 10.0.0.5,192.168.1.0/24)"
            ) from None


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number of seconds, not {raw!r}") from None
    if not 0 < value < 86_400:
        raise ConfigurationError(f"{name} must be between 0 and 86400 seconds, not {raw!r}")
    return value


def _window(name: str, default: float) -> float:
    """A number of seconds that may be 0 (a window switched off)."""
    raw = os.environ.get(name, "").strip()
    if raw in ("0", "0.0"):
        return 0.0
    return _seconds(name, default)


def _megabytes(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 65_536:
        raise ConfigurationError(
            f"{name} must be a whole number of MiB from 1 to 65536, not {raw!r}"
        )
    return int(raw)


def load_settings() -> Settings:
    """Settings from COALITION_* environment variables, with embedded-SQLite defaults."""
    url = os.environ.get("COALITION_DATABASE_URL", DEFAULT_SQLITE)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        path = Path(url.removeprefix("sqlite:///"))
        if path.parent != Path("."):
            path.parent.mkdir(parents=True, exist_ok=True)
    proxies = os.environ.get("COALITION_TRUSTED_PROXIES", "")
    return Settings(
        database_url=url,
        secret_key=os.environ.get("COALITION_SECRET_KEY", DEFAULT_SECRET),
        smtp_url=os.environ.get("COALITION_SMTP_URL") or None,
        invitation_ttl_days=int(os.environ.get("COALITION_INVITATION_TTL_DAYS", "14")),
        base_url=os.environ.get("COALITION_BASE_URL", "http://127.0.0.1:8000"),
        public_url=os.environ.get("COALITION_PUBLIC_URL", "").strip(),
        secure_cookies=os.environ.get("COALITION_SECURE_COOKIES", "") == "1",
        development=_flag("COALITION_DEVELOPMENT"),
        trusted_proxies=tuple(p.strip() for p in proxies.split(",") if p.strip()),
        lock_timeout_s=_seconds("COALITION_LOCK_TIMEOUT", 5.0),
        statement_timeout_s=_seconds("COALITION_STATEMENT_TIMEOUT", 30.0),
        jobs=os.environ.get("COALITION_JOBS", "auto").strip().lower() or "auto",
        results_freshness_s=_window("COALITION_RESULTS_FRESHNESS", 5.0),
        read_cache_ttl_s=_window("COALITION_READ_CACHE_TTL", 5.0),
        read_cache_mb=_megabytes("COALITION_READ_CACHE_MB", 64),
    )
