"""Item vectors on the server: encoded at import, shipped with the items in the feed.

Clients then never encode what the server sent (core/semantic/vector_feed.py checks and
stores them). An import encodes, before its transaction, the pack's items whose text
(or the model) changed since their stored vector; the vectors are written in the same
transaction as the items. An item whose content is unchanged but whose vector is new
(first import after an upgrade, a new model) gets a new change number, so clients
download it again with its vector. Without an encoder (no engine on this platform) the
import goes on without vectors and says so once. Publishing from the workbench encodes
the published text (:func:`refresh_vector`), behind a deadline.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence

from deskmate.core.batching import batches
from deskmate.core.content.model import Item
from deskmate.core.errors import DeskmateError
from deskmate.core.search.encoder import (
    EncoderSlot,
    EncoderUnavailableError,
    TextEncoder,
    shared_encoder,
)
from deskmate.core.search.encoder_guard import EncoderBusyError, EncoderGuard, guard_for
from deskmate.core.semantic.vector_feed import to_wire
from deskmate.core.semantic.vector_job import (
    BATCH,
    EncodeTask,
    encode_batch,
    item_text,
    text_digest,
)
from deskmate.core.semantic.vectors import quantize
from deskmate.core.store.vector_store import StoredVector
from deskmate.server.database import Database
from deskmate.server.tables import ItemRow, ItemVectorRow
from sqlalchemy import Connection, delete, insert, select, update

log = logging.getLogger(__name__)

_BATCH = 500
EncoderFactory = Callable[[], TextEncoder | None]

#: The environment variable giving the server's encoder its OpenMP thread count.
ENCODER_THREADS_ENV = "DESKMATE_SERVER_ENCODER_THREADS"
#: Two threads: the server encodes imports in bulk and is not latency-bound; on the
#: two-core machine two threads encoded ~1.7x as many items/s as one
#: (benchmarks/server_encode.py). The desktop keeps one (predictable query latency).
DEFAULT_ENCODER_THREADS = 2


def configure_encoder_threads(
    slot: EncoderSlot = shared_encoder, env: Mapping[str, str] = os.environ
) -> int:
    """Give the server process's encoder its thread count (before it first loads).

    Read from ``$DESKMATE_SERVER_ENCODER_THREADS`` (default :data:`DEFAULT_ENCODER_THREADS`).

    Raises:
        DeskmateError: the variable is not a whole number from 1 to 64.
    """
    value = env.get(ENCODER_THREADS_ENV, "").strip()
    try:
        threads = int(value) if value else DEFAULT_ENCODER_THREADS
    except ValueError:
        threads = 0
    if not 1 <= threads <= 64:
        raise DeskmateError(
            f"{ENCODER_THREADS_ENV} must be a whole number from 1 to 64, not {value!r}"
        )
    slot.threads = threads
    return threads


def _guarded(encoder: EncoderFactory) -> EncoderGuard | None:
    # Publishing encodes inside the feed's write transaction: a text the engine hangs on
    # must not hold the feed lock.
    inner = encoder()
    return None if inner is None else guard_for(inner)


def refresh_vector(conn: Connection, item: Item, encoder: EncoderFactory = shared_encoder) -> bool:
    """Give a published item the vector of its text, unless it has it (inside the write).

    Best effort: without an encoder, or when it fails or is too slow on this text, the
    item goes out without a vector (clients then encode it themselves). Returns whether
    a vector was stored.
    """
    model = _guarded(encoder)
    if model is None:
        return False
    text = item_text(item)
    digest = text_digest(text)
    stored = conn.execute(
        select(ItemVectorRow.model_id, ItemVectorRow.text_digest).where(
            ItemVectorRow.item_id == item.id
        )
    ).one_or_none()
    if stored is not None and tuple(stored) == (model.model_id, digest):
        return False
    try:
        data, scale = quantize(model.encode([text])[0])
    except (EncoderUnavailableError, ValueError) as exc:
        log.warning("item %s published without a vector: %s", item.id, exc)
        conn.execute(delete(ItemVectorRow).where(ItemVectorRow.item_id == item.id))
        return False
    store_vectors(conn, model.model_id, [StoredVector(item.id, digest, scale, data)])
    return True


def stored_digests(conn: Connection, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """The stored vectors' (model id, text digest) of these items, by item id."""
    found: dict[str, tuple[str, str]] = {}
    for batch in batches(list(ids), _BATCH):
        query = select(
            ItemVectorRow.item_id, ItemVectorRow.model_id, ItemVectorRow.text_digest
        ).where(ItemVectorRow.item_id.in_(batch))
        found |= {i: (m, d) for i, m, d in conn.execute(query)}
    return found


def encode_items(
    db: Database, items: Iterable[Item], encoder: EncoderFactory = shared_encoder
) -> tuple[str, list[StoredVector]]:
    """Vectors for the items whose stored vector is missing or stale; (model id, rows)."""
    model = _guarded(encoder)
    if model is None:
        return "", []
    todo = {item.id: item_text(item) for item in items}
    with db.read() as conn:
        stored = stored_digests(conn, list(todo))
    wanted = []
    for item_id, text in todo.items():
        digest = text_digest(text)
        if stored.get(item_id) != (model.model_id, digest):
            wanted.append(EncodeTask(item_id, text, digest))
    rows: list[StoredVector] = []
    for done, chunk in enumerate(batches(wanted, BATCH * 4)):
        try:
            # A text the engine fails on costs only its own item (encode_batch splits).
            rows += encode_batch(model, chunk)
        except EncoderBusyError as exc:
            # Hung on an earlier text: the rest go out without vectors (clients encode
            # them, the next import retries); the import itself goes on.
            log.warning(
                "%d items imported without vectors: %s",
                len(wanted) - done * BATCH * 4,
                exc.message,
            )
            break
    skipped = len(wanted) - len(rows)
    if skipped:
        log.warning("%d items have no vector from this import", skipped)
    if rows:
        log.info("encoded %d items (%s)", len(rows), model.model_id)
    return model.model_id, rows


def store_vectors(conn: Connection, model_id: str, rows: Sequence[StoredVector]) -> None:
    """Replace the vectors of these items (inside the import's transaction)."""
    for batch in batches(rows, _BATCH):
        ids = [row.item_id for row in batch]
        conn.execute(delete(ItemVectorRow).where(ItemVectorRow.item_id.in_(ids)))
        conn.execute(
            insert(ItemVectorRow),
            [
                {
                    "item_id": r.item_id,
                    "model_id": model_id,
                    "text_digest": r.text_digest,
                    "scale": r.scale,
                    "vector": r.vector,
                }
                for r in batch
            ],
        )


def renumber(conn: Connection, ids: Sequence[str], seq: int) -> int:
    """Give each stored item of ``ids`` the next change number after ``seq``; the last one."""
    for item_id in ids:
        seq += 1
        conn.execute(update(ItemRow).where(ItemRow.id == item_id).values(seq=seq))
    return seq


def wire_vectors(conn: Connection, ids: Sequence[str]) -> dict[str, dict[str, object]]:
    """The feed's vectors of these items, by id (items without one are left out)."""
    found: dict[str, dict[str, object]] = {}
    for batch in batches(ids, _BATCH):
        query = select(
            ItemVectorRow.item_id,
            ItemVectorRow.model_id,
            ItemVectorRow.text_digest,
            ItemVectorRow.scale,
            ItemVectorRow.vector,
        ).where(ItemVectorRow.item_id.in_(batch))
        for item_id, model_id, digest, scale, vector in conn.execute(query):
            found[item_id] = to_wire(model_id, digest, scale, bytes(vector))
    return found
