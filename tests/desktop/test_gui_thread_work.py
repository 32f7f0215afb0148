"""Work the session benchmark found on the GUI thread, now elsewhere (issue #14)."""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from deskmate.core.paths import Paths
from deskmate.core.sync import TokenVault
from deskmate.desktop.app import DeskmateApp
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot


@pytest.fixture
def syncing_app(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[DeskmateApp]:
    """The app set to sync with a server, built in the fixture (start-up, not the test)."""
    monkeypatch.delenv("DESKMATE_TOKEN", raising=False)
    config = tmp_path / "config"
    config.mkdir()
    settings = {"language": "en", "server_url": "http://127.0.0.1:9"}
    (config / "settings.json").write_text(json.dumps(settings), "utf-8")
    deskmate = DeskmateApp(qapp, Paths.resolve(tmp_path / "data", config), dock=False)
    yield deskmate
    deskmate.quit()
    deskmate.window.deleteLater()


@pytest.mark.logs_warnings(r"^job sync: .* \(sync\.auth\)$")
def test_the_sync_looks_up_its_token_in_the_job_not_on_the_gui_thread(
    qtbot: QtBot, syncing_app: DeskmateApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first lookup probes the credential store's backends (0.8 s at 100k items in
    # the session benchmark, all of it a frozen window).
    looked_up_on: list[str] = []
    real_load = TokenVault.load

    def load(vault: TokenVault) -> str | None:
        looked_up_on.append(threading.current_thread().name)
        return real_load(vault)

    monkeypatch.setattr(TokenVault, "load", load)
    sync = syncing_app.sync
    with qtbot.waitSignal(sync.finished, timeout=20_000) as finished:
        assert sync.sync_now() is None  # started; the answer comes later
    assert looked_up_on == ["deskmate-writer"]
    assert "Sign in" in finished.args[1]  # no token kept: the agent is asked to sign in
    assert sync.last_error_code == "sync.auth"


def test_what_start_up_loaded_is_out_of_the_collectors_sight(
    qtbot: QtBot, start_app: DeskmateApp
) -> None:
    # A full collection walks every tracked object while holding the GIL: 245 ms with
    # 100k items loaded, a pause of every thread including the GUI's.
    gc.unfreeze()
    try:
        with qtbot.waitSignal(start_app.startup.prepared, timeout=20_000):
            start_app.start()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_the_word_dictionary_loads_while_the_window_is_built(start_app: DeskmateApp) -> None:
    # Its load holds the GIL (0.1-0.7 s): on screen, that froze the new window.
    assert start_app.jobs.wait_until_idle()
    assert start_app.kb._segmenter._jieba is not None
    assert not start_app.window.isVisible()  # before start() showed anything
