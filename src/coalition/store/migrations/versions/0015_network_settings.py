"""networks: settings stewards keep (purpose, visibility, join policy, welcome, default
privacy), the logo, and the onboarding steps members mark done

Revision ID: 0015
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing networks keep how they worked: listed for all, joined by a steward's approval.
    with op.batch_alter_table("networks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purpose", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("visibility", sa.String(length=20), nullable=False, server_default="public")
        )
        batch_op.add_column(
            sa.Column(
                "join_policy", sa.String(length=20), nullable=False, server_default="approval"
            )
        )
        batch_op.add_column(sa.Column("welcome_text", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("default_privacy", sa.JSON(), nullable=False, server_default="{}")
        )
    op.create_table(
        "network_logos",
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["networks.id"],
            name=op.f("fk_network_logos_network_id_networks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("network_id", name=op.f("pk_network_logos")),
    )
    op.create_table(
        "onboarding_marks",
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=30), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_onboarding_marks_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("actor_id", "step", name=op.f("pk_onboarding_marks")),
    )


def downgrade() -> None:
    op.drop_table("onboarding_marks")
    op.drop_table("network_logos")
    with op.batch_alter_table("networks", schema=None) as batch_op:
        for column in ("default_privacy", "welcome_text", "join_policy", "visibility", "purpose"):
            batch_op.drop_column(column)
