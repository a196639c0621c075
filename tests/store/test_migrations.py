"""Migrations upgrade and downgrade cleanly on both databases."""

from __future__ import annotations

from sqlalchemy import inspect

from coalition.store.migrate import downgrade, upgrade
from coalition.store.session import engine_for
from coalition.store.tables import Base


def _tables(url: str) -> set[str]:
    engine = engine_for(url)
    engine.dispose()
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(db_url: str) -> None:
    expected = set(Base.metadata.tables)
    assert _tables(db_url) == expected
    downgrade(db_url, "base")
    assert _tables(db_url) == set()
    upgrade(db_url, "heads")
    assert _tables(db_url) == expected


def test_schema_matches_models(db_url: str) -> None:
    """Autogenerate finds nothing to do: the migrations build exactly the declared schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = engine_for(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
