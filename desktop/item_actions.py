"""What happens when the agent copies or contacts from the sidebar (moved out of the window).

Ctrl+C copies the open item (or the selected result's) from anywhere in the window; a
copy is recorded, confirmed by the "Copied" flash and the status line, and the values
typed into a script's blanks pre-fill later scripts. A contact is recorded whether or
not an app took the link; when none did, the status line gives the number or address.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deskmate.desktop.copy_shortcut import CopiedFlash, CopyKeyRouter
from deskmate.desktop.expert_card import contact_address
from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLineEdit

if TYPE_CHECKING:
    from deskmate.desktop.sidebar import SidebarWindow


# Strings here use the window's translation context ("SidebarWindow"; they were its own
# before the move), each as a literal QCoreApplication.translate call so lupdate sees it.


class ItemActions(QObject):
    """Copy (Ctrl+C, the copy buttons) and contact handling of the sidebar."""

    def __init__(self, window: SidebarWindow) -> None:
        super().__init__(window)
        self._window = window
        self.known_values: dict[str, str] = {}  # blanks typed this session, by name
        QShortcut(QKeySequence.StandardKey.Copy, window).activated.connect(self.copy_current)
        self.router = CopyKeyRouter(window)  # Ctrl+C in the box or a blank copies too
        self.flash = CopiedFlash(window)
        window.item_view.copied.connect(self.copied)
        window.item_view.contacted.connect(self.contacted)

    def copy_current(self) -> None:
        """Ctrl+C: copy the open item, or the selected hit's answer from the list."""
        w = self._window
        focus = w.focusWidget()
        if isinstance(focus, QLineEdit) and focus.hasSelectedText():
            focus.copy()
            return
        if w.pages.currentWidget() is w.item_view:
            w.item_view.copy()
        elif w.pages.currentWidget() is w.results_page:
            hit = w.model.hit(w.results.currentIndex().row())
            if hit is not None:
                w.open_item(hit.id)
                w.item_view.copy()

    def used(self, item_id: str, complete: bool) -> None:
        """``item_id``'s answer went to the customer (copied or inserted).

        Recorded as a copy; the script's filled values are remembered for the next script.
        """
        w = self._window
        values = w.item_view.script.values().items()
        self.known_values.update({k: v for k, v in values if v.strip()})
        w.recorder.copy(item_id, complete)

    def copied(self, item_id: str, complete: bool) -> None:
        """The item view put ``item_id``'s text on the clipboard."""
        w = self._window
        self.used(item_id, complete)
        self.flash.flash(QCoreApplication.translate("SidebarWindow", "Copied"))
        if complete:
            w.toast(QCoreApplication.translate("SidebarWindow", "Copied."))
        else:
            w.toast(
                QCoreApplication.translate(
                    "SidebarWindow", "Copied, but some blanks are still empty."
                )
            )

    def contacted(self, channel: str, opened: bool) -> None:
        """The agent called, mailed or messaged the open expert (``opened``: an app took it)."""
        w = self._window
        item = w.item_view.item
        if item is None:
            return
        w.recorder.contact(item, channel, opened)
        if not opened:  # recorded all the same: the agent tried to reach a person
            address = contact_address(item, channel)
            text = QCoreApplication.translate(
                "SidebarWindow", "No app opened the link; contact them yourself: %1"
            )
            w.toast(text.replace("%1", address))
