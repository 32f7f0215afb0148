"""The server re-encodes in the background what lacks a current vector (issue #16:
"a model change re-encodes, server-side first"), without holding up requests or writers."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from deskmate.core.content.model import Item
from deskmate.core.errors import DeskmateError
from deskmate.core.search.encoder import BUNDLED_MODEL_ID, FloatMatrix, TextEncoder
from deskmate.core.semantic.vector_job import encode_batch, item_text, text_digest
from deskmate.server.content_import import import_packs
from deskmate.server.database import Database
from deskmate.server.reencode import plan, store_batch
from deskmate.server.tables import ItemRow, ItemVectorRow
from deskmate.server.vector_backfill import (
    BACKGROUND_ENCODE_ENV,
    VectorBackfill,
    background_encode_enabled,
)
from deskmate.server.workbench.publishing import lock_head, put_in_feed
from sqlalchemy import func, select

from tests.server.conftest import RunningServer
from tests.server.helpers import item_record, write_pack
from tests.server.vector_helpers import TITLES, import_without_vectors


class _Slow:
    """The real encoder, each call ``seconds`` slower (a loaded machine, a long backlog)."""

    def __init__(self, inner: TextEncoder, seconds: float) -> None:
        self.inner, self.seconds = inner, seconds
        self.model_id, self.dimension = inner.model_id, inner.dimension
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        self.calls += 1
        time.sleep(self.seconds)
        return self.inner.encode(texts)


def _url(server: RunningServer) -> str:
    return server.db.url.render_as_string(hide_password=False)


def _count(server: RunningServer) -> int:
    with server.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(ItemVectorRow)).scalar_one())


def test_the_background_encoding_fills_the_feed_while_requests_are_answered(
    server: RunningServer,
    tmp_path: Path,
    encoder: TextEncoder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import_without_vectors(server, tmp_path, TITLES)
    slow = _Slow(encoder, 0.3)
    caplog.set_level("INFO", "deskmate.server.vector_backfill")
    backfill = VectorBackfill(_url(server), encoder=lambda: slow, batch=2)
    backfill.start()
    answered_during = 0
    with server.client(server.user("agent1")) as agent:
        while not backfill.finished.is_set():
            started = time.monotonic()
            assert agent.get("/api/v1/changes", params={"limit": 1000}).is_success
            assert time.monotonic() - started < 1.0  # never waits for a batch
            answered_during += 1
            time.sleep(0.05)
        page = agent.get("/api/v1/changes", params={"limit": 1000}).json()
    backfill.stop()
    assert answered_during >= 3
    assert backfill.report is not None
    assert (backfill.report.encoded, backfill.report.stopped) == (6, False)
    for record in page["items"]:
        digest = text_digest(item_text(Item.from_dict(record)))
        assert page["vectors"][record["id"]]["digest"] == digest
    ends = [r.getMessage() for r in caplog.records if "background encoding done" in r.message]
    assert len(ends) == 1
    assert ends[0].startswith("background encoding done: 6 of 6 items encoded, 0 failed")


def test_shutdown_stops_the_background_encoding_between_batches_and_the_next_start_resumes(
    server: RunningServer, tmp_path: Path, encoder: TextEncoder
) -> None:
    import_without_vectors(server, tmp_path, TITLES)
    slow = _Slow(encoder, 0.4)
    backfill = VectorBackfill(_url(server), encoder=lambda: slow, batch=1)
    backfill.start()
    deadline = time.monotonic() + 30
    while _count(server) == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    started = time.monotonic()
    backfill.stop()
    assert backfill.finished.is_set()
    assert time.monotonic() - started < 2.0  # at most the batch under way
    assert backfill.report is not None
    assert backfill.report.stopped
    left = 6 - _count(server)
    assert left >= 3

    again = VectorBackfill(_url(server), encoder=lambda: encoder)
    again.start()
    assert again.finished.wait(60)
    assert again.report is not None
    assert (again.report.total, again.report.encoded) == (left, left)
    assert _count(server) == 6


def test_a_publish_holding_the_feed_lock_wins_over_a_batch_written_after_it(
    server: RunningServer, tmp_path: Path, encoder: TextEncoder
) -> None:
    import_without_vectors(server, tmp_path, TITLES[:3])
    rows = encode_batch(encoder, plan(server.db, encoder.model_id))
    written: list[int] = []
    with server.db.write() as conn:
        lock_head(conn)
        record = conn.execute(select(ItemRow.record).where(ItemRow.id == "faq-0")).scalar_one()
        item = Item.from_trusted_dict(json.loads(record))
        edited = dataclasses.replace(item, title="话费余额在哪里查询", version=item.version + 1)
        put_in_feed(conn, edited)  # publishing: encodes the new text in its transaction
        # The batch's write waits for the feed lock (FOR UPDATE on PostgreSQL, BEGIN
        # IMMEDIATE on SQLite) and then must see this publish, not its own old snapshot.
        writer = threading.Thread(
            target=lambda: written.append(store_batch(server.db, encoder.model_id, rows))
        )
        writer.start()
        time.sleep(0.5)
        assert writer.is_alive()
    writer.join(30)
    assert written == [2]
    with server.db.read() as conn:
        stored = {
            i: d for i, d in conn.execute(select(ItemVectorRow.item_id, ItemVectorRow.text_digest))
        }
    assert stored["faq-0"] == text_digest(item_text(edited)) != rows[0].text_digest
    assert _count(server) == 3
    assert plan(server.db, encoder.model_id) == []


def test_imports_during_the_background_encoding_lose_no_vector(
    server: RunningServer, tmp_path: Path, encoder: TextEncoder
) -> None:
    import_without_vectors(server, tmp_path, TITLES)
    imported = threading.Event()

    class _ImportsMeanwhile(_Slow):
        def encode(self, texts: Sequence[str]) -> FloatMatrix:
            if not imported.is_set():  # between this batch's planning and its write
                changed = [item_record("faq-0", "话费余额在哪里查询"), item_record("faq-9", "新卡")]
                pack = write_pack(tmp_path / "p2", changed)
                import_packs(server.db, [pack], encoder=lambda: encoder)
                imported.set()
            return super().encode(texts)

    backfill = VectorBackfill(_url(server), encoder=lambda: _ImportsMeanwhile(encoder, 0), batch=2)
    backfill.start()
    assert backfill.finished.wait(60)
    assert backfill.report is not None
    assert (backfill.report.encoded, backfill.report.skipped) == (5, 1)
    assert plan(server.db, encoder.model_id) == []  # every item: its own text's vector
    assert _count(server) == 7


def test_the_background_encoding_is_switched_by_an_environment_variable() -> None:
    assert background_encode_enabled({})
    assert background_encode_enabled({BACKGROUND_ENCODE_ENV: "on"})
    assert not background_encode_enabled({BACKGROUND_ENCODE_ENV: " OFF "})
    assert not background_encode_enabled({BACKGROUND_ENCODE_ENV: "0"})
    with pytest.raises(DeskmateError, match=BACKGROUND_ENCODE_ENV):
        background_encode_enabled({BACKGROUND_ENCODE_ENV: "sometimes"})


def test_serve_starts_the_background_encoding_and_stops_cleanly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    records = [item_record(f"faq-{n}", title) for n, title in enumerate(TITLES[:3])]
    db = Database.open(url)
    try:
        import_packs(db, [write_pack(tmp_path / "pack", records)], encoder=lambda: None)
        command = [sys.executable, "-m", "deskmate.server.cli", "serve", "--port", "0"]
        logs = tmp_path / "logs"
        env = {**os.environ, BACKGROUND_ENCODE_ENV: "on", "DESKMATE_LOG_DIR": str(logs)}
        with subprocess.Popen([*command, "--db", url], env=env) as proc:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and proc.poll() is None:
                with db.read() as conn:
                    stored = conn.execute(select(func.count()).select_from(ItemVectorRow))
                    if stored.scalar_one() == 3:
                        break
                time.sleep(0.1)
            assert plan(db, BUNDLED_MODEL_ID) == []
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)  # uvicorn re-raises the SIGINT after its clean shutdown
    finally:
        db.close()
    text = "\n".join(p.read_text(encoding="utf-8") for p in logs.glob("*.log*"))
    assert text.count("background encoding done: 3 of 3 items encoded, 0 failed") == 1
