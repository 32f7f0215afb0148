"""IndexProgress: "Preparing the search index… 40%" with a Cancel button, above the results."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget


class IndexProgress(QWidget):
    """Shown while the start-up job opens or rebuilds the search index.

    Signals:
        cancel_requested: the agent pressed Cancel (the old index, if any, stays).
    """

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("indexProgress")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        self.label = QLabel(self.tr("Preparing the search index…"))
        self.label.setObjectName("indexProgressLabel")
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy until the first count arrives
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(8)
        self.bar.setMaximumWidth(80)  # the sentence with its percentage comes first
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.hide()

    def start(self) -> None:
        """Show the busy state (the index is being opened; a rebuild may follow)."""
        self.bar.setRange(0, 0)
        self.label.setText(self.tr("Preparing the search index…"))
        self.cancel_button.setEnabled(True)
        self.show()

    def set_progress(self, done: int, total: int) -> None:
        """Items indexed so far of ``total``."""
        if total <= 0:
            return
        percent = min(100, int(100 * done / total))
        self.bar.setRange(0, 100)
        self.bar.setValue(percent)
        self.label.setText(self.tr("Preparing the search index… %1%").replace("%1", str(percent)))

    def _on_cancel_clicked(self) -> None:
        self.cancel_button.setEnabled(False)
        self.label.setText(self.tr("Cancelling…"))
        self.cancel_requested.emit()
