"""Bytes per item that vectors add to the client's store, before and after migration 0005.

Run from the repository root::

    python -m benchmarks.vector_bytes [--sizes 10000,100000] [--eval-dir DIR]

For each size, ``build_corpus(size)`` items are written to a fresh store made at revision
0004 (vectors with the model id and the hex SHA-1 per row, a rowid table with a key
index); then each item gets a vector as a sync or the encoding job would store it (384
int8 values; unit-random, the size does not depend on the values). The file is VACUUMed
and measured with ``dbstat`` (the vector tables' pages) and as a whole (file size with
vectors minus without). Then the store is opened by the current code, which migrates it
(0005: converts the rows, encodes nothing), VACUUMed and measured again. Target
(issue #16): vectors add <= 500 bytes per item on disk.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
import time
from contextlib import closing
from pathlib import Path

import numpy as np

from benchmarks.corpus import build_corpus, resolve_eval_dir
from benchmarks.system import machine_line, print_table

_VECTOR_TABLES = (
    "('item_vectors', 'ix_item_vectors_seq', 'sqlite_autoindex_item_vectors_1', 'vector_models')"
)


def _measure(path: Path) -> tuple[int, int]:
    """(file bytes, bytes of the vector tables' pages), after a VACUUM."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("VACUUM")
        pages = conn.execute(
            f"SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN {_VECTOR_TABLES}"
        ).fetchone()[0]
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.stat().st_size, int(pages)


def measure(size: int, eval_dir: Path | None, tmp: Path) -> list[object]:
    """One row of the table: bytes per item with the 0004 layout and after 0005."""
    from alembic import command
    from deskmate.core import Item
    from deskmate.core.search.encoder import BUNDLED_MODEL_ID
    from deskmate.core.semantic.vector_job import item_text, text_digest
    from deskmate.core.store import database
    from deskmate.core.store.item_store import ItemStore
    from sqlalchemy import create_engine

    items = [Item.from_dict(r) for r in build_corpus(size, eval_dir)]
    path = tmp / f"store-{size}.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        config = database._alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0004")
        conn.exec_driver_sql(
            "INSERT INTO items (id, kind, language, version, updated_at, record, seq) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    i.id,
                    i.kind,
                    i.language,
                    i.version,
                    i.to_dict()["updated_at"],
                    json.dumps(i.to_dict(), ensure_ascii=False),
                    n + 1,
                )
                for n, i in enumerate(items)
            ],
        )
    without, _ = _measure(path)
    rng = np.random.default_rng(7)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO item_vectors (item_id, model_id, text_digest, scale, vector, seq) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    i.id,
                    BUNDLED_MODEL_ID,
                    text_digest(item_text(i)),
                    0.01,
                    rng.integers(-127, 128, 384, dtype=np.int8).tobytes(),
                    1 + n // 500,
                )
                for n, i in enumerate(items)
            ],
        )
    engine.dispose()
    before_file, before_pages = _measure(path)
    started = time.perf_counter()
    ItemStore(path).close()  # the current code migrates the store (0005)
    migrate_s = time.perf_counter() - started
    after_file, after_pages = _measure(path)
    return [
        size,
        (before_file - without) / size,
        before_pages / size,
        (after_file - without) / size,
        after_pages / size,
        migrate_s,
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--eval-dir", default=None, help="ATEC data (faqs.jsonl, queries.jsonl)")
    args = parser.parse_args(argv)
    print(machine_line())
    eval_dir = resolve_eval_dir(args.eval_dir)
    rows = []
    with tempfile.TemporaryDirectory(prefix="deskmate-vbytes-") as tmp_name:
        for size in [int(s) for s in args.sizes.split(",")]:
            rows.append(measure(size, eval_dir, Path(tmp_name)))
    print_table(
        [
            "items",
            "0004 file B/item",
            "0004 tables B/item",
            "0005 file B/item",
            "0005 tables B/item",
            "migration s",
        ],
        rows,
        title="bytes vectors add per item (after VACUUM; target <= 500)",
        digits=1,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
