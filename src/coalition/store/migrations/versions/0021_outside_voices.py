"""outside voices: signed conversation links (cap, expiry, revocation) and the participants
who came in through them

Revision ID: 0021
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0001"
branch_labels = None
depends_on = ("0002", "0005")


def upgrade() -> None:
    op.create_table(
        "conversation_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("max_participants", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_links_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["accounts.id"],
            name=op.f("fk_conversation_links_created_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_links")),
        sa.UniqueConstraint("key", name=op.f("uq_conversation_links_key")),
    )
    op.create_index(
        op.f("ix_conversation_links_conversation_id"),
        "conversation_links",
        ["conversation_id"],
        unique=False,
    )
    op.create_table(
        "link_participants",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("ip_hash", sa.String(length=64), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["conversation_participants.id"],
            name=op.f("fk_link_participants_participant_id_conversation_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["conversation_links.id"],
            name=op.f("fk_link_participants_link_id_conversation_links"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("participant_id", name=op.f("pk_link_participants")),
    )
    op.create_index(
        op.f("ix_link_participants_link_id"),
        "link_participants",
        ["link_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_link_participants_ip_hash"),
        "link_participants",
        ["ip_hash"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_link_participants_ip_hash"),
        table_name="link_participants",
    )
    op.drop_index(
        op.f("ix_link_participants_link_id"),
        table_name="link_participants",
    )
    op.drop_table("link_participants")
    op.drop_index(op.f("ix_conversation_links_conversation_id"), table_name="conversation_links")
    op.drop_table("conversation_links")
