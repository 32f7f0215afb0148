"""Consultation events: what agents searched, opened, copied, rated and flagged.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "consultation_events",
        sa.Column("event_id", sa.String(32), primary_key=True),
        sa.Column("agent_id", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("occurred_at", sa.String(40), nullable=False),
        sa.Column("query", sa.Text, nullable=False, server_default=""),
        sa.Column("item_id", sa.String(128), nullable=True),
        sa.Column("result_count", sa.Integer, nullable=True),
        sa.Column("dwell_ms", sa.Integer, nullable=True),
        sa.Column("detail", sa.Text, nullable=False, server_default="{}"),
        sa.Column("uploaded_at", sa.String(40), nullable=True),
    )
    op.create_index("ix_consultation_events_uploaded_at", "consultation_events", ["uploaded_at"])
    op.create_index(
        "ix_consultation_events_agent_occurred",
        "consultation_events",
        ["agent_id", "occurred_at"],
    )


def downgrade() -> None:
    op.drop_table("consultation_events")
