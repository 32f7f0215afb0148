"""sys.excepthook / threading.excepthook: worded errors, apologies for bugs, tracebacks logged."""

from __future__ import annotations

import logging
import sys
import threading

import pytest
from deskmate.core.errors import StoreReadOnlyError
from deskmate.desktop.exception_hooks import ExceptionHooks
from pytestqt.qtbot import QtBot


@pytest.mark.logs_warnings(r"uncaught exception in")
def test_an_uncaught_bug_in_a_thread_is_logged_and_apologised_for(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    hooks = ExceptionHooks()
    shown: list[str] = []
    hooks.reported.connect(shown.append)
    hooks.install()
    try:

        def broken() -> None:
            raise KeyError("raw text of a bug")

        with caplog.at_level(logging.ERROR):
            worker = threading.Thread(target=broken, name="some-library-thread")
            worker.start()
            worker.join()
            qtbot.waitUntil(lambda: bool(shown))
    finally:
        hooks.uninstall()
    assert shown[0].startswith("Sorry, something went wrong inside Deskmate.")
    record = next(r for r in caplog.records if "some-library-thread" in r.getMessage())
    assert record.exc_info is not None
    assert record.exc_info[0] is KeyError


@pytest.mark.logs_warnings(r"uncaught in")
def test_an_uncaught_deskmate_error_is_worded_not_shown_raw(qtbot: QtBot) -> None:
    hooks = ExceptionHooks()
    shown: list[str] = []
    hooks.reported.connect(shown.append)
    hooks.install()
    try:
        error = StoreReadOnlyError("English for the log", path="/d/deskmate.db")
        sys.excepthook(type(error), error, None)  # as Qt hands over an error from a slot
        qtbot.waitUntil(lambda: bool(shown))
    finally:
        hooks.uninstall()
    assert "/d/deskmate.db is read-only" in shown[0]
    assert "English for the log" not in shown[0]
