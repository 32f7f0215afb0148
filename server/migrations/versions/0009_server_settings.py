"""Server settings kept in the database (issue #17): one row per setting.

Every server process sharing the database reads them, so switching a setting with
``deskmate-server setting set`` applies to all of them at the next request. The first
settings are the workbench's: ``owners-publish`` (owners who are not editors may edit
and publish their own items) and the verification intervals per kind and per tag.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    op.create_table(
        "server_settings",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("server_settings")
