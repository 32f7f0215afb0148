"""The gap dialog shows an item's title as typed in the pack: markup is text, not HTML."""

from __future__ import annotations

from deskmate.desktop.gap_dialog import GapDialog
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

MARKUP = '<b>x</b><img src="file:///etc/passwd"><a href="https://evil.example">点我</a>'


def test_an_item_title_with_markup_shows_literally(qtbot: QtBot) -> None:
    dialog = GapDialog("退款多久到账", "faq-refund-001", MARKUP)
    qtbot.addWidget(dialog)
    dialog.show()
    [label] = [child for child in dialog.findChildren(QLabel) if child.text() == MARKUP]
    # Drawn as text, the markup itself takes the room; as rich text it shrank to "x 点我".
    assert label.sizeHint().width() >= label.fontMetrics().horizontalAdvance(MARKUP)
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert not label.openExternalLinks()
