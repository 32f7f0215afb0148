"""Item vectors: each item's sentence-encoder vector (int8 + scale) for semantic search.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "item_vectors",
        sa.Column("item_id", sa.String(128), primary_key=True),
        sa.Column("model_id", sa.String(96), nullable=False),
        sa.Column("text_digest", sa.String(40), nullable=False),
        sa.Column("scale", sa.Float, nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
    )
    op.create_index("ix_item_vectors_seq", "item_vectors", ["seq"])


def downgrade() -> None:
    op.drop_table("item_vectors")
