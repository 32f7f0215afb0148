"""Typing an answer into the agent's previous window, without the clipboard (issue #18).

"Insert into CRM" types the open answer where the agent was working before they turned
to the sidebar, so the clipboard keeps what they copied from the CRM. Per platform:

* X11 (:class:`X11Keystrokes`): the XTEST extension fakes key presses. Characters
  are typed with spare keycodes (ones with no symbols in the current keymap)
  remapped to their keysyms — the Unicode keysym ``0x1000000 + code point`` beyond
  Latin-1 — up to 64 distinct characters per keymap change, with a pause around each
  change so the target never looks a pending key up in a newer map. So Chinese, emoji
  and accented text arrive as themselves whatever the keyboard layout, without going
  through the agent's input method. Chosen over "clipboard + Ctrl+V, then restore
  the clipboard": restoring is racy (a clipboard manager or the CRM itself may read
  or replace it meanwhile), a Ctrl+V is not "paste" in every program (terminals want
  Shift+Ctrl+V), and the agent's copied text would be gone for a moment. Line breaks
  are typed as Return.
* Windows (:class:`WindowsKeystrokes`): ``SendInput`` with ``KEYEVENTF_UNICODE``, one
  down/up pair per UTF-16 unit; no keymap trick needed. Not runnable here: the events
  it builds are tested through a fake ``SendInput``.
* Anywhere else (Wayland, macOS, offscreen): :class:`NoKeystrokes` refuses with a
  sentence; copying still works.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from deskmate.core.errors import DeskmateError

log = logging.getLogger(__name__)
MAX_CHARS = 5000  # an answer or a filled script; more is not something to type
KEY_DELAY_S = 0.004  # between key presses, as a fast typist
SETTLE_S = 0.1  # for the target to read a keymap change, and its keys before the next one
MAX_SPARE_KEYS = 64  # distinct characters typed per keymap change
MODIFIER_WAIT_S = 2.0  # the agent may still hold Ctrl+Shift of the shortcut


class InsertError(DeskmateError):
    """Typing into the previous window is impossible or failed.

    ``fields["reason"]`` says why, for the sidebar's wording (:mod:`.crm_insert`):
    ``unsupported``, ``no_display``, ``no_target``, ``not_activated``, ``modifiers``,
    ``no_free_key`` or ``blocked``.
    """

    code = "insert.failed"


class Keystrokes(Protocol):
    """Types text into the window the agent worked in before the sidebar."""

    def remember_target(self, own_window: int) -> None:
        """Note the active window now, unless it is ``own_window`` (the sidebar)."""
        ...

    def type_into_target(self, text: str, own_window: int) -> None:
        """Activate the remembered (or most recent other) window and type ``text``.

        Runs on a worker thread: it takes ~10 ms a character.

        Raises:
            InsertError: no window to type into, or the platform cannot type.
        """
        ...


class NoKeystrokes:
    """No way to type into another program here (Wayland, macOS, offscreen)."""

    def remember_target(self, own_window: int) -> None:
        """Nothing to remember."""

    def type_into_target(self, text: str, own_window: int) -> None:
        """Always refuses: see the module's docstring."""
        raise InsertError(
            "Deskmate cannot type into other programs on this desktop; copy and paste instead.",
            reason="unsupported",
        )


def keysym_for(char: str) -> int:
    """The X keysym that types ``char``: Latin-1 as itself, the rest as Unicode keysyms."""
    point = ord(char)
    if 0x20 <= point <= 0x7E or 0xA0 <= point <= 0xFF:
        return point
    return 0x01000000 + point


