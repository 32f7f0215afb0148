"""Docking the sidebar at a screen edge and reserving the strip it occupies.

Typical use::

    from deskmate.desktop.docking import DockController, edge_reservation_for

    controller = DockController(sidebar, edge_reservation_for(app), edge="right", width=380)
    controller.placement_changed.connect(settings.save_placement)
    controller.dock()
    app.aboutToQuit.connect(controller.release)

The platform reservations live in :mod:`.x11_strut` (needs python-xlib) and
:mod:`.windows_appbar`; :func:`edge_reservation_for` picks one.
"""

from deskmate.desktop.docking.dock_controller import (
    DEFAULT_WIDTH,
    MAX_WIDTH,
    MIN_WIDTH,
    DockController,
)
from deskmate.desktop.docking.edge_reservation import (
    NO_RESERVATION_PROBLEM,
    EdgeReservation,
    TopmostFallback,
    edge_reservation_for,
)
from deskmate.desktop.docking.errors import DockingError, EdgeReservationError

__all__ = [
    "DEFAULT_WIDTH",
    "MAX_WIDTH",
    "MIN_WIDTH",
    "NO_RESERVATION_PROBLEM",
    "DockController",
    "DockingError",
    "EdgeReservation",
    "EdgeReservationError",
    "TopmostFallback",
    "edge_reservation_for",
]
