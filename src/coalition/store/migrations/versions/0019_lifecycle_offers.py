"""lifecycle and offers: initiative history, open calls and retired roles, re-confirmations, offers

Revision ID: 0019
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0001"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    with op.batch_alter_table("roles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("open_call", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("retired_at", sa.DateTime(), nullable=True))
    op.create_table(
        "initiative_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("by_actor_id", sa.Integer(), nullable=True),
        sa.Column("by_role", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        _fk("initiative_changes", "network_id", "networks", "CASCADE"),
        _fk("initiative_changes", "initiative_id", "initiatives", "CASCADE"),
        _fk("initiative_changes", "role_id", "roles", "SET NULL"),
        _fk("initiative_changes", "by_actor_id", "actors", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiative_changes")),
    )
    op.create_index(
        op.f("ix_initiative_changes_initiative_id"),
        "initiative_changes",
        ["initiative_id"],
        unique=False,
    )
    op.create_table(
        "reconfirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=True),
        sa.Column("old_hours", sa.Float(), nullable=False),
        sa.Column("new_hours", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "old_hours > 0 AND new_hours > 0", name=op.f("ck_reconfirmations_hours_positive")
        ),
        _fk("reconfirmations", "network_id", "networks", "CASCADE"),
        _fk("reconfirmations", "engagement_id", "engagements", "CASCADE"),
        _fk("reconfirmations", "role_id", "roles", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconfirmations")),
    )
    op.create_index(
        "ix_reconfirmations_engagement_status",
        "reconfirmations",
        ["engagement_id", "status"],
        unique=False,
    )
    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("hours_per_week", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("engagement_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("hours_per_week > 0", name=op.f("ck_offers_hours_positive")),
        _fk("offers", "network_id", "networks", "CASCADE"),
        _fk("offers", "initiative_id", "initiatives", "CASCADE"),
        _fk("offers", "role_id", "roles", "SET NULL"),
        _fk("offers", "actor_id", "actors", "CASCADE"),
        _fk("offers", "engagement_id", "engagements", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
    )
    op.create_index(op.f("ix_offers_initiative_id"), "offers", ["initiative_id"], unique=False)
    op.create_index("ix_offers_role_status", "offers", ["role_id", "status"], unique=False)
    op.create_index("ix_offers_actor_status", "offers", ["actor_id", "status"], unique=False)


def downgrade() -> None:
    for table in ("offers", "reconfirmations", "initiative_changes"):
        op.drop_table(table)
    with op.batch_alter_table("roles", schema=None) as batch_op:
        batch_op.drop_column("retired_at")
        batch_op.drop_column("open_call")
