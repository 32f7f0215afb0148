"""Quitting during a long job ends within 3 s and leaves nothing half-written."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.paths import Paths
from deskmate.desktop.app import DeskmateApp
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

QUIT_LIMIT_S = 3.0


def _config(tmp_path: Path) -> Path:
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text(json.dumps({"language": "en"}), "utf-8")
    return config


def _quit_timed(deskmate: DeskmateApp) -> float:
    begun = time.monotonic()
    deskmate.quit()
    deskmate.window.deleteLater()
    return time.monotonic() - begun


@pytest.mark.logs_warnings(r"job [\w-]+: .* \((operation\.cancelled|index\.preparing)\)$")
def test_quit_during_an_index_rebuild(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, big_kb_template: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(big_kb_template, data)
    shutil.rmtree(data / "index")
    deskmate = DeskmateApp(qapp, Paths.resolve(data, _config(tmp_path)), dock=False)
    deskmate.start()
    bar = deskmate.window.index_progress.bar
    qtbot.waitUntil(lambda: bar.maximum() == 100 and bar.value() > 0, timeout=30_000)
    assert not deskmate.kb.index_ready  # still rebuilding
    assert _quit_timed(deskmate) < QUIT_LIMIT_S
    # Nothing half-written: no live index appeared from the cancelled build, and the
    # next start builds a complete one from the intact store.
    assert not (data / "index" / "current").exists()
    with KnowledgeBase.open(data) as kb:
        total = sum(kb.count().values())
        assert total >= 4000
        assert kb.search("退款", limit=1)


@pytest.mark.logs_warnings(r"job [\w-]+: .* \((operation\.cancelled|index\.preparing)\)$")
def test_quit_during_the_first_start_import(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    deskmate = DeskmateApp(qapp, Paths.resolve(data, _config(tmp_path)), dock=False)
    deskmate.start()
    qtbot.waitUntil(
        lambda: "Loading the sample knowledge pack" in deskmate.window.permanent_status,
        timeout=20_000,
    )
    assert _quit_timed(deskmate) < QUIT_LIMIT_S
    # The pack goes in one transaction: all of it or none, and the index follows the store.
    with KnowledgeBase.open(data) as kb:
        total = sum(kb.count().values())
        assert total in (0, 253)
        assert bool(kb.search("退款", limit=1)) == bool(total)
