"""Search behaviour on the real sample pack, with a real Whoosh index."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from deskmate.core import HighlightedText, Item, KnowledgeBase
from deskmate.core.search.postings import field_lengths, read_postings

from tests.core.content.test_model import faq


def ids(kb: KnowledgeBase, text: str, **kw: object) -> list[str]:
    return [h.id for h in kb.search(text, **kw)]  # type: ignore[arg-type]


def test_chinese_query_finds_the_matching_faq(sample_kb: KnowledgeBase) -> None:
    assert "faq-pay-012" in ids(sample_kb, "花呗还款")[:3]


def test_pinyin_initials_and_full_pinyin(sample_kb: KnowledgeBase) -> None:
    assert ids(sample_kb, "hbhk")[0] == "faq-pay-012"
    top = sample_kb.search("huabei", limit=5)
    assert top
    assert all("花呗" in h.title or "huabei" in h.title.lower() for h in top[:3])


def test_english_and_mixed_queries(sample_kb: KnowledgeBase) -> None:
    assert ids(sample_kb, "refund iphone")[0] == "faq-en-refund-001"
    mixed = sample_kb.search("iPhone 退货")
    assert mixed[0].id == "faq-iphone-return-guide"


def test_english_words_are_not_read_as_pinyin_initials(empty_kb: KnowledgeBase) -> None:
    # The letters of "track my parcel" split into initials tr/ac/km/yp...; each is the
    # initials of some Chinese title. Those must not outrank or crowd the English answer.
    empty_kb.upsert(
        [
            Item.from_dict(faq(id="en-1", title="Track your parcel", language="en", questions=[])),
            *(
                Item.from_dict(faq(id=f"zh-{n}", title=title, questions=[]))
                # Their initials: tr ac km yp ar ce l, the letters of "trackmyparcel".
                for n, title in enumerate(["开门", "投入", "安插", "邮票", "爱人", "车额", "来"])
            ),
        ]
    )
    assert ids(empty_kb, "track my parcel") == ["en-1"]
    # Typed as one run, letters still read as initials.
    assert ids(empty_kb, "km")[:1] == ["zh-0"]


def test_highlighting_is_case_insensitive_and_marks_whole_words(empty_kb: KnowledgeBase) -> None:
    empty_kb.upsert(
        [Item.from_dict(faq(id="en-1", title="REFUNDS for iPhone 退款", language="en"))]
    )
    hit = empty_kb.search("refund iphone 退款")[0]
    assert hit.marked_title.text == "REFUNDS for iPhone 退款"
    assert hit.marked_title.highlighted() == ["REFUNDS", "iPhone", "退款"]


def test_typeahead_treats_the_last_word_as_prefix(sample_kb: KnowledgeBase) -> None:
    assert "faq-pay-012" in ids(sample_kb, "花呗还")[:5]
    assert "faq-en-refund-001" in ids(sample_kb, "refu")[:5]


def test_typo_in_an_english_word_is_tolerated(sample_kb: KnowledgeBase) -> None:
    assert "faq-en-refund-001" in ids(sample_kb, "refnd iphone ")[:3]


def test_synonyms_from_the_pack(sample_kb: KnowledgeBase) -> None:
    # 退钱 is listed with 退款 in synonyms.txt; titles say 退款.
    hits = sample_kb.search("退钱 ")
    assert hits
    assert any("退款" in h.title for h in hits[:5])


def test_filters_by_kind_and_language(sample_kb: KnowledgeBase) -> None:
    experts = sample_kb.search("退款", kinds=["expert"])
    assert experts
    assert {h.kind for h in experts} == {"expert"}
    english = sample_kb.search("退款 refund", language="en")
    assert english
    assert {h.language for h in english} == {"en"}


def test_expert_found_by_name_and_team(sample_kb: KnowledgeBase) -> None:
    assert ids(sample_kb, "张伟")[0] == "exp-001"
    assert "exp-001" in ids(sample_kb, "账单与退款组", kinds=["expert"])


def test_hits_are_plain_text_with_ranges_never_markup(empty_kb: KnowledgeBase) -> None:
    # Issue #14: the core returns text plus highlight ranges; renderers escape and mark.
    body = "退款说明 <b>bold</b> & done"
    empty_kb.upsert([Item.from_dict(faq(id="x-1", title="退款 <i>规则</i> & more", body=body))])
    hit = empty_kb.search("退款")[0]
    assert isinstance(hit.snippet, HighlightedText)
    assert hit.marked_title.text == "退款 <i>规则</i> & more"  # as written: no entity, no tag
    assert hit.marked_title.spans == ((0, 2),)
    assert "<mark>" not in hit.snippet.text
    assert "&amp;" not in hit.snippet.text
    assert set(hit.snippet.highlighted()) == {"退款"}


def test_english_words_are_highlighted_by_their_stem(empty_kb: KnowledgeBase) -> None:
    # "battery" is indexed as "batteri": the old pattern (stem + letters) missed it.
    empty_kb.upsert([Item.from_dict(faq(id="en-1", title="Battery replacement", language="en"))])
    hit = empty_kb.search("battery replacements")[0]
    assert hit.marked_title.highlighted() == ["Battery", "replacement"]


def test_upsert_and_delete_are_visible_at_once(
    sample_kb: KnowledgeBase, caplog: pytest.LogCaptureFixture
) -> None:
    sample_kb.search("宽带")
    sample_kb.upsert([Item.from_dict(faq(id="new-1", title="量子路由器保修"))])
    assert ids(sample_kb, "量子路由器")[0] == "new-1"
    sample_kb.delete(["new-1"])
    assert "new-1" not in ids(sample_kb, "量子路由器")
    assert "rebuilding" not in caplog.text  # incremental, not a silent full rebuild


def test_usage_signal_lifts_an_item_a_little(empty_kb: KnowledgeBase) -> None:
    empty_kb.upsert([Item.from_dict(faq(id=f"u-{n}", title="宽带 断网 处理")) for n in range(3)])
    before = ids(empty_kb, "宽带断网")
    empty_kb.record_usage(before[-1], consulted=40, helpful=10)
    assert ids(empty_kb, "宽带断网")[0] == before[-1]


def test_fast_posting_reader_matches_the_matcher_protocol(sample_kb: KnowledgeBase) -> None:
    snap = sample_kb._current_snapshot()
    for leaf, _offset in snap._leaves:
        for term in ("退款", "花呗", "refund"):
            fast = read_postings(leaf, "body", term)
            slow = read_postings(leaf, "body", term, fast=False)
            assert np.array_equal(fast[0], slow[0])
            assert np.array_equal(fast[1], slow[1])
            assert fast[0].size > 0 or term == "refund"


def test_fast_length_reader_matches_whoosh(
    sample_kb: KnowledgeBase, caplog: pytest.LogCaptureFixture
) -> None:
    snap = sample_kb._current_snapshot()
    caplog.set_level("DEBUG", logger="deskmate.core.search.postings")
    for leaf, _offset in snap._leaves:
        for field in ("title", "body", "py_init"):
            fast = field_lengths(leaf, field)
            slow = field_lengths(leaf, field, fast=False)
            assert np.array_equal(fast, slow)
    assert "fast path unavailable" not in caplog.text


@pytest.mark.logs_warnings(r"rebuilding it from the store")
def test_garbled_index_is_rebuilt_on_open(sample_kb: KnowledgeBase, tmp_path: Path) -> None:
    data = sample_kb.data_dir
    sample_kb.close()
    for f in (data / "index" / "current").iterdir():
        if f.suffix in (".seg", ".toc", ".trm", ".pst") or f.name.startswith("_MAIN"):
            f.write_bytes(b"\x00garbage" * 10)
    with KnowledgeBase.open(data) as kb:
        assert "faq-pay-012" in [h.id for h in kb.search("花呗还款")]


@pytest.mark.logs_warnings(r"search index could not be updated")
def test_index_deleted_under_a_running_process(sample_kb: KnowledgeBase) -> None:
    sample_kb.search("宽带")  # open a snapshot first
    shutil.rmtree(sample_kb.data_dir / "index")
    sample_kb.upsert([Item.from_dict(faq(id="after-1", title="量子光猫七彩灯闪烁"))])
    assert ids(sample_kb, "量子光猫七彩灯")[0] == "after-1"


def test_empty_and_stopword_only_queries(sample_kb: KnowledgeBase) -> None:
    assert sample_kb.search("   ") == []
    sample_kb.search("怎么")  # only a stop word: searched as typed, no error
    sample_kb.search("的的的的")


@pytest.mark.parametrize("text", ["'", "*?", "OR AND NOT", "((", "\x00", "🙂" * 50, "a" * 3000])
def test_odd_queries_never_raise(sample_kb: KnowledgeBase, text: str) -> None:
    sample_kb.search(text)


def test_segmented_build_ranks_like_one_segment(
    sample_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deskmate.core.search import index_store

    queries = ["花呗还款", "hbhk", "refund iphone", "退款", "投诉 经理"]
    one = {q: [(h.id, round(h.score, 4)) for h in sample_kb.search(q)] for q in queries}
    monkeypatch.setattr(index_store, "SEGMENT_DOCS", 40)
    sample_kb.rebuild_index()
    segments = len(list(sample_kb._index.open().reader().leaf_readers()))
    assert segments > 1
    many = {q: [(h.id, round(h.score, 4)) for h in sample_kb.search(q)] for q in queries}
    assert many == one
