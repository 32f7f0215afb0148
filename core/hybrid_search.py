"""One search, from the typed text to the final hits (what ``KnowledgeBase.search`` runs).

The steps, on one index snapshot:

1. the query plan (segmentation, synonyms, pinyin, the last word as a prefix) and the
   filters as a document mask;
2. the lexical ranking; a typed question (:func:`rerank.is_typed_question`) ranks deeper
   and its head is re-ranked by wording;
3. for question-like text (:func:`is_question_like`) the nearest item vectors, encoded on
   the encoder's own thread while step 2 runs, fused with the lexical candidates
   (z-scores per query, ``semantic.search.fuse``);
4. the agent's language first among equals and stale items demoted, once, on the final
   ranking (``search.final_weights``; without a dense side the ranker gives the language
   boost itself, over the whole index).

Items are read from the store only for the re-ranked head and the final hits; the rest
of the fusion works on ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from deskmate.core.content.model import Item, ItemKind
from deskmate.core.search.agent_language import preferred
from deskmate.core.search.documents import plain_text
from deskmate.core.search.final_weights import item_weights, weigh
from deskmate.core.search.query_plan import QueryPlanner
from deskmate.core.search.ranker import IndexSnapshot, Ranked
from deskmate.core.search.rerank import DEPTH as RERANK_DEPTH
from deskmate.core.search.rerank import is_typed_question, rerank
from deskmate.core.search.snippets import HighlightedText, Highlighter
from deskmate.core.semantic.search import DEPTH as FUSION_DEPTH
from deskmate.core.semantic.search import (
    SemanticSearch,
    accepts,
    fuse,
    is_question_like,
)
from deskmate.core.store.item_store import ItemStore

__all__ = ["Hit", "HybridSearch", "SearchFilters", "hit_of"]


@dataclass(frozen=True)
class Hit:
    """One search result.

    Plain data, never markup: ``snippet`` and ``title_marks`` are text with the ranges
    that matched the query; each front end renders (and escapes) them its own way.
    ``score`` orders the hits of one search only: lexical scores, or for a fused (hybrid)
    ranking the fused z-score, which can be negative.
    """

    id: str
    kind: str
    title: str
    snippet: HighlightedText
    score: float
    title_marks: HighlightedText | None = None
    product: str | None = None
    language: str = "zh"

    @property
    def marked_title(self) -> HighlightedText:
        """The title with its matches (the bare title when it was not searched for)."""
        return self.title_marks or HighlightedText(self.title)


def hit_of(item: Item, score: float, marker: Highlighter) -> Hit:
    """``item`` as a result row: its title and the start of its text, marked by ``marker``."""
    body = plain_text(item.body[:20_000])
    if item.questions:
        body = " / ".join(item.questions) + " — " + body
    if item.expert is not None:
        body = " · ".join(p for p in (item.expert.team, item.expert.role, body) if p)
    return Hit(
        id=item.id,
        kind=item.kind.value,
        title=item.title,
        snippet=marker.snippet(body),
        score=round(score, 4),
        title_marks=marker.highlight(item.title),
        product=item.product,
        language=item.language,
    )


@dataclass(frozen=True)
class SearchFilters:
    """What a search is restricted to (None: anything)."""

    kinds: Sequence[str] | None = None
    product: str | None = None
    channel: str | None = None
    language: str | None = None

    def any(self) -> bool:
        """Whether anything is filtered."""
        return bool(self.kinds) or any((self.product, self.channel, self.language))

    def mask(self, snap: IndexSnapshot) -> npt.NDArray[np.bool_] | None:
        """The snapshot's document mask for these filters (None: no filter)."""
        mask = None
        for field, values in (
            ("kind", [str(ItemKind(v)) for v in self.kinds] if self.kinds else None),
            ("product", [self.product] if self.product else None),
            ("channel", [self.channel] if self.channel else None),
            ("language", [self.language] if self.language else None),
        ):
            if values:
                part = snap.filter_mask(field, values)
                mask = part if mask is None else mask & part
        return mask

    def accept(self, item: Item) -> bool:
        """Whether ``item`` passes (for the dense side, which has no index filters)."""
        wanted = {"product": self.product, "channel": self.channel, "language": self.language}
        return accepts(item, self.kinds, wanted)


class HybridSearch:
    """Runs searches on an index snapshot, with the store and the item vectors.

    Args:
        store: The item store (items, usage boosts).
        semantic: The item vectors and the encoder.
    """

    def __init__(self, store: ItemStore, semantic: SemanticSearch) -> None:
        self._store = store
        self._semantic = semantic

    def run(
        self,
        snap: IndexSnapshot,
        planner: QueryPlanner,
        text: str,
        limit: int,
        filters: SearchFilters,
        prefer_language: str | None = None,
        semantic: bool = True,
    ) -> list[Hit]:
        """The final ranking of ``text`` (see the module docstring), at most ``limit`` hits."""
        plan = planner.plan(text, snap.expand_prefix, snap.fuzzy, snap.doc_frequency)
        mask = filters.mask(snap)
        question = is_typed_question(text)
        hybrid = semantic and is_question_like(text)
        depth = max(limit, RERANK_DEPTH) if question else limit
        prefer = preferred(snap, text, prefer_language)

        def rank(fused: bool) -> list[Ranked]:
            # Whether there is a dense side decides where the language preference and the
            # stale demotion apply (once, on the final ranking) and how deep to rank.
            return snap.rank(
                plan,
                max(depth, FUSION_DEPTH) if fused else depth,
                mask,
                self._store.usage_boosts_cached(),
                None if fused else prefer,
            )

        # The encoder works on the question (its own thread) while the lexical side is
        # ranked; rarely the guess is wrong (first search, encoder failed): ranked again.
        fusing = hybrid and self._semantic.start_encoding(text, newest=False)
        ranked = rank(fusing)
        dense = self._semantic.nearest(text) if hybrid else []
        if bool(dense) != fusing:
            ranked = rank(bool(dense))
        # Items are read for the re-ranked head and the final hits only (JSON decoding of
        # 200 candidates cost ~8 ms a query); the rest of the fusion works on ids.
        items = self._store.get_many([r.item_id for r in ranked[:depth]])
        found = [(items[r.item_id], r.score) for r in ranked[:depth] if r.item_id in items]
        # (An id missing from the store: the index is ahead of a concurrent delete.)
        if question:
            found = rerank(text, [(i, score, (i.title, *i.questions)) for i, score in found])
        if not dense:
            # The ranker gave the language boost (over the whole index): staleness only.
            found = weigh(found, item_weights(text, None))
        else:
            if filters.any():
                # The dense side has no index filters: its candidates are filtered here.
                items |= self._store.get_many([i for i, _ in dense if i not in items])
                dense = [(i, s) for i, s in dense if i in items and filters.accept(items[i])]
            lexical = [(item.id, score) for item, score in found]
            lexical += [(r.item_id, r.score) for r in ranked[depth:]]
            fused = fuse(lexical, dense, has_vector=self._semantic.has_vector)[: limit * 2]
            items |= self._store.get_many([i for i, _ in fused if i not in items])
            found = [(items[i], score) for i, score in fused if i in items]
            found = weigh(found, item_weights(text, prefer_language))
        marker = Highlighter(plan.highlight)
        return [hit_of(item, score, marker) for item, score in found[:limit]]
