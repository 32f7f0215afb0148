"""Topic labels: a topic's most representative text, as shown to editors."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from deskmate.server.gap_features import TextAnalyser, display_form, normal_form

if TYPE_CHECKING:
    from deskmate.server.gap_clustering import TopicIndex


@lru_cache(maxsize=1)
def _default_analyser() -> TextAnalyser:
    return TextAnalyser(None, None)


def topic_label(texts: Sequence[str], index: TopicIndex | None = None) -> str:
    """A readable label for a topic: its most representative text, as shown to editors.

    The distinct normal forms are ranked by their summed cosine (no conflict rule) with
    all of the topic's texts — the medoid: frequent forms and forms made of the topic's
    common words win, typos and extra details lose — then by frequency, then shorter
    first, then first seen. The label is the first way the winning form was typed, in
    :func:`display_form`. Texts with nothing to analyse (empty, only punctuation or
    emoji) win only when there is nothing else.

    Args:
        texts: The topic's signal texts.
        index: Analyse as this index does (its synonyms); the default has none.
    """
    analyser = index._analyser if index is not None else _default_analyser()
    return _label(analyser, texts)


def _label(analyser: TextAnalyser, texts: Sequence[str]) -> str:
    first_typed: dict[str, str] = {}
    counts: dict[str, int] = {}
    centroid: dict[str, float] = {}  # the sum of the texts' unit vectors
    for text in texts:
        key = normal_form(text)
        first_typed.setdefault(key, text)
        counts[key] = counts.get(key, 0) + 1
        vector = analyser.vector(key)
        for feature, weight2 in vector.squared.items():  # (none when the norm is 0)
            centroid[feature] = centroid.get(feature, 0.0) + math.sqrt(weight2) / vector.norm
    if not first_typed:
        return ""

    def rank(order_key: tuple[int, str]) -> tuple[float, int, int, int]:
        order, key = order_key
        vector = analyser.vector(key)
        dot = sum(math.sqrt(w2) * centroid[f] for f, w2 in vector.squared.items())
        return -(dot / vector.norm if vector.norm else -1.0), -counts[key], len(key), order

    _order, best = min(enumerate(first_typed), key=rank)
    return display_form(first_typed[best])
