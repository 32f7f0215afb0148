"""Global hotkeys on a real X server: fired from another window, with locks, and when taken."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator

import pytest
from deskmate.desktop.hotkeys import (
    GlobalHotkeys,
    HotkeyError,
    global_hotkeys_for,
    is_wayland_session,
    parse_hotkey,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from Xlib import XK, X
from Xlib.display import Display

from tests.x11.x11_tools import active_window, find_window, run, screenshot, start_xterm

pytestmark = pytest.mark.x11


@pytest.fixture
def hotkeys(qapp: QApplication) -> Iterator[GlobalHotkeys]:
    keys = global_hotkeys_for(qapp)
    assert keys.backend == "x11", keys.unsupported_reason
    yield keys
    keys.close()


@pytest.fixture
def focused_xterm(qtbot: QtBot, xterms: list[subprocess.Popen[bytes]]) -> int:
    """An xterm (the CRM) that has the keyboard focus, not Deskmate."""
    xterms.append(start_xterm("focus-xterm", "-geometry", "80x24+40+40"))
    window = find_window("focus-xterm")
    qtbot.waitUntil(lambda: _activate(window) == window, timeout=10_000)
    return window


def _activate(window: int) -> int | None:
    run("xdotool", "windowactivate", "--sync", str(window))
    return active_window()


def _num_lock_on() -> bool:
    connection = Display()
    try:
        return bool(connection.screen().root.query_pointer().mask & X.Mod2Mask)
    finally:
        connection.close()


@pytest.fixture
def num_lock() -> Iterator[None]:
    """NumLock switched on for the test, and off again afterwards."""
    if not _num_lock_on():
        run("xdotool", "key", "Num_Lock")
    assert _num_lock_on()
    yield
    if _num_lock_on():
        run("xdotool", "key", "Num_Lock")


def _press_and_expect(qtbot: QtBot, hotkeys: GlobalHotkeys, keys: str, name: str) -> None:
    with qtbot.waitSignal(
        hotkeys.activated, timeout=5_000, check_params_cb=lambda fired: fired == name
    ):
        run("xdotool", "key", keys)


def test_hotkey_fires_while_another_window_has_focus(
    qtbot: QtBot, hotkeys: GlobalHotkeys, focused_xterm: int
) -> None:
    hotkeys.register("gap", "Ctrl+Alt+G")
    assert hotkeys.registered() == {"gap": "Ctrl+Alt+G"}
    _press_and_expect(qtbot, hotkeys, "ctrl+alt+g", "gap")
    assert active_window() == focused_xterm  # the grab did not take the focus away
    screenshot("hotkey-focus.png")


def test_hotkey_fires_with_num_lock_and_caps_lock_on(
    qtbot: QtBot, hotkeys: GlobalHotkeys, focused_xterm: int, num_lock: None
) -> None:
    hotkeys.register("gap", "Ctrl+Alt+G")
    _press_and_expect(qtbot, hotkeys, "ctrl+alt+g", "gap")
    run("xdotool", "key", "Caps_Lock")
    try:
        _press_and_expect(qtbot, hotkeys, "ctrl+alt+g", "gap")
    finally:
        run("xdotool", "key", "Caps_Lock")


def test_two_hotkeys_fire_their_own_names_and_unregister_frees_the_key(
    qtbot: QtBot, hotkeys: GlobalHotkeys, focused_xterm: int
) -> None:
    hotkeys.register("summon", "Ctrl+Alt+Space")
    hotkeys.register("gap", "Ctrl+Alt+G")
    _press_and_expect(qtbot, hotkeys, "ctrl+alt+space", "summon")
    _press_and_expect(qtbot, hotkeys, "ctrl+alt+g", "gap")

    hotkeys.unregister("gap")
    assert hotkeys.registered() == {"summon": "Ctrl+Alt+Space"}
    with qtbot.assertNotEmitted(hotkeys.activated, wait=500):
        run("xdotool", "key", "ctrl+alt+g")

    # Another program can have the key now.
    other = Display()
    try:
        taken = _grab_from_another_program(other, "g")
        assert taken is None
    finally:
        other.close()


def _grab_from_another_program(connection: Display, letter: str) -> object:
    """Grab Ctrl+Alt+<letter> on a separate X connection; the X error if that failed."""
    from Xlib import error as xerror

    keycode = connection.keysym_to_keycode(XK.string_to_keysym(letter))
    caught = xerror.CatchError(xerror.BadAccess)
    connection.screen().root.grab_key(
        keycode, X.ControlMask | X.Mod1Mask, True, X.GrabModeAsync, X.GrabModeAsync, onerror=caught
    )
    connection.sync()
    return caught.get_error()


def test_a_key_taken_by_another_program_is_reported(hotkeys: GlobalHotkeys) -> None:
    other = Display()
    try:
        assert _grab_from_another_program(other, "k") is None
        with pytest.raises(HotkeyError) as caught:
            hotkeys.register("summon", "Ctrl+Alt+K")
        assert str(caught.value) == (
            "Ctrl+Alt+K is already used by another program; choose another key in Settings."
        )
        assert caught.value.fields["key"] == "Ctrl+Alt+K"
        assert hotkeys.registered() == {}

        # Re-registering a name keeps its old key when the new one is taken.
        hotkeys.register("summon", "Ctrl+Alt+J")
        with pytest.raises(HotkeyError, match=r"Ctrl\+Alt\+K is already used"):
            hotkeys.register("summon", "Ctrl+Alt+K")
        assert hotkeys.registered() == {"summon": "Ctrl+Alt+J"}
    finally:
        other.close()


def test_the_same_key_for_two_actions_is_refused(hotkeys: GlobalHotkeys) -> None:
    hotkeys.register("summon", "Ctrl+Alt+G")
    with pytest.raises(HotkeyError, match=r"already the key for another Deskmate action"):
        hotkeys.register("gap", "ctrl+alt+g")


@pytest.mark.parametrize(
    ("sequence", "message"),
    [
        ("G", "needs Ctrl, Alt or the Windows key"),
        ("Ctrl+Alt+Foo", "not a key combination Deskmate understands"),
        ("", "not a key combination Deskmate understands"),
        ("Ctrl+K, Ctrl+G", "several key presses"),
        ("Ctrl+Alt+!", "cannot use Ctrl+Alt+! as a global key"),
    ],
)
def test_unusable_sequences_are_explained(
    hotkeys: GlobalHotkeys, sequence: str, message: str
) -> None:
    with pytest.raises(HotkeyError, match=re.escape(message)):
        hotkeys.register("gap", sequence)
    assert hotkeys.registered() == {}


def test_parse_hotkey_normalises_the_text() -> None:
    chord = parse_hotkey(" ctrl+alt+space ")
    assert (chord.key, chord.ctrl, chord.alt, chord.shift, chord.meta) == (
        Qt.Key.Key_Space,
        True,
        True,
        False,
        False,
    )
    assert chord.text == "Ctrl+Alt+Space"


def test_wayland_sessions_are_recognised() -> None:
    assert is_wayland_session({"XDG_SESSION_TYPE": "wayland"})
    assert is_wayland_session({"WAYLAND_DISPLAY": "wayland-0"})
    assert not is_wayland_session({"XDG_SESSION_TYPE": "x11", "WAYLAND_DISPLAY": "wayland-0"})
    assert not is_wayland_session({})
