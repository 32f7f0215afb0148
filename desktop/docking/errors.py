"""Errors of the docked sidebar."""

from __future__ import annotations

from deskmate.core.errors import DeskmateError


class DockingError(DeskmateError, ValueError):
    """A docking request makes no sense (an unknown edge, a non-positive width)."""

    code = "desktop.docking"


class EdgeReservationError(DeskmateError):
    """The desktop would not reserve a strip of the screen for the sidebar.

    The message is a plain sentence for the agent; the sidebar then stays on top instead.
    """

    code = "desktop.edge_reservation"
