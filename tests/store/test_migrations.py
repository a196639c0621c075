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

    from coalition.store.search_indexes import POSTGRES_ONLY, POSTGRES_ONLY_COLUMNS

    def declared(obj: object, name: str | None, type_: str, reflected: bool, other: object) -> bool:
        # The PostgreSQL-only search indexes (expressions, GIN) and column are not on the models.
        return not (
            (type_ == "index" and name in POSTGRES_ONLY)
            or (type_ == "column" and name in POSTGRES_ONLY_COLUMNS)
        )

    engine = engine_for(db_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": declared})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_search_indexes(db_url: str) -> None:
    """PostgreSQL has the trigram and full-text indexes of directory search; SQLite has none."""
    from coalition.store.search_indexes import POSTGRES_ONLY

    engine = engine_for(db_url)
    found = inspect(engine)
    names = {ix["name"] for t in ("actors", "actor_purposes") for ix in found.get_indexes(t)}
    assert {"ix_actors_network_kind", "ix_actors_network_name"} <= names
    columns = {c["name"] for c in found.get_columns("actors")}
    if engine.dialect.name == "postgresql":
        assert POSTGRES_ONLY <= names and "search_document" in columns
    else:
        assert not POSTGRES_ONLY & names and "search_document" not in columns
