"""The platform-neutral part of global hotkeys: names, key combinations and the signal.

A global hotkey works while another program (the CRM, the phone client) has the keyboard
focus. Each platform backend subclasses :class:`GlobalHotkeys` and implements ``_grab`` and
``_release``; :func:`global_hotkeys_for` picks the backend.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from deskmate.desktop.hotkeys.errors import HotkeyError
from deskmate.desktop.hotkeys.hotkey_chord import HotkeyChord, parse_hotkey
from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QGuiApplication

__all__ = ["GlobalHotkeys", "HotkeyError", "global_hotkeys_for", "is_wayland_session"]

_log = logging.getLogger(__name__)


def taken_message(key: str) -> str:
    """The sentence for a key another program holds, in the UI's language."""
    return QCoreApplication.translate(
        "GlobalHotkeys", "%1 is already used by another program; choose another key in Settings."
    ).replace("%1", key)


def unusable_message(key: str) -> str:
    """The sentence for a key this desktop cannot grab, in the UI's language."""
    return QCoreApplication.translate(
        "GlobalHotkeys",
        "Deskmate cannot use %1 as a global key here; choose another key in Settings.",
    ).replace("%1", key)


class GlobalHotkeys(QObject):
    """Named global key combinations; :attr:`activated` fires with the name when pressed.

    Use :func:`global_hotkeys_for` to get the right backend.

    Signals:
        activated(name): The key combination registered as ``name`` was pressed.
    """

    activated = Signal(str)
    backend: str = "none"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._chords: dict[str, HotkeyChord] = {}

    @property
    def supported(self) -> bool:
        """Whether this desktop can have global hotkeys at all."""
        return True

    @property
    def unsupported_reason(self) -> str:
        """Why there are no global hotkeys here (empty when :attr:`supported`)."""
        return ""

    def registered(self) -> dict[str, str]:
        """The registered names and their key combinations (portable text)."""
        return {name: chord.text for name, chord in self._chords.items()}

    def register(self, name: str, sequence: str) -> None:
        """Make the key combination ``sequence`` fire :attr:`activated` with ``name``.

        Registering a name again replaces its key; if the new key cannot be had, the old one
        stays registered.

        Args:
            name: What the key does, e.g. ``"summon"`` or ``"gap"``.
            sequence: A ``QKeySequence`` portable string, e.g. ``"Ctrl+Alt+G"``.

        Raises:
            HotkeyError: The text is not a usable combination, another program (or another
                Deskmate action) already has it, or this desktop has no global hotkeys.
        """
        chord = parse_hotkey(sequence)
        for other, existing in self._chords.items():
            if other != name and existing == chord:
                raise HotkeyError(
                    QCoreApplication.translate(
                        "GlobalHotkeys",
                        "%1 is already the key for another Deskmate action (%2); choose "
                        "another key in Settings.",
                    )
                    .replace("%1", chord.text)
                    .replace("%2", other),
                    key=chord.text,
                )
        previous = self._chords.pop(name, None)
        if previous == chord:
            self._chords[name] = chord
            return
        if previous is not None:
            self._release(name, previous)
        try:
            self._grab(name, chord)
        except HotkeyError:
            if previous is not None:
                self._restore(name, previous)
            raise
        self._chords[name] = chord
        _log.info("global hotkey %s: %s", name, chord.text)

    def unregister(self, name: str) -> None:
        """Free the key registered as ``name``; unknown names are ignored."""
        chord = self._chords.pop(name, None)
        if chord is not None:
            self._release(name, chord)

    def unregister_all(self) -> None:
        """Free every registered key."""
        for name in list(self._chords):
            self.unregister(name)

    def close(self) -> None:
        """Free every key and the backend's resources; call it on quit."""
        self.unregister_all()

    def _restore(self, name: str, chord: HotkeyChord) -> None:
        try:
            self._grab(name, chord)
        except HotkeyError as error:
            _log.warning("could not restore global hotkey %s (%s): %s", name, chord.text, error)
        else:
            self._chords[name] = chord

    def _grab(self, name: str, chord: HotkeyChord) -> None:
        """Take the key combination from the platform.

        Raises:
            HotkeyError: The platform refused.
        """
        raise NotImplementedError

    def _release(self, name: str, chord: HotkeyChord) -> None:
        """Give the key combination back to the platform."""
        raise NotImplementedError


_DESKTOP_NAMES = {
    "wayland": "Wayland",
    "wayland-egl": "Wayland",
    "cocoa": "macOS",
    "offscreen": "offscreen",
    "minimal": "no screen",
}


def is_wayland_session(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the login session is Wayland, even if Qt talks to it through XWayland.

    Under XWayland a root-window key grab only fires while an X11 window has the focus, so
    it would silently miss keys pressed in a native Wayland CRM or browser.
    """
    env = os.environ if environ is None else environ
    session = env.get("XDG_SESSION_TYPE", "").lower()
    if session:
        return session == "wayland"
    return bool(env.get("WAYLAND_DISPLAY", ""))


def global_hotkeys_for(app: QGuiApplication, parent: QObject | None = None) -> GlobalHotkeys:
    """The global hotkey backend for the platform ``app`` runs on.

    ``"xcb"`` (outside a Wayland session) gets X11 key grabs, ``"windows"`` gets
    ``RegisterHotKey``; everything else gets a backend whose :meth:`~GlobalHotkeys.register`
    raises :class:`HotkeyError` explaining the desktop-shortcut alternative.
    """
    # The backends subclass GlobalHotkeys, so they are imported here, not at the top.
    from deskmate.desktop.hotkeys.unsupported_hotkeys import UnsupportedGlobalHotkeys

    platform = app.platformName()
    if platform == "xcb":
        if is_wayland_session():
            return UnsupportedGlobalHotkeys("Wayland", parent)
        try:
            from deskmate.desktop.hotkeys.x11_hotkeys import X11GlobalHotkeys

            return X11GlobalHotkeys(parent=parent)
        except (ImportError, HotkeyError) as error:
            _log.warning("no X11 global hotkeys: %s", error)
            return UnsupportedGlobalHotkeys("X11 display unreachable", parent)
    if platform == "windows":
        from deskmate.desktop.hotkeys.windows_hotkeys import WindowsGlobalHotkeys

        return WindowsGlobalHotkeys(parent)
    return UnsupportedGlobalHotkeys(_DESKTOP_NAMES.get(platform, platform), parent)
