"""Issue #18, "the agent's language first": language preference, swapped letters, synonyms.

Through KnowledgeBase on a real Whoosh index.
"""

from __future__ import annotations

import pytest
from deskmate.core import Item, KnowledgeBase
from deskmate.core.search.agent_language import query_language
from deskmate.core.search.query_plan import transpositions
from deskmate.core.search.synonyms import SynonymTable

from tests.core.content.test_model import faq


def _twins(kb: KnowledgeBase) -> None:
    """A Chinese and an English item equally relevant to the queries below."""
    kb.upsert(
        [
            Item.from_dict(faq(id="zh-1", title="华为 iPhone 电池", body="说明", questions=[])),
            Item.from_dict(
                faq(
                    id="en-1",
                    title="华为 iPhone battery",
                    body="notes",
                    language="en",
                    questions=[],
                )
            ),
        ]
    )


@pytest.mark.parametrize("query", ["iPhone ", "华为 "])
def test_the_agents_language_wins_among_equally_relevant_hits(
    empty_kb: KnowledgeBase, query: str
) -> None:
    _twins(empty_kb)
    plain = empty_kb.search(query)
    assert {h.id for h in plain} == {"zh-1", "en-1"}
    assert plain[0].score == plain[1].score  # the same relevance, so the language decides
    assert [h.id for h in empty_kb.search(query, prefer_language="zh")] == ["zh-1", "en-1"]
    assert [h.id for h in empty_kb.search(query, prefer_language="en")] == ["en-1", "zh-1"]


def test_a_chinese_query_in_a_zh_ui_puts_chinese_items_first(sample_kb: KnowledgeBase) -> None:
    # The pack's synonyms join 退款/退钱 and "refund": the English items match through the
    # rarer English word and outrank the Chinese ones without a preference.
    def languages(query: str, prefer: str | None) -> list[str]:
        return [h.language for h in sample_kb.search(query, limit=3, prefer_language=prefer)]

    assert languages("退款 ", None)[0] == "en"
    assert languages("退款 ", "zh") == ["zh", "zh", "zh"]
    assert languages("退钱 ", "zh")[0] == "zh"
    # And vice versa: English queries in an English UI.
    assert languages("iphone ", None)[0] == "en"
    assert languages("iphone ", "en")[0] == "en"
    assert languages("refund ", "en") == ["en", "en", "en"]


def test_query_language() -> None:
    assert query_language("花呗还款 9") == "zh"
    assert query_language("refund") == "en"
    assert query_language("iPhone 退货") is None
    assert query_language("123") is None


def test_the_preference_does_not_overturn_clearly_better_hits(empty_kb: KnowledgeBase) -> None:
    _twins(empty_kb)
    hits = empty_kb.search("iPhone battery ", prefer_language="zh")
    assert [h.id for h in hits] == ["en-1", "zh-1"]  # it matches both words


def test_the_positional_signature_still_works(empty_kb: KnowledgeBase) -> None:
    _twins(empty_kb)
    assert [h.kind for h in empty_kb.search("华为", 1, ["faq"])] == ["faq"]


def test_swapped_neighbouring_letters_find_the_word(empty_kb: KnowledgeBase) -> None:
    empty_kb.upsert(
        [
            Item.from_dict(faq(id="en-1", title="iPhone battery", language="en", questions=[])),
            Item.from_dict(faq(id="en-2", title="How to receive a refund", language="en")),
            Item.from_dict(faq(id="en-3", title="Laptop battery", language="en", questions=[])),
        ]
    )
    for typed in ("iphnoe", "iphnoe ", "ipohne", "iphoen "):
        hits = empty_kb.search(typed)
        assert [h.id for h in hits] == ["en-1"], typed
        assert hits[0].marked_title.highlighted() == ["iPhone"]
    assert [h.id for h in empty_kb.search("recieve refund ")][:1] == ["en-2"]
    # Exact words still rank first: the iPhone's battery over the laptop's.
    assert [h.id for h in empty_kb.search("iphnoe batetry ")] == ["en-1", "en-3"]


def test_transpositions_only_for_words_of_five_letters() -> None:
    assert "iphon" in transpositions("iphno")
    assert transpositions("ohne") == []
    assert "battery" not in transpositions("battery")  # doubled letters give nothing new


def test_a_synonym_match_is_highlighted(empty_kb: KnowledgeBase) -> None:
    empty_kb.set_vocabulary(SynonymTable.parse("退钱, 退款\nrefund, reimburse\n"))
    empty_kb.upsert(
        [
            Item.from_dict(faq(id="zh-1", title="退款规则", questions=[])),
            Item.from_dict(faq(id="en-1", title="Refunds explained", language="en", questions=[])),
        ]
    )
    hit = empty_kb.search("退钱 ")[0]
    assert hit.id == "zh-1"
    assert hit.marked_title.highlighted() == ["退款"]
    english = empty_kb.search("reimburse ")[0]
    assert english.id == "en-1"
    assert english.marked_title.highlighted() == ["Refunds"]
