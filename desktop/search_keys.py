"""Arrow keys and Enter in the search box drive the result list (moved out of the window)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QListView


class SearchBoxKeys(QObject):
    """↑/↓ move the current result, Enter opens it; the box keeps the focus.

    Args:
        box: The search box (the filter is installed on it).
        results: The result list.
        open_row: Opens the n-th visible hit.
    """

    def __init__(self, box: QLineEdit, results: QListView, open_row: Callable[[int], None]) -> None:
        super().__init__(box)
        self._results = results
        self._open_row = open_row
        box.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Qt: take ↑, ↓ and Enter from the box."""
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            model = self._results.model()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and model is not None:
                step = 1 if key == Qt.Key.Key_Down else -1
                row = self._results.currentIndex().row() + step
                row = max(0, min(model.rowCount() - 1, row))
                self._results.setCurrentIndex(model.index(row, 0))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._open_row(max(0, self._results.currentIndex().row()))
                return True
        return super().eventFilter(watched, event)
