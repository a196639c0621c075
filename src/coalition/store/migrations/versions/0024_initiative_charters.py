"""initiative charters: each version adopted by a charter decision passing

Revision ID: 0024
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0001"
branch_labels = None
depends_on = ("0016",)


def _fk(column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_initiative_charters_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "initiative_charters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("visibility", sa.String(length=20), nullable=False),
        sa.Column("adopted_at", sa.DateTime(), nullable=False),
        _fk("network_id", "networks", "CASCADE"),
        _fk("initiative_id", "initiatives", "CASCADE"),
        _fk("decision_id", "decisions", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiative_charters")),
    )
    op.create_index(
        op.f("ix_initiative_charters_initiative_id"),
        "initiative_charters",
        ["initiative_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("initiative_charters")