class X11Keystrokes:
    """XTEST typing on python-xlib connections of its own (never Qt's)."""

    def __init__(self, display_name: str | None = None) -> None:
        self._display_name = display_name
        self._target: int | None = None

    def remember_target(self, own_window: int) -> None:
        """Note ``_NET_ACTIVE_WINDOW`` (the CRM, when the hotkey summons the sidebar)."""
        display = self._open()
        try:
            active = self._active_window(display)
        finally:
            display.close()
        if active and active != own_window:
            self._target = active

    def type_into_target(self, text: str, own_window: int) -> None:
        """Activate the target window, wait for it, type ``text`` with XTEST."""
        from Xlib import X
        from Xlib.ext import xtest

        display = self._open()
        try:
            if not display.has_extension("XTEST"):
                raise InsertError(
                    "This X server does not allow typing into other programs.", reason="unsupported"
                )
            target = self._choose_target(display, own_window)
            self._activate(display, target)
            self._wait_for_modifiers(display)
            spares = self._spare_keycodes(display)
            specials = {
                "\n": display.keysym_to_keycode(0xFF0D),  # Return
                "\t": display.keysym_to_keycode(0xFF09),  # Tab
            }
            chars = text[:MAX_CHARS].replace("\r\n", "\n")
            try:
                for batch, keys in self._batches(chars, specials, spares):
                    for keycode, symbol in keys.items():
                        display.change_keyboard_mapping(keycode, [(symbol, symbol)])
                    display.sync()
                    time.sleep(SETTLE_S)  # the target reads the new map before the keys
                    for keycode in batch:
                        xtest.fake_input(display, X.KeyPress, keycode)
                        xtest.fake_input(display, X.KeyRelease, keycode)
                        display.sync()
                        time.sleep(KEY_DELAY_S)
                    time.sleep(SETTLE_S)  # ...and its keys before the map changes again
            finally:
                for keycode in spares:
                    display.change_keyboard_mapping(keycode, [(0, 0)])
                display.sync()
        finally:
            display.close()
        log.info("typed %d characters into the previous window", len(text))

    def _open(self) -> Any:
        from Xlib import error as xerror
        from Xlib.display import Display

        try:
            return Display(self._display_name)
        except (xerror.DisplayError, xerror.ConnectionClosedError, OSError) as exc:
            raise InsertError(
                "Deskmate cannot reach the X display to type.", reason="no_display"
            ) from exc

    @staticmethod
    def _active_window(display: Any) -> int:
        prop = display.screen().root.get_full_property(display.intern_atom("_NET_ACTIVE_WINDOW"), 0)
        return int(prop.value[0]) if prop is not None and len(prop.value) else 0

    def _choose_target(self, display: Any, own_window: int) -> int:
        """The remembered window if it still exists, else the topmost other normal window."""
        root = display.screen().root
        stacking = root.get_full_property(display.intern_atom("_NET_CLIENT_LIST_STACKING"), 0)
        windows = [int(w) for w in stacking.value] if stacking is not None else []
        if self._target in windows:
            return self._target
        for window in reversed(windows):  # top of the stack first
            if window != own_window and self._is_normal(display, window):
                return window
        raise InsertError("There is no other window to type into.", reason="no_target")

    @staticmethod
    def _is_normal(display: Any, window_id: int) -> bool:
        window = display.create_resource_object("window", window_id)
        kinds = window.get_full_property(display.intern_atom("_NET_WM_WINDOW_TYPE"), 0)
        normal = display.intern_atom("_NET_WM_WINDOW_TYPE_NORMAL")
        return kinds is None or normal in kinds.value

    def _activate(self, display: Any, target: int) -> None:
        from Xlib import X
        from Xlib.protocol import event

        root = display.screen().root
        message = event.ClientMessage(
            window=display.create_resource_object("window", target),
            client_type=display.intern_atom("_NET_ACTIVE_WINDOW"),
            data=(32, [2, X.CurrentTime, 0, 0, 0]),  # 2: on the user's behalf, like a pager
        )
        root.send_event(message, event_mask=X.SubstructureRedirectMask | X.SubstructureNotifyMask)
        display.sync()
        deadline = time.monotonic() + 2.0
        while self._active_window(display) != target:
            if time.monotonic() > deadline:
                raise InsertError(
                    "The previous window could not be brought forward to type.",
                    reason="not_activated",
                )
            time.sleep(0.02)
        time.sleep(0.05)  # the window manager sets the focus right after

    @staticmethod
    def _wait_for_modifiers(display: Any) -> None:
        from Xlib import X

        held = X.ShiftMask | X.ControlMask | X.Mod1Mask | X.Mod4Mask
        deadline = time.monotonic() + MODIFIER_WAIT_S
        while display.screen().root.query_pointer().mask & held:
            if time.monotonic() > deadline:
                raise InsertError(
                    "Release Ctrl, Shift and Alt, then insert again.", reason="modifiers"
                )
            time.sleep(0.02)

    @staticmethod
    def _batches(
        text: str, specials: dict[str, int], spares: list[int]
    ) -> Iterator[tuple[list[int], dict[int, int]]]:
        """The keycodes to press, in runs that need at most ``len(spares)`` remapped keys.

        Each run comes with the keycode -> keysym map to set before it. A keycode is
        never remapped while the target may still be reading a press of it: a toolkit
        looks a key up in the keymap when it handles the event, not when it was sent,
        so one remapped key for every character (``xdotool type``) doubles and drops
        characters when the target lags (seen with xterm here).
        """
        batch: list[int] = []
        keys: dict[int, int] = {}
        by_char: dict[str, int] = {}
        for char in text:
            keycode = specials.get(char) or by_char.get(char)
            if keycode is None:
                if len(keys) == len(spares):
                    yield batch, keys
                    batch, keys, by_char = [], {}, {}
                keycode = spares[len(keys)]
                keys[keycode] = keysym_for(char)
                by_char[char] = keycode
            batch.append(keycode)
        if batch:
            yield batch, keys

    @staticmethod
    def _spare_keycodes(display: Any) -> list[int]:
        """Keycodes with no symbols in the current keymap (at most :data:`MAX_SPARE_KEYS`)."""
        first = display.display.info.min_keycode
        count = display.display.info.max_keycode - first + 1
        mapping = display.get_keyboard_mapping(first, count)
        # High keycodes are the usual free ones.
        free = [first + n for n in range(count - 1, -1, -1) if not any(mapping[n])]
        if free:
            return [int(keycode) for keycode in free[:MAX_SPARE_KEYS]]
        raise InsertError("The keyboard map has no free key to type with.", reason="no_free_key")


