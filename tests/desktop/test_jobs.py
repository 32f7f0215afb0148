"""The job runner: GUI-thread delivery, cancel, stale results dropped, bounded quit."""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Iterator

import pytest
from deskmate.core.errors import DeskmateError, StoreLockedError
from deskmate.desktop.jobs import JobContext, JobRunner, Lane
from deskmate.desktop.watchdog import MainThreadWatchdog
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot


@pytest.fixture
def jobs(qtbot: QtBot) -> Iterator[JobRunner]:
    """A job runner, shut down after the test."""
    runner = JobRunner()
    yield runner
    runner.shutdown(timeout=1)


def _numbered(n: int, _ctx: JobContext) -> tuple[int, str]:
    return n, threading.current_thread().name


def test_results_arrive_on_the_gui_thread_in_order(jobs: JobRunner) -> None:
    seen: list[tuple[int, bool]] = []
    for n in range(5):
        jobs.submit(
            "n",
            functools.partial(_numbered, n),
            on_done=lambda r: seen.append(
                (r[0], threading.current_thread() is threading.main_thread())
            ),
        )
    assert jobs.wait_until_idle()
    assert seen == [(n, True) for n in range(5)]


def test_a_newer_job_with_the_same_key_drops_the_older_result(jobs: JobRunner) -> None:
    release = threading.Event()
    got: list[str] = []

    def slow(ctx: JobContext) -> str:
        release.wait(5)
        return "old"

    jobs.submit("related", slow, lane=Lane.READER, key="related", on_done=got.append)
    jobs.submit("related", lambda _ctx: "new", lane=Lane.READER, key="related", on_done=got.append)
    release.set()
    assert jobs.wait_until_idle()
    assert got == ["new"]


@pytest.mark.logs_warnings(r"job [\w-]+: .* \((operation\.cancelled|index\.preparing)\)$")
def test_cancel_reaches_the_job_and_its_error_goes_to_on_error(jobs: JobRunner) -> None:
    started = threading.Event()
    errors: list[DeskmateError] = []

    def long(ctx: JobContext) -> None:
        started.set()
        while True:
            ctx.check_cancelled()
            time.sleep(0.01)

    job = jobs.submit("rebuild", long, on_error=errors.append)
    assert started.wait(5)
    job.cancel()
    assert jobs.wait_until_idle()
    assert [e.code for e in errors] == ["operation.cancelled"]


@pytest.mark.logs_warnings(r"failed unexpectedly")
def test_a_known_error_is_worded_and_a_bug_is_logged_with_an_apology(
    jobs: JobRunner, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    shown: list[str] = []
    jobs.problem.connect(shown.append)

    def locked(_ctx: JobContext) -> None:
        raise StoreLockedError("locked (English, for the log)", path="/data/deskmate.db")

    def bug(_ctx: JobContext) -> None:
        raise ZeroDivisionError("raw text the agent must not see")

    jobs.submit("write", locked)
    with caplog.at_level(logging.ERROR, logger="deskmate.desktop.jobs"):
        jobs.submit("history", bug)
        assert jobs.wait_until_idle()
    assert "in use by another program (/data/deskmate.db)" in shown[0]
    assert shown[1].startswith("Sorry, something went wrong inside Deskmate.")
    assert "raw text" not in " ".join(shown)
    bug_record = next(r for r in caplog.records if "history failed" in r.getMessage())
    assert bug_record.exc_info is not None
    assert bug_record.exc_info[0] is ZeroDivisionError


@pytest.mark.logs_warnings(r"quit: abandoned jobs still running after")
def test_shutdown_waits_a_bounded_time_and_names_what_it_abandoned(
    caplog: pytest.LogCaptureFixture,
) -> None:
    jobs = JobRunner()
    started = threading.Event()

    def stubborn(_ctx: JobContext) -> None:  # ignores its cancel event
        started.set()
        time.sleep(3)

    jobs.submit("import", stubborn)
    assert started.wait(5)
    begun = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="deskmate.desktop.jobs"):
        abandoned = jobs.shutdown(timeout=0.3)
    assert time.monotonic() - begun < 1.0
    assert abandoned == ["import"]
    assert "abandoned jobs still running" in caplog.text


def test_shutdown_cancels_queued_jobs_so_they_never_run(qtbot: QtBot) -> None:
    jobs = JobRunner()
    ran: list[str] = []
    gate = threading.Event()
    jobs.submit("first", lambda ctx: gate.wait(5))
    jobs.submit("second", lambda ctx: ran.append("second"))
    timer = threading.Timer(0.1, gate.set)
    timer.start()
    assert jobs.shutdown(timeout=2) == []
    timer.join()
    assert ran == []


def test_the_watchdog_catches_a_200_ms_sleep_on_the_gui_thread(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    watchdog = MainThreadWatchdog(threshold_ms=50)
    watchdog.start()
    try:
        qtbot.wait(50)
        QTimer.singleShot(0, lambda: time.sleep(0.2))  # a slot that blocks the GUI thread
        qtbot.waitUntil(lambda: bool(watchdog.stalls), timeout=5000)
    finally:
        watchdog.stop()
    stall = watchdog.stalls[0]
    assert stall.ms >= 150
    assert "time.sleep(0.2)" in stall.stack  # the stack says where the GUI thread was
