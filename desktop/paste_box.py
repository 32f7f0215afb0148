"""The "paste the customer's message" box for chat agents (issue #18).

A button at the end of the search box opens a multi-line box under the toolbar; the agent
pastes the customer's chat message there and presses Suggest (or Ctrl+Enter). The text
passes the same checks as copied text (plain text, at most 2,000 characters, nothing that
looks like a password, key or card number): a paste over the limit is not even inserted
(10 MB in a text box would freeze the sidebar), and a refusal is said under the box. The
search is recorded with ``detail.source = "paste"``: kept locally, never uploaded.
Always available: pasting here is the agent's deliberate act, not the opt-in watching.
"""

from __future__ import annotations

from deskmate.core.suggest_text import MAX_INPUT_CHARS
from deskmate.desktop.clipboard_suggest import ClipboardSuggest
from deskmate.desktop.error_wording import suggest_refused_text
from deskmate.desktop.icons import app_icon
from deskmate.desktop.sidebar import SidebarWindow
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class MessageEdit(QPlainTextEdit):
    """A plain-text box that refuses pastes over :data:`MAX_INPUT_CHARS` outright."""

    def __init__(self, on_too_long: QLabel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._note = on_too_long

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802
        """Qt: paste; text over the limit is not inserted, the note says why."""
        if source.hasText() and len(source.text()) + len(self.toPlainText()) > MAX_INPUT_CHARS:
            self._note.setText(suggest_refused_text("suggest.too_long", MAX_INPUT_CHARS))
            self._note.show()
            return
        super().insertFromMimeData(source)


class PasteBox(QWidget):
    """The box, its Suggest button and the line that says why text was not searched."""

    def __init__(
        self, window: SidebarWindow, suggest: ClipboardSuggest, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pasteBox")
        self.sidebar = window
        self._suggest = suggest
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        self.note = QLabel()
        self.note.setObjectName("pasteNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #c0392b;")
        self.note.hide()
        self.edit = MessageEdit(self.note)
        self.edit.setObjectName("pasteEdit")
        self.edit.setPlaceholderText(
            self.tr("Paste the customer's message here, then Suggest (Ctrl+Enter)")
        )
        self.edit.setTabChangesFocus(True)
        self.edit.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        self.edit.textChanged.connect(self.note.hide)
        self.suggest_button = QPushButton(self.tr("Suggest"))
        self.suggest_button.setObjectName("pasteSuggest")
        self.suggest_button.clicked.connect(self.submit)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setObjectName("pasteClose")
        self.close_button.clicked.connect(self.close_box)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.suggest_button)
        layout.addWidget(self.edit)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self.edit)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.submit)
        self.action = QAction(app_icon("paste"), self.tr("Paste the customer's message"), self)
        self.action.setObjectName("pasteMessage")
        self.action.triggered.connect(self.toggle)
        window.search_box.addAction(self.action, QLineEdit.ActionPosition.TrailingPosition)
        window.add_header(self)
        self.hide()

    def toggle(self) -> None:
        """The search box's paste button: open the box (focused) or close it."""
        if self.isVisible():
            self.close_box()
        else:
            self.show()
            self.edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_box(self) -> None:
        """Hide the box; what was pasted is forgotten (it is the customer's text)."""
        self.edit.clear()
        self.note.hide()
        self.hide()
        self.sidebar.search_box.setFocus()

    def submit(self) -> bool:
        """Search the pasted text; whether it was searched (else the note says why)."""
        text = self.edit.toPlainText()
        if not self._suggest.suggest(text, "paste", explain=False):
            code = self._suggest.last_refusal
            self.note.setText(suggest_refused_text(code, MAX_INPUT_CHARS))
            self.note.show()
            return False
        self.note.hide()
        return True
