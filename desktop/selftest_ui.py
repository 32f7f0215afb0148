"""The self-test's UI check: the real sidebar, offscreen, searching the sample pack.

Kept apart from :mod:`deskmate.desktop.selftest` so the other checks run (and can
fail with a clear line) even where Qt itself cannot load.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from deskmate.core import KnowledgeBase
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.errors import DeskmateError
from deskmate.desktop.activity_recorder import ActivityRecorder
from deskmate.desktop.i18n import install_translators, remove_translators
from deskmate.desktop.icons import app_icon
from deskmate.desktop.sidebar import SidebarWindow
from PySide6.QtCore import (
    QEventLoop,
    QMessageLogContext,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication

QUERY = "退款"
# WORKAROUND: the offscreen platform says this for every window it shows; no problem of ours.
_OFFSCREEN_NOISE = ("This plugin does not support propagateSizeHints()",)
log = logging.getLogger(__name__)


class UiCheckError(DeskmateError):
    """The sidebar could not start or show results (the message says what failed)."""

    code = "selftest.ui_failed"


def _log_qt_message(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    """Qt's own messages go to the log (a warning also to stderr, where IT sees it)."""
    if message in _OFFSCREEN_NOISE:
        return
    if kind == QtMsgType.QtDebugMsg or kind == QtMsgType.QtInfoMsg:
        log.debug("Qt: %s", message)
    else:
        log.warning("Qt: %s", message)


def _application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    # Offscreen unless IT asked for a platform: the check must not need a desktop session.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QApplication(["deskmate", "--selftest"])


def sidebar_search_ready(kb: KnowledgeBase, scratch: Path, timeout_ms: int) -> float:
    """Create the sidebar on ``kb``, search, wait for painted results.

    Returns:
        Milliseconds from creating the window to results on screen.

    Raises:
        UiCheckError: no translation, no icon, or no results within ``timeout_ms``.
    """
    previous = qInstallMessageHandler(_log_qt_message)
    app = _application()
    translators = install_translators(app, "zh_CN")
    try:
        if not translators:
            raise UiCheckError("the Chinese translation is missing from the installation")
        if app_icon().pixmap(32, 32).isNull():
            raise UiCheckError("the icons cannot be drawn (Qt's SVG plugin is missing)")
        start = time.perf_counter()
        recorder = ActivityRecorder(ConsultationLog.open(scratch / "record", "selftest"))
        window = SidebarWindow(kb, recorder)
        try:
            window.show()
            loop = QEventLoop()
            window.results_painted.connect(lambda _request: loop.quit())
            # A timer we stop ourselves: a singleShot would stay pending after we return.
            deadline = QTimer(loop, singleShot=True, interval=timeout_ms)
            deadline.timeout.connect(loop.quit)
            deadline.start()
            window.search_box.setText(QUERY)
            if window.painted_request != window.runner.latest:
                loop.exec()
            deadline.stop()
            elapsed = (time.perf_counter() - start) * 1000
            if window.painted_request != window.runner.latest or window.model.rowCount() == 0:
                raise UiCheckError(
                    f"the sidebar showed no results for {QUERY!r} within {timeout_ms} ms"
                )
            return elapsed
        finally:
            window.shutdown()
            window.close()
            window.deleteLater()
            recorder.close()
    finally:
        remove_translators(app, translators)
        qInstallMessageHandler(previous)
