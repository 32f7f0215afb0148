"""TextZoom: the sidebar's text size, Ctrl+= / Ctrl+- / Ctrl+0, kept in the settings.

Agents on a high-resolution screen or with tired eyes at the end of a shift want bigger
text; agents on a small laptop want more results in view. The window's font is set to
the system font scaled by the ``text_zoom`` setting (percent); every child that does not
set its own font follows, and the result list lays its rows out again on the font
change. The app saves the new value (:attr:`TextZoom.changed`).
"""

from __future__ import annotations

from deskmate.core.setting_values import TEXT_ZOOM_MAX, TEXT_ZOOM_MIN
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget

#: The sizes Ctrl+= and Ctrl+- step through, in percent (as browsers do).
STEPS = (70, 80, 90, 100, 110, 125, 150, 175, 200)
DEFAULT = 100


class TextZoom(QObject):
    """Scales ``window``'s font; the shortcuts act on the window.

    Signals:
        changed(int): the agent zoomed with a shortcut (the new percent, to be saved).
    """

    changed = Signal(int)

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._base = QFont(QApplication.font())
        self._percent = DEFAULT
        for keys, step in (
            (("Ctrl+=", "Ctrl++"), 1),  # "Ctrl++" is also the ZoomIn standard key
            (("Ctrl+-",), -1),
            (("Ctrl+0",), 0),
        ):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), window)
                shortcut.activated.connect(lambda step=step: self.step(step))

    @property
    def percent(self) -> int:
        """The text size now, in percent of the system font."""
        return self._percent

    def set_percent(self, percent: int) -> None:
        """Show the text at ``percent`` (clamped to 70-200) without announcing it."""
        self._percent = max(TEXT_ZOOM_MIN, min(TEXT_ZOOM_MAX, int(percent)))
        font = QFont(self._window.font())
        if self._base.pointSizeF() > 0:
            font.setPointSizeF(self._base.pointSizeF() * self._percent / 100)
        else:  # a font sized in pixels (some platform themes)
            font.setPixelSize(max(6, round(self._base.pixelSize() * self._percent / 100)))
        self._window.setFont(font)

    def step(self, direction: int) -> None:
        """One step bigger (1), smaller (-1) or back to 100 % (0); announces the change."""
        if direction == 0:
            target = DEFAULT
        elif direction > 0:
            target = next((s for s in STEPS if s > self._percent), STEPS[-1])
        else:
            target = next((s for s in reversed(STEPS) if s < self._percent), STEPS[0])
        if target != self._percent:
            self.set_percent(target)
            self.changed.emit(self._percent)
