"""Reserving the sidebar's strip on Windows as an application desktop toolbar ("app bar").

The shell keeps maximised windows out of the rectangle an app bar registers, the same way it
keeps them off the taskbar. The protocol (``SHAppBarMessage``, see "Using Application Desktop
Toolbars" in the Win32 docs):

1. ``ABM_NEW`` registers the window and a callback message the shell notifies it with.
2. ``ABM_QUERYPOS`` proposes a rectangle; the shell moves it clear of the taskbar and other
   app bars. We keep our width from the edge it chose, then ``ABM_SETPOS`` claims it and
   ``MoveWindow`` puts the window there.
3. ``ABN_POSCHANGED`` (through the callback message) means the taskbar or another app bar
   moved: query and set the position again. ``WM_ACTIVATE``/``WM_WINDOWPOSCHANGED`` must be
   forwarded as ``ABM_ACTIVATE``/``ABM_WINDOWPOSCHANGED``.
4. ``ABM_REMOVE`` gives the strip back.

All ctypes code sits under ``sys.platform == "win32"`` checks so the module imports (and
type-checks) on Linux; ``mypy --platform win32`` checks the Windows side.
"""

from __future__ import annotations

import logging
import sys

from deskmate.desktop.docking.errors import EdgeReservationError
from deskmate.desktop.docking.geometry import Edge, check_edge
from deskmate.desktop.docking.native_window import native_window_id
from deskmate.desktop.windows_messages import WindowsMessageFilter
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QWidget

if sys.platform == "win32":
    import ctypes
    from ctypes import wintypes

    class _APPBARDATA(ctypes.Structure):
        _fields_ = (
            ("cbSize", wintypes.DWORD),
            ("hWnd", wintypes.HWND),
            ("uCallbackMessage", wintypes.UINT),
            ("uEdge", wintypes.UINT),
            ("rc", wintypes.RECT),
            ("lParam", wintypes.LPARAM),
        )

    class _MONITORINFO(ctypes.Structure):
        _fields_ = (
            ("cbSize", wintypes.DWORD),
            ("rcMonitor", wintypes.RECT),
            ("rcWork", wintypes.RECT),
            ("dwFlags", wintypes.DWORD),
        )

    _shell32 = ctypes.WinDLL("shell32", use_last_error=True)
    _user32 = ctypes.WinDLL("user32", use_last_error=True)

    _SHAppBarMessage = _shell32.SHAppBarMessage
    _SHAppBarMessage.argtypes = (wintypes.DWORD, ctypes.POINTER(_APPBARDATA))
    _SHAppBarMessage.restype = ctypes.c_size_t  # UINT_PTR

    _RegisterWindowMessageW = _user32.RegisterWindowMessageW
    _RegisterWindowMessageW.argtypes = (wintypes.LPCWSTR,)
    _RegisterWindowMessageW.restype = wintypes.UINT

    _MoveWindow = _user32.MoveWindow
    _MoveWindow.argtypes = (
        wintypes.HWND,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_int,
        wintypes.BOOL,
    )
    _MoveWindow.restype = wintypes.BOOL

    _MonitorFromWindow = _user32.MonitorFromWindow
    _MonitorFromWindow.argtypes = (wintypes.HWND, wintypes.DWORD)
    _MonitorFromWindow.restype = wintypes.HMONITOR

    _GetMonitorInfoW = _user32.GetMonitorInfoW
    _GetMonitorInfoW.argtypes = (wintypes.HMONITOR, ctypes.POINTER(_MONITORINFO))
    _GetMonitorInfoW.restype = wintypes.BOOL

_log = logging.getLogger(__name__)

# shellapi.h / winuser.h
ABM_NEW, ABM_REMOVE, ABM_QUERYPOS, ABM_SETPOS = 0x0, 0x1, 0x2, 0x3
ABM_ACTIVATE, ABM_WINDOWPOSCHANGED = 0x6, 0x9
ABE_LEFT, ABE_RIGHT = 0, 2
ABN_POSCHANGED = 0x1
WM_ACTIVATE, WM_WINDOWPOSCHANGED = 0x0006, 0x0047
MONITOR_DEFAULTTONEAREST = 0x2
_CALLBACK_MESSAGE_NAME = "DeskmateAppBarNotify"


