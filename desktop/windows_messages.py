"""WindowsMessageFilter: hands the Win32 messages Qt receives to a Python handler.

Shared by the app bar (docking) and ``RegisterHotKey`` (hotkeys): both need the raw
``MSG`` of a message Qt does not turn into an event. Imports cleanly on every platform;
it only reads messages on Windows.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import QAbstractNativeEventFilter, QByteArray

#: The native event types under which Qt's Windows platform delivers ``MSG`` pointers.
MESSAGE_EVENT_TYPES = (b"windows_generic_MSG", b"windows_dispatcher_MSG")

#: (hwnd, message, wparam) -> True to swallow the message.
MessageHandler = Callable[[int, int, int], bool]


class WindowsMessageFilter(QAbstractNativeEventFilter):
    """Calls ``handler`` for each Windows message; swallows it when the handler says so."""

    def __init__(self, handler: MessageHandler) -> None:
        super().__init__()
        self._handler = handler

    def nativeEventFilter(  # noqa: N802 - a Qt override
        self,
        eventType: QByteArray | bytes | bytearray | memoryview,  # noqa: N803
        message: int,
    ) -> object:
        """Qt: pass the message on; ``(True, 0)`` stops Qt from handling it further."""
        kind = eventType.data() if isinstance(eventType, QByteArray) else bytes(eventType)
        if sys.platform == "win32" and kind in MESSAGE_EVENT_TYPES:
            from ctypes import wintypes

            # PySide hands a shiboken VoidPtr here despite the stub; int() gives the address.
            msg = wintypes.MSG.from_address(int(message))
            if self._handler(int(msg.hWnd or 0), int(msg.message), int(msg.wParam)):
                return True, 0
        return False, 0
