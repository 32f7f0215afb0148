"""The expert directory by team and skill, with availability (issue #18)."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

from deskmate.desktop.sidebar import SidebarWindow
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.desktop.conftest import press, shot

CST = timezone(timedelta(hours=8))
WEDNESDAY_10 = datetime(2026, 12, 2, 10, 0, tzinfo=CST)
WEDNESDAY_20 = datetime(2026, 12, 2, 20, 0, tzinfo=CST)


def _open_directory(qtbot: QtBot, sidebar: SidebarWindow) -> None:
    button = sidebar.findChild(type(sidebar.gap_button), "filter:expert")
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    browser = sidebar.expert_browser
    qtbot.waitUntil(lambda: browser.tree.topLevelItemCount() > 0, timeout=5000)
    assert sidebar.pages.currentWidget() is browser


def _group(sidebar: SidebarWindow, starts: str) -> list[str]:
    return [row for head, row in sidebar.expert_browser.expert_rows() if head.startswith(starts)]


def test_experts_filter_with_an_empty_box_browses_by_team_and_skill(
    qtbot: QtBot, sidebar: SidebarWindow
) -> None:
    _open_directory(qtbot, sidebar)
    browser = sidebar.expert_browser
    browser.refresh(now=WEDNESDAY_10)
    heads = [browser.tree.topLevelItem(n).text(0) for n in range(browser.tree.topLevelItemCount())]  # type: ignore[union-attr]
    assert any(h.startswith("账单与退款组 — 5 of 5 available") for h in heads), heads
    billing = _group(sidebar, "账单与退款组")
    assert len(billing) == 5
    assert any("张伟" in r and "In working hours now (工作日 09:00-18:00)" in r for r in billing)
    shot(sidebar, "experts-by-team-en")

    browser.refresh(now=WEDNESDAY_20)
    billing = _group(sidebar, "账单与退款组")
    assert any("张伟" in r and "Outside working hours" in r for r in billing)
    assert any("刘洋" in r and "Outside working hours" in r for r in billing)  # 轮班 08:00-20:00
    assert any("赵敏" in r and "In working hours now" in r for r in _group(sidebar, "宽带技术组"))

    qtbot.mouseClick(browser.by_skill, Qt.MouseButton.LeftButton)
    refunds = _group(sidebar, "退款处理 Refunds")
    assert len(refunds) >= 4  # 张伟, 王磊, 陈静, 徐丽, Emily Carter
    assert any("Emily Carter" in r for r in refunds)
    shot(sidebar, "experts-by-skill-en")

    # Activating an expert opens their card, which says whether they are reachable now.
    row = next(
        browser.tree.topLevelItem(n).child(c)  # type: ignore[union-attr]
        for n in range(browser.tree.topLevelItemCount())
        for c in range(browser.tree.topLevelItem(n).childCount())  # type: ignore[union-attr]
        if "张伟" in browser.tree.topLevelItem(n).child(c).text(0)  # type: ignore[union-attr]
    )
    browser.tree.itemActivated.emit(row, 0)
    item = sidebar.current_item()
    assert item is not None
    assert item.id == "exp-001"
    facts = sidebar.item_view.expert._facts.text()
    assert "<b>Now</b>" in facts
    # Esc from the card returns to the directory (this filter's home), Esc again hides.
    press(qtbot, sidebar, Qt.Key.Key_Escape)
    assert sidebar.pages.currentWidget() is browser
    with qtbot.waitSignal(sidebar.hide_requested):
        press(qtbot, sidebar, Qt.Key.Key_Escape)
    # Typing searches as usual; "All" leaves the directory.
    sidebar.search_box.setText("张伟")
    assert sidebar.pages.currentWidget() is sidebar.results_page
    sidebar.search_box.clear()
    assert sidebar.pages.currentWidget() is browser
    browser.back_requested.emit()
    assert sidebar.pages.currentWidget() is sidebar.results_page


def test_presence_set_by_the_server_shows_instead_of_hours(
    qtbot: QtBot, sidebar: SidebarWindow
) -> None:
    item = sidebar.kb.get("exp-001")
    assert item is not None
    assert item.expert is not None
    busy = dataclasses.replace(
        item, expert=dataclasses.replace(item.expert, presence="busy"), version=item.version + 1
    )
    sidebar.kb.upsert([busy])
    _open_directory(qtbot, sidebar)
    sidebar.expert_browser.refresh(now=WEDNESDAY_10)
    billing = _group(sidebar, "账单与退款组")
    assert any("张伟" in r and r.endswith("Busy") for r in billing), billing
    assert any(
        h.startswith("账单与退款组 — 4 of 5") for h, _r in sidebar.expert_browser.expert_rows()
    )
