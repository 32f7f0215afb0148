"""Repair false no-results (issue #13): searches with results left unopened.

Sidebars before the fix recorded ``no_result`` for any search after which nothing was
opened; those become ``nothing_opened`` (the original kind kept in the payload's
``detail.recorded_as``) and the gap queue's signals and topics built from them are
re-labelled (:func:`deskmate.server.no_result_repair.repair_no_results`). No schema change.

Revision ID: 0006
Revises: 0005
"""

from alembic import op
from deskmate.server.no_result_repair import repair_no_results

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    repair_no_results(op.get_bind())


def downgrade() -> None:
    # The repaired events stay repaired: the 0003 schema holds them as they are, and
    # turning true nothing-opened events back into no-results would restore the bug.
    pass
