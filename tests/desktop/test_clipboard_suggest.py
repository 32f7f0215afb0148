"""Suggestions for copied text and the paste box, through the real app offscreen (issue #18).

A plain ``QWidget`` plays the CRM: it has the focus when the agent copies, and must keep
it while the sidebar shows the suggestions. The clipboard is Qt's own (offscreen: in
process), set as another program would set it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from deskmate.core.activity.events import ConsultationEvent, EventKind
from deskmate.core.paths import Paths
from deskmate.desktop.app import DeskmateApp
from PySide6.QtCore import QEvent, QMimeData, QObject, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from tests.desktop.conftest import type_text

COPIED = "客户说：花呗还款日能改吗"
NO_ACTIVATION = Qt.WidgetAttribute.WA_ShowWithoutActivating
SECRET = "password=Winter2026!"  # noqa: S105 - what an agent might copy by mistake


def _app(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, settings: dict[str, object]
) -> DeskmateApp:
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text(json.dumps({"language": "en", **settings}), "utf-8")
    app = DeskmateApp(qapp, Paths.resolve(tmp_path / "data", config), dock=False)
    with qtbot.waitSignal(app.startup.prepared, timeout=30_000):
        app.start()
    return app


@pytest.fixture
def deskmate(qtbot: QtBot, qapp: QApplication, tmp_path: Path) -> Iterator[DeskmateApp]:
    """The real app, offline on the sample pack, with suggestions from copies turned on."""
    app = _app(qtbot, qapp, tmp_path, {"suggest_from_clipboard": True})
    try:
        yield app
    finally:
        app.quit()
        app.window.deleteLater()


@pytest.fixture
def crm(qtbot: QtBot) -> QWidget:
    """Another window with the keyboard focus, as the CRM has when the agent copies."""
    window = QLineEdit()
    window.setWindowTitle("CRM")
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    return window


def _painted(qtbot: QtBot, app: DeskmateApp, text: str) -> None:
    qtbot.waitUntil(lambda: app.window.search_box.text() == text, timeout=5_000)
    runner = app.window.runner
    qtbot.waitUntil(lambda: app.window.painted_request == runner.latest, timeout=10_000)


def _events(app: DeskmateApp) -> list[ConsultationEvent]:
    app.window.end_session()  # records the settled search and how it ended
    app.recorder.flush()
    return app.recorder.recent(50)


def _nothing_happens(qtbot: QtBot, app: DeskmateApp) -> None:
    qtbot.wait(300)  # the clipboard signal is synchronous; give any search time to start
    assert app.window.search_box.text() == ""
    assert _events(app) == []


def test_a_copy_in_the_crm_shows_suggestions_and_the_crm_keeps_the_focus(
    qtbot: QtBot, deskmate: DeskmateApp, crm: QWidget, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    crm.setFocus()
    QApplication.clipboard().setText(COPIED)
    _painted(qtbot, deskmate, COPIED)
    assert deskmate.window.model.rowCount() > 0
    assert QApplication.activeWindow() is crm  # never activated
    assert crm.hasFocus()
    assert not deskmate.window.isActiveWindow()
    assert deskmate.suggest.source == "clipboard"
    assert COPIED not in caplog.text  # lengths only
    searches = [e for e in _events(deskmate) if e.query == COPIED]
    assert {e.kind for e in searches} >= {EventKind.SEARCH}
    assert all(e.detail["source"] == "clipboard" for e in searches)
    assert all(e.upload_dict()["query"] == "" for e in searches)  # kept here, not uploaded


def test_a_hidden_sidebar_is_shown_without_activation(
    qtbot: QtBot, deskmate: DeskmateApp, crm: QWidget
) -> None:
    """Shown with WA_ShowWithoutActivating, only for that show.

    The offscreen platform activates every window it shows whatever the attribute says,
    so the focus staying with the CRM is proven on a real X server
    (tests/x11/test_clipboard_suggest_x11.py); here, that the sidebar asked for it.
    """
    seen: list[bool] = []

    class ShowWatch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Show:
                seen.append(deskmate.window.testAttribute(NO_ACTIVATION))
            return False

    watch = ShowWatch()
    deskmate.hide_sidebar()
    deskmate.window.installEventFilter(watch)
    try:
        QApplication.clipboard().setText(COPIED)
        _painted(qtbot, deskmate, COPIED)
    finally:
        deskmate.window.removeEventFilter(watch)
    assert deskmate.window.isVisible()
    assert seen == [True]
    assert not deskmate.window.testAttribute(NO_ACTIVATION)  # the next summon activates


def test_off_by_default_a_copy_does_nothing(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, crm: QWidget
) -> None:
    app = _app(qtbot, qapp, tmp_path, {})
    try:
        assert not app.suggest.enabled
        assert "suggest" not in app.hotkeys.registered()  # the key stays free when off
        QApplication.clipboard().setText(COPIED)
        _nothing_happens(qtbot, app)
    finally:
        app.quit()
        app.window.deleteLater()


def test_an_image_in_the_clipboard_is_ignored(
    qtbot: QtBot, deskmate: DeskmateApp, crm: QWidget
) -> None:
    image = QImage(16, 16, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    QApplication.clipboard().setImage(image)
    _nothing_happens(qtbot, deskmate)
    both = QMimeData()  # a screenshot tool offering a file name as text as well
    both.setImageData(image)
    both.setText("退款 截图.png")
    QApplication.clipboard().setMimeData(both)
    _nothing_happens(qtbot, deskmate)
    assert deskmate.suggest.last_refusal == "suggest.not_text"


def test_secrets_and_huge_copies_are_ignored_and_never_recorded(
    qtbot: QtBot, deskmate: DeskmateApp, crm: QWidget, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    QApplication.clipboard().setText(SECRET)
    _nothing_happens(qtbot, deskmate)
    assert deskmate.suggest.last_refusal == "suggest.secret"
    assert "Winter2026" not in caplog.text
    QApplication.clipboard().setText("退款" * 5 * 1024 * 1024)  # 10 MB of text
    _nothing_happens(qtbot, deskmate)
    assert deskmate.suggest.last_refusal == "suggest.too_long"


def test_deskmates_own_copy_is_not_searched(qtbot: QtBot, deskmate: DeskmateApp) -> None:
    deskmate.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is deskmate.window, timeout=5_000)
    QApplication.clipboard().setText("您好，退款将在 3-5 个工作日内原路退回。")
    _nothing_happens(qtbot, deskmate)


def test_typing_over_a_suggested_query_makes_it_the_agents_own_again(
    qtbot: QtBot, deskmate: DeskmateApp, crm: QWidget
) -> None:
    QApplication.clipboard().setText(COPIED)
    _painted(qtbot, deskmate, COPIED)
    deskmate.summon()
    qtbot.waitUntil(lambda: deskmate.window.search_box.hasFocus(), timeout=5_000)
    deskmate.window.search_box.clear()
    assert deskmate.suggest.source == ""
    type_text(qtbot, deskmate.window.search_box, "refund")
    _painted(qtbot, deskmate, "refund")
    events = _events(deskmate)
    typed = [e for e in events if e.query == "refund"]
    assert typed
    assert all("source" not in e.detail for e in typed)
    assert all(e.upload_dict()["query"] == "refund" for e in typed)


def test_the_suggest_hotkey_searches_the_selection_or_the_clipboard(
    qtbot: QtBot, deskmate: DeskmateApp, crm: QWidget
) -> None:
    QApplication.clipboard().setText(COPIED)  # offscreen has no selection: the clipboard
    _painted(qtbot, deskmate, COPIED)
    deskmate.window.search_box.clear()
    deskmate._on_hotkey("suggest")
    _painted(qtbot, deskmate, COPIED)
    assert QApplication.activeWindow() is crm
    QApplication.clipboard().setText(SECRET)
    deskmate._on_hotkey("suggest")  # pressed on purpose: the status line says why not
    assert "password" in deskmate.window.status.text()
    QApplication.clipboard().clear()
    deskmate._on_hotkey("suggest")  # nothing selected or copied
    assert deskmate.suggest.last_refusal == "suggest.no_words"
