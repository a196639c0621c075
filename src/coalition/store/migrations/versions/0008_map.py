"""map: cached analyses and layouts of the interdependence map

Revision ID: 0008
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "map_cache",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["networks.id"],
            name=op.f("fk_map_cache_network_id_networks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_map_cache")),
        sa.UniqueConstraint("network_id", "data_version", "key", name="map_cache_version_key"),
    )
    with op.batch_alter_table("map_cache", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_map_cache_network_id"), ["network_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("map_cache", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_map_cache_network_id"))
    op.drop_table("map_cache")
