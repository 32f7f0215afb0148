"""SVG icons from resources/icons: sharp at any scale (HiDPI)."""

from __future__ import annotations

from importlib import resources

from PySide6.QtGui import QIcon


def app_icon(name: str = "deskmate") -> QIcon:
    """The icon ``resources/icons/<name>.svg``."""
    # One step at a time: the frozen app's MultiplexedPath (Python 3.11) takes one argument.
    path = resources.files("deskmate.resources") / "icons" / f"{name}.svg"
    return QIcon(str(path))
