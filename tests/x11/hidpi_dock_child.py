"""Run by test_strut_x11.py in its own process, with QT_SCALE_FACTOR=2: dock, report, quit.

A process has one device pixel ratio, so the HiDPI case cannot share the test session's
QApplication. Prints one JSON line: the pixel ratio, the logical geometry, the X window's
geometry and the strut.
"""

from __future__ import annotations

import json
import sys

from deskmate.desktop.docking import DockController
from deskmate.desktop.docking.native_window import native_window_id
from deskmate.desktop.docking.x11_strut import X11StrutReservation
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from tests.x11.x11_tools import screenshot, window_box, window_property


def main() -> int:
    app = QApplication(sys.argv)
    window = QWidget()
    window.setWindowTitle("Deskmate HiDPI test")
    window.setStyleSheet("background: #1f5fbf; color: white; font-size: 14px;")
    QVBoxLayout(window).addWidget(QLabel("Deskmate\n200 %"))
    reservation = X11StrutReservation()
    controller = DockController(window, reservation, edge="right", width=380)
    controller.dock()

    def report() -> None:
        x_id = native_window_id(window)
        box = window_box(x_id)
        screenshot("strut-hidpi.png")
        sys.stdout.write(
            json.dumps(
                {
                    "ratio": window.screen().devicePixelRatio(),
                    "logical": window.geometry().getRect(),
                    "x11": [box.x, box.y, box.width, box.height],
                    "strut": window_property(x_id, "_NET_WM_STRUT_PARTIAL"),
                }
            )
            + "\n"
        )
        controller.release()
        reservation.close()
        app.quit()

    QTimer.singleShot(1000, report)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
