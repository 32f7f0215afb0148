"""Alembic environment: runs on the connection handed over by deskmate.server.database."""

from alembic import context
from deskmate.server.tables import Base

connection = context.config.attributes["connection"]
render_as_batch = connection.dialect.name == "sqlite"
context.configure(
    connection=connection, target_metadata=Base.metadata, render_as_batch=render_as_batch
)
with context.begin_transaction():
    context.run_migrations()
