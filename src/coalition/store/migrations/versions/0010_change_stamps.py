"""change stamps: one counter per kind of data, moved by every transaction that writes it
(store/stamps.py), so that answers kept in any process are keyed by what they were read from

Revision ID: 0010
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from coalition.store.stamps import initial_rows

    table = op.create_table(
        "change_stamps",
        sa.Column("scope", sa.String(length=20), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("epoch", sa.String(length=32), nullable=False),
    )
    op.bulk_insert(table, initial_rows())


def downgrade() -> None:
    op.drop_table("change_stamps")
