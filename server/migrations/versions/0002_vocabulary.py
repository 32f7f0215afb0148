"""The search vocabulary of the imported packs: synonym groups and skill names.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    vocabulary = op.create_table(
        "vocabulary",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("synonyms", sa.Text, nullable=False),
        sa.Column("skills", sa.Text, nullable=False),
    )
    # Version 0, empty: packs imported before this migration published no vocabulary;
    # importing them again does.
    op.bulk_insert(vocabulary, [{"id": 1, "version": 0, "synonyms": "[]", "skills": "{}"}])


def downgrade() -> None:
    op.drop_table("vocabulary")
