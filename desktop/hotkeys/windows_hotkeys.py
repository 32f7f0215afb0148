"""Global hotkeys on Windows: ``RegisterHotKey`` and ``WM_HOTKEY``.

``RegisterHotKey(NULL, id, modifiers, vk)`` ties the hotkey to the calling (GUI) thread, which
then receives ``WM_HOTKEY`` with ``wParam == id`` as a thread message. Qt's event dispatcher
hands thread messages to native event filters as ``"windows_dispatcher_MSG"`` (some PySide
builds report ``"windows_generic_MSG"``), so a ``QAbstractNativeEventFilter`` catches them
without a window of our own. ``ERROR_HOTKEY_ALREADY_REGISTERED`` means another program has
the combination.

All ctypes code sits under ``sys.platform == "win32"`` checks so the module imports (and
type-checks) on Linux; ``mypy --platform win32`` checks the Windows side.
"""

from __future__ import annotations

import logging
import sys

from deskmate.desktop.hotkeys.errors import HotkeyError
from deskmate.desktop.hotkeys.global_hotkeys import (
    GlobalHotkeys,
    taken_message,
    unusable_message,
)
from deskmate.desktop.hotkeys.hotkey_chord import HotkeyChord
from deskmate.desktop.windows_messages import WindowsMessageFilter
from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    Qt,
    QTimer,
)

if sys.platform == "win32":
    import ctypes
    from ctypes import wintypes

    _user32 = ctypes.WinDLL("user32", use_last_error=True)

    _RegisterHotKey = _user32.RegisterHotKey
    _RegisterHotKey.argtypes = (wintypes.HWND, ctypes.c_int, wintypes.UINT, wintypes.UINT)
    _RegisterHotKey.restype = wintypes.BOOL

    _UnregisterHotKey = _user32.UnregisterHotKey
    _UnregisterHotKey.argtypes = (wintypes.HWND, ctypes.c_int)
    _UnregisterHotKey.restype = wintypes.BOOL

_log = logging.getLogger(__name__)

# winuser.h / winerror.h
MOD_ALT, MOD_CONTROL, MOD_SHIFT, MOD_WIN, MOD_NOREPEAT = 0x1, 0x2, 0x4, 0x8, 0x4000
WM_HOTKEY = 0x0312
ERROR_HOTKEY_ALREADY_REGISTERED = 1409
_FIRST_ID, _LAST_ID = 0x0001, 0xBFFF  # the range RegisterHotKey allows applications

_NAMED_VIRTUAL_KEYS: dict[Qt.Key, int] = {
    Qt.Key.Key_Space: 0x20,
    Qt.Key.Key_Return: 0x0D,
    Qt.Key.Key_Enter: 0x0D,
    Qt.Key.Key_Escape: 0x1B,
    Qt.Key.Key_Tab: 0x09,
    Qt.Key.Key_Backspace: 0x08,
    Qt.Key.Key_Insert: 0x2D,
    Qt.Key.Key_Delete: 0x2E,
    Qt.Key.Key_Home: 0x24,
    Qt.Key.Key_End: 0x23,
    Qt.Key.Key_PageUp: 0x21,
    Qt.Key.Key_PageDown: 0x22,
    Qt.Key.Key_Left: 0x25,
    Qt.Key.Key_Up: 0x26,
    Qt.Key.Key_Right: 0x27,
    Qt.Key.Key_Down: 0x28,
    Qt.Key.Key_Pause: 0x13,
    Qt.Key.Key_Print: 0x2C,
    # VK_OEM_* keys: the positions of a US layout, which is what Qt's portable text names.
    Qt.Key.Key_Minus: 0xBD,
    Qt.Key.Key_Equal: 0xBB,
    Qt.Key.Key_Comma: 0xBC,
    Qt.Key.Key_Period: 0xBE,
    Qt.Key.Key_Slash: 0xBF,
    Qt.Key.Key_Semicolon: 0xBA,
    Qt.Key.Key_Apostrophe: 0xDE,
    Qt.Key.Key_BracketLeft: 0xDB,
    Qt.Key.Key_BracketRight: 0xDD,
    Qt.Key.Key_Backslash: 0xDC,
    Qt.Key.Key_QuoteLeft: 0xC0,
}


