"""Gap routing and what agents said: case numbers, owners, where a signal's text came from.

Adds to ``gap_signals`` the case (call or chat) number the agent typed, cleaned of
control characters (``case_ref``), the owner of the signal's item when it was collected
(``owner``) and where the clustered text came from (``text_from``: query, title, note or
none); adds to ``gap_topics`` the reason an editor gave for a decision (``decision_note``).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    with op.batch_alter_table("gap_signals") as signals:
        signals.add_column(sa.Column("case_ref", sa.Text))
        signals.add_column(sa.Column("owner", sa.String(128)))
        signals.add_column(sa.Column("text_from", sa.String(8)))
    with op.batch_alter_table("gap_topics") as topics:
        topics.add_column(sa.Column("decision_note", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("gap_topics") as topics:
        topics.drop_column("decision_note")
    with op.batch_alter_table("gap_signals") as signals:
        signals.drop_column("text_from")
        signals.drop_column("owner")
        signals.drop_column("case_ref")
