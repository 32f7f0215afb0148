"""Encoding every published item that lacks a current vector, in committed batches.

Imports and publishing encode what they write (:mod:`.item_vectors`); this catches up
with the rest: items imported while no encoder could load here, items whose encoding
failed or timed out, and, after a model upgrade (a new model id), every item. It runs as
``deskmate-server encode`` and, by default, in the background of ``deskmate-server serve``
(:mod:`.vector_backfill`).

Each batch is encoded outside any transaction, then written in a short one holding the
feed's sequence lock (:func:`~deskmate.server.workbench.publishing.lock_head`) with a new
change number per item, so clients download the items again with their vectors. Under
that lock the batch is checked against the database again: an item deleted or given
another text meanwhile (an import, a publish) is left to its writer, and one that a
writer already gave this vector is not renumbered. So a run beside imports loses no
vector and writes no duplicate, on SQLite and on PostgreSQL alike.

A kill leaves the finished batches stored; the next run plans again from the database
and does only the rest. An item has one vector row (the table's key is the item id): the
current model's vector replaces another model's, which clients refuse anyway
(core/semantic/vector_feed.py), so nothing is left to delete afterwards.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from deskmate.core.batching import batches
from deskmate.core.content.model import Item
from deskmate.core.search.encoder import TextEncoder
from deskmate.core.search.encoder_guard import EncoderBusyError
from deskmate.core.semantic.vector_job import EncodeTask, encode_batch, item_text, text_digest
from deskmate.core.store.vector_store import StoredVector
from deskmate.server.database import Database
from deskmate.server.item_vectors import renumber, store_vectors, stored_digests
from deskmate.server.tables import ItemRow
from deskmate.server.workbench.publishing import lock_head, set_head
from sqlalchemy import select

log = logging.getLogger(__name__)

#: Items per encoder call and per committed transaction: small, so a publish waiting for
#: the shared encoder or the feed lock waits about a second at most.
BATCH = 16
_PAGE = 1000  # items read per query while planning


@dataclass(frozen=True)
class EncodeProgress:
    """Where a run is: items handled (encoded or failed) of the total, and since when."""

    done: int
    total: int
    encoded: int
    failed: int
    seconds: float

    @property
    def per_second(self) -> float:
        """Items handled per second so far."""
        return self.done / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class ReencodeReport:
    """What a run did.

    Attributes:
        total: Items that needed a vector when the run planned.
        encoded: Vectors stored.
        failed: Items the encoder failed on (tried again by the next run).
        skipped: Items an import or publish changed, deleted or encoded meanwhile (left to
            it), or another run encoded.
        stopped: The run was asked to stop (or the encoder got stuck) before the end.
        seconds: How long it took.
    """

    total: int
    encoded: int
    failed: int
    skipped: int
    stopped: bool
    seconds: float


def _digests(items: Sequence[tuple[str, str]]) -> dict[str, EncodeTask]:
    tasks = {}
    for item_id, record in items:
        text = item_text(Item.from_trusted_dict(json.loads(record)))
        tasks[item_id] = EncodeTask(item_id, text, text_digest(text))
    return tasks


def plan(db: Database, model_id: str) -> list[EncodeTask]:
    """The published items without a vector of ``model_id`` for their current text."""
    todo: list[EncodeTask] = []
    after = ""
    while True:
        with db.read() as conn:
            page = conn.execute(
                select(ItemRow.id, ItemRow.record)
                .where(ItemRow.id > after)
                .order_by(ItemRow.id)
                .limit(_PAGE)
            ).all()
            if not page:
                return todo
            tasks = _digests([(row.id, row.record) for row in page])
            stored = stored_digests(conn, list(tasks))
        todo += [t for t in tasks.values() if stored.get(t.item_id) != (model_id, t.digest)]
        after = page[-1].id


def store_batch(db: Database, model_id: str, rows: Sequence[StoredVector]) -> int:
    """Write a batch's vectors with new change numbers; how many were still wanted.

    Under the feed lock the items are read again: a vector whose item was deleted or
    given another text meanwhile is dropped, and one already stored (a concurrent import
    or publish encoded it too) is neither written again nor renumbered.
    """
    if not rows:
        return 0
    with db.write() as conn:
        head = lock_head(conn)
        ids = [row.item_id for row in rows]
        records = conn.execute(select(ItemRow.id, ItemRow.record).where(ItemRow.id.in_(ids)))
        current = _digests([(row.id, row.record) for row in records])
        stored = stored_digests(conn, ids)
        wanted = [
            row
            for row in rows
            if row.item_id in current
            and current[row.item_id].digest == row.text_digest
            and stored.get(row.item_id) != (model_id, row.text_digest)
        ]
        if wanted:
            store_vectors(conn, model_id, wanted)
            set_head(conn, renumber(conn, [row.item_id for row in wanted], head))
    return len(wanted)


def reencode(
    db: Database,
    encoder: TextEncoder,
    *,
    stop: threading.Event | None = None,
    progress: Callable[[EncodeProgress], None] | None = None,
    batch: int = BATCH,
    between: Callable[[], object] | None = None,
) -> ReencodeReport:
    """Encode every published item lacking a current vector, one committed batch at a time.

    Args:
        db: The server database.
        encoder: The (guarded) encoder; its model id is the current one.
        stop: Set to stop between two batches (the finished ones stay stored).
        progress: Called after each batch.
        batch: Items per encoder call and transaction.
        between: Called after each batch (the background run yields the CPU there).

    Returns:
        What was done; ``stopped`` when ``stop`` was set or the encoder got stuck.
    """
    started = time.monotonic()
    tasks = plan(db, encoder.model_id)
    encoded = failed = skipped = done = 0
    stopped = False
    for chunk in batches(tasks, batch):
        if stop is not None and stop.is_set():
            stopped = True
            break
        try:
            rows = encode_batch(encoder, chunk)
        except EncoderBusyError as exc:
            # Stuck on an earlier text: stop; the next run resumes (that text alone).
            log.warning("encoding stopped: %s", exc.message)
            stopped = True
            break
        written = store_batch(db, encoder.model_id, rows)
        encoded += written
        skipped += len(rows) - written
        failed += len(chunk) - len(rows)
        done += len(chunk)
        if progress is not None:
            seconds = time.monotonic() - started
            progress(EncodeProgress(done, len(tasks), encoded, failed, seconds))
        if between is not None:
            between()
    return ReencodeReport(len(tasks), encoded, failed, skipped, stopped, time.monotonic() - started)
