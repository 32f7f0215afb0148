"""The agent's language first (issue #18): how much items in the agent's language gain.

Items in the agent's language (the UI language: ``zh`` or ``en``) win ties and near-ties
(+5 %). When the query itself is written in that language (a Chinese query in a zh UI,
an English one in an en UI) they gain more (+35 %): the agent typed Chinese and reads
Chinese, and an English item that matched only through a synonym (``退款`` ⇔ ``refund``)
otherwise outranks Chinese items of the same relevance, because the rarer English word
weighs more in BM25. A hit covering more of the query still wins: one concept of two
costs a third of the score.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt
from deskmate.core.search.analysis import is_han
from deskmate.core.search.ranker import IndexSnapshot

NEAR_TIE_BOOST = 0.05
SAME_LANGUAGE_BOOST = 0.35
_LATIN = re.compile(r"[A-Za-z]")


def query_language(text: str) -> str | None:
    """``zh`` for a query of Chinese characters, ``en`` for Latin letters, None for mixed.

    Letters-only queries may be pinyin; they count as ``en`` (a pinyin query in a zh UI
    gets the near-tie preference only).
    """
    han, latin = is_han(text), _LATIN.search(text) is not None
    if han == latin:
        return None
    return "zh" if han else "en"


def preference_boost(text: str, language: str) -> float:
    """How much items in ``language`` gain for the query ``text``."""
    return SAME_LANGUAGE_BOOST if query_language(text) == language else NEAR_TIE_BOOST


def preferred(
    snap: IndexSnapshot, text: str, language: str | None
) -> tuple[npt.NDArray[np.bool_], float] | None:
    """The documents in the agent's language and their gain, or None (no preference)."""
    if not language:
        return None
    return snap.filter_mask("language", [language]), preference_boost(text, language)
