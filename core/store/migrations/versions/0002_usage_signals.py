"""Usage signals: how often items were consulted and voted helpful, for ranking.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "usage_signals",
        sa.Column("item_id", sa.String(128), primary_key=True),
        sa.Column("consulted", sa.Integer, nullable=False, server_default="0"),
        sa.Column("helpful", sa.Integer, nullable=False, server_default="0"),
        sa.Column("unhelpful", sa.Integer, nullable=False, server_default="0"),
        sa.Column("boost", sa.Float, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("usage_signals")
