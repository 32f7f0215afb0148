"""Vectors for the end-to-end sync benchmark (``sync_e2e --vectors``), without encoding live.

Encoding 100k items live takes about an hour, so the server's ``item_vectors`` rows are
written here exactly as an import stores them (``server.item_vectors.store_vectors``: the
bundled model's id, the SHA-1 of ``item_text``, int8 values and their scale), from:

1. the vector cache of ``benchmarks/semantic.py`` (``--vector-cache``): a real vector of
   the item's encoded text if cached, else of its title (the ATEC question, which
   ``search_quality`` caches) — real values, so the wire's gzip sees real data;
2. otherwise a deterministic unit-random vector (seeded by the item id).

The byte counts do not depend on which (384 int8 values per item either way); the output
says how many of each were used.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from benchmarks.semantic import CachedEncoder


def _random_unit(item_id: str, dimension: int) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha1(item_id.encode(), usedforsecurity=False).digest()[:8])
    vector = np.random.default_rng(seed).standard_normal(dimension).astype(np.float32)
    return vector / np.linalg.norm(vector)


def item_vectors(items: list[Any], cache_dir: Path) -> tuple[str, list[Any], Counter[str]]:
    """(model id, StoredVector rows, {source: count}) for ``items`` (see the module doc)."""
    from deskmate.core.search.encoder import BUNDLED_MODEL_ID, DIMENSION
    from deskmate.core.semantic.vector_job import item_text, text_digest
    from deskmate.core.semantic.vectors import quantize
    from deskmate.core.store.vector_store import StoredVector

    cache = CachedEncoder(
        SimpleNamespace(model_id=BUNDLED_MODEL_ID, dimension=DIMENSION), cache_dir
    )
    rows = []
    sources: Counter[str] = Counter()
    for item in items:
        text = item_text(item)
        vector = cache.lookup(text)
        source = "cached (item text)"
        if vector is None:
            vector, source = cache.lookup(item.title), "cached (title)"
        if vector is None:
            vector, source = _random_unit(item.id, DIMENSION), "unit-random"
        sources[source] += 1
        data, scale = quantize(np.asarray(vector, np.float32))
        rows.append(StoredVector(item.id, text_digest(text), scale, data))
    return BUNDLED_MODEL_ID, rows, sources


def write_server_vectors(db: Any, model_id: str, rows: list[Any]) -> None:
    """Store ``rows`` in the server's ``item_vectors`` as an import does, in one write."""
    from deskmate.server.item_vectors import store_vectors

    with db.write() as conn:
        store_vectors(conn, model_id, rows)
