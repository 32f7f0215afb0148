"""Launching the sidebar process: the display check, the one running instance, a quick end.

``run_sidebar`` is what ``deskmate`` (no subcommand) runs once the command line is read:
it hands a wish to a sidebar already running, or builds :class:`DeskmateApp` and runs
Qt's event loop until quit. Moved out of ``app`` (the window's wiring) to keep each
module to one job.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Mapping

from deskmate.core import DeskmateError
from deskmate.core.paths import Paths
from deskmate.desktop.app import DeskmateApp
from deskmate.desktop.single_instance import send_to_running
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)


def display_problem(environ: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """Why no window can be shown here, or None (Qt would abort the process instead)."""
    if platform != "linux" or environ.get("QT_QPA_PLATFORM"):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "No graphical display was found (DISPLAY is not set), so the sidebar cannot open. "
        "Start Deskmate from a desktop session, or use `deskmate search ...` in a terminal."
    )


def run_sidebar(paths: Paths, dock: bool = True, command: str = "summon") -> int:
    """Run the sidebar until quit, or pass ``command`` to the running one; exit status."""
    problem = display_problem(os.environ)
    if problem:
        print(f"deskmate: {problem}", file=sys.stderr)  # noqa: T201 - no window possible
        return 2
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(["deskmate"])
    if send_to_running(paths.data_dir, command):
        # A context message holds the customer's words: log its kind, not its text.
        log.info("passed %r to the running Deskmate", "context" if command[:1] == "{" else command)
        return 0
    app.setApplicationName("Deskmate")
    app.setOrganizationName("Deskmate")
    app.setDesktopFileName("deskmate")
    try:
        deskmate = DeskmateApp(app, paths, dock=dock)
    except DeskmateError as exc:
        log.exception("cannot start: %s", exc.message)
        print(f"deskmate: {exc.message}")  # noqa: T201 - before any window exists
        return 2
    deskmate.start()
    if command != "summon":
        deskmate.handle_command(command)
    _quit_on_terminate(deskmate)
    status = app.exec()
    _end_process(status)
    return status  # not reached


def _end_process(status: int) -> None:
    """End the process now that :meth:`DeskmateApp.quit` wrote and closed everything.

    The interpreter's own teardown (freeing the segmenter's dictionaries, the widgets,
    every module) writes nothing and took 1.5-2 s on a busy machine, past the 3 s an
    agent or log-off waits for a quit; so the logs are flushed and the process ends here.
    """
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _quit_on_terminate(deskmate: DeskmateApp) -> None:
    """SIGTERM/SIGINT (log-off, IT tooling, Ctrl+C) quit cleanly: queued events are written."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_args: QTimer.singleShot(0, deskmate.quit))
    # Python runs signal handlers only between bytecodes; a slow no-op timer gives it the
    # chance while Qt sits in its C++ event loop.
    heartbeat = QTimer(deskmate)
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(500)
