"""The About box: the version and what support asks for.

The version is the package metadata's, as in ``deskmate --version`` and the installers'
names; the box also says where the logs and IT's settings are and how to check the
installation.
"""

from __future__ import annotations

import html
import platform
from importlib.metadata import version

from deskmate.core.paths import Paths
from deskmate.core.settings import system_settings_path
from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget


def about_text(paths: Paths | None = None) -> str:
    """The About box's rich text (paths default to the running user's)."""
    paths = Paths.resolve() if paths is None else paths
    rows = (
        (QCoreApplication.translate("About", "Logs"), str(paths.log_dir)),
        (QCoreApplication.translate("About", "Data"), str(paths.data_dir)),
        (QCoreApplication.translate("About", "Settings set by IT"), str(system_settings_path())),
    )
    tagline = QCoreApplication.translate(
        "About", "The knowledge sidebar for contact-centre agents."
    )
    check = QCoreApplication.translate(
        "About", "To check this installation, run: deskmate --selftest"
    )
    table = "".join(
        f"<tr><td>{html.escape(k)}&nbsp;</td><td>{html.escape(v)}</td></tr>" for k, v in rows
    )
    return (
        f"<h3>Deskmate {html.escape(version('deskmate'))}</h3>"
        f"<p>{html.escape(tagline)}</p><table>{table}</table><p>{html.escape(check)}</p>"
        f"<p><small>Python {platform.python_version()} · Qt for Python {pyside_version} · "
        f"{html.escape(platform.platform(terse=True))}</small></p>"
    )


def show_about(parent: QWidget | None = None) -> None:
    """Show the About box (modal)."""
    QMessageBox.about(parent, QCoreApplication.translate("About", "About Deskmate"), about_text())
