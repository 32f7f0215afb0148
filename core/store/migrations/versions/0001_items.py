"""Items, tombstones and meta: the first schema of the local store.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "items",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
    )
    op.create_index("ix_items_seq", "items", ["seq"])
    op.create_index("ix_items_kind", "items", ["kind"])
    op.create_table(
        "deletions",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
    )
    op.create_index("ix_deletions_seq", "deletions", ["seq"])
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("meta")
    op.drop_table("deletions")
    op.drop_table("items")
