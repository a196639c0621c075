"""profile fields: a network's custom profile fields and their values; the record of each
capability merge, so that it can be undone

Revision ID: 0020
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
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
    op.create_table(
        "profile_fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("help", sa.Text(), nullable=False),
        sa.Column("default_visibility", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _fk("profile_fields", "network_id", "networks", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile_fields")),
        sa.UniqueConstraint("network_id", "key", name="profile_field_key"),
    )
    op.create_index(
        op.f("ix_profile_fields_network_id"), "profile_fields", ["network_id"], unique=False
    )
    op.create_table(
        "profile_field_values",
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("search", sa.String(length=2000), nullable=False),
        sa.Column("number", sa.Float(), nullable=True),
        sa.Column("visibility", sa.String(length=20), nullable=False),
        _fk("profile_field_values", "actor_id", "actors", "CASCADE"),
        _fk("profile_field_values", "field_id", "profile_fields", "CASCADE"),
        sa.PrimaryKeyConstraint("actor_id", "field_id", name=op.f("pk_profile_field_values")),
    )
    op.create_index(
        op.f("ix_profile_field_values_field_id"),
        "profile_field_values",
        ["field_id"],
        unique=False,
    )
    op.create_table(
        "capability_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("merged_term", sa.String(length=120), nullable=False),
        sa.Column("into_id", sa.Integer(), nullable=True),
        sa.Column("into_term", sa.String(length=120), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("merged_at", sa.DateTime(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        _fk("capability_merges", "network_id", "networks", "CASCADE"),
        _fk("capability_merges", "into_id", "capabilities", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capability_merges")),
    )
    op.create_index(
        op.f("ix_capability_merges_network_id"), "capability_merges", ["network_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("capability_merges")
    op.drop_table("profile_field_values")
    op.drop_table("profile_fields")
