"""A bug in any job: a short translated apology, the traceback in the log, no event lost."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.activity.events import EventKind
from deskmate.core.errors import StoreLockedError, StoreReadOnlyError
from deskmate.desktop import sidebar_reads, startup, status_line
from deskmate.desktop.activity_recorder import ActivityRecorder
from deskmate.desktop.app import DeskmateApp
from deskmate.desktop.error_wording import wording
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.desktop.conftest import type_text

APOLOGY = "Sorry, something went wrong inside Deskmate."


class _InjectedError(RuntimeError):
    """The injected unexpected exception."""


def _boom(*_args: Any, **_kwargs: Any) -> Any:
    raise _InjectedError("injected bug: raw text the agent must not see")


def _ready(qtbot: QtBot, deskmate: DeskmateApp) -> None:
    deskmate.start()
    qtbot.waitUntil(lambda: deskmate.kb.index_ready, timeout=20_000)
    assert deskmate.jobs.wait_until_idle()


def _search(qtbot: QtBot, d: DeskmateApp, mp: pytest.MonkeyPatch) -> None:
    _ready(qtbot, d)
    mp.setattr(d.kb, "search", _boom)
    type_text(qtbot, d.window.search_box, "refund")


def _related(qtbot: QtBot, d: DeskmateApp, mp: pytest.MonkeyPatch) -> None:
    _ready(qtbot, d)
    mp.setattr(sidebar_reads, "related_hits", _boom)
    d.window.open_item("faq-refund-001")


def _history(qtbot: QtBot, d: DeskmateApp, mp: pytest.MonkeyPatch) -> None:
    _ready(qtbot, d)
    mp.setattr(sidebar_reads, "history", _boom)
    d.window.show_history()


def _home(qtbot: QtBot, d: DeskmateApp, mp: pytest.MonkeyPatch) -> None:
    _ready(qtbot, d)
    d.window.remember_usage(["faq-refund-001"], [])
    mp.setattr(sidebar_reads, "home_hits", _boom)
    d.window.show_home()


def _status(qtbot: QtBot, d: DeskmateApp, mp: pytest.MonkeyPatch) -> None:
    _ready(qtbot, d)
    mp.setattr(status_line, "status_facts", _boom)
    d.refresh_status()


def _prepare_index(qtbot: QtBot, d: DeskmateApp, mp: pytest.MonkeyPatch) -> None:
    mp.setattr(d.kb, "prepare_index", _boom)
    d.start()


def _prepare(qtbot: QtBot, d: DeskmateApp, mp: pytest.MonkeyPatch) -> None:
    mp.setattr(startup, "feed_usage", _boom)
    _ready(qtbot, d)


def _learning(qtbot: QtBot, d: DeskmateApp, mp: pytest.MonkeyPatch) -> None:
    _ready(qtbot, d)
    mp.setattr(d.learning.store, "snapshot", _boom)
    d.window.show_learning()  # My learning reads the cached profile: a learning job


CASES: dict[str, Callable[[QtBot, DeskmateApp, pytest.MonkeyPatch], None]] = {
    "search": _search,
    "related": _related,
    "history": _history,
    "home": _home,
    "status": _status,
    "prepare-index": _prepare_index,
    "prepare": _prepare,
    "learning": _learning,
}


@pytest.mark.logs_warnings(r"failed unexpectedly")
@pytest.mark.parametrize("kind", list(CASES))
def test_a_bug_in_a_job_shows_the_apology_and_logs_the_traceback(
    kind: str,
    qtbot: QtBot,
    start_app: DeskmateApp,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR):
        CASES[kind](qtbot, start_app, monkeypatch)
        qtbot.waitUntil(lambda: start_app.window.status.text().startswith(APOLOGY))
    assert "raw text" not in start_app.window.status.text()
    failed = [r for r in caplog.records if r.exc_info and r.exc_info[0] is _InjectedError]
    assert failed, caplog.text
    assert f"job {kind} failed" in failed[0].getMessage()


@pytest.mark.logs_warnings(r"failed unexpectedly")
def test_a_bug_while_recording_loses_no_event(
    qtbot: QtBot,
    start_app: DeskmateApp,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    deskmate = start_app
    _ready(qtbot, deskmate)
    record = deskmate.recorder.log
    real = record.record_search
    calls = {"n": 0}

    def fails_once(query: str, count: int) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise _InjectedError("injected bug in the record")
        return real(query, count)

    monkeypatch.setattr(record, "record_search", fails_once)
    with caplog.at_level(logging.ERROR):
        deskmate.recorder.search("花呗还款", 3)
        qtbot.waitUntil(lambda: deskmate.window.status.text().startswith(APOLOGY))
    assert any(r.exc_info and r.exc_info[0] is _InjectedError for r in caplog.records)
    deskmate.recorder.copy("faq-refund-001", True)  # the next write tries the kept one first
    deskmate.recorder.flush()
    kinds = [(e.kind, e.query) for e in record.recent(10)]
    assert (EventKind.SEARCH, "花呗还款") in kinds
    assert EventKind.COPY in [k for k, _q in kinds]


class _MarkingTranslator(QTranslator):
    """Marks every string it translates: proves a sentence went through translation."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        return f"〔zh〕{source}"


def test_locked_and_read_only_databases_get_distinct_translated_sentences(
    qapp: QApplication,
) -> None:
    translator = _MarkingTranslator()
    qapp.installTranslator(translator)
    try:
        locked = wording(StoreLockedError("locked", path="/d/deskmate.db"))
        read_only = wording(StoreReadOnlyError("read-only", path="/d/deskmate.db"))
        apology = QCoreApplication.translate("ErrorWording", "x")
    finally:
        qapp.removeTranslator(translator)
    assert locked.startswith("〔zh〕")
    assert read_only.startswith("〔zh〕")
    assert apology.startswith("〔zh〕")
    assert locked != read_only
    assert "/d/deskmate.db" in locked
    assert "/d/deskmate.db" in read_only


@pytest.mark.logs_warnings(r"consultation record kept in the side file")
def test_the_recorder_words_a_locked_and_a_read_only_database_differently(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    from tests.core.activity.test_activity import _connection_pragma

    translator = _MarkingTranslator()
    qapp.installTranslator(translator)
    data = tmp_path / "data"
    recorder = ActivityRecorder(ConsultationLog.open(data, "agent-7", busy_timeout_ms=100))
    shown: list[str] = []
    recorder.problem.connect(shown.append)
    try:
        other = sqlite3.connect(data / "deskmate.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        recorder.search("宽带", 2)
        recorder.flush()
        other.execute("ROLLBACK")
        other.close()
        qtbot.waitUntil(lambda: len(shown) == 1)
        with _connection_pragma(recorder.log, "PRAGMA query_only = ON"):  # read-only
            recorder.search("宽带套餐", 1)
            recorder.flush()
            qtbot.waitUntil(lambda: len(shown) == 2)
        recorder.search("after", 0)  # writable again: what waited goes in
        recorder.flush()
        queries = [e.query for e in recorder.recent(10)]
    finally:
        recorder.close()
        qapp.removeTranslator(translator)
    locked, read_only = shown
    assert locked.startswith("〔zh〕")
    assert "in use by another program" in locked
    assert read_only.startswith("〔zh〕")
    assert "read-only" in read_only
    assert "〔zh〕%1 Your activity is kept aside" not in locked  # %1 was filled in
    assert {"宽带", "宽带套餐", "after"} <= set(queries)  # no event lost
