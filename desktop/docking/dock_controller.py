"""Docking the sidebar window at a screen edge and keeping it there.

:class:`DockController` owns the sidebar window's placement: which screen and edge, how wide,
docked or floating, pinned on top or not. It asks an :class:`EdgeReservation` to reserve the
strip, follows monitors being plugged, unplugged, moved or rescaled, and reports every change
of placement through :attr:`DockController.placement_changed` so the app can save it.
"""

from __future__ import annotations

import logging

from deskmate.desktop.docking.edge_reservation import (
    NO_RESERVATION_PROBLEM,
    EdgeReservation,
    TopmostFallback,
)
from deskmate.desktop.docking.errors import DockingError, EdgeReservationError
from deskmate.desktop.docking.geometry import DockLayout, Edge, check_edge, floating_rect
from deskmate.desktop.docking.native_window import native_window_id
from deskmate.desktop.docking.screen_layout import layout_on_screen, qrect_of, rect_of
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QResizeEvent, QScreen
from PySide6.QtWidgets import QWidget
from shiboken6 import Shiboken

_log = logging.getLogger(__name__)

MIN_WIDTH = 280
MAX_WIDTH = 800
DEFAULT_WIDTH = 380
_QWIDGETSIZE_MAX = (1 << 24) - 1
# The window-flag bits the controller decides; Qt adds title/close hints of its own.
_MANAGED_FLAGS = (
    Qt.WindowType.WindowType_Mask
    | Qt.WindowType.FramelessWindowHint
    | Qt.WindowType.WindowStaysOnTopHint
)


def clamp_width(width: int) -> int:
    """``width`` limited to what a sidebar may be (280–800 logical pixels)."""
    return max(MIN_WIDTH, min(MAX_WIDTH, int(width)))


