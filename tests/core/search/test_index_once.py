"""``KnowledgeBase.index_once``: many writes, one index catch-up (a sync of many pages)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from deskmate.core import Item, KnowledgeBase
from deskmate.core.errors import OperationCancelledError
from deskmate.core.knowledge_base import INCREMENTAL_LIMIT


def faq(item_id: str, title: str) -> Item:
    return Item.from_dict(
        {
            "id": item_id,
            "kind": "faq",
            "title": title,
            "body": f"{title}的处理办法。",
            "version": 1,
            "language": "zh",
            "updated_at": "2026-11-01T08:00:00Z",
        }
    )


def found(kb: KnowledgeBase, text: str) -> list[str]:
    return [hit.id for hit in kb.search(text, limit=5)]


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    base = KnowledgeBase.open(tmp_path / "data")
    base.upsert([faq("faq-old", "旧的开户流程")])
    return base


def test_writes_inside_reach_the_index_once_on_leaving(kb: KnowledgeBase) -> None:
    with kb.index_once():
        kb.upsert([faq("faq-a", "信用卡挂失补办")])
        kb.upsert([faq("faq-b", "宽带报修进度")])
        kb.delete(["faq-old"])
        # Inside, searches read the index as it was before the block (a deleted item is
        # gone at once all the same: hits are read from the store).
        assert found(kb, "信用卡挂失") == []
        assert found(kb, "旧的开户流程") == []
        assert kb._upkeep.seq() < kb._store.last_seq()
    assert kb._upkeep.seq() == kb._store.last_seq()
    assert found(kb, "信用卡挂失") == ["faq-a"]
    assert found(kb, "宽带报修") == ["faq-b"]
    assert found(kb, "旧的开户流程") == []


def test_nested_blocks_catch_up_when_the_outermost_leaves(kb: KnowledgeBase) -> None:
    with kb.index_once():
        with kb.index_once():
            kb.upsert([faq("faq-a", "信用卡挂失补办")])
        assert found(kb, "信用卡挂失") == []
    assert found(kb, "信用卡挂失") == ["faq-a"]


def test_a_failing_block_still_indexes_what_it_wrote(kb: KnowledgeBase) -> None:
    def bad_sync() -> None:
        with kb.index_once():
            kb.upsert([faq("faq-a", "信用卡挂失补办")])
            raise RuntimeError("page 3 was bad")

    with pytest.raises(RuntimeError, match="page 3 was bad"):
        bad_sync()
    assert found(kb, "信用卡挂失") == ["faq-a"]


def test_a_cancelled_catch_up_is_made_by_the_next_block(kb: KnowledgeBase) -> None:
    items = [faq(f"faq-{n:05d}", f"批量条目{n}号 话费查询") for n in range(INCREMENTAL_LIMIT + 1)]
    cancel = threading.Event()

    def cancelled_sync() -> None:
        with kb.index_once(cancel):
            kb.upsert(items)
            cancel.set()  # e.g. the app quits while the rebuild a large change needs runs

    with pytest.raises(OperationCancelledError):
        cancelled_sync()
    # The store kept everything; the index still shows the old state and is usable.
    assert kb.count()["faq"] == INCREMENTAL_LIMIT + 2
    assert found(kb, "旧的开户流程") == ["faq-old"]
    assert found(kb, "批量条目17号") == []
    with kb.index_once():
        pass  # nothing new (e.g. the server answered 304): the index still catches up
    assert "faq-00017" in found(kb, "批量条目17号")


def test_writes_outside_a_block_are_indexed_at_once(kb: KnowledgeBase) -> None:
    kb.upsert([faq("faq-a", "信用卡挂失补办")])
    assert found(kb, "信用卡挂失") == ["faq-a"]
