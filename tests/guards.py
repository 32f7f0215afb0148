"""Autouse guards that fail a test for what it leaves behind or logs unexpectedly.

Loaded by tests/conftest.py (``pytest_plugins``), so these fixtures are set up before every
other function-scoped fixture and torn down after them: the checks see the state once the
test's own fixtures have cleaned up. napari's conftest is the model.

* **Warnings logged by Deskmate.** A WARNING (or worse) from a ``deskmate.*`` logger fails
  the test unless the test expects it: ``@pytest.mark.logs_warnings("regex", ...)`` allows
  records whose message matches one of the patterns (``re.search``).
* **Threads.** A non-daemon thread the test started and did not end fails it (a worker
  never joined keeps the process alive at exit, and runs into the next test).
* **Qt timers and windows.** A ``QTimer`` started during the test that is still active
  afterwards, a pending ``QTimer.singleShot`` whose target still exists, or a new top-level
  widget still visible, fails the test: each would fire or paint during the next one.
  ``@pytest.mark.leaks_allowed(reason)`` turns the thread/timer/widget checks off for a test.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

#: Records another guard judges: the GUI watchdog logs every stall over 50 ms, and the
#: ``_gui_watchdog`` fixture (tests/conftest.py) decides which fail a test (its threshold,
#: stalls in the app's code only, the ``gui_stalls_allowed`` marker).
JUDGED_ELSEWHERE = (("deskmate.desktop.watchdog", "GUI thread blocked"),)

#: Warnings that say what the test machine lacks, not what the code did wrong: the offscreen
#: platform has no global hotkeys, so every DeskmateApp built offscreen says so once per
#: hotkey (tests/x11 registers real ones).
ENVIRONMENT = (
    re.compile(
        r"^hotkey \w+ \(.*\): Global hotkeys are not available on this desktop \(offscreen\)"
    ),
    # The same, in the agent's language (tests that run the app in zh_CN).
    re.compile(r"^hotkey \w+ \(.*\): 此桌面环境（offscreen）不支持全局快捷键"),
)

#: How long a thread the test started may take to end after the test's teardown.
THREAD_GRACE_S = 2.0


def pytest_configure(config: pytest.Config) -> None:
    """Register the guards' markers (strict markers are on)."""
    config.addinivalue_line(
        "markers",
        "logs_warnings(*patterns): the test expects deskmate WARNING/ERROR records whose "
        "message matches one of these regular expressions",
    )
    config.addinivalue_line(
        "markers",
        "leaks_allowed(reason): the test may leave threads, Qt timers or windows behind "
        "(say why; the leak checks are off for it)",
    )


