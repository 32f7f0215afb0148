"""Learning profiles and the knowledge-gap queue.

Adds the taxonomy (skills, roles), the profile inputs (self-assessments, manager
ratings, scores), assignments, the gap queue (topics, signals, proposals), notices to
agents and the profile cache; copies each event's ``item_id`` out of its payload.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def _agent() -> sa.Column[str]:
    return sa.Column("agent", sa.String(128), nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("learning_role", sa.String(64)))
    with op.batch_alter_table("events") as events:
        events.add_column(sa.Column("item_id", sa.String(128)))
    op.create_index("ix_events_kind_received", "events", ["kind", "received_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE events SET item_id = CAST(payload AS json)->>'item_id'")
    else:
        op.execute("UPDATE events SET item_id = json_extract(payload, '$.item_id')")
    op.create_table(
        "skills",
        sa.Column("code", sa.String(128), primary_key=True),
        sa.Column("names", sa.Text, nullable=False),
        sa.Column("parent", sa.String(128)),
    )
    op.create_table(
        "learning_roles",
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("names", sa.Text, nullable=False),
        sa.Column("targets", sa.Text, nullable=False),
    )
    op.create_table(
        "self_assessments",
        sa.Column("agent", sa.String(128), primary_key=True),
        sa.Column("skill", sa.String(128), primary_key=True),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "manager_ratings",
        sa.Column("agent", sa.String(128), primary_key=True),
        sa.Column("skill", sa.String(128), primary_key=True),
        sa.Column("rating", sa.Integer, nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("rated_by", sa.String(128), nullable=False),
        sa.Column("rated_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "scores",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _agent(),
        sa.Column("skill", sa.String(128), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("taken_on", sa.String(10), nullable=False),
        sa.Column("source", sa.String(256), nullable=False),
        sa.Column("imported_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_scores_agent", "scores", ["agent"])
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _agent(),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("skill", sa.String(128)),
        sa.Column("item_id", sa.String(128)),
        sa.Column("url", sa.String(2000)),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("due_on", sa.String(10), nullable=False),
        sa.Column("window_start", sa.String(5)),
        sa.Column("window_end", sa.String(5)),
        sa.Column("assigned_by", sa.String(128), nullable=False),
        sa.Column("assigned_at", sa.String(40), nullable=False),
        sa.Column("done_at", sa.String(40)),
    )
    op.create_index("ix_assignments_agent", "assignments", ["agent"])
    op.create_table(
        "gap_topics",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("label", sa.String(500), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("merged_into", sa.Integer),
        sa.Column("resolution_item_id", sa.String(128)),
        sa.Column("decided_by", sa.String(128)),
        sa.Column("decided_at", sa.String(40)),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_gap_topics_status", "gap_topics", ["status"])
    op.create_table(
        "gap_signals",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("topic_id", sa.Integer, sa.ForeignKey("gap_topics.id"), nullable=False),
        _agent(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("item_id", sa.String(128)),
        sa.Column("occurred_at", sa.String(40), nullable=False),
        sa.Column("gap_type", sa.String(16)),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_index("ix_gap_signals_topic_id", "gap_signals", ["topic_id"])
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _agent(),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("skills", sa.Text, nullable=False),
        sa.Column("item_id", sa.String(128)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("client_id", sa.String(64)),
    )
    op.create_index("ix_proposals_agent", "proposals", ["agent"])
    op.create_index("ux_proposals_agent_client", "proposals", ["agent", "client_id"], unique=True)
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _agent(),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_notices_agent_id", "notices", ["agent", "id"])
    op.create_table(
        "job_marks",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )
    op.create_table(
        "profile_cache",
        sa.Column("agent", sa.String(128), primary_key=True),
        sa.Column("stamp", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "job_marks",
        "profile_cache",
        "notices",
        "proposals",
        "gap_signals",
        "gap_topics",
        "assignments",
        "scores",
        "manager_ratings",
        "self_assessments",
        "learning_roles",
        "skills",
    ):
        op.drop_table(table)
    op.drop_index("ix_events_kind_received", "events")
    with op.batch_alter_table("events") as events:
        events.drop_column("item_id")
    with op.batch_alter_table("users") as users:
        users.drop_column("learning_role")
