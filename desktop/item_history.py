"""Back and forward across opened items (Alt+Left / Alt+Right and the ◀ ▶ buttons).

On a call an agent goes from an FAQ to a related script to an expert and back; Esc
returns to the result list, so "the previous item" meant searching again. The trail is
the items opened this session in order, as a browser keeps pages: opening an item from
anywhere drops the items ahead of the current one. Going back from the first item
returns to the result list; going forward from the result list reopens the item left.
A reopened item is recorded as an open like any other (the agent consulted it again).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QToolButton

if TYPE_CHECKING:
    from deskmate.desktop.sidebar import SidebarWindow

TRAIL = 50  # items kept; older ones fall off the back


class ItemTrail:
    """The opened items in order and where the agent is in them (no Qt)."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.position = -1  # index in ids of the item on show (or last shown)

    def visited(self, item_id: str) -> None:
        """``item_id`` was opened by the agent (not by back/forward)."""
        if 0 <= self.position < len(self.ids) and self.ids[self.position] == item_id:
            return  # the same item again (e.g. a related link to itself)
        self.ids = [*self.ids[: self.position + 1], item_id][-TRAIL:]
        self.position = len(self.ids) - 1

    def can_go_back(self) -> bool:
        """Whether there is an item before the current one."""
        return self.position > 0

    def can_go_forward(self) -> bool:
        """Whether there is an item after the current one."""
        return self.position < len(self.ids) - 1

    def back(self) -> str | None:
        """Step back; the item to show, or None at the start."""
        if not self.can_go_back():
            return None
        self.position -= 1
        return self.ids[self.position]

    def forward(self) -> str | None:
        """Step forward; the item to show, or None at the end."""
        if not self.can_go_forward():
            return None
        self.position += 1
        return self.ids[self.position]

    def current(self) -> str | None:
        """The item at the current position (the one shown or last left)."""
        return self.ids[self.position] if 0 <= self.position < len(self.ids) else None


class ItemHistory(QObject):
    """Wires the trail into the sidebar: Alt+Left / Alt+Right and the ◀ ▶ buttons.

    Args:
        window: The sidebar; it calls :meth:`visited` from ``open_item``.
    """

    def __init__(self, window: SidebarWindow) -> None:
        super().__init__(window)
        self._window = window
        self.trail = ItemTrail()
        self._moving = False
        self.back_button = self._button("◀", self.tr("Previous item (Alt+Left)"), "itemBack")
        self.forward_button = self._button("▶", self.tr("Next item (Alt+Right)"), "itemForward")
        self.back_button.clicked.connect(self.go_back)
        self.forward_button.clicked.connect(self.go_forward)
        row = window.item_view.title_row
        row.insertWidget(1, self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        row.insertWidget(2, self.forward_button, 0, Qt.AlignmentFlag.AlignTop)
        QShortcut(QKeySequence("Alt+Left"), window).activated.connect(self.go_back)
        QShortcut(QKeySequence("Alt+Right"), window).activated.connect(self.go_forward)
        self._update()

    def _button(self, text: str, tip: str, name: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.setObjectName(name)
        button.setAutoRaise(True)
        return button

    def visited(self, item_id: str) -> None:
        """The sidebar opened ``item_id`` (the agent's choice unless we are moving)."""
        if not self._moving:
            self.trail.visited(item_id)
        self._update()

    def go_back(self) -> None:
        """Alt+Left: the previous item, or from the first one the result list."""
        if self._window.current_item() is None:
            return  # on the list already: back is Esc's job
        item_id = self.trail.back()
        if item_id is None:
            self._window.back()
        else:
            self._show(item_id)

    def go_forward(self) -> None:
        """Alt+Right: the next item; from the result list, the item last left."""
        if self._window.current_item() is None:
            item_id = self.trail.current()
        else:
            item_id = self.trail.forward()
        if item_id is not None:
            self._show(item_id)

    def _show(self, item_id: str) -> None:
        self._moving = True
        try:
            self._window.open_item(item_id)
        finally:
            self._moving = False
        self._update()

    def _update(self) -> None:
        self.back_button.setEnabled(True)  # from the first item: back to the list
        self.forward_button.setEnabled(self.trail.can_go_forward())
