"""Re-ranking typed questions by how closely they read like an item's own questions.

BM25 scores words one by one and favours a rare word wherever it appears; customers ask
the same question in many surface forms, and a question that shares most of its
characters with an item's title (or one of its alternative questions) is usually that
item. For a typed question (at least :data:`MIN_HAN` Chinese characters: not a word or two
of type-ahead, which the lexical ranking serves), the best :data:`DEPTH` candidates are
re-ordered by ``ALPHA × score / top score + (1 − ALPHA) × similarity``, the similarity
being the Dice coefficient of character unigrams (weight 0.4) and bigrams (0.6) between
the query and the closest of the item's title and questions.

Measured on ATEC (benchmarks/search_quality.py): recall@5 0.263 → 0.286, MRR@10 0.174 →
0.186; ALPHA 0.3 of 0.1–0.7 and DEPTH 20 (50 gives the same) were the best settings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TypeVar

from deskmate.core.search.analysis import han_count, normalize

ALPHA = 0.3
DEPTH = 20
MIN_HAN = 4
_GRAM_WEIGHTS = ((1, 0.4), (2, 0.6))

_T = TypeVar("_T")


def is_typed_question(text: str) -> bool:
    """Whether the query is a question typed out (enough Chinese characters) to re-rank."""
    return han_count(text) >= MIN_HAN


def _grams(text: str) -> list[Counter[str]]:
    folded = "".join(char for char in normalize(text) if char.isalnum())
    return [
        Counter(folded[i : i + n] for i in range(max(0, len(folded) - n + 1)))
        for n, _weight in _GRAM_WEIGHTS
    ]


def similarity(query: str, texts: Iterable[str]) -> float:
    """The Dice similarity (0-1) of ``query`` with the closest of ``texts``."""
    return _closest(_grams(query), texts)


def _closest(wanted: list[Counter[str]], texts: Iterable[str]) -> float:
    best = 0.0
    for text in texts:
        score = 0.0
        for (_n, weight), a, b in zip(_GRAM_WEIGHTS, wanted, _grams(text), strict=True):
            total = a.total() + b.total()
            if total:
                score += weight * 2 * (a & b).total() / total
        best = max(best, score)
    return best


def rerank(
    query: str, candidates: Sequence[tuple[_T, float, Sequence[str]]]
) -> list[tuple[_T, float]]:
    """Re-order (thing, score, texts) candidates; return (thing, combined score), best first.

    The combined score is scaled back to the top candidate's score, so scores stay
    comparable with unranked results.
    """
    if not candidates:
        return []
    top = max(score for _thing, score, _texts in candidates) or 1.0
    wanted = _grams(query)  # once, not once per candidate
    combined = [
        (thing, ALPHA * score / top + (1 - ALPHA) * _closest(wanted, texts))
        for thing, score, texts in candidates
    ]
    combined.sort(key=lambda pair: -pair[1])
    return [(thing, value * top) for thing, value in combined]
