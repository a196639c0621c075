"""invitation messages: the short conversation between an invitee and the convenor, and how
far each side has read it

Revision ID: 0022
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0001"
branch_labels = None
depends_on = ("0003",)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "invitation_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("side", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("invitation_messages", "invitation_id", "invitations", "CASCADE"),
        _fk("invitation_messages", "author_id", "actors", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation_messages")),
    )
    op.create_index(
        op.f("ix_invitation_messages_invitation_id"),
        "invitation_messages",
        ["invitation_id"],
        unique=False,
    )
    op.create_table(
        "invitation_message_reads",
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("last_message_id", sa.Integer(), nullable=False),
        _fk("invitation_message_reads", "invitation_id", "invitations", "CASCADE"),
        _fk("invitation_message_reads", "actor_id", "actors", "CASCADE"),
        sa.PrimaryKeyConstraint(
            "invitation_id", "actor_id", name=op.f("pk_invitation_message_reads")
        ),
    )


def downgrade() -> None:
    op.drop_table("invitation_message_reads")
    op.drop_table("invitation_messages")
