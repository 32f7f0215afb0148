"""The sidebar on every virtual desktop (sticky), so it follows the agent (issue #18).

An agent who switches to another virtual desktop (a second CRM, the mail client) should
find the sidebar there, and the summon hotkey should bring it up where they are — not
switch them back to the desktop it was first shown on. On X11 an EWMH window manager is
asked to show the window on all desktops (``_NET_WM_DESKTOP`` = 0xFFFFFFFF, which
openbox, xfwm4, KWin and Mutter honour) and, where it is supported, to make it
``_NET_WM_STATE_STICKY`` (KWin and Mutter draw that as "on all workspaces"). Being on
every desktop also keeps the strip reserved on every desktop: window managers apply a
strut only on the desktops its window is on.

On Windows the public ``IVirtualDesktopManager`` can only move a window to one desktop;
"show on all desktops" has no public API, so :class:`NoDesktops` is used there (how the
docked tool window behaves across Windows desktops is not covered by this repository's
tests). Elsewhere (Wayland, offscreen) too.
"""

from __future__ import annotations

import logging
from typing import Protocol

from deskmate.desktop.docking.native_window import native_window_id
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

_log = logging.getLogger(__name__)

ALL_DESKTOPS = 0xFFFFFFFF
_SOURCE_APPLICATION = 1  # EWMH source indication: a normal application asks
_STATE_ADD = 1


class DesktopPlacement(Protocol):
    """Puts a native window on every virtual desktop."""

    def put_on_all_desktops(self, window_id: int) -> None:
        """Ask the desktop to show window ``window_id`` on all virtual desktops."""
        ...

    def close(self) -> None:
        """Release what the placement holds (its display connection)."""
        ...


class NoDesktops:
    """No virtual desktops to follow (Windows, Wayland, offscreen): nothing to do."""

    def put_on_all_desktops(self, window_id: int) -> None:
        """Nothing: see the module's docstring for why."""

    def close(self) -> None:
        """Nothing held."""


class X11AllDesktops:
    """EWMH requests on a python-xlib connection of its own (never Qt's xcb one).

    Raises:
        OSError, Xlib errors: the X display cannot be reached (see :func:`placement_for`).
    """

    def __init__(self, display_name: str | None = None) -> None:
        from Xlib.display import Display

        self._display = Display(display_name)
        self._display.set_error_handler(self._log_stray_error)
        self._root = self._display.screen().root

    def put_on_all_desktops(self, window_id: int) -> None:
        """Set ``_NET_WM_DESKTOP`` for the next map and ask the window manager now.

        EWMH: a client sets the property itself only before the window is mapped; once
        it is mapped it sends a client message to the root window instead. Both are
        done, since a Qt window may be mapped or not when this runs.
        """
        from Xlib import X, Xatom
        from Xlib.error import CatchError

        atom = self._display.intern_atom
        target = self._display.create_resource_object("window", window_id)
        caught = CatchError()
        target.change_property(
            atom("_NET_WM_DESKTOP"), Xatom.CARDINAL, 32, [ALL_DESKTOPS], onerror=caught
        )
        messages = [("_NET_WM_DESKTOP", [ALL_DESKTOPS, _SOURCE_APPLICATION, 0, 0, 0])]
        if self._supports("_NET_WM_STATE_STICKY"):
            sticky = atom("_NET_WM_STATE_STICKY")
            messages.append(("_NET_WM_STATE", [_STATE_ADD, sticky, 0, _SOURCE_APPLICATION, 0]))
        for name, data in messages:
            self._root.send_event(
                self._client_message(target, atom(name), data),
                event_mask=X.SubstructureRedirectMask | X.SubstructureNotifyMask,
                onerror=caught,
            )
        self._display.sync()
        while self._display.pending_events():  # nothing selected; drop MappingNotify
            self._display.next_event()
        if caught.get_error() is not None:
            _log.warning("could not put the sidebar on all desktops: %s", caught.get_error())

    def close(self) -> None:
        """Close the X connection."""
        self._display.close()

    def _supports(self, name: str) -> bool:
        from Xlib import Xatom

        supported = self._root.get_full_property(
            self._display.intern_atom("_NET_SUPPORTED"), Xatom.ATOM
        )
        return supported is not None and self._display.intern_atom(name) in supported.value

    @staticmethod
    def _client_message(target: object, kind: int, data: list[int]) -> object:
        from Xlib.protocol import event

        return event.ClientMessage(window=target, client_type=kind, data=(32, data))

    @staticmethod
    def _log_stray_error(error: object, request: object = None) -> None:
        _log.warning("X error on the desktops connection: %s", error)


def placement_for(app: QGuiApplication) -> DesktopPlacement:
    """The way to follow virtual desktops on the platform ``app`` runs on."""
    if app.platformName() != "xcb":
        return NoDesktops()
    try:
        return X11AllDesktops()
    except Exception as error:  # noqa: BLE001 - python-xlib raises several unrelated types
        _log.warning("cannot follow virtual desktops: %s", error)
        return NoDesktops()


class OnAllDesktops(QObject):
    """Keeps ``window`` on every virtual desktop: each time it is shown, and on summon.

    A hidden window is unmapped and Qt may re-create its native window (new flags when
    docking or pinning), so the request is repeated after every show rather than once.
    """

    def __init__(
        self, window: QWidget, placement: DesktopPlacement, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._window = window
        self._placement = placement
        window.installEventFilter(self)

    def bring_here(self) -> None:
        """Before the summon hotkey raises it: on all desktops, so on the current one.

        Without this, activating a window that the agent (or the window manager) put on
        one desktop switches the agent to that desktop.
        """
        if self._window.isVisible():
            self._place()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """After each show (the window is mapped by then), ask again."""
        if watched is self._window and event.type() == QEvent.Type.Show:
            QTimer.singleShot(0, self, self._place)
        return False

    def close(self) -> None:
        """Stop following and release the placement's connection."""
        self._window.removeEventFilter(self)
        self._placement.close()

    def _place(self) -> None:
        if self._window.isVisible():
            self._placement.put_on_all_desktops(native_window_id(self._window))
