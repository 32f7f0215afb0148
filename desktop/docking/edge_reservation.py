"""Reserving a strip at a screen edge for the sidebar, per platform.

A reservation tells the desktop that a strip belongs to the sidebar, so maximised windows (the
CRM) shrink beside it instead of sliding underneath:

* X11: ``_NET_WM_STRUT_PARTIAL`` on the window (:class:`~.x11_strut.X11StrutReservation`).
* Windows: an application desktop toolbar (:class:`~.windows_appbar.WindowsAppBar`).
* Anywhere else (Wayland, macOS, offscreen): nothing can be reserved, so
  :class:`TopmostFallback` keeps the sidebar on top and snapped to the edge.
"""

from __future__ import annotations

import logging
from typing import Protocol

from deskmate.desktop.docking.errors import EdgeReservationError
from deskmate.desktop.docking.screen_layout import layout_on_screen, qrect_of
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

_log = logging.getLogger(__name__)

NO_RESERVATION_PROBLEM = (
    "This desktop does not let Deskmate reserve a strip; it will stay on top instead."
)


class EdgeReservation(Protocol):
    """Something that reserves (or pretends to reserve) a strip at a screen edge.

    Attributes:
        name: A short identifier for logs, e.g. ``"x11-strut"``.
        reserves_space: Whether other windows really make room for the strip.
    """

    name: str
    reserves_space: bool

    def reserve(
        self, window: QWidget, edge: str, width_px: int, *, screen: QScreen | None = None
    ) -> None:
        """Reserve a strip ``width_px`` logical pixels wide at ``edge`` of a screen.

        Calling it again moves or resizes the reservation.

        Args:
            window: The sidebar's top-level window.
            edge: ``"left"`` or ``"right"``.
            width_px: The strip's width in logical pixels.
            screen: The screen to reserve on; ``window.screen()`` when omitted. Passing it
                avoids asking Qt, which guesses a window's screen from its geometry.

        Raises:
            EdgeReservationError: The desktop refused; the message says so in plain words.
        """
        ...

    def release(self) -> None:
        """Give the strip back to the desktop. Safe to call when nothing is reserved."""
        ...


class TopmostFallback:
    """No reservation: the sidebar stays on top of other windows, snapped to the edge.

    Used where the desktop offers no way to reserve space (Wayland, macOS, offscreen). The
    CRM may then lie under the sidebar; the agent can still see and use both.
    """

    name: str = "topmost"
    reserves_space: bool = False

    def reserve(
        self, window: QWidget, edge: str, width_px: int, *, screen: QScreen | None = None
    ) -> None:
        """Keep ``window`` on top, at ``edge`` of ``screen``, ``width_px`` logical pixels wide."""
        on_screen = screen if screen is not None else window.screen()
        target = qrect_of(layout_on_screen(on_screen, edge, width_px).window)
        if not window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint:
            visible = window.isVisible()
            window.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
            if visible:  # changing a window flag hides the window
                window.show()
        if window.geometry() != target:
            window.setGeometry(QRect(target))

    def release(self) -> None:
        """Nothing was reserved; the window's flags now belong to its owner again."""


def edge_reservation_for(app: QGuiApplication) -> EdgeReservation:
    """The best way to reserve a screen strip on the platform ``app`` runs on.

    ``"xcb"`` gets an X11 strut, ``"windows"`` an app bar; everything else, or an X11
    connection that fails, gets :class:`TopmostFallback`.
    """
    platform = app.platformName()
    if platform == "xcb":
        try:
            from deskmate.desktop.docking.x11_strut import X11StrutReservation

            return X11StrutReservation()
        except (ImportError, EdgeReservationError) as error:
            # python-xlib missing, or no X connection: the sidebar still works, just on top.
            _log.warning("X11 strut unavailable, the sidebar stays on top instead: %s", error)
            return TopmostFallback()
    if platform == "windows":
        from deskmate.desktop.docking.windows_appbar import WindowsAppBar

        return WindowsAppBar()
    return TopmostFallback()
