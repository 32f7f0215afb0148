"""The last line of error handling: ``sys.excepthook`` and ``threading.excepthook``.

Jobs catch their own failures at the job boundary (:mod:`deskmate.desktop.jobs`); what
escapes anywhere else (a Qt slot, a thread of a library) reaches these hooks. A known
:class:`DeskmateError` is shown in the UI's words; anything else is a bug: its traceback
goes to the log and the agent sees a short apology that says where the log is. Nothing
is ever shown as raw exception text.
"""

from __future__ import annotations

import logging
import sys
import threading
from types import TracebackType
from typing import Any

from deskmate.core.errors import DeskmateError
from deskmate.desktop.error_wording import unexpected_error_text, wording
from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


class ExceptionHooks(QObject):
    """Installs both hooks; ``reported`` carries the sentence to show (any thread → GUI).

    Signals:
        reported(str): an uncaught error happened; the sentence for the agent.
    """

    reported = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._previous: tuple[Any, Any] | None = None

    def install(self) -> None:
        """Replace ``sys.excepthook`` and ``threading.excepthook`` (once)."""
        if self._previous is None:
            self._previous = (sys.excepthook, threading.excepthook)
            sys.excepthook = self._on_exception
            threading.excepthook = self._on_thread_exception

    def uninstall(self) -> None:
        """Put the previous hooks back (on quit; tests)."""
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None

    def handle(
        self,
        kind: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
        where: str = "the GUI thread",
    ) -> None:
        """Log and report one uncaught exception."""
        if isinstance(exc, DeskmateError):
            log.warning("uncaught in %s: %s (%s)", where, exc.message, exc.code)
            self.reported.emit(wording(exc))
            return
        log.error("uncaught exception in %s", where, exc_info=(kind, exc, tb))
        self.reported.emit(unexpected_error_text())

    def _on_exception(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        self.handle(kind, exc, tb)

    def _on_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "a thread"
        self.handle(args.exc_type, args.exc_value, args.exc_traceback, f"thread {name}")
