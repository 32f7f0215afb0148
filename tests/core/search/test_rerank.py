"""Typed questions are re-ranked by how closely they read like an item's own questions."""

from __future__ import annotations

import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.search.rerank import is_typed_question, rerank, similarity


def test_similarity_reads_surface_closeness() -> None:
    assert similarity("花呗怎么还款", ["花呗怎么还款"]) == pytest.approx(1.0)
    close = similarity("花呗还款日是哪天", ["花呗每个月几号还款"])
    far = similarity("花呗还款日是哪天", ["借呗额度怎么提升"])
    assert close > far
    # The closest of the title and the alternative questions counts.
    assert similarity("花呗忘还了", ["完全不同的标题", "花呗忘还了怎么办"]) > 0.7
    assert similarity("退款", []) == 0.0


def test_only_typed_questions_are_reranked() -> None:
    assert is_typed_question("花呗还款日是哪天")
    assert not is_typed_question("花呗")  # type-ahead: the lexical order stands
    assert not is_typed_question("refund iphone")
    assert not is_typed_question("hbhk")


def test_rerank_orders_by_the_blend_and_keeps_the_top_score_scale() -> None:
    candidates = [
        ("rare-word-match", 10.0, ["借呗额度怎么提升"]),
        ("paraphrase", 8.0, ["花呗每个月几号还款"]),
    ]
    ranked = rerank("花呗每个月几号还款呢", candidates)
    assert [thing for thing, _ in ranked] == ["paraphrase", "rare-word-match"]
    scores = [score for _, score in ranked]
    assert scores == sorted(scores, reverse=True)
    assert max(scores) <= 10.0
    assert rerank("问题", []) == []


def test_search_results_stay_ordered_by_score(sample_kb: KnowledgeBase) -> None:
    hits = sample_kb.search("花呗的还款日是每个月哪一天", limit=10)
    assert hits
    assert hits[0].id == "faq-pay-012"  # 花呗还款日是哪天？逾期了怎么办？
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
