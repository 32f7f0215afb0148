"""MainThreadWatchdog: logs every GUI-thread stall over a threshold, with its stack.

Anki logs when its main thread is blocked; this does the same for the sidebar. A
watcher thread posts a ping to the GUI thread (a queued signal) and waits for the
answer. If none comes within the threshold, it takes the GUI thread's Python stack from
``sys._current_frames()`` while it is still stuck there, and when the answer finally
arrives it logs a warning with how long the stall was and that stack. On in tests (an
autouse fixture fails a test that stalls) and with the ``DESKMATE_WATCHDOG`` debug
setting; off otherwise, as the pings cost a little.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from types import FrameType

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)
THRESHOLD_MS = 50
PING_INTERVAL_S = 0.01


@dataclass(frozen=True)
class Stall:
    """One GUI-thread stall: how long, and where the GUI thread was.

    ``modules`` names the module of each frame of ``stack`` (outermost first), so a test
    can tell a stall in the app's code from a slow line of the test itself.
    """

    ms: float
    stack: str
    modules: tuple[str, ...] = ()
    # The other threads' innermost frames at the same moment: when the GUI thread sits in
    # Qt's event loop or a lock, the thread holding the GIL is where the time went.
    others: str = ""
    sent: float = 0.0  # time.monotonic() when the unanswered ping was sent

    def in_app(self) -> bool:
        """Whether the desktop app's code was on the stack."""
        return any(name.startswith("deskmate.desktop") for name in self.modules)


class _Pong(QObject):
    """Lives on the GUI thread; answers pings there."""

    ping = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.answered = 0
        self.ping.connect(self._answer)

    def _answer(self, number: int) -> None:
        self.answered = number


class MainThreadWatchdog:
    """Start it on the GUI thread; :attr:`stalls` lists what it saw.

    Args:
        threshold_ms: Stalls longer than this are recorded and logged.
    """

    def __init__(self, threshold_ms: float = THRESHOLD_MS) -> None:
        self.threshold_ms = threshold_ms
        self.stalls: list[Stall] = []
        self._main = threading.get_ident()
        self._pong = _Pong()  # created here, on the GUI thread
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="deskmate-watchdog", daemon=True)

    def start(self) -> None:
        """Start watching."""
        self._thread.start()

    def stop(self) -> None:
        """Stop watching (waits for the watcher thread)."""
        self._stop.set()
        # Long enough that the watcher never outlives this object's owner: its _Pong
        # must be freed on the GUI thread, not by the watcher's last reference.
        self._thread.join(10.0)

    def _watch(self) -> None:
        number = 0
        while not self._stop.is_set():
            number += 1
            sent = time.monotonic()
            self._pong.ping.emit(number)
            stack: tuple[str, tuple[str, ...], str] | None = None
            while self._pong.answered < number and not self._stop.is_set():
                time.sleep(0.002)
                late_ms = 1000 * (time.monotonic() - sent)
                if stack is None and late_ms > self.threshold_ms:
                    stack = self._main_stack()  # where it is stuck, while it is stuck
            waited_ms = 1000 * (time.monotonic() - sent)
            if stack is not None and waited_ms > self.threshold_ms and not self._stop.is_set():
                stall = Stall(waited_ms, *stack, sent=sent)
                self.stalls.append(stall)
                # In the app the event loop (run_sidebar) is always on the stack; a stall
                # without it is a test's own slow line, noted quietly.
                level = logging.WARNING if stall.in_app() else logging.DEBUG
                log.log(
                    level,
                    "GUI thread blocked for %.0f ms; it was at:\n%s\nthe other threads:\n%s",
                    waited_ms,
                    _innermost(stall.stack),
                    stall.others,
                )
            self._stop.wait(PING_INTERVAL_S)

    def _main_stack(self) -> tuple[str, tuple[str, ...], str]:
        frames = sys._current_frames()
        names = {t.ident: t.name for t in threading.enumerate()}
        others = "".join(
            f"{names.get(ident, ident)}:\n{''.join(traceback.format_stack(other)[-4:])}"
            for ident, other in frames.items()
            if ident not in (self._main, threading.get_ident())
        )
        frame = frames.get(self._main)
        if frame is None:
            return "(unknown)", (), others
        modules = []
        walk: FrameType | None = frame
        while walk is not None:
            modules.append(str(walk.f_globals.get("__name__", "")))
            walk = walk.f_back
        return "".join(traceback.format_stack(frame)), tuple(reversed(modules)), others


def _innermost(stack: str, frames: int = 12) -> str:
    """The innermost ``frames`` frames of a formatted stack (where the time went)."""
    entries = stack.split("  File ")
    return "  File ".join(["", *entries[-frames:]]) if len(entries) > frames else stack
