"""Fixtures for offscreen widget tests of the sidebar."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.paths import Paths
from deskmate.desktop.activity_recorder import ActivityRecorder
from deskmate.desktop.app import DeskmateApp
from deskmate.desktop.sidebar import SidebarWindow
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


@pytest.fixture
def recorder(sample_kb: KnowledgeBase) -> Iterator[ActivityRecorder]:
    """An activity recorder on the sample knowledge base's database."""
    rec = ActivityRecorder(ConsultationLog.open(sample_kb.data_dir, "agent-007"))
    yield rec
    rec.close()


@pytest.fixture
def sidebar(
    qtbot: QtBot, sample_kb: KnowledgeBase, recorder: ActivityRecorder
) -> Iterator[SidebarWindow]:
    """The sidebar on the sample pack, 380×800, shown offscreen."""
    window = SidebarWindow(sample_kb, recorder)
    qtbot.addWidget(window)
    window.resize(380, 800)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.shutdown()
    recorder.flush()


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type like an agent: ASCII as key clicks, Chinese as input-method commits.

    (``qtbot.keyClicks`` aborts on non-ASCII text.)
    """
    widget.setFocus()
    for char in text:
        if char.isascii():
            qtbot.keyClick(widget, char)
        else:
            event = QInputMethodEvent()
            event.setCommitString(char)
            QApplication.sendEvent(widget, event)
        QApplication.processEvents()


def wait_for_results(qtbot: QtBot, window: SidebarWindow, text: str) -> None:
    """Wait until the list shows the results of ``text``."""
    assert window.search_box.text() == text
    qtbot.waitUntil(lambda: window.painted_request == window.runner.latest, timeout=10_000)


def shot(widget: QWidget, name: str) -> Path:
    """Save a PNG of ``widget`` under build/screenshots/ (look at them)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    assert widget.grab().save(str(path))
    return path


def press(
    qtbot: QtBot,
    widget: QWidget,
    key: Qt.Key,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    """One key press on ``widget``."""
    qtbot.keyClick(widget, key, modifier)


@pytest.fixture
def paths(tmp_path: Path, _sample_kb_template: Path) -> Paths:
    """The sample knowledge base, English UI, no server."""
    data = tmp_path / "data"
    shutil.copytree(_sample_kb_template, data)
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text(json.dumps({"language": "en"}), "utf-8")
    return Paths.resolve(data, config)


@pytest.fixture
def start_app(qapp: QApplication, paths: Paths) -> Iterator[DeskmateApp]:
    """The app, built (not started); quit after the test."""
    deskmate = DeskmateApp(qapp, paths, dock=False)
    yield deskmate
    deskmate.quit()
    deskmate.window.deleteLater()


@pytest.fixture(scope="session")
def big_kb_template(tmp_path_factory: pytest.TempPathFactory, _sample_kb_template: Path) -> Path:
    """The sample pack copied to 4,000 items: its rebuild takes long enough to quit during."""
    root = tmp_path_factory.mktemp("big-kb")
    shutil.copytree(_sample_kb_template, root, dirs_exist_ok=True)
    with KnowledgeBase.open(root) as kb:
        sample = list(kb._store.iter_items())
        copies = [
            dataclasses.replace(item, id=f"{item.id}-copy{n}")
            for n in range(1, 4000 // len(sample) + 1)
            for item in sample
        ]
        kb.upsert(copies)
    return root
