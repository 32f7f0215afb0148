"""The editors' workbench (issue #17): item versions, authoring state, audit, team scoping.

Adds ``items.teams`` / ``items.seen_by`` and ``deletions.seen_by`` (team-limited items;
NULL = every team), the ``item_versions``, ``item_states`` and ``audit_log`` tables, and
gives every item already imported a first published version (author ``import``).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op
from deskmate.server.workbench.backfill import backfill_versions

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    with op.batch_alter_table("items") as items:
        items.add_column(sa.Column("teams", sa.Text))
        items.add_column(sa.Column("seen_by", sa.Text))
    with op.batch_alter_table("deletions") as deletions:
        deletions.add_column(sa.Column("seen_by", sa.Text))
    op.create_table(
        "item_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("item_id", sa.String(128), nullable=False),
        sa.Column("version_no", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("author", sa.String(128), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("based_on", sa.Integer),
    )
    op.create_index(
        "ux_item_versions_item_no", "item_versions", ["item_id", "version_no"], unique=True
    )
    op.create_table(
        "item_states",
        sa.Column("item_id", sa.String(128), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("title_key", sa.String(500), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("latest_no", sa.Integer, nullable=False),
        sa.Column("published_no", sa.Integer),
        sa.Column("owner", sa.String(500)),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.Column("verify_days", sa.Integer),
        sa.Column("verified_by", sa.String(128)),
        sa.Column("verified_at", sa.String(40)),
        sa.Column("due_at", sa.String(40)),
        sa.Column("source", sa.String(40)),
    )
    op.create_index("ix_item_states_status_id", "item_states", ["status", "item_id"])
    op.create_index("ix_item_states_kind_id", "item_states", ["kind", "item_id"])
    op.create_index("ix_item_states_title_key", "item_states", ["title_key"])
    op.create_index("ix_item_states_owner_due", "item_states", ["owner", "due_at"])
    op.create_index("ix_item_states_due", "item_states", ["due_at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("item_id", sa.String(128)),
        sa.Column("version_no", sa.Integer),
        sa.Column("address", sa.String(64)),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_audit_log_item", "audit_log", ["item_id", "id"])
    backfill_versions(op.get_bind())


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("item_states")
    op.drop_table("item_versions")
    with op.batch_alter_table("deletions") as deletions:
        deletions.drop_column("seen_by")
    with op.batch_alter_table("items") as items:
        items.drop_column("seen_by")
        items.drop_column("teams")
