"""A separate X client that owns the CLIPBOARD or PRIMARY selection, as the CRM would.

Run as ``python -m tests.x11.clipboard_owner clipboard|selection TEXT``: it takes the
selection, prints "owned" and serves it until terminated (an X selection lives only as
long as its owner). No window is shown, so the focus stays where it is. Stands in for
xclip/xsel, which the test machine does not have.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QClipboard, QGuiApplication

SERVE_MS = 120_000  # ends on its own if the test forgets it


def main() -> int:
    """Own the selection named by argv[1] with the text argv[2]."""
    app = QGuiApplication(sys.argv[:1])
    mode = QClipboard.Mode.Selection if sys.argv[1] == "selection" else QClipboard.Mode.Clipboard
    QGuiApplication.clipboard().setText(sys.argv[2], mode)
    print("owned", flush=True)  # noqa: T201 - the test waits for it
    QTimer.singleShot(SERVE_MS, app.quit)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
