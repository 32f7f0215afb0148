"""Back/forward across opened items, the text size, and where "nothing found" shows (#18)."""

from __future__ import annotations

import json

from deskmate.core.settings import Settings
from deskmate.desktop.app import DeskmateApp
from deskmate.desktop.settings_dialog import SettingsDialog
from deskmate.desktop.sidebar import SidebarWindow
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.desktop.conftest import press, shot, type_text, wait_for_results

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def _shown(window: SidebarWindow) -> str | None:
    item = window.current_item()
    return item.id if item else None


def test_alt_left_and_right_walk_the_opened_items(qtbot: QtBot, sidebar: SidebarWindow) -> None:
    for item_id in ("faq-pay-012", "exp-001", "exp-006"):
        sidebar.open_item(item_id)
    back, forward = sidebar.item_history.back_button, sidebar.item_history.forward_button
    assert back.isVisible()
    assert not forward.isEnabled()

    press(qtbot, sidebar, Qt.Key.Key_Left, ALT)
    assert _shown(sidebar) == "exp-001"
    assert forward.isEnabled()
    qtbot.mouseClick(back, Qt.MouseButton.LeftButton)
    assert _shown(sidebar) == "faq-pay-012"
    press(qtbot, sidebar, Qt.Key.Key_Right, ALT)
    assert _shown(sidebar) == "exp-001"
    qtbot.mouseClick(forward, Qt.MouseButton.LeftButton)
    assert _shown(sidebar) == "exp-006"
    assert not forward.isEnabled()

    # Opening another item from the middle drops what was ahead, as a browser does.
    press(qtbot, sidebar, Qt.Key.Key_Left, ALT)
    sidebar.open_item("exp-010")
    assert sidebar.item_history.trail.ids == ["faq-pay-012", "exp-001", "exp-010"]
    assert not forward.isEnabled()

    # Back from the first item is the result list; forward from the list reopens it.
    press(qtbot, sidebar, Qt.Key.Key_Left, ALT)
    press(qtbot, sidebar, Qt.Key.Key_Left, ALT)
    assert _shown(sidebar) == "faq-pay-012"
    press(qtbot, sidebar, Qt.Key.Key_Left, ALT)
    assert _shown(sidebar) is None
    assert sidebar.pages.currentWidget() is sidebar.results_page
    press(qtbot, sidebar.search_box, Qt.Key.Key_Right, ALT)
    assert _shown(sidebar) == "faq-pay-012"


def test_ctrl_plus_minus_zero_scale_the_text(qtbot: QtBot, sidebar: SidebarWindow) -> None:
    base = QApplication.font().pointSizeF()
    press(qtbot, sidebar.search_box, Qt.Key.Key_Equal, CTRL)
    assert sidebar.zoom.percent == 110
    assert abs(sidebar.font().pointSizeF() - base * 1.1) < 0.01
    assert abs(sidebar.search_box.font().pointSizeF() - base * 1.1) < 0.01  # children follow
    press(qtbot, sidebar.search_box, Qt.Key.Key_Equal, CTRL)
    assert sidebar.zoom.percent == 125
    assert "125" in sidebar.status.text()
    press(qtbot, sidebar.search_box, Qt.Key.Key_Minus, CTRL)
    press(qtbot, sidebar.search_box, Qt.Key.Key_Minus, CTRL)
    press(qtbot, sidebar.search_box, Qt.Key.Key_Minus, CTRL)
    assert sidebar.zoom.percent == 90
    press(qtbot, sidebar.search_box, Qt.Key.Key_0, CTRL)
    assert sidebar.zoom.percent == 100
    assert abs(sidebar.font().pointSizeF() - base) < 0.01


def test_text_size_persists_through_the_settings(qtbot: QtBot, start_app: DeskmateApp) -> None:
    window = start_app.window
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    press(qtbot, window.search_box, Qt.Key.Key_Equal, CTRL)
    assert window.zoom.percent == 110
    saved = json.loads(start_app.settings_store.path.read_text("utf-8"))
    assert saved["text_zoom"] == 110
    assert start_app.settings_store.load().text_zoom == 110
    # The Settings dialog shows and changes it too.
    dialog = SettingsDialog(start_app.settings, frozenset(), [], window)
    qtbot.addWidget(dialog)
    assert dialog.text_zoom.value() == 110
    dialog.text_zoom.setValue(150)
    assert dialog.settings().text_zoom == 150
    assert Settings(text_zoom=900).text_zoom == 200  # clamped, like the width


def test_nothing_found_shows_right_under_the_search_box(
    qtbot: QtBot, sidebar: SidebarWindow
) -> None:
    type_text(qtbot, sidebar.search_box, "zzqqxx")
    wait_for_results(qtbot, sidebar, "zzqqxx")
    label = sidebar.empty_label
    assert label.isVisible()
    assert "Nothing found" in label.text()
    assert not sidebar.results.isVisible()  # no empty list above it
    box_bottom = sidebar.search_box.mapTo(sidebar, QPoint(0, sidebar.search_box.height())).y()
    label_top = label.mapTo(sidebar, QPoint(0, 0)).y()
    assert 0 <= label_top - box_bottom < 80  # before: at the bottom of a 800 px window
    shot(sidebar, "nothing-found-en")
    sidebar.search_box.clear()
    type_text(qtbot, sidebar.search_box, "退款")
    wait_for_results(qtbot, sidebar, "退款")
    assert sidebar.results.isVisible()
    assert not label.isVisible()
