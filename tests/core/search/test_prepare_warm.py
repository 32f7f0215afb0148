"""Search is declared ready only once its snapshot is open (issue #14)."""

from __future__ import annotations

import shutil
from pathlib import Path

from deskmate.core import KnowledgeBase
from deskmate.core.content.model import Item


def test_prepare_index_opens_the_search_snapshot_before_search_is_ready(
    sample_kb: KnowledgeBase, tmp_path: Path
) -> None:
    # Opening it (and loading the field lengths) took about a second at 100k items: the
    # query typed while the index was prepared waited for it after "ready".
    data = tmp_path / "copy"
    shutil.copytree(sample_kb.data_dir, data)
    shutil.rmtree(data / "index")
    with KnowledgeBase.open(data, prepare_index=False) as kb:
        before = kb._snapshot
        assert before is None
        kb.prepare_index()
        assert kb.index_ready
        assert kb._snapshot is not None
        assert kb.search("退款", limit=1)


def _faq(item_id: str, title: str) -> Item:
    return Item.from_dict(
        {
            "id": item_id,
            "kind": "faq",
            "title": title,
            "body": title,
            "language": "zh",
            "updated_at": "2026-12-01T00:00:00+00:00",
            "version": 1,
        }
    )


def test_a_new_vocabulary_serves_the_rebuilt_index_not_the_old_snapshot(
    empty_kb: KnowledgeBase,
) -> None:
    # A first sync on a new machine: an item arrived and was searched (a snapshot of that
    # index is open), then the server's vocabulary rebuilt the index and more items came.
    # The new index once restarted its generation count, met the old snapshot's number, and
    # every later search read the replaced index until a restart.
    empty_kb.upsert([_faq("faq-a", "宽带报修怎么办")])
    assert [h.id for h in empty_kb.search("宽带报修", limit=3)] == ["faq-a"]
    assert empty_kb.set_vocabulary(skill_names={"billing": "账单"})
    empty_kb.upsert([_faq("faq-5g", "5G 套餐怎么改")])
    assert [h.id for h in empty_kb.search("5G 套餐", limit=3)] == ["faq-5g"]
    assert [h.id for h in empty_kb.search("宽带报修", limit=3)] == ["faq-a"]
