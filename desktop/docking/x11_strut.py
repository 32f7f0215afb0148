"""Reserving the sidebar's strip on X11 with ``_NET_WM_STRUT_PARTIAL``.

An EWMH window manager (openbox, xfwm4, KWin, Mutter on X11...) keeps maximised windows out
of the strip a window declares in ``_NET_WM_STRUT_PARTIAL`` (and the older ``_NET_WM_STRUT``)
while that window is mapped. This module sets those properties on the sidebar's X window
through its own python-xlib connection, so it never touches Qt's xcb connection.
"""

from __future__ import annotations

import logging

from deskmate.desktop.docking.edge_reservation import NO_RESERVATION_PROBLEM
from deskmate.desktop.docking.errors import EdgeReservationError
from deskmate.desktop.docking.native_window import native_window_id
from deskmate.desktop.docking.screen_layout import layout_on_screen
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QWidget
from Xlib import Xatom
from Xlib import error as xerror
from Xlib.display import Display

_log = logging.getLogger(__name__)

_STRUT_PARTIAL = "_NET_WM_STRUT_PARTIAL"
_STRUT = "_NET_WM_STRUT"


class X11StrutReservation:
    """Reserves the sidebar's strip with ``_NET_WM_STRUT_PARTIAL`` on its X window.

    Args:
        display_name: The X display, e.g. ``":0"``; ``$DISPLAY`` when omitted.

    Raises:
        EdgeReservationError: The X display cannot be reached.
    """

    name: str = "x11-strut"
    reserves_space: bool = True

    def __init__(self, display_name: str | None = None) -> None:
        try:
            self._display = Display(display_name)
        except (
            xerror.DisplayError,
            xerror.ConnectionClosedError,
            xerror.XauthError,
            OSError,
        ) as error:
            raise EdgeReservationError(
                "Deskmate could not connect to the X display to reserve its strip; "
                "it will stay on top instead.",
                display=display_name,
            ) from error
        # Errors of requests sent without their own handler end up here instead of stderr.
        self._display.set_error_handler(self._log_stray_error)
        self._root = self._display.screen().root
        self._atoms: dict[str, int] = {}
        self._window_id: int | None = None
        self._closed = False

    @property
    def reserved_window_id(self) -> int | None:
        """The X window that carries the strut now, or ``None``."""
        return self._window_id

    def reserve(
        self, window: QWidget, edge: str, width_px: int, *, screen: QScreen | None = None
    ) -> None:
        """Set the strut on ``window`` for a strip ``width_px`` logical pixels wide at ``edge``.

        The strip is on ``screen``, or on ``window.screen()`` when omitted.

        Raises:
            EdgeReservationError: No window manager that honours struts is running, or the
                X server rejected the properties.
        """
        if not self._window_manager_supports_struts():
            raise EdgeReservationError(NO_RESERVATION_PROBLEM)
        window_id = native_window_id(window)
        on_screen = screen if screen is not None else window.screen()
        layout = layout_on_screen(on_screen, edge, width_px, self._root_size())
        target = self._display.create_resource_object("window", window_id)
        caught = xerror.CatchError()
        target.change_property(
            self._atom(_STRUT_PARTIAL),
            Xatom.CARDINAL,
            32,
            list(layout.strut.values()),
            onerror=caught,
        )
        target.change_property(
            self._atom(_STRUT),
            Xatom.CARDINAL,
            32,
            list(layout.strut.legacy_values()),
            onerror=caught,
        )
        self._display.sync()  # a round trip, so a rejected property is reported now
        self._discard_events()
        if caught.get_error() is not None:
            raise EdgeReservationError(
                "Deskmate could not reserve its strip on this desktop; "
                "it will stay on top instead.",
                x_error=str(caught.get_error()),
            )
        if self._window_id is not None and self._window_id != window_id:
            # Qt re-created the native window (e.g. new window flags): clear the old one.
            self._delete_struts(self._window_id)
        self._window_id = window_id
        _log.debug("strut %s on window 0x%x", layout.strut.values(), window_id)

    def release(self) -> None:
        """Delete the strut properties, giving the strip back. Safe when nothing is set."""
        if self._window_id is None:
            return
        self._delete_struts(self._window_id)
        self._window_id = None

    def close(self) -> None:
        """Release the strip and close the X connection. Safe to call twice."""
        if self._closed:
            return
        self.release()
        self._display.close()
        self._closed = True

    def _delete_struts(self, window_id: int) -> None:
        target = self._display.create_resource_object("window", window_id)
        # The window may already be gone (quitting): nothing to clean up then.
        gone = xerror.CatchError(xerror.BadWindow)
        target.delete_property(self._atom(_STRUT_PARTIAL), onerror=gone)
        target.delete_property(self._atom(_STRUT), onerror=gone)
        self._display.sync()
        self._discard_events()

    def _window_manager_supports_struts(self) -> bool:
        supported = self._root.get_full_property(self._atom("_NET_SUPPORTED"), Xatom.ATOM)
        if supported is None:
            return False  # no EWMH window manager running
        return bool({self._atom(_STRUT_PARTIAL), self._atom(_STRUT)} & set(supported.value))

    def _root_size(self) -> tuple[int, int]:
        # Asked every time: RandR changes the root size when monitors come and go.
        geometry = self._root.get_geometry()
        return int(geometry.width), int(geometry.height)

    def _atom(self, name: str) -> int:
        if name not in self._atoms:
            self._atoms[name] = int(self._display.intern_atom(name))
        return self._atoms[name]

    def _discard_events(self) -> None:
        # Only MappingNotify reaches this connection (it selects no input); drop it so the
        # queue cannot grow for the life of the app.
        while self._display.pending_events():
            self._display.next_event()

    @staticmethod
    def _log_stray_error(error: object, request: object = None) -> None:
        _log.warning("X error on the strut connection: %s", error)
