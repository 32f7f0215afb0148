"""Item vectors (issue #16): each item's sentence-encoder vector, shipped in the feed.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    op.create_table(
        "item_vectors",
        sa.Column("item_id", sa.String(128), primary_key=True),
        sa.Column("model_id", sa.String(96), nullable=False),
        sa.Column("text_digest", sa.String(40), nullable=False),
        sa.Column("scale", sa.Float, nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("item_vectors")