class _Collector(logging.Handler):
    """Keeps every WARNING-or-worse record that reaches the ``deskmate`` logger."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def _no_unexpected_warnings(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the test on a deskmate WARNING it did not declare with ``logs_warnings``."""
    collector = _Collector()
    logger = logging.getLogger("deskmate")
    logger.addHandler(collector)
    try:
        yield
    finally:
        logger.removeHandler(collector)
    patterns = [
        re.compile(pattern)
        for marker in request.node.iter_markers("logs_warnings")
        for pattern in marker.args
    ]
    unexpected = [
        record
        for record in collector.records
        if not any(p.search(record.getMessage()) for p in patterns)
        and not any(
            record.name == name and str(record.msg).startswith(prefix)
            for name, prefix in JUDGED_ELSEWHERE
        )
        and not any(p.search(record.getMessage()) for p in ENVIRONMENT)
    ]
    if unexpected:
        lines = "\n".join(
            f"  {r.levelname} {r.name}: {r.getMessage()[:300]}" for r in unexpected[:10]
        )
        pytest.fail(
            f"{len(unexpected)} unexpected deskmate log record(s) at WARNING or above "
            f"(declare expected ones with @pytest.mark.logs_warnings(regex)):\n{lines}",
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def _restore_root_logging() -> Iterator[None]:
    """Undo what an entry point's ``configure_logging`` did to the root logger in a test.

    ``deskmate.desktop.cli.main`` configures logging once per process, as it should; in a
    test its stderr handler would outlive pytest's captured stream (later records then fail
    with "I/O operation on closed file") and its log file would stay open.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


def _leaks_allowed(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("leaks_allowed") is not None


@pytest.fixture(autouse=True)
def _no_leaked_threads(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the test if a non-daemon thread it started is still running after it.

    Wider-scoped fixtures (a module's live server) are set up before this one, so their
    threads are in ``before``: only what the test and its function fixtures start counts.
    """
    before = set(threading.enumerate())
    yield
    if _leaks_allowed(request):
        return
    deadline = time.monotonic() + THREAD_GRACE_S
    leaked: list[threading.Thread] = []
    for thread in threading.enumerate():
        if thread in before or thread.daemon or thread is threading.current_thread():
            continue
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            leaked.append(thread)
    if leaked:
        names = ", ".join(t.name for t in leaked)
        pytest.fail(f"the test left non-daemon thread(s) running: {names}", pytrace=False)


class _TimerWatch:
    """Records the QTimers started (and singleShots scheduled) while a test runs."""

    def __init__(self) -> None:
        self.timers: list[Any] = []
        self.single_shots: list[tuple[float, Any, str]] = []  # (due, receiver or None, what)


def _describe(target: object) -> str:
    name = getattr(target, "__qualname__", None) or type(target).__qualname__
    return str(name)


@pytest.fixture(autouse=True)
def _no_leaked_qt_objects(request: pytest.FixtureRequest) -> Iterator[None]:
    """In Qt tests: fail on timers still active or new top-level windows still shown after it."""
    if not {"qtbot", "qapp"} & set(request.fixturenames):
        yield
        return
    import shiboken6
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    watch = _TimerWatch()
    base_start = QTimer.start
    base_single_shot = QTimer.singleShot

    def start(self: QTimer, *args: Any) -> None:
        watch.timers.append(self)
        base_start(self, *args)

    def single_shot(msec: int, *args: Any) -> None:
        # singleShot(msec, callable), (msec, context, callable), (msec, type, ...): the
        # QObject among the arguments, if any, cancels it when it is deleted.
        receiver = next((a for a in args if isinstance(a, shiboken6.Object)), None)
        target = args[-1]
        due = time.monotonic() + msec / 1000
        watch.single_shots.append((due, receiver, _describe(target)))
        base_single_shot(msec, *args)

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    windows_before = {id(w) for w in app.topLevelWidgets()}
    # A private MonkeyPatch: undoing it must not undo the test's own patches early.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(QTimer, "start", start)
        patch.setattr(QTimer, "singleShot", staticmethod(single_shot))
        yield
    if _leaks_allowed(request):
        return
    problems = _qt_leaks(watch, app, windows_before)
    if problems:
        pytest.fail(
            "the test left Qt objects running (close/stop them in the test or its fixtures):\n  "
            + "\n  ".join(problems),
            pytrace=False,
        )


def _qt_leaks(watch: _TimerWatch, app: Any, windows_before: set[int]) -> list[str]:
    """What the test left running: active timers, pending single shots, open windows."""
    import shiboken6

    # Let deleteLater()s and zero-time timers run, as the event loop would between tests.
    app.processEvents()
    problems: list[str] = []
    for timer in watch.timers:
        if shiboken6.isValid(timer) and timer.isActive():
            what = timer.objectName() or (
                f"interval {timer.interval()} ms, parent {type(timer.parent()).__name__}"
            )
            problems.append(f"a QTimer is still active ({what})")
    now = time.monotonic()
    for due, receiver, what in watch.single_shots:
        alive = receiver is None or shiboken6.isValid(receiver)
        if due > now and alive:
            problems.append(f"a QTimer.singleShot to {what} is still pending")
    for widget in app.topLevelWidgets():
        if id(widget) not in windows_before and widget.isVisible():
            problems.append(
                f"a top-level {type(widget).__name__} ({widget.windowTitle()!r}) is still open"
            )
    return problems
