"""SidebarToolbar: the search box, the tool buttons beside it and the kind filters."""

from __future__ import annotations

from deskmate.desktop.icons import app_icon
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

KINDS = (None, "faq", "script", "expert")


class SidebarToolbar(QWidget):
    """The top of the sidebar; the window wires the buttons' signals to its actions."""

    kind_chosen = Signal(object)  # None (all) or "faq" / "script" / "expert"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.search_box = QLineEdit()
        self.search_box.setObjectName("searchBox")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setPlaceholderText(self.tr("Search (中文 / pinyin / English)"))
        top.addWidget(self.search_box, 1)
        self.gap_button = self._tool("flag", self.tr("Record a knowledge gap (Ctrl+Alt+G)"))
        self.history_button = self._tool("history", self.tr("My recent activity"))
        self.learning_button = self._tool("learning", self.tr("My learning (Ctrl+L)"))
        self.pin_button = self._tool("pin", self.tr("Keep on top"))
        self.pin_button.setCheckable(True)
        self.dock_button = self._tool("dock", self.tr("Dock / undock"))
        self.settings_button = self._tool("settings", self.tr("Settings"))
        for button in (
            self.gap_button,
            self.history_button,
            self.learning_button,
            self.pin_button,
            self.dock_button,
            self.settings_button,
        ):
            top.addWidget(button)
        layout.addLayout(top)

        filters = QHBoxLayout()
        self.filter_group = QButtonGroup(self)
        labels = (self.tr("All"), self.tr("FAQs"), self.tr("Scripts"), self.tr("Experts"))
        for n, (kind, label) in enumerate(zip(KINDS, labels, strict=True)):
            button = QToolButton()
            button.setText(label)
            button.setCheckable(True)
            button.setChecked(kind is None)
            button.setObjectName(f"filter:{kind or 'all'}")
            self.filter_group.addButton(button, n)
            filters.addWidget(button)
        filters.addStretch(1)
        self.filter_row = filters  # the product and channel menus go after the stretch
        self.filter_group.idClicked.connect(lambda n: self.kind_chosen.emit(KINDS[n]))
        layout.addLayout(filters)

    def _tool(self, icon: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setIcon(app_icon(icon))
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.setAutoRaise(True)
        return button
