"""directory search: btree indexes on the filters' columns (both databases); on PostgreSQL,
trigram indexes on names, headlines and purposes (pg_trgm) and a full-text index on purposes
and bio

Revision ID: 0018
Revises: 0001

The PostgreSQL indexes are expression indexes, the same expressions that
``services.directory_search`` writes, so the planner uses them. They are not declared on the
models (SQLite has no such index); ``store.search_indexes`` names them, and the model check
leaves them aside. When the server refuses ``CREATE EXTENSION pg_trgm`` (a role without the
right), the trigram indexes are left out, search falls back to plain ILIKE without similarity
ranking, and the migration says so in a warning instead of failing.
"""

from __future__ import annotations

import warnings

from alembic import op

from coalition.store.search_indexes import (
    EXPRESSION_INDEXES,
    FULL_TEXT_INDEXES,
    TRIGRAM_INDEXES,
)

revision = "0018"
down_revision = "0001"
branch_labels = None
depends_on = None

BTREE = (
    ("ix_actors_network_kind", "actors", ["network_id", "kind"]),
    ("ix_actors_network_timezone", "actors", ["network_id", "timezone"]),
    ("ix_actors_network_name", "actors", ["network_id", "name", "id"]),
    ("ix_actors_network_visibility", "actors", ["network_id", "visibility"]),
)


def _trigram_available() -> bool:
    bind = op.get_bind()
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as exc:  # noqa: BLE001 - any refusal degrades to no trigram index
        warnings.warn(
            f"pg_trgm could not be created ({exc.__class__.__name__}): directory search works "
            "without trigram indexes or similarity ranking",
            stacklevel=1,
        )
        return False
    return True


def upgrade() -> None:
    for name, table, columns in BTREE:
        op.create_index(name, table, columns)
    if op.get_bind().dialect.name != "postgresql":
        return
    if _trigram_available():
        for name, expression in TRIGRAM_INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON actors USING gin ({expression} gin_trgm_ops)")
    for name, expression in FULL_TEXT_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON actors USING gin ({expression})")
    for name, (table, expression) in EXPRESSION_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON {table} ({expression})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in (*TRIGRAM_INDEXES, *FULL_TEXT_INDEXES, *EXPRESSION_INDEXES):
            op.execute(f"DROP INDEX IF EXISTS {name}")
    for name, table, _columns in reversed(BTREE):
        op.drop_index(name, table_name=table)
