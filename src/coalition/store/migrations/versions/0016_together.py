"""together: threads, posts and their edits, read marks, decisions, votes and the decision log

Revision ID: 0016
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
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
        "threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("visibility", sa.String(length=20), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_post_at", sa.DateTime(), nullable=False),
        _fk("threads", "network_id", "networks", "CASCADE"),
        _fk("threads", "initiative_id", "initiatives", "CASCADE"),
        _fk("threads", "author_id", "actors", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threads")),
    )
    op.create_index(
        "ix_threads_network_initiative", "threads", ["network_id", "initiative_id"], unique=False
    )
    op.create_table(
        "posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("asset_ids", sa.JSON(), nullable=False),
        sa.Column("mentions", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("edited_at", sa.DateTime(), nullable=True),
        _fk("posts", "thread_id", "threads", "CASCADE"),
        _fk("posts", "author_id", "actors", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posts")),
    )
    op.create_index(op.f("ix_posts_thread_id"), "posts", ["thread_id"], unique=False)
    op.create_table(
        "post_edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("edited_at", sa.DateTime(), nullable=False),
        _fk("post_edits", "post_id", "posts", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_edits")),
    )
    op.create_index(op.f("ix_post_edits_post_id"), "post_edits", ["post_id"], unique=False)
    op.create_table(
        "thread_reads",
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("last_post_id", sa.Integer(), nullable=False),
        _fk("thread_reads", "thread_id", "threads", "CASCADE"),
        _fk("thread_reads", "actor_id", "actors", "CASCADE"),
        sa.PrimaryKeyConstraint("thread_id", "actor_id", name=op.f("pk_thread_reads")),
    )
    _decisions()


def _decisions() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("visibility", sa.String(length=20), nullable=False),
        sa.Column("secret_votes", sa.Integer(), nullable=False),
        sa.Column("proposer_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("closes_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("amends_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("decisions", "network_id", "networks", "CASCADE"),
        _fk("decisions", "initiative_id", "initiatives", "CASCADE"),
        _fk("decisions", "proposer_id", "actors", "SET NULL"),
        _fk("decisions", "amends_id", "decisions", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    op.create_index(
        "ix_decisions_network_initiative",
        "decisions",
        ["network_id", "initiative_id"],
        unique=False,
    )
    op.create_table(
        "decision_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.String(length=20), nullable=True),
        sa.Column("choice", sa.Integer(), nullable=True),
        sa.Column("ranking", sa.JSON(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("voted_at", sa.DateTime(), nullable=False),
        _fk("decision_votes", "decision_id", "decisions", "CASCADE"),
        _fk("decision_votes", "actor_id", "actors", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_votes")),
        sa.UniqueConstraint("decision_id", "actor_id", name="one_vote"),
    )
    op.create_index(
        op.f("ix_decision_votes_decision_id"), "decision_votes", ["decision_id"], unique=False
    )
    op.create_table(
        "decision_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        _fk("decision_events", "decision_id", "decisions", "CASCADE"),
        _fk("decision_events", "actor_id", "actors", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_events")),
    )
    op.create_index(
        op.f("ix_decision_events_decision_id"), "decision_events", ["decision_id"], unique=False
    )


def downgrade() -> None:
    for table in (
        "decision_events",
        "decision_votes",
        "decisions",
        "thread_reads",
        "post_edits",
        "posts",
        "threads",
    ):
        op.drop_table(table)
