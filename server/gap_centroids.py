"""Topics' mean sentence vectors, for :class:`deskmate.server.gap_clustering.TopicIndex`.

Each topic with at least one vectored text has a row: the sum of its texts' unit vectors.
Its cosine with a text's vector is the cosine with the topic's normalised mean vector.
The rows live in one growing matrix, so scoring a text against its candidate topics is one
matrix-vector product (of the topics lexical similarity found).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]


class Centroids:
    """Sums of the topics' sentence vectors (one model's; the caller keeps them apart)."""

    def __init__(self) -> None:
        self._rows: dict[int, int] = {}
        self._ids: list[int] = []
        self._sums = np.zeros((0, 0), np.float32)
        self._norms = np.zeros(0, np.float32)

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, topic_id: int, vector: Vector) -> None:
        """Add a text's unit vector to its topic (a vector of another length is ignored)."""
        if not self._ids:
            self._sums = np.zeros((64, len(vector)), np.float32)
            self._norms = np.zeros(64, np.float32)

        if len(vector) != self._sums.shape[1]:
            return
        row = self._rows.get(topic_id)
        if row is None:
            row = self._rows[topic_id] = len(self._ids)
            self._ids.append(topic_id)
            if row == len(self._sums):  # full: double the capacity
                self._sums = np.concatenate([self._sums, np.zeros_like(self._sums)])
                self._norms = np.concatenate([self._norms, np.zeros_like(self._norms)])
        self._sums[row] += vector

        self._norms[row] = float(np.linalg.norm(self._sums[row]))

    def cosines(self, topic_ids: list[int], vector: Vector) -> dict[int, float]:
        """Cosines of ``vector`` with these topics' mean vectors (topics without one left out)."""
        if not self._ids or len(vector) != self._sums.shape[1]:
            return {}
        found = [(t, r) for t in topic_ids if (r := self._rows.get(t)) is not None]
        if not found:
            return {}
        rows = np.fromiter((r for _t, r in found), np.int64, len(found))
        norms = self._norms[rows]
        values = (self._sums[rows] @ vector) / np.where(norms > 0, norms, 1.0)
        return {t: float(v) for (t, _r), v in zip(found, values, strict=True)}
