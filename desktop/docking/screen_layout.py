"""The bridge from Qt's screens to the pure arithmetic in :mod:`.geometry`."""

from __future__ import annotations

from deskmate.desktop.docking.geometry import DockLayout, Rect, desktop_size_px, dock_layout
from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication, QScreen


def rect_of(qrect: QRect) -> Rect:
    """A :class:`Rect` with the same position and size as ``qrect``."""
    return Rect(qrect.x(), qrect.y(), qrect.width(), qrect.height())


def qrect_of(rect: Rect) -> QRect:
    """A ``QRect`` with the same position and size as ``rect``."""
    return QRect(rect.x, rect.y, rect.width, rect.height)


def qt_desktop_size_px() -> tuple[int, int]:
    """The size of the whole virtual desktop in physical pixels, as Qt sees the screens."""
    return desktop_size_px(
        (rect_of(screen.geometry()), screen.devicePixelRatio())
        for screen in QGuiApplication.screens()
    )


def layout_on_screen(
    screen: QScreen, edge: str, width: int, desktop_size: tuple[int, int] | None = None
) -> DockLayout:
    """Where a sidebar ``width`` logical pixels wide docks on ``screen``.

    Args:
        screen: The screen to dock on.
        edge: ``"left"`` or ``"right"``.
        width: The sidebar's width in logical pixels.
        desktop_size: The whole desktop in physical pixels; computed from Qt's screens when
            omitted (an X11 caller passes the root window's real size instead).
    """
    return dock_layout(
        screen=rect_of(screen.geometry()),
        available=rect_of(screen.availableGeometry()),
        device_pixel_ratio=screen.devicePixelRatio(),
        desktop_size=desktop_size if desktop_size is not None else qt_desktop_size_px(),
        edge=edge,
        width=width,
    )