class WindowsAppBar:
    """Reserves the sidebar's strip as a Windows app bar (``SHAppBarMessage``).

    Only constructible on Windows.

    Raises:
        EdgeReservationError: Constructed on another platform.
    """

    name: str = "windows-appbar"
    reserves_space: bool = True

    def __init__(self) -> None:
        self._hwnd: int | None = None
        self._window: QWidget | None = None
        self._edge: Edge = "right"
        self._width_px = 0
        self._ratio = 1.0
        self._positioning = False
        self._filter = WindowsMessageFilter(self._on_message)
        if sys.platform == "win32":
            self._callback_message = int(_RegisterWindowMessageW(_CALLBACK_MESSAGE_NAME))
        else:
            raise EdgeReservationError("The Windows app bar exists only on Windows.")

    def reserve(
        self, window: QWidget, edge: str, width_px: int, *, screen: QScreen | None = None
    ) -> None:
        """Register ``window`` as an app bar at ``edge``, ``width_px`` logical pixels wide.

        The shell may move the rectangle clear of the taskbar or other app bars; the window
        is moved to wherever the shell agrees. The monitor is the one the window is on
        (``MonitorFromWindow``); ``screen`` only supplies the pixel ratio.

        Raises:
            EdgeReservationError: The shell refused to register the app bar.
        """
        side = check_edge(edge)
        hwnd = native_window_id(window)
        if self._hwnd is not None and self._hwnd != hwnd:
            self.release()  # Qt re-created the native window; register the new one
        if self._hwnd is None:
            self._register(hwnd)
        self._window, self._edge, self._width_px = window, side, width_px
        self._ratio = (screen if screen is not None else window.screen()).devicePixelRatio()
        self._query_and_set_position()

    def release(self) -> None:
        """Unregister the app bar (``ABM_REMOVE``). Safe when nothing is registered."""
        if self._hwnd is None:
            return
        if sys.platform == "win32":
            data = self._appbar_data(self._hwnd)
            _SHAppBarMessage(ABM_REMOVE, ctypes.byref(data))
        app = QCoreApplication.instance()
        if app is not None:
            app.removeNativeEventFilter(self._filter)
        self._hwnd = None
        self._window = None

    def _on_message(self, hwnd: int, message: int, wparam: int) -> bool:
        self.handle_message(hwnd, message, wparam)
        return False  # app bar notifications are shared with Qt, never swallowed

    def handle_message(self, hwnd: int, message: int, wparam: int) -> None:
        """React to a window message for the app bar window (called by the event filter)."""
        if self._hwnd is None or hwnd != self._hwnd or self._positioning:
            return
        if sys.platform == "win32":
            if message == self._callback_message and wparam == ABN_POSCHANGED:
                # The taskbar or another app bar moved: our rectangle may have to move too.
                try:
                    self._query_and_set_position()
                except EdgeReservationError as error:  # inside Qt's event dispatch: log only
                    _log.warning("could not move the app bar: %s", error)
            elif message == WM_ACTIVATE:
                _SHAppBarMessage(ABM_ACTIVATE, ctypes.byref(self._appbar_data(hwnd)))
            elif message == WM_WINDOWPOSCHANGED:
                _SHAppBarMessage(ABM_WINDOWPOSCHANGED, ctypes.byref(self._appbar_data(hwnd)))

    def _register(self, hwnd: int) -> None:
        if sys.platform == "win32":
            data = self._appbar_data(hwnd)
            data.uCallbackMessage = self._callback_message
            if not _SHAppBarMessage(ABM_NEW, ctypes.byref(data)):
                raise EdgeReservationError(
                    "Windows would not reserve a strip of the screen for Deskmate; "
                    "it will stay on top instead."
                )
            self._hwnd = hwnd
            app = QCoreApplication.instance()
            if app is not None:
                app.installNativeEventFilter(self._filter)

    def _query_and_set_position(self) -> None:
        if self._hwnd is None or self._window is None:
            return
        if sys.platform == "win32":
            self._positioning = True
            try:
                self._position_now(self._hwnd)
            finally:
                self._positioning = False

    if sys.platform == "win32":

        def _position_now(self, hwnd: int) -> None:
            monitor = _MonitorFromWindow(hwnd, MONITOR_DEFAULTTONEAREST)
            info = _MONITORINFO()
            info.cbSize = ctypes.sizeof(_MONITORINFO)
            if not _GetMonitorInfoW(monitor, ctypes.byref(info)):
                raise EdgeReservationError(
                    "Deskmate could not find the screen it is docked on; "
                    "it will stay on top instead."
                )
            width = max(1, round(self._width_px * self._ratio))
            data = self._appbar_data(hwnd)
            data.uEdge = ABE_LEFT if self._edge == "left" else ABE_RIGHT
            # Horizontally from the monitor's edge (the shell shifts us past other app bars);
            # vertically the work area, so a bottom taskbar is never covered.
            data.rc.top, data.rc.bottom = info.rcWork.top, info.rcWork.bottom
            if self._edge == "left":
                data.rc.left = info.rcMonitor.left
                data.rc.right = data.rc.left + width
            else:
                data.rc.right = info.rcMonitor.right
                data.rc.left = data.rc.right - width
            _SHAppBarMessage(ABM_QUERYPOS, ctypes.byref(data))
            # The shell may have moved or narrowed the proposal; keep our width from its edge.
            if self._edge == "left":
                data.rc.right = data.rc.left + width
            else:
                data.rc.left = data.rc.right - width
            _SHAppBarMessage(ABM_SETPOS, ctypes.byref(data))
            rc = data.rc
            _MoveWindow(hwnd, rc.left, rc.top, rc.right - rc.left, rc.bottom - rc.top, True)
            _log.debug("app bar at %s,%s-%s,%s", rc.left, rc.top, rc.right, rc.bottom)

        @staticmethod
        def _appbar_data(hwnd: int) -> _APPBARDATA:
            data = _APPBARDATA()
            data.cbSize = ctypes.sizeof(_APPBARDATA)
            data.hWnd = hwnd
            return data
