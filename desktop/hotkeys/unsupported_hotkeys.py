"""Global hotkeys where the desktop offers none (Wayland, macOS for now, offscreen)."""

from __future__ import annotations

from deskmate.desktop.hotkeys.errors import HotkeyError
from deskmate.desktop.hotkeys.global_hotkeys import GlobalHotkeys
from deskmate.desktop.hotkeys.hotkey_chord import HotkeyChord
from PySide6.QtCore import QCoreApplication, QObject


class UnsupportedGlobalHotkeys(GlobalHotkeys):
    """A stand-in that refuses every key with a sentence saying what to do instead.

    Wayland lets no program grab keys for the whole desktop; the desktop's own shortcut
    settings can run ``deskmate --summon`` / ``deskmate --flag-gap`` instead.

    Args:
        desktop: How to name the desktop to the agent, e.g. ``"Wayland"`` or ``"macOS"``.
        parent: The Qt parent.
    """

    backend: str = "unsupported"

    def __init__(self, desktop: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reason = QCoreApplication.translate(
            "GlobalHotkeys",
            "Global hotkeys are not available on this desktop (%1). Use a desktop shortcut "
            "that runs `deskmate --summon` or `deskmate --flag-gap`.",
        ).replace("%1", desktop)

    @property
    def supported(self) -> bool:
        """Always ``False``."""
        return False

    @property
    def unsupported_reason(self) -> str:
        """The sentence :meth:`register` raises with."""
        return self._reason

    def register(self, name: str, sequence: str) -> None:
        """Always refuses.

        Raises:
            HotkeyError: Always, with :attr:`unsupported_reason` as the message.
        """
        raise HotkeyError(self._reason, key=sequence)

    def _grab(self, name: str, chord: HotkeyChord) -> None:
        raise HotkeyError(self._reason, key=chord.text)

    def _release(self, name: str, chord: HotkeyChord) -> None:
        """Nothing is ever grabbed."""
