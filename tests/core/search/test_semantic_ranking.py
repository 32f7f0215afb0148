"""The fused (hybrid) ranking keeps the lexical path's adjustments: the agent's language
first and stale items demoted, applied once to the final list, and plain-data snippets."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.content.model import Item, ItemKind
from deskmate.core.search.agent_language import NEAR_TIE_BOOST, SAME_LANGUAGE_BOOST
from deskmate.core.search.final_weights import item_weights, weigh
from deskmate.core.search.freshness import STALE_FACTOR
from deskmate.core.search.snippets import HighlightedText

# The sample pack's FAQ faq-bb-007 (搬家了宽带能移过去吗？) asked in other words.
PARAPHRASE = "我要换个地方住家里的网络能跟着搬走吗"
PARAPHRASED_ID = "faq-bb-007"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture
def semantic_kb(_semantic_kb_template: Path, tmp_path: Path) -> Iterator[KnowledgeBase]:
    data = tmp_path / "semantic"
    shutil.copytree(_semantic_kb_template, data)
    with KnowledgeBase.open(data) as kb:
        yield kb


def _item(item_id: str, language: str, verified_days_ago: int | None = None) -> Item:
    verified = None if verified_days_ago is None else NOW - timedelta(days=verified_days_ago)
    return Item(
        id=item_id,
        kind=ItemKind.FAQ,
        title=item_id,
        body="",
        language=language,
        updated_at=NOW,
        version=1,
        verified_at=verified,
    )


def test_weights_act_like_the_lexical_products_and_keep_their_direction() -> None:
    fresh, stale, english = _item("a", "zh"), _item("b", "zh", 200), _item("c", "en")
    factor = item_weights("退款怎么申请", "en", NOW)
    assert factor(fresh) == 1.0
    assert factor(stale) == pytest.approx(STALE_FACTOR)
    assert factor(english) == pytest.approx(1 + NEAR_TIE_BOOST)
    # A positive fused score is multiplied; a negative one still falls (stale) or rises.
    weighed = dict(weigh([(fresh, 1.0), (stale, -1.0), (english, -2.0)], factor))
    assert weighed[fresh] == 1.0
    assert weighed[stale] == pytest.approx(-1.0 - (1 - STALE_FACTOR))
    assert weighed[english] == pytest.approx(-2.0 + 2 * NEAR_TIE_BOOST)
    # Equal scores: the stale one goes below the fresh one.
    tied = weigh([(stale, 0.5), (fresh, 0.5)], item_weights("x", None, NOW))
    assert [item.id for item, _ in tied] == ["a", "b"]


def test_a_stale_item_is_demoted_in_the_fused_ranking(semantic_kb: KnowledgeBase) -> None:
    before = {h.id: h.score for h in semantic_kb.search(PARAPHRASE, 5)}
    item = semantic_kb.get(PARAPHRASED_ID)
    assert item is not None
    assert PARAPHRASED_ID in before
    long_ago = datetime.now(UTC) - timedelta(days=400)
    semantic_kb.upsert([dataclasses.replace(item, verified_at=long_ago)])
    after = {h.id: h.score for h in semantic_kb.search(PARAPHRASE, 5)}
    score = before[PARAPHRASED_ID]
    assert after[PARAPHRASED_ID] == pytest.approx(score + abs(score) * (STALE_FACTOR - 1), abs=2e-4)
    assert after[PARAPHRASED_ID] < score


def test_the_agents_language_is_preferred_once_in_the_fused_ranking(
    semantic_kb: KnowledgeBase,
) -> None:
    moving = Item.from_dict(
        {
            "id": "faq-en-move-broadband",
            "kind": "faq",
            "title": "Can my home broadband move with me to my new address?",
            "body": "Yes: book the move in the app three days ahead.",
            "questions": ["换个地方住，家里的网络能跟着搬走吗"],  # asked in Chinese too
            "language": "en",
            "updated_at": "2026-11-01T00:00:00+08:00",
            "version": 1,
        }
    )
    semantic_kb.upsert([moving])
    assert semantic_kb.semantic.encode_items().encoded == 1
    plain = {h.id: h for h in semantic_kb.search(PARAPHRASE, 40)}
    assert moving.id in plain
    for language, boost in (("en", NEAR_TIE_BOOST), ("zh", SAME_LANGUAGE_BOOST)):
        # A Chinese query: Chinese items gain the larger share, English ones a near-tie's.
        preferring = {h.id: h for h in semantic_kb.search(PARAPHRASE, 40, prefer_language=language)}
        both = plain.keys() & preferring.keys()
        assert moving.id in both
        for item_id in both:
            score = plain[item_id].score
            gain = boost if plain[item_id].language == language else 0.0
            assert preferring[item_id].score == pytest.approx(score + abs(score) * gain, abs=2e-4)


def test_hits_found_by_meaning_have_plain_data_snippets(semantic_kb: KnowledgeBase) -> None:
    hits = semantic_kb.search(PARAPHRASE, 5)
    found = next(h for h in hits if h.id == PARAPHRASED_ID)
    assert isinstance(found.snippet, HighlightedText)
    assert isinstance(found.marked_title, HighlightedText)
    assert "<" not in found.snippet.text
    assert "<mark>" not in found.marked_title.text
