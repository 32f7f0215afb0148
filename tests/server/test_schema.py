"""The migrations create exactly the tables the code queries."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from deskmate.server.database import Database
from deskmate.server.tables import Base, ServerMetaRow
from sqlalchemy import select


def test_migrations_match_the_tables(db_url: str) -> None:
    db = Database.open(db_url)
    try:
        with db.read() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            meta = conn.execute(select(ServerMetaRow)).all()
    finally:
        db.close()
    assert diff == []
    assert len(meta) == 1
    assert meta[0].head_seq == 0
    assert len(meta[0].epoch) == 32


def test_opening_twice_migrates_once_and_keeps_the_epoch(db_url: str) -> None:
    epochs = []
    for _ in range(2):
        db = Database.open(db_url)
        try:
            with db.read() as conn:
                epochs.append(conn.execute(select(ServerMetaRow.epoch)).scalar_one())
        finally:
            db.close()
    assert epochs[0] == epochs[1]
