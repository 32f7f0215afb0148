"""SQLite failures are classified by SQLite's result code, each with its own error code."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.errors import (
    DiskFullError,
    OperationCancelledError,
    StoreCorruptError,
    StoreLockedError,
    StoreReadOnlyError,
)
from deskmate.core.search.index_store import META_FILE
from deskmate.core.store.database import open_engine, store_errors
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import OperationalError


def _engine(path: Path, *pragmas: str) -> Engine:
    engine = open_engine(path)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS t (x TEXT)"))

    def _apply(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        for pragma in pragmas:
            dbapi_conn.execute(pragma)

    event.listen(engine, "connect", _apply)
    engine.dispose()
    return engine


def test_a_write_lock_held_by_another_connection_is_store_locked(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    engine = _engine(path, "PRAGMA busy_timeout=50")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        with (
            pytest.raises(StoreLockedError, match="locked") as caught,
            store_errors(path),
            engine.begin() as conn,
        ):
            conn.execute(text("INSERT INTO t VALUES ('x')"))
    finally:
        other.execute("ROLLBACK")
        other.close()
        engine.dispose()
    assert caught.value.code == "store.locked"
    assert caught.value.fields["path"] == str(path)


def test_a_read_only_database_is_store_read_only(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    # query_only refuses writes with SQLITE_READONLY, as a read-only file does (even as root).
    engine = _engine(path, "PRAGMA query_only=1")
    with pytest.raises(StoreReadOnlyError) as caught, store_errors(path), engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES ('x')"))
    engine.dispose()
    assert caught.value.code == "store.read_only"


def test_a_full_database_is_disk_full(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    engine = _engine(path, "PRAGMA max_page_count=8")  # SQLITE_FULL, as a full disk gives
    with pytest.raises(DiskFullError) as caught, store_errors(path), engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (:x)"), {"x": "字" * 100_000})
    engine.dispose()
    assert caught.value.code == "store.disk_full"


def test_a_file_that_is_not_a_database_is_store_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    path.write_bytes(b"this is not a database, " * 200)
    with pytest.raises(StoreCorruptError) as caught:
        open_engine(path)
    assert caught.value.code == "store.corrupt"


def test_a_bad_statement_is_a_bug_not_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    engine = _engine(path)
    with pytest.raises(OperationalError), store_errors(path), engine.begin() as conn:
        conn.execute(text("SELECT no_such_column FROM t"))
    engine.dispose()


def test_a_sync_s_cancel_stops_the_index_rebuild_a_new_vocabulary_needs(
    sample_kb: KnowledgeBase,
) -> None:
    live = sample_kb.data_dir / "index" / "current" / META_FILE
    before = live.read_text("utf-8")
    cancel = threading.Event()
    cancel.set()  # the sync was cancelled (quit) while the vocabulary was being applied
    with pytest.raises(OperationCancelledError):
        sample_kb.set_vocabulary(skill_names={"billing": "账单（新）"}, cancel=cancel)
    assert live.read_text("utf-8") == before  # the old index stays live, untouched
    assert sample_kb.search("退款", limit=1)