# -- Windows ---------------------------------------------------------------------------

KEYEVENTF_KEYUP = 0x0002
KEYEVENTF_UNICODE = 0x0004


def unicode_key_events(text: str) -> list[tuple[int, int]]:
    """``(scan, flags)`` pairs for ``SendInput``: a down and an up per UTF-16 unit.

    Characters beyond the BMP (emoji) are two units, sent as two pairs, as Windows
    expects; line breaks are sent as a carriage return (Enter in edit controls).
    """
    events: list[tuple[int, int]] = []
    encoded = text[:MAX_CHARS].replace("\r\n", "\n").replace("\n", "\r").encode("utf-16-le")
    for n in range(0, len(encoded), 2):
        unit = int.from_bytes(encoded[n : n + 2], "little")
        events.append((unit, KEYEVENTF_UNICODE))
        events.append((unit, KEYEVENTF_UNICODE | KEYEVENTF_KEYUP))
    return events


class WindowsKeystrokes:
    """``SendInput`` with ``KEYEVENTF_UNICODE`` into the previous foreground window.

    Args:
        send: Sends the ``(scan, flags)`` events; the default calls user32's SendInput.
        foreground: Returns the foreground window's handle; ``activate`` brings one forward.
    """

    def __init__(
        self,
        send: Callable[[Sequence[tuple[int, int]]], int] | None = None,
        foreground: Callable[[], int] | None = None,
        activate: Callable[[int], bool] | None = None,
    ) -> None:
        self._send = send or _send_input
        self._foreground = foreground or _foreground_window
        self._activate = activate or _set_foreground_window
        self._target: int | None = None

    def remember_target(self, own_window: int) -> None:
        """Note the foreground window (the CRM, when the hotkey summons the sidebar)."""
        active = self._foreground()
        if active and active != own_window:
            self._target = active

    def type_into_target(self, text: str, own_window: int) -> None:
        """Bring the remembered window forward and send ``text`` as Unicode key events."""
        if not self._target:
            raise InsertError("There is no other window to type into.", reason="no_target")
        if not self._activate(self._target):
            raise InsertError(
                "The previous window could not be brought forward to type.", reason="not_activated"
            )
        time.sleep(0.05)
        events = unicode_key_events(text)
        if self._send(events) != len(events):
            raise InsertError("Windows blocked typing into the previous window.", reason="blocked")


def _send_input(events: Sequence[tuple[int, int]]) -> int:  # pragma: no cover - Windows only
    import ctypes
    from ctypes import wintypes

    class KeyboardInput(ctypes.Structure):
        _fields_ = [
            ("wVk", wintypes.WORD),
            ("wScan", wintypes.WORD),
            ("dwFlags", wintypes.DWORD),
            ("time", wintypes.DWORD),
            ("dwExtraInfo", ctypes.c_size_t),
        ]

    class Input(ctypes.Structure):
        class _Union(ctypes.Union):
            # MOUSEINPUT is the largest member; pad the union to its size.
            _fields_ = [("ki", KeyboardInput), ("padding", ctypes.c_byte * 32)]

        _anonymous_ = ("u",)
        _fields_ = [("type", wintypes.DWORD), ("u", _Union)]

    inputs = (Input * len(events))()
    for n, (scan, flags) in enumerate(events):
        inputs[n].type = 1  # INPUT_KEYBOARD
        inputs[n].ki = KeyboardInput(0, scan, flags, 0, 0)
    user32 = ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined,unused-ignore]
    return int(user32.SendInput(len(events), inputs, ctypes.sizeof(Input)))


def _foreground_window() -> int:  # pragma: no cover - Windows only
    import ctypes

    return int(ctypes.WinDLL("user32").GetForegroundWindow() or 0)  # type: ignore[attr-defined,unused-ignore]


def _set_foreground_window(hwnd: int) -> bool:  # pragma: no cover - Windows only
    import ctypes

    return bool(ctypes.WinDLL("user32").SetForegroundWindow(hwnd))  # type: ignore[attr-defined,unused-ignore]


def keystrokes_for(platform_name: str) -> Keystrokes:
    """How to type into other programs on the Qt platform ``platform_name``."""
    if platform_name == "xcb":
        return X11Keystrokes()
    if platform_name == "windows" and sys.platform == "win32":
        return WindowsKeystrokes()
    return NoKeystrokes()
