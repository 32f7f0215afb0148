"""Ctrl+C copies the open answer or filled script from anywhere in the sidebar (issue #18).

Before: a focused search box or script blank took Ctrl+C for itself and, with nothing
selected, copied nothing, silently; the README promises "Ctrl+C copies the answer".
"""

from __future__ import annotations

import dataclasses

from deskmate.core.content.model import ItemKind
from deskmate.desktop.sidebar import SidebarWindow
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.desktop.conftest import press

SENTINEL = "— clipboard before —"
GUIDANCE = "切忌：不要说「肯定今天到」"


def _ctrl_c(qtbot: QtBot, widget: object) -> None:
    press(qtbot, widget, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)  # type: ignore[arg-type]


def test_ctrl_c_in_the_search_box_copies_the_open_answer_with_a_flash(
    qtbot: QtBot, sidebar: SidebarWindow
) -> None:
    faq = next(i for i in sidebar.kb._store.iter_items() if i.kind is ItemKind.FAQ)
    sidebar.open_item(faq.id)
    sidebar.search_box.setFocus()
    sidebar.search_box.deselect()
    QGuiApplication.clipboard().setText(SENTINEL)
    _ctrl_c(qtbot, sidebar.search_box)
    copied = QGuiApplication.clipboard().text()
    assert copied != SENTINEL
    assert copied == sidebar.item_view.answer.toPlainText()
    assert sidebar.copied_flash.isVisible()
    assert sidebar.copied_flash.text() == "Copied"
    qtbot.waitUntil(lambda: not sidebar.copied_flash.isVisible(), timeout=3000)


def test_ctrl_c_in_the_answer_text_without_selection_copies_the_answer(
    qtbot: QtBot, sidebar: SidebarWindow
) -> None:
    faq = next(i for i in sidebar.kb._store.iter_items() if i.kind is ItemKind.FAQ)
    sidebar.open_item(faq.id)
    sidebar.item_view.answer.setFocus()
    QGuiApplication.clipboard().setText(SENTINEL)
    _ctrl_c(qtbot, sidebar.item_view.answer)
    assert QGuiApplication.clipboard().text() == sidebar.item_view.answer.toPlainText()


def test_a_real_selection_still_copies_the_selection(qtbot: QtBot, sidebar: SidebarWindow) -> None:
    sidebar.search_box.setText("refund policy")
    sidebar.search_box.setFocus()
    sidebar.search_box.setSelection(0, 6)
    QGuiApplication.clipboard().setText(SENTINEL)
    _ctrl_c(qtbot, sidebar.search_box)
    assert QGuiApplication.clipboard().text() == "refund"
    assert sidebar.current_item() is None  # nothing was opened to copy an answer


def test_ctrl_c_in_a_script_blank_copies_the_filled_script_without_guidance(
    qtbot: QtBot, sidebar: SidebarWindow
) -> None:
    script = next(
        i
        for i in sidebar.kb._store.iter_items()
        if i.kind is ItemKind.SCRIPT and len(i.placeholders) >= 1
    )
    sidebar.kb.upsert([dataclasses.replace(script, guidance=GUIDANCE, version=script.version + 1)])
    sidebar.open_item(script.id)
    form = sidebar.item_view.script
    assert sidebar.item_view.guidance.isVisible()  # shown to the agent, apart from the text
    for n, name in enumerate(script.placeholders):
        form._fields[name].setText(f"值{n}")
    field = form.first_field()
    assert field is not None
    field.setFocus()
    field.deselect()
    QGuiApplication.clipboard().setText(SENTINEL)
    _ctrl_c(qtbot, field)
    copied = QGuiApplication.clipboard().text()
    assert copied == form.filled_text()
    assert "值0" in copied
    assert "切忌" not in copied
    assert GUIDANCE not in copied
    assert sidebar.copied_flash.isVisible()
