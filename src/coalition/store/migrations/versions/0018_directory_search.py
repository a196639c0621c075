"""directory search: btree indexes on the filters' columns (both databases); on PostgreSQL,
trigram indexes on names, headlines and purposes (pg_trgm) and a full-text index on purposes
and bio

Revision ID: 0018
Revises: 0001

The PostgreSQL trigram indexes are expression indexes, the same expressions that
``services.directory_search`` writes, so the planner uses them; full text is a stored
generated tsvector column (``search_document``) with a GIN index. None of them is declared on
the models (SQLite has no such thing); ``store.search_indexes`` names them, and the model check
leaves them aside. When the server refuses ``CREATE EXTENSION pg_trgm`` (a role without the
right), the trigram indexes are left out, search falls back to plain LIKE without similarity
ranking, and the migration says so in a warning instead of failing.
"""

from __future__ import annotations

import warnings

from alembic import op

from coalition.store.search_indexes import create_statements, drop_statements

revision = "0018"
down_revision = "0001"
branch_labels = None
depends_on = None


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
    dialect = op.get_bind().dialect.name
    trigram = dialect == "postgresql" and _trigram_available()
    for sql in create_statements(dialect, trigram=trigram):
        op.execute(sql)


def downgrade() -> None:
    for sql in drop_statements(op.get_bind().dialect.name):
        op.execute(sql)
