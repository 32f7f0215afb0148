"""Sentence vectors of gap signal texts: encoded once, stored, read back for clustering.

The gap queue (:mod:`.gap_queue`) clusters by words and, where a text and a topic both
have them, by meaning (:meth:`deskmate.server.gap_clustering.TopicIndex.meaning_match`).
Each distinct text (in its normal form) is encoded once per model, in batches, through
the encoder guard (a text the engine hangs on is skipped, the rest stalls not), before
the collection's write transaction (:func:`encode_texts`: a backlog never holds the write
lock while it encodes), and kept in ``gap_text_vectors``: the collection, a restart or
the next collection reads it back. Vectors of
another model id are never read, so a model change simply starts again. Without an
encoder, or for a text it fails on, clustering stays lexical for that text; that is
logged once per process.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

import numpy as np
from deskmate.core.batching import batches
from deskmate.core.search.encoder import EncoderUnavailableError, TextEncoder, shared_encoder
from deskmate.core.search.encoder_guard import guard_for
from deskmate.core.semantic.vector_job import text_digest
from deskmate.core.semantic.vectors import dequantize, quantize
from deskmate.server.database import Database
from deskmate.server.gap_centroids import Vector
from deskmate.server.gap_features import normal_form
from deskmate.server.item_vectors import EncoderFactory
from deskmate.server.tables import GapTextVectorRow
from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

log = logging.getLogger(__name__)

BATCH = 32
_warned: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        log.warning("gap clustering stays lexical for some texts: %s", message)


def current_model(encoder: EncoderFactory = shared_encoder) -> TextEncoder | None:
    """The guarded encoder to use, or None (none here: clustering stays lexical)."""
    inner = encoder()
    if inner is None:
        _warn_once("no sentence encoder")
        return None
    return guard_for(inner)


def stored_vectors(conn: Connection, model_id: str, texts: Iterable[str]) -> dict[str, Vector]:
    """The stored vectors of these texts for ``model_id``, by normal form."""
    by_digest = {text_digest(form): form for t in texts if (form := normal_form(t))}
    found: dict[str, Vector] = {}
    for chunk in batches(list(by_digest), 500):
        rows = conn.execute(
            select(GapTextVectorRow.text_digest, GapTextVectorRow.scale, GapTextVectorRow.vector)
            .where(GapTextVectorRow.model_id == model_id)
            .where(GapTextVectorRow.text_digest.in_(chunk))
        )
        for digest, scale, data in rows:
            vector = dequantize(bytes(data), scale)
            norm = float(np.linalg.norm(vector))
            if norm > 0:
                found[by_digest[digest]] = vector / norm
    return found


def missing_texts(conn: Connection, model_id: str, texts: Iterable[str]) -> list[str]:
    """The distinct normal forms of ``texts`` without a stored vector of ``model_id``."""
    forms = list(dict.fromkeys(f for t in texts if (f := normal_form(t))))
    found = stored_vectors(conn, model_id, forms)
    return [f for f in forms if f not in found]


def _insert_new(conn: Connection, rows: list[dict[str, object]]) -> None:
    # Two collections may encode one text at once (several server processes): the
    # second row is dropped, not an error.
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(GapTextVectorRow).on_conflict_do_nothing(
        index_elements=[GapTextVectorRow.model_id, GapTextVectorRow.text_digest]
    )
    conn.execute(statement, rows)


def encode_texts(db: Database, model: TextEncoder, forms: Sequence[str]) -> int:
    """Encode these normal forms and store their vectors; how many were stored.

    Called outside any transaction: each batch is encoded first, then written in a short
    transaction of its own, so a backlog never holds the database's write lock while the
    encoder runs. A batch the encoder fails on (an error, a timeout) is left without
    vectors; those texts are tried again at the next collection.
    """
    stored = 0
    for chunk in batches(list(forms), BATCH):
        try:
            matrix = model.encode(chunk)
        except EncoderUnavailableError as exc:
            _warn_once(exc.message)
            continue
        rows: list[dict[str, object]] = []
        for form, vector in zip(chunk, matrix, strict=True):
            try:
                data, scale = quantize(vector)
            except ValueError:
                continue
            rows.append(
                {
                    "model_id": model.model_id,
                    "text_digest": text_digest(form),
                    "scale": scale,
                    "vector": data,
                }
            )
        if rows:
            with db.write() as conn:
                _insert_new(conn, rows)
            stored += len(rows)
    return stored
