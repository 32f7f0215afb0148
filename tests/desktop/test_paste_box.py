"""The "paste the customer's message" box, through the real sidebar (issue #18)."""

from __future__ import annotations

import pytest
from deskmate.core.activity.events import EventKind
from deskmate.core.suggest_text import MAX_INPUT_CHARS
from deskmate.desktop.clipboard_suggest import ClipboardSuggest
from deskmate.desktop.paste_box import PasteBox
from deskmate.desktop.sidebar import SidebarWindow
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

MESSAGE = "您好，我上周申请的退款\n到现在还没到账，\t请问退款多久能到？"


@pytest.fixture
def box(sidebar: SidebarWindow) -> PasteBox:
    suggest = ClipboardSuggest(sidebar, sidebar.recorder, sidebar.show, parent=sidebar)
    return PasteBox(sidebar, suggest)


def _paste(box: PasteBox, text: str) -> None:
    data = QMimeData()
    data.setText(text)
    box.edit.insertFromMimeData(data)  # what Ctrl+V in the box does


def test_the_search_box_button_opens_the_box_and_suggest_searches_the_message(
    qtbot: QtBot, sidebar: SidebarWindow, box: PasteBox
) -> None:
    assert box.isHidden()
    assert box.action in sidebar.search_box.actions()
    box.action.trigger()
    assert box.isVisible()
    qtbot.waitUntil(box.edit.hasFocus, timeout=5_000)
    _paste(box, MESSAGE)
    qtbot.keyClick(box.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    expected = " ".join(MESSAGE.split())
    qtbot.waitUntil(lambda: sidebar.search_box.text() == expected, timeout=5_000)
    qtbot.waitUntil(lambda: sidebar.painted_request == sidebar.runner.latest, timeout=10_000)
    assert sidebar.model.rowCount() > 0
    sidebar.end_session()
    sidebar.recorder.flush()
    searches = [e for e in sidebar.recorder.recent(20) if e.kind is EventKind.SEARCH]
    assert [e.detail.get("source") for e in searches] == ["paste"]
    assert searches[0].upload_dict()["query"] == ""
    box.close_button.click()
    assert box.isHidden()
    assert box.edit.toPlainText() == ""  # the customer's words are not kept in the box


def test_a_secret_is_refused_with_a_reason_and_nothing_searched(
    qtbot: QtBot, sidebar: SidebarWindow, box: PasteBox
) -> None:
    box.toggle()
    _paste(box, "客户发来：卡号 4111 1111 1111 1111 密码：123456")
    assert not box.submit()
    assert box.note.isVisible()
    assert "card number" in box.note.text()
    assert sidebar.search_box.text() == ""
    sidebar.recorder.flush()
    assert sidebar.recorder.recent(20) == []


def test_a_paste_over_the_limit_is_not_inserted(
    qtbot: QtBot, sidebar: SidebarWindow, box: PasteBox
) -> None:
    box.toggle()
    _paste(box, "退" * (10 * 1024 * 1024))
    assert box.edit.toPlainText() == ""
    assert box.note.isVisible()
    assert str(MAX_INPUT_CHARS) in box.note.text()
    _paste(box, "   \n  ")
    assert not box.submit()
    assert "no words" in box.note.text()
    QApplication.processEvents()
