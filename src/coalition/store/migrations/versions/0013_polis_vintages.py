"""deliberation: xids and seed flags of imported Polis exports, moderation reasons, strict
moderation per conversation

Revision ID: 0013
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0001"
depends_on = "0009"
branch_labels = None


def upgrade() -> None:
    with op.batch_alter_table("conversation_participants") as batch:
        batch.add_column(sa.Column("xid", sa.String(length=200), nullable=True))
    with op.batch_alter_table("statements") as batch:
        batch.add_column(
            sa.Column("is_seed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("moderation_reason", sa.Text(), nullable=False, server_default="")
        )
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(
            sa.Column("strict_moderation", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("strict_moderation")
    with op.batch_alter_table("statements") as batch:
        batch.drop_column("moderation_reason")
        batch.drop_column("is_seed")
    with op.batch_alter_table("conversation_participants") as batch:
        batch.drop_column("xid")
