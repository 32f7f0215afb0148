"""NoticeBanner: a notice from the server at the top of the sidebar until it is dismissed.

"wang.manager assigned you …", "The answer you asked for now exists: …". Clicking
"Open" opens the item it is about; "more" opens "My learning"; × dismisses it.
"""

from __future__ import annotations

import html

from deskmate.core.learning import Notice
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget


class NoticeBanner(QFrame):
    """One notice (the newest new one) and how many more there are.

    Signals:
        open_requested(str): the notice's item.
        learning_requested: "N more": open My learning.
    """

    open_requested = Signal(str)
    learning_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#noticeBanner { background: rgba(47, 111, 222, 40); }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 2, 4)
        self.text = QLabel()
        self.text.setObjectName("noticeText")
        self.text.setWordWrap(True)
        self.text.linkActivated.connect(self._on_link)
        layout.addWidget(self.text, 1)
        close = QToolButton()
        close.setText("×")
        close.setAutoRaise(True)
        close.setToolTip(self.tr("Dismiss"))
        close.clicked.connect(self.hide)
        layout.addWidget(close)
        self.notice: Notice | None = None
        self.hide()

    def show_notices(self, notices: list[Notice]) -> None:
        """Show the first (newest) of ``notices``; nothing when the list is empty."""
        if not notices:
            return
        self.notice = notice = notices[0]
        text = html.escape(notice.text)
        if notice.item_id:
            open_text = self.tr("Open")
            text += f" <a href='item'>{html.escape(open_text)}</a>"
        if len(notices) > 1:
            more = self.tr("%n more in My learning", "", len(notices) - 1)
            text += f" · <a href='learning'>{html.escape(more)}</a>"
        self.text.setText(text)
        self.show()

    def _on_link(self, link: str) -> None:
        if link == "item" and self.notice is not None and self.notice.item_id:
            self.open_requested.emit(self.notice.item_id)
        else:
            self.learning_requested.emit()
        self.hide()
