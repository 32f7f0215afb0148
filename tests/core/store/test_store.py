from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from deskmate.core import Item, KnowledgeBase, StoreError
from deskmate.core.errors import DiskFullError
from deskmate.core.store import database
from deskmate.core.store.item_store import ItemStore
from sqlalchemy import create_engine, event

from tests.core.content.test_model import faq


def item(n: int, title: str = "宽带断网怎么办") -> Item:
    return Item.from_dict(faq(id=f"faq-{n}", title=f"{title} {n}"))


def test_write_counts_and_unchanged_items_keep_their_seq(tmp_path: Path) -> None:
    store = ItemStore(tmp_path / "s.db")
    first = store.write([item(1), item(2)])
    assert (first.added, first.updated) == (2, 0)
    seq = store.last_seq()
    again = store.write([item(1), item(2)])
    assert again.unchanged == 2
    assert store.last_seq() == seq  # nothing changed, no new change number
    store.write([item(1, "改了")], deletions=["faq-2", "unknown"])
    changes = store.changes_since(seq)
    assert [i.id for i in changes.upserted] == ["faq-1"]
    assert changes.deleted == ["faq-2"]
    store.close()


def test_database_made_by_the_first_schema_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "deskmate.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        config = database._alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        record = Item.from_dict(faq()).to_dict()
        conn.exec_driver_sql(
            "INSERT INTO items (id, kind, language, version, updated_at, record, seq) "
            "VALUES (?, 'faq', 'zh', 1, ?, ?, 1)",
            ("faq-1", record["updated_at"], __import__("json").dumps(record, ensure_ascii=False)),
        )
    engine.dispose()
    with KnowledgeBase.open(tmp_path) as kb:
        assert kb.get("faq-1") is not None
        assert kb.search("花呗还款")[0].id == "faq-1"
    tables = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")}
    assert "usage_signals" in tables
    version = sqlite3.connect(path).execute("SELECT version_num FROM alembic_version").fetchone()
    assert version == (database.head_revision(),)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "deskmate.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="damaged"):
        KnowledgeBase.open(tmp_path)


def test_full_disk_changes_nothing(tmp_path: Path) -> None:
    store = ItemStore(tmp_path / "s.db")
    store.write([item(1)])
    before = store.last_seq()

    # SQLite's own page limit produces the real SQLITE_FULL error a full disk gives.
    @event.listens_for(store._engine, "connect")
    def _limit(conn: sqlite3.Connection, _record: object) -> None:
        conn.execute("PRAGMA max_page_count = 1")

    store._engine.dispose()
    with pytest.raises(DiskFullError, match="full"):
        store.write([Item.from_dict(faq(id=f"big-{n}", body="长" * 50_000)) for n in range(20)])
    assert store.last_seq() == before
    assert store.get("big-0") is None
    assert store.get("faq-1") is not None
    store.close()


def test_schema_revision_constant_is_the_newest_migration() -> None:
    # open_engine trusts SCHEMA_REVISION to skip Alembic on up-to-date stores.
    assert database.head_revision() == database.SCHEMA_REVISION
