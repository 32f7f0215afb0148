"""kill -9 of a `deskmate sync` in the middle of a full sync: store, index and cursor agree.

The server holds 10,000 generated items (ten pages). A real ``deskmate sync`` process is
killed with SIGKILL at several points; after each kill the data directory is opened
again and checked, then the next process continues. The last one must finish the sync.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from deskmate.core import Item, KnowledgeBase
from deskmate.core.sync.pull import CURSOR_KEY, SWEEP_KEY, local_item_ids
from deskmate.server.changes import decode_cursor, read_head
from deskmate.server.content_import import import_packs
from deskmate.server.tables import ItemRow
from sqlalchemy import select

from tests.sync.conftest import AGENT, LiveServer, faq

ITEMS = 10_000
DESKMATE = Path(sys.executable).parent / "deskmate"
SWEEP_SQL = "SELECT value FROM meta WHERE key = 'sync.sweep_pending'"
assert SWEEP_KEY == "sync.sweep_pending"


@pytest.fixture
def big_server(tmp_path: Path) -> LiveServer:
    server = LiveServer(f"sqlite:///{tmp_path / 'big.db'}")
    pack = tmp_path / "big.jsonl"
    with pack.open("w", encoding="utf-8") as out:
        for n in range(ITEMS):
            record = faq(f"gen-{n:05d}", f"第 {n} 号生成条目 article {n}", "内容。" * 20)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    # Without vectors: encoding 10,000 items would take minutes; this test is about the
    # store, the index and the cursor (tests/sync/test_sync_vectors.py covers vectors).
    report = import_packs(server.db, [pack], encoder=lambda: None)
    assert not report.problems
    server.start()
    return server


def _sync_process(
    server: LiveServer, token: str, data: Path, tmp_path: Path
) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "DESKMATE_TOKEN": token,
        "DESKMATE_CONFIG_DIR": str(tmp_path / "config"),
        "DESKMATE_LOG_DIR": str(tmp_path / "logs"),
    }
    return subprocess.Popen(
        [str(DESKMATE), "sync", "--server", server.url, "--data-dir", str(data)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _read(data: Path, sql: str) -> object:
    if not (data / "deskmate.db").exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{data / 'deskmate.db'}?mode=ro", uri=True, timeout=1)
        try:
            row = conn.execute(sql).fetchone()
        finally:
            conn.close()
    except sqlite3.OperationalError:  # not created or migrated yet
        return None
    return row[0] if row else None


def _kill_when(proc: subprocess.Popen[str], ready: object, timeout: float = 120) -> bool:
    """SIGKILL ``proc`` as soon as ``ready()`` is true; False if it ended first."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None:
        if ready():  # type: ignore[operator]
            os.kill(proc.pid, signal.SIGKILL)
            proc.communicate()
            return True
        assert time.monotonic() < deadline, "the sync took too long"
        time.sleep(0.005)
    proc.communicate()
    return False


def _check_consistent(
    server: LiveServer, data: Path, stale: frozenset[str] | set[str] = frozenset()
) -> int:
    """Open the data directory as the next start would, and check it; the item count."""
    with KnowledgeBase.open(data) as kb:
        stored = local_item_ids(data)
        # The index is derived from the store and has caught up with it on open.
        state = kb._index.state()
        assert state is not None
        assert state.store_seq == kb._store.last_seq()
        assert kb._index.open().doc_count() == len(stored)
        # Every item up to the cursor is stored; nothing the server lacks is.
        server_seqs = dict(_server_seqs(server))
        assert stored - stale <= set(server_seqs)
        cursor = kb.get_meta(CURSOR_KEY)
        if cursor:
            with server.db.read() as conn:
                upto = decode_cursor(cursor, read_head(conn))
            assert {i for i, s in server_seqs.items() if s <= upto} <= stored
        generated = {i for i in stored if i.startswith("gen-")}
        if generated:
            last = max(generated)
            hit = kb.search(f"第 {int(last[4:])} 号生成条目", limit=1)
            assert hit
            assert hit[0].id == last
        return len(stored)


def _server_seqs(server: LiveServer) -> list[tuple[str, int]]:
    with server.db.read() as conn:
        return [(r.id, r.seq) for r in conn.execute(select(ItemRow.id, ItemRow.seq))]


@pytest.mark.slow
def test_kill_9_during_full_sync_then_resume(big_server: LiveServer, tmp_path: Path) -> None:
    token = big_server.add_agent()
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.json").write_text(json.dumps({"agent_id": AGENT}))
    data = tmp_path / "client"
    try:
        kills = 0
        for threshold in (1, 2500, 5000, 7500):
            proc = _sync_process(big_server, token, data, tmp_path)

            def ready(threshold: int = threshold) -> bool:
                count = _read(data, "SELECT count(*) FROM items")
                return isinstance(count, int) and count >= threshold

            kills += _kill_when(proc, ready)
            _check_consistent(big_server, data)
        assert kills >= 3  # most kill points were reached before the sync ended
        proc = _sync_process(big_server, token, data, tmp_path)
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "pulled" in out
        assert _check_consistent(big_server, data) == ITEMS
        assert local_item_ids(data) == big_server.item_ids()

        # A full resync (garbled cursor) with a local item to sweep, killed midway.
        with KnowledgeBase.open(data) as kb:
            kb.upsert([Item.from_dict(faq("zz-stale", "旧服务器的条目"))])
            kb.set_meta(CURSOR_KEY, "not-a-cursor")
        proc = _sync_process(big_server, token, data, tmp_path)
        started: list[float] = []

        def midway() -> bool:
            if _read(data, SWEEP_SQL) != "1":
                return False
            started.append(time.monotonic())
            return time.monotonic() - started[0] > 0.3

        assert _kill_when(proc, midway)
        _check_consistent(big_server, data, stale={"zz-stale"})  # not swept yet: fine
        proc = _sync_process(big_server, token, data, tmp_path)
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "1 deleted" in out
        assert local_item_ids(data) == big_server.item_ids()
        assert _check_consistent(big_server, data) == ITEMS
        assert _read(data, SWEEP_SQL) == ""
    finally:
        big_server.close()
