"""The autouse guards of tests/guards.py fail what they should, and only that.

Each case runs in its own pytest process (pytester) with tests/guards.py as its conftest.
"""

from __future__ import annotations

from pathlib import Path

import pytest

GUARDS = Path(__file__).with_name("guards.py")

CASES = """
import logging
import threading

import pytest

log = logging.getLogger("deskmate.example")


def test_unexpected_warning():
    log.warning("something odd happened")


@pytest.mark.logs_warnings("odd")
def test_declared_warning():
    log.warning("something odd happened")


def test_info_is_fine():
    log.info("all well")


def test_left_a_thread_running():
    done = threading.Event()
    threading.Thread(target=done.wait, args=(4,), name="forgotten-worker").start()


@pytest.fixture(scope="module")
def shared_worker():
    done = threading.Event()
    worker = threading.Thread(target=done.wait, name="module-worker")
    worker.start()
    yield worker
    done.set()
    worker.join()


def test_a_module_fixtures_thread_is_not_the_tests(shared_worker):
    assert shared_worker.is_alive()


def test_joined_thread_is_fine():
    worker = threading.Thread(target=lambda: None)
    worker.start()
    worker.join()


def test_left_a_timer_running(qapp):
    from PySide6.QtCore import QTimer

    timer = QTimer(qapp)
    timer.setObjectName("forgotten-timer")
    timer.start(60_000)


def test_left_a_single_shot_pending(qapp):
    from PySide6.QtCore import QTimer

    QTimer.singleShot(60_000, lambda: None)


def test_left_a_window_open(qapp):
    from PySide6.QtWidgets import QWidget

    window = QWidget()
    window.setWindowTitle("forgotten-window")
    window.show()
    qapp.forgotten = window  # kept alive: still open after the test


def test_stopped_timer_and_closed_window_are_fine(qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QWidget

    timer = QTimer()
    timer.start(10)
    timer.stop()
    window = QWidget()
    qtbot.addWidget(window)  # pytest-qt closes it after the test
    window.show()
"""


@pytest.mark.slow
def test_the_guards_catch_leaks_and_unexpected_warnings(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(GUARDS.read_text(encoding="utf-8"))
    pytester.makepyfile(test_cases=CASES)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rE")
    result.assert_outcomes(passed=10, errors=5)
    errors = {
        line.split("::")[1].split(" ")[0]
        for line in result.outlines
        if line.startswith("ERROR test_cases.py::")
    }
    assert errors == {
        "test_unexpected_warning",
        "test_left_a_thread_running",
        "test_left_a_timer_running",
        "test_left_a_single_shot_pending",
        "test_left_a_window_open",
    }
    output = result.stdout.str()
    assert "WARNING deskmate.example: something odd happened" in output
    assert "non-daemon thread(s) running: forgotten-worker" in output
    assert "a QTimer is still active (forgotten-timer)" in output
    assert "a QTimer.singleShot to" in output
    assert "a top-level QWidget ('forgotten-window') is still open" in output
