"""VectorStore: items' sentence-encoder vectors beside the items, in the same database.

Vectors are data made once: the background job (core/semantic/vector_job.py) writes a
vector per item and model, and nothing ever encodes an item whose stored vector was made
from the same text by the same model. Each write takes the next value of the
``vectors_seq`` counter, so the in-memory matrix (core/semantic/vectors.py) reads only the
rows written since it last looked.

On disk a row is the item id, the model as a small number (``vector_models`` names it once),
the first :data:`~deskmate.core.store.tables.DIGEST_BYTES` bytes of the text's SHA-1, the
scale, the 384 int8 values and the counter; ~470 bytes per item (migration 0005).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from deskmate.core.batching import batches
from deskmate.core.store.database import store_errors
from deskmate.core.store.tables import (
    DIGEST_BYTES,
    ItemRow,
    ItemVectorRow,
    MetaRow,
    VectorModelRow,
)
from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.orm import Session

_SEQ_KEY = "vectors_seq"
_BATCH = 500


def short_digest(digest: str) -> str:
    """The part of a hex text digest the store keeps (what :meth:`VectorStore.digests` gives).

    A digest that is not hex (never written by Deskmate) stays as it is and matches nothing.
    """
    return digest[: 2 * DIGEST_BYTES]


def _digest_bytes(digest: str) -> bytes:
    try:
        return bytes.fromhex(short_digest(digest))
    except ValueError:
        return b""  # matches no text: the item is encoded again


@dataclass(frozen=True)
class StoredVector:
    """One item's vector as stored: int8 bytes and the scale that restores the values.

    ``text_digest`` is hex; the store keeps its :func:`short_digest` part, so a vector read
    back carries that.
    """

    item_id: str
    text_digest: str
    scale: float
    vector: bytes
    seq: int = 0


class VectorStore:
    """The ``item_vectors`` table of an :class:`~deskmate.core.store.item_store.ItemStore`."""

    def __init__(self, engine: Engine, path: Path) -> None:
        self._engine = engine
        self.path = path

    def last_seq(self) -> int:
        """The counter of the newest vector write (0 if none).

        Asked at every semantic search, so it skips the ORM (a Session took ~2 ms).
        """
        sql = f"SELECT value FROM {MetaRow.__tablename__} WHERE key = ?"  # noqa: S608
        with store_errors(self.path), self._engine.connect() as conn:
            row = conn.exec_driver_sql(sql, (_SEQ_KEY,)).first()
            return int(row[0]) if row else 0

    def _model_number(self, session: Session, model_id: str, create: bool = False) -> int | None:
        number = session.scalar(select(VectorModelRow.id).where(VectorModelRow.name == model_id))
        if number is None and create:
            row = VectorModelRow(name=model_id)
            session.add(row)
            session.flush()
            number = row.id
        return number

    def digests(self, model_id: str, dimension: int | None = None) -> dict[str, str]:
        """The :func:`short_digest` of every stored vector of ``model_id``, by item id.

        With ``dimension``, only vectors of that many values and a positive scale count
        (a truncated or damaged row is as good as none: it is encoded again).
        """
        query = (
            select(ItemVectorRow.item_id, ItemVectorRow.text_digest)
            .join(VectorModelRow, VectorModelRow.id == ItemVectorRow.model)
            .where(VectorModelRow.name == model_id)
        )
        if dimension is not None:
            query = query.where(
                func.length(ItemVectorRow.vector) == dimension, ItemVectorRow.scale > 0
            )
        with store_errors(self.path), Session(self._engine) as session:
            return {item_id: digest.hex() for item_id, digest in session.execute(query)}

    def count(self, model_id: str) -> int:
        """Vectors of ``model_id`` whose item still exists."""
        query = (
            select(func.count())
            .select_from(ItemVectorRow)
            .join(ItemRow, ItemRow.id == ItemVectorRow.item_id)
            .join(VectorModelRow, VectorModelRow.id == ItemVectorRow.model)
            .where(VectorModelRow.name == model_id)
        )
        with store_errors(self.path), Session(self._engine) as session:
            return int(session.execute(query).scalar_one())

    def put(self, model_id: str, vectors: Sequence[StoredVector]) -> int:
        """Store (replace) vectors in one transaction; returns the new counter value."""
        with store_errors(self.path), Session(self._engine) as session, session.begin():
            row = session.get(MetaRow, _SEQ_KEY)
            seq = (int(row.value) if row else 0) + 1
            session.merge(MetaRow(key=_SEQ_KEY, value=str(seq)))
            model = self._model_number(session, model_id, create=True)
            ids = [v.item_id for v in vectors]
            for batch in batches(ids, _BATCH):
                session.execute(delete(ItemVectorRow).where(ItemVectorRow.item_id.in_(batch)))
            if vectors:
                session.execute(
                    insert(ItemVectorRow),
                    [
                        {
                            "item_id": v.item_id,
                            "model": model,
                            "text_digest": _digest_bytes(v.text_digest),
                            "scale": v.scale,
                            "vector": v.vector,
                            "seq": seq,
                        }
                        for v in vectors
                    ],
                )
            return seq

    def since(self, model_id: str, seq: int, batch: int = 5000) -> Iterable[StoredVector]:
        """Vectors of ``model_id`` written after counter ``seq``, in batches (bounded memory)."""
        with store_errors(self.path), Session(self._engine) as session:
            model = self._model_number(session, model_id)
        if model is None:
            return
        last_id = ""
        while True:
            query = (
                select(
                    ItemVectorRow.item_id,
                    ItemVectorRow.text_digest,
                    ItemVectorRow.scale,
                    ItemVectorRow.vector,
                    ItemVectorRow.seq,
                )
                .where(
                    ItemVectorRow.model == model,
                    ItemVectorRow.seq > seq,
                    ItemVectorRow.item_id > last_id,
                )
                .order_by(ItemVectorRow.item_id)
                .limit(batch)
            )
            with store_errors(self.path), Session(self._engine) as session:
                rows = session.execute(query).all()
            if not rows:
                return
            for item_id, digest, scale, vector, row_seq in rows:
                yield StoredVector(item_id, digest.hex(), scale, vector, row_seq)
            last_id = rows[-1][0]

    def prune(self, model_id: str) -> int:
        """Delete vectors of other models and of deleted items; returns how many went."""
        orphans = select(ItemVectorRow.item_id).where(
            ~ItemVectorRow.item_id.in_(select(ItemRow.id))
        )
        with store_errors(self.path), Session(self._engine) as session, session.begin():
            model = self._model_number(session, model_id)
            stale = select(ItemVectorRow.item_id).where(
                (ItemVectorRow.model != (model if model is not None else -1))
                | ItemVectorRow.item_id.in_(orphans)
            )
            ids = list(session.scalars(stale))
            for batch in batches(ids, _BATCH):
                session.execute(delete(ItemVectorRow).where(ItemVectorRow.item_id.in_(batch)))
            session.execute(delete(VectorModelRow).where(VectorModelRow.name != model_id))
            return len(ids)
