"""Encoding items into vectors: what lacks one, in small committed batches, resumable.

An item needs a vector when the store has none for it from the current model, or the
stored one was made from another text (the item was edited). Everything else is left
alone, so a job that was cancelled or killed resumes where it stopped: the batches it
finished are in the store and are not encoded again.

Batches are small (:data:`BATCH`): the encoder is shared with the searches, and a query
waits at most one batch for it.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from deskmate.core.batching import batches
from deskmate.core.content.model import Item
from deskmate.core.errors import DeskmateError, OperationCancelledError
from deskmate.core.search.documents import plain_text
from deskmate.core.search.encoder import EncoderUnavailableError, TextEncoder, clip_text
from deskmate.core.search.vectors import quantize
from deskmate.core.store.item_store import ItemStore
from deskmate.core.store.vector_store import StoredVector, VectorStore

log = logging.getLogger(__name__)

BATCH = 8
#: Characters of an item that are encoded. The title and alternative questions carry what
#: a customer would ask; the cost grows faster than the length (the sample pack's 253 items:
#: 128 characters each took 43 s on the loaded two-core machine).
ITEM_CHARS = 96
Progress = Callable[[int, int], None]


def item_text(item: Item) -> str:
    """What is encoded for an item: its title, alternative questions, then its body."""
    parts = [item.title, *item.questions]
    if item.body:
        parts.append(plain_text(item.body[:4000]))
    return clip_text("\n".join(part for part in parts if part))[:ITEM_CHARS]


def text_digest(text: str) -> str:
    """The digest stored with a vector, naming the text it was made from."""
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class EncodeReport:
    """What a run did: items encoded now, already encoded, failed (retried next run)."""

    encoded: int
    kept: int
    failed: int


def encode_missing(
    store: ItemStore,
    vectors: VectorStore,
    encoder: TextEncoder,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> EncodeReport:
    """Encode every item that lacks a current vector; commit after each batch.

    Raises:
        OperationCancelledError: ``cancel`` was set; finished batches stay stored.
        EncoderUnavailableError: the encoder cannot run at all.
    """
    vectors.prune(encoder.model_id)
    have = vectors.digests(encoder.model_id)
    todo: list[tuple[str, str, str]] = []
    kept = 0
    for item in store.iter_items():
        text = item_text(item)
        digest = text_digest(text)
        if have.get(item.id) == digest:
            kept += 1
        else:
            todo.append((item.id, text, digest))
    encoded = failed = 0
    if progress is not None:
        progress(0, len(todo))
    for batch in batches(todo, BATCH):
        if cancel is not None and cancel.is_set():
            raise OperationCancelledError(
                f"encoding stopped after {encoded} of {len(todo)} items; the rest resumes later"
            )
        rows = _encode_batch(encoder, batch)
        failed += len(batch) - len(rows)
        if rows:
            vectors.put(encoder.model_id, rows)
        encoded += len(rows)
        if progress is not None:
            progress(encoded + failed, len(todo))
    log.info("item vectors: %d encoded, %d kept, %d failed", encoded, kept, failed)
    return EncodeReport(encoded, kept, failed)


def _encode_batch(encoder: TextEncoder, batch: list[tuple[str, str, str]]) -> list[StoredVector]:
    try:
        matrix = encoder.encode([text for _id, text, _digest in batch])
    except EncoderUnavailableError:
        if len(batch) == 1:
            log.warning("item %s could not be encoded; it stays lexical", batch[0][0])
            return []
        # One bad text must not cost the batch: encode one by one to find it.
        return [row for one in batch for row in _encode_batch(encoder, [one])]
    rows = []
    for (item_id, _text, digest), vector in zip(batch, matrix, strict=True):
        try:
            data, scale = quantize(vector)
        except ValueError:
            log.warning("item %s got an invalid vector; it stays lexical", item_id)
            continue
        rows.append(StoredVector(item_id, digest, scale, data))
    return rows


class VectorJob:
    """:func:`encode_missing` on a background thread, with progress and cancellation."""

    def __init__(self, run: Callable[[Progress, threading.Event], EncodeReport]) -> None:
        self._run = run
        self.cancel_event = threading.Event()
        self.done = 0
        self.total = 0
        self.report: EncodeReport | None = None
        self.error: DeskmateError | None = None
        self._thread = threading.Thread(target=self._main, name="deskmate-vectors", daemon=True)

    def start(self) -> VectorJob:
        """Start the thread; returns self."""
        self._thread.start()
        return self

    def _progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    def _main(self) -> None:
        try:
            self.report = self._run(self._progress, self.cancel_event)
        except DeskmateError as exc:  # cancelled, encoder gone, store failed: said once
            self.error = exc
            log.warning("item encoding stopped: %s", exc.message)

    def cancel(self) -> None:
        """Ask the job to stop after its current batch."""
        self.cancel_event.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the job; True when it has finished."""
        self._thread.join(timeout)
        return not self._thread.is_alive()
