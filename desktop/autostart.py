"""Start at login: an XDG autostart entry on Linux, the Run key on Windows."""

from __future__ import annotations

import contextlib
import os
import shlex
import sys
from pathlib import Path

from deskmate.core.errors import DeskmateError

_RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"


def _command() -> list[str]:
    if getattr(sys, "frozen", False):  # the PyInstaller build
        return [sys.executable]
    return [sys.executable, "-m", "deskmate.desktop.cli"]


def autostart_file() -> Path:
    """The XDG autostart entry path."""
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "autostart" / "deskmate.desktop"


def set_start_at_login(enabled: bool) -> None:
    """Register or unregister Deskmate to start when the user signs in.

    Raises:
        DeskmateError: the entry could not be written (the message says where).
    """
    try:
        if sys.platform == "win32":
            import winreg

            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, _RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
                if enabled:
                    command = " ".join(f'"{part}"' for part in _command())
                    winreg.SetValueEx(key, "Deskmate", 0, winreg.REG_SZ, command)
                else:
                    with contextlib.suppress(FileNotFoundError):
                        winreg.DeleteValue(key, "Deskmate")
            return
        path = autostart_file()
        if not enabled:
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        exec_line = " ".join(shlex.quote(part) for part in _command())
        path.write_text(
            "[Desktop Entry]\nType=Application\nName=Deskmate\n"
            f"Exec={exec_line}\nX-GNOME-Autostart-enabled=true\n",
            "utf-8",
        )
    except OSError as exc:
        raise DeskmateError(f"Could not change start-at-login ({exc}).") from exc
