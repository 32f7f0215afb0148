"""Errors of the global hotkeys."""

from __future__ import annotations

from deskmate.core.errors import DeskmateError


class HotkeyError(DeskmateError):
    """A global hotkey cannot be registered; the message tells the agent what to do.

    ``fields["key"]``, when present, is the key combination in Qt's portable text
    (e.g. ``"Ctrl+Alt+G"``).
    """

    code = "desktop.hotkey"
