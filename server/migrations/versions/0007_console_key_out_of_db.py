"""The console's signing key leaves the database.

It was kept in ``job_marks`` (row ``console.secret``), next to the token hashes a session
cookie names, so a copy of the database alone could forge console sessions. The key now
comes from the server secret outside the database (server/server_secret.py); this
deletes the old row, which also ends every console session signed with it.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    op.execute("DELETE FROM job_marks WHERE name = 'console.secret'")


def downgrade() -> None:
    # Nothing to restore: an older server makes itself a new key on first use.
    pass
