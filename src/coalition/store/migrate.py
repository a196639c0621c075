"""Run the Alembic migrations shipped inside the package, on any database URL.

On PostgreSQL, the job queue's schema (procrastinate's, applied by its schema manager) goes
into a schema of its own, ``procrastinate``, after our migrations: its tables, types and
functions stay out of ours, and procrastinate's connections find them through their
``search_path`` (coalition.jobs.queue).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from .session import normalise_url

MIGRATIONS = Path(__file__).parent / "migrations"
QUEUE_SCHEMA = "procrastinate"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema of ``url`` up to ``revision`` (and, on PostgreSQL, the job queue's)."""
    command.upgrade(alembic_config(url), revision)
    if _is_postgres(url):
        apply_queue_schema(url)


def downgrade(url: str, revision: str = "base") -> None:
    """Take the schema of ``url`` down to ``revision`` (``base`` drops the job queue too)."""
    command.downgrade(alembic_config(url), revision)
    if revision == "base" and _is_postgres(url):
        import psycopg

        with psycopg.connect(_libpq(url), autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {QUEUE_SCHEMA} CASCADE")


def _is_postgres(url: str) -> bool:
    return normalise_url(url).startswith("postgresql")


def _libpq(url: str) -> str:
    """The libpq form of a SQLAlchemy PostgreSQL URL (``postgresql+psycopg://`` → ``postgresql://``)."""
    from sqlalchemy.engine import make_url

    return (
        make_url(normalise_url(url))
        .set(drivername="postgresql")
        .render_as_string(hide_password=False)
    )


def apply_queue_schema(url: str) -> bool:
    """Create procrastinate's schema in ``procrastinate`` unless it is there; True if created.

    Serialised by an advisory lock, so app processes and workers starting together apply it
    once. procrastinate's own schema manager provides the SQL (``SchemaManager.get_schema``).
    """
    import psycopg
    from procrastinate.schema import SchemaManager

    with psycopg.connect(_libpq(url)) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('coalition.queue_schema'))")
        there = conn.execute(
            "SELECT to_regclass(%s)", (f"{QUEUE_SCHEMA}.procrastinate_jobs",)
        ).fetchone()
        if there is not None and there[0] is not None:
            return False
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {QUEUE_SCHEMA}")
        conn.execute(f"SET LOCAL search_path TO {QUEUE_SCHEMA}")
        # No parameters: psycopg sends the script as it is (no placeholder parsing).
        conn.execute(SchemaManager.get_schema())
    return True
