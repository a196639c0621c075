"""Run the Alembic migrations shipped inside the package, on any database URL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from .session import normalise_url

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema of ``url`` up to ``revision``."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    """Take the schema of ``url`` down to ``revision``."""
    command.downgrade(alembic_config(url), revision)