class DockController(QObject):
    """Docks a window at the left or right edge of a screen and reserves the strip.

    Args:
        window: The sidebar's top-level window.
        reservation: How to reserve the strip (see :func:`edge_reservation_for`).
        edge: ``"left"`` or ``"right"``.
        screen_name: The preferred screen (``QScreen.name()``); empty means the primary one.
        width: The sidebar width in logical pixels, clamped to 280–800.
        parent: The Qt parent.

    Raises:
        DockingError: An unknown edge, or no QGuiApplication exists yet.

    Signals:
        placement_changed(edge, screen_name, width, docked): The placement to persist changed.
            ``screen_name`` is the preferred screen, kept even while it is unplugged.
        pinned_changed(pinned): Always-on-top was switched.
    """

    placement_changed = Signal(str, str, int, bool)
    pinned_changed = Signal(bool)

    def __init__(
        self,
        window: QWidget,
        reservation: EdgeReservation,
        edge: str = "right",
        screen_name: str = "",
        width: int = DEFAULT_WIDTH,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        app = QGuiApplication.instance()
        if not isinstance(app, QGuiApplication):
            raise DockingError("Create the QApplication before the DockController.")
        self._app = app
        self._window = window
        self._reservation = reservation
        self._fallback = TopmostFallback()
        self._reservation_failed = False
        self._failure: str | None = None  # why the real reservation failed, for the agent
        self._edge: Edge = check_edge(edge)
        self._screen_name = screen_name
        self._width = clamp_width(width)
        self._docked = False
        self._pinned = False
        self._problem: str | None = None
        self._placing = False  # our own geometry changes are not the user resizing
        self._placed_width: int | None = None
        self._applied: tuple[object, ...] | None = None
        self._current_screen: QScreen | None = None
        self._last_emitted: tuple[str, str, int, bool] | None = None
        self._watched_screens: list[QScreen] = []
        self._attached = False
        self._attach()

    # -- state ---------------------------------------------------------------------------

    @property
    def edge(self) -> str:
        """The edge the sidebar docks to, ``"left"`` or ``"right"``."""
        return self._edge

    @property
    def screen_name(self) -> str:
        """The preferred screen's name (empty: the primary screen)."""
        return self._screen_name

    @property
    def current_screen_name(self) -> str:
        """The screen the sidebar is docked on now (the primary one if the preferred is gone)."""
        return self._current_screen.name() if self._current_screen is not None else ""

    @property
    def width(self) -> int:
        """The sidebar width in logical pixels."""
        return self._width

    @property
    def docked(self) -> bool:
        """Whether the sidebar is docked (rather than a floating window)."""
        return self._docked

    @property
    def pinned(self) -> bool:
        """Whether the sidebar is kept above other windows."""
        return self._pinned

    @property
    def problem(self) -> str | None:
        """A sentence for the agent when no strip could be reserved, else ``None``."""
        return self._problem

    @property
    def reservation(self) -> EdgeReservation:
        """The reservation in use (the on-top fallback after the real one failed)."""
        return self._fallback if self._reservation_failed else self._reservation

    # -- commands ------------------------------------------------------------------------

    def dock(self) -> None:
        """Show the window docked at the edge of the chosen screen and reserve the strip.

        Falls back to the primary screen when the chosen one is not connected. If the strip
        cannot be reserved the sidebar stays on top instead and :attr:`problem` says why.
        """
        self._attach()
        self._docked = True
        self._reservation_failed = False  # an explicit dock tries the real thing again
        self._failure = None
        self._applied = None
        self._apply_docked(show=True)
        self._emit_if_changed()

    def undock(self) -> None:
        """Give the strip back and turn the sidebar into a normal, resizable floating window."""
        self._docked = False
        self.reservation.release()
        self._applied = None
        self._problem = None
        screen = self._current_screen or self._target_screen()
        self._placing = True
        try:
            self._set_flags(Qt.WindowType.Window | self._on_top_flag(self._pinned))
            self._window.setMinimumWidth(MIN_WIDTH)
            self._window.setMaximumWidth(_QWIDGETSIZE_MAX)
            if screen is not None:
                rect = floating_rect(rect_of(screen.availableGeometry()), self._edge, self._width)
                self._window.setGeometry(qrect_of(rect))
            self._window.show()
        finally:
            self._placing = False
        self._emit_if_changed()

    def set_pinned(self, pinned: bool) -> None:
        """Keep the sidebar above other windows (``True``) or not."""
        if pinned == self._pinned:
            return
        self._pinned = pinned
        if self._docked:
            self._apply_docked()
        else:
            self._set_flags(Qt.WindowType.Window | self._on_top_flag(pinned))
        self.pinned_changed.emit(pinned)

    def set_edge(self, edge: str) -> None:
        """Dock to ``"left"`` or ``"right"`` from now on.

        Raises:
            DockingError: Any other edge.
        """
        side = check_edge(edge)
        if side == self._edge:
            return
        self._edge = side
        self.redock()
        self._emit_if_changed()

    def set_screen(self, name: str) -> None:
        """Prefer the screen called ``name`` (``QScreen.name()``; empty: the primary one)."""
        if name == self._screen_name:
            return
        self._screen_name = name
        self.redock()
        self._emit_if_changed()

    def set_width(self, width: int) -> None:
        """Make the sidebar ``width`` logical pixels wide (clamped to 280–800)."""
        width = clamp_width(width)
        if width == self._width:
            return
        self._width = width
        self.redock()
        self._emit_if_changed()

    def redock(self) -> None:
        """Place the docked sidebar again from the current screens (no-op when floating)."""
        if self._docked:
            self._apply_docked()

    def release(self) -> None:
        """Give the strip back and stop following screens and resizes; call it on quit.

        The window stays where it is. :meth:`dock` starts over.
        """
        self._reservation.release()
        self._fallback.release()
        self._applied = None
        self._detach()

    # -- placing -------------------------------------------------------------------------

    def _apply_docked(self, gone: QScreen | None = None, *, show: bool = False) -> None:
        if not show and not self._window.isVisible():
            # Hidden by the agent (Esc, close): a screen or work-area change must not bring
            # it back. Hiding it frees the strip, which itself changes the work area.
            # The next dock() places it from the screens as they are then.
            self._applied = None
            return
        screen = self._target_screen(gone)
        if screen is None:
            _log.warning("no screen to dock the sidebar on")
            return
        self._current_screen = screen
        layout = layout_on_screen(screen, self._edge, self._width)
        self._placing = True
        try:
            self._set_flags(self._docked_flags())
            if self._window.screen() is not screen:
                self._window.setScreen(screen)
            self._window.setMinimumWidth(min(MIN_WIDTH, layout.window.width))
            self._window.setMaximumWidth(MAX_WIDTH)
            target = qrect_of(layout.window)
            if self._window.geometry() != target:
                self._window.setGeometry(target)
            if not self._window.isVisible():
                self._window.show()
            self._placed_width = layout.window.width
        finally:
            self._placing = False
        self._reserve(screen, layout)

    def _reserve(self, screen: QScreen, layout: DockLayout) -> None:
        reservation = self.reservation
        applied = (
            screen.name(),
            layout,
            self._edge,
            self._width,
            native_window_id(self._window),
            reservation.name,
        )
        if applied == self._applied:
            # Our own strut changes the work area, which re-triggers this; stop the echo here.
            return
        try:
            reservation.reserve(self._window, self._edge, self._width, screen=screen)
        except EdgeReservationError as error:
            _log.warning("could not reserve the sidebar strip (%s): %s", reservation.name, error)
            self._reservation_failed = True
            self._failure = self._problem = error.message
            self._placing = True
            try:
                self._set_flags(self._docked_flags())  # stays on top from now on
                self._fallback.reserve(self._window, self._edge, self._width, screen=screen)
            finally:
                self._placing = False
            applied = (*applied[:-2], native_window_id(self._window), self._fallback.name)
        else:
            self._problem = (
                None if reservation.reserves_space else self._failure or NO_RESERVATION_PROBLEM
            )
        self._applied = applied

    def _target_screen(self, gone: QScreen | None = None) -> QScreen | None:
        screens = [screen for screen in QGuiApplication.screens() if screen is not gone]
        for screen in screens:
            if self._screen_name and screen.name() == self._screen_name:
                return screen
        primary = QGuiApplication.primaryScreen()
        if primary is not None and primary is not gone:
            return primary
        return screens[0] if screens else None

    def _docked_flags(self) -> Qt.WindowType:
        # A frameless tool window: no title bar or taskbar button. Not a _NET_WM_WINDOW_TYPE_DOCK,
        # which many window managers never give keyboard focus (the agent types in the sidebar).
        on_top = self._pinned or not self.reservation.reserves_space
        return Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint | self._on_top_flag(on_top)

    @staticmethod
    def _on_top_flag(on_top: bool) -> Qt.WindowType:
        return Qt.WindowType.WindowStaysOnTopHint if on_top else Qt.WindowType.Widget

    def _set_flags(self, flags: Qt.WindowType) -> None:
        current = self._window.windowFlags()
        if current & _MANAGED_FLAGS == flags & _MANAGED_FLAGS:
            return
        visible = self._window.isVisible()
        self._window.setWindowFlags(flags)
        if visible:  # setWindowFlags hides the window
            self._window.show()

    def _emit_if_changed(self) -> None:
        placement = (self._edge, self._screen_name, self._width, self._docked)
        if placement != self._last_emitted:
            self._last_emitted = placement
            self.placement_changed.emit(*placement)

    # -- following screens and the user ---------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Notice the user resizing the docked sidebar and native window re-creation."""
        if watched is self._window and self._docked and not self._placing:
            if isinstance(event, QResizeEvent):
                self._on_resized(event.size().width())
            elif event.type() == QEvent.Type.WinIdChange:
                self._applied = None  # the strut belongs to the old native window
                QTimer.singleShot(0, self, self.redock)
        return False

    def _on_resized(self, new_width: int) -> None:
        if self._placed_width is None or abs(new_width - self._placed_width) <= 1:
            return  # our own placement, or a rounding echo at a fractional scale
        self._width = clamp_width(new_width)
        self._placed_width = None
        # Re-dock after the resize event is done, not from inside it.
        QTimer.singleShot(0, self, self.redock)
        self._emit_if_changed()

    def _on_screen_added(self, screen: QScreen) -> None:
        self._watch(screen)
        self.redock()  # it may be the preferred screen coming back

    def _on_screen_removed(self, screen: QScreen) -> None:
        if screen in self._watched_screens:
            self._watched_screens.remove(screen)
        if self._current_screen is screen:
            self._current_screen = None
        if self._docked:
            self._apply_docked(gone=screen)

    def _on_screen_changed(self, *_args: object) -> None:
        self.redock()

    def _watch(self, screen: QScreen) -> None:
        if screen in self._watched_screens:
            return
        screen.geometryChanged.connect(self._on_screen_changed)
        screen.availableGeometryChanged.connect(self._on_screen_changed)
        screen.logicalDotsPerInchChanged.connect(self._on_screen_changed)
        self._watched_screens.append(screen)

    def _attach(self) -> None:
        if self._attached:
            return
        self._window.installEventFilter(self)
        self._app.screenAdded.connect(self._on_screen_added)
        self._app.screenRemoved.connect(self._on_screen_removed)
        self._app.primaryScreenChanged.connect(self._on_screen_changed)
        for screen in QGuiApplication.screens():
            self._watch(screen)
        self._attached = True

    def _detach(self) -> None:
        if not self._attached:
            return
        if Shiboken.isValid(self._window):  # on quit the window may be deleted first
            self._window.removeEventFilter(self)
        self._app.screenAdded.disconnect(self._on_screen_added)
        self._app.screenRemoved.disconnect(self._on_screen_removed)
        self._app.primaryScreenChanged.disconnect(self._on_screen_changed)
        for screen in self._watched_screens:
            screen.geometryChanged.disconnect(self._on_screen_changed)
            screen.availableGeometryChanged.disconnect(self._on_screen_changed)
            screen.logicalDotsPerInchChanged.disconnect(self._on_screen_changed)
        self._watched_screens.clear()
        self._attached = False
