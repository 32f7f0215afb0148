"""History of the learning profiles: weekly levels, and every rating and self-assessment.

``level_history`` holds one computed level per agent, skill and ISO week;
``assessment_history`` every manager rating and self-assessment (their own tables keep
only the latest). The ratings and self-assessments stored so far are copied in as the
first entries of their history.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "level_history",
        sa.Column("agent", sa.String(128), primary_key=True),
        sa.Column("week", sa.String(8), primary_key=True),
        sa.Column("skill", sa.String(128), primary_key=True),
        sa.Column("level", sa.Float, nullable=False),
        sa.Column("computed_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "assessment_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("agent", sa.String(128), nullable=False),
        sa.Column("skill", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("value", sa.Integer, nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("given_by", sa.String(128)),
        sa.Column("recorded_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_assessment_history_agent", "assessment_history", ["agent", "skill"])
    op.execute(
        "INSERT INTO assessment_history"
        " (agent, skill, kind, value, comment, given_by, recorded_at) "
        "SELECT agent, skill, 'rating', rating, comment, rated_by, rated_at FROM manager_ratings"
    )
    op.execute(
        "INSERT INTO assessment_history"
        " (agent, skill, kind, value, comment, given_by, recorded_at) "
        "SELECT agent, skill, 'self', level, '', NULL, updated_at FROM self_assessments"
    )


def downgrade() -> None:
    op.drop_index("ix_assessment_history_agent", "assessment_history")
    op.drop_table("assessment_history")
    op.drop_table("level_history")
