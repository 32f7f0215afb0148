"""Gap text vectors (issue #16): each gap signal text's sentence vector, per model.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"


def upgrade() -> None:
    op.create_table(
        "gap_text_vectors",
        sa.Column("model_id", sa.String(96), primary_key=True),
        sa.Column("text_digest", sa.String(40), primary_key=True),
        sa.Column("scale", sa.Float, nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("gap_text_vectors")
