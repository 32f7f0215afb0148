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
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from deskmate.core.batching import batches
from deskmate.core.content.model import Item
from deskmate.core.errors import OperationCancelledError
from deskmate.core.search.documents import plain_text
from deskmate.core.search.encoder import EncoderUnavailableError, TextEncoder, clip_text
from deskmate.core.search.encoder_guard import EncoderBusyError, EncoderTimeoutError
from deskmate.core.semantic.vectors import quantize
from deskmate.core.store.item_store import ItemStore
from deskmate.core.store.vector_store import StoredVector, VectorStore, short_digest

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


@dataclass(frozen=True)
class EncodeTask:
    """One item to encode: its id, the text encoded and that text's digest."""

    item_id: str
    text: str
    digest: str


def plan_encoding(
    store: ItemStore, vectors: VectorStore, model_id: str, dimension: int
) -> tuple[list[EncodeTask], int]:
    """The items lacking a current vector of ``model_id``, and how many already have one.

    Vectors of other models are dropped first (a model change re-encodes everything); a
    damaged stored vector (wrong length) counts as missing.
    """
    vectors.prune(model_id)
    have = vectors.digests(model_id, dimension)
    todo: list[EncodeTask] = []
    kept = 0
    for item in store.iter_items():
        text = item_text(item)
        digest = text_digest(text)
        if have.get(item.id) == short_digest(digest):
            kept += 1
        else:
            todo.append(EncodeTask(item.id, text, digest))
    return todo, kept


def encode_tasks(
    vectors: VectorStore,
    encoder: TextEncoder,
    tasks: list[EncodeTask],
    cancel: threading.Event | None = None,
    progress: Callable[[int], None] | None = None,
    suspects: Collection[str] = (),
) -> tuple[int, int]:
    """Encode ``tasks`` in batches of :data:`BATCH`, committing each; (encoded, failed).

    An item whose text makes the encoder fail or time out is skipped (not stored), so the
    next run tries it again. Texts in ``suspects`` (an earlier call with them timed out)
    are encoded one at a time, so a text that hangs costs only its own item.

    Raises:
        OperationCancelledError: ``cancel`` was set; finished batches stay stored.
        EncoderBusyError: the encoder is still stuck on an earlier text; try later.
    """
    encoded = failed = 0
    # Suspects last: when one hangs again, everything else has been encoded already.
    alone = [[t] for t in tasks if t.text in suspects]
    for batch in [*batches([t for t in tasks if t.text not in suspects], BATCH), *alone]:
        if cancel is not None and cancel.is_set():
            raise OperationCancelledError(
                f"encoding stopped after {encoded} of {len(tasks)} items; the rest resumes later"
            )
        rows = encode_batch(encoder, batch)
        failed += len(batch) - len(rows)
        if rows:
            vectors.put(encoder.model_id, rows)
        encoded += len(rows)
        if progress is not None:
            progress(encoded + failed)
    return encoded, failed


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
    todo, kept = plan_encoding(store, vectors, encoder.model_id, encoder.dimension)
    if progress is not None:
        progress(0, len(todo))
        encoded, failed = encode_tasks(
            vectors, encoder, todo, cancel, lambda done: progress(done, len(todo))
        )
    else:
        encoded, failed = encode_tasks(vectors, encoder, todo, cancel)
    log.info("item vectors: %d encoded, %d kept, %d failed", encoded, kept, failed)
    return EncodeReport(encoded, kept, failed)


def _ids(batch: Sequence[EncodeTask]) -> str:
    return ", ".join(t.item_id for t in batch[:3]) + ("…" if len(batch) > 3 else "")


def encode_batch(encoder: TextEncoder, batch: Sequence[EncodeTask]) -> list[StoredVector]:
    """Encode one batch; a text that fails costs only its own item's vector.

    Used by the client's job and the server's import alike. When the encoder fails on the
    batch it is encoded again one item at a time, so only the failing items are left out
    (logged); so is an item whose vector is not finite. A timed-out batch is left out whole
    (retried later, its texts alone).

    Raises:
        EncoderBusyError: the encoder is still stuck on an earlier text; nothing was encoded.
    """
    try:
        matrix = encoder.encode([t.text for t in batch])
    except EncoderTimeoutError:
        log.warning("encoding items %s timed out; skipped, tried again later", _ids(batch))
        return []
    except EncoderBusyError:
        raise  # stuck on an earlier text: this run stops, the next one resumes
    except EncoderUnavailableError:
        if len(batch) == 1:
            log.warning("item %s could not be encoded; it stays lexical", batch[0].item_id)
            return []
        # One bad text must not cost the batch: encode one by one to find it.
        return [row for one in batch for row in encode_batch(encoder, [one])]
    rows = []
    for task, vector in zip(batch, matrix, strict=True):
        try:
            data, scale = quantize(vector)
        except ValueError:
            log.warning("item %s got an invalid vector; it stays lexical", task.item_id)
            continue
        rows.append(StoredVector(task.item_id, task.digest, scale, data))
    return rows
