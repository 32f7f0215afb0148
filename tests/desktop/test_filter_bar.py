"""Filters by product and channel (issue #18): the sidebar's filter bar and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from deskmate.core import KnowledgeBase
from deskmate.desktop.cli import main
from deskmate.desktop.sidebar import SidebarWindow
from pytestqt.qtbot import QtBot

from tests.desktop.conftest import shot, type_text, wait_for_results


def _items(window: SidebarWindow, kb: KnowledgeBase) -> list[tuple[str | None, str | None]]:
    found = []
    for row in range(window.model.rowCount()):
        hit = window.model.hit(row)
        assert hit is not None
        item = kb.get(hit.id)
        assert item is not None
        found.append((item.product, item.channel))
    return found


def test_product_and_channel_menus_filter_the_results(
    qtbot: QtBot, sidebar: SidebarWindow, sample_kb: KnowledgeBase
) -> None:
    bar = sidebar.filter_bar
    qtbot.waitUntil(lambda: bar.product_box.count() > 1, timeout=5000)
    products = [bar.product_box.itemData(n) for n in range(1, bar.product_box.count())]
    assert "宽带" in products
    assert "支付" in products
    channels = [bar.channel_box.itemText(n) for n in range(bar.channel_box.count())]
    assert channels == ["Channel", "Chat", "Email", "Phone"]  # voice/chat/email, named

    type_text(qtbot, sidebar.search_box, "退款")
    wait_for_results(qtbot, sidebar, "退款")
    unfiltered = _items(sidebar, sample_kb)
    assert len({p for p, _c in unfiltered}) > 1  # several products before filtering

    bar.choose(product="商城订单")
    qtbot.waitUntil(lambda: sidebar.painted_request == sidebar.runner.latest, timeout=5000)
    assert sidebar.model.rowCount() > 0
    assert {p for p, _c in _items(sidebar, sample_kb)} == {"商城订单"}
    shot(sidebar, "filters-product-en")

    bar.choose(product="商城订单", channel="chat")
    qtbot.waitUntil(lambda: sidebar.painted_request == sidebar.runner.latest, timeout=5000)
    rows = _items(sidebar, sample_kb)
    assert all(r == ("商城订单", "chat") for r in rows)

    bar.choose()  # all again
    qtbot.waitUntil(lambda: sidebar.painted_request == sidebar.runner.latest, timeout=5000)
    assert len(_items(sidebar, sample_kb)) == len(unfiltered)


def test_cli_search_filters_by_product_and_channel(
    sample_pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path / "d")
    assert main(["import", "--data-dir", data, str(sample_pack)]) == 0
    capsys.readouterr()
    args = ["search", "--data-dir", data, "--json", "--limit", "30", "退款"]
    assert main([*args, "--product", "商城订单"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows
    assert {r["product"] for r in rows} == {"商城订单"}

    assert main([*args, "--channel", "chat"]) == 0
    chat_ids = {r["id"] for r in json.loads(capsys.readouterr().out)}
    assert chat_ids
    with KnowledgeBase.open(data) as kb:
        assert {kb.get(i).channel for i in chat_ids} == {"chat"}  # type: ignore[union-attr]

    assert main([*args, "--product", "火星"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out) == []
    assert "no item has the product '火星'" in out.err
    assert "宽带" in out.err