def virtual_key(key: Qt.Key) -> int | None:
    """The Win32 virtual-key code of a Qt key (``Key_G`` → ``0x47``), or ``None``."""
    value = key.value
    if Qt.Key.Key_A.value <= value <= Qt.Key.Key_Z.value:
        return value  # VK_A..VK_Z are the upper-case letters' codes, like Qt's
    if Qt.Key.Key_0.value <= value <= Qt.Key.Key_9.value:
        return value
    if Qt.Key.Key_F1.value <= value <= Qt.Key.Key_F24.value:
        return 0x70 + value - Qt.Key.Key_F1.value  # VK_F1 == 0x70
    return _NAMED_VIRTUAL_KEYS.get(key)


def modifier_flags(chord: HotkeyChord) -> int:
    """``RegisterHotKey`` modifier flags; ``MOD_NOREPEAT`` so a held key fires once."""
    return (
        MOD_NOREPEAT
        | (MOD_CONTROL if chord.ctrl else 0)
        | (MOD_ALT if chord.alt else 0)
        | (MOD_SHIFT if chord.shift else 0)
        | (MOD_WIN if chord.meta else 0)
    )


class WindowsGlobalHotkeys(GlobalHotkeys):
    """Global hotkeys through ``RegisterHotKey`` on the GUI thread. Windows only.

    Args:
        parent: The Qt parent.

    Raises:
        HotkeyError: Constructed on another platform, or before the QApplication.
    """

    backend: str = "windows"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids: dict[str, int] = {}
        self._names_by_id: dict[int, str] = {}
        self._next_id = _FIRST_ID
        self._filter = WindowsMessageFilter(
            lambda _hwnd, message, wparam: message == WM_HOTKEY and self.handle_hotkey(wparam)
        )
        app = QCoreApplication.instance()
        if sys.platform != "win32" or app is None:
            raise HotkeyError("Windows global hotkeys need Windows and a running QApplication.")
        else:
            app.installNativeEventFilter(self._filter)

    def close(self) -> None:
        """Unregister every key and stop listening for ``WM_HOTKEY``."""
        super().close()
        app = QCoreApplication.instance()
        if app is not None:
            app.removeNativeEventFilter(self._filter)

    def handle_hotkey(self, hotkey_id: int) -> bool:
        """Emit :attr:`activated` for a ``WM_HOTKEY`` id of ours; ``False`` if it is not ours."""
        name = self._names_by_id.get(hotkey_id)
        if name is None:
            return False
        # Emit once the dispatcher has finished with the native message, not from inside it.
        QTimer.singleShot(0, self, lambda: self.activated.emit(name))
        return True

    def _grab(self, name: str, chord: HotkeyChord) -> None:
        vk = virtual_key(chord.key)
        if vk is None:
            raise HotkeyError(unusable_message(chord.text), key=chord.text)
        hotkey_id = self._take_id()
        if sys.platform == "win32":
            if not _RegisterHotKey(None, hotkey_id, modifier_flags(chord), vk):
                error = ctypes.get_last_error()
                if error == ERROR_HOTKEY_ALREADY_REGISTERED:
                    raise HotkeyError(taken_message(chord.text), key=chord.text)
                raise HotkeyError(
                    QCoreApplication.translate(
                        "GlobalHotkeys",
                        "Windows would not make %1 a global key (error %2); choose another "
                        "key in Settings.",
                    )
                    .replace("%1", chord.text)
                    .replace("%2", str(error)),
                    key=chord.text,
                    win32_error=error,
                )
        self._ids[name] = hotkey_id
        self._names_by_id[hotkey_id] = name

    def _release(self, name: str, chord: HotkeyChord) -> None:
        hotkey_id = self._ids.pop(name, None)
        if hotkey_id is None:
            return
        self._names_by_id.pop(hotkey_id, None)
        if sys.platform == "win32" and not _UnregisterHotKey(None, hotkey_id):
            _log.warning("UnregisterHotKey(%s) failed: %s", hotkey_id, ctypes.get_last_error())

    def _take_id(self) -> int:
        while self._next_id in self._names_by_id:
            self._next_id = self._next_id + 1 if self._next_id < _LAST_ID else _FIRST_ID
        hotkey_id = self._next_id
        self._next_id = hotkey_id + 1 if hotkey_id < _LAST_ID else _FIRST_ID
        return hotkey_id
