"""The tray icon: show, my learning, sync now, settings, quit; notices as tray messages."""

from __future__ import annotations

from deskmate.desktop.icons import app_icon
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon


class TrayIcon(QObject):
    """Tray menu; ``available`` is False where the desktop has no tray.

    Signals:
        message_clicked: the agent clicked the last message shown with :meth:`notify`.
    """

    show_requested = Signal()
    learning_requested = Signal()
    message_clicked = Signal()
    sync_requested = Signal()
    settings_requested = Signal()
    quit_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.available = QSystemTrayIcon.isSystemTrayAvailable()
        self._tray = QSystemTrayIcon(app_icon(), self)
        self._tray.setToolTip("Deskmate")
        menu = QMenu()
        self._menu = menu
        self.show_action = QAction(self.tr("Show Deskmate"), menu)
        self.show_action.triggered.connect(self.show_requested)
        self.learning_action = QAction(self.tr("My learning"), menu)
        self.learning_action.triggered.connect(self.learning_requested)
        self.sync_action = QAction(self.tr("Sync now"), menu)
        self.sync_action.triggered.connect(self.sync_requested)
        self.settings_action = QAction(self.tr("Settings…"), menu)
        self.settings_action.triggered.connect(self.settings_requested)
        self.quit_action = QAction(self.tr("Quit"), menu)
        self.quit_action.triggered.connect(self.quit_requested)
        for action in (
            self.show_action,
            self.learning_action,
            self.sync_action,
            self.settings_action,
        ):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        self._tray.setContextMenu(menu)
        self._tray.activated.connect(self._on_activated)
        self._tray.messageClicked.connect(self.message_clicked)
        if self.available:
            self._tray.show()

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.show_requested.emit()

    def set_online(self, online: bool) -> None:
        """Grey icon when offline."""
        self._tray.setIcon(app_icon("deskmate" if online else "deskmate-offline"))

    def notify(self, text: str) -> None:
        """A passing tray message (where the desktop shows them)."""
        if self.available and QSystemTrayIcon.supportsMessages():
            self._tray.showMessage("Deskmate", text, app_icon(), 10_000)

    def hide(self) -> None:
        """Remove the icon (on quit)."""
        self._tray.hide()
