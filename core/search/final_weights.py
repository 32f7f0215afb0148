"""The last step of every ranking: the agent's language first among equals, stale items down.

One rule for both rankings (issue #18's language preference, the stale demotion of
``freshness``): each item's score is weighed by a factor — ``1 + boost`` for an item in
the agent's language (``agent_language.preference_boost``), ``STALE_FACTOR`` for a stale
one — once, on the final ranking. A lexical ranking gets the language boost inside the
ranker instead (it decides which documents reach the top of the whole index) and only
the stale factor here; a fused ranking gets both here, since the fusion's normalising
would blur a boost given to one side.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TypeVar

from deskmate.core.content.model import Item
from deskmate.core.search.agent_language import preference_boost
from deskmate.core.search.freshness import STALE_FACTOR, is_stale

_I = TypeVar("_I", bound=Item)


def item_weights(
    text: str, prefer_language: str | None, now: datetime | None = None
) -> Callable[[Item], float]:
    """The factor each item's score is weighed by for the query ``text``.

    Args:
        text: The query (the language boost is larger when it is in the agent's language).
        prefer_language: The agent's language, or None for no language factor.
        now: The moment staleness is judged at (default: now).
    """
    moment = now or datetime.now(UTC)
    boost = 1.0 + preference_boost(text, prefer_language) if prefer_language else 1.0

    def factor(item: Item) -> float:
        weight = boost if prefer_language and item.language == prefer_language else 1.0
        return weight * (STALE_FACTOR if is_stale(item, moment) else 1.0)

    return factor


def weigh(
    found: Sequence[tuple[_I, float]], factor: Callable[[Item], float]
) -> list[tuple[_I, float]]:
    """(item, score) pairs with each score weighed by ``factor``, re-sorted (stable).

    A fused score is a z-score and can be negative, where a product would move it the
    wrong way: it moves by ``|score| × (factor − 1)`` instead, which is the product for a
    positive score (every lexical one) and the same direction for a negative one.
    """
    weighed = [(item, score + abs(score) * (factor(item) - 1.0)) for item, score in found]
    return sorted(weighed, key=lambda pair: -pair[1])
