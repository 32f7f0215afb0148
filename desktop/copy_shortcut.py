"""Ctrl+C from anywhere in the sidebar, and the "Copied" flash that confirms it.

A focused ``QLineEdit`` (the search box, a script's blank) or text view claims Ctrl+C
for itself (Qt's ShortcutOverride), and with nothing selected it copied nothing: the
README's "Ctrl+C copies the answer" silently failed from the two places the agent's
cursor usually is. :class:`CopyKeyRouter` lets such a widget keep Ctrl+C only while it
has a selection; otherwise the key reaches the window's own copy action. The router
watches each widget of the window as it gets the focus (script fields are created per
script), not every event of the application.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

FLASH_MS = 1200  # long enough to see from the corner of the eye, short enough not to cover


def has_selection(widget: QWidget) -> bool:
    """Whether ``widget`` holds selected text of its own (then Ctrl+C copies that)."""
    if isinstance(widget, QLineEdit):
        return widget.hasSelectedText()
    if isinstance(widget, (QTextEdit, QPlainTextEdit)):
        return widget.textCursor().hasSelection()
    if isinstance(widget, QLabel):
        return widget.hasSelectedText()
    return False


class CopyKeyRouter(QObject):
    """Routes Ctrl+C without a selection in ``window``'s widgets to the window's shortcut.

    Args:
        window: The sidebar; only its widgets are watched.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._claimed: list[QKeySequence] = []
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._watch)

    def claim(self, keys: QKeySequence) -> None:
        """Let the window's shortcut for ``keys`` win over text fields, always.

        (Ctrl+D pins the open item even though a line edit would take it to delete the
        next character, an Emacs habit agents do not have.)
        """
        self._claimed.append(keys)

    def _watch(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and new is not self._window and self._window.isAncestorOf(new):
            new.removeEventFilter(self)  # at most once per widget
            new.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Qt: take Ctrl+C away from a focused widget that has nothing selected."""
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        pressed = QKeySequence(event.keyCombination())
        if any(
            pressed.matches(k) == QKeySequence.SequenceMatch.ExactMatch for k in self._claimed
        ) or (
            event.matches(QKeySequence.StandardKey.Copy)
            and isinstance(watched, QWidget)
            and not has_selection(watched)
        ):
            # Not accepted: the widget does not claim the key, so the window's Ctrl+C
            # shortcut runs. Returning True keeps the widget from accepting it anyway.
            event.ignore()
            return True
        return super().eventFilter(watched, event)


class CopiedFlash(QLabel):
    """A small "Copied" badge over the top of the window, gone after :data:`FLASH_MS`."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("copiedFlash")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet(
            "background: #047857; color: white; border-radius: 10px;"
            "padding: 4px 14px; font-weight: bold;"
        )
        self._timer = QTimer(self, singleShot=True, interval=FLASH_MS)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def flash(self, text: str) -> None:
        """Show ``text`` centred near the top of the window for a moment."""
        self.setText(text)
        self.adjustSize()
        parent = self.parentWidget()
        if parent is not None:
            self.move((parent.width() - self.width()) // 2, 64)
        self.raise_()
        self.show()
        self._timer.start()

    def stop(self) -> None:
        """Hide the badge now and stop its timer (on quit)."""
        self._timer.stop()
        self.hide()
