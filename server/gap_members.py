"""Topics' distinct texts with their sentence vectors, for nearest-member matching.

:class:`deskmate.server.gap_clustering.TopicIndex` scores a text against a topic's centroid
first; a topic that gathered several phrasings has a centroid far from each of them, so a
new phrasing close to one of them may still score low. :class:`Members` keeps each topic's
distinct normal forms (up to ``per_topic``) with their unit sentence vectors in one growing
matrix, so the nearest forms of a text, over all topics, are one matrix-vector product.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from deskmate.server.gap_centroids import Vector
from deskmate.server.gap_features import ASK_KINDS, TextVector, present_in

#: Distinct forms kept per topic: the first ones (a topic's phrasings come early).
PER_TOPIC = 48


@dataclass(frozen=True)
class Member:
    """One distinct form of a topic: its topic id and its lexical features."""

    topic_id: int
    features: TextVector


class Members:
    """Distinct forms of the topics with their sentence vectors (one model's)."""

    def __init__(self, per_topic: int = PER_TOPIC) -> None:
        self.per_topic = per_topic
        self._members: list[Member] = []
        self._seen: set[tuple[int, str]] = set()
        self._counts: dict[int, int] = {}
        self._matrix = np.zeros((0, 0), np.float32)

    def __len__(self) -> int:
        return len(self._members)

    def add(self, topic_id: int, form: str, features: TextVector, vector: Vector) -> None:
        """Keep ``form`` of ``topic_id`` unless kept, its topic full or of another length."""
        if (topic_id, form) in self._seen or self._counts.get(topic_id, 0) >= self.per_topic:
            return
        if self._members and len(vector) != self._matrix.shape[1]:
            return
        if not self._members:
            self._matrix = np.zeros((256, len(vector)), np.float32)
        row = len(self._members)
        if row == len(self._matrix):  # full: double the capacity
            self._matrix = np.concatenate([self._matrix, np.zeros_like(self._matrix)])
        self._matrix[row] = vector
        self._members.append(Member(topic_id, features))
        self._seen.add((topic_id, form))
        self._counts[topic_id] = self._counts.get(topic_id, 0) + 1

    def nearest(self, vector: Vector, k: int, at_least: float) -> list[tuple[Member, float]]:
        """The ``k`` forms nearest to ``vector``, nearest first, with a cosine of ``at_least``."""
        count = len(self._members)
        if not count or len(vector) != self._matrix.shape[1]:
            return []
        cosines = self._matrix[:count] @ vector
        top = np.argpartition(-cosines, k)[:k] if count > k else np.arange(count)
        top = top[np.argsort(-cosines[top])]
        return [(self._members[i], float(cosines[i])) for i in top if cosines[i] >= at_least]

    def best(
        self,
        features: TextVector,
        vector: Vector,
        *,
        weight: float,
        floor: float,
        threshold: float,
        k: int,
        excluded: Callable[[int], bool],
    ) -> tuple[int, float] | None:
        """The topic of the best-scoring of the ``k`` forms nearest to a text, and the score.

        A form scores ``weight·lexical + (1 − weight)·(cos − floor) / (1 − floor)`` (its
        lexical cosine and sentence cosine with the text) and counts if that reaches
        ``threshold``, the two do not :func:`differ`, and ``excluded(topic)`` is false.
        """
        best: tuple[int, float] | None = None
        for member, cosine in self.nearest(vector, k, floor):
            score = weight * lexical_cosine(features, member.features)
            score += (1 - weight) * (cosine - floor) / (1 - floor)
            if score < threshold or (best is not None and score <= best[1]):
                continue
            if not differ(features, member.features) and not excluded(member.topic_id):
                best = member.topic_id, score
        return best


def lexical_cosine(one: TextVector, other: TextVector) -> float:
    """The cosine of two texts' feature vectors."""
    if not one.norm or not other.norm:
        return 0.0
    weights = other.squared
    dot = sum(math.sqrt(w2 * weights[f]) for f, w2 in one.squared.items() if f in weights)
    return dot / (one.norm * other.norm)


def differ(text: TextVector, other: TextVector) -> bool:
    """Whether two texts each name a thing the other does not, or ask for different kinds.

    A detail on one side only (花呗还款方式有哪些 / 花呗怎么还款) is wording; a thing on
    each side (花呗 / 借呗) or a place against an amount (去哪里维修 / 维修要多少钱) is not.
    """
    asked = {kind for kind in ASK_KINDS if kind in text.squared}
    other_asked = {kind for kind in ASK_KINDS if kind in other.squared}
    if asked and other_asked and not asked & other_asked:
        return True

    def lacks(words: frozenset[str], has: TextVector) -> bool:
        return any(not present_in(w, has.squared.__contains__) for w in words)

    return lacks(text.things, other) and lacks(other.things, text)
