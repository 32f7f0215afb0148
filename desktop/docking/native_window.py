"""The native (X11 / Win32) id of a Qt top-level window."""

from __future__ import annotations

from PySide6.QtGui import QWindow
from PySide6.QtWidgets import QWidget


def native_window_id(window: QWidget) -> int:
    """The id of the window's current native window, creating it if needed.

    ``QWidget.winId()`` can go stale: when new window flags make Qt re-create the platform
    window (seen with Qt 6.12 on xcb), it keeps returning the destroyed window's id.
    ``QWindow.winId()`` asks the platform window itself, so it is always current.
    """
    fallback = int(window.winId())  # also creates the native window and its QWindow
    # The stub says QWindow, but Qt returns None for a widget without a native window.
    handle: QWindow | None = window.windowHandle()
    return int(handle.winId()) if handle is not None else fallback
