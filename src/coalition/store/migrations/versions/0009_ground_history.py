"""deliberation: the history Polis's next update of a conversation warm-starts from

Revision ID: 0009
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0001"
depends_on = "0005"
branch_labels = None


def upgrade() -> None:
    op.create_table(
        "ground_history",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("n_participants", sa.Integer(), nullable=False),
        sa.Column("n_statements", sa.Integer(), nullable=False),
        sa.Column("participants_digest", sa.String(length=64), nullable=False),
        sa.Column("statements_digest", sa.String(length=64), nullable=False),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_ground_history_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_ground_history")),
    )


def downgrade() -> None:
    op.drop_table("ground_history")
