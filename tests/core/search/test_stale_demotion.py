"""Stale items are demoted slightly: of two equally relevant answers, the checked one first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from deskmate.core import KnowledgeBase
from deskmate.core.content.model import Item
from deskmate.core.search.final_weights import item_weights, weigh
from deskmate.core.search.freshness import STALE_FACTOR, is_stale

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _faq(item_id: str, verified_days_ago: int | None, **extra: Any) -> Item:
    record: dict[str, Any] = {
        "id": item_id,
        "kind": "faq",
        "title": "电子发票怎么开",
        "body": "在订单页点开具发票。",
        "language": "zh",
        "updated_at": "2026-10-01T09:00:00+08:00",
        "version": 1,
        **extra,
    }
    if verified_days_ago is not None:
        record["verified_by"] = "王芳"
        record["verified_at"] = (NOW - timedelta(days=verified_days_ago)).isoformat()
    return Item.from_dict(record)


def test_only_faqs_and_scripts_verified_long_ago_are_stale() -> None:
    assert is_stale(_faq("a", 91), NOW)
    assert not is_stale(_faq("b", 90), NOW)
    assert not is_stale(_faq("c", None), NOW)  # never verified: nothing says it is stale


def demote_stale(found: list[tuple[Item, float]], now: datetime) -> list[tuple[Item, float]]:
    return weigh(found, item_weights("", None, now))  # what a lexical ranking ends with


def test_equal_relevance_puts_the_fresh_item_first_and_a_clear_lead_stands() -> None:
    stale, fresh = _faq("stale", 200), _faq("fresh", 3)
    assert [i.id for i, _s in demote_stale([(stale, 5.0), (fresh, 5.0)], NOW)] == [
        "fresh", "stale",
    ]  # fmt: skip
    assert [i.id for i, _s in demote_stale([(stale, 5.0), (fresh, 4.0)], NOW)] == [
        "stale", "fresh",
    ]  # fmt: skip
    [(_item, score)] = demote_stale([(stale, 5.0)], NOW)
    assert score == 5.0 * STALE_FACTOR


def test_search_ranks_the_verified_twin_above_the_stale_one(tmp_path: Path) -> None:
    kb = KnowledgeBase.open(tmp_path / "kb")
    try:
        # "a-stale" sorts first by id: without the demotion the tie keeps it on top.
        old = datetime.now(UTC) - timedelta(days=365)
        stale = _faq("a-stale", None, verified_by="李", verified_at=old.isoformat())
        fresh = _faq("b-fresh", None, verified_by="王芳", verified_at=datetime.now(UTC).isoformat())
        kb.upsert([stale, fresh])
        kb.prepare_index()
        hits = kb.search("电子发票怎么开", limit=5)
        assert [h.id for h in hits[:2]] == ["b-fresh", "a-stale"]
    finally:
        kb.close()
