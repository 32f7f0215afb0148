"""Start-up: the window first, then the search index as a job with progress and Cancel."""

from __future__ import annotations

import errno
import json
import shutil
import threading

import pytest
from deskmate.core.paths import Paths
from deskmate.core.search.index_store import META_FILE, SearchIndex
from deskmate.desktop.app import DeskmateApp
from pytestqt.qtbot import QtBot

from tests.desktop.conftest import type_text


def _hold_writer(deskmate: DeskmateApp) -> threading.Event:
    """Keep the writer lane busy until the returned event is set (a slow disk, say)."""
    gate = threading.Event()
    deskmate.jobs.submit("gate", lambda _ctx: gate.wait(10))
    return gate


@pytest.mark.logs_warnings(r"job [\w-]+: .* \((operation\.cancelled|index\.preparing)\)$")
def test_with_the_index_deleted_the_window_shows_at_once_with_progress(
    qtbot: QtBot, start_app: DeskmateApp, paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    deskmate = start_app
    shutil.rmtree(paths.data_dir / "index")
    seen: list[tuple[int, int]] = []
    progress = deskmate.window.index_progress
    show = progress.set_progress

    def record_progress(done: int, total: int) -> None:
        seen.append((done, total))
        show(done, total)

    monkeypatch.setattr(progress, "set_progress", record_progress)
    gate = _hold_writer(deskmate)
    deskmate.start()
    assert deskmate.window.isVisible()
    assert progress.isVisible()
    assert "Preparing the search index" in progress.label.text()
    # Typing before the index is ready says so, in words, instead of failing.
    type_text(qtbot, deskmate.window.search_box, "refund")
    qtbot.waitUntil(lambda: "still being prepared" in deskmate.window.empty_label.text())
    assert "href='gap'" not in deskmate.window.empty_label.text()  # nothing was searched
    gate.set()
    qtbot.waitUntil(lambda: deskmate.kb.index_ready, timeout=20_000)
    assert deskmate.jobs.wait_until_idle()
    assert not progress.isVisible()
    assert seen
    assert seen[-1][0] == seen[-1][1] == 253
    assert progress.label.text() == "Preparing the search index… 100%"
    # The query typed while preparing is searched as soon as the index is ready.
    assert deskmate.window.model.rowCount() > 0
    assert (paths.data_dir / "index" / "current" / META_FILE).exists()


def test_cancel_keeps_the_old_index_and_searches_it(
    qtbot: QtBot, start_app: DeskmateApp, paths: Paths
) -> None:
    deskmate = start_app
    meta_path = paths.data_dir / "index" / "current" / META_FILE
    meta = json.loads(meta_path.read_text("utf-8"))
    meta["fingerprint"] = "built-by-an-older-version"  # an upgrade changed the analysis
    meta_path.write_text(json.dumps(meta), "utf-8")
    before = meta_path.read_text("utf-8")
    gate = _hold_writer(deskmate)
    deskmate.start()
    assert deskmate.window.index_progress.isVisible()
    deskmate.window.index_progress.cancel_button.click()
    gate.set()
    assert deskmate.jobs.wait_until_idle()
    assert deskmate.kb.index_ready
    assert meta_path.read_text("utf-8") == before  # nothing rebuilt, nothing half-written
    assert not [p for p in (paths.data_dir / "index").iterdir() if p.name != "current"]
    assert "not rebuilt" in deskmate.window.status.text()
    type_text(qtbot, deskmate.window.search_box, "refund")
    qtbot.waitUntil(lambda: deskmate.window.model.rowCount() > 0)


def test_cancel_with_no_index_at_all_says_search_works_after_a_restart(
    qtbot: QtBot, start_app: DeskmateApp, paths: Paths
) -> None:
    deskmate = start_app
    shutil.rmtree(paths.data_dir / "index")
    gate = _hold_writer(deskmate)
    deskmate.start()
    deskmate.window.index_progress.cancel_button.click()
    gate.set()
    assert deskmate.jobs.wait_until_idle()
    assert not deskmate.kb.index_ready
    assert "after Deskmate restarts" in deskmate.window.status.text()


@pytest.mark.logs_warnings(
    r"job prepare-index: .*the disk is full.* \(index\.failed\)$",
    r"rebuilding it from the store",
)
def test_a_full_disk_during_the_rebuild_keeps_searching_the_old_index(
    qtbot: QtBot, start_app: DeskmateApp, paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    deskmate = start_app
    meta_path = paths.data_dir / "index" / "current" / META_FILE
    meta = json.loads(meta_path.read_text("utf-8"))
    meta["fingerprint"] = "built-by-an-older-version"
    meta_path.write_text(json.dumps(meta), "utf-8")
    before = meta_path.read_text("utf-8")

    def disk_full(*_args: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")  # as the disk write fails

    monkeypatch.setattr(SearchIndex, "_fill", disk_full)
    deskmate.start()
    qtbot.waitUntil(lambda: deskmate.kb.index_ready, timeout=20_000)
    assert deskmate.jobs.wait_until_idle()
    assert "The disk is full, so the search index could not be rebuilt" in (
        deskmate.window.status.text()
    )
    assert meta_path.read_text("utf-8") == before
    assert [p.name for p in (paths.data_dir / "index").iterdir()] == ["current"]
    type_text(qtbot, deskmate.window.search_box, "refund")
    qtbot.waitUntil(lambda: deskmate.window.model.rowCount() > 0)
