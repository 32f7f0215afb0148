"""Global hotkeys on X11: passive key grabs on the root window.

``XGrabKey`` on the root window makes the X server send that key combination to us whichever
window has the focus. Details that matter:

* A grab matches the modifier state exactly, and NumLock, CapsLock and ScrollLock are
  modifiers too, so every combination is grabbed once per lock variant.
* Only one client can grab a combination; a second grab fails asynchronously with
  ``BadAccess``. Each registration therefore ends with a round trip (``display.sync()``) and
  a per-request error handler, so "taken by another program" is reported right away.
* Events arrive on python-xlib's own connection; a ``QSocketNotifier`` on its socket tells
  the Qt event loop when to read them. No thread, no timer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from deskmate.desktop.hotkeys.errors import HotkeyError
from deskmate.desktop.hotkeys.global_hotkeys import (
    GlobalHotkeys,
    taken_message,
    unusable_message,
)
from deskmate.desktop.hotkeys.hotkey_chord import HotkeyChord
from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, Qt
from Xlib import XK, X
from Xlib import error as xerror
from Xlib.display import Display

_log = logging.getLogger(__name__)

# The modifiers a hotkey can use; everything else in an event's state (locks) is ignored.
_CHORD_MODIFIERS = X.ShiftMask | X.ControlMask | X.Mod1Mask | X.Mod4Mask

_NAMED_KEYSYMS: dict[Qt.Key, str] = {
    Qt.Key.Key_Space: "space",
    Qt.Key.Key_Return: "Return",
    Qt.Key.Key_Enter: "KP_Enter",
    Qt.Key.Key_Escape: "Escape",
    Qt.Key.Key_Tab: "Tab",
    Qt.Key.Key_Backspace: "BackSpace",
    Qt.Key.Key_Insert: "Insert",
    Qt.Key.Key_Delete: "Delete",
    Qt.Key.Key_Home: "Home",
    Qt.Key.Key_End: "End",
    Qt.Key.Key_PageUp: "Prior",
    Qt.Key.Key_PageDown: "Next",
    Qt.Key.Key_Left: "Left",
    Qt.Key.Key_Up: "Up",
    Qt.Key.Key_Right: "Right",
    Qt.Key.Key_Down: "Down",
    Qt.Key.Key_Pause: "Pause",
    Qt.Key.Key_Print: "Print",
    Qt.Key.Key_Minus: "minus",
    Qt.Key.Key_Equal: "equal",
    Qt.Key.Key_Comma: "comma",
    Qt.Key.Key_Period: "period",
    Qt.Key.Key_Slash: "slash",
    Qt.Key.Key_Semicolon: "semicolon",
    Qt.Key.Key_Apostrophe: "apostrophe",
    Qt.Key.Key_BracketLeft: "bracketleft",
    Qt.Key.Key_BracketRight: "bracketright",
    Qt.Key.Key_Backslash: "backslash",
    Qt.Key.Key_QuoteLeft: "grave",
}


def keysym_name(key: Qt.Key) -> str | None:
    """The X keysym name of a Qt key (``Key_G`` → ``"g"``), or ``None`` if there is none."""
    value = key.value
    if Qt.Key.Key_A.value <= value <= Qt.Key.Key_Z.value:
        return chr(value).lower()  # keycodes are looked up by the unshifted keysym
    if Qt.Key.Key_0.value <= value <= Qt.Key.Key_9.value:
        return chr(value)
    if Qt.Key.Key_F1.value <= value <= Qt.Key.Key_F35.value:
        return f"F{value - Qt.Key.Key_F1.value + 1}"
    return _NAMED_KEYSYMS.get(key)


def modifier_mask(chord: HotkeyChord) -> int:
    """The X modifier mask of a chord (Meta is the Super/Windows key, Mod4)."""
    return (
        (X.ControlMask if chord.ctrl else 0)
        | (X.Mod1Mask if chord.alt else 0)
        | (X.ShiftMask if chord.shift else 0)
        | (X.Mod4Mask if chord.meta else 0)
    )


@dataclass(frozen=True)
class _Grab:
    keycode: int
    modifiers: int


class X11GlobalHotkeys(GlobalHotkeys):
    """Global hotkeys through ``XGrabKey`` on a dedicated python-xlib connection.

    Args:
        display_name: The X display, e.g. ``":0"``; ``$DISPLAY`` when omitted.
        parent: The Qt parent.

    Raises:
        HotkeyError: The X display cannot be reached.
    """

    backend: str = "x11"

    def __init__(self, display_name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        try:
            self._display = Display(display_name)
        except (
            xerror.DisplayError,
            xerror.ConnectionClosedError,
            xerror.XauthError,
            OSError,
        ) as error:
            raise HotkeyError(
                QCoreApplication.translate(
                    "GlobalHotkeys",
                    "Deskmate could not connect to the X display for global hotkeys.",
                ),
                display=display_name,
            ) from error
        self._display.set_error_handler(self._log_stray_error)
        self._root = self._display.screen().root
        self._grabs: dict[str, _Grab] = {}
        self._lock_variants = self._find_lock_variants()
        self._draining = False
        self._closed = False
        self._notifier = QSocketNotifier(self._display.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)

    def close(self) -> None:
        """Ungrab every key and close the X connection. Safe to call twice."""
        if self._closed:
            return
        super().close()
        self._notifier.setEnabled(False)
        self._display.close()
        self._closed = True

    def _grab(self, name: str, chord: HotkeyChord) -> None:
        grab = _Grab(self._keycode_for(chord), modifier_mask(chord))
        taken = xerror.CatchError(xerror.BadAccess)
        for locks in self._lock_variants:
            self._root.grab_key(
                grab.keycode,
                grab.modifiers | locks,
                False,
                X.GrabModeAsync,
                X.GrabModeAsync,
                onerror=taken,
            )
        self._display.sync()  # the round trip that makes a BadAccess arrive now
        if taken.get_error() is not None:
            self._ungrab(grab)  # only frees the variants we got; the other client keeps its own
            self._display.sync()
            self._drain()
            raise HotkeyError(taken_message(chord.text), key=chord.text)
        self._grabs[name] = grab
        # sync() may have read events into python-xlib's queue, which the socket notifier
        # will not announce again.
        self._drain()

    def _release(self, name: str, chord: HotkeyChord) -> None:
        grab = self._grabs.pop(name, None)
        if grab is not None:
            self._ungrab(grab)
            self._display.sync()
            self._drain()

    def _ungrab(self, grab: _Grab) -> None:
        for locks in self._lock_variants:
            self._root.ungrab_key(grab.keycode, grab.modifiers | locks)

    def _keycode_for(self, chord: HotkeyChord) -> int:
        name = keysym_name(chord.key)
        keysym = XK.string_to_keysym(name) if name else X.NoSymbol
        if keysym == X.NoSymbol:
            raise HotkeyError(unusable_message(chord.text), key=chord.text)
        keycode = int(self._display.keysym_to_keycode(keysym))
        if keycode == 0:
            raise HotkeyError(
                QCoreApplication.translate(
                    "GlobalHotkeys",
                    "%1 is not on this keyboard layout; choose another key in Settings.",
                ).replace("%1", chord.text),
                key=chord.text,
            )
        return keycode

    def _find_lock_variants(self) -> tuple[int, ...]:
        """Every combination of CapsLock, NumLock and (if mapped) ScrollLock modifier bits."""
        num_lock = self._modifier_bit_of(XK.XK_Num_Lock) or X.Mod2Mask
        scroll_lock = self._modifier_bit_of(XK.XK_Scroll_Lock)
        variants = {0}
        for lock in (X.LockMask, num_lock, scroll_lock):
            if lock and not lock & _CHORD_MODIFIERS:
                variants |= {variant | lock for variant in variants}
        return tuple(sorted(variants))

    def _modifier_bit_of(self, keysym: int) -> int:
        keycodes = {keycode for keycode, _index in self._display.keysym_to_keycodes(keysym)}
        for index, modifier_keycodes in enumerate(self._display.get_modifier_mapping()):
            if keycodes & (set(modifier_keycodes) - {0}):
                return 1 << index
        return 0

    def _drain(self, *_args: object) -> None:
        """Read and handle every event waiting on the connection."""
        if self._draining:
            return  # a handler's round trip re-entered; the outer loop picks the events up
        self._draining = True
        try:
            while events := self._read_events():
                self._handle(events)
        finally:
            self._draining = False

    def _read_events(self) -> list[Any]:
        events: list[Any] = []
        try:
            while self._display.pending_events():
                events.append(self._display.next_event())
        except (xerror.ConnectionClosedError, OSError) as error:
            _log.warning("global hotkeys stopped: the X connection closed (%s)", error)
            self._notifier.setEnabled(False)
        return events

    def _handle(self, events: list[Any]) -> None:
        skip_next = False
        for index, event in enumerate(events):
            if skip_next:
                skip_next = False
                continue
            kind = event.type
            if kind == X.KeyRelease and _is_autorepeat(event, events[index + 1 :]):
                skip_next = True  # held down: the server repeats release+press; fire once
            elif kind == X.KeyPress:
                name = self._name_of(event)
                if name is not None:
                    self.activated.emit(name)
            elif kind == X.MappingNotify:
                self._on_keyboard_mapping_changed(event)

    def _name_of(self, event: Any) -> str | None:
        state = int(event.state) & _CHORD_MODIFIERS
        for name, grab in self._grabs.items():
            if grab.keycode == event.detail and grab.modifiers == state:
                return name
        return None

    def _on_keyboard_mapping_changed(self, event: Any) -> None:
        if event.request == X.MappingPointer:
            return
        # A new layout can move keys to other keycodes and locks to other modifier bits.
        self._display.refresh_keyboard_mapping(event)
        for name, grab in list(self._grabs.items()):
            self._ungrab(grab)
            del self._grabs[name]
        self._lock_variants = self._find_lock_variants()
        for name, chord in list(self._chords.items()):
            try:
                self._grab(name, chord)
            except HotkeyError as error:
                _log.warning("global hotkey %s lost after a keyboard change: %s", name, error)
                del self._chords[name]

    @staticmethod
    def _log_stray_error(error: object, request: object = None) -> None:
        _log.warning("X error on the hotkey connection: %s", error)


def _is_autorepeat(release: Any, following: list[Any]) -> bool:
    if not following:
        return False
    press = following[0]
    return bool(
        press.type == X.KeyPress and press.detail == release.detail and press.time == release.time
    )
